//! Results as flat tables: a document's report as rows of three tables, `documents` (one row per
//! document), `verdicts` (one per document and rule) and `features` (one per AI feature), each
//! row carrying the document's `path`, `sha256` and `doc_type` so the tables join and partition.
//!
//! This is the one definition of the tables' shape: [`super::parquet`] writes these rows as
//! Parquet files and `aiassure worker --emit rows` writes them as JSON (the Spark job builds its
//! DataFrames from them with the schema [`schema`] gives). `docs/parquet.md` documents every
//! column; a test keeps it in step with [`schema`].
//!
//! A verdict row carries the strongest evidence only (`evidence_count` says how many quotes the
//! JSON report has); the JSON report and JSON lines keep them all.

use std::collections::BTreeMap;

use serde::Serialize;

use super::evidence_confidence;
use crate::model::{ClauseVerdict, DocumentReport, Evidence};

/// A column's type, as Parquet and Spark store it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// UTF-8 text (Parquet `BYTE_ARRAY` annotated `STRING`; Spark `string`).
    String,
    /// 64-bit integer (Parquet `INT64`; Spark `long`).
    Int64,
    /// True or false (Parquet `BOOLEAN`; Spark `boolean`).
    Boolean,
}

/// One column of a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Column {
    /// The column's name.
    pub name: &'static str,
    /// Its type.
    #[serde(rename = "type")]
    pub kind: Kind,
    /// True when a row may leave it empty (null).
    pub nullable: bool,
}

/// One cell of a row, in column order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell<'a> {
    /// Text, or null.
    Text(Option<&'a str>),
    /// An integer, or null.
    Int(Option<i64>),
    /// A boolean, or null.
    Bool(Option<bool>),
}

impl Cell<'_> {
    /// The kind of column this cell belongs in.
    pub fn kind(&self) -> Kind {
        match self {
            Cell::Text(_) => Kind::String,
            Cell::Int(_) => Kind::Int64,
            Cell::Bool(_) => Kind::Boolean,
        }
    }

    /// True when the cell is null.
    pub fn is_null(&self) -> bool {
        matches!(self, Cell::Text(None) | Cell::Int(None) | Cell::Bool(None))
    }
}

/// A row of one of the tables.
pub trait Row: Serialize {
    /// The table's name (`documents`, `verdicts`, `features`).
    const TABLE: &'static str;
    /// The table's columns, in order.
    const COLUMNS: &'static [Column];
    /// This row's cells, in column order.
    fn cells(&self) -> Vec<Cell<'_>>;
}

const fn text(name: &'static str) -> Column {
    Column {
        name,
        kind: Kind::String,
        nullable: false,
    }
}

const fn text_or_null(name: &'static str) -> Column {
    Column {
        name,
        kind: Kind::String,
        nullable: true,
    }
}

const fn int_or_null(name: &'static str) -> Column {
    Column {
        name,
        kind: Kind::Int64,
        nullable: true,
    }
}

const fn int(name: &'static str) -> Column {
    Column {
        name,
        kind: Kind::Int64,
        nullable: false,
    }
}

const fn boolean(name: &'static str) -> Column {
    Column {
        name,
        kind: Kind::Boolean,
        nullable: false,
    }
}

/// The columns every row starts with: which document it belongs to.
const KEY: [Column; 3] = [text("path"), text("sha256"), text("doc_type")];

/// One row per document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocumentRow {
    /// As in the JSON report.
    pub path: String,
    /// sha256 of the file's bytes (empty when it could not be read at all).
    pub sha256: String,
    /// `contract`, `tender` or `unknown`.
    pub doc_type: String,
    /// `pdf`, `docx`, `text`, ...
    pub format: String,
    /// `analysed`, `unreadable` or `error`.
    pub status: String,
    /// Why it was not analysed.
    pub error: Option<String>,
    /// PDF pages.
    pub pages: Option<i64>,
    /// True when any page was read by OCR.
    pub ocr: bool,
    /// Pages read by OCR.
    pub ocr_pages: Option<i64>,
    /// Mean OCR confidence, 0 to 100.
    pub ocr_confidence: Option<i64>,
    /// Verdicts (rows of `verdicts`) of the document.
    pub verdicts: i64,
    /// AI features (rows of `features`) of the document.
    pub features: i64,
    /// The clause library's version the verdicts come from.
    pub library_version: String,
}

