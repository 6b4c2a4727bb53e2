//! Why a file could not be turned into text: one typed error per cause, with what the officer
//! needs in its fields (the part, the page, the limit), rendered to plain English here and nowhere
//! else. The kind decides the file's status: [`ExtractError::Unreadable`] is reported as
//! `unreadable` (the file is fine but holds no text the tool can read), every other kind as
//! `error` (damaged, over a limit, or OCR or the file system failed).

use crate::extract::ocr::OcrSetupError;
use crate::model::Status;

/// The install hint given where a program is missing.
const PDFTOPPM_INSTALL: &str = "sudo apt-get install poppler-utils";

/// Why a file could not be turned into text.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ExtractError {
    /// The file is fine but has no text the tool can read.
    #[error(transparent)]
    Unreadable(#[from] Unreadable),
    /// Reading stopped at one of the limits that keep a hostile file from exhausting the machine.
    #[error(transparent)]
    Limit(#[from] Limit),
    /// The file is damaged, or is not the format its name says.
    #[error(transparent)]
    Damaged(#[from] Damaged),
    /// OCR was needed and could not run.
    #[error(transparent)]
    Ocr(#[from] OcrFailure),
    /// The file could not be opened or read.
    #[error(transparent)]
    Io(#[from] IoFailure),
    /// A reader panicked on this file: a bug in aiassure.
    #[error(
        "internal error while reading this file (a bug in aiassure, please report it with the \
         file if you can share it)"
    )]
    Internal,
}

impl ExtractError {
    /// The status a file with this error is reported with.
    pub fn status(&self) -> Status {
        match self {
            ExtractError::Unreadable(_) => Status::Unreadable,
            _ => Status::Error,
        }
    }
}

/// The file is fine but holds no text the tool can read (a scan, a password, another format).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unreadable {
    /// A file of 0 bytes, whatever its format.
    #[error(
        "the file is empty (0 bytes), so there is no text to check; ask the supplier for the \
         complete document"
    )]
    Empty,
    /// A file read but holding no text at all.
    #[error(
        "the document contains no text to check (it is blank, or holds only images or \
         drawings); check it is the right file, or ask the supplier for a copy with text"
    )]
    NoText,
    /// An image file when OCR is off or Tesseract is missing; `hint` says how to install it.
    #[error(
        "an image file (a scan or photo) has no text layer and needs OCR (optical character \
         recognition) before it can be checked; ask the supplier for the original document or \
         run it through OCR{hint}"
    )]
    ImageNeedsOcr {
        /// Where Tesseract is missing, how to install it (or nothing).
        hint: &'static str,
    },
    /// An Office document encrypted with a password.
    #[error(
        "encrypted: this document is password-protected; ask the supplier for an unprotected \
         copy (or open it in Word with the password and save it without one)"
    )]
    OfficePassword,
    /// A zip package whose entries are encrypted.
    #[error("encrypted: the package is protected with a password; ask for an unprotected copy")]
    ZipPassword,
    /// A PDF that needs a password to open.
    #[error(
        "encrypted: a password is needed to open this PDF; ask the supplier for a copy without a \
         password (or remove it with the password)"
    )]
    PdfPassword,
    /// A file named `.docx` that is another format.
    #[error(transparent)]
    Misnamed(#[from] Misnamed),
    /// A zip package using a feature the reader does not support.
    #[error(
        "the package uses a zip feature this tool does not read ({detail}); open it in Word or \
         LibreOffice and save a new copy"
    )]
    ZipFeature {
        /// What the zip reader said.
        detail: String,
    },
    /// A PDF without pages.
    #[error("the PDF has no pages, so there is no text to check")]
    NoPages,
    /// A PDF whose fonts cannot be decoded to characters.
    #[error(
        "the text cannot be decoded: its fonts carry no map from glyphs to characters; ask the \
         supplier for a PDF exported with text, or run OCR on it{hint}"
    )]
    UndecodableFonts {
        /// Where Tesseract is missing, how to install it (or nothing).
        hint: &'static str,
    },
    /// A PDF of scanned images, with OCR off or unavailable.
    #[error(
        "no text layer: this looks like a scanned image and needs OCR (optical character \
         recognition) before it can be checked; ask the supplier for the original document or \
         run it through OCR{hint}"
    )]
    NeedsOcr {
        /// Where Tesseract is missing, how to install it (or nothing).
        hint: &'static str,
    },
    /// A PDF whose pages hold neither text nor images.
    #[error(
        "the PDF's pages contain no text; check it is the right file, or ask the supplier for a \
         copy with text"
    )]
    BlankPages,
    /// A PDF whose pages OCR read and found no words on.
    #[error(
        "no text found: {pages} page(s) were read by OCR ({engine}) and hold no recognisable \
         words; check the scan is legible, or ask the supplier for a copy with text"
    )]
    OcrFoundNothing {
        /// Pages read by OCR.
        pages: usize,
        /// The OCR engine's version.
        engine: String,
    },
    /// An image file OCR read and found no words in.
    #[error(
        "no text found: the image was read by OCR ({engine}) and holds no recognisable words; \
         check it is the right file and legible, or ask the supplier for a copy with text"
    )]
    ImageOcrFoundNothing {
        /// The OCR engine's version.
        engine: String,
    },
    /// A PDF whose only text is page furniture.
    #[error("the PDF contains no text apart from page numbers, running headers or footers")]
    OnlyFurniture,
    /// A scanned page that must be rendered for OCR, with pdftoppm missing.
    #[error(
        "page {page} has no text layer and must be rendered for OCR, which needs pdftoppm: \
         install it with `{PDFTOPPM_INSTALL}` (Debian or Ubuntu)"
    )]
    NeedsPdftoppm {
        /// The page, from 1.
        page: u32,
    },
}

