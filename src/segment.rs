//! Segmentation: extracted blocks into located text. Each block gets the clause number a reader
//! would cite ("14.3", "2.1(a)", "Clause 5", "Schedule 2 paragraph 4", "B1", "Q3"), character
//! offsets into the document text, and is split into sentences.
//!
//! Numbering is read from the block's structural label when the format has one (DOCX lists), else
//! from the start of its text. Sub-items such as "(a)" and "(ii)" attach to the clause above them;
//! numbered paragraphs inside a schedule, annex or part are cited within it.

use std::sync::LazyLock;

use regex::Regex;

use crate::model::{Block, BlockKind, Document, Extracted, RawBlock, Sentence};

/// A clause number at the start of a block, and what kind of number it is.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Label {
    /// "14", "14.3", "14.3.2" (decimal clause numbers).
    Decimal(String),
    /// "(a)", "a)", "(iv)" (sub-items).
    Sub(String),
    /// "Clause 5", "Section 7": cited as written.
    Named(String),
    /// "Schedule 2", "Annex A", "Appendix 1", "Part B": containers for paragraph numbers.
    Container(String),
    /// "B1", "Q3", "Question 3": questionnaire references.
    Reference(String),
}

static DECIMAL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(\d{1,3}(?:\.\d{1,3}){0,4})\.?(?:\s|$)").unwrap());
static SUB: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\(?([a-z]{1,2}|[ivx]{1,6}|[A-Z])\)(?:\s|$)").unwrap());
static NAMED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?i:(clause|section|article|condition))\s+(\d{1,3}(?:\.\d{1,3}){0,4})\b").unwrap()
});
static CONTAINER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?i:(schedule|annex|appendix|part|exhibit|attachment|lot))\s+([0-9]{1,3}|[A-Z]{1,2})\b",
    )
    .unwrap()
});
static REFERENCE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:(?i:question)\s+(\d{1,3}(?:\.\d{1,2})?)|([A-Z]{1,2}\d{1,3}(?:\.\d{1,2})?))(?:[.:)]|\s|$)")
        .unwrap()
});

