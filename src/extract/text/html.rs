//! HTML: tokenized by html5ever's tokenizer, which follows the WHATWG HTML standard (the one
//! browsers use): every named and numeric character reference, unquoted and broken attributes,
//! stray `<`, unclosed comments and the raw-text elements read as a browser reads them.
//!
//! The block structure is built here from the tokens, not by html5ever's tree builder: the tree
//! builder searches its stack of open elements on many start tags, which costs time quadratic in
//! the nesting depth of a hostile page (100,000 nested lists), and the text needs only the
//! boundaries. Tags are dropped; `<script>`, `<style>`, `<template>`, `<noscript>`, `<title>`,
//! `<svg>`, `<math>`, `<iframe>`, `<noembed>`, `<noframes>` and the `<head>` are dropped with their
//! content (the head ends, as in a browser, at the first tag or text that cannot be in it);
//! comments are removed; block elements (p, div, li, h1-h6, td, th, tr, br, section, ...) end a
//! block; headings, list items (numbered inside `<ol>`) and table cells keep their kind.

use std::cell::RefCell;

use html5ever::TokenizerResult;
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer,
};

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

/// Elements dropped with their content, and how the tokenizer reads that content.
fn skipped(name: &str) -> Option<Skip> {
    Some(match name {
        "script" => Skip::Raw(RawKind::ScriptData),
        "style" | "noscript" | "iframe" | "noembed" | "noframes" => Skip::Raw(RawKind::Rawtext),
        "title" => Skip::Raw(RawKind::Rcdata),
        "template" | "svg" | "math" => Skip::Markup,
        _ => return None,
    })
}

/// How a dropped element's content is read.
enum Skip {
    /// Raw text up to the element's end tag.
    Raw(RawKind),
    /// Markup: nested elements of the same name are counted.
    Markup,
}

