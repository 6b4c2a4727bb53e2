//! Text, Markdown and HTML reader: bytes decoded (UTF-8 with or without BOM, UTF-16 with BOM or
//! recognisably without, else Windows-1252; invalid bytes become U+FFFD, never a panic), then split
//! into blocks by the format's own reader. Blocks longer than [`MAX_BLOCK_CHARS`] are cut at a space,
//! so a file that is one 50 MB line stays cheap to analyse.

mod html;
mod markdown;
mod plain;

use super::{ExtractError, Limit, Limits};
use crate::model::{BlockKind, Extracted, Format, RawBlock};

/// Longest block kept in one piece; longer ones are cut at a space near this length.
pub const MAX_BLOCK_CHARS: usize = 20_000;

/// Extracts the text of a plain-text, Markdown or HTML file.
pub fn extract(format: Format, bytes: &[u8], limits: &Limits) -> Result<Extracted, ExtractError> {
    let text = decode(bytes);
    let chars = text.chars().count();
    if chars > limits.max_text_chars {
        return Err(Limit::TextChars {
            chars,
            max: limits.max_text_chars,
        }
        .into());
    }
    let blocks = match format {
        Format::Markdown => markdown::blocks(&text),
        Format::Html => html::blocks(&text),
        _ => plain::blocks(&text),
    };
    Ok(Extracted {
        pages: None,
        blocks: blocks.into_iter().flat_map(split_long).collect(),
    })
}

/// Decodes a text file's bytes: BOMs first, then UTF-8, then UTF-16 without BOM when every other
/// byte is zero, then Windows-1252 (which maps every byte).
pub fn decode(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return String::from_utf8_lossy(rest).into_owned();
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return encoding_rs::UTF_16LE
            .decode_without_bom_handling(rest)
            .0
            .into_owned();
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return encoding_rs::UTF_16BE
            .decode_without_bom_handling(rest)
            .0
            .into_owned();
    }
    if let Some(utf16) = utf16_without_bom(bytes) {
        return utf16.decode_without_bom_handling(bytes).0.into_owned();
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::WINDOWS_1252
            .decode_without_bom_handling(bytes)
            .0
            .into_owned(),
    }
}

/// UTF-16 without a BOM: mostly ASCII text leaves every other byte zero.
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let sample = bytes.get(..bytes.len().min(4096))?;
    if sample.len() < 8 {
        return None;
    }
    let pairs = sample.len() / 2;
    let zero_at = |parity: usize| {
        sample
            .iter()
            .skip(parity)
            .step_by(2)
            .filter(|&&b| b == 0)
            .count()
    };
    let (even, odd) = (zero_at(0), zero_at(1));
    if odd * 10 >= pairs * 9 && even * 10 < pairs {
        Some(encoding_rs::UTF_16LE)
    } else if even * 10 >= pairs * 9 && odd * 10 < pairs {
        Some(encoding_rs::UTF_16BE)
    } else {
        None
    }
}

/// A block of collapsed text, if it has any.
pub(super) fn block(
    kind: BlockKind,
    text: &str,
    label: Option<String>,
    level: Option<u8>,
) -> Option<RawBlock> {
    let mut out = String::with_capacity(text.len());
    for word in text
        .split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        if word.is_ascii() {
            out.push_str(word);
        } else {
            out.extend(
                word.chars()
                    .filter(|c| !matches!(c, '\u{ad}' | '\u{200b}' | '\u{feff}')),
            );
        }
    }
    if out.is_empty() {
        return None;
    }
    Some(RawBlock {
        kind,
        text: out,
        page: None,
        label,
        level,
    })
}

/// Cuts a block longer than [`MAX_BLOCK_CHARS`] into pieces at spaces (at a character boundary
/// when a piece has no space at all); the label stays with the first piece.
fn split_long(b: RawBlock) -> Vec<RawBlock> {
    if b.text.len() <= MAX_BLOCK_CHARS {
        return vec![b];
    }
    let mut out = Vec::new();
    let mut rest = b.text.as_str();
    let mut first = true;
    while !rest.is_empty() {
        let cut = match rest.char_indices().nth(MAX_BLOCK_CHARS) {
            None => rest.len(),
            Some((hard, _)) => {
                let window_start = rest
                    .char_indices()
                    .nth(MAX_BLOCK_CHARS * 9 / 10)
                    .map_or(0, |(i, _)| i);
                rest.get(window_start..hard)
                    .and_then(|w| w.rfind(' '))
                    .map_or(hard, |i| window_start + i)
            }
        };
        let (piece, tail) = rest.split_at(cut);
        out.push(RawBlock {
            kind: b.kind,
            text: piece.trim().to_string(),
            page: b.page,
            label: if first { b.label.clone() } else { None },
            level: b.level,
        });
        first = false;
        rest = tail.trim_start();
    }
    out.retain(|p| !p.text.is_empty());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings() {
        let s = "Fee: £100 or €120 – the Supplier’s";
        assert_eq!(decode(s.as_bytes()), s);
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend(s.as_bytes());
        assert_eq!(decode(&bom), s);
        let mut le = vec![0xFF, 0xFE];
        le.extend(s.encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(decode(&le), s);
        let mut be = vec![0xFE, 0xFF];
        be.extend(s.encode_utf16().flat_map(u16::to_be_bytes));
        assert_eq!(decode(&be), s);
        let no_bom: Vec<u8> = s.encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert_eq!(decode(&no_bom), s);
        let (cp1252, _, _) = encoding_rs::WINDOWS_1252.encode(s);
        assert_eq!(decode(&cp1252), s);
        // Odd bytes never panic.
        let _ = decode(&[0xFF]);
        let _ = decode(&[0xFF, 0xFE, 0x00]);
        let _ = decode(&[0xC3]);
    }

    #[test]
    fn long_blocks_are_cut_at_spaces() {
        let text = "word ".repeat(MAX_BLOCK_CHARS / 2);
        let b = block(BlockKind::Paragraph, &text, Some("1".into()), None).unwrap();
        let pieces = split_long(b);
        assert!(pieces.len() >= 2);
        assert!(
            pieces
                .iter()
                .all(|p| p.text.chars().count() <= MAX_BLOCK_CHARS)
        );
        assert!(
            pieces
                .iter()
                .all(|p| p.text.split(' ').all(|w| w == "word"))
        );
        assert_eq!(pieces[0].label.as_deref(), Some("1"));
        let dense = "é".repeat(MAX_BLOCK_CHARS * 2 + 5);
        let pieces = split_long(block(BlockKind::Paragraph, &dense, None, None).unwrap());
        assert_eq!(pieces.len(), 3);
    }

    #[test]
    fn over_the_limit_is_explained() {
        let limits = Limits {
            max_text_chars: 10,
            ..Limits::default()
        };
        let err = extract(Format::Text, b"twelve chars", &limits).unwrap_err();
        assert!(err.to_string().contains("over the limit of 10"), "{err}");
    }
}