/// A file named `.docx` that is another format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Misnamed {
    /// A Word 97-2003 binary document.
    #[error(
        "this is an old Word 97-2003 document (.doc) with a .docx name; open it in Word or \
         LibreOffice and save it as .docx"
    )]
    Word97,
    /// Another OLE compound file.
    #[error(
        "this is an OLE compound file (an older Office format), not a .docx; open it in its \
         program and save it as .docx"
    )]
    Ole,
    /// A PDF.
    #[error("this is a PDF file with a .docx name; rename it to .pdf")]
    Pdf,
    /// An RTF document.
    #[error(
        "this is an RTF document with a .docx name; open it in Word or LibreOffice and save it \
         as .docx"
    )]
    Rtf,
    /// A Word 2003 XML document.
    #[error(
        "this is a Word 2003 XML document with a .docx name; open it in Word or LibreOffice and \
         save it as .docx"
    )]
    Word2003Xml,
}

/// A limit reached while reading. Each message names the flag that raises the limit, where one
/// does.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Limit {
    /// The file is larger than `--max-file-mb`.
    #[error(
        "file too large: {} MB is over the limit of {} MB; raise it with --max-file-mb if the \
         file is genuine",
        bytes / (1024 * 1024),
        max_bytes / (1024 * 1024)
    )]
    FileSize {
        /// The file's size (or what was read of it), in bytes.
        bytes: u64,
        /// The limit, in bytes.
        max_bytes: u64,
    },
    /// A text file holding more characters than `--max-text-chars`.
    #[error(
        "the file holds {chars} characters of text, over the limit of {max}; raise it with \
         --max-text-chars if the file is genuine"
    )]
    TextChars {
        /// The characters the file holds.
        chars: usize,
        /// The limit.
        max: usize,
    },
    /// A DOCX document holding more characters than `--max-text-chars`.
    #[error(
        "the document holds more than {max} characters of text, over the limit of {max}; raise \
         it with --max-text-chars if the file is genuine"
    )]
    DocxTextChars {
        /// The limit.
        max: usize,
    },
    /// A PDF holding more characters than `--max-text-chars`.
    #[error(
        "the PDF holds more than the limit of {max} characters of text; raise it with \
         --max-text-chars if the file is genuine"
    )]
    PdfTextChars {
        /// The limit.
        max: usize,
    },
    /// An image file from which OCR read more characters than `--max-text-chars`.
    #[error(
        "OCR read {chars} characters of text from the image, over the limit of {max}; raise it \
         with --max-text-chars if the file is genuine"
    )]
    OcrTextChars {
        /// The characters read.
        chars: usize,
        /// The limit.
        max: usize,
    },
    /// A DOCX part nesting XML deeper than `--max-xml-depth`.
    #[error(
        "the document's part {part} nests XML elements more than {max} levels deep, over the \
         limit of {max} (a sign of a malicious file); raise it with --max-xml-depth if the file \
         is genuine"
    )]
    XmlDepth {
        /// The part's name in the package.
        part: String,
        /// The limit.
        max: usize,
    },
    /// DOCX parts decompressing to more than `--max-decompressed-mb`.
    #[error(
        "the document's parts decompress to more than the limit of {} MB (a sign of a zip bomb); \
         raise it with --max-decompressed-mb if the file is genuine",
        max_bytes / (1024 * 1024)
    )]
    DocxDecompressed {
        /// The limit, in bytes.
        max_bytes: u64,
    },
    /// A zip package with more entries than a real DOCX has (not a flag: a fixed bound).
    #[error(
        "the package holds {entries} entries, over the limit of {max} (a sign of a malicious \
         file, as a real DOCX has a few dozen); ask the supplier for a new copy"
    )]
    ZipEntries {
        /// The entries the package holds.
        entries: u64,
        /// The bound.
        max: u64,
    },
    /// PDF streams decompressing to more than `--max-decompressed-mb`.
    #[error(
        "the PDF's compressed content expands to more than the limit of {} MB (a decompression \
         bomb or an unusually large file); raise it with --max-decompressed-mb if the file is \
         genuine",
        max_bytes / (1024 * 1024)
    )]
    PdfDecompressed {
        /// The limit, in bytes.
        max_bytes: u64,
    },
    /// A PDF with more objects than `--max-pdf-objects`.
    #[error(
        "the PDF has {objects} objects, over the limit of {max}; raise it with --max-pdf-objects \
         if the file is genuine"
    )]
    PdfObjects {
        /// The objects the PDF has.
        objects: usize,
        /// The limit.
        max: usize,
    },
    /// A PDF running more drawing operations than `--max-pdf-operations`.
    #[error(
        "the PDF has more than the limit of {max} drawing operations, far beyond a usual \
         contract (it may be built to exhaust readers); raise it with --max-pdf-operations if \
         the file is genuine"
    )]
    PdfOperations {
        /// The limit.
        max: u64,
    },
    /// A PDF nesting drawings (form XObjects) deeper than `--max-pdf-depth`.
    #[error(
        "the PDF nests drawings inside drawings more than the limit of {max} deep (a sign of a \
         damaged or malicious file); raise it with --max-pdf-depth if the file is genuine"
    )]
    FormDepth {
        /// The limit.
        max: usize,
    },
    /// A PDF page tree nested deeper than `--max-pdf-depth`.
    #[error(
        "the PDF's page tree is nested more than the limit of {max} levels deep; raise it with \
         --max-pdf-depth if the file is genuine"
    )]
    PageTreeDepth {
        /// The limit.
        max: usize,
    },
    /// More pages needing OCR than `--max-ocr-pages`.
    #[error(
        "{pages} page(s) need OCR, over the limit of {max} per file; raise it with \
         --max-ocr-pages if the file is genuine"
    )]
    OcrPages {
        /// The pages that need OCR.
        pages: usize,
        /// The limit.
        max: usize,
    },
    /// OCR of one file running longer than `--max-ocr-seconds`.
    #[error(
        "OCR of this file took longer than the limit of {max} seconds (stopped while {what}); \
         raise it with --max-ocr-seconds if the file is genuine"
    )]
    OcrSeconds {
        /// What OCR was doing when it was stopped.
        what: String,
        /// The limit, in seconds.
        max: u64,
    },
    /// An image file declaring more pixels than OCR reads (a fixed bound).
    #[error(
        "the image declares {width} x {height} pixels, over the {} million pixels aiassure reads \
         by OCR (a sign of a damaged or malicious file); scan the document again at 300 dpi",
        max_pixels / 1_000_000
    )]
    ImagePixels {
        /// The declared width.
        width: u64,
        /// The declared height.
        height: u64,
        /// The bound.
        max_pixels: u64,
    },
    /// A scanned PDF page too large to render for OCR (a fixed bound).
    #[error(
        "page {page} is {width_in:.0} by {height_in:.0} inches, too large to read by OCR (over {} \
         million pixels at {dpi} dpi); a sign of a damaged or malicious file",
        max_pixels / 1_000_000
    )]
    PageTooLarge {
        /// The page, from 1.
        page: u32,
        /// The page's width, in inches.
        width_in: f32,
        /// The page's height, in inches.
        height_in: f32,
        /// The resolution pages are rendered at.
        dpi: u32,
        /// The bound.
        max_pixels: u64,
    },
}

