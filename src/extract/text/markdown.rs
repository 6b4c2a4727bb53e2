//! Markdown, read by pulldown-cmark as CommonMark with the GitHub extensions vendors use (pipe
//! tables, footnotes, strikethrough, task lists): headings (ATX and setext, with their level),
//! list items (the number as the document writes it, `1.` or `1)`, kept as the label; nesting
//! depth as the level), table cells one by one, block quotes and code read as their text,
//! footnote definitions as paragraphs. Inline markup is removed: emphasis, escapes (`\*`), entity
//! references (`&amp;`), link and image targets (inline, reference and autolinks read as their
//! text), inline HTML tags. HTML blocks are read by the HTML reader ([`super::html`]), so a table
//! or list written in HTML inside Markdown keeps its cells and items.

use std::ops::Range;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use super::{block, html};
use crate::model::{BlockKind, RawBlock};

/// The CommonMark extensions read.
const OPTIONS: Options = Options::ENABLE_TABLES
    .union(Options::ENABLE_FOOTNOTES)
    .union(Options::ENABLE_STRIKETHROUGH)
    .union(Options::ENABLE_TASKLISTS);

/// Inline HTML elements that sit inside a word ("Supplier<sup>1</sup>"); any other inline tag
/// (`<br>`) separates words.
const PHRASING: &[&str] = &[
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "del", "dfn", "em", "font", "i", "ins", "kbd",
    "mark", "q", "s", "samp", "small", "span", "strike", "strong", "sub", "sup", "time", "u",
    "var",
];

/// A list item being read.
struct Item {
    /// The number as written ("3.", "2)"), for ordered lists.
    label: Option<String>,
    /// Nesting depth (0 = top).
    level: u8,
    /// Whether the item's first block (the one that carries the label) is out.
    used: bool,
}

struct Builder<'a> {
    source: &'a str,
    out: Vec<RawBlock>,
    /// Inline text of the open block.
    text: String,
    /// Heading level while inside a heading.
    heading: Option<u8>,
    /// Inside a table cell.
    in_cell: bool,
    /// Raw HTML of the open HTML block.
    html: String,
    /// Open lists, innermost last: the next number of an ordered one.
    lists: Vec<Option<u64>>,
    /// Open list items, innermost last.
    items: Vec<Item>,
}

