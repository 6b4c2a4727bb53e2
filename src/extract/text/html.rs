//! HTML: a small tokenizer of our own. Tags are dropped; `<script>`, `<style>`, `<template>` and the
//! `<head>` are dropped with their content; comments are removed; block elements (p, div, li, h1-h6,
//! td, th, tr, br, section, ...) end a block; headings, list items (numbered inside `<ol>`) and
//! table cells keep their kind; entities are decoded (common named ones and numeric ones).

use crate::model::{BlockKind, RawBlock};

use super::block;

/// Elements that start and end a block.
const BLOCK_ELEMENTS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "br",
    "caption",
    "dd",
    "details",
    "dialog",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "html",
    "legend",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
];

/// Elements dropped with their content.
const RAW_SKIPPED: &[&str] = &[
    "script", "style", "template", "noscript", "title", "svg", "math",
];

/// Most nested headings, list items and table cells tracked at once.
const MAX_CONTEXTS: usize = 256;

/// The kind a block gets from the element that holds it.
#[derive(Clone)]
struct Context {
    name: String,
    kind: BlockKind,
    level: Option<u8>,
    label: Option<String>,
}

struct Builder {
    out: Vec<RawBlock>,
    text: String,
    contexts: Vec<Context>,
    /// Counters of open `<ol>` (Some) and `<ul>` (None) lists.
    lists: Vec<Option<i64>>,
    in_head: bool,
}

impl Builder {
    fn flush(&mut self) {
        let (kind, level, label) = self
            .contexts
            .last()
            .map_or((BlockKind::Paragraph, None, None), |c| {
                (c.kind, c.level, c.label.clone())
            });
        let text = match &label {
            Some(l) => format!("{l} {}", self.text),
            None => std::mem::take(&mut self.text),
        };
        self.text.clear();
        if let Some(b) = block(kind, &text, label.clone(), level)
            && b.text != label.unwrap_or_default()
        {
            self.out.push(b);
            // The label belongs to the item's first block only.
            if let Some(c) = self.contexts.last_mut() {
                c.label = None;
            }
        }
    }

    fn start(&mut self, name: &str, attrs: &str) {
        if name == "head" {
            self.in_head = true;
            return;
        }
        if name == "body" {
            self.in_head = false;
        }
        if !BLOCK_ELEMENTS.contains(&name) {
            return;
        }
        self.flush();
        let context = match name {
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => Some(Context {
                name: name.into(),
                kind: BlockKind::Heading,
                level: name.get(1..).and_then(|n| n.parse().ok()),
                label: None,
            }),
            "li" => {
                let depth = self.lists.len().saturating_sub(1);
                let label = match self.lists.last_mut() {
                    Some(Some(n)) => {
                        *n += 1;
                        Some(format!("{n}."))
                    }
                    _ => None,
                };
                Some(Context {
                    name: name.into(),
                    kind: BlockKind::ListItem,
                    level: u8::try_from(depth).ok(),
                    label,
                })
            }
            "td" | "th" => Some(Context {
                name: name.into(),
                kind: BlockKind::TableCell,
                level: None,
                label: None,
            }),
            "ol" => {
                let start = attribute(attrs, "start")
                    .and_then(|s| s.trim().parse::<i64>().ok())
                    .unwrap_or(1)
                    .clamp(-1_000_000, 1_000_000);
                self.lists.push(Some(start - 1));
                None
            }
            "ul" => {
                self.lists.push(None);
                None
            }
            _ => None,
        };
        // Deeper than any real page: further headings, items and cells take the kind of the
        // context they are in, so that closing tags never search a long stack.
        if self.contexts.len() < MAX_CONTEXTS {
            self.contexts.extend(context);
        }
    }

    fn end(&mut self, name: &str) {
        if name == "head" {
            self.in_head = false;
            return;
        }
        if !BLOCK_ELEMENTS.contains(&name) {
            return;
        }
        self.flush();
        if (name == "ol" || name == "ul") && self.lists.pop().is_none() {
            return;
        }
        // Only these elements open a context; looking up any other (a `</div>` under 100,000
        // open list items) would scan the whole stack for nothing, once per closing tag.
        if !matches!(
            name,
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "li" | "td" | "th"
        ) {
            return;
        }
        if let Some(pos) = self.contexts.iter().rposition(|c| c.name == name) {
            self.contexts.truncate(pos);
        }
    }
}

