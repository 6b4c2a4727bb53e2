//! The pages: reviews list with the new-review form, a review (upload, progress, bid comparison,
//! AI features, gaps worst first, downloads), a document (its text with the evidence highlighted
//! where it sits, each gap's explanation and wording to add, and the decision form) and search.
//!
//! Server-rendered with minijinja templates compiled into the binary (`templates/*.html.j2`,
//! HTML-escaped automatically, so document text and file names can never become markup), plus
//! one small script and one stylesheet served from here (`assets/`); the CSP allows nothing else.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use minijinja::{Environment, Value, context};
use serde::Serialize;

use super::App;
use super::api::{self, SearchQuery};
use super::decisions::{self, DecisionView};
use super::store::StoredFile;
use crate::model::{AiFeature, Block, ClauseStatus, ClauseVerdict, DocumentReport, RuleInfo};
use crate::report::view::{View, brief_location, gap_rank, status_label};

const TEMPLATES: [(&str, &str); 6] = [
    ("layout.html.j2", include_str!("templates/layout.html.j2")),
    ("reviews.html.j2", include_str!("templates/reviews.html.j2")),
    ("review.html.j2", include_str!("templates/review.html.j2")),
    (
        "document.html.j2",
        include_str!("templates/document.html.j2"),
    ),
    ("search.html.j2", include_str!("templates/search.html.j2")),
    ("message.html.j2", include_str!("templates/message.html.j2")),
];
const SCRIPT: &str = include_str!("assets/app.js");
const STYLE: &str = include_str!("assets/app.css");

/// The compiled templates.
pub struct Pages {
    env: Environment<'static>,
}

impl Pages {
    /// Compiles the built-in templates (tested: a syntax error fails every page test).
    pub fn new() -> Pages {
        let mut env = Environment::new();
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Chainable);
        for (name, source) in TEMPLATES {
            let _ = env.add_template(name, source);
        }
        env.add_filter("label", |s: &str| s.replace(['-', '_'], " "));
        Pages { env }
    }

    fn render(&self, name: &str, ctx: minijinja::Value) -> Response {
        match self.env.get_template(name).and_then(|t| t.render(ctx)) {
            Ok(html) => Html(html).into_response(),
            Err(e) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                message_page("aiassure", &format!("this page could not be shown: {e}")),
            )
                .into_response(),
        }
    }
}

impl Default for Pages {
    fn default() -> Self {
        Pages::new()
    }
}

/// A value for a template.
fn ser<T: Serialize>(value: &T) -> Value {
    Value::from(minijinja::value::Serde(value))
}

/// A page with one message (refusals, errors), escaped.
pub fn message_page(title: &str, message: &str) -> Html<String> {
    let pages = Pages::new();
    let html = pages
        .env
        .get_template("message.html.j2")
        .and_then(|t| t.render(context! { title, message, csrf => "" }))
        .unwrap_or_else(|_| "aiassure: the page could not be shown".into());
    Html(html)
}

fn not_found_page(app: &App, message: &str) -> Response {
    let mut r = app.pages.render(
        "message.html.j2",
        context! { title => "Not found", message, csrf => app.secrets.csrf.clone() },
    );
    *r.status_mut() = StatusCode::NOT_FOUND;
    r
}

fn failed(app: &App, e: &dyn std::fmt::Display) -> Response {
    let mut r = app.pages.render(
        "message.html.j2",
        context! { title => "Something went wrong", message => format!("the workspace could not be read: {e}"), csrf => app.secrets.csrf.clone() },
    );
    *r.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
    r
}

/// Any address the server does not know.
pub async fn not_found(State(app): State<Arc<App>>) -> Response {
    not_found_page(
        &app,
        "There is no such page. Go back to the list of reviews.",
    )
}

/// `/assets/app.js`.
pub async fn script() -> Response {
    asset(SCRIPT, "text/javascript; charset=utf-8")
}

/// `/assets/app.css`.
pub async fn style() -> Response {
    asset(STYLE, "text/css; charset=utf-8")
}

fn asset(body: &'static str, mime: &'static str) -> Response {
    let mut r = body.into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    r
}

