//! Markdown: ATX (`## Title`) and setext headings, list items (`-`, `*`, `+`, `1.`; the number kept
//! as the label), pipe tables cell by cell, block quotes, code fences kept as paragraphs; inline
//! markup removed (emphasis markers, link URLs: `[text](url)` reads "text", inline code ticks).

use std::sync::LazyLock;

use regex::Regex;

use super::block;
use crate::model::{BlockKind, RawBlock};

static ATX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$").expect("valid regex")
});
static BULLET: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(\s*)[-*+][ \t]+(.*)$").expect("valid regex"));
static ORDERED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(\s*)(\d{1,9})([.)])[ \t]+(.*)$").expect("valid regex"));
static RULE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^ {0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})$")
        .expect("valid regex")
});
static TABLE_SEPARATOR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$").expect("valid regex")
});
static LINK_DEFINITION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^ {0,3}\[[^\]]+\]:\s+\S").expect("valid regex"));
static IMAGE_OR_LINK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"!?\[([^\]]*)\](?:\([^)]*\)|\[[^\]]*\])").expect("valid regex"));
static AUTOLINK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"<((?:https?|mailto):[^>\s]+)>").expect("valid regex"));
static FOOTNOTE_REF: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\[\^[^\]]+\]").expect("valid regex"));
static STRONG: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(\*\*|__)(\S(?:.*?\S)?)(\*\*|__)").expect("valid regex"));
static EMPHASIS_STAR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\*(\S(?:[^*]*?\S)?)\*").expect("valid regex"));
static EMPHASIS_UNDERSCORE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(^|[^\w])_(\S(?:[^_]*?\S)?)_($|[^\w])").expect("valid regex"));
static STRIKE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"~~(\S(?:.*?\S)?)~~").expect("valid regex"));
static CODE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"`+([^`]*)`+").expect("valid regex"));
static TAG: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>").expect("valid regex"));

/// Removes inline markup.
fn inline(text: &str) -> String {
    let t = CODE.replace_all(text, "$1");
    let t = IMAGE_OR_LINK.replace_all(&t, "$1");
    let t = AUTOLINK.replace_all(&t, "$1");
    let t = FOOTNOTE_REF.replace_all(&t, "");
    let t = TAG.replace_all(&t, " ");
    let t = STRONG.replace_all(&t, "$2");
    let t = EMPHASIS_STAR.replace_all(&t, "$1");
    let t = EMPHASIS_UNDERSCORE.replace_all(&t, "$1$2$3");
    let t = STRIKE.replace_all(&t, "$1");
    let mut out = String::with_capacity(t.len());
    let mut chars = t.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\'
            && let Some(&n) = chars.peek()
            && n.is_ascii_punctuation()
        {
            out.push(n);
            chars.next();
        } else {
            out.push(c);
        }
    }
    out
}

/// What the open block is.
enum Open {
    None,
    Paragraph(String),
    Item {
        text: String,
        label: Option<String>,
        level: u8,
    },
    Fence {
        marker: String,
        text: String,
    },
}

struct Builder {
    out: Vec<RawBlock>,
    open: Open,
}

impl Builder {
    fn flush(&mut self) {
        match std::mem::replace(&mut self.open, Open::None) {
            Open::None => {}
            Open::Paragraph(t) => {
                self.out
                    .extend(block(BlockKind::Paragraph, &inline(&t), None, None))
            }
            Open::Item { text, label, level } => {
                let body = inline(&text);
                let full = match &label {
                    Some(l) => format!("{l} {body}"),
                    None => body,
                };
                self.out
                    .extend(block(BlockKind::ListItem, &full, label, Some(level)));
            }
            Open::Fence { text, .. } => {
                self.out
                    .extend(block(BlockKind::Paragraph, &text, None, None))
            }
        }
    }

    fn push(&mut self, kind: BlockKind, text: &str, level: Option<u8>) {
        self.flush();
        self.out.extend(block(kind, &inline(text), None, level));
    }
}

fn indent_level(indent: &str) -> u8 {
    let width: usize = indent.chars().map(|c| if c == '\t' { 4 } else { 1 }).sum();
    u8::try_from((width / 2).min(8)).unwrap_or(8)
}

/// Splits a pipe-table row into cells (a `\|` stays inside its cell).
fn cells(row: &str) -> Vec<String> {
    let row = row.trim();
    let row = row.strip_prefix('|').unwrap_or(row);
    let row = row.strip_suffix('|').unwrap_or(row);
    let mut out = vec![String::new()];
    let mut chars = row.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                if let Some(cell) = out.last_mut() {
                    cell.push('|');
                }
                chars.next();
            }
            '|' => out.push(String::new()),
            c => {
                if let Some(cell) = out.last_mut() {
                    cell.push(c);
                }
            }
        }
    }
    out
}