/// The value of an attribute in a start tag's attribute text.
fn attribute(attrs: &str, name: &str) -> Option<String> {
    let lower = attrs.to_ascii_lowercase();
    let mut from = 0;
    while let Some(pos) = lower.get(from..)?.find(name) {
        let at = from + pos;
        from = at + name.len();
        let before_ok = at == 0
            || lower
                .as_bytes()
                .get(at - 1)
                .is_some_and(u8::is_ascii_whitespace);
        let rest = attrs.get(from..)?.trim_start();
        if before_ok && let Some(v) = rest.strip_prefix('=') {
            let v = v.trim_start();
            return Some(match v.chars().next() {
                Some(q @ ('"' | '\'')) => v.get(1..)?.split(q).next()?.to_string(),
                _ => v
                    .split(|c: char| c.is_whitespace() || c == '>')
                    .next()?
                    .to_string(),
            });
        }
    }
    None
}

/// Decodes character references: numeric ones and the common named ones; others stay as written.
pub(super) fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find('&') {
        out.push_str(rest.get(..pos).unwrap_or_default());
        rest = rest.get(pos..).unwrap_or_default();
        let end = rest.get(1..).and_then(|r| {
            r.char_indices()
                .take(32)
                .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '#'))
                .filter(|(_, c)| *c == ';')
                .map(|(i, _)| i + 1)
        });
        let decoded = end.and_then(|e| entity(rest.get(1..e)?).map(|c| (c, e)));
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = rest.get(e + 1..).unwrap_or_default();
            }
            None => {
                out.push('&');
                rest = rest.get(1..).unwrap_or_default();
            }
        }
    }
    out.push_str(rest);
    out
}

fn entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse::<u32>().ok()?,
        };
        // Browsers read the C1 range as Windows-1252.
        if (0x80..0xA0).contains(&code) {
            let byte = u8::try_from(code).ok()?;
            return encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(&[byte])
                .0
                .chars()
                .next();
        }
        return char::from_u32(code).filter(|&c| c != '\0');
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" | "ensp" | "emsp" | "thinsp" => ' ',
        "pound" => '£',
        "euro" => '€',
        "cent" => '¢',
        "yen" => '¥',
        "copy" => '©',
        "reg" => '®',
        "trade" => '™',
        "sect" => '§',
        "para" => '¶',
        "deg" => '°',
        "middot" => '·',
        "bull" => '•',
        "hellip" => '…',
        "ndash" => '–',
        "mdash" => '—',
        "lsquo" => '‘',
        "rsquo" => '’',
        "sbquo" => '‚',
        "ldquo" => '“',
        "rdquo" => '”',
        "bdquo" => '„',
        "laquo" => '«',
        "raquo" => '»',
        "times" => '×',
        "divide" => '÷',
        "plusmn" => '±',
        "frac12" => '½',
        "frac14" => '¼',
        "frac34" => '¾',
        "shy" | "zwnj" | "zwj" => '\u{ad}',
        "iexcl" => '¡',
        "iquest" => '¿',
        "aacute" => 'á',
        "eacute" => 'é',
        "iacute" => 'í',
        "oacute" => 'ó',
        "uacute" => 'ú',
        "agrave" => 'à',
        "egrave" => 'è',
        "acirc" => 'â',
        "ecirc" => 'ê',
        "auml" => 'ä',
        "euml" => 'ë',
        "iuml" => 'ï',
        "ouml" => 'ö',
        "uuml" => 'ü',
        "Auml" => 'Ä',
        "Ouml" => 'Ö',
        "Uuml" => 'Ü',
        "szlig" => 'ß',
        "ccedil" => 'ç',
        "ntilde" => 'ñ',
        "wcirc" => 'ŵ',
        "ycirc" => 'ŷ',
        _ => return None,
    })
}

