//! DOCX reader (in progress).

use super::{ExtractError, Limits};
use crate::model::Extracted;

/// Extracts the text of a DOCX file.
pub fn extract(_bytes: &[u8], _limits: &Limits) -> Result<Extracted, ExtractError> {
    Err(ExtractError::Unreadable(
        "DOCX reading is not built yet".into(),
    ))
}