/// The file is damaged, or is not the format its name says.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Damaged {
    /// A file named `.docx` that is not a zip package.
    #[error(
        "not a DOCX file: it is not a zip package (it may be damaged, or another format with a \
         .docx name); open it in Word or LibreOffice and save it as .docx, or ask the supplier \
         for a new copy"
    )]
    NotZip,
    /// A zip package that cannot be read.
    #[error(
        "the file is damaged or incomplete: its zip package cannot be read ({detail}); ask for a \
         new copy"
    )]
    Zip {
        /// What the zip reader said.
        detail: String,
    },
    /// A package part that cannot be decompressed.
    #[error(
        "the file is damaged: the part {part} cannot be decompressed ({detail}); ask for a new \
         copy"
    )]
    Part {
        /// The part's name in the package.
        part: String,
        /// What the decompressor said.
        detail: String,
    },
    /// A package without a main document part.
    #[error(
        "not a Word document: the package has no main document part ({main}); it may be another \
         kind of Office file with a .docx name, or damaged"
    )]
    NoMainPart {
        /// The part the package names as its main document, or the usual one.
        main: String,
    },
    /// A DOCX part that is not well-formed XML.
    #[error(
        "the document is damaged: its part {part} is not well-formed XML ({detail}); open it in \
         Word or LibreOffice and save a new copy"
    )]
    Xml {
        /// The part's name in the package.
        part: String,
        /// What the XML reader said.
        detail: String,
    },
    /// A DOCX body whose paragraphs and cells are not properly nested.
    #[error(
        "the document is damaged: its paragraphs and table cells are not properly nested; open \
         it in Word or LibreOffice and save a new copy"
    )]
    Nesting,
    /// A file named `.pdf` without a PDF header.
    #[error(
        "not a PDF: the file has no PDF header (it may be another kind of file named .pdf, or \
         damaged); check the file, or ask the supplier for the PDF again"
    )]
    NotPdf,
    /// A PDF the parser could not read.
    #[error("the PDF is damaged and could not be read ({detail}); ask the supplier for a new copy")]
    Pdf {
        /// What the parser said.
        detail: String,
    },
    /// A PDF none of whose pages' content could be read.
    #[error(
        "the PDF is damaged: the content of {pages} page(s) could not be read (a wrong stream \
         length, or a missing or incomplete object); ask the supplier for a new copy"
    )]
    PdfPages {
        /// The pages whose content could not be read.
        pages: usize,
    },
    /// The PDF reader panicked on this file.
    #[error(
        "the PDF reader hit an internal error on this file (it is probably damaged); please \
         report it with the file if you can"
    )]
    PdfReader,
}

