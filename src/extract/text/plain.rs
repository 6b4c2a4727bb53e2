//! Plain text: paragraphs are separated by blank lines (or form feeds); hard-wrapped lines are
//! joined (a word hyphenated across a line end is rejoined); a line that starts with a clause number
//! ("14.3", "(a)", "Clause 5", "Schedule 2", "Q3") starts a new block, as does a capitalised line
//! after a short one (a heading or a paragraph's last line); a short line in capitals is a heading.

use std::sync::LazyLock;

use regex::Regex;

use super::block;
use crate::model::{BlockKind, RawBlock};

/// Numbers that start a block wherever they appear at a line start.
static STRONG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:\d{1,3}(?:\.\d{1,3}){1,4}\.?\s|\d{1,3}[.)]\s+\S|\d{1,3}\s+[A-Z]|\((?:[a-z]{1,2}|[ivxl]{1,6}|\d{1,3}|[A-Z])\)\s|[a-z]\)\s|[•●▪◦‣∙·-]\s)",
    )
    .expect("valid regex")
});

/// Words that start a block only after a line that ended a sentence (they also occur mid-sentence).
static NAMED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:(?i:clause|section|article|schedule|annex|appendix|part|exhibit|question)\s+[0-9A-Z]|[A-Z]{1,2}\d{1,3}(?:\.\d{1,2})?[.:)]?\s|Q\d{1,3}\b)",
    )
    .expect("valid regex")
});

/// Lines shorter than this are not hard-wrapped text.
const SHORT_LINE: usize = 40;

/// A short line in capitals ("DEFINITIONS", "SCHEDULE 2 - PRICING").
fn is_caps_heading(line: &str) -> bool {
    let letters = line.chars().filter(|c| c.is_alphabetic()).count();
    letters >= 3
        && line.chars().count() <= 80
        && !line.chars().any(char::is_lowercase)
        && !line.ends_with([',', ';'])
}

/// True when a line ends where a sentence cannot: a comma, a hyphen, or a function word.
fn ends_mid_phrase(line: &str) -> bool {
    const FUNCTION_WORDS: &[&str] = &[
        "a", "an", "and", "any", "are", "as", "at", "be", "by", "for", "from", "in", "is", "its",
        "may", "of", "on", "or", "shall", "than", "that", "the", "their", "this", "to", "under",
        "will", "with",
    ];
    let line = line.trim_end();
    if line.ends_with([',', '-', '&', '/']) {
        return true;
    }
    let last = line
        .rsplit(' ')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    FUNCTION_WORDS.contains(&last.as_str())
}

fn ends_sentence(line: &str) -> bool {
    line.trim_end()
        .ends_with(['.', ':', ';', '!', '?', ')', '"', '”'])
}

/// Splits plain text into blocks.
pub(super) fn blocks(text: &str) -> Vec<RawBlock> {
    let mut out = Vec::new();
    let mut para = String::new();
    let mut prev_line = String::new();
    let mut longest = 0usize;
    let flush = |para: &mut String, out: &mut Vec<RawBlock>| {
        out.extend(block(BlockKind::Paragraph, para, None, None));
        para.clear();
    };
    let text = if text.contains('\r') {
        std::borrow::Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        std::borrow::Cow::Borrowed(text)
    };
    for raw in text.split(['\n', '\u{c}']) {
        let line = raw.trim();
        if line.is_empty() {
            flush(&mut para, &mut out);
            prev_line.clear();
            continue;
        }
        if is_caps_heading(line) && (para.is_empty() || ends_sentence(&prev_line)) {
            flush(&mut para, &mut out);
            out.extend(block(BlockKind::Heading, line, None, None));
            prev_line.clear();
            continue;
        }
        // A short line before a capitalised one is a numbered heading ("1. Definitions") or the
        // last line of a paragraph, unless it ends mid-phrase ("... provide the" / "Services").
        let prev_len = prev_line.chars().count();
        let after_short = prev_len > 0
            && prev_len < SHORT_LINE
            && line.starts_with(|c: char| c.is_uppercase())
            && !ends_mid_phrase(&prev_line)
            && ((para == prev_line && (STRONG.is_match(&prev_line) || NAMED.is_match(&prev_line)))
                || (longest >= 55 && prev_len * 10 < longest * 6));
        let starts_block = STRONG.is_match(line)
            || after_short
            || (NAMED.is_match(line) && (prev_line.is_empty() || ends_sentence(&prev_line)));
        if starts_block {
            flush(&mut para, &mut out);
        }
        if para.is_empty() {
            para.push_str(line);
        } else if para.ends_with('-')
            && para.chars().rev().nth(1).is_some_and(char::is_alphabetic)
            && line.starts_with(|c: char| c.is_lowercase())
        {
            // "obliga-\ntions" -> "obligations"
            para.pop();
            para.push_str(line);
        } else {
            para.push(' ');
            para.push_str(line);
        }
        if starts_block || para.len() == line.len() {
            longest = 0;
        }
        longest = longest.max(line.chars().count());
        prev_line.clear();
        prev_line.push_str(line);
    }
    flush(&mut para, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<(BlockKind, String)> {
        blocks(s).into_iter().map(|b| (b.kind, b.text)).collect()
    }

    #[test]
    fn paragraphs_wraps_and_numbers() {
        let t = "DEFINITIONS\n\n1. The Supplier shall provide the\nServices.\n1.1 It shall not use AI\nwithout consent.\n(a) first;\n(b) second, as set out in\nClause 5 of this Agreement.\nClause 6 applies.\n\nThe obliga-\ntions survive.\r\nSchedule 2 Pricing";
        let got = texts(t);
        let want = vec![
            (BlockKind::Heading, "DEFINITIONS"),
            (
                BlockKind::Paragraph,
                "1. The Supplier shall provide the Services.",
            ),
            (
                BlockKind::Paragraph,
                "1.1 It shall not use AI without consent.",
            ),
            (BlockKind::Paragraph, "(a) first;"),
            (
                BlockKind::Paragraph,
                "(b) second, as set out in Clause 5 of this Agreement.",
            ),
            (BlockKind::Paragraph, "Clause 6 applies."),
            (BlockKind::Paragraph, "The obligations survive."),
            (BlockKind::Paragraph, "Schedule 2 Pricing"),
        ];
        let got: Vec<(BlockKind, &str)> = got.iter().map(|(k, s)| (*k, s.as_str())).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn short_lines_end_blocks() {
        let got = texts(
            "1. Definitions\nIn this Agreement words mean what they say.\nSchedule 2 Pricing\nQ3 Describe it.",
        );
        assert_eq!(got.len(), 4, "{got:?}");
    }

    #[test]
    fn mid_sentence_numbers_do_not_split() {
        let got = texts("payable within\n30 days of the invoice.");
        assert_eq!(got.len(), 1, "{got:?}");
    }
}
