//! The command line (clap derive): one file per command, and the only module that prints or
//! chooses exit codes. Exit codes: 0 analysed and nothing at or above `--fail-on`; 1 gaps at or
//! above it; 2 usage, configuration or library error (nothing analysed).
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod extract;
mod index;
mod questions;
mod redline;
mod rules;
mod scan;
mod serve;
mod waive;
mod worker;

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::extract::Limits;
use crate::extract::ocr::{Ocr, OcrMode, OcrOptions};
use crate::library::{Choice, Register};
use crate::model::DocType;

/// Checks supplier contracts and tender responses for AI assurance: required clauses (present,
/// weak, contradicted or missing) and AI features a bid describes but does not declare.
/// Everything runs on this machine; no document leaves it.
#[derive(Debug, Parser)]
#[command(name = "aiassure", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Analyse files and folders (recursively) and write a gap report.
    Scan(scan::ScanArgs),
    /// Show the text the analyser reads, with page and section of every paragraph.
    Extract(extract::ExtractArgs),
    /// List the clause library's rules, or check a custom library (`--check DIR`).
    Rules(rules::RulesArgs),
    /// Explain a rule: what it requires, why, what weakens it, and wording to add.
    Explain(rules::ExplainArgs),
    /// Write a copy of a DOCX template with the wording of every missing or weak rule inserted as
    /// tracked changes.
    Redline(redline::RedlineArgs),
    /// Build or update a full-text index of a contract repository (incremental).
    Index(index::IndexArgs),
    /// Search an index built by `aiassure index`.
    Search(index::SearchArgs),
    /// Write a clarification letter (DOCX and Markdown) to each bidder whose bid leaves an AI
    /// question unanswered, vague or contrary.
    Questions(questions::QuestionsArgs),
    /// Print a waiver (TOML) for a gap accepted on purpose, pinned to the file's current sha256,
    /// to append to a waivers file (`>> waivers.toml`; use it with `scan --waivers`).
    Waive(waive::WaiveArgs),
    /// The local web page for procurement officers: reviews, uploads, gaps bid by bid,
    /// decisions and reports (prints http://127.0.0.1:PORT/?token=...; API in docs/http-api.md).
    Serve(serve::ServeArgs),
    /// A long-lived worker for Spark or Ray: JSON lines in on standard input ({"path": ...} or
    /// {"name": ..., "bytes_b64": ...}), one JSON line of results out per request, in order.
    Worker(worker::WorkerArgs),
}

/// Bytes in a megabyte, as the `--max-*-mb` flags count them.
const MB: u64 = 1024 * 1024;

/// Limits on what one file may cost; shared by every command that reads documents. The defaults
/// are [`Limits::default`]'s (and [`OcrOptions::default`]'s for OCR), the one place they are
/// written; a test checks the README's table against them.
#[derive(Debug, Clone, Args)]
pub(crate) struct LimitArgs {
    /// Largest file read, in MB.
    #[arg(long, value_name = "MB", default_value_t = Limits::default().max_file_bytes / MB)]
    max_file_mb: u64,
    /// Largest decompressed size of one DOCX package or one PDF's streams, in MB.
    #[arg(long, value_name = "MB", default_value_t = Limits::default().max_decompressed_bytes / MB)]
    max_decompressed_mb: u64,
    /// Deepest XML nesting accepted in a DOCX part.
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_xml_depth)]
    max_xml_depth: usize,
    /// Most objects accepted in one PDF.
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_pdf_objects)]
    max_pdf_objects: usize,
    /// Deepest nesting accepted in a PDF: page-tree levels and drawings (form XObjects) inside
    /// drawings.
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_pdf_depth)]
    max_pdf_depth: usize,
    /// Most drawing operations run for one PDF (a few thousand per page is usual).
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_pdf_operations)]
    max_pdf_operations: u64,
    /// Most characters of text kept from one file.
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_text_chars)]
    max_text_chars: usize,
}

impl LimitArgs {
    pub(crate) fn limits(&self) -> Limits {
        Limits {
            max_file_bytes: self.max_file_mb.saturating_mul(MB),
            max_decompressed_bytes: self.max_decompressed_mb.saturating_mul(MB),
            max_xml_depth: self.max_xml_depth,
            max_pdf_objects: self.max_pdf_objects,
            max_pdf_depth: self.max_pdf_depth,
            max_pdf_operations: self.max_pdf_operations,
            max_text_chars: self.max_text_chars,
        }
    }
}

/// OCR of scanned PDFs and image files (PNG, JPEG, TIFF) with Tesseract; shared by every command
/// that reads documents.
#[derive(Debug, Clone, Args)]
pub(crate) struct OcrArgs {
    /// Read scans by OCR: `auto` reads pages without a text layer and image files when Tesseract
    /// is installed.
    #[arg(long, value_enum, default_value_t = OcrOptions::default().mode)]
    ocr: OcrMode,
    /// Tesseract language(s) for OCR, joined by '+' (e.g. eng+cym); each needs its package
    /// (Debian: tesseract-ocr-LANG).
    #[arg(long, value_name = "LANG", default_value_t = OcrOptions::default().language)]
    ocr_lang: String,
    /// Most pages read by OCR in one file.
    #[arg(long, value_name = "N", default_value_t = OcrOptions::default().max_pages)]
    max_ocr_pages: usize,
    /// Most seconds spent on OCR for one file (rendering and recognition).
    #[arg(long, value_name = "SECONDS", default_value_t = OcrOptions::default().max_seconds)]
    max_ocr_seconds: u64,
}

