//! The JSON API (`docs/http-api.md`): reviews, their files and progress, the reports (the same
//! bytes `aiassure scan` writes for the same files), decisions, the redlined DOCX and search.
//!
//! Errors are JSON `{"error": "..."}` with a message for a person and the usual status codes
//! (400/422 bad input, 404 unknown review or file, 409 analysis still running, 413 too large).

use std::sync::Arc;

use axum::Json;
use axum::body::Body;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use super::App;
use super::decisions::{self, DecisionRequest, DecisionView};
use super::store::{FileState, Review, StoredFile};
use crate::library::Register;
use crate::model::{Block, DocumentReport, Report, Status, Summary};
use crate::report::{self, OutputFormat, Templates};

/// Longest review name, in characters.
const MAX_REVIEW_NAME: usize = 200;

/// A JSON error response.
pub fn error(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(serde_json::json!({ "error": message.into() }))).into_response()
}

/// 500, for a failure of the workspace itself.
pub fn internal(e: &dyn std::fmt::Display) -> Response {
    error(
        StatusCode::INTERNAL_SERVER_ERROR,
        format!("the server could not complete this: {e}"),
    )
}

/// 404 for an unknown review.
pub fn no_review(id: i64) -> Response {
    error(
        StatusCode::NOT_FOUND,
        format!("there is no review {id} in this workspace"),
    )
}

fn no_file() -> Response {
    error(
        StatusCode::NOT_FOUND,
        "there is no such file in this review",
    )
}

fn bad_json(e: &JsonRejection) -> Response {
    error(
        StatusCode::BAD_REQUEST,
        format!("the request is not the JSON expected: {}", e.body_text()),
    )
}

/// `GET /api/reviews`.
pub async fn list_reviews(State(app): State<Arc<App>>) -> Response {
    match app.store().reviews() {
        Ok(reviews) => Json(serde_json::json!({ "reviews": reviews })).into_response(),
        Err(e) => internal(&e),
    }
}

/// An approved-tools register sent with a new review.
#[derive(Debug, Deserialize)]
pub struct RegisterUpload {
    /// The file's name.
    pub name: String,
    /// Its CSV text (name, vendor, status, aliases).
    pub csv: String,
}

/// The body of `POST /api/reviews`.
#[derive(Debug, Deserialize)]
pub struct NewReview {
    /// The tender's name.
    pub name: String,
    /// `auto` (default), `tender` or `contract`.
    #[serde(default)]
    pub doc_type: Option<String>,
    /// Optional approved-tools register.
    #[serde(default)]
    pub register: Option<RegisterUpload>,
}

/// `POST /api/reviews`: creates a review.
pub async fn create_review(
    State(app): State<Arc<App>>,
    body: Result<Json<NewReview>, JsonRejection>,
) -> Response {
    let Json(new) = match body {
        Ok(b) => b,
        Err(e) => return bad_json(&e),
    };
    let name: String = new
        .name
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let name = name.trim();
    if new.name.trim().is_empty() {
        return error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "give the review a name (the tender's name)",
        );
    }
    if new.name.chars().count() > MAX_REVIEW_NAME {
        return error(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("the name is longer than {MAX_REVIEW_NAME} characters; shorten it"),
        );
    }
    let doc_type = new.doc_type.as_deref().unwrap_or("auto");
    if !["auto", "tender", "contract"].contains(&doc_type) {
        return error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "the document type must be auto, tender or contract",
        );
    }
    let register = match &new.register {
        Some(r) if !r.csv.trim().is_empty() => {
            if let Err(e) = Register::from_csv(&r.csv) {
                return error(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    format!(
                        "the approved-tools register {} is not valid: {e} (see docs/register.md for the format)",
                        super::upload::clean_name(&r.name)
                    ),
                );
            }
            Some((super::upload::clean_name(&r.name), r.csv.as_str()))
        }
        _ => None,
    };
    let store = app.store();
    let created = store
        .create_review(
            name,
            doc_type,
            register.as_ref().map(|(n, c)| (n.as_str(), *c)),
        )
        .and_then(|id| store.review(id));
    match created {
        Ok(Some(review)) => (
            StatusCode::CREATED,
            Json(serde_json::json!({ "review": review })),
        )
            .into_response(),
        Ok(None) => internal(&"the new review was not found"),
        Err(e) => internal(&e),
    }
}