impl Row for DocumentRow {
    const TABLE: &'static str = "documents";
    const COLUMNS: &'static [Column] = &[
        KEY[0],
        KEY[1],
        KEY[2],
        text("format"),
        text("status"),
        text_or_null("error"),
        int_or_null("pages"),
        boolean("ocr"),
        int_or_null("ocr_pages"),
        int_or_null("ocr_confidence"),
        int("verdicts"),
        int("features"),
        text("library_version"),
    ];

    fn cells(&self) -> Vec<Cell<'_>> {
        vec![
            Cell::Text(Some(&self.path)),
            Cell::Text(Some(&self.sha256)),
            Cell::Text(Some(&self.doc_type)),
            Cell::Text(Some(&self.format)),
            Cell::Text(Some(&self.status)),
            Cell::Text(self.error.as_deref()),
            Cell::Int(self.pages),
            Cell::Bool(Some(self.ocr)),
            Cell::Int(self.ocr_pages),
            Cell::Int(self.ocr_confidence),
            Cell::Int(Some(self.verdicts)),
            Cell::Int(Some(self.features)),
            Cell::Text(Some(&self.library_version)),
        ]
    }
}

/// Where a quote is, flattened into columns.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Quote {
    /// The quote.
    pub evidence_quote: Option<String>,
    /// 1-based page.
    pub evidence_page: Option<i64>,
    /// Clause number.
    pub evidence_section: Option<String>,
    /// Character offset in the extracted text.
    pub evidence_start: Option<i64>,
    /// Character offset one past its end.
    pub evidence_end: Option<i64>,
    /// OCR confidence of the quote's page, when it was read by OCR.
    pub evidence_ocr_confidence: Option<i64>,
}

const QUOTE: [Column; 6] = [
    text_or_null("evidence_quote"),
    int_or_null("evidence_page"),
    text_or_null("evidence_section"),
    int_or_null("evidence_start"),
    int_or_null("evidence_end"),
    int_or_null("evidence_ocr_confidence"),
];

impl Quote {
    fn of(d: &DocumentReport, e: Option<&Evidence>) -> Quote {
        let Some(e) = e else {
            return Quote::default();
        };
        Quote {
            evidence_quote: Some(e.quote.clone()),
            evidence_page: e.page.map(i64::from),
            evidence_section: e.section.clone(),
            evidence_start: Some(wide(e.start)),
            evidence_end: Some(wide(e.end)),
            evidence_ocr_confidence: evidence_confidence(d, e).map(i64::from),
        }
    }

    fn cells(&self) -> [Cell<'_>; 6] {
        [
            Cell::Text(self.evidence_quote.as_deref()),
            Cell::Int(self.evidence_page),
            Cell::Text(self.evidence_section.as_deref()),
            Cell::Int(self.evidence_start),
            Cell::Int(self.evidence_end),
            Cell::Int(self.evidence_ocr_confidence),
        ]
    }
}

/// One row per document and rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerdictRow {
    /// The document's path.
    pub path: String,
    /// The document's sha256.
    pub sha256: String,
    /// The document's type.
    pub doc_type: String,
    /// Stable rule id.
    pub rule_id: String,
    /// The rule's title.
    pub title: String,
    /// `required` or `recommended` for this document.
    pub severity: String,
    /// The rule's tier: `A`, `B`, `recommended` or `tender` (null for a rule the library no
    /// longer has).
    pub tier: Option<String>,
    /// `present`, `weak`, `contradicted` or `missing`.
    pub status: String,
    /// Why this status.
    pub explanation: String,
    /// Quotes the JSON report gives for this verdict (the row carries the first, strongest).
    pub evidence_count: i64,
    /// The strongest quote.
    #[serde(flatten)]
    pub quote: Quote,
    /// The clarification question for a bidder (tender rules).
    pub question: Option<String>,
    /// Why the waiver that applies was granted (`--waivers`).
    pub waiver_reason: Option<String>,
    /// Who approved it.
    pub waiver_approved_by: Option<String>,
    /// Its last day (ISO date).
    pub waiver_expires: Option<String>,
    /// Why a waiver naming this gap no longer applies: `expired` or `changed`.
    pub waiver_lapsed: Option<String>,
    /// Change since the baseline (`--baseline`): `new`, `unchanged`, `worse`, `better`, `fixed`.
    pub baseline: Option<String>,
}

