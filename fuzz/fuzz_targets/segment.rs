//! Segmentation on arbitrary blocks: each input line is one block, its first byte choosing the
//! kind, page, level and whether the text before a `|` is a structural list label. Text is
//! collapsed to one line, as every reader yields it.
#![no_main]

use aiassure::model::{BlockKind, Extracted, RawBlock};
use aiassure::segment::{segment, split_sentences};
use libfuzzer_sys::fuzz_target;

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut blocks = Vec::new();
    for line in text.split('\n') {
        let Some(first) = line.bytes().next() else {
            continue;
        };
        let rest = line.get(1..).unwrap_or_default();
        let kind = match first % 5 {
            0 => BlockKind::Heading,
            1 => BlockKind::Paragraph,
            2 => BlockKind::ListItem,
            3 => BlockKind::TableCell,
            _ => BlockKind::Footnote,
        };
        let (label, body) = match rest.split_once('|') {
            Some((l, b)) if first & 8 != 0 => (Some(collapse(l)), b),
            _ => (None, rest),
        };
        let body = collapse(body);
        if body.is_empty() {
            continue;
        }
        let _ = split_sentences(&body);
        blocks.push(RawBlock {
            kind,
            text: body,
            page: (first & 16 != 0).then_some(u32::from(first >> 5) + 1),
            label: label.filter(|l| !l.is_empty()),
            level: (first & 32 != 0).then_some(first % 7),
        });
    }
    let doc = segment(Extracted {
        pages: None,
        blocks,
    });
    // What the model promises: blocks' character offsets tile the joined text, and every
    // sentence is a non-empty range of its block's text on character boundaries.
    let mut at = 0;
    for b in &doc.blocks {
        assert_eq!(b.start, at);
        assert_eq!(b.end - b.start, b.text.chars().count());
        at = b.end + 1;
    }
    for s in &doc.sentences {
        let text = &doc.blocks[s.block].text;
        assert!(s.start < s.end && s.end <= text.len());
        assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
    }
});
