//! `aiassure extract`: the text the checker reads, block by block, with page and section; as
//! JSON lines, one block per line, for a search engine's bulk ingest (`docs/scale-out.md`).

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use serde::Serialize;

use super::{LimitArgs, OcrArgs, Outcome, open_output};
use crate::discover;
use crate::extract::Limits;
use crate::extract::ocr::Ocr;
use crate::model::{Block, Format, OcrBlock, OcrSummary, Source, Status};
use crate::report::ocr_note;
use crate::scan;

/// Arguments of `aiassure extract`.
#[derive(Debug, Args)]
pub(crate) struct ExtractArgs {
    /// Files or folders to read.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ExtractFormat::Text)]
    format: ExtractFormat,
    /// Write to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    #[command(flatten)]
    limits: LimitArgs,
    #[command(flatten)]
    ocr: OcrArgs,
}

/// The formats of `aiassure extract`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ExtractFormat {
    /// Human-readable text.
    Text,
    /// JSON: every file with its blocks.
    Json,
    /// JSON lines, one block per line with its file's path and sha256, written file by file.
    Jsonl,
}

#[derive(Serialize)]
struct Extraction {
    path: String,
    /// sha256 of the file's bytes (empty when it could not be read).
    sha256: String,
    format: Format,
    status: Status,
    error: Option<String>,
    pages: Option<u32>,
    blocks: Vec<Marked>,
    /// Present when pages were read by OCR.
    #[serde(skip_serializing_if = "Option::is_none")]
    ocr: Option<OcrSummary>,
}

/// A block, with its OCR confidence and position when it was read by OCR.
#[derive(Serialize)]
struct Marked {
    #[serde(flatten)]
    block: Block,
    #[serde(skip_serializing_if = "Option::is_none")]
    ocr: Option<OcrBlock>,
}

#[derive(Serialize)]
struct Output {
    documents: Vec<Extraction>,
}

/// One line of `--format jsonl`: a block and the file it comes from.
#[derive(Serialize)]
struct BlockLine<'a> {
    path: &'a str,
    sha256: &'a str,
    format: Format,
    #[serde(flatten)]
    block: &'a Marked,
}

pub(crate) fn run(args: &ExtractArgs) -> anyhow::Result<Outcome> {
    let found = discover::discover(&args.files);
    for p in found.problems.iter().chain(&found.unsupported) {
        eprintln!("aiassure: {}: {}", p.path.display(), p.message);
    }
    let limits = args.limits.limits();
    let ocr = args.ocr.ocr()?;
    let mut out = open_output(args.output.as_ref())?;
    let extract = |s: &Source| extraction(s, &limits, &ocr);
    if args.format == ExtractFormat::Jsonl {
        // Streamed: one file's blocks in memory at a time, however many files are given.
        for source in &found.sources {
            let d = extract(source);
            if let Some(e) = &d.error {
                eprintln!("aiassure: {}: {e}", d.path);
            }
            for block in &d.blocks {
                let line = BlockLine {
                    path: &d.path,
                    sha256: &d.sha256,
                    format: d.format,
                    block,
                };
                serde_json::to_writer(&mut out, &line)?;
                writeln!(out)?;
            }
        }
        out.flush()?;
        return Ok(Outcome::Clean);
    }
    let documents: Vec<Extraction> = found.sources.iter().map(extract).collect();
    match args.format {
        ExtractFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &Output { documents })?;
            writeln!(out)?;
        }
        ExtractFormat::Text | ExtractFormat::Jsonl => {
            for d in &documents {
                writeln!(out, "== {} ({})", d.path, d.format.as_str())?;
                if let Some(e) = &d.error {
                    writeln!(
                        out,
                        "   {}: {e}",
                        if d.status == Status::Unreadable {
                            "unreadable"
                        } else {
                            "error"
                        }
                    )?;
                }
                if let Some(o) = &d.ocr {
                    writeln!(out, "   {}", ocr_note(o))?;
                }
                for Marked { block: b, ocr } in &d.blocks {
                    let page = b.page.map_or_else(String::new, |p| format!("p.{p} "));
                    let section = b
                        .section
                        .as_deref()
                        .map_or_else(String::new, |s| format!("§{s} "));
                    let mark = ocr.map_or_else(String::new, |o| format!(", OCR {}%", o.confidence));
                    writeln!(out, "{page}{section}[{}{mark}] {}", kind_name(b), b.text)?;
                }
                writeln!(out)?;
            }
        }
    }
    out.flush()?;
    Ok(Outcome::Clean)
}

/// Reads one file into its blocks, each with its OCR mark.
fn extraction(s: &Source, limits: &Limits, ocr: &Ocr) -> Extraction {
    let loaded = scan::load_with(s, limits, ocr);
    let (marks, summary) = match loaded.ocr {
        Some(o) => (o.blocks, Some(o.summary)),
        None => (Vec::new(), None),
    };
    let (status, error, pages, blocks) = match loaded.document {
        Ok(d) => (Status::Analysed, None, d.pages, d.blocks),
        Err(e) => (e.status(), Some(e.to_string()), None, Vec::new()),
    };
    let mut marks = marks.into_iter();
    let blocks = blocks
        .into_iter()
        .map(|block| Marked {
            block,
            ocr: marks.next().flatten(),
        })
        .collect();
    Extraction {
        path: s.display.clone(),
        sha256: loaded.sha256,
        format: s.format,
        status,
        error,
        pages,
        blocks,
        ocr: summary,
    }
}

fn kind_name(b: &Block) -> &'static str {
    use crate::model::BlockKind as K;
    match b.kind {
        K::Heading => "heading",
        K::Paragraph => "paragraph",
        K::ListItem => "list-item",
        K::TableCell => "table-cell",
        K::Footnote => "footnote",
    }
}
