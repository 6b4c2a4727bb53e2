//! Plain data shared by every stage: what discovery finds, what extraction yields, the located text
//! the checker reads, and the report every renderer and the index consume.
//!
//! Nothing here does I/O or analysis; the types only carry data one way through the pipeline
//! (discover -> extract -> segment -> check -> report/index).

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use strum::{EnumIter, IntoStaticStr};

/// `as_str()` for enums whose values appear in reports: the name strum derives from the variant,
/// which is the name serde writes (`enum_names_are_those_of_the_json_report` checks every value).
macro_rules! report_names {
    ($($name:ident),* $(,)?) => {
        $(
            impl $name {
                /// The name used in reports (as in the JSON report).
                pub fn as_str(self) -> &'static str {
                    self.into()
                }
            }
        )*
    };
}

report_names!(
    Format,
    DocType,
    Status,
    Severity,
    ClauseStatus,
    Change,
    FeatureCategory,
    FeatureBasis,
    RegisterStatus,
    Lapse,
);

/// File formats the tool reads.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    IntoStaticStr,
    EnumIter,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum Format {
    /// Portable Document Format.
    Pdf,
    /// Office Open XML word-processing document.
    Docx,
    /// Plain text.
    Text,
    /// Markdown.
    Markdown,
    /// HTML.
    Html,
    /// PNG image (a scan or photo), read by OCR.
    Png,
    /// JPEG image, read by OCR.
    Jpeg,
    /// TIFF image (single or multi-page), read by OCR.
    Tiff,
}

impl Format {
    /// The format for a file name's extension, if the tool reads it.
    pub fn from_path(path: &std::path::Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "pdf" => Some(Format::Pdf),
            "docx" => Some(Format::Docx),
            "txt" | "text" => Some(Format::Text),
            "md" | "markdown" => Some(Format::Markdown),
            "html" | "htm" => Some(Format::Html),
            "png" => Some(Format::Png),
            "jpg" | "jpeg" => Some(Format::Jpeg),
            "tif" | "tiff" => Some(Format::Tiff),
            _ => None,
        }
    }

    /// True for image files, which only OCR can read.
    pub fn is_image(self) -> bool {
        matches!(self, Format::Png | Format::Jpeg | Format::Tiff)
    }
}

/// A file found by discovery.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Source {
    /// Where to read it.
    pub path: PathBuf,
    /// How reports name it: as given on the command line, or relative to the scanned folder.
    pub display: String,
    /// Its format, from the extension.
    pub format: Format,
}

/// What a block of text is, as the reader sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BlockKind {
    /// A heading or title.
    Heading,
    /// Body text.
    Paragraph,
    /// A numbered or bulleted list item (most numbered clauses are list items in DOCX).
    ListItem,
    /// One cell of a table, in reading order.
    TableCell,
    /// A footnote or endnote.
    Footnote,
}

/// One block as an extractor yields it: reading order, before clause numbers are resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawBlock {
    /// What the block is.
    pub kind: BlockKind,
    /// The text as the reader sees it, on one line (no `\n`), whitespace collapsed, list label
    /// included at the start where the document shows one ("14.3 The Supplier shall ...").
    pub text: String,
    /// 1-based page where the block starts (PDF), or `None`.
    pub page: Option<u32>,
    /// The list label when the format knows it structurally (DOCX numbering: "14.3", "(a)").
    pub label: Option<String>,
    /// Heading level (1 = top) or list nesting level (0 = top), where known.
    pub level: Option<u8>,
}

/// What an extractor yields for one file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Extracted {
    /// Number of pages (PDF), or `None` for formats without pages.
    pub pages: Option<u32>,
    /// Blocks in reading order.
    pub blocks: Vec<RawBlock>,
}

/// Where an OCR block was found and how sure the OCR engine was of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OcrBlock {
    /// Mean confidence of the block's words, 0 to 100 (weighted by characters).
    pub confidence: u8,
    /// Position on the page in points (1/72 inch) from its top-left corner: left, top, right,
    /// bottom.
    pub bbox: [u32; 4],
}

