//! `aiassure extract`: the text the checker reads, block by block, with page and section.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use serde::Serialize;

use super::{LimitArgs, OcrArgs, Outcome, TextOrJson, open_output};
use crate::discover;
use crate::extract::ExtractError;
use crate::model::{Block, Format, OcrBlock, OcrSummary, Status};
use crate::report::ocr_note;
use crate::scan;

/// Arguments of `aiassure extract`.
#[derive(Debug, Args)]
pub(crate) struct ExtractArgs {
    /// Files or folders to read.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    format: TextOrJson,
    /// Write to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    #[command(flatten)]
    limits: LimitArgs,
    #[command(flatten)]
    ocr: OcrArgs,
}

#[derive(Serialize)]
struct Extraction {
    path: String,
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

pub(crate) fn run(args: &ExtractArgs) -> anyhow::Result<Outcome> {
    let found = discover::discover(&args.files);
    for p in found.problems.iter().chain(&found.unsupported) {
        eprintln!("aiassure: {}: {}", p.path.display(), p.message);
    }
    let limits = args.limits.limits();
    let ocr = args.ocr.ocr()?;
    let documents: Vec<Extraction> = found
        .sources
        .iter()
        .map(|s| {
            let loaded = scan::load_with(s, &limits, &ocr);
            let (marks, summary) = match loaded.ocr {
                Some(o) => (o.blocks, Some(o.summary)),
                None => (Vec::new(), None),
            };
            let (status, error, pages, blocks) = match loaded.document {
                Ok(d) => (Status::Analysed, None, d.pages, d.blocks),
                Err(ExtractError::Unreadable(e)) => (Status::Unreadable, Some(e), None, Vec::new()),
                Err(ExtractError::Failed(e)) => (Status::Error, Some(e), None, Vec::new()),
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
                format: s.format,
                status,
                error,
                pages,
                blocks,
                ocr: summary,
            }
        })
        .collect();
    let mut out = open_output(args.output.as_ref())?;
    match args.format {
        TextOrJson::Json => {
            serde_json::to_writer_pretty(&mut out, &Output { documents })?;
            writeln!(out)?;
        }
        TextOrJson::Text => {
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