/// One file in the status of a review.
#[derive(Debug, Serialize)]
pub struct FileStatus {
    /// The stored file.
    #[serde(flatten)]
    pub file: StoredFile,
    /// When done: `analysed`, `unreadable` or `error`, as in the scan report.
    pub status: Option<Status>,
    /// Why it could not be read, when it could not.
    pub error: Option<String>,
}

/// Counts of files by state.
#[derive(Debug, Default, Serialize)]
pub struct Progress {
    /// Files in the review.
    pub files: usize,
    /// Waiting for a place in the analysis pool.
    pub queued: usize,
    /// Being read now.
    pub reading: usize,
    /// Analysed (read or not).
    pub done: usize,
    /// True when every file is done.
    pub finished: bool,
}

/// The status of a review: its files, their progress and the totals so far.
#[derive(Debug, Serialize)]
pub struct ReviewStatus {
    /// The review.
    pub review: Review,
    /// Its files, by name.
    pub files: Vec<FileStatus>,
    /// Counts by state.
    pub progress: Progress,
    /// The report's totals over the files analysed so far.
    pub summary: Summary,
}

/// The status of a review, or `None` when there is no such review.
pub fn status(app: &App, id: i64) -> Result<Option<ReviewStatus>, super::store::StoreError> {
    let store = app.store();
    let Some(review) = store.review(id)? else {
        return Ok(None);
    };
    let files = store.files(id)?;
    let reports = store.reports(id)?;
    let mut progress = Progress {
        files: files.len(),
        ..Progress::default()
    };
    let files: Vec<FileStatus> = files
        .into_iter()
        .map(|file| {
            match file.state {
                FileState::Queued => progress.queued += 1,
                FileState::Reading => progress.reading += 1,
                FileState::Done => progress.done += 1,
            }
            let report = reports.iter().find(|(i, _)| *i == file.id).map(|(_, r)| r);
            FileStatus {
                status: report.map(|r| r.status),
                error: report.and_then(|r| r.error.clone()),
                file,
            }
        })
        .collect();
    progress.finished = progress.done == progress.files;
    let documents: Vec<DocumentReport> = reports.into_iter().map(|(_, r)| r).collect();
    Ok(Some(ReviewStatus {
        review,
        files,
        progress,
        summary: Summary::of(&documents),
    }))
}

/// `GET /api/reviews/{id}`: status and progress.
pub async fn review_status(State(app): State<Arc<App>>, Path(id): Path<i64>) -> Response {
    match status(&app, id) {
        Ok(Some(s)) => Json(s).into_response(),
        Ok(None) => no_review(id),
        Err(e) => internal(&e),
    }
}

/// The report of a review's analysed files, and whether files are still being analysed.
pub fn review_report(app: &App, id: i64) -> Result<(Report, bool), super::store::StoreError> {
    let store = app.store();
    let pending = store.pending_in(id)?;
    let documents = store.reports(id)?.into_iter().map(|(_, r)| r).collect();
    Ok((
        crate::scan::build_report(&app.library, documents),
        pending > 0,
    ))
}

/// The query of `GET /api/reviews/{id}/report`.
#[derive(Debug, Deserialize)]
pub struct ReportQuery {
    /// `json` (default), `html`, `markdown`, `csv` or `sarif`.
    #[serde(default)]
    pub format: Option<String>,
    /// Present (any value): sent as a file to save.
    #[serde(default)]
    pub download: Option<String>,
}