/// Splits Markdown into blocks.
pub(super) fn blocks(text: &str) -> Vec<RawBlock> {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let lines: Vec<&str> = text.split('\n').collect();
    let mut b = Builder {
        out: Vec::new(),
        open: Open::None,
    };
    let mut i = 0;
    while let Some(&raw) = lines.get(i) {
        i += 1;
        if let Open::Fence { marker, text } = &mut b.open {
            if raw.trim_start().starts_with(marker.as_str()) {
                b.flush();
            } else {
                text.push('\n');
                text.push_str(raw);
            }
            continue;
        }
        // Block quotes read as their content.
        let mut line = raw;
        while let Some(rest) = line.trim_start().strip_prefix('>') {
            line = rest.strip_prefix(' ').unwrap_or(rest);
        }
        let trimmed = line.trim();
        if trimmed.is_empty() {
            b.flush();
            continue;
        }
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            b.flush();
            let marker: String = trimmed
                .chars()
                .take_while(|&c| c == '`' || c == '~')
                .collect();
            b.open = Open::Fence {
                marker,
                text: String::new(),
            };
            continue;
        }
        if let Some(c) = ATX.captures(line) {
            let level = c.get(1).map_or(1, |m| m.len());
            let title = c.get(2).map_or("", |m| m.as_str());
            b.push(BlockKind::Heading, title, u8::try_from(level).ok());
            continue;
        }
        // Setext: a paragraph line underlined with = or -.
        if let Open::Paragraph(p) = &b.open
            && !p.contains('\n')
            && (trimmed.chars().all(|c| c == '=')
                || (trimmed.chars().all(|c| c == '-') && trimmed.len() >= 2))
        {
            let title = p.clone();
            b.open = Open::None;
            let level = if trimmed.starts_with('=') { 1 } else { 2 };
            b.push(BlockKind::Heading, &title, Some(level));
            continue;
        }
        if RULE.is_match(line) {
            b.flush();
            continue;
        }
        if LINK_DEFINITION.is_match(line) {
            continue;
        }
        if trimmed.starts_with('|')
            && lines
                .get(i)
                .is_some_and(|next| TABLE_SEPARATOR.is_match(next) && next.contains('-'))
        {
            b.flush();
            let mut row = Some(trimmed);
            while let Some(r) = row {
                if !TABLE_SEPARATOR.is_match(r) || !r.contains('-') {
                    for cell in cells(r) {
                        b.out
                            .extend(block(BlockKind::TableCell, &inline(&cell), None, None));
                    }
                }
                row = lines
                    .get(i)
                    .map(|l| l.trim())
                    .filter(|l| l.starts_with('|') || (l.contains('|') && !l.is_empty()));
                if row.is_some() {
                    i += 1;
                }
            }
            continue;
        }
        if let Some(c) = ORDERED.captures(line) {
            b.flush();
            let indent = c.get(1).map_or("", |m| m.as_str());
            let number = c.get(2).map_or("", |m| m.as_str());
            let delim = c.get(3).map_or(".", |m| m.as_str());
            b.open = Open::Item {
                text: c.get(4).map_or("", |m| m.as_str()).to_string(),
                label: Some(format!("{number}{delim}")),
                level: indent_level(indent),
            };
            continue;
        }
        if let Some(c) = BULLET.captures(line) {
            b.flush();
            b.open = Open::Item {
                text: c.get(2).map_or("", |m| m.as_str()).to_string(),
                label: None,
                level: indent_level(c.get(1).map_or("", |m| m.as_str())),
            };
            continue;
        }
        match &mut b.open {
            Open::Paragraph(p) | Open::Item { text: p, .. } => {
                p.push('\n');
                p.push_str(trimmed);
            }
            _ => b.open = Open::Paragraph(trimmed.to_string()),
        }
    }
    b.flush();
    b.out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn got(s: &str) -> Vec<(BlockKind, Option<String>, Option<u8>, String)> {
        blocks(s)
            .into_iter()
            .map(|b| (b.kind, b.label, b.level, b.text))
            .collect()
    }

    #[test]
    fn markdown_blocks() {
        let md = "# Master *Services* Agreement\n\nIntro with a [link](https://example.com) and **bold**\ntext, snake_case kept.\n\nTerms\n-----\n\n1. First clause\n   continues here.\n2. Second\n    1. Nested\n- bullet `code`\n\n| Term | Meaning |\n|------|---------|\n| AI | Artificial \\| intelligence |\n\n```\nlet x = 1;\n```\n\n> quoted text\n\n[ref]: https://example.com\n";
        let g = got(md);
        let texts: Vec<&str> = g.iter().map(|b| b.3.as_str()).collect();
        assert_eq!(
            texts,
            vec![
                "Master Services Agreement",
                "Intro with a link and bold text, snake_case kept.",
                "Terms",
                "1. First clause continues here.",
                "2. Second",
                "1. Nested",
                "bullet code",
                "Term",
                "Meaning",
                "AI",
                "Artificial | intelligence",
                "let x = 1;",
                "quoted text",
            ]
        );
        assert_eq!(g[0].0, BlockKind::Heading);
        assert_eq!(g[0].2, Some(1));
        assert_eq!((g[2].0, g[2].2), (BlockKind::Heading, Some(2)));
        assert_eq!(
            (g[3].0, g[3].1.as_deref()),
            (BlockKind::ListItem, Some("1."))
        );
        assert_eq!(g[5].2, Some(2));
        assert_eq!(g[7].0, BlockKind::TableCell);
    }
}