impl OcrArgs {
    /// Finds Tesseract as asked; a configuration error when `--ocr always` cannot be met or a
    /// language is not installed.
    pub(crate) fn ocr(&self) -> anyhow::Result<Ocr> {
        Ok(Ocr::new(OcrOptions {
            mode: self.ocr,
            language: self.ocr_lang.clone(),
            max_pages: self.max_ocr_pages,
            max_seconds: self.max_ocr_seconds,
        })?)
    }
}

/// Text or JSON, for commands with both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum TextOrJson {
    /// Human-readable text.
    Text,
    /// JSON.
    Json,
}

/// How a command ended.
pub(crate) enum Outcome {
    /// Exit 0.
    Clean,
    /// Exit 1: analysed, with gaps at or above the threshold.
    Gaps,
}

/// Loads the default library, with a custom one over it when `--library` is given.
pub(crate) fn load_library(dir: Option<&PathBuf>) -> anyhow::Result<Choice> {
    Ok(Choice::load(dir.map(PathBuf::as_path))?)
}

/// Document types for `--doc-type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum DocTypeArg {
    /// Supplier contract, template, call-off or terms.
    Contract,
    /// Tender response or bid.
    Tender,
    /// Detect from the text.
    Auto,
}

impl DocTypeArg {
    /// The type to force, or `None` to detect it.
    pub(crate) fn forced(self) -> Option<DocType> {
        match self {
            DocTypeArg::Contract => Some(DocType::Contract),
            DocTypeArg::Tender => Some(DocType::Tender),
            DocTypeArg::Auto => None,
        }
    }
}

/// Reads the approved-tools register given with `--register`.
pub(crate) fn load_register(path: &PathBuf) -> anyhow::Result<Register> {
    let too_big = || {
        anyhow::anyhow!(
            "the AI register {} is larger than {} MB; split it or remove unused rows",
            path.display(),
            crate::library::register::MAX_REGISTER_BYTES / (1024 * 1024)
        )
    };
    let meta = std::fs::metadata(path)
        .with_context(|| format!("could not read the AI register {}", path.display()))?;
    if meta.len() > crate::library::register::MAX_REGISTER_BYTES as u64 {
        return Err(too_big());
    }
    let bytes = std::fs::read(path)
        .with_context(|| format!("could not read the AI register {}", path.display()))?;
    let text = String::from_utf8(bytes).map_err(|_| {
        anyhow::anyhow!(
            "the AI register {} is not UTF-8 text; save it from your spreadsheet as \"CSV UTF-8\"",
            path.display()
        )
    })?;
    Register::from_csv(&text).map_err(|e| {
        anyhow::anyhow!(
            "the AI register {} is not valid: {e} (see docs/register.md for the format)",
            path.display()
        )
    })
}

/// Runs the command and turns its result into an exit code, printing errors for a person.
pub fn main(cli: Cli) -> ExitCode {
    let result = match cli.command {
        Command::Scan(args) => scan::run(args),
        Command::Extract(args) => extract::run(&args),
        Command::Rules(args) => rules::run_rules(&args),
        Command::Explain(args) => rules::run_explain(&args),
        Command::Redline(args) => redline::run(&args),
        Command::Index(args) => index::run_index(&args),
        Command::Search(args) => index::run_search(&args),
        Command::Questions(args) => questions::run(&args),
        Command::Waive(args) => waive::run(&args),
        Command::Serve(args) => serve::run(&args),
        Command::Worker(args) => worker::run(&args),
    };
    match result {
        Ok(Outcome::Clean) => ExitCode::SUCCESS,
        Ok(Outcome::Gaps) => ExitCode::from(1),
        Err(err) => {
            // A closed pipe (`aiassure scan ... | head`) is not an error.
            if err
                .downcast_ref::<io::Error>()
                .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
            {
                return ExitCode::SUCCESS;
            }
            let mut stderr = io::stderr().lock();
            let _ = writeln!(stderr, "aiassure: {err}");
            for cause in err.chain().skip(1) {
                let _ = writeln!(stderr, "  because: {cause}");
            }
            ExitCode::from(2)
        }
    }
}

/// Opens the output: a file when `-o` is given, else standard output.
pub(crate) fn open_output(path: Option<&PathBuf>) -> anyhow::Result<Box<dyn Write>> {
    Ok(match path {
        Some(p) => Box::new(io::BufWriter::new(std::fs::File::create(p).with_context(
            || format!("could not create the output file {}", p.display()),
        )?)),
        None => Box::new(io::BufWriter::new(io::stdout().lock())),
    })
}
