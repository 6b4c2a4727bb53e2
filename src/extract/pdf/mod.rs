//! PDF reader: a text layer of our own over lopdf's object model.
//!
//! lopdf parses the file (objects, streams, encryption); everything after that is here:
//! - `source`: safe object lookup and stream decompression charged against the limits;
//! - `cmap`, `glyphs`, `fonts`: character codes to text and glyph widths;
//! - `content`: content-stream operators tokenized in place (lopdf's grammar, no allocation per operand);
//! - `interp`: the content-stream interpreter (text state, matrices, form XObjects);
//! - `layout`: glyphs to words and lines in reading order (columns);
//! - `assemble`: lines to blocks (paragraphs, headers and footers, hyphens, page breaks);
//! - `scanned`: pages without a text layer read by OCR, when it is on (see [`super::ocr`]).
//!
//! Status: an encrypted file opens when its user password is empty; one that needs a password,
//! a scan without a text layer and a file with no text are `Unreadable` with the reason; a
//! corrupt file or one over a limit is `Failed`. Damaged pages are skipped and the rest read.

mod assemble;
mod cmap;
mod content;
mod fonts;
mod glyphs;
mod interp;
mod layout;
mod scanned;
mod source;

use std::collections::HashSet;

use lopdf::{Dictionary, Document, LoadOptions, Object, ObjectId};

use super::budget;
use super::ocr::tsv::OcrLine;
use super::ocr::{Ocr, RENDER_DPI, Session};
use super::{Damaged, ExtractError, Limit, Limits, OcrText, Read, Unreadable};
use crate::model::{Extracted, OcrSummary};
use source::{Source, over_limit, to_usize};

/// Extracts the text of a PDF file without OCR.
pub fn extract(bytes: &[u8], limits: &Limits) -> Result<Extracted, ExtractError> {
    extract_with(bytes, limits, &super::ocr::OCR_OFF).map(|r| r.extracted)
}

/// Extracts the text of a PDF file, reading pages without a text layer by OCR when `ocr` is on.
pub fn extract_with(bytes: &[u8], limits: &Limits, ocr: &Ocr) -> Result<Read, ExtractError> {
    // lopdf is a large parser fed hostile input: a panic inside it must not end the batch.
    std::panic::catch_unwind(|| extract_inner(bytes, limits, ocr))
        .unwrap_or_else(|_| Err(Damaged::PdfReader.into()))
}

fn extract_inner(bytes: &[u8], limits: &Limits, ocr: &Ocr) -> Result<Read, ExtractError> {
    let doc = load(bytes, limits)?;
    if doc.objects.len() > limits.max_pdf_objects {
        return Err(Limit::PdfObjects {
            objects: doc.objects.len(),
            max: limits.max_pdf_objects,
        }
        .into());
    }
    let src = Source::new(&doc, limits);
    read_pages(&src, bytes, ocr)
}

/// Parses the file, opening it with the empty password when it is encrypted; each stream lopdf
/// decompresses to parse (object and cross-reference streams) within the shared allowance.
fn load(bytes: &[u8], limits: &Limits) -> Result<Document, ExtractError> {
    if !bytes.windows(5).take(1024).any(|w| w == b"%PDF-") {
        return Err(Damaged::NotPdf.into());
    }
    let parse = |allowed: u64| {
        let options = LoadOptions {
            max_decompressed_size: Some(to_usize(allowed)),
            ..LoadOptions::default()
        };
        Document::load_mem_with_options(bytes, options)
    };
    let mut doc = match budget::within(0, limits.max_decompressed_bytes, parse, over_limit) {
        Ok(doc) => doc,
        Err(e) => return Err(load_error(&e, limits)),
    };
    if doc.is_encrypted() && doc.decrypt("").is_err() {
        return Err(Unreadable::PdfPassword.into());
    }
    Ok(doc)
}

/// Why lopdf could not parse a file.
fn load_error(e: &lopdf::Error, limits: &Limits) -> ExtractError {
    let detail = e.to_string();
    let lower = detail.to_lowercase();
    if over_limit(e) {
        return Limit::PdfDecompressed {
            max_bytes: limits.max_decompressed_bytes,
        }
        .into();
    }
    if lower.contains("password") || lower.contains("decrypt") || lower.contains("encrypt") {
        return Unreadable::PdfPassword.into();
    }
    Damaged::Pdf { detail }.into()
}

