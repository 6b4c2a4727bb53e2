//! Clause verdicts (in progress).

use super::features::Features;
use crate::library::Library;
use crate::model::{ClauseVerdict, DocType, Document};

/// One verdict per rule that applies to the document type.
pub fn evaluate(
    _library: &Library,
    _doc: &Document,
    _doc_type: DocType,
    _features: &Features,
) -> Vec<ClauseVerdict> {
    Vec::new()
}
