//! Searching the index: tantivy query syntax over the block text, filters on verdicts, document
//! type and AI features, best hit first, each with a highlighted snippet.
//!
//! Words are combined with AND unless the query says OR (a procurement officer typing
//! `train models` means both words). `*` alone matches every entry, for filter-only searches
//! such as `aiassure search '*' --rule R --status missing`.

use std::ops::Range;
use std::path::Path;

use serde::Serialize;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{AllQuery, BooleanQuery, Occur, Query, QueryParser, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{TantivyDocument, Term};

use super::IndexError;
use super::schema::{Fields, KIND_DOCUMENT, term_text};

/// Markers around highlighted words in snippets.
pub const HIGHLIGHT: (&str, &str) = ("[[", "]]");

/// Longest snippet, in characters.
const SNIPPET_CHARS: usize = 240;

/// A search.
#[derive(Debug, Clone, Default)]
pub struct SearchRequest {
    /// The query, in tantivy syntax.
    pub query: String,
    /// Only entries citing a verdict of this rule id.
    pub rule: Option<String>,
    /// Only entries citing a verdict with this status (with `rule`: that rule's verdict).
    pub status: Option<String>,
    /// Only documents of this type.
    pub doc_type: Option<String>,
    /// Only blocks describing an AI feature of this name or category.
    pub feature: Option<String>,
    /// Most hits returned (at least 1).
    pub limit: usize,
}

/// A verdict an entry cites.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HitVerdict {
    /// Rule id.
    pub rule: String,
    /// Status.
    pub status: String,
}

/// One hit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    /// The file, as reports name it.
    pub path: String,
    /// 1-based page, when known.
    pub page: Option<u32>,
    /// Clause number, when known.
    pub section: Option<String>,
    /// The matching text with query words between `[[` and `]]`; empty for a document hit.
    pub snippet: String,
    /// Relevance (higher is better).
    pub score: f32,
    /// `block` (a passage) or `document` (a whole document, for verdicts that cite no text).
    pub kind: String,
    /// `contract`, `tender` or `unknown`.
    pub doc_type: String,
    /// Verdicts whose evidence is this block (for a document: verdicts citing no text).
    pub verdicts: Vec<HitVerdict>,
    /// AI features this block describes.
    pub features: Vec<String>,
}

/// The result of a search.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchResults {
    /// Hits, best first.
    pub hits: Vec<Hit>,
    /// Number of entries matching (hits beyond the limit included).
    pub total: usize,
}

/// Runs a search on the index in `dir`.
pub fn search(dir: &Path, request: &SearchRequest) -> Result<SearchResults, IndexError> {
    let (index, f) = super::store::open_for_reading(dir)?;
    let reader = index.reader()?;
    let searcher = reader.searcher();
    let mut parser = QueryParser::for_index(&index, vec![f.text]);
    parser.set_conjunction_by_default();
    let text_query: Box<dyn Query> = if request.query.trim() == "*" {
        Box::new(AllQuery)
    } else {
        parser
            .parse_query(&request.query)
            .map_err(|e| IndexError::Query {
                query: request.query.clone(),
                reason: e.to_string(),
            })?
    };
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, text_query.box_clone())];
    let mut filter = |field, value: String| {
        clauses.push((
            Occur::Must,
            Box::new(TermQuery::new(
                Term::from_field_text(field, &value),
                IndexRecordOption::Basic,
            )),
        ));
    };
    match (&request.rule, &request.status) {
        (Some(rule), Some(status)) => filter(f.verdict, term_text(&format!("{rule}={status}"))),
        (Some(rule), None) => filter(f.rule, term_text(rule)),
        (None, Some(status)) => filter(f.status, term_text(status)),
        (None, None) => {}
    }
    if let Some(t) = &request.doc_type {
        filter(f.doc_type, term_text(t));
    }
    if let Some(feature) = &request.feature {
        filter(f.feature, term_text(feature));
    }
    let query = BooleanQuery::new(clauses);
    let (top, total) = searcher.search(
        &query,
        &(
            TopDocs::with_limit(request.limit.max(1)).order_by_score(),
            Count,
        ),
    )?;
    let mut snippets = SnippetGenerator::create(&searcher, &*text_query, f.text)?;
    snippets.set_max_num_chars(SNIPPET_CHARS);
    let mut hits = Vec::with_capacity(top.len());
    for (score, address) in top {
        let doc: TantivyDocument = searcher.doc(address)?;
        hits.push(hit(&f, &doc, score, &snippets));
    }
    Ok(SearchResults { hits, total })
}

/// A hit from a stored entry.
fn hit(f: &Fields, doc: &TantivyDocument, score: f32, snippets: &SnippetGenerator) -> Hit {
    let text = |field| {
        doc.get_first(field)
            .and_then(|v| v.as_str())
            .map(str::to_string)
    };
    let all = |field| {
        doc.get_all(field)
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect::<Vec<_>>()
    };
    let kind = text(f.kind).unwrap_or_default();
    let snippet = if kind == KIND_DOCUMENT {
        String::new()
    } else {
        let s = snippets.snippet_from_doc(doc);
        if s.highlighted().is_empty() {
            // No query word to show (a `*` search): the start of the block.
            lead(&text(f.text).unwrap_or_default())
        } else {
            marked(s.fragment(), s.highlighted())
        }
    };
    Hit {
        path: text(f.path).unwrap_or_default(),
        page: doc
            .get_first(f.page)
            .and_then(|v| v.as_u64())
            .and_then(|p| u32::try_from(p).ok()),
        section: text(f.section),
        snippet,
        score,
        kind,
        doc_type: text(f.doc_type).unwrap_or_default(),
        verdicts: all(f.cites)
            .into_iter()
            .map(|c| match c.split_once('=') {
                Some((rule, status)) => HitVerdict {
                    rule: rule.to_string(),
                    status: status.to_string(),
                },
                None => HitVerdict {
                    rule: c,
                    status: String::new(),
                },
            })
            .collect(),
        features: all(f.feature_name),
    }
}

/// The fragment with each highlighted range between the markers.
fn marked(fragment: &str, ranges: &[Range<usize>]) -> String {
    let mut out = String::with_capacity(fragment.len() + 8 * ranges.len());
    let mut from = 0;
    for r in ranges {
        let (Some(before), Some(word)) = (fragment.get(from..r.start), fragment.get(r.clone()))
        else {
            continue;
        };
        out.push_str(before);
        out.push_str(HIGHLIGHT.0);
        out.push_str(word);
        out.push_str(HIGHLIGHT.1);
        from = r.end;
    }
    out.push_str(fragment.get(from..).unwrap_or_default());
    out
}

/// The first words of a text, cut at a word boundary.
fn lead(text: &str) -> String {
    if text.chars().count() <= SNIPPET_CHARS {
        return text.to_string();
    }
    let cut: String = text.chars().take(SNIPPET_CHARS).collect();
    let cut = match cut.rfind(' ') {
        Some(i) if i > SNIPPET_CHARS / 2 => cut[..i].to_string(),
        _ => cut,
    };
    format!("{cut} ...")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_ranges_and_survives_bad_ones() {
        assert_eq!(
            marked("may train models", &[0..3, 4..9]),
            "[[may]] [[train]] models"
        );
        assert_eq!(marked("abc", &[0..1, 1..10]), "[[a]]bc");
        assert_eq!(lead("short"), "short");
        let long = "word ".repeat(100);
        assert!(lead(&long).ends_with(" ..."));
        assert!(lead(&long).chars().count() <= SNIPPET_CHARS + 4);
    }
}