impl Row for VerdictRow {
    const TABLE: &'static str = "verdicts";
    const COLUMNS: &'static [Column] = &[
        KEY[0],
        KEY[1],
        KEY[2],
        text("rule_id"),
        text("title"),
        text("severity"),
        text_or_null("tier"),
        text("status"),
        text("explanation"),
        int("evidence_count"),
        QUOTE[0],
        QUOTE[1],
        QUOTE[2],
        QUOTE[3],
        QUOTE[4],
        QUOTE[5],
        text_or_null("question"),
        text_or_null("waiver_reason"),
        text_or_null("waiver_approved_by"),
        text_or_null("waiver_expires"),
        text_or_null("waiver_lapsed"),
        text_or_null("baseline"),
    ];

    fn cells(&self) -> Vec<Cell<'_>> {
        let mut cells = vec![
            Cell::Text(Some(&self.path)),
            Cell::Text(Some(&self.sha256)),
            Cell::Text(Some(&self.doc_type)),
            Cell::Text(Some(&self.rule_id)),
            Cell::Text(Some(&self.title)),
            Cell::Text(Some(&self.severity)),
            Cell::Text(self.tier.as_deref()),
            Cell::Text(Some(&self.status)),
            Cell::Text(Some(&self.explanation)),
            Cell::Int(Some(self.evidence_count)),
        ];
        cells.extend(self.quote.cells());
        cells.extend([
            Cell::Text(self.question.as_deref()),
            Cell::Text(self.waiver_reason.as_deref()),
            Cell::Text(self.waiver_approved_by.as_deref()),
            Cell::Text(self.waiver_expires.as_deref()),
            Cell::Text(self.waiver_lapsed.as_deref()),
            Cell::Text(self.baseline.as_deref()),
        ]);
        cells
    }
}

/// One row per AI feature a document describes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FeatureRow {
    /// The document's path.
    pub path: String,
    /// The document's sha256.
    pub sha256: String,
    /// The document's type.
    pub doc_type: String,
    /// Short label.
    pub name: String,
    /// `generative`, `conversational`, ... (as in the JSON report).
    pub category: String,
    /// `named` or `inferred`.
    pub basis: String,
    /// Covered by the document's AI disclosure.
    pub disclosed: bool,
    /// `approved`, `not-in-register` or `prohibited` (with `--register`).
    pub register: Option<String>,
    /// Vendor, where known.
    pub vendor: Option<String>,
    /// Why it counts as AI.
    pub reason: String,
    /// Where the document describes it.
    #[serde(flatten)]
    pub quote: Quote,
    /// Change since the baseline.
    pub baseline: Option<String>,
}

impl Row for FeatureRow {
    const TABLE: &'static str = "features";
    const COLUMNS: &'static [Column] = &[
        KEY[0],
        KEY[1],
        KEY[2],
        text("name"),
        text("category"),
        text("basis"),
        boolean("disclosed"),
        text_or_null("register"),
        text_or_null("vendor"),
        text("reason"),
        QUOTE[0],
        QUOTE[1],
        QUOTE[2],
        QUOTE[3],
        QUOTE[4],
        QUOTE[5],
        text_or_null("baseline"),
    ];

    fn cells(&self) -> Vec<Cell<'_>> {
        let mut cells = vec![
            Cell::Text(Some(&self.path)),
            Cell::Text(Some(&self.sha256)),
            Cell::Text(Some(&self.doc_type)),
            Cell::Text(Some(&self.name)),
            Cell::Text(Some(&self.category)),
            Cell::Text(Some(&self.basis)),
            Cell::Bool(Some(self.disclosed)),
            Cell::Text(self.register.as_deref()),
            Cell::Text(self.vendor.as_deref()),
            Cell::Text(Some(&self.reason)),
        ];
        cells.extend(self.quote.cells());
        cells.push(Cell::Text(self.baseline.as_deref()));
        cells
    }
}

/// Each rule's tier, by rule id (from [`crate::library::Library::tiers`]).
pub type Tiers = BTreeMap<String, String>;

/// One document's rows of the three tables.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rows {
    /// Its row of `documents` (one, as a list so the three tables read alike).
    pub documents: Vec<DocumentRow>,
    /// Its rows of `verdicts`.
    pub verdicts: Vec<VerdictRow>,
    /// Its rows of `features`.
    pub features: Vec<FeatureRow>,
}