/// One page read by OCR.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OcrPage {
    /// 1-based page number.
    pub page: u32,
    /// Mean confidence of the page's words, 0 to 100 (weighted by characters).
    pub confidence: u8,
    /// Words read.
    pub words: usize,
}

/// A document's OCR summary: which pages were read by OCR and how well (JSON `ocr`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OcrSummary {
    /// Pages read by OCR.
    pub pages_read: usize,
    /// Mean confidence over every page read by OCR, 0 to 100 (weighted by characters).
    pub mean_confidence: u8,
    /// Pages whose confidence is below [`OcrSummary::LOW_CONFIDENCE`]: check them against the
    /// original.
    pub low_confidence_pages: Vec<u32>,
    /// Every page read by OCR, in order.
    pub pages: Vec<OcrPage>,
    /// The OCR engine and its version ("tesseract 5.3.0").
    pub engine: String,
    /// The OCR language(s) used ("eng", "eng+cym").
    pub language: String,
}

impl OcrSummary {
    /// A page (or block) whose mean word confidence is below this is reported as low confidence.
    pub const LOW_CONFIDENCE: u8 = 80;

    /// The summary of pages read by OCR.
    pub fn of(pages: Vec<OcrPage>, engine: &str, language: &str) -> OcrSummary {
        let weight = |p: &OcrPage| p.words.max(1) as u64;
        let total: u64 = pages.iter().map(weight).sum();
        let sum: u64 = pages
            .iter()
            .map(|p| u64::from(p.confidence) * weight(p))
            .sum();
        let mean = (sum + total / 2).checked_div(total).unwrap_or(0);
        OcrSummary {
            pages_read: pages.len(),
            mean_confidence: u8::try_from(mean).unwrap_or(100),
            low_confidence_pages: pages
                .iter()
                .filter(|p| p.confidence < Self::LOW_CONFIDENCE)
                .map(|p| p.page)
                .collect(),
            pages,
            engine: engine.into(),
            language: language.into(),
        }
    }

    /// The OCR reading of a page, when it was read by OCR.
    pub fn page(&self, page: Option<u32>) -> Option<&OcrPage> {
        let page = page?;
        self.pages.iter().find(|p| p.page == page)
    }
}

/// One block of located text: what the checker reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Block {
    /// 1-based page where the block starts, or `None`.
    pub page: Option<u32>,
    /// The clause number a reader would cite ("14.3", "2.1(a)", "Clause 5", "Schedule 2 paragraph 4",
    /// "B1", "Q3"), inherited from the enclosing clause or heading when the block has none itself.
    pub section: Option<String>,
    /// What the block is.
    pub kind: BlockKind,
    /// The block's text (one line).
    pub text: String,
    /// Offset of the block's first character in the document text, in characters (Unicode scalar
    /// values), where the document text is the blocks joined with `\n`.
    pub start: usize,
    /// Offset one past the block's last character, in characters.
    pub end: usize,
    /// Text of the nearest heading above this block (its own text for a heading), if any.
    #[serde(skip)]
    pub heading: Option<String>,
}

/// A sentence inside a block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sentence {
    /// Index of the block in [`Document::blocks`].
    pub block: usize,
    /// Byte offset of the sentence's start in the block's text.
    pub start: usize,
    /// Byte offset one past the sentence's end in the block's text.
    pub end: usize,
}

/// A document as located text: blocks with page and section, split into sentences.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// Blocks in reading order.
    pub blocks: Vec<Block>,
    /// Sentences in reading order.
    pub sentences: Vec<Sentence>,
    /// Number of pages (PDF), or `None`.
    pub pages: Option<u32>,
}

impl Document {
    /// The text the checker reads: the blocks joined with `\n`.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for (i, b) in self.blocks.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            out.push_str(&b.text);
        }
        out
    }

    /// The text of a sentence.
    pub fn sentence_text(&self, s: &Sentence) -> &str {
        &self.blocks[s.block].text[s.start..s.end]
    }

    /// Evidence pointing at bytes `start..end` of block `block`'s text.
    pub fn evidence(&self, block: usize, start: usize, end: usize) -> Evidence {
        let b = &self.blocks[block];
        let quote = b.text[start..end].trim();
        let lead = b.text[start..end].len() - b.text[start..end].trim_start().len();
        let cstart = b.start + b.text[..start + lead].chars().count();
        let quote = truncate_quote(quote);
        Evidence {
            page: b.page,
            section: b.section.clone(),
            start: cstart,
            end: cstart + quote.chars().count(),
            quote,
        }
    }

    /// Evidence for a whole sentence.
    pub fn sentence_evidence(&self, s: &Sentence) -> Evidence {
        self.evidence(s.block, s.start, s.end)
    }
}

