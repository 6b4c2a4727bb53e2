//! `POST /api/reviews/{id}/files`: a multipart upload of one or more files, streamed to the
//! workspace within three limits (per file: the scan's `--max-file-mb`; per request:
//! `--max-upload-mb`; per review: `--max-review-mb`), each file hashed as it arrives and stored
//! by its sha256, then queued for analysis.
//!
//! The uploaded name is cleaned ([`clean_name`]: no folders, no control or direction-changing
//! characters, bounded length) and used only as the document's name in reports, never as a path.
//! A file refused (over a limit, or of a type aiassure does not read) is listed with its reason;
//! the others in the same upload are kept.

use std::io::Write;
use std::sync::Arc;

use axum::Json;
use axum::extract::multipart::{MultipartError, MultipartRejection};
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::store::StoredFile;
use super::{App, analysis, api};
use crate::model::{Format, hex};

/// Longest document name kept, in characters.
const MAX_NAME_CHARS: usize = 200;

/// A file refused, and why.
#[derive(Debug, Serialize)]
pub struct Refused {
    /// The (cleaned) name it was uploaded with.
    pub name: String,
    /// Why, for the officer.
    pub reason: String,
}

/// What an upload did.
#[derive(Debug, Serialize)]
struct Uploaded {
    files: Vec<StoredFile>,
    refused: Vec<Refused>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

/// The uploaded name made safe to show and short: the last path component, with control and
/// direction-changing characters replaced by spaces, trimmed, at most 200 characters (keeping
/// the extension); `unnamed` when nothing is left.
pub fn clean_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base
        .chars()
        .map(|c| {
            let bidi = matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
            if c.is_control() || bidi { ' ' } else { c }
        })
        .collect();
    let trimmed = cleaned.trim();
    let name = if trimmed.chars().count() > MAX_NAME_CHARS {
        let ext = trimmed
            .rsplit_once('.')
            .map(|(_, e)| e)
            .filter(|e| e.chars().count() <= 10)
            .unwrap_or_default();
        let keep = MAX_NAME_CHARS - ext.chars().count() - 1;
        let stem: String = trimmed.chars().take(keep).collect();
        if ext.is_empty() {
            stem
        } else {
            format!("{stem}.{ext}")
        }
    } else {
        trimmed.to_string()
    };
    if name.is_empty() || name == "." || name == ".." {
        "unnamed".into()
    } else {
        name
    }
}

fn mb(bytes: u64) -> u64 {
    bytes / (1024 * 1024)
}

fn too_large_request(app: &App) -> String {
    format!(
        "the upload is larger than the limit of {} MB for one upload; upload fewer files at a time, or restart the server with a higher --max-upload-mb",
        mb(app.uploads.per_request)
    )
}

fn refuse_all(status: StatusCode, message: String) -> Response {
    (
        status,
        Json(Uploaded {
            files: Vec::new(),
            refused: Vec::new(),
            error: Some(message),
        }),
    )
        .into_response()
}

fn multipart_error(app: &App, e: &MultipartError) -> Response {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        refuse_all(StatusCode::PAYLOAD_TOO_LARGE, too_large_request(app))
    } else {
        refuse_all(
            StatusCode::BAD_REQUEST,
            format!("the upload could not be read ({e}); try again"),
        )
    }
}

