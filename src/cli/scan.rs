//! `aiassure scan`: analyse files and folders and write a gap report.

use std::convert::Infallible;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, ValueEnum};

use super::{DocTypeArg, LimitArgs, OcrArgs, Outcome, load_library, load_register, open_output};
use crate::discover;
use crate::model::{ClauseStatus, DocumentReport, Severity, Status};
use crate::report::{self, OutputFormat};
use crate::scan::{self, ScanOptions};

/// Report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FormatArg {
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
}

/// What makes the exit code 1. Each level includes the ones before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, ValueEnum)]
enum FailOn {
    /// Always exit 0 when the scan ran.
    Never,
    /// A required rule is contradicted.
    Contradicted,
    /// A required rule is contradicted or missing.
    Missing,
    /// A required rule is contradicted, missing or weak.
    Weak,
    /// As `weak`, or an AI feature is not covered by the document's disclosure.
    Undisclosed,
    /// As `undisclosed`, or a file could not be read.
    Unreadable,
}

/// Arguments of `aiassure scan`.
#[derive(Debug, Args)]
pub(crate) struct ScanArgs {
    /// Files and folders to analyse (folders recursively: .pdf, .docx, .txt, .md, .html, and
    /// scans as .png, .jpg, .tif).
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Report format.
    #[arg(long, value_enum, default_value_t = FormatArg::Text)]
    format: FormatArg,
    /// Write the report to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// A folder of extra or replacement rules (same format as clause-library/).
    #[arg(long, value_name = "DIR")]
    library: Option<PathBuf>,
    /// Treat every document as this type instead of detecting it.
    #[arg(long, value_enum, default_value_t = DocTypeArg::Auto)]
    doc_type: DocTypeArg,
    /// Exit with code 1 when the report has gaps at or above this level (default: a required rule
    /// contradicted or missing).
    #[arg(long, value_enum, default_value_t = FailOn::Missing)]
    fail_on: FailOn,
    /// Approved AI tools register (CSV: name, vendor, status approved/prohibited, aliases).
    #[arg(long, value_name = "FILE.csv")]
    register: Option<PathBuf>,
    /// Reuse verdicts stored in this index for files that have not changed.
    #[arg(long, value_name = "DIR")]
    index: Option<PathBuf>,
    /// Folder of report templates overriding the built-in ones (report.html.j2, report.md.j2).
    #[arg(long, value_name = "DIR")]
    template: Option<PathBuf>,
    /// Number of files read at once (default: one per core).
    #[arg(short, long, value_name = "N")]
    jobs: Option<usize>,
    /// No progress bar and no summary on standard error.
    #[arg(short, long)]
    quiet: bool,
    #[command(flatten)]
    limits: LimitArgs,
    #[command(flatten)]
    ocr: OcrArgs,
}

pub(crate) fn run(args: ScanArgs) -> anyhow::Result<Outcome> {
    let library = load_library(args.library.as_ref())?;
    let register = args.register.as_ref().map(load_register).transpose()?;
    let ocr = args.ocr.ocr()?;
    let templates = match &args.template {
        Some(dir) => report::Templates::from_dir(dir)?,
        None => report::Templates::builtin(),
    };
    if let Some(jobs) = args.jobs {
        // Fails only when the pool was already built, which cannot happen before a scan.
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(jobs.max(1))
            .build_global();
    }
    let found = discover::discover(&args.paths);
    if found.sources.is_empty() && found.unsupported.is_empty() {
        for p in &found.problems {
            eprintln!("aiassure: {}: {}", p.path.display(), p.message);
        }
        anyhow::bail!(
            "nothing to analyse: no .pdf, .docx, .txt, .md, .html or image (.png, .jpg, .tif) files were found in the paths given"
        );
    }
    if !args.quiet {
        for p in &found.problems {
            eprintln!("aiassure: {}: {}", p.path.display(), p.message);
        }
    }
    let options = ScanOptions {
        library: &library,
        doc_type: args.doc_type.forced(),
        register: register.as_ref(),
        limits: args.limits.limits(),
        ocr: &ocr,
    };
    let bar =
        (!args.quiet && std::io::stderr().is_terminal() && found.sources.len() > 1).then(|| {
            let bar = indicatif::ProgressBar::new(found.sources.len() as u64);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{spinner} {pos}/{len} files {wide_bar} {eta}",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            bar
        });
    // `--index`: reuse the reports the index holds for files that have not changed (read-only).
    let cache = match &args.index {
        Some(dir) => Some(crate::index::StoredFiles::open(
            dir,
            crate::index::settings_key(&library, options.doc_type, options.register),
        )?),
        None => None,
    };
    let cached = cache.as_ref().map(|c| c as &dyn scan::Cache);
    let progress = |_: &DocumentReport| {
        if let Some(b) = &bar {
            b.inc(1);
        }
    };
    let format = match args.format {
        FormatArg::Text => OutputFormat::Text,
        FormatArg::Json => OutputFormat::Json,
        FormatArg::Markdown => OutputFormat::Markdown,
        FormatArg::Html => OutputFormat::Html,
        FormatArg::Csv => OutputFormat::Csv,
        FormatArg::Sarif => OutputFormat::Sarif,
    };
    let mut out = open_output(args.output.as_ref())?;
    let mut failed = false;
    if format == OutputFormat::Json {
        // Streamed: each document's report is written as soon as its turn in path order comes,
        // so memory does not grow with the number of documents.
        let mut stream =
            report::json::JsonStream::begin(&mut out, &scan::tool(), &scan::library_name(&library))
                .context("could not write the report")?;
        let mut totals = scan::Totals::default();
        scan::scan_in_order(&found, &options, cached, &progress, &mut |d| {
            totals.add(&d);
            failed |= fails(&d, args.fail_on);
            stream.document(&d)
        })
        .context("could not write the report")?;
        stream
            .finish(&totals.summary, &totals.rules(&library))
            .context("could not write the report")?;
    } else {
        let mut documents = Vec::new();
        let Ok(()) = scan::scan_in_order(&found, &options, cached, &progress, &mut |d| {
            failed |= fails(&d, args.fail_on);
            documents.push(d);
            Ok::<(), Infallible>(())
        });
        let report = scan::build_report(&library, documents);
        report::render(&report, format, &templates, &mut out)
            .context("could not write the report")?;
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    if let Some(c) = &cache
        && !args.quiet
    {
        eprintln!(
            "aiassure: reused the stored results of {} unchanged files from the index",
            c.reused()
        );
    }
    out.flush().context("could not write the report")?;
    Ok(if failed {
        Outcome::Gaps
    } else {
        Outcome::Clean
    })
}

/// True when a document has something at or above the `--fail-on` level.
fn fails(d: &DocumentReport, level: FailOn) -> bool {
    let gap_level = |s: ClauseStatus| match s {
        ClauseStatus::Contradicted => Some(FailOn::Contradicted),
        ClauseStatus::Missing => Some(FailOn::Missing),
        ClauseStatus::Weak => Some(FailOn::Weak),
        ClauseStatus::Present => None,
    };
    if level == FailOn::Never {
        return false;
    }
    let gaps = d
        .clauses
        .iter()
        .filter(|c| c.severity == Severity::Required)
        .filter_map(|c| gap_level(c.status))
        .any(|l| l <= level);
    let undisclosed = level >= FailOn::Undisclosed && d.ai_features.iter().any(|f| !f.disclosed);
    let unreadable = level >= FailOn::Unreadable && d.status != Status::Analysed;
    gaps || undisclosed || unreadable
}
