//! Analysing uploaded files: each one through the scan pipeline ([`crate::scan::scan_located`],
//! the same code `aiassure scan` runs, with the same limits and OCR), in tokio's blocking pool
//! behind a semaphore of `--jobs` places, so analyses never occupy the threads that serve pages.
//!
//! A file is `queued` until it has a place, `reading` while it is analysed, then `done` with its
//! report (which says whether it could be read, and why not) and its located text stored; its
//! blocks are indexed for search. A newer upload of the same name wins over an analysis still
//! running for the old bytes.

use std::sync::Arc;

use super::App;
use super::store::{FileState, StoreError};
use crate::library::Register;
use crate::model::{DocType, Format, Source};
use crate::scan::{self, ScanOptions};
use crate::sink::FileStat;

/// The document type a review asks for: `None` detects it.
pub fn doc_type(name: &str) -> Option<DocType> {
    match name {
        "tender" => Some(DocType::Tender),
        "contract" => Some(DocType::Contract),
        _ => None,
    }
}

/// The index's name for a file of a review: `REVIEW/NAME`.
pub fn index_path(review: i64, name: &str) -> String {
    format!("{review}/{name}")
}

/// Queues the analysis of a file; returns at once.
pub fn queue(app: &Arc<App>, file: i64) {
    let app = app.clone();
    tokio::spawn(async move {
        let Ok(_place) = app.pool.acquire().await else {
            return;
        };
        let worker = app.clone();
        // A file that cannot be read is a result (its report says why); a panic in the
        // pipeline is caught by the scan itself.
        // When the database itself cannot be written, the file stays pending and is queued
        // again at the next start.
        let _ = tokio::task::spawn_blocking(move || analyse(&worker, file)).await;
    });
}

/// Analyses one file now (on a blocking thread) and stores the result.
fn analyse(app: &App, id: i64) -> Result<(), StoreError> {
    let (file, register, review_type, path) = {
        let store = app.store();
        let Some(file) = store.file(id)? else {
            return Ok(());
        };
        let review_type = store
            .review(file.review_id)?
            .map(|r| r.doc_type)
            .unwrap_or_default();
        let register = store.register_csv(file.review_id)?;
        store.set_state(id, &file.sha256, FileState::Reading)?;
        let path = store.blob_path(&file.sha256);
        (file, register, review_type, path)
    };
    // Registers are validated when the review is created; one that no longer parses (a newer
    // version's format) is left out rather than failing the file.
    let register = register.and_then(|csv| Register::from_csv(&csv).ok());
    let format = Format::from_path(std::path::Path::new(&file.name)).unwrap_or(Format::Text);
    let source = Source {
        path,
        display: file.name.clone(),
        format,
    };
    let options = ScanOptions {
        library: &app.library,
        doc_type: doc_type(&review_type),
        register: register.as_ref(),
        limits: app.limits,
        ocr: &app.ocr,
        jobs: None,
    };
    let scanned = scan::scan_located(std::slice::from_ref(&source), &options, None, &|_| {});
    let Some(item) = scanned.into_iter().next() else {
        return Ok(());
    };
    let blocks = item
        .document
        .as_ref()
        .map(|d| d.blocks.clone())
        .unwrap_or_default();
    {
        let mut indexed = item.report.clone();
        indexed.path = index_path(file.review_id, &file.name);
        let mut indexer = app
            .indexer
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        // Search is a convenience: a file that cannot be indexed is still reviewed.
        if indexer
            .replace(&indexed, item.document.as_ref(), FileStat::default())
            .is_ok()
        {
            let _ = indexer.commit();
        }
    }
    app.store()
        .set_analysis(id, &file.sha256, &item.report, &blocks)
}
