//! Renderers: one per output format, all fed the same [`Report`].
//!
//! - [`text`]: the terminal summary (leads with undisclosed AI features and contradicted rules);
//! - [`json`]: the JSON contract (`serde_json` on the model, described in `docs/report.schema.json`);
//! - [`jsonl`]: JSON lines, one document object per line (`--format jsonl`, `aiassure worker`);
//! - [`parquet`]: the flat [`tables`] `documents`, `verdicts` and `features` as Parquet files;
//! - Markdown and HTML: minijinja templates (`templates/report.md.j2`, `templates/report.html.j2`)
//!   over a [`view::View`] of the report, overridable with `--template DIR` ([`Templates`]);
//! - [`csv`]: one row per document, per document and rule, and per AI feature;
//! - [`sarif`]: SARIF 2.1.0 for code scanning;
//! - [`letter`]: clarification letters to bidders (`aiassure questions`), DOCX and Markdown.
//!
//! Renderers never analyse: everything they show is in the report or derived from it in [`view`].
//! [`known`] reads results back (JSON lines, JSON, Parquet) for `scan --skip-known`.
//!
//! `aiassure scan` writes through one path, [`writer`]: a [`ReportWriter`] takes the documents in
//! path order and the [`Tail`] at the end. JSON streams each document as it comes; the formats that
//! summarise the whole report keep the documents until the end and then [`render`] it, naming
//! documents relative to the folder scanned in the formats for people.

pub mod csv;
pub mod json;
pub mod jsonl;
pub mod known;
pub mod letter;
mod ocr;
pub mod parquet;
mod paths;
pub mod sarif;
pub mod tables;
mod templates;
pub mod text;
pub mod view;

use std::io::{self, Write};
use std::path::Path;

use crate::model::{
    BaselineSummary, DocumentReport, FamilyReport, NameVersion, Report, RuleInfo, SCHEMA_VERSION,
    Summary,
};

pub use ocr::{evidence_confidence, evidence_note, ocr_note};
pub use templates::{TemplateError, Templates};

/// Output formats of `aiassure scan` (these are the `--format` values and their help).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// Readable summary for a terminal.
    Text,
    /// The JSON report (a stable contract).
    Json,
    /// Markdown, for pull-request comments.
    Markdown,
    /// One self-contained HTML file.
    Html,
    /// CSV, one row per document and rule and one per AI feature.
    Csv,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// JSON lines: one document object of the JSON report per line, streamed.
    Jsonl,
    /// Parquet tables documents, verdicts and features in the folder given with -o
    /// (docs/parquet.md).
    Parquet,
}

impl OutputFormat {
    /// True for the formats a person reads (text, Markdown, HTML, CSV): they name documents
    /// relative to the folder scanned. JSON and SARIF keep every path as scanned.
    pub fn for_people(self) -> bool {
        matches!(
            self,
            OutputFormat::Text | OutputFormat::Markdown | OutputFormat::Html | OutputFormat::Csv
        )
    }
}

/// Writes the report in a format. `templates` holds the HTML and Markdown templates
/// ([`Templates::builtin`] unless the user gave `--template DIR`).
///
/// A template that fails while rendering (only possible with a user's own template) is reported
/// as an [`io::Error`] of kind `Other` whose message names the template and the problem.
pub fn render(
    report: &Report,
    format: OutputFormat,
    templates: &Templates,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        OutputFormat::Text => text::render(report, out),
        OutputFormat::Json => json::render(report, out),
        OutputFormat::Jsonl => report
            .documents
            .iter()
            .try_for_each(|d| jsonl::write_document(out, d)),
        OutputFormat::Parquet => Err(io::Error::other(
            "the Parquet report is a folder of tables, written by parquet::ParquetWriter",
        )),
        OutputFormat::Markdown => {
            let page = templates
                .render_markdown(&view::View::of(report))
                .map_err(io::Error::other)?;
            out.write_all(page.as_bytes())
        }
        OutputFormat::Html => {
            let page = templates
                .render_html(&view::View::of(report))
                .map_err(io::Error::other)?;
            out.write_all(page.as_bytes())
        }
        OutputFormat::Csv => csv::render(report, out),
        OutputFormat::Sarif => sarif::render(report, out),
    }
}

/// What a report says before its documents: this program and the clause library.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    /// This program.
    pub tool: NameVersion,
    /// The clause library used.
    pub library: NameVersion,
}

/// What follows the documents: families (when any), totals, the baseline's summary (when one was
/// given) and the rules cited.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tail {
    /// Contract families; none are written when empty.
    pub families: Vec<FamilyReport>,
    /// Totals.
    pub summary: Summary,
    /// What changed since the baseline.
    pub baseline: Option<BaselineSummary>,
    /// The rules cited.
    pub rules: Vec<RuleInfo>,
}

/// A report being written a document at a time: [`writer`] begins it, [`ReportWriter::document`]
/// takes each document in path order, [`ReportWriter::finish`] ends it with the [`Tail`].
///
/// A format that can be written as it comes (JSON) writes each document at once, so memory does
/// not grow with the number of documents; a format that summarises the whole report first (text,
/// Markdown, HTML, CSV, SARIF) keeps the documents until `finish`. Either way the bytes are those
/// [`render`] writes for the whole report.
pub trait ReportWriter {
    /// Takes the next document (in path order).
    fn document(&mut self, document: DocumentReport) -> io::Result<()>;
    /// Writes what is left and ends the report.
    fn finish(self: Box<Self>, tail: Tail) -> io::Result<()>;
}

/// Begins a report in `format` on `out`. `scanned` is the folder the documents were found under:
/// the formats for people ([`OutputFormat::for_people`]) name documents relative to it.
pub fn writer<'w>(
    format: OutputFormat,
    head: Head,
    templates: &'w Templates,
    scanned: &'w Path,
    out: &'w mut dyn Write,
) -> io::Result<Box<dyn ReportWriter + 'w>> {
    Ok(match format {
        OutputFormat::Json => Box::new(json::JsonStream::begin(out, &head.tool, &head.library)?),
        OutputFormat::Jsonl => Box::new(jsonl::JsonLines { out }),
        _ => Box::new(Buffered {
            format,
            head,
            templates,
            scanned,
            out,
            documents: Vec::new(),
        }),
    })
}

/// The writer of the formats that need the whole report: keeps the documents until the end.
struct Buffered<'w> {
    format: OutputFormat,
    head: Head,
    templates: &'w Templates,
    scanned: &'w Path,
    out: &'w mut dyn Write,
    documents: Vec<DocumentReport>,
}

impl ReportWriter for Buffered<'_> {
    fn document(&mut self, document: DocumentReport) -> io::Result<()> {
        self.documents.push(document);
        Ok(())
    }

    fn finish(self: Box<Self>, tail: Tail) -> io::Result<()> {
        let mut report = Report {
            schema_version: SCHEMA_VERSION.into(),
            tool: self.head.tool,
            library: self.head.library,
            documents: self.documents,
            families: tail.families,
            summary: tail.summary,
            baseline: tail.baseline,
            rules: tail.rules,
        };
        if self.format.for_people() {
            paths::relative_to(&mut report, self.scanned);
        }
        render(&report, self.format, self.templates, self.out)
    }
}