/// `/`: the reviews, and the form for a new one.
pub async fn reviews(State(app): State<Arc<App>>) -> Response {
    match app.store().reviews() {
        Ok(reviews) => app.pages.render(
            "reviews.html.j2",
            context! { reviews => ser(&reviews), csrf => app.secrets.csrf.clone() },
        ),
        Err(e) => failed(&app, &e),
    }
}

/// One gap in the review's list, worst first.
#[derive(Debug, Serialize)]
struct GapRow<'a> {
    file: Option<i64>,
    document: &'a str,
    verdict: &'a ClauseVerdict,
    label: &'static str,
    at: Option<String>,
    decision: Option<&'a DecisionView>,
}

/// `/reviews/{id}`.
pub async fn review(State(app): State<Arc<App>>, Path(id): Path<i64>) -> Response {
    let status = match api::status(&app, id) {
        Ok(Some(s)) => s,
        Ok(None) => return not_found_page(&app, &format!("There is no review {id}.")),
        Err(e) => return failed(&app, &e),
    };
    let (report, _) = match api::review_report(&app, id) {
        Ok(r) => r,
        Err(e) => return failed(&app, &e),
    };
    let decisions = match api::decision_views(&app, id) {
        Ok(d) => d,
        Err(e) => return failed(&app, &e),
    };
    let ids: BTreeMap<&str, i64> = status
        .files
        .iter()
        .map(|f| (f.file.name.as_str(), f.file.id))
        .collect();
    let view = View::of(&report);
    let mut gaps: Vec<GapRow<'_>> = report
        .documents
        .iter()
        .flat_map(|d| {
            d.clauses
                .iter()
                .filter(|c| c.status != ClauseStatus::Present)
                .map(move |c| (d, c))
        })
        .map(|(d, c)| GapRow {
            file: ids.get(d.path.as_str()).copied(),
            document: &d.path,
            verdict: c,
            label: status_label(c.status),
            at: c.evidence.first().and_then(brief_location),
            decision: decisions
                .iter()
                .find(|x| x.decision.document == d.path && x.decision.rule == c.id),
        })
        .collect();
    gaps.sort_by_key(|g| gap_rank(g.verdict));
    let decided = gaps.iter().filter(|g| g.decision.is_some()).count();
    app.pages.render(
        "review.html.j2",
        context! {
            review => ser(&status.review),
            files => ser(&status.files),
            progress => ser(&status.progress),
            summary => ser(&status.summary),
            view => ser(&view),
            gaps => ser(&gaps),
            decided,
            ids => ser(&ids),
            max_file => app.uploads.per_file,
            max_upload => app.uploads.per_request,
            csrf => app.secrets.csrf.clone(),
        },
    )
}

/// A piece of a block's text: plain, or highlighted as evidence.
#[derive(Debug, Serialize)]
struct Piece {
    text: String,
    /// CSS class of the highlight (`hl-contradicted`, `hl-feature`, ...), when highlighted.
    mark: Option<&'static str>,
    /// Anchor of the evidence starting here, which the gap or feature links to.
    id: Option<String>,
}

/// A block as the document page shows it.
#[derive(Debug, Serialize)]
struct BlockView {
    page: Option<u32>,
    section: Option<String>,
    kind: &'static str,
    pieces: Vec<Piece>,
}

/// A stretch of the document text to highlight.
struct Mark {
    start: usize,
    end: usize,
    class: &'static str,
    id: String,
}

/// Splits a block's text where highlights start and end; where highlights overlap, the first
/// given (the most serious) shows.
fn pieces(block: &Block, marks: &[Mark]) -> Vec<Piece> {
    let bytes: Vec<usize> = block
        .text
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(block.text.len()))
        .collect();
    let len = bytes.len() - 1;
    let rel = |offset: usize| offset.saturating_sub(block.start).min(len);
    let overlapping: Vec<&Mark> = marks
        .iter()
        .filter(|m| m.end > block.start && m.start < block.start + len)
        .collect();
    let mut cuts = vec![0, len];
    for m in &overlapping {
        cuts.push(rel(m.start));
        cuts.push(rel(m.end));
    }
    cuts.sort_unstable();
    cuts.dedup();
    let mut out = Vec::new();
    let mut anchored = Vec::new();
    for w in cuts.windows(2) {
        let (a, b) = (w[0], w[1]);
        if a == b {
            continue;
        }
        let text = block.text[bytes[a]..bytes[b]].to_string();
        let mark = overlapping
            .iter()
            .find(|m| rel(m.start) <= a && rel(m.end) >= b);
        let id = mark.and_then(|m| {
            (!anchored.contains(&m.id)).then(|| {
                anchored.push(m.id.clone());
                m.id.clone()
            })
        });
        out.push(Piece {
            text,
            mark: mark.map(|m| m.class),
            id,
        });
    }
    out
}