impl Builder<'_> {
    /// Emits the open block's text, if any, with the kind its context gives it.
    fn flush(&mut self) {
        let text = std::mem::take(&mut self.text);
        let open_item = self.items.last().filter(|i| !i.used);
        let (kind, label, level, text) = if let Some(level) = self.heading {
            // A heading that opens a list item ("1.  Scope" underlined) reads with the item's
            // number, as the page shows it.
            match open_item.and_then(|i| i.label.clone()) {
                Some(l) => (
                    BlockKind::Heading,
                    Some(l.clone()),
                    Some(level),
                    format!("{l} {text}"),
                ),
                None => (BlockKind::Heading, None, Some(level), text),
            }
        } else if self.in_cell {
            (BlockKind::TableCell, None, None, text)
        } else if let Some(item) = open_item {
            let full = match &item.label {
                Some(l) => format!("{l} {text}"),
                None => text.clone(),
            };
            if text.trim().is_empty() {
                return;
            }
            (
                BlockKind::ListItem,
                item.label.clone(),
                Some(item.level),
                full,
            )
        } else {
            (BlockKind::Paragraph, None, None, text)
        };
        let labelled = label.is_some() || kind == BlockKind::ListItem;
        if let Some(b) = block(kind, &text, label, level) {
            self.out.push(b);
            if labelled && let Some(item) = self.items.last_mut() {
                item.used = true;
            }
        }
    }

    fn start(&mut self, tag: &Tag, range: Range<usize>) {
        match tag {
            Tag::Heading { level, .. } => {
                self.flush();
                self.heading = Some(*level as u8);
            }
            Tag::TableCell => {
                self.flush();
                self.in_cell = true;
            }
            Tag::List(start) => {
                self.flush();
                self.lists.push(*start);
            }
            Tag::Item => {
                self.flush();
                let number = self.lists.last_mut().and_then(Option::as_mut).map(|n| {
                    let this = *n;
                    *n = n.saturating_add(1);
                    this
                });
                let label = number.map(|n| {
                    marker(self.source.get(range.start..).unwrap_or_default())
                        .unwrap_or_else(|| format!("{n}."))
                });
                let depth = self.lists.len().saturating_sub(1);
                self.items.push(Item {
                    label,
                    level: u8::try_from(depth).unwrap_or(u8::MAX),
                    used: false,
                });
            }
            Tag::HtmlBlock => {
                self.flush();
                self.html.clear();
            }
            Tag::Paragraph
            | Tag::BlockQuote(_)
            | Tag::CodeBlock(_)
            | Tag::FootnoteDefinition(_)
            | Tag::Table(_)
            | Tag::TableHead
            | Tag::TableRow
            | Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition
            | Tag::MetadataBlock(_) => self.flush(),
            Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Superscript
            | Tag::Subscript
            | Tag::Link { .. }
            | Tag::Image { .. } => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Heading(_) => {
                self.flush();
                self.heading = None;
            }
            TagEnd::TableCell => {
                self.flush();
                self.in_cell = false;
            }
            TagEnd::List(_) => {
                self.flush();
                self.lists.pop();
            }
            TagEnd::Item => {
                self.flush();
                self.items.pop();
            }
            TagEnd::HtmlBlock => {
                let html = std::mem::take(&mut self.html);
                self.out.extend(html::blocks(&html));
            }
            TagEnd::Paragraph
            | TagEnd::BlockQuote(_)
            | TagEnd::CodeBlock
            | TagEnd::FootnoteDefinition
            | TagEnd::Table
            | TagEnd::TableHead
            | TagEnd::TableRow
            | TagEnd::DefinitionList
            | TagEnd::DefinitionListTitle
            | TagEnd::DefinitionListDefinition
            | TagEnd::MetadataBlock(_) => self.flush(),
            TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Link
            | TagEnd::Image => {}
        }
    }

    fn event(&mut self, event: Event, range: Range<usize>) {
        match event {
            Event::Start(tag) => self.start(&tag, range),
            Event::End(tag) => self.end(tag),
            Event::Text(t) | Event::Code(t) | Event::InlineMath(t) | Event::DisplayMath(t) => {
                self.text.push_str(&t);
            }
            Event::Html(t) => self.html.push_str(&t),
            Event::InlineHtml(t) => {
                if !is_phrasing_tag(&t) {
                    self.text.push(' ');
                }
            }
            Event::SoftBreak | Event::HardBreak => self.text.push(' '),
            Event::Rule => self.flush(),
            Event::FootnoteReference(_) | Event::TaskListMarker(_) => {}
        }
    }
}

/// Whether an inline HTML fragment is a comment or a tag of an element that sits inside a word.
fn is_phrasing_tag(fragment: &str) -> bool {
    if fragment.starts_with("<!--") {
        return true;
    }
    let name: String = fragment
        .trim_start_matches(['<', '/'])
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase();
    PHRASING.contains(&name.as_str())
}

/// The ordered-list marker at the start of an item's source ("12." or "3)").
fn marker(source: &str) -> Option<String> {
    let digits = source.bytes().take_while(u8::is_ascii_digit).count();
    let delimiter = source.get(digits..digits + 1)?;
    (digits > 0 && (delimiter == "." || delimiter == ")")).then(|| source[..=digits].to_string())
}