/// `GET /api/reviews/{id}/report?format=json|html|markdown|csv|sarif`.
pub async fn report(
    State(app): State<Arc<App>>,
    Path(id): Path<i64>,
    Query(q): Query<ReportQuery>,
) -> Response {
    let (format, ext, mime) = match q.format.as_deref().unwrap_or("json") {
        "json" => (OutputFormat::Json, "json", "application/json"),
        "html" => (OutputFormat::Html, "html", "text/html; charset=utf-8"),
        "markdown" | "md" => (OutputFormat::Markdown, "md", "text/markdown; charset=utf-8"),
        "csv" => (OutputFormat::Csv, "csv", "text/csv; charset=utf-8"),
        "sarif" => (OutputFormat::Sarif, "sarif", "application/sarif+json"),
        other => {
            return error(
                StatusCode::BAD_REQUEST,
                format!(
                    "unknown report format \"{other}\": use json, html, markdown, csv or sarif"
                ),
            );
        }
    };
    match app.store().review(id) {
        Ok(Some(_)) => {}
        Ok(None) => return no_review(id),
        Err(e) => return internal(&e),
    }
    let (report, pending) = match review_report(&app, id) {
        Ok(r) => r,
        Err(e) => return internal(&e),
    };
    if pending {
        return error(
            StatusCode::CONFLICT,
            "files of this review are still being read; the report is ready when every file is done (see GET /api/reviews/ID)",
        );
    }
    let mut out = Vec::new();
    if let Err(e) = report::render(&report, format, &Templates::builtin(), &mut out) {
        return internal(&e);
    }
    let mut response = Response::new(Body::from(out));
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    if format == OutputFormat::Html {
        // The report is one self-contained page with inline styles and no scripts.
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox",
            ),
        );
    }
    if q.download.is_some()
        && let Ok(v) = HeaderValue::from_str(&format!(
            "attachment; filename=\"aiassure-review-{id}.{ext}\""
        ))
    {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    response
}

/// A file with its analysis.
#[derive(Debug, Serialize)]
struct FileDetail {
    file: StoredFile,
    report: Option<DocumentReport>,
    blocks: Vec<Block>,
}

/// The file `file` of review `id`, when it belongs to it.
fn file_of(app: &App, id: i64, file: i64) -> Result<Option<StoredFile>, super::store::StoreError> {
    Ok(app.store().file(file)?.filter(|f| f.review_id == id))
}

/// `GET /api/reviews/{id}/files/{file}`: the file's report and located text.
pub async fn file(State(app): State<Arc<App>>, Path((id, file)): Path<(i64, i64)>) -> Response {
    let stored = match file_of(&app, id, file) {
        Ok(Some(f)) => f,
        Ok(None) => return no_file(),
        Err(e) => return internal(&e),
    };
    let analysis = match app.store().analysis(file) {
        Ok(a) => a,
        Err(e) => return internal(&e),
    };
    let (report, blocks) = match analysis {
        Some((r, b)) => (Some(r), b),
        None => (None, Vec::new()),
    };
    Json(FileDetail {
        file: stored,
        report,
        blocks,
    })
    .into_response()
}