/// Quotes are at most about 600 characters (report contract); longer text is cut at a word boundary.
fn truncate_quote(text: &str) -> String {
    const MAX: usize = 600;
    if text.chars().count() <= MAX {
        return text.to_string();
    }
    let cut: String = text.chars().take(MAX).collect();
    match cut.rfind(' ') {
        Some(i) if i > MAX / 2 => cut[..i].to_string(),
        _ => cut,
    }
}

/// Kind of document, which decides the rules that apply.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    IntoStaticStr,
    EnumIter,
    clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum DocType {
    /// A contract, template, call-off or set of terms.
    Contract,
    /// A tender response or bid.
    Tender,
    /// Neither could be told.
    Unknown,
}

/// Whether a file could be analysed.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    IntoStaticStr,
    EnumIter,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum Status {
    /// Read and checked.
    Analysed,
    /// Could not be read as text: no text layer, password, unsupported.
    Unreadable,
    /// Corrupt or over a limit.
    Error,
}

/// How much a rule matters for the document.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    IntoStaticStr,
    EnumIter,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum Severity {
    /// Must be in the document.
    Required,
    /// Good practice.
    Recommended,
}

/// The verdict for one rule.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    IntoStaticStr,
    EnumIter,
    clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum ClauseStatus {
    /// The obligation is there, on the supplier, in AI scope, with its essential elements.
    Present,
    /// The obligation is there but softened.
    Weak,
    /// The document says the opposite, waives or disclaims it.
    Contradicted,
    /// Nothing relevant: the clause is absent.
    Missing,
}

/// A located quote relied on for a verdict or feature.
///
/// Serialised with `"ocr": true` and `"ocr_confidence"` added when its page was read by OCR,
/// inside [`with_ocr_evidence`] (the JSON report does this per document). The checker, which
/// builds evidence, never sees OCR, so the mark is not a field of its own.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Evidence {
    /// 1-based page where the quote starts, or `None`.
    pub page: Option<u32>,
    /// Clause number as the reader sees it, or `None`.
    pub section: Option<String>,
    /// The sentence or clause relied on, as extracted (at most about 600 characters).
    pub quote: String,
    /// Character offset of the quote in the document text.
    pub start: usize,
    /// Character offset one past the quote's end.
    pub end: usize,
}

thread_local! {
    /// Pages read by OCR of the document being serialised (see [`with_ocr_evidence`]).
    static OCR_PAGES: std::cell::RefCell<Vec<OcrPage>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Runs `f` (which serialises a document's parts) with evidence on pages that `ocr` read by OCR
/// serialising `"ocr": true` and `"ocr_confidence"`.
pub fn with_ocr_evidence<R>(ocr: Option<&OcrSummary>, f: impl FnOnce() -> R) -> R {
    let pages = ocr.map(|o| o.pages.clone()).unwrap_or_default();
    let before = OCR_PAGES.with(|c| c.replace(pages));
    let result = f();
    OCR_PAGES.with(|c| c.replace(before));
    result
}

impl Serialize for Evidence {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let confidence = self.page.and_then(|p| {
            OCR_PAGES.with(|c| {
                c.borrow()
                    .iter()
                    .find(|o| o.page == p)
                    .map(|o| o.confidence)
            })
        });
        let fields = if confidence.is_some() { 7 } else { 5 };
        let mut st = serializer.serialize_struct("Evidence", fields)?;
        st.serialize_field("page", &self.page)?;
        st.serialize_field("section", &self.section)?;
        st.serialize_field("quote", &self.quote)?;
        st.serialize_field("start", &self.start)?;
        st.serialize_field("end", &self.end)?;
        if let Some(c) = confidence {
            st.serialize_field("ocr", &true)?;
            st.serialize_field("ocr_confidence", &c)?;
        }
        st.end()
    }
}

/// The verdict of one rule on one document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClauseVerdict {
    /// Stable rule id from the clause library.
    pub id: String,
    /// The rule's title.
    pub title: String,
    /// Required or recommended for this document.
    pub severity: Severity,
    /// The verdict.
    pub status: ClauseStatus,
    /// Quotes relied on, strongest first; empty when missing.
    pub evidence: Vec<Evidence>,
    /// Why this status: what was found, what was weak or contrary.
    pub explanation: String,
    /// For the tender rules (the vendor-assurance pack and the AI declaration), when the answer is
    /// weak, contradicted or missing: a clarification question the buyer can send the bidder,
    /// quoting the bid's own answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question: Option<String>,
    /// What the legal team decided about this gap (`--waivers`) and how it compares with an
    /// earlier report (`--baseline`); empty from the checker.
    #[serde(flatten)]
    pub review: Review,
}

