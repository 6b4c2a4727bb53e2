//! Text, Markdown and HTML reader (in progress).

use super::{ExtractError, Limits};
use crate::model::{BlockKind, Extracted, Format, RawBlock};

/// Extracts the text of a plain-text, Markdown or HTML file.
pub fn extract(_format: Format, bytes: &[u8], _limits: &Limits) -> Result<Extracted, ExtractError> {
    let text = String::from_utf8_lossy(bytes);
    let blocks = text
        .split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .map(|text| RawBlock {
            kind: BlockKind::Paragraph,
            text,
            page: None,
            label: None,
            level: None,
        })
        .collect();
    Ok(Extracted {
        pages: None,
        blocks,
    })
}