/// Reads every page into blocks; pages without text (every page with `--ocr always`) by OCR.
fn read_pages(src: &Source<'_>, bytes: &[u8], ocr: &Ocr) -> Result<Read, ExtractError> {
    let pages = page_list(src)?;
    if pages.is_empty() {
        return Err(Unreadable::NoPages.into());
    }
    let mut shared = interp::Shared::new();
    let mut lines = Vec::with_capacity(pages.len());
    let mut for_ocr = Vec::new();
    let (mut images, mut undecoded, mut chars, mut damaged) = (0usize, 0usize, 0usize, 0usize);
    for (i, (page, resources)) in pages.iter().enumerate() {
        let (content, lost) = page_content(src, page)?;
        damaged += lost;
        let text = interp::run_page(src, &mut shared, page, &content, *resources)?;
        images += text.images;
        undecoded += text.undecoded;
        chars += text.text.chars().count();
        if chars > src.limits.max_text_chars {
            return Err(Limit::PdfTextChars {
                max: src.limits.max_text_chars,
            }
            .into());
        }
        let page_lines = layout::page_lines(&text);
        let scanned = page_lines.is_empty() && (text.images > 0 || text.undecoded > 0);
        if ocr.active() && (scanned || ocr.always()) {
            for_ocr.push((i, text));
        }
        lines.push(page_lines);
    }
    let count = u32::try_from(pages.len()).unwrap_or(u32::MAX);
    let session = match for_ocr.is_empty() {
        true => None,
        false => Session::start(ocr)?,
    };
    if let Some(mut session) = session {
        session.check_pages(for_ocr.len())?;
        let mut read_by_ocr = Vec::with_capacity(for_ocr.len());
        for (i, text) in &for_ocr {
            let number = u32::try_from(i + 1).unwrap_or(u32::MAX);
            let (page_lines, page) =
                scanned::read_page(src, bytes, &mut session, pages[*i].0, number, text)?;
            chars += page_lines
                .iter()
                .map(|l| l.text.chars().count())
                .sum::<usize>();
            if chars > src.limits.max_text_chars {
                return Err(Limit::PdfTextChars {
                    max: src.limits.max_text_chars,
                }
                .into());
            }
            lines[*i] = page_lines;
            read_by_ocr.push(page);
        }
        let (name, language) = session.engine();
        let summary = OcrSummary::of(read_by_ocr, name, language);
        return assembled(lines, count, Some(summary));
    }
    if lines.iter().all(Vec::is_empty) {
        if damaged > 0 {
            return Err(Damaged::PdfPages { pages: damaged }.into());
        }
        let hint = ocr.missing_hint();
        let reason = if undecoded > 0 {
            Unreadable::UndecodableFonts { hint }
        } else if images > 0 {
            Unreadable::NeedsOcr { hint }
        } else {
            Unreadable::BlankPages
        };
        return Err(reason.into());
    }
    assembled(lines, count, None)
}

/// Blocks from the lines of every page, with the OCR summary when pages were read by OCR.
fn assembled(
    lines: Vec<Vec<layout::Line>>,
    count: u32,
    summary: Option<OcrSummary>,
) -> Result<Read, ExtractError> {
    if let Some(s) = &summary
        && lines.iter().all(Vec::is_empty)
    {
        return Err(Unreadable::OcrFoundNothing {
            pages: s.pages_read,
            engine: s.engine.clone(),
        }
        .into());
    }
    let assembled = assemble::blocks(lines);
    if assembled.blocks.is_empty() {
        return Err(Unreadable::OnlyFurniture.into());
    }
    Ok(Read {
        extracted: Extracted {
            pages: Some(count),
            blocks: assembled.blocks,
        },
        ocr: summary.map(|summary| OcrText {
            summary,
            blocks: assembled.ocr,
        }),
    })
}