/// What was decided about a verdict after it was checked: a waiver that applies or no longer
/// applies, and the change since a baseline. Serialised as fields of the clause (`waiver`,
/// `waiver_lapsed`, `baseline`), each left out when empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Review {
    /// The waiver that applies to this gap: it is reported as waived and does not fail the run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiver: Option<WaiverRecord>,
    /// A waiver that names this gap but no longer applies, and why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiver_lapsed: Option<LapsedWaiver>,
    /// How this verdict compares with the baseline report, when `--baseline` is given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<Change>,
}

/// The hashes a waiver is pinned to: one file's, or each member's of a family.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Pinned {
    /// sha256 of one document's bytes.
    One(String),
    /// sha256 of each member of a family.
    Members(Vec<String>),
}

impl Pinned {
    /// The hashes, sorted (a family's members may be listed in any order).
    pub fn sorted(&self) -> Vec<&str> {
        let mut v: Vec<&str> = match self {
            Pinned::One(h) => vec![h.as_str()],
            Pinned::Members(hs) => hs.iter().map(String::as_str).collect(),
        };
        v.sort_unstable();
        v
    }
}

/// A waiver that applies to a gap (JSON `waiver` on a clause).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaiverRecord {
    /// Why the gap was accepted.
    pub reason: String,
    /// Who approved it.
    pub approved_by: String,
    /// The last day it applies (ISO date).
    pub expires: String,
    /// The hash(es) of the exact file(s) accepted.
    pub sha256: Pinned,
    /// Where the waiver is written ("waivers.toml:12").
    #[serde(default)]
    pub at: String,
}

/// Why a waiver that names a gap no longer applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, IntoStaticStr, EnumIter)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum Lapse {
    /// Its expiry date has passed.
    Expired,
    /// The file (or a member of the family) is no longer the one accepted: its sha256 differs.
    Changed,
}

/// A waiver that names a gap but does not apply (JSON `waiver_lapsed` on a clause).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LapsedWaiver {
    /// The waiver as written.
    #[serde(flatten)]
    pub waiver: WaiverRecord,
    /// Why it no longer applies.
    pub why: Lapse,
    /// The same in plain English, with what to do.
    pub message: String,
}

/// How a gap or AI feature compares with the baseline report (`--baseline`).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    IntoStaticStr,
    EnumIter,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum Change {
    /// Not a gap (or not there) in the baseline.
    New,
    /// The same as in the baseline.
    Unchanged,
    /// A more serious gap than in the baseline (weak to missing, missing to contradicted; a
    /// disclosed AI feature now undisclosed).
    Worse,
    /// A less serious gap than in the baseline.
    Better,
    /// A gap in the baseline, met now (or an undisclosed AI feature now disclosed).
    Fixed,
}

/// Kinds of AI capability.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    IntoStaticStr,
    EnumIter,
)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum FeatureCategory {
    /// Generative AI: drafting, summarising, chat, image or voice generation.
    Generative,
    /// Chatbots, voicebots, virtual assistants.
    Conversational,
    /// Predictive models, risk scores, forecasting.
    Predictive,
    /// Facial recognition, biometric identification.
    Biometric,
    /// Computer vision, image and video analytics.
    Vision,
    /// Speech recognition, transcription, synthetic voice.
    Speech,
    /// Automated decisions about people.
    AutomatedDecision,
    /// Intelligent document processing, OCR with ML.
    DocumentProcessing,
    /// Anything else.
    Other,
}