fn kind_name(b: &Block) -> &'static str {
    match b.kind {
        crate::model::BlockKind::Heading => "heading",
        crate::model::BlockKind::Paragraph => "paragraph",
        crate::model::BlockKind::ListItem => "list-item",
        crate::model::BlockKind::TableCell => "table-cell",
        crate::model::BlockKind::Footnote => "footnote",
    }
}

/// A gap on the document page.
#[derive(Debug, Serialize)]
struct GapDetail<'a> {
    verdict: &'a ClauseVerdict,
    label: &'static str,
    rule: Option<RuleInfo>,
    /// Anchors of its quotes in the text, with where each is.
    quotes: Vec<(String, Option<String>)>,
    decision: Option<&'a DecisionView>,
}

/// An AI feature on the document page.
#[derive(Debug, Serialize)]
struct FeatureView<'a> {
    feature: &'a AiFeature,
    anchor: String,
    at: Option<String>,
}

fn highlight_class(s: ClauseStatus) -> &'static str {
    match s {
        ClauseStatus::Contradicted => "hl-contradicted",
        ClauseStatus::Missing => "hl-missing",
        ClauseStatus::Weak => "hl-weak",
        ClauseStatus::Present => "hl-present",
    }
}

/// `/reviews/{id}/documents/{file}`.
pub async fn document(State(app): State<Arc<App>>, Path((id, file)): Path<(i64, i64)>) -> Response {
    let (review, stored, analysis) = {
        let store = app.store();
        let review = store.review(id);
        let stored = store.file(file);
        let analysis = store.analysis(file);
        (review, stored, analysis)
    };
    let (review, stored): (_, StoredFile) = match (review, stored) {
        (Ok(Some(r)), Ok(Some(f))) if f.review_id == id => (r, f),
        (Err(e), _) | (_, Err(e)) => return failed(&app, &e),
        _ => return not_found_page(&app, "There is no such document in this review."),
    };
    let (report, blocks): (Option<DocumentReport>, Vec<Block>) = match analysis {
        Ok(Some((r, b))) => (Some(r), b),
        Ok(None) => (None, Vec::new()),
        Err(e) => return failed(&app, &e),
    };
    let decisions = match api::decision_views(&app, id) {
        Ok(d) => d,
        Err(e) => return failed(&app, &e),
    };
    let mut marks = Vec::new();
    let mut gaps = Vec::new();
    let mut present = Vec::new();
    let mut features = Vec::new();
    if let Some(report) = &report {
        let mut verdicts: Vec<&ClauseVerdict> = report.clauses.iter().collect();
        verdicts.sort_by_key(|c| gap_rank(c));
        for (i, c) in verdicts.into_iter().enumerate() {
            if c.status == ClauseStatus::Present {
                present.push(c);
                continue;
            }
            let mut quotes = Vec::new();
            for (j, e) in c.evidence.iter().enumerate() {
                let anchor = format!("g{i}-{j}");
                marks.push(Mark {
                    start: e.start,
                    end: e.end,
                    class: highlight_class(c.status),
                    id: anchor.clone(),
                });
                quotes.push((anchor, brief_location(e)));
            }
            gaps.push(GapDetail {
                verdict: c,
                label: status_label(c.status),
                rule: app.library.rule_info(&c.id),
                quotes,
                decision: decisions
                    .iter()
                    .find(|d| d.decision.document == stored.name && d.decision.rule == c.id),
            });
        }
        for (i, f) in report.ai_features.iter().enumerate() {
            let anchor = format!("f{i}");
            marks.push(Mark {
                start: f.evidence.start,
                end: f.evidence.end,
                class: if f.disclosed {
                    "hl-feature"
                } else {
                    "hl-undisclosed"
                },
                id: anchor.clone(),
            });
            features.push(FeatureView {
                feature: f,
                anchor,
                at: brief_location(&f.evidence),
            });
        }
    }
    let blocks: Vec<BlockView> = blocks
        .iter()
        .map(|b| BlockView {
            page: b.page,
            section: b.section.clone(),
            kind: kind_name(b),
            pieces: pieces(b, &marks),
        })
        .collect();
    let docx = stored.name.to_ascii_lowercase().ends_with(".docx");
    let today = app
        .store()
        .now()
        .ok()
        .and_then(|n| n.get(..10).map(str::to_string))
        .unwrap_or_default();
    app.pages.render(
        "document.html.j2",
        context! {
            review => ser(&review),
            file => ser(&stored),
            report => ser(&report),
            blocks => ser(&blocks),
            gaps => ser(&gaps),
            present => ser(&present),
            features => ser(&features),
            docx,
            today,
            kinds => decisions::KINDS,
            csrf => app.secrets.csrf.clone(),
        },
    )
}