/// Receives files for a review.
pub async fn upload(
    State(app): State<Arc<App>>,
    Path(id): Path<i64>,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    match app.store().review(id) {
        Ok(Some(_)) => {}
        Ok(None) => return api::no_review(id),
        Err(e) => return api::internal(&e),
    }
    let length = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if length.is_some_and(|n| n > app.uploads.per_request) {
        return refuse_all(StatusCode::PAYLOAD_TOO_LARGE, too_large_request(&app));
    }
    let mut multipart = match multipart {
        Ok(m) => m,
        Err(e) => {
            return refuse_all(
                StatusCode::BAD_REQUEST,
                format!("send the files as multipart/form-data, in fields named `files` ({e})"),
            );
        }
    };
    let mut files = Vec::new();
    let mut refused = Vec::new();
    let mut seen = 0usize;
    loop {
        let mut field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => return multipart_error(&app, &e),
        };
        let Some(raw) = field.file_name().map(str::to_owned) else {
            continue;
        };
        let name = clean_name(&raw);
        seen += 1;
        if seen > app.uploads.files_per_request {
            refused.push(Refused {
                name,
                reason: format!(
                    "more than {} files in one upload; upload the rest separately",
                    app.uploads.files_per_request
                ),
            });
            continue;
        }
        if Format::from_path(std::path::Path::new(&name)).is_none() {
            refused.push(Refused {
                name,
                reason: "aiassure reads PDF, Word (.docx), text (.txt), Markdown (.md), HTML and scans (.png, .jpg, .tif); save the file in one of these formats".into(),
            });
            continue;
        }
        let tmp = app.store().tmp_dir().join(temp_name());
        let mut out = match std::fs::File::create(&tmp) {
            Ok(f) => f,
            Err(e) => return api::internal(&e),
        };
        let mut hasher = Sha256::new();
        let mut size = 0u64;
        let mut over = false;
        loop {
            match field.chunk().await {
                Ok(Some(chunk)) => {
                    size += chunk.len() as u64;
                    if size > app.uploads.per_file {
                        over = true;
                    } else if !over {
                        hasher.update(&chunk);
                        if let Err(e) = out.write_all(&chunk) {
                            let _ = std::fs::remove_file(&tmp);
                            return api::internal(&e);
                        }
                    }
                }
                Ok(None) => break,
                Err(e) => {
                    let _ = std::fs::remove_file(&tmp);
                    return multipart_error(&app, &e);
                }
            }
        }
        drop(out);
        if over {
            let _ = std::fs::remove_file(&tmp);
            refused.push(Refused {
                name,
                reason: format!(
                    "the file is larger than the limit of {} MB per file; ask for a smaller copy, or restart the server with a higher --max-file-mb",
                    mb(app.uploads.per_file)
                ),
            });
            continue;
        }
        let sha256 = hex(&hasher.finalize());
        let stored = keep(&app, id, &name, &sha256, size, &tmp);
        match stored {
            Ok(Some(file)) => {
                analysis::queue(&app, file.id);
                files.push(file);
            }
            Ok(None) => {
                let _ = std::fs::remove_file(&tmp);
                refused.push(Refused {
                    name,
                    reason: format!(
                        "the review would hold more than {} MB of files; start another review, or restart the server with a higher --max-review-mb",
                        mb(app.uploads.per_review)
                    ),
                });
            }
            Err(e) => {
                let _ = std::fs::remove_file(&tmp);
                return api::internal(&e);
            }
        }
    }
    let status = if files.is_empty() && !refused.is_empty() {
        if refused.iter().any(|r| r.reason.contains(" MB ")) {
            StatusCode::PAYLOAD_TOO_LARGE
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        }
    } else if files.is_empty() {
        return refuse_all(
            StatusCode::BAD_REQUEST,
            "the upload held no files; send them in multipart fields named `files`".into(),
        );
    } else {
        StatusCode::OK
    };
    let error = (!refused.is_empty()).then(|| {
        refused
            .iter()
            .map(|r| format!("{}: {}", r.name, r.reason))
            .collect::<Vec<_>>()
            .join("; ")
    });
    (
        status,
        Json(Uploaded {
            files,
            refused,
            error,
        }),
    )
        .into_response()
}

/// Stores a received file in its review unless the review would go over its limit (`None`).
fn keep(
    app: &App,
    review: i64,
    name: &str,
    sha256: &str,
    size: u64,
    tmp: &std::path::Path,
) -> Result<Option<StoredFile>, super::store::StoreError> {
    let store = app.store();
    let replaced = store.file_size_by_name(review, name)?.unwrap_or(0);
    let total = store.review_bytes(review)?.saturating_sub(replaced) + size;
    if total > app.uploads.per_review {
        return Ok(None);
    }
    store.keep_blob(tmp, sha256)?;
    let file = store.put_file(review, name, sha256, size)?;
    store.file(file)
}

/// A fresh name for a file being received.
fn temp_name() -> String {
    let mut buf = [0u8; 12];
    // Without random bytes the time in nanoseconds is unique enough for one server.
    if getrandom::fill(&mut buf).is_err() {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        return format!("upload-{nanos}");
    }
    format!("upload-{}", hex(&buf))
}

#[cfg(test)]
mod tests {
    use super::clean_name;

    #[test]
    fn names_lose_folders_controls_and_length() {
        assert_eq!(clean_name("../../etc/passwd.txt"), "passwd.txt");
        assert_eq!(clean_name("C:\\bids\\a.pdf"), "a.pdf");
        assert_eq!(clean_name("a\nb\u{202e}fdp.txt"), "a b fdp.txt");
        assert_eq!(clean_name(".."), "unnamed");
        assert_eq!(clean_name("  "), "unnamed");
        let long = format!("{}.docx", "x".repeat(500));
        let cleaned = clean_name(&long);
        assert_eq!(cleaned.chars().count(), 200);
        assert!(cleaned.ends_with(".docx"));
    }
}