/// How the document shows a feature is AI.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    IntoStaticStr,
    EnumIter,
)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum FeatureBasis {
    /// The document names AI, an AI technique or an AI product ("machine learning", "Azure
    /// OpenAI").
    #[default]
    Named,
    /// The document describes a function usually done by a trained model without naming AI
    /// ("recognises number plates", "translates", "predicts"): likely AI, to ask the bidder about.
    Inferred,
}

/// An AI feature's standing in the buyer's register of approved AI tools.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    IntoStaticStr,
    EnumIter,
)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum RegisterStatus {
    /// Listed as approved.
    Approved,
    /// Not listed.
    NotInRegister,
    /// Listed as prohibited.
    Prohibited,
}

/// An AI capability the document says the supplier's offering has or uses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AiFeature {
    /// Short label.
    pub name: String,
    /// Kind of capability.
    pub category: FeatureCategory,
    /// Named or covered by the document's AI disclosure.
    pub disclosed: bool,
    /// Standing in the approved-tools register, when one was given.
    pub register: Option<RegisterStatus>,
    /// Where the document describes it.
    pub evidence: Evidence,
    /// Vendor of the product, where known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendor: Option<String>,
    /// Named outright, or inferred from a described function.
    #[serde(default)]
    pub basis: FeatureBasis,
    /// Why it counts as AI, in plain words: what the document names or describes.
    #[serde(default)]
    pub reason: String,
    /// How it compares with the baseline report, when `--baseline` is given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<Change>,
}

/// What the document declares about its use of AI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AiDeclaration {
    /// True when the declaration says AI is used.
    pub says_ai_used: bool,
    /// Where it says so.
    pub evidence: Evidence,
}

/// One document's part of the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentReport {
    /// As given on the command line, or relative to the scanned folder.
    pub path: String,
    /// File format.
    pub format: Format,
    /// sha256 of the file's bytes, hex.
    pub sha256: String,
    /// Detected or forced document type.
    pub doc_type: DocType,
    /// Whether it could be analysed.
    pub status: Status,
    /// Plain-English reason when not analysed.
    pub error: Option<String>,
    /// PDF pages, or `None`.
    pub pages: Option<u32>,
    /// One verdict per rule that applies; empty when not analysed.
    pub clauses: Vec<ClauseVerdict>,
    /// AI capabilities the document describes.
    pub ai_features: Vec<AiFeature>,
    /// The document's declaration about AI use, if any.
    pub ai_declaration: Option<AiDeclaration>,
    /// Present when any page was read by OCR: which pages and how confidently.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ocr: Option<OcrSummary>,
    /// An order-of-precedence clause the document states ("in the event of conflict ... the
    /// following order of precedence"), when it has one: used to judge its contract family.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_of_precedence: Option<StatedOrder>,
}

/// An order-of-precedence clause: the documents it names, highest first, as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatedOrder {
    /// The documents named, highest precedence first ("this Agreement", "the Data Processing
    /// Addendum", "the Schedules").
    pub names: Vec<String>,
    /// The clause.
    pub evidence: Evidence,
}

/// A quote from one member of a contract family: the member's path and where in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberEvidence {
    /// The member's path, as in `documents`.
    pub path: String,
    /// Where in the member.
    #[serde(flatten)]
    pub evidence: Evidence,
}

/// The verdict of one rule on a contract family, judged as one document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FamilyClause {
    /// Stable rule id.
    pub id: String,
    /// The rule's title.
    pub title: String,
    /// Required when it is required for any member.
    pub severity: Severity,
    /// The family's verdict.
    pub status: ClauseStatus,
    /// Quotes relied on, from the members, strongest first.
    pub evidence: Vec<MemberEvidence>,
    /// Why: which member meets or contradicts it, and any order of precedence applied.
    pub explanation: String,
    /// True when a contrary clause in one member was set aside because the order of precedence
    /// puts a compliant member above it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub by_precedence: bool,
    /// Waiver and baseline, as on a document's clause.
    #[serde(flatten)]
    pub review: Review,
}