/// Elements that may stay in the `<head>`; any other start tag ends it.
const HEAD_ELEMENTS: &[&str] = &[
    "base", "basefont", "bgsound", "link", "meta", "noscript", "noframes", "script", "style",
    "template", "title", "head",
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
    /// Open lists: the counter of an `<ol>` (`None` for a `<ul>`), and how many contexts were
    /// open outside the list (a new item or the list's end closes the ones opened inside).
    lists: Vec<(Option<i64>, usize)>,
    /// Open tables: how many contexts were open outside each (a new row or cell, or the table's
    /// end, closes the cells opened inside).
    tables: Vec<usize>,
    in_head: bool,
    /// The dropped element being skipped, and how many of that name are open inside it.
    skipping: Option<(String, usize)>,
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

    fn start(&mut self, name: &str, attrs: &[html5ever::Attribute]) {
        if name == "head" {
            self.in_head = true;
            return;
        }
        if !HEAD_ELEMENTS.contains(&name) {
            self.in_head = false;
        }
        if !BLOCK_ELEMENTS.contains(&name) {
            return;
        }
        self.flush();
        // Implied ends, as a browser reads them: an item ends the list's previous item, a row or
        // a cell ends the table's previous cell.
        let outer = match name {
            "li" => self.lists.last().map(|l| l.1),
            "tr" | "td" | "th" => self.tables.last().copied(),
            _ => None,
        };
        if let Some(outer) = outer {
            self.contexts.truncate(outer);
        }
        let context = match name {
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => Some(Context {
                name: name.into(),
                kind: BlockKind::Heading,
                level: name.get(1..).and_then(|n| n.parse().ok()),
                label: None,
            }),
            "li" => {
                let depth = self.lists.len().saturating_sub(1);
                // `<li value="9">` renumbers the item and the ones after it.
                let value = number_attribute(attrs, "value");
                let label = match self.lists.last_mut() {
                    Some((Some(n), _)) => {
                        *n = value.unwrap_or(*n + 1);
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
                let start = number_attribute(attrs, "start").unwrap_or(1);
                self.lists.push((Some(start - 1), self.contexts.len()));
                None
            }
            "ul" => {
                self.lists.push((None, self.contexts.len()));
                None
            }
            "table" => {
                self.tables.push(self.contexts.len());
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
        let outer = match name {
            "ol" | "ul" => self.lists.pop().map(|l| l.1),
            "table" => self.tables.pop(),
            _ => None,
        };
        if let Some(outer) = outer {
            self.contexts.truncate(outer);
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

    /// Takes one token. Returns how the tokenizer must read what follows a start tag.
    fn token(&mut self, token: Token) -> TokenSinkResult<()> {
        match token {
            Token::CharacterTokens(t) => self.characters(&t),
            Token::TagToken(tag) => return self.tag(&tag),
            Token::EOFToken => self.flush(),
            Token::DoctypeToken(_)
            | Token::CommentToken(_)
            | Token::NullCharacterToken
            | Token::ParseError(_) => {}
        }
        TokenSinkResult::Continue
    }

    fn characters(&mut self, t: &StrTendril) {
        if self.skipping.is_some() {
            return;
        }
        if self.in_head {
            if t.trim().is_empty() {
                return;
            }
            // Text cannot be in the head: a browser shows it as the start of the body.
            self.in_head = false;
        }
        // Zero-width joiners (`&zwnj;`, `&zwj;`) are invisible and split words for the checker.
        self.text
            .extend(t.chars().filter(|c| !matches!(c, '\u{200c}' | '\u{200d}')));
    }

    fn tag(&mut self, tag: &Tag) -> TokenSinkResult<()> {
        let name = &*tag.name;
        if let Some((skipped_name, open)) = &mut self.skipping {
            if name == skipped_name.as_str() && !tag.self_closing {
                match tag.kind {
                    TagKind::StartTag => *open += 1,
                    TagKind::EndTag if *open > 1 => *open -= 1,
                    TagKind::EndTag => self.skipping = None,
                }
            }
            return TokenSinkResult::Continue;
        }
        if tag.kind == TagKind::EndTag {
            self.end(name);
            return TokenSinkResult::Continue;
        }
        if let Some(skip) = skipped(name)
            && !tag.self_closing
        {
            if !HEAD_ELEMENTS.contains(&name) {
                self.in_head = false;
            }
            self.skipping = Some((name.to_string(), 1));
            return match skip {
                Skip::Raw(kind) => TokenSinkResult::RawData(kind),
                Skip::Markup => TokenSinkResult::Continue,
            };
        }
        if name == "plaintext" {
            // Everything after `<plaintext>` is text, as a browser shows it.
            self.start("pre", &[]);
            return TokenSinkResult::Plaintext;
        }
        self.start(name, &tag.attrs);
        if name == "br" || name == "hr" {
            self.end(name);
        }
        TokenSinkResult::Continue
    }
}

/// A list number given by an attribute (`<ol start>`, `<li value>`), within a sane range.
fn number_attribute(attrs: &[html5ever::Attribute], name: &str) -> Option<i64> {
    attrs
        .iter()
        .find(|a| &*a.name.local == name)
        .and_then(|a| a.value.trim().parse::<i64>().ok())
        .map(|n| n.clamp(-1_000_000, 1_000_000))
}

/// The tokenizer's sink: the builder behind a `RefCell`, as html5ever hands tokens to `&self`.
struct Sink(RefCell<Builder>);

impl TokenSink for Sink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        self.0.borrow_mut().token(token)
    }
}

/// Splits HTML into blocks.
pub(super) fn blocks(html: &str) -> Vec<RawBlock> {
    let sink = Sink(RefCell::new(Builder {
        out: Vec::new(),
        text: String::new(),
        contexts: Vec::new(),
        lists: Vec::new(),
        tables: Vec::new(),
        in_head: false,
        skipping: None,
    }));
    let tokenizer = Tokenizer::new(sink, html5ever::tokenizer::TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    // The sink never asks for a script to run, so one feed reads everything.
    while let TokenizerResult::Script(()) = tokenizer.feed(&input) {}
    tokenizer.end();
    let mut builder = tokenizer.sink.0.into_inner();
    builder.flush();
    builder.out
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
    fn implied_ends_close_items_and_cells() {
        let got: Vec<(BlockKind, Option<String>, String)> = blocks(
            "<ol><li>One<li value=7>Two<ul><li>inner</ul>tail</ol><p>After the list\
             <table><tr><td>A<td>B<tr><th>C</table>Below the table",
        )
        .into_iter()
        .map(|b| (b.kind, b.label, b.text))
        .collect();
        let item = |l: Option<&str>, t: &str| (BlockKind::ListItem, l.map(String::from), t.into());
        let cell = |t: &str| (BlockKind::TableCell, None, t.to_string());
        let para = |t: &str| (BlockKind::Paragraph, None, t.to_string());
        assert_eq!(
            got,
            vec![
                item(Some("1."), "1. One"),
                item(Some("7."), "7. Two"),
                item(None, "inner"),
                item(None, "tail"),
                para("After the list"),
                cell("A"),
                cell("B"),
                cell("C"),
                para("Below the table"),
            ]
        );
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
        let text = |s: &str| blocks(s).into_iter().map(|b| b.text).collect::<Vec<_>>();
        assert_eq!(text("&#150; &hyphen; &amp"), vec!["– ‐ &"]);
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
