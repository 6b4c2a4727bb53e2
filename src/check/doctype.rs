//! Document type detection (in progress).

use crate::model::{DocType, Document};

/// Detects whether a document is a contract or a tender response.
pub fn detect(_doc: &Document) -> DocType {
    DocType::Unknown
}