fn capitalise(word: &str) -> String {
    let lower = word.to_ascii_lowercase();
    let mut chars = lower.chars();
    match chars.next() {
        Some(c) => c.to_ascii_uppercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

/// Reads a clause number from a structural label or the start of a text.
fn parse_label(text: &str) -> Option<Label> {
    let text = text.trim_start();
    if let Some(c) = NAMED.captures(text) {
        return Some(Label::Named(format!("{} {}", capitalise(&c[1]), &c[2])));
    }
    if let Some(c) = CONTAINER.captures(text) {
        return Some(Label::Container(format!("{} {}", capitalise(&c[1]), &c[2])));
    }
    if let Some(c) = DECIMAL.captures(text) {
        let number = &c[1];
        let dotted = number.contains('.') || text[number.len()..].starts_with('.');
        let next_capital = text[c[0].len()..]
            .starts_with(|ch: char| ch.is_uppercase() || ch == '"' || ch == '\u{201c}');
        // "30 days' notice" is not clause 30; "3 Services" and "3. The Supplier" are.
        if dotted || next_capital {
            return Some(Label::Decimal(number.to_string()));
        }
    }
    if let Some(c) = SUB.captures(text) {
        return Some(Label::Sub(c[1].to_string()));
    }
    if let Some(c) = REFERENCE.captures(text) {
        return Some(match c.get(1) {
            Some(n) => Label::Reference(format!("Q{}", n.as_str())),
            None => Label::Reference(c[2].to_string()),
        });
    }
    None
}

/// Tracks the clause numbering as blocks go by.
#[derive(Debug, Default)]
struct Numbering {
    container: Option<String>,
    clause: Option<String>,
    sub: Option<String>,
}

impl Numbering {
    fn current(&self) -> Option<String> {
        let clause = match (&self.clause, &self.sub) {
            (Some(c), Some(s)) => Some(format!("{c}({s})")),
            (Some(c), None) => Some(c.clone()),
            (None, Some(s)) => Some(format!("({s})")),
            (None, None) => None,
        };
        match (&self.container, clause) {
            // Numbered paragraphs inside a schedule are cited within it; references such as "B1" and
            // named clauses are cited as they stand.
            (Some(k), Some(c)) if c.starts_with(|ch: char| ch.is_ascii_digit()) => {
                Some(format!("{k} paragraph {c}"))
            }
            (Some(k), None) => Some(k.clone()),
            (_, c) => c,
        }
    }

    /// An unnumbered heading starts a new part of the document: the clause above no longer applies.
    fn unnumbered_heading(&mut self) {
        self.clause = None;
        self.sub = None;
    }

    fn apply(&mut self, label: Label, kind: BlockKind) {
        match label {
            Label::Container(k) => {
                self.container = Some(k);
                self.clause = None;
                self.sub = None;
            }
            Label::Decimal(n) => {
                // A top-level heading number outside any container ends the container.
                if kind == BlockKind::Heading && !n.contains('.') && self.container.is_some() {
                    let k = self.container.as_deref().unwrap_or_default();
                    if !k.starts_with("Schedule")
                        && !k.starts_with("Annex")
                        && !k.starts_with("Appendix")
                    {
                        self.container = None;
                    }
                }
                self.clause = Some(n);
                self.sub = None;
            }
            Label::Named(n) | Label::Reference(n) => {
                self.clause = Some(n);
                self.sub = None;
            }
            Label::Sub(s) => {
                if self.clause.is_some() {
                    self.sub = Some(s);
                }
            }
        }
    }
}

/// Turns extracted blocks into a located document.
pub fn segment(extracted: Extracted) -> Document {
    let mut blocks = Vec::with_capacity(extracted.blocks.len());
    let mut numbering = Numbering::default();
    let mut heading: Option<String> = None;
    let mut offset = 0usize;
    for RawBlock {
        kind,
        text,
        page,
        label,
        ..
    } in extracted.blocks
    {
        let text = text.replace(['\n', '\r'], " ");
        if text.trim().is_empty() {
            continue;
        }
        let parsed = label
            .as_deref()
            .and_then(parse_label)
            .or_else(|| parse_label(&text));
        match parsed {
            Some(l) => numbering.apply(l, kind),
            None if kind == BlockKind::Heading => numbering.unnumbered_heading(),
            None => {}
        }
        if kind == BlockKind::Heading {
            heading = Some(text.clone());
        }
        let len = text.chars().count();
        let start = if blocks.is_empty() { 0 } else { offset + 1 };
        blocks.push(Block {
            page,
            section: numbering.current(),
            kind,
            start,
            end: start + len,
            text,
            heading: heading.clone(),
        });
        offset = start + len;
    }
    let sentences = blocks
        .iter()
        .enumerate()
        .flat_map(|(i, b)| {
            split_sentences(&b.text)
                .into_iter()
                .map(move |(start, end)| Sentence {
                    block: i,
                    start,
                    end,
                })
        })
        .collect();
    Document {
        blocks,
        sentences,
        pages: extracted.pages,
    }
}

/// Words after which a full stop does not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "e.g", "i.e", "etc", "cf", "no", "nos", "ltd", "plc", "inc", "co", "cl", "para", "paras",
    "art", "arts", "sch", "reg", "regs", "s", "ss", "mr", "mrs", "ms", "dr", "st", "vs", "v",
    "u.k", "u.s", "approx", "incl", "fig", "p", "pp", "op", "sec",
];

/// Splits a block's text into sentences; returns byte ranges, trimmed.
pub fn split_sentences(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if matches!(c, b'.' | b'!' | b'?' | b';') && i + 1 < bytes.len() && bytes[i + 1] == b' ' {
            let rest = text[i + 1..].trim_start();
            let next = rest.chars().next();
            let starts_new = next
                .is_some_and(|n| n.is_uppercase() || n == '(' || n == '"' || n == '\u{201c}')
                || starts_with_item_number(rest);
            let word_start = text[..i]
                .rfind(|ch: char| ch.is_whitespace() || ch == '(')
                .map_or(0, |p| p + 1);
            let word = text[word_start..i].to_ascii_lowercase();
            let is_abbrev =
                c == b'.' && (ABBREVIATIONS.contains(&word.as_str()) || word.len() == 1);
            // "14. The Supplier": a clause number opening the sentence, not its end ("see
            // clause 4.2. The Buyer" ends one).
            let is_number = c == b'.'
                && word.chars().all(|ch| ch.is_ascii_digit() || ch == '.')
                && !word.is_empty()
                && text[start..word_start].trim().is_empty();
            // A semicolon ends a sentence only before a new list item such as "(b)".
            let semicolon_ok = c != b';' || next == Some('(');
            if starts_new && !is_abbrev && !is_number && semicolon_ok {
                push_trimmed(text, start, i + 1, &mut out);
                start = i + 1;
            }
        }
        i += 1;
    }
    push_trimmed(text, start, text.len(), &mut out);
    out
}