/// `GET /api/reviews/{id}/files/{file}/redline`: a copy of a DOCX with the wording of every
/// missing or weak rule inserted as tracked changes.
pub async fn redline(State(app): State<Arc<App>>, Path((id, file)): Path<(i64, i64)>) -> Response {
    let stored = match file_of(&app, id, file) {
        Ok(Some(f)) => f,
        Ok(None) => return no_file(),
        Err(e) => return internal(&e),
    };
    if crate::model::Format::from_path(std::path::Path::new(&stored.name))
        != Some(crate::model::Format::Docx)
    {
        return error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "only Word (.docx) files can be redlined",
        );
    }
    let (analysis, path, now) = {
        let store = app.store();
        (
            store.analysis(file),
            store.blob_path(&stored.sha256),
            store.now(),
        )
    };
    let Ok(Some((report, _))) = analysis else {
        return error(
            StatusCode::CONFLICT,
            "the file has not been analysed yet; try again when it is done",
        );
    };
    let app2 = app.clone();
    let made = tokio::task::spawn_blocking(move || {
        let bytes = std::fs::read(&path).map_err(|e| e.to_string())?;
        let rules: Vec<_> = report
            .clauses
            .iter()
            .filter_map(|c| app2.library.rule_info(&c.id))
            .collect();
        crate::redline::redline(
            &bytes,
            &report.clauses,
            &rules,
            &now.unwrap_or_default(),
            &app2.limits,
        )
        .map_err(|e| e.to_string())
    })
    .await;
    match made {
        Ok(Ok(r)) => {
            let stem = stored.name.trim_end_matches(".docx");
            let ascii: String = stem
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '-' {
                        c
                    } else {
                        '_'
                    }
                })
                .collect();
            let mut response = Response::new(Body::from(r.docx));
            let h = response.headers_mut();
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                ),
            );
            if let Ok(v) =
                HeaderValue::from_str(&format!("attachment; filename=\"{ascii}-redlined.docx\""))
            {
                h.insert(header::CONTENT_DISPOSITION, v);
            }
            response
        }
        Ok(Err(e)) => error(StatusCode::UNPROCESSABLE_ENTITY, e),
        Err(e) => internal(&e),
    }
}

/// The decisions of a review with whether each still applies.
pub fn decision_views(app: &App, id: i64) -> Result<Vec<DecisionView>, super::store::StoreError> {
    let store = app.store();
    let files = store.files(id)?;
    let today = store.now()?.get(..10).unwrap_or_default().to_string();
    let current = |doc: &str| {
        files
            .iter()
            .find(|f| f.name == doc)
            .map(|f| f.sha256.clone())
    };
    Ok(decisions::views(store.decisions(id)?, &current, &today))
}

/// The query of `GET /api/reviews/{id}/decisions`.
#[derive(Debug, Deserialize)]
pub struct DecisionsQuery {
    /// `json` (default) or `toml` (a waivers file).
    #[serde(default)]
    pub format: Option<String>,
}

/// `GET /api/reviews/{id}/decisions?format=json|toml`.
pub async fn decisions(
    State(app): State<Arc<App>>,
    Path(id): Path<i64>,
    Query(q): Query<DecisionsQuery>,
) -> Response {
    let review = match app.store().review(id) {
        Ok(Some(r)) => r,
        Ok(None) => return no_review(id),
        Err(e) => return internal(&e),
    };
    match q.format.as_deref().unwrap_or("json") {
        "json" => match decision_views(&app, id) {
            Ok(d) => Json(serde_json::json!({ "decisions": d })).into_response(),
            Err(e) => internal(&e),
        },
        "toml" => {
            let store = app.store();
            let (Ok(list), Ok(now)) = (store.decisions(id), store.now()) else {
                return internal(&"the decisions could not be read");
            };
            let text = decisions::waivers_toml(&review, &list, &now);
            let mut response = Response::new(Body::from(text));
            let h = response.headers_mut();
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/toml; charset=utf-8"),
            );
            if let Ok(v) = HeaderValue::from_str(&format!(
                "attachment; filename=\"aiassure-review-{id}-waivers.toml\""
            )) {
                h.insert(header::CONTENT_DISPOSITION, v);
            }
            response
        }
        other => error(
            StatusCode::BAD_REQUEST,
            format!("unknown format \"{other}\": use json or toml"),
        ),
    }
}