/// OCR was needed and could not run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OcrFailure {
    /// Tesseract is missing, or lacks the language asked for.
    #[error(transparent)]
    Setup(#[from] OcrSetupError),
    /// The private temporary folder could not be made.
    #[error(
        "could not create a temporary folder for OCR ({detail}); check the temporary folder \
         ({dir}) is writable"
    )]
    TempFolder {
        /// What the system said.
        detail: String,
        /// The system's temporary folder.
        dir: String,
    },
    /// A page or image could not be written to the temporary folder.
    #[error("could not write a temporary file for OCR ({detail}); check there is space in {dir}")]
    TempFile {
        /// What the system said.
        detail: String,
        /// The system's temporary folder.
        dir: String,
    },
    /// pdftoppm ran but wrote no image of the page.
    #[error(
        "page {page} could not be rendered for OCR (pdftoppm wrote no image); the page may be \
         damaged"
    )]
    NotRendered {
        /// The page, from 1.
        page: u32,
    },
    /// Tesseract ran but wrote no result.
    #[error("Tesseract wrote no readable result for {what}; the image may be damaged")]
    NoResult {
        /// What was being read.
        what: String,
    },
    /// The OCR program's output could not be captured.
    #[error("could not start OCR ({detail})")]
    Start {
        /// What the system said.
        detail: String,
    },
    /// The OCR program could not be started.
    #[error("could not run {program} for {what}: {detail}")]
    Run {
        /// The program's name.
        program: String,
        /// What it was asked to do.
        what: String,
        /// What the system said.
        detail: String,
    },
    /// The OCR program could not be waited for.
    #[error("{program} could not be watched while {what}: {detail}")]
    Watch {
        /// The program's name.
        program: String,
        /// What it was doing.
        what: String,
        /// What the system said.
        detail: String,
    },
    /// The OCR program failed.
    #[error("{program} failed while {what} ({said}); the image may be damaged or unsupported")]
    Failed {
        /// The program's name.
        program: String,
        /// What it was doing.
        what: String,
        /// The last line it wrote to its error output, or its exit status.
        said: String,
    },
}

/// The file could not be opened or read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IoFailure {
    /// Opening failed.
    #[error("could not open the file: {0}")]
    Open(String),
    /// Reading failed.
    #[error("could not read the file: {0}")]
    Read(String),
}