/// Index of the first case-insensitive occurrence of an ASCII `needle` in `hay`.
fn find_ascii_ci(hay: &str, needle: &str) -> Option<usize> {
    let n = needle.len();
    hay.as_bytes()
        .windows(n)
        .position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// Splits HTML into blocks.
pub(super) fn blocks(html: &str) -> Vec<RawBlock> {
    let mut b = Builder {
        out: Vec::new(),
        text: String::new(),
        contexts: Vec::new(),
        lists: Vec::new(),
        in_head: false,
    };
    let mut rest = html;
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            if !b.in_head {
                b.text.push_str(&decode_entities(rest));
            }
            break;
        };
        if !b.in_head {
            b.text
                .push_str(&decode_entities(rest.get(..lt).unwrap_or_default()));
        }
        rest = rest.get(lt..).unwrap_or_default();
        // Comments, CDATA, doctype, processing instructions.
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after
                .find("-->")
                .map_or("", |e| after.get(e + 3..).unwrap_or_default());
            continue;
        }
        if let Some(after) = rest.strip_prefix("<![CDATA[") {
            let end = after.find("]]>").unwrap_or(after.len());
            if !b.in_head {
                b.text.push_str(after.get(..end).unwrap_or_default());
            }
            rest = after.get(end + 3..).unwrap_or_default();
            continue;
        }
        if rest.starts_with("<!") || rest.starts_with("<?") {
            rest = rest
                .find('>')
                .map_or("", |e| rest.get(e + 1..).unwrap_or_default());
            continue;
        }
        let after = rest.get(1..).unwrap_or_default();
        let closing = after.starts_with('/');
        let name_start = if closing { 1 } else { 0 };
        let name_len = after
            .get(name_start..)
            .unwrap_or_default()
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == ':'))
            .unwrap_or(after.len().saturating_sub(name_start));
        if name_len == 0
            || !after
                .get(name_start..)
                .is_some_and(|s| s.starts_with(|c: char| c.is_ascii_alphabetic()))
        {
            // A lone "<" is text.
            if !b.in_head {
                b.text.push('<');
            }
            rest = after;
            continue;
        }
        let name = after
            .get(name_start..name_start + name_len)
            .unwrap_or_default()
            .to_ascii_lowercase();
        // The tag ends at the first ">" outside quotes.
        let tag_body = after.get(name_start + name_len..).unwrap_or_default();
        let mut quote = None;
        let mut end = tag_body.len();
        for (i, c) in tag_body.char_indices() {
            match (quote, c) {
                (None, '"' | '\'') => quote = Some(c),
                (Some(q), c) if c == q => quote = None,
                (None, '>') => {
                    end = i;
                    break;
                }
                _ => {}
            }
        }
        let attrs = tag_body.get(..end).unwrap_or_default();
        rest = tag_body.get(end + 1..).unwrap_or_default();
        if closing {
            b.end(&name);
            continue;
        }
        if RAW_SKIPPED.contains(&name.as_str()) && !attrs.trim_end().ends_with('/') {
            let close = format!("</{name}");
            rest = find_ascii_ci(rest, &close)
                .and_then(|i| rest.get(i..))
                .map_or("", |r| {
                    r.find('>')
                        .map_or("", |e| r.get(e + 1..).unwrap_or_default())
                });
            continue;
        }
        b.start(&name, attrs);
        if name == "br" || name == "hr" {
            b.end(&name);
        }
    }
    b.flush();
    b.out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_blocks() {
        let html = r#"<!DOCTYPE html><html><head><title>T</title><style>p{color:red}</style></head>
<body><h1>Terms &amp; Conditions</h1><!-- hidden comment -->
<p>Fee: &pound;100 &#8364;5 &#x2019;quoted&rsquo; &unknown; 3 < 4</p>
<SCRIPT type="text/javascript">alert("<p>no</p>")</SCRIPT>
<ol start="3"><li>Third <b>item</b></li><li>Fourth<br>line</li></ol>
<ul><li>bullet</li></ul>
<table><tr><th>Term</th><td>AI means <i>artificial</i> intelligence</td></tr></table>
<div>Plain<p>Nested</p>after</div></body></html>"#;
        let got: Vec<(BlockKind, Option<String>, String)> = blocks(html)
            .into_iter()
            .map(|b| (b.kind, b.label, b.text))
            .collect();
        let texts: Vec<&str> = got.iter().map(|g| g.2.as_str()).collect();
        assert_eq!(
            texts,
            vec![
                "Terms & Conditions",
                "Fee: £100 €5 ’quoted’ &unknown; 3 < 4",
                "3. Third item",
                "4. Fourth",
                "line",
                "bullet",
                "Term",
                "AI means artificial intelligence",
                "Plain",
                "Nested",
                "after",
            ]
        );
        assert_eq!(got[0].0, BlockKind::Heading);
        assert_eq!(
            (got[2].0, got[2].1.as_deref()),
            (BlockKind::ListItem, Some("3."))
        );
        assert_eq!(got[6].0, BlockKind::TableCell);
    }

    #[test]
    fn broken_html_never_panics() {
        for s in [
            "<",
            "<a",
            "<!--",
            "<script>",
            "&#xFFFFFFFF;",
            "&#0;",
            "<p attr='x>",
            "</",
            "<!",
            "&",
        ] {
            let _ = blocks(s);
        }
        assert_eq!(decode_entities("&#150;"), "–");
    }

    #[test]
    fn deep_nesting_costs_linear_time() {
        let n = 200_000;
        let html = format!(
            "{}<p>deep text</p>{}{}",
            "<div><ul><li>".repeat(n),
            "</li></ul></div>".repeat(n),
            "<td>".repeat(n) + &"</li>".repeat(n)
        );
        let start = std::time::Instant::now();
        let got = blocks(&html);
        assert!(got.iter().any(|b| b.text == "deep text"));
        assert!(
            start.elapsed() < std::time::Duration::from_secs(5),
            "{:?}",
            start.elapsed()
        );
    }
}
