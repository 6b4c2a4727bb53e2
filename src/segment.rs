//! Segmentation: extracted blocks into located text. Each block gets the clause number a reader
//! would cite ("14.3", "2.1(a)", "Clause 5", "Schedule 2 paragraph 4", "B1", "Q3"), character
//! offsets into the document text, and is split into sentences.
//!
//! Numbering is read from the block's structural label when the format has one (DOCX lists), else
//! from the start of its text. Sub-items such as "(a)" and "(ii)" attach to the clause above them;
//! numbered paragraphs inside a schedule, annex or part are cited within it.
//!
//! Text read by OCR is first cleaned of the noise OCR commonly adds (`noise`): ligature
//! characters, uneven spaces, "1" or "|" for "l" inside words (and "l" for "1" inside clause
//! numbers), words broken by a hyphen that the rest of the document writes whole, and stray marks
//! from the page (blocks with no word in them, or a few words read with very low confidence).

use std::sync::LazyLock;

use regex::Regex;

use crate::model::{
    Block, BlockKind, Document, Extracted, OcrBlock, RawBlock, Sentence, upper_first,
};

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

/// Reads a clause number from a structural label or the start of a text.
fn parse_label(text: &str) -> Option<Label> {
    let text = text.trim_start();
    if let Some(c) = NAMED.captures(text) {
        return Some(Label::Named(format!(
            "{} {}",
            upper_first(&c[1].to_ascii_lowercase()),
            &c[2]
        )));
    }
    if let Some(c) = CONTAINER.captures(text) {
        return Some(Label::Container(format!(
            "{} {}",
            upper_first(&c[1].to_ascii_lowercase()),
            &c[2]
        )));
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
    segment_marked(extracted, Vec::new()).0
}

/// As [`segment`], for blocks of which some were read by OCR: `marks` has one entry per extracted
/// block (missing entries mean "not OCR"). OCR blocks are cleaned of OCR noise first; the marks
/// of the blocks kept are returned aligned with the document's blocks.
pub fn segment_marked(
    extracted: Extracted,
    marks: Vec<Option<OcrBlock>>,
) -> (Document, Vec<Option<OcrBlock>>) {
    let vocab = if marks.iter().any(Option::is_some) {
        noise::vocabulary(extracted.blocks.iter().map(|b| b.text.as_str()))
    } else {
        noise::Vocabulary::default()
    };
    let mut blocks = Vec::with_capacity(extracted.blocks.len());
    let mut kept_marks = Vec::with_capacity(extracted.blocks.len());
    let mut numbering = Numbering::default();
    let mut heading: Option<String> = None;
    let mut offset = 0usize;
    let mut marks = marks.into_iter();
    for RawBlock {
        kind,
        text,
        page,
        label,
        ..
    } in extracted.blocks
    {
        let mark = marks.next().flatten();
        let mut text = noise::ligatures(&text.replace(['\n', '\r'], " "));
        if let Some(m) = &mark {
            if noise::is_furniture(&text, m.confidence) {
                continue;
            }
            text = noise::repair(&text, &vocab);
        }
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
        kept_marks.push(mark);
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
    let document = Document {
        blocks,
        sentences,
        pages: extracted.pages,
    };
    (document, kept_marks)
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

/// The noise OCR adds to text, and its repair.
mod noise {
    use std::collections::HashMap;
    use std::sync::LazyLock;

    use regex::Regex;

    /// A word broken by a hyphen (with or without a space after it): "indemni- fication".
    static HYPHENATED: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(\p{L}{2,})[-\u{2010}\u{2011}\u{00AC}] ?(\p{Ll}{2,})").unwrap()
    });
    /// A token of letters and look-alike digits or bars: "c1ause", "|iability", "al1".
    static WORD: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"[\p{L}01|]+").unwrap());
    /// A clause number with letters read for digits: "l4.3", "1l.2", "I0.1".
    static NUMBER: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?:^|\s|\()([0-9lI|]{1,3}(?:\.[0-9lI|]{1,3})+)\b").unwrap());
    /// A space before punctuation that closes ("word ,", "end .", "(a )").
    static SPACE_BEFORE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r" ([,.;:!?)\]])").unwrap());
    /// A word of letters.
    static LETTERS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\p{L}+").unwrap());
    /// A full stop between a word and a word in lower case.
    static STRAY_STOP: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(\p{L}{2,})\. (\p{Ll})").unwrap());
    /// A space after an opening bracket.
    static SPACE_AFTER: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"([(\[]) +").unwrap());

    /// OCR blocks below this confidence with at most [`FURNITURE_WORDS`] words are stray marks.
    const FURNITURE_CONFIDENCE: u8 = 40;
    /// See [`FURNITURE_CONFIDENCE`].
    const FURNITURE_WORDS: usize = 3;

    /// Ligature characters as the letters they stand for (OCR engines and some PDFs produce them).
    pub fn ligatures(text: &str) -> String {
        if !text.contains(|c: char| ('\u{FB00}'..='\u{FB06}').contains(&c)) {
            return text.to_string();
        }
        let mut out = String::with_capacity(text.len() + 8);
        for c in text.chars() {
            match c {
                '\u{FB00}' => out.push_str("ff"),
                '\u{FB01}' => out.push_str("fi"),
                '\u{FB02}' => out.push_str("fl"),
                '\u{FB03}' => out.push_str("ffi"),
                '\u{FB04}' => out.push_str("ffl"),
                '\u{FB05}' | '\u{FB06}' => out.push_str("st"),
                c => out.push(c),
            }
        }
        out
    }

    /// A block of stray marks: no letter or digit at all, or a few words read with very low
    /// confidence (specks, stamps, the shadow of a page edge).
    pub fn is_furniture(text: &str, confidence: u8) -> bool {
        !text.chars().any(char::is_alphanumeric)
            || (confidence < FURNITURE_CONFIDENCE
                && text.split_whitespace().count() <= FURNITURE_WORDS)
    }

    /// The words of a document and how often each occurs.
    #[derive(Debug, Default)]
    pub struct Vocabulary {
        /// Lowercase words; hyphenated compounds count both whole ("sub-processor") and by their
        /// parts.
        lower: HashMap<String, usize>,
        /// Words as written ("AI", "Al").
        exact: HashMap<String, usize>,
    }

    impl Vocabulary {
        fn lower(&self, w: &str) -> usize {
            self.lower.get(&w.to_lowercase()).copied().unwrap_or(0)
        }

        fn exact(&self, w: &str) -> usize {
            self.exact.get(w).copied().unwrap_or(0)
        }
    }

    /// The vocabulary of a document's texts.
    pub fn vocabulary<'a>(texts: impl Iterator<Item = &'a str>) -> Vocabulary {
        let mut v = Vocabulary::default();
        for t in texts {
            for token in t.split(|c: char| !c.is_alphabetic() && c != '-') {
                let token = token.trim_matches('-');
                if token.contains('-') {
                    *v.lower.entry(token.to_lowercase()).or_insert(0) += 1;
                }
                for w in token.split('-') {
                    if w.chars().count() > 1 {
                        *v.lower.entry(w.to_lowercase()).or_insert(0) += 1;
                        *v.exact.entry(w.to_string()).or_insert(0) += 1;
                    }
                }
            }
        }
        v
    }

    /// Repairs OCR noise in one block's text.
    pub fn repair(text: &str, vocab: &Vocabulary) -> String {
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        // Spaces are single here, and the text trimmed: every match follows a word or mark.
        let text = SPACE_BEFORE.replace_all(&text, "$1");
        let text = SPACE_AFTER.replace_all(&text, "$1");
        let text = look_alikes(&text);
        let text = i_and_l(&text, vocab);
        let text = numbers(&text);
        let text = stray_marks(&text);
        join_hyphens(&text, vocab)
    }

    /// "I" and "l" read for each other ("Al" for "AI", "lnformation"): a word becomes its
    /// swapped form when the document writes that form at least twice as often, and at least
    /// twice.
    fn i_and_l(text: &str, vocab: &Vocabulary) -> String {
        LETTERS
            .replace_all(text, |c: &regex::Captures<'_>| {
                let w = &c[0];
                if !w.contains(['I', 'l']) {
                    return w.to_string();
                }
                let swaps = [w.replace('l', "I"), w.replace('I', "l"), swap_first(w)];
                let here = vocab.exact(w);
                swaps
                    .into_iter()
                    .filter(|s| s != w)
                    .map(|s| (vocab.exact(&s), s))
                    .filter(|(n, _)| *n >= 2 && *n >= 2 * here)
                    .max_by_key(|(n, _)| *n)
                    .map_or_else(|| w.to_string(), |(_, s)| s)
            })
            .into_owned()
    }

    /// The word with its first letter swapped between "I" and "l".
    fn swap_first(w: &str) -> String {
        let mut chars = w.chars();
        match chars.next() {
            Some('I') => format!("l{}", chars.as_str()),
            Some('l') => format!("I{}", chars.as_str()),
            _ => w.to_string(),
        }
    }

    /// Specks read as punctuation: a full stop between two words where the next one starts in
    /// lower case ("The Supplier. shall", "use. subcontractors"; not after an abbreviation such as
    /// "etc." or "Ltd."), and a closing apostrophe after a word that does not end in "s", with no
    /// opening quote before it ("The Supplier’ may").
    fn stray_marks(text: &str) -> String {
        let text = STRAY_STOP.replace_all(text, |c: &regex::Captures<'_>| {
            let word = &c[1];
            if super::ABBREVIATIONS.contains(&word.to_lowercase().as_str()) {
                c[0].to_string()
            } else {
                format!("{word} {}", &c[2])
            }
        });
        let mut out = String::with_capacity(text.len());
        let mut open = false;
        let mut chars = text.chars().peekable();
        while let Some(ch) = chars.next() {
            match ch {
                '\u{2018}' | '"' | '\u{201C}' => open = true,
                '\u{2019}' | '\''
                    if !open
                        && chars.peek() == Some(&' ')
                        && out.ends_with(|p: char| p.is_alphabetic() && p != 's' && p != 'S') =>
                {
                    continue;
                }
                _ => {}
            }
            out.push(ch);
        }
        out
    }

    /// "1", "0" and "|" inside words as the letters they were meant to be: in a token of at least
    /// two letters, no more look-alikes than letters, whose only digits are 1 and 0, and that
    /// starts with a letter or "|" (so "1st" and "10am" stay), "1" and "|" become "l" ("I" in
    /// capitals) and "0" becomes "o" ("O").
    fn look_alikes(text: &str) -> String {
        WORD.replace_all(text, |c: &regex::Captures<'_>| {
            let w = &c[0];
            let letters = w.chars().filter(|c| c.is_alphabetic()).count();
            let odd = w.chars().filter(|c| matches!(c, '0' | '1' | '|')).count();
            let starts_as_word = w.starts_with(|c: char| c.is_alphabetic() || c == '|');
            if odd == 0 || letters < 2 || odd > letters || !starts_as_word {
                return w.to_string();
            }
            let caps = w
                .chars()
                .filter(|c| c.is_alphabetic())
                .all(char::is_uppercase)
                && letters > 1;
            w.chars()
                .map(|ch| match (ch, caps) {
                    ('1' | '|', false) => 'l',
                    ('1' | '|', true) => 'I',
                    ('0', false) => 'o',
                    ('0', true) => 'O',
                    (ch, _) => ch,
                })
                .collect()
        })
        .into_owned()
    }

    /// Clause numbers with "l", "I" or "|" read for "1": "l4.3" is "14.3".
    fn numbers(text: &str) -> String {
        NUMBER
            .replace_all(text, |c: &regex::Captures<'_>| {
                let whole = &c[0];
                let n = &c[1];
                if !n.chars().any(|ch| ch.is_ascii_digit()) {
                    return whole.to_string();
                }
                let fixed: String = n
                    .chars()
                    .map(|ch| {
                        if matches!(ch, 'l' | 'I' | '|') {
                            '1'
                        } else {
                            ch
                        }
                    })
                    .collect();
                whole.replacen(n, &fixed, 1)
            })
            .into_owned()
    }

    /// Joins a word broken by a hyphen when the document writes the joined word more often than
    /// the hyphenated one: "indemni- fication" and "indemni-fication" become "indemnification"
    /// where "indemnification" occurs elsewhere, while "sub-processor" stays.
    fn join_hyphens(text: &str, vocab: &Vocabulary) -> String {
        HYPHENATED
            .replace_all(text, |c: &regex::Captures<'_>| {
                let joined = format!("{}{}", &c[1], &c[2]);
                let whole = vocab.lower(&joined);
                if whole > 0 && whole >= vocab.lower(&format!("{}-{}", &c[1], &c[2])) {
                    joined
                } else {
                    c[0].to_string()
                }
            })
            .into_owned()
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        fn vocab(text: &str) -> Vocabulary {
            vocabulary(std::iter::once(text))
        }

        #[test]
        fn look_alike_digits_in_words() {
            let v = Vocabulary::default();
            assert_eq!(
                repair("The Supp1ier sha11 contro| the c0ntract", &v),
                "The Supplier shall control the contract"
            );
            assert_eq!(
                repair("L1ABILITY and C0NTRACT", &v),
                "LIABILITY and CONTRACT"
            );
            // Real numbers, codes and versions are left alone.
            assert_eq!(
                repair("on 1st May 2010 at 10am, GPT-4, B2B and ISO 27001", &v),
                "on 1st May 2010 at 10am, GPT-4, B2B and ISO 27001"
            );
        }

        #[test]
        fn clause_numbers_with_letters_for_digits() {
            let v = Vocabulary::default();
            assert_eq!(repair("l4.3 The Supplier", &v), "14.3 The Supplier");
            assert_eq!(
                repair("see clause 1l.2 and (I0.1)", &v),
                "see clause 11.2 and (10.1)"
            );
            assert_eq!(repair("i.e. the", &v), "i.e. the");
        }

        #[test]
        fn broken_hyphens_join_only_words_the_document_uses() {
            let v = vocab("indemnification applies; the sub-processor and processor");
            assert_eq!(
                repair("full indemni- fication and indemni-fication", &v),
                "full indemnification and indemnification"
            );
            assert_eq!(repair("each sub- processor", &v), "each sub- processor");
            assert_eq!(repair("a well-known term", &v), "a well-known term");
        }

        #[test]
        fn uneven_spaces_and_ligatures() {
            let v = Vocabulary::default();
            assert_eq!(
                repair("The  Buyer ,  at its   option ( acting reasonably ) .", &v),
                "The Buyer, at its option (acting reasonably)."
            );
            assert_eq!(
                ligatures("con\u{FB01}dential \u{FB02}ow"),
                "confidential flow"
            );
        }

        #[test]
        fn i_and_l_follow_the_document() {
            let v =
                vocab("AI System, AI tools and AI models; Information and Information; Al Smith");
            assert_eq!(
                repair("an Al System and lnformation", &v),
                "an AI System and Information"
            );
            // Not when the document writes the word as read just as often.
            let v = vocab("Al Smith and AI; Al Jones and AI");
            assert_eq!(repair("Al Brown", &v), "Al Brown");
        }

        #[test]
        fn specks_read_as_punctuation_go() {
            let v = Vocabulary::default();
            assert_eq!(
                repair(
                    "The Supplier. shall use. subcontractors, etc. and ACME Ltd. shall",
                    &v
                ),
                "The Supplier shall use subcontractors, etc. and ACME Ltd. shall"
            );
            assert_eq!(
                repair("The Supplier\u{2019} may use the parties\u{2019} data", &v),
                "The Supplier may use the parties\u{2019} data"
            );
            assert_eq!(
                repair("the \u{2018}Buyer\u{2019} means", &v),
                "the \u{2018}Buyer\u{2019} means"
            );
            assert_eq!(repair("It ends. Then", &v), "It ends. Then");
        }

        #[test]
        fn stray_marks_are_furniture() {
            assert!(is_furniture("~ . |", 90));
            assert!(is_furniture("ee Pa", 25));
            assert!(!is_furniture("(a)", 90), "a list label is content");
            assert!(!is_furniture("The Supplier shall not train models.", 25));
            assert!(!is_furniture("Schedule", 95));
        }
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