/// An AI feature a member of a family describes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FamilyFeature {
    /// Short label.
    pub name: String,
    /// Kind of capability.
    pub category: FeatureCategory,
    /// Named or covered by an AI disclosure in any member.
    pub disclosed: bool,
    /// Standing in the approved-tools register, when one was given.
    pub register: Option<RegisterStatus>,
    /// Where a member describes it.
    pub evidence: MemberEvidence,
    /// Vendor of the product, where known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendor: Option<String>,
    /// Named outright, or inferred from a described function.
    #[serde(default)]
    pub basis: FeatureBasis,
    /// Why it counts as AI.
    #[serde(default)]
    pub reason: String,
    /// How it compares with the baseline report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<Change>,
}

/// Where a family's order of precedence comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OrderSource {
    /// The `members` list of the folder's `family.toml`.
    FamilyToml,
    /// An order-of-precedence clause in one of the members.
    Clause,
}

/// A family's order of precedence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FamilyOrder {
    /// Where it comes from.
    pub source: OrderSource,
    /// The `family.toml`, or the member that states the clause.
    pub path: String,
    /// The clause, when it comes from one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<Evidence>,
    /// The members it ranks, highest first (a clause may leave some out).
    pub ranked: Vec<String>,
}

/// A contract family: the documents that together make one contract, judged as one
/// (JSON `families`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FamilyReport {
    /// The family's name: `name` in its `family.toml`, else its folder as scanned.
    pub name: String,
    /// Member paths (as in `documents`), in order of precedence when there is one, else by path.
    pub members: Vec<String>,
    /// The family's type: a contract when any member is one.
    pub doc_type: DocType,
    /// The order of precedence used, or null when the family has none.
    pub order_of_precedence: Option<FamilyOrder>,
    /// Members its `family.toml` lists that were not found.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing_members: Vec<String>,
    /// Members that could not be read (their clauses may be there, unseen).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unreadable_members: Vec<String>,
    /// One verdict per rule that applies to any member.
    pub clauses: Vec<FamilyClause>,
    /// AI features the members describe, each once.
    pub ai_features: Vec<FamilyFeature>,
}

/// What changed since the baseline report, in total (JSON `baseline`, with `--baseline`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BaselineSummary {
    /// The baseline report, as given.
    pub path: String,
    /// Gaps and undisclosed AI features not in the baseline.
    pub new: usize,
    /// The same as in the baseline.
    pub unchanged: usize,
    /// More serious than in the baseline.
    pub worse: usize,
    /// Less serious than in the baseline.
    pub better: usize,
    /// Gaps of the baseline met now (on clauses still reported, and in `gone`).
    pub fixed: usize,
    /// Gaps and undisclosed features of the baseline whose document, family or rule is no longer
    /// in the report.
    #[serde(default)]
    pub gone: Vec<GoneGap>,
}

/// A gap of the baseline with nothing to compare it with now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoneGap {
    /// The document's path, or the family's name.
    pub path: String,
    /// True when `path` names a family.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub family: bool,
    /// The rule id, or `undisclosed-ai-feature`.
    pub rule: String,
    /// The AI feature's name, for an undisclosed feature.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feature: Option<String>,
    /// Its status in the baseline.
    pub was: String,
}

/// Counts of gaps across the report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gaps {
    /// Rules missing.
    pub missing: usize,
    /// Rules present but weak.
    pub weak: usize,
    /// Rules contradicted.
    pub contradicted: usize,
}

/// The text with its first letter in upper case ("the supplier ..." -> "The supplier ..."), for
/// sentences of explanations and letters built from parts.
pub fn upper_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().collect::<String>() + chars.as_str(),
        None => String::new(),
    }
}

/// Lower-case hex of bytes: digests in reports and fingerprints, and random tokens.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    s
}

/// The sha256 of a file's bytes as reports give it ([`DocumentReport::sha256`]): lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex(&sha2::Sha256::digest(bytes))
}

/// The version of the JSON report's shape (`schema_version`).
pub const SCHEMA_VERSION: &str = "1";