/// The pages of an image file read by OCR, assembled like PDF pages. The image's resolution is
/// taken as [`RENDER_DPI`] for positions (Tesseract reads the file's own resolution itself).
pub(crate) fn image_pages(
    pages: &[Vec<OcrLine>],
    engine: (&str, &str),
) -> Result<Read, ExtractError> {
    let scale = 72.0 / RENDER_DPI as f32;
    let place = scanned::Place {
        left: 0.0,
        top: 0.0,
        sx: scale,
        sy: scale,
    };
    let mut lines = Vec::with_capacity(pages.len());
    let mut read = Vec::with_capacity(pages.len());
    for (i, page) in pages.iter().enumerate() {
        let height = page.iter().map(|l| l.bottom).max().unwrap_or(0) as f32 * scale + 72.0;
        let number = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let (l, p) = scanned::to_page(page, &place, height, number);
        lines.push(l);
        read.push(p);
    }
    let count = u32::try_from(pages.len()).unwrap_or(u32::MAX);
    let summary = OcrSummary::of(read, engine.0, engine.1);
    assembled(lines, count, Some(summary)).map_err(|e| match e {
        ExtractError::Unreadable(_) if pages.iter().all(Vec::is_empty) => {
            Unreadable::ImageOcrFoundNothing {
                engine: engine.0.to_string(),
            }
            .into()
        }
        other => other,
    })
}

/// A page and the resources it draws with (inherited from the page tree when not its own).
type Page<'a> = (&'a Dictionary, Option<&'a Dictionary>);

/// The pages in order, by walking the page tree (cycles skipped, depth bounded). When the tree
/// is missing, every page object of the file is used in object order.
fn page_list<'a>(src: &Source<'a>) -> Result<Vec<Page<'a>>, Limit> {
    let mut out = Vec::new();
    let root = src
        .doc
        .trailer
        .get(b"Root")
        .ok()
        .and_then(|o| src.resolve(o))
        .and_then(|o| o.as_dict().ok())
        .and_then(|cat| cat.get(b"Pages").ok());
    if let Some(root) = root {
        let mut seen = HashSet::new();
        walk(src, root, None, 0, &mut seen, &mut out)?;
    }
    if out.is_empty() {
        for obj in src.doc.objects.values() {
            if let Object::Dictionary(d) = obj
                && d.get(b"Type")
                    .and_then(Object::as_name)
                    .is_ok_and(|t| t == b"Page")
            {
                out.push((d, src.dict(d, b"Resources")));
            }
        }
    }
    Ok(out)
}

/// Walks one node of the page tree.
fn walk<'a>(
    src: &Source<'a>,
    node: &'a Object,
    inherited: Option<&'a Dictionary>,
    depth: usize,
    seen: &mut HashSet<ObjectId>,
    out: &mut Vec<Page<'a>>,
) -> Result<(), Limit> {
    if let Object::Reference(id) = node
        && !seen.insert(*id)
    {
        return Ok(()); // a page tree that contains itself
    }
    if depth > src.limits.max_pdf_depth {
        return Err(Limit::PageTreeDepth {
            max: src.limits.max_pdf_depth,
        });
    }
    let Some(dict) = src.resolve(node).and_then(|o| o.as_dict().ok()) else {
        return Ok(());
    };
    let resources = src.dict(dict, b"Resources").or(inherited);
    match src.get(dict, b"Kids") {
        Some(Object::Array(kids)) => {
            for kid in kids {
                walk(src, kid, resources, depth + 1, seen, out)?;
            }
        }
        _ => {
            if dict
                .get(b"Type")
                .and_then(Object::as_name)
                .map_or(true, |t| t == b"Page")
            {
                out.push((dict, resources));
            }
        }
    }
    Ok(())
}

/// The page's content streams, decoded and joined, and how many of them are lost: missing,
/// cyclic, or not loaded by the parser (a stream whose declared length is unusable).
fn page_content(src: &Source<'_>, page: &Dictionary) -> Result<(Vec<u8>, usize), Limit> {
    let mut data = Vec::new();
    let Ok(contents) = page.get(b"Contents") else {
        return Ok((data, 0));
    };
    let streams: Vec<Option<&Object>> = match src.resolve(contents) {
        Some(Object::Array(a)) => a.iter().map(|o| src.resolve(o)).collect(),
        other => vec![other],
    };
    let mut lost = 0;
    for s in streams {
        match s {
            Some(Object::Stream(stream)) => {
                let length_ok =
                    matches!(src.get(&stream.dict, b"Length"), Some(Object::Integer(n)) if *n >= 0);
                if stream.content.is_empty() && stream.start_position.is_some() && !length_ok {
                    lost += 1;
                }
                data.extend_from_slice(&src.stream_data(stream)?);
                data.push(b'\n');
            }
            Some(Object::Null) | None => lost += 1,
            Some(_) => {}
        }
    }
    Ok((data, lost))
}