/// True when `rest` opens with a clause number and a capital: "2. The Supplier", "4.1 The".
fn starts_with_item_number(rest: &str) -> bool {
    let token_end = rest.find(' ').unwrap_or(rest.len());
    let token = &rest[..token_end];
    let digits = token.trim_end_matches('.');
    !digits.is_empty()
        && digits.len() <= 12
        && digits.starts_with(|c: char| c.is_ascii_digit())
        && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
        && !digits.contains("..")
        && rest[token_end..]
            .trim_start()
            .starts_with(|c: char| c.is_uppercase())
}

fn push_trimmed(text: &str, start: usize, end: usize, out: &mut Vec<(usize, usize)>) {
    let piece = &text[start..end];
    let lead = piece.len() - piece.trim_start().len();
    let trail = piece.len() - piece.trim_end().len();
    if lead + trail < piece.len() {
        out.push((start + lead, end - trail));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(kind: BlockKind, text: &str) -> RawBlock {
        RawBlock {
            kind,
            text: text.into(),
            page: Some(1),
            label: None,
            level: None,
        }
    }

    fn sections(blocks: Vec<RawBlock>) -> Vec<Option<String>> {
        segment(Extracted {
            pages: Some(1),
            blocks,
        })
        .blocks
        .into_iter()
        .map(|b| b.section)
        .collect()
    }

    #[test]
    fn clause_numbers_as_readers_cite_them() {
        let got = sections(vec![
            raw(BlockKind::Heading, "14. Artificial Intelligence"),
            raw(BlockKind::Paragraph, "14.3 The Supplier shall not use AI."),
            raw(BlockKind::ListItem, "(a) without approval;"),
            raw(BlockKind::Paragraph, "Clause 5 Confidentiality"),
            raw(BlockKind::Heading, "Schedule 2 Data Processing"),
            raw(BlockKind::Paragraph, "4. The Processor shall comply."),
            raw(BlockKind::Paragraph, "B1 Describe your service."),
            raw(BlockKind::Paragraph, "Question 3: Do you use AI?"),
            raw(BlockKind::Paragraph, "30 days after the Effective Date."),
            raw(BlockKind::Heading, "Declarations"),
            raw(BlockKind::Paragraph, "Unnumbered text."),
        ]);
        let want = [
            "14",
            "14.3",
            "14.3(a)",
            "Clause 5",
            "Schedule 2",
            "Schedule 2 paragraph 4",
            "B1",
            "Q3",
            "Q3",
            "Schedule 2",
            "Schedule 2",
        ];
        let want: Vec<Option<String>> = want.iter().map(|s| Some(s.to_string())).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn offsets_are_characters_into_joined_text() {
        let doc = segment(Extracted {
            pages: None,
            blocks: vec![
                raw(BlockKind::Paragraph, "£5 fee."),
                raw(BlockKind::Paragraph, "Next."),
            ],
        });
        let text = doc.text();
        let chars: Vec<char> = text.chars().collect();
        for b in &doc.blocks {
            assert_eq!(chars[b.start..b.end].iter().collect::<String>(), b.text);
        }
    }

    fn sentences(t: &str) -> Vec<&str> {
        split_sentences(t)
            .into_iter()
            .map(|(s, e)| &t[s..e])
            .collect()
    }

    #[test]
    fn sentences_skip_abbreviations_and_numbers() {
        let t = "The Supplier shall comply with cl. 14.3 of the Agreement, e.g. by notice. It shall not use AI. (a) See Sch. 2.";
        assert_eq!(
            sentences(t),
            [
                "The Supplier shall comply with cl. 14.3 of the Agreement, e.g. by notice.",
                "It shall not use AI.",
                "(a) See Sch. 2."
            ]
        );
    }

    #[test]
    fn sentences_end_before_inline_clause_numbers() {
        let t = "14. The Supplier shall notify users. 2. The Supplier shall not train models. See clause 4.2. The Buyer may audit 3 sites. 4.1 Fees apply.";
        assert_eq!(
            sentences(t),
            [
                "14. The Supplier shall notify users.",
                "2. The Supplier shall not train models.",
                "See clause 4.2.",
                "The Buyer may audit 3 sites.",
                "4.1 Fees apply."
            ]
        );
    }
}