/// `/search?q=...`.
pub async fn search(State(app): State<Arc<App>>, Query(q): Query<SearchQuery>) -> Response {
    if q.q.trim().is_empty() {
        return app.pages.render(
            "search.html.j2",
            context! { query => "", hits => ser(&Vec::<()>::new()), csrf => app.secrets.csrf.clone() },
        );
    }
    let app2 = app.clone();
    let query = q.q.clone();
    let found = tokio::task::spawn_blocking(move || api::run_search(&app2, &q)).await;
    let (hits, total, problem) = match found {
        Ok(Ok((hits, total))) => (hits, total, None),
        Ok(Err(message)) => (Vec::new(), 0, Some(message)),
        Err(e) => (Vec::new(), 0, Some(e.to_string())),
    };
    // Snippets mark the query's words with [[ ]]: split them into pieces the template escapes.
    let snippets: Vec<Vec<(bool, String)>> = hits
        .iter()
        .map(|h| snippet_pieces(&h.hit.snippet))
        .collect();
    app.pages.render(
        "search.html.j2",
        context! { query, hits => ser(&hits), snippets => ser(&snippets), total, problem, csrf => app.secrets.csrf.clone() },
    )
}

/// A snippet's text split at the `[[`/`]]` highlight markers: (highlighted, text) pieces.
fn snippet_pieces(snippet: &str) -> Vec<(bool, String)> {
    let (open, close) = crate::index::search::HIGHLIGHT;
    let mut out = Vec::new();
    let mut rest = snippet;
    while let Some(i) = rest.find(open) {
        out.push((false, rest[..i].to_string()));
        let after = &rest[i + open.len()..];
        match after.find(close) {
            Some(j) => {
                out.push((true, after[..j].to_string()));
                rest = &after[j + close.len()..];
            }
            None => {
                rest = after;
                break;
            }
        }
    }
    out.push((false, rest.to_string()));
    out.retain(|(_, t)| !t.is_empty());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::BlockKind;

    fn block(text: &str, start: usize) -> Block {
        Block {
            page: Some(1),
            section: None,
            kind: BlockKind::Paragraph,
            text: text.into(),
            start,
            end: start + text.chars().count(),
            heading: None,
        }
    }

    #[test]
    fn highlights_split_blocks_by_characters() {
        let b = block("Ünïcode AI is used here.", 10);
        let marks = [Mark {
            start: 18,
            end: 20,
            class: "hl-feature",
            id: "f0".into(),
        }];
        let p = pieces(&b, &marks);
        let texts: Vec<&str> = p.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(texts, ["Ünïcode ", "AI", " is used here."]);
        assert_eq!(p[1].mark, Some("hl-feature"));
        assert_eq!(p[1].id.as_deref(), Some("f0"));
        assert_eq!(p[0].mark, None);
    }

    #[test]
    fn snippets_split_at_markers() {
        assert_eq!(
            snippet_pieces("a [[b]] c"),
            vec![
                (false, "a ".into()),
                (true, "b".into()),
                (false, " c".into())
            ]
        );
    }

    #[test]
    fn templates_compile() {
        let p = Pages::new();
        for (name, _) in TEMPLATES {
            assert!(p.env.get_template(name).is_ok(), "{name}");
        }
    }
}
