//! The index's schema: one entry per block of text and one per document, in a single tantivy
//! index, told apart by the `kind` field.
//!
//! Every entry carries its file's `path` (a raw `STRING` term), so that `delete_term(path)` removes
//! a file's block and document entries together when it changes or disappears. The document entry
//! also carries `doc_key` (the same path, on the document entry only) so that refreshing a file's
//! size and modification time after a content-hash check rewrites that one entry.
//!
//! Text is tokenized with tantivy's built-in `en_stem` analyser (lower case, English Snowball
//! stemming), so `train` finds "training" and "trained", and `indemnity` finds "indemnities". The
//! price is that a query cannot ask for one exact inflection; phrases still keep word order.
//!
//! Filter fields (`verdict`, `rule`, `status`, `feature`, `doc_type`) hold lower-case raw terms:
//! a block lists the verdicts and AI features whose evidence cites it; a document entry lists the
//! verdicts that cite no text at all (a missing rule has no evidence), so that
//! `aiassure search '*' --rule R --status missing` finds the documents that lack R.

use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};

/// Name of the tokenizer of the `text` field (built into tantivy).
pub const TOKENIZER: &str = "en_stem";

/// `kind` of a block entry.
pub const KIND_BLOCK: &str = "block";
/// `kind` of a document entry.
pub const KIND_DOCUMENT: &str = "document";

/// The fields of the schema.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// `block` or `document`.
    pub kind: Field,
    /// The file's path as reports show it (the primary key of a file).
    pub path: Field,
    /// The path again, on document entries only.
    pub doc_key: Field,
    /// `contract`, `tender` or `unknown`.
    pub doc_type: Field,
    /// File format (`pdf`, `docx`, ...).
    pub format: Field,
    /// 1-based page of a block, when known.
    pub page: Field,
    /// Clause number of a block, when known.
    pub section: Field,
    /// The block's text (searched, stored for snippets).
    pub text: Field,
    /// `rule-id=status` (lower case) for each verdict citing the entry.
    pub verdict: Field,
    /// The same verdicts as the report names them ("CL-001=weak"), stored for display.
    pub cites: Field,
    /// Rule ids of those verdicts.
    pub rule: Field,
    /// Statuses of those verdicts.
    pub status: Field,
    /// Names and categories (lower case) of the AI features citing a block.
    pub feature: Field,
    /// Names of those features as the report gives them, stored for display.
    pub feature_name: Field,
    /// Document entries: sha256 of the file.
    pub sha256: Field,
    /// Document entries: size of the file in bytes.
    pub size: Field,
    /// Document entries: modification time in nanoseconds since 1970.
    pub mtime: Field,
    /// Document entries: 1 when size and time can be trusted next run, 0 when the file changed too
    /// close to the run for its time to prove anything.
    pub stat_trusted: Field,
    /// Document entries: the settings the verdicts were computed with (tool, library, options).
    pub settings: Field,
    /// Document entries: the whole `DocumentReport`, as JSON.
    pub report: Field,
}

impl Fields {
    /// The schema and its fields.
    pub fn build() -> (Schema, Fields) {
        let mut b = Schema::builder();
        let keyword = STRING | STORED;
        let text = TextOptions::default().set_stored().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(TOKENIZER)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        let fields = Fields {
            kind: b.add_text_field("kind", keyword.clone()),
            path: b.add_text_field("path", keyword.clone()),
            doc_key: b.add_text_field("doc_key", STRING),
            doc_type: b.add_text_field("doc_type", keyword.clone()),
            format: b.add_text_field("format", keyword.clone()),
            page: b.add_u64_field("page", INDEXED | STORED | FAST),
            section: b.add_text_field("section", keyword.clone()),
            text: b.add_text_field("text", text),
            verdict: b.add_text_field("verdict", STRING),
            cites: b.add_text_field("cites", STORED),
            rule: b.add_text_field("rule", STRING),
            status: b.add_text_field("status", STRING),
            feature: b.add_text_field("feature", STRING),
            feature_name: b.add_text_field("feature_name", STORED),
            sha256: b.add_text_field("sha256", STORED),
            size: b.add_u64_field("size", STORED),
            mtime: b.add_u64_field("mtime", STORED),
            stat_trusted: b.add_u64_field("stat_trusted", STORED),
            settings: b.add_text_field("settings", STORED),
            report: b.add_text_field("report", STORED),
        };
        (b.build(), fields)
    }
}

/// A filter term as stored: trimmed and lower case.
pub fn term_text(value: &str) -> String {
    value.trim().to_lowercase()
}