impl Rows {
    /// A document's rows. `library_version` is the clause library's version.
    pub fn of(d: &DocumentReport, tiers: &Tiers, library_version: &str) -> Rows {
        let document = DocumentRow {
            path: d.path.clone(),
            sha256: d.sha256.clone(),
            doc_type: d.doc_type.as_str().into(),
            format: d.format.as_str().into(),
            status: d.status.as_str().into(),
            error: d.error.clone(),
            pages: d.pages.map(i64::from),
            ocr: d.ocr.is_some(),
            ocr_pages: d.ocr.as_ref().map(|o| wide(o.pages_read)),
            ocr_confidence: d.ocr.as_ref().map(|o| i64::from(o.mean_confidence)),
            verdicts: wide(d.clauses.len()),
            features: wide(d.ai_features.len()),
            library_version: library_version.into(),
        };
        Rows {
            documents: vec![document],
            verdicts: d.clauses.iter().map(|c| verdict(d, c, tiers)).collect(),
            features: d
                .ai_features
                .iter()
                .map(|f| FeatureRow {
                    path: d.path.clone(),
                    sha256: d.sha256.clone(),
                    doc_type: d.doc_type.as_str().into(),
                    name: f.name.clone(),
                    category: f.category.as_str().into(),
                    basis: f.basis.as_str().into(),
                    disclosed: f.disclosed,
                    register: f.register.map(|r| r.as_str().into()),
                    vendor: f.vendor.clone(),
                    reason: f.reason.clone(),
                    quote: Quote::of(d, Some(&f.evidence)),
                    baseline: f.baseline.map(|b| b.as_str().into()),
                })
                .collect(),
        }
    }
}

fn verdict(d: &DocumentReport, c: &ClauseVerdict, tiers: &Tiers) -> VerdictRow {
    let waiver = c.review.waiver.as_ref();
    VerdictRow {
        path: d.path.clone(),
        sha256: d.sha256.clone(),
        doc_type: d.doc_type.as_str().into(),
        rule_id: c.id.clone(),
        title: c.title.clone(),
        severity: c.severity.as_str().into(),
        tier: tiers.get(&c.id).cloned(),
        status: c.status.as_str().into(),
        explanation: c.explanation.clone(),
        evidence_count: wide(c.evidence.len()),
        quote: Quote::of(d, c.evidence.first()),
        question: c.question.clone(),
        waiver_reason: waiver.map(|w| w.reason.clone()),
        waiver_approved_by: waiver.map(|w| w.approved_by.clone()),
        waiver_expires: waiver.map(|w| w.expires.clone()),
        waiver_lapsed: c
            .review
            .waiver_lapsed
            .as_ref()
            .map(|l| l.why.as_str().into()),
        baseline: c.review.baseline.map(|b| b.as_str().into()),
    }
}

/// The three tables' columns, by table name: what `aiassure worker --schema` prints for the
/// Spark job.
pub fn schema() -> BTreeMap<&'static str, &'static [Column]> {
    BTreeMap::from([
        (DocumentRow::TABLE, DocumentRow::COLUMNS),
        (VerdictRow::TABLE, VerdictRow::COLUMNS),
        (FeatureRow::TABLE, FeatureRow::COLUMNS),
    ])
}

