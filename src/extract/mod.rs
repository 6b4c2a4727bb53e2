//! Extraction: the bytes of one file into blocks of text in reading order, with pages.
//!
//! Each format has its own reader; this module only dispatches and holds the limits that keep a
//! hostile file from exhausting the machine. Extraction does no I/O: the caller reads the file
//! (after checking its size against [`Limits::max_file_bytes`]) and passes the bytes in.

pub mod docx;
pub mod pdf;
pub mod text;

use crate::model::{Extracted, Format};

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

/// Why a file could not be turned into text. The message is plain English for a procurement
/// officer: what happened and what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExtractError {
    /// The file is fine but has no text the tool can read (scan without a text layer, password,
    /// unsupported content). Reported with status `unreadable`.
    #[error("{0}")]
    Unreadable(String),
    /// The file is corrupt or over a limit. Reported with status `error`.
    #[error("{0}")]
    Failed(String),
}

/// The reason given for a file of 0 bytes, whatever its format.
pub const EMPTY_FILE: &str = "the file is empty (0 bytes), so there is no text to check; ask the \
                              supplier for the complete document";

/// The reason given for a file that was read but holds no text at all.
pub const NO_TEXT: &str = "the document contains no text to check (it is blank, or holds only \
                           images or drawings); check it is the right file, or ask the supplier \
                           for a copy with text";

/// Extracts one file's text. An empty file, or one with no text at all, is `Unreadable`: there
/// is nothing to check, and reporting every rule missing would mislead.
pub fn extract(format: Format, bytes: &[u8], limits: &Limits) -> Result<Extracted, ExtractError> {
    if bytes.is_empty() {
        return Err(ExtractError::Unreadable(EMPTY_FILE.into()));
    }
    let extracted = match format {
        Format::Pdf => pdf::extract(bytes, limits),
        Format::Docx => docx::extract(bytes, limits),
        Format::Text | Format::Markdown | Format::Html => text::extract(format, bytes, limits),
    }?;
    if extracted.blocks.is_empty() {
        return Err(ExtractError::Unreadable(NO_TEXT.into()));
    }
    Ok(extracted)
}
