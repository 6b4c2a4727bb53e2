//! Extraction: the bytes of one file into blocks of text in reading order, with pages.
//!
//! Each format has its own reader; this module only dispatches and holds the limits that keep a
//! hostile file from exhausting the machine. The caller reads the file (after checking its size
//! against [`Limits::max_file_bytes`]) and passes the bytes in. The readers do no I/O, except OCR
//! ([`ocr`]): when it is on, scanned pages and image files are handed to Tesseract through a
//! private temporary folder, within the OCR limits on pages and time. The jobs of a batch share
//! one memory allowance ([`budget`]): files past [`budget::LIGHT_BYTES`] decompressed or
//! [`budget::LIGHT_TEXT_BYTES`] of text are read one at a time.

pub mod budget;
pub mod docx;
mod error;
pub mod ocr;
pub mod pdf;
pub mod text;

use crate::model::{Extracted, Format, OcrBlock, OcrSummary};
use ocr::{Ocr, Session};

pub use error::{Damaged, ExtractError, IoFailure, Limit, Misnamed, OcrFailure, Unreadable};

/// Explicit limits on what one file may cost. Every limit can be raised from the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest file read, in bytes.
    pub max_file_bytes: u64,
    /// Largest total decompressed size of a DOCX package's parts, or of one PDF's streams, in bytes.
    pub max_decompressed_bytes: u64,
    /// Deepest XML element nesting in a DOCX part.
    pub max_xml_depth: usize,
    /// Most objects in one PDF.
    pub max_pdf_objects: usize,
    /// Deepest nesting of PDF objects, form XObjects and page trees.
    pub max_pdf_depth: usize,
    /// Most drawing operations run for one PDF (a form drawn many times counts every time).
    pub max_pdf_operations: u64,
    /// Most characters of text kept from one file.
    pub max_text_chars: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 200 * 1024 * 1024,
            max_decompressed_bytes: 512 * 1024 * 1024,
            max_xml_depth: 256,
            max_pdf_objects: 2_000_000,
            max_pdf_depth: 64,
            max_pdf_operations: 10_000_000,
            max_text_chars: 50_000_000,
        }
    }
}

/// A file's text, and what OCR says of it when pages were read by OCR.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Read {
    /// The blocks.
    pub extracted: Extracted,
    /// Present when any page was read by OCR.
    pub ocr: Option<OcrText>,
}

/// What OCR says of a file's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OcrText {
    /// Pages read by OCR and their confidence.
    pub summary: OcrSummary,
    /// One entry per block: its confidence and position when it was read by OCR.
    pub blocks: Vec<Option<OcrBlock>>,
}

/// Extracts one file's text without OCR. An empty file, or one with no text at all, is
/// `Unreadable`: there is nothing to check, and reporting every rule missing would mislead.
pub fn extract(format: Format, bytes: &[u8], limits: &Limits) -> Result<Extracted, ExtractError> {
    extract_with(format, bytes, limits, &ocr::OCR_OFF).map(|r| r.extracted)
}

/// Extracts one file's text, reading scans by OCR as `ocr` says.
pub fn extract_with(
    format: Format,
    bytes: &[u8],
    limits: &Limits,
    ocr: &Ocr,
) -> Result<Read, ExtractError> {
    if bytes.is_empty() {
        return Err(Unreadable::Empty.into());
    }
    let _file = budget::Scope::enter();
    if matches!(format, Format::Text | Format::Markdown | Format::Html) {
        budget::text(bytes.len() as u64);
    }
    let plain = |r: Result<Extracted, ExtractError>| {
        r.map(|extracted| Read {
            extracted,
            ocr: None,
        })
    };
    let read = match format {
        Format::Pdf => pdf::extract_with(bytes, limits, ocr),
        Format::Docx => plain(docx::extract(bytes, limits)),
        Format::Text | Format::Markdown | Format::Html => {
            plain(text::extract(format, bytes, limits))
        }
        Format::Png | Format::Jpeg | Format::Tiff => image(format, bytes, limits, ocr),
    }?;
    if read.extracted.blocks.is_empty() {
        return Err(Unreadable::NoText.into());
    }
    Ok(read)
}

/// Reads an image file by OCR (every page of a multi-page TIFF).
fn image(format: Format, bytes: &[u8], limits: &Limits, ocr: &Ocr) -> Result<Read, ExtractError> {
    let Some(mut session) = Session::start(ocr)? else {
        return Err(Unreadable::ImageNeedsOcr {
            hint: ocr.missing_hint(),
        }
        .into());
    };
    if let Some((w, h)) = ocr::image::dimensions(bytes)
        && w.saturating_mul(h) > ocr::image::MAX_PIXELS
    {
        return Err(Limit::ImagePixels {
            width: w,
            height: h,
            max_pixels: ocr::image::MAX_PIXELS,
        }
        .into());
    }
    if format == Format::Tiff
        && let Some(pages) = ocr::image::tiff_pages(bytes)
    {
        session.check_pages(pages)?;
    }
    let path = session.write(ocr::extension(format), bytes)?;
    let pages = session.recognise(&path, None, "reading the image")?;
    session.check_pages(pages.len())?;
    let chars: usize = pages.iter().flatten().map(|l| l.text.chars().count()).sum();
    if chars > limits.max_text_chars {
        return Err(Limit::OcrTextChars {
            chars,
            max: limits.max_text_chars,
        }
        .into());
    }
    pdf::image_pages(&pages, session.engine())
}