/// Splits Markdown into blocks.
pub(super) fn blocks(text: &str) -> Vec<RawBlock> {
    let mut b = Builder {
        source: text,
        out: Vec::new(),
        text: String::new(),
        heading: None,
        in_cell: false,
        html: String::new(),
        lists: Vec::new(),
        items: Vec::new(),
    };
    for (event, range) in Parser::new_ext(text, OPTIONS).into_offset_iter() {
        b.event(event, range);
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

    fn texts(s: &str) -> Vec<String> {
        got(s).into_iter().map(|b| b.3).collect()
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
        // The nested item is one level down, whatever its indentation.
        assert_eq!((g[5].1.as_deref(), g[5].2), (Some("1."), Some(1)));
        assert_eq!(g[7].0, BlockKind::TableCell);
    }

    #[test]
    fn escapes_entities_and_reference_links() {
        assert_eq!(
            texts(
                "The fee is \\*not\\* 5 \\_ &amp; &copy; see [the schedule][s] and [Annex A].\n\n\
                 [s]: https://example.com/s \"Schedule\"\n[Annex A]: annex-a.md\n"
            ),
            vec!["The fee is *not* 5 _ & © see the schedule and Annex A."]
        );
    }

    #[test]
    fn nested_lists_keep_numbers_and_depth() {
        let g = got("3) Third\n   1. inner one\n   2. inner two\n      - deepest\n4) Fourth\n");
        let view: Vec<(Option<&str>, Option<u8>, &str)> = g
            .iter()
            .map(|b| (b.1.as_deref(), b.2, b.3.as_str()))
            .collect();
        assert_eq!(
            view,
            vec![
                (Some("3)"), Some(0), "3) Third"),
                (Some("1."), Some(1), "1. inner one"),
                (Some("2."), Some(1), "2. inner two"),
                (None, Some(2), "deepest"),
                (Some("4)"), Some(0), "4) Fourth"),
            ]
        );
    }

    #[test]
    fn a_heading_in_a_list_item_keeps_its_number() {
        let g = got("1.  Scope\n    -----\n\n2.  These terms apply.\n");
        let view: Vec<(BlockKind, Option<&str>, &str)> = g
            .iter()
            .map(|b| (b.0, b.1.as_deref(), b.3.as_str()))
            .collect();
        assert_eq!(
            view,
            vec![
                (BlockKind::Heading, Some("1."), "1. Scope"),
                (BlockKind::ListItem, Some("2."), "2. These terms apply."),
            ]
        );
    }

    #[test]
    fn inline_and_block_html() {
        let md = "The Supplier<sup>1</sup> shall<br>comply <!-- internal note -->now.\n\n\
                  <table>\n<tr><td>AI system</td><td>none</td></tr>\n</table>\n\n\
                  <!-- hidden reviewer comment -->\n\nAfter.\n";
        let g = got(md);
        let view: Vec<(BlockKind, &str)> = g.iter().map(|b| (b.0, b.3.as_str())).collect();
        assert_eq!(
            view,
            vec![
                (BlockKind::Paragraph, "The Supplier1 shall comply now."),
                (BlockKind::TableCell, "AI system"),
                (BlockKind::TableCell, "none"),
                (BlockKind::Paragraph, "After."),
            ]
        );
    }

    #[test]
    fn footnotes_and_task_lists_read_as_text() {
        assert_eq!(
            texts("Clause one.[^1]\n\n- [x] signed\n\n[^1]: The footnote binds too.\n"),
            vec!["Clause one.", "signed", "The footnote binds too."]
        );
    }

    #[test]
    fn hostile_markdown_is_cheap() {
        let deep = format!("{}deep clause\n", "> - ".repeat(50_000));
        let brackets = "[".repeat(100_000) + &"]".repeat(100_000);
        let emphasis = "*a ".repeat(100_000);
        let start = std::time::Instant::now();
        assert!(texts(&deep).iter().any(|t| t.contains("deep clause")));
        let _ = blocks(&brackets);
        let _ = blocks(&emphasis);
        assert!(
            start.elapsed() < std::time::Duration::from_secs(10),
            "{:?}",
            start.elapsed()
        );
    }
}