/// `POST /api/reviews/{id}/decisions`: records (or replaces) the decision on one gap.
pub async fn decide(
    State(app): State<Arc<App>>,
    Path(id): Path<i64>,
    body: Result<Json<DecisionRequest>, JsonRejection>,
) -> Response {
    let Json(request) = match body {
        Ok(b) => b,
        Err(e) => return bad_json(&e),
    };
    let store = app.store();
    match store.review(id) {
        Ok(Some(_)) => {}
        Ok(None) => return no_review(id),
        Err(e) => return internal(&e),
    }
    let files = match store.files(id) {
        Ok(f) => f,
        Err(e) => return internal(&e),
    };
    let file = files.iter().find(|f| f.name == request.document);
    let report = match file.map(|f| store.analysis(f.id)) {
        Some(Ok(a)) => a.map(|(r, _)| r),
        Some(Err(e)) => return internal(&e),
        None => None,
    };
    let new = match decisions::validate(&request, file, report.as_ref()) {
        Ok(n) => n,
        Err(message) => return error(StatusCode::UNPROCESSABLE_ENTITY, message),
    };
    let saved = store.put_decision(id, &new);
    drop(store);
    match saved {
        Ok(decision) => match decision_views(&app, id) {
            Ok(views) => {
                let view = views.into_iter().find(|d| d.decision.id == decision);
                (
                    StatusCode::CREATED,
                    Json(serde_json::json!({ "decision": view })),
                )
                    .into_response()
            }
            Err(e) => internal(&e),
        },
        Err(e) => internal(&e),
    }
}

/// `DELETE /api/reviews/{id}/decisions/{decision}`.
pub async fn undecide(
    State(app): State<Arc<App>>,
    Path((id, decision)): Path<(i64, i64)>,
) -> Response {
    match app.store().delete_decision(id, decision) {
        Ok(true) => StatusCode::NO_CONTENT.into_response(),
        Ok(false) => error(
            StatusCode::NOT_FOUND,
            "there is no such decision in this review",
        ),
        Err(e) => internal(&e),
    }
}

/// The query of a search.
#[derive(Debug, Deserialize)]
pub struct SearchQuery {
    /// Words, "phrases", AND/OR, -word.
    #[serde(default)]
    pub q: String,
    /// Most hits (default 50).
    #[serde(default)]
    pub limit: Option<usize>,
}

/// A search hit with the review and file it belongs to.
#[derive(Debug, Serialize)]
pub struct WorkspaceHit {
    /// The hit.
    #[serde(flatten)]
    pub hit: crate::index::Hit,
    /// The review.
    pub review: i64,
    /// The review's name.
    pub review_name: String,
    /// The file's number, when it is still in the review.
    pub file: Option<i64>,
    /// The document's name.
    pub document: String,
}

/// Runs a search over the workspace's documents.
pub fn run_search(app: &App, q: &SearchQuery) -> Result<(Vec<WorkspaceHit>, usize), String> {
    let request = crate::index::SearchRequest {
        query: q.q.clone(),
        limit: q.limit.unwrap_or(50).clamp(1, 500),
        ..Default::default()
    };
    let results = crate::index::search(&app.index_dir, &request).map_err(|e| match e {
        crate::index::IndexError::Missing(_) => {
            "nothing has been uploaded yet, so there is nothing to search".to_string()
        }
        e => e.to_string(),
    })?;
    let store = app.store();
    let mut hits = Vec::new();
    for hit in results.hits {
        let Some((review, name)) = hit.path.split_once('/') else {
            continue;
        };
        let Ok(review) = review.parse::<i64>() else {
            continue;
        };
        let Ok(Some(r)) = store.review(review) else {
            continue;
        };
        let file = store
            .files(review)
            .ok()
            .and_then(|fs| fs.into_iter().find(|f| f.name == name).map(|f| f.id));
        hits.push(WorkspaceHit {
            review,
            review_name: r.name,
            file,
            document: name.to_string(),
            hit,
        });
    }
    Ok((hits, results.total))
}

/// `GET /api/search?q=...`: search across every review's documents.
pub async fn search(State(app): State<Arc<App>>, Query(q): Query<SearchQuery>) -> Response {
    if q.q.trim().is_empty() {
        return error(StatusCode::BAD_REQUEST, "give words to search for: ?q=...");
    }
    let app2 = app.clone();
    match tokio::task::spawn_blocking(move || run_search(&app2, &q)).await {
        Ok(Ok((hits, total))) => {
            Json(serde_json::json!({ "hits": hits, "total": total })).into_response()
        }
        Ok(Err(message)) => error(StatusCode::BAD_REQUEST, message),
        Err(e) => internal(&e),
    }
}
