//! Renderers: one per output format, all fed the same [`Report`](crate::model::Report).
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

pub mod csv;
pub mod json;
pub mod jsonl;
pub mod known;
pub mod letter;
mod ocr;
pub mod parquet;
pub mod sarif;
pub mod tables;
mod templates;
pub mod text;
pub mod view;

use std::io::{self, Write};

use crate::model::Report;

pub use ocr::{evidence_confidence, evidence_note, ocr_note};
pub use templates::{TemplateError, Templates};

/// Output formats of `aiassure scan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// Terminal summary.
    Text,
    /// The JSON contract.
    Json,
    /// Markdown, for pull-request comments.
    Markdown,
    /// One self-contained HTML file.
    Html,
    /// One row per document and rule, and one per AI feature.
    Csv,
    /// SARIF 2.1.0 for code scanning.
    Sarif,
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