/// A count or offset as a table stores it.
fn wide(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{
        AiFeature, ClauseStatus, DocType, FeatureBasis, FeatureCategory, Format, Lapse,
        LapsedWaiver, OcrPage, OcrSummary, Pinned, Review, Severity, Status, WaiverRecord,
    };

    fn evidence(page: u32) -> Evidence {
        Evidence {
            page: Some(page),
            section: Some("14.3".into()),
            quote: "The Supplier shall not train.".into(),
            start: 10,
            end: 39,
        }
    }

    fn report() -> DocumentReport {
        let waiver = WaiverRecord {
            reason: "Accepted for the pilot".into(),
            approved_by: "Legal".into(),
            expires: "2027-01-31".into(),
            sha256: Pinned::One("ab".into()),
            at: "waivers.toml:1".into(),
        };
        DocumentReport {
            path: "bids/a.pdf".into(),
            format: Format::Pdf,
            sha256: "ab".into(),
            doc_type: DocType::Contract,
            status: Status::Analysed,
            error: None,
            pages: Some(3),
            clauses: vec![
                ClauseVerdict {
                    id: "no-training-on-buyer-data".into(),
                    title: "No training".into(),
                    severity: Severity::Required,
                    status: ClauseStatus::Weak,
                    evidence: vec![evidence(2), evidence(3)],
                    explanation: "Softened.".into(),
                    question: None,
                    review: Review {
                        waiver: Some(waiver.clone()),
                        waiver_lapsed: None,
                        baseline: Some(crate::model::Change::New),
                    },
                },
                ClauseVerdict {
                    id: "gone-rule".into(),
                    title: "Gone".into(),
                    severity: Severity::Recommended,
                    status: ClauseStatus::Missing,
                    evidence: vec![],
                    explanation: "Nothing.".into(),
                    question: None,
                    review: Review {
                        waiver: None,
                        waiver_lapsed: Some(LapsedWaiver {
                            waiver,
                            why: Lapse::Expired,
                            message: "expired".into(),
                        }),
                        baseline: None,
                    },
                },
            ],
            ai_features: vec![AiFeature {
                name: "chatbot".into(),
                category: FeatureCategory::Conversational,
                disclosed: false,
                register: None,
                evidence: evidence(2),
                vendor: None,
                basis: FeatureBasis::Inferred,
                reason: "a virtual assistant".into(),
                baseline: None,
            }],
            ai_declaration: None,
            ocr: Some(OcrSummary::of(
                vec![OcrPage {
                    page: 2,
                    confidence: 71,
                    words: 10,
                }],
                "tesseract 5",
                "eng",
            )),
            order_of_precedence: None,
        }
    }

    /// Each row's JSON keys are its table's columns, in order, and each cell fits its column.
    fn check_shape<R: Row>(rows: &[R]) {
        assert!(!rows.is_empty());
        for row in rows {
            let json = serde_json::to_value(row).unwrap();
            let mut keys: Vec<&str> = json
                .as_object()
                .unwrap()
                .keys()
                .map(String::as_str)
                .collect();
            let mut names: Vec<&str> = R::COLUMNS.iter().map(|c| c.name).collect();
            keys.sort_unstable();
            names.sort_unstable();
            assert_eq!(keys, names, "{}", R::TABLE);
            let cells = row.cells();
            assert_eq!(cells.len(), R::COLUMNS.len(), "{}", R::TABLE);
            for (cell, column) in cells.iter().zip(R::COLUMNS) {
                assert_eq!(cell.kind(), column.kind, "{}.{}", R::TABLE, column.name);
                assert!(
                    column.nullable || !cell.is_null(),
                    "{}.{}",
                    R::TABLE,
                    column.name
                );
                assert_eq!(
                    cell.is_null(),
                    json[column.name].is_null(),
                    "{}.{}",
                    R::TABLE,
                    column.name
                );
            }
        }
    }

    #[test]
    fn rows_flatten_the_report_and_match_the_schema() {
        let tiers = Tiers::from([("no-training-on-buyer-data".to_string(), "A".to_string())]);
        let rows = Rows::of(&report(), &tiers, "2026.1");
        check_shape(&rows.documents);
        check_shape(&rows.verdicts);
        check_shape(&rows.features);
        let d = &rows.documents[0];
        assert_eq!(
            (d.status.as_str(), d.ocr, d.ocr_confidence),
            ("analysed", true, Some(71))
        );
        assert_eq!((d.verdicts, d.features), (2, 1));
        let v = &rows.verdicts[0];
        assert_eq!(v.tier.as_deref(), Some("A"));
        assert_eq!(v.evidence_count, 2);
        assert_eq!(v.quote.evidence_page, Some(2));
        assert_eq!(v.quote.evidence_ocr_confidence, Some(71));
        assert_eq!(v.waiver_approved_by.as_deref(), Some("Legal"));
        assert_eq!(v.baseline.as_deref(), Some("new"));
        let gone = &rows.verdicts[1];
        assert_eq!(gone.tier, None);
        assert_eq!(gone.quote, Quote::default());
        assert_eq!(gone.waiver_lapsed.as_deref(), Some("expired"));
        let f = &rows.features[0];
        assert_eq!(
            (f.category.as_str(), f.basis.as_str()),
            ("conversational", "inferred")
        );
    }
}