/// Totals for the whole report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// Documents in the report.
    pub documents: usize,
    /// Documents analysed.
    pub analysed: usize,
    /// Documents that could not be read.
    pub unreadable: usize,
    /// Documents that failed (corrupt, over a limit).
    pub error: usize,
    /// Gaps by kind.
    pub gaps: Gaps,
    /// AI features not covered by their document's disclosure.
    pub undisclosed_ai_features: usize,
    /// Gaps of documents that a waiver covers (counted in `gaps` too).
    #[serde(default)]
    pub waived: usize,
}

impl Summary {
    /// Totals computed from documents.
    pub fn of(documents: &[DocumentReport]) -> Summary {
        let mut s = Summary::default();
        for d in documents {
            s.add(d);
        }
        s
    }

    /// Counts one more document.
    pub fn add(&mut self, d: &DocumentReport) {
        self.documents += 1;
        match d.status {
            Status::Analysed => self.analysed += 1,
            Status::Unreadable => self.unreadable += 1,
            Status::Error => self.error += 1,
        }
        for c in &d.clauses {
            match c.status {
                ClauseStatus::Missing => self.gaps.missing += 1,
                ClauseStatus::Weak => self.gaps.weak += 1,
                ClauseStatus::Contradicted => self.gaps.contradicted += 1,
                ClauseStatus::Present => {}
            }
            if c.status != ClauseStatus::Present && c.review.waiver.is_some() {
                self.waived += 1;
            }
        }
        self.undisclosed_ai_features += d.ai_features.iter().filter(|f| !f.disclosed).count();
    }
}

/// Name and version of a program or library.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NameVersion {
    /// Name.
    pub name: String,
    /// Version.
    pub version: String,
}

/// What a report needs to know about a rule to explain a gap: title, why, and wording to add.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleInfo {
    /// Stable rule id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Tier: "A", "B", "recommended" or "tender".
    pub tier: String,
    /// What a compliant clause requires, in one or two sentences.
    pub requires: String,
    /// Why the rule exists (policy).
    pub why: String,
    /// Policy sources.
    pub sources: Vec<String>,
    /// Model clause wording a buyer can paste in.
    pub model_wording: String,
}

/// The scan report: the input of every renderer and of the index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    /// JSON contract version ("1").
    pub schema_version: String,
    /// This program.
    pub tool: NameVersion,
    /// The clause library used.
    pub library: NameVersion,
    /// Documents, sorted by path.
    pub documents: Vec<DocumentReport>,
    /// Contract families (`--family-by`, `family.toml`), sorted by name; absent without them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub families: Vec<FamilyReport>,
    /// Totals.
    pub summary: Summary,
    /// What changed since the baseline report, with `--baseline`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<BaselineSummary>,
    /// The rules cited by the documents' verdicts, sorted by id.
    pub rules: Vec<RuleInfo>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::IntoEnumIterator;

    /// Every value's `as_str` is its name in the JSON report.
    fn names_are_serde_names<T: IntoEnumIterator + Serialize + Copy + Into<&'static str>>() {
        for v in T::iter() {
            let json = serde_json::to_value(v).unwrap();
            assert_eq!(Some(v.into()), json.as_str());
        }
    }

    #[test]
    fn enum_names_are_those_of_the_json_report() {
        names_are_serde_names::<Format>();
        names_are_serde_names::<DocType>();
        names_are_serde_names::<Status>();
        names_are_serde_names::<Severity>();
        names_are_serde_names::<ClauseStatus>();
        names_are_serde_names::<Change>();
        names_are_serde_names::<FeatureCategory>();
        names_are_serde_names::<Lapse>();
        names_are_serde_names::<FeatureBasis>();
        names_are_serde_names::<RegisterStatus>();
        assert_eq!(
            FeatureCategory::AutomatedDecision.as_str(),
            "automated-decision"
        );
        assert_eq!(RegisterStatus::NotInRegister.as_str(), "not-in-register");
    }

    #[test]
    fn hex_and_sha256() {
        assert_eq!(hex(&[0x00, 0xab, 0x0f, 0xff]), "00ab0fff");
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
