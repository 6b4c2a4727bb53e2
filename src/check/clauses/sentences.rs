//! The reading of a document, computed once and shared by every rule: each sentence annotated
//! with the library's concepts and read for who is bound (actor: the party named as subject, a
//! name the document uses for the supplier, or nobody for a passive), how (modality: obligation,
//! prohibition, permission, waiver or disclaimer, or a statement with no modal at all, negated or
//! not), and whether it is about AI (in the sentence, near it in its paragraph, under a heading or
//! list lead-in about AI, or through a term the document defines as AI; names of organisations
//! with "AI" in them do not count). A list item is read together with its lead-in.

use std::cell::OnceCell;
use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use regex::Regex;

use crate::check::has_any;
use crate::library::matcher::{Annotation, Hit, Raw};
use crate::library::{Library, Words};
use crate::model::{Document, Sentence};

/// Who a modal binds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    /// The supplier side.
    Supplier,
    /// The buyer side.
    Buyer,
    /// No party named (passive: "No Authority Data shall be used ..."); binds the supplier in effect.
    Neutral,
}

/// The force of a modal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Modality {
    /// shall, must, will.
    Obligation,
    /// shall not, must not, may not.
    Prohibition,
    /// may, should, can, will try.
    Permissive,
    /// is not required to, accepts no responsibility, as is.
    Waiver,
    /// No modal: a statement of what a party does or does not do ("Provider does not use Customer
    /// Content to train", "We use your information to improve our models"), which in real drafting
    /// is how many commitments and practices are written.
    Statement,
}

/// How the party a modal binds was found, for the explanation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Binding {
    /// A party word the library knows, as the subject ("the Supplier shall", "we do not"); the
    /// byte range of the word in the sentence.
    Named(u32, u32),
    /// A capitalised name the document never writes in lower case ("Meta will", "Acme uses").
    Name(u32, u32),
    /// The agent of a passive ("shall be reviewed by the Supplier").
    Agent(u32, u32),
    /// The subject shared with the modal before it ("shall keep ... and shall decide").
    Shared,
    /// No party named: a passive or a sentence without a subject.
    Unnamed,
}

/// One modal and the actor it binds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Predication {
    /// Who is bound.
    pub actor: Actor,
    /// How.
    pub modality: Modality,
    /// Byte offset of the modal in the sentence.
    pub at: usize,
    /// The modal itself is negative ("shall not", "does not", "never").
    pub negative: bool,
    /// How the actor was found.
    pub binding: Binding,
}

/// A sentence read once for every rule.
#[derive(Debug, Clone)]
pub struct Analysed {
    /// The sentence.
    pub sentence: Sentence,
    /// Concept and term hits.
    pub ann: Annotation,
    /// Modals and who they bind, read the first time a rule asks ([`Analysed::predications`]):
    /// most sentences are on no rule's topic and are never asked.
    predications: OnceCell<Vec<Predication>>,
    /// About AI in itself.
    pub ai_here: bool,
    /// About AI in itself or through its context (clause, heading).
    pub ai: bool,
    /// Negated (a prohibition modal, or a negation word).
    pub negated: bool,
    /// An exception word that does not introduce a consent step ("except ... de-identified").
    pub carve_out_exception: bool,
    /// For an item of a list under a lead-in ("The Supplier shall:", "We use the information we
    /// collect:"), the lead-in and the item read as one sentence; the annotation and predications
    /// are of this text. For a sentence that refers back ("in these tools"), the sentence with
    /// the phrase it refers to put in ("in approved third-party AI tools").
    pub joined: Option<String>,
    /// An item of a list under a lead-in.
    pub list_item: bool,
}

impl Analysed {
    /// Modals and who they bind, read from the sentence's text and hits when first asked.
    pub fn predications(&self, reading: &Reading<'_>) -> &[Predication] {
        self.predications.get_or_init(|| {
            predications(
                reading.library,
                self.text(reading.names.doc),
                &self.ann.hits,
                &reading.names,
            )
        })
    }

    /// Whether any modal binds the supplier side (or no party) with this modality.
    pub fn supplier(&self, reading: &Reading<'_>, m: Modality) -> bool {
        self.predications(reading)
            .iter()
            .any(|p| p.modality == m && p.actor != Actor::Buyer)
    }

    /// The text the annotation is of: the sentence, or its lead-in and the sentence.
    pub fn text<'d>(&'d self, doc: &'d Document) -> &'d str {
        match &self.joined {
            Some(j) => j,
            None => doc.sentence_text(&self.sentence),
        }
    }

    /// Whether every modal binds the buyer.
    pub fn buyer_only(&self, reading: &Reading<'_>) -> bool {
        let p = self.predications(reading);
        !p.is_empty() && p.iter().all(|p| p.actor == Actor::Buyer)
    }
}

/// A document read for the checker.
pub struct Reading<'d> {
    /// Sentences in document order.
    pub sentences: Vec<Analysed>,
    /// The document defines an AI term or has a section about AI.
    pub defines_ai: bool,
    /// Number of sentences about AI in themselves.
    pub ai_sentences: usize,
    /// Per block: the index of the nearest heading (or heading-like block) at or above it.
    pub heading_of: Vec<Option<usize>>,
    /// The library the sentences are read with, for the predications read when asked.
    library: &'d Library,
    /// The document's proper names, asked by those predications.
    names: ProperNames<'d>,
}

/// `"Term" means`, `(the "Term")`: a defined term.
static DEFINED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"["“']([A-Z][A-Za-z0-9\- ]{1,40}?)["”']\s*(?:\)|means|shall mean|has the meaning|refers to|includes|is defined|:)"#)
        .unwrap()
});

/// A name with "AI" in it: "Acme AI", "Example.AI" (case-sensitive: the words are capitalised).
static NAME_AI: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:[A-Z][A-Za-z0-9&-]*\s+){1,3}AI\b|\b[A-Z][A-Za-z0-9-]*\.AI\b").unwrap()
});

/// What follows a name when it is a party (an organisation), not a description of AI: a corporate
/// suffix, a possessive, a verb of a party, a definition in brackets or quotes.
static PARTY_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^(?:,?\s*(?:Inc|Ltd|LLC|AB|GmbH|Limited|Corp|Corporation|plc|SAS|S\.A|B\.V|Oy|AS|ApS)\b|['’]s\b|\s+(?:shall|will|may|must|does|do|is|are|has|can|uses|provides|processes|reserves|grants|owns|retains|agrees|collects|stores|offers|makes|takes)\b|\s*\(|\s*["”])"#).unwrap()
});

/// Organisation names in the document that contain "AI" ("Acme AI Inc", "Example.AI"): a mention
/// of them does not put a sentence in AI scope. A name counts when it is used as a party somewhere
/// in the document (see [`PARTY_AFTER`]); "Dune AI features" names an AI product and still counts.
fn ai_party_names(doc: &Document, words: &Words) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for b in &doc.blocks {
        if !has_word_ai(&b.text) {
            continue;
        }
        for m in NAME_AI.find_iter(&b.text) {
            let mut name = m.as_str();
            // Drop leading words that are not part of a name ("The Acme AI" -> "Acme AI").
            while let Some((first, rest)) = name.split_once(char::is_whitespace) {
                if words.not_name(first) {
                    name = rest.trim_start();
                } else {
                    break;
                }
            }
            let dotted = name.contains(".AI");
            if name == "AI" {
                continue;
            }
            let after = &b.text[m.end()..];
            if (dotted || PARTY_AFTER.is_match(after)) && !names.iter().any(|n| n == name) {
                names.push(name.to_string());
            }
        }
    }
    names
}

/// Whether "AI" stands in a text as a word of its own or after a dot ("Acme AI", "Example.AI"), not
/// inside a capitalised word ("CLAIMS"): a cheap test before the name pattern is run.
fn has_word_ai(text: &str) -> bool {
    let b = text.as_bytes();
    text.match_indices("AI").any(|(i, _)| {
        let before = i.checked_sub(1).map(|j| b[j]);
        let after = b.get(i + 2);
        matches!(before, Some(b' ' | b'.')) && !after.is_some_and(|c| c.is_ascii_alphanumeric())
    })
}

/// A list label at the start of a block: "(a)", "(iii)", "1.", "a)", "-", "•".
static LIST_LABEL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(?:\(?[a-zA-Z0-9]{1,4}[.)]|[-•*–·▪◦]\s)").unwrap());

/// For each block, the block of the lead-in it is an item of ("The Supplier shall:" then "(a) ...;",
/// "(b) ..."), or `None`. Items follow the lead-in while they are list items, start with a list
/// label, or the item before them did not end a sentence; at most 20.
fn lead_ins(doc: &Document) -> Vec<Option<usize>> {
    use crate::model::BlockKind;
    let mut out = vec![None; doc.blocks.len()];
    let mut i = 0;
    while i < doc.blocks.len() {
        let t = doc.blocks[i].text.trim_end();
        // A heading that ends with a colon and reads like a sentence ("WE DO NOT WARRANT THAT:")
        // is a lead-in too.
        let short_heading =
            doc.blocks[i].kind == BlockKind::Heading && t.split_whitespace().nth(4).is_none();
        if !t.ends_with(':') || short_heading {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        let mut prev_open = true;
        while j < doc.blocks.len() && j - i <= 20 {
            let b = &doc.blocks[j];
            let text = b.text.trim();
            let item = b.kind == BlockKind::ListItem || LIST_LABEL.is_match(text) || prev_open;
            if !item || b.kind == BlockKind::Heading || text.ends_with(':') {
                break;
            }
            out[j] = Some(i);
            prev_open = !text.ends_with('.');
            j += 1;
        }
        i = j.max(i + 1);
    }
    out
}

/// How many sentences naming AI make a whole document about AI (an AI service's terms).
pub const DOCUMENT_AI_SENTENCES: usize = 5;

/// A definition of what a service gives back for what the user puts in: an output word and an
/// input word in one sentence.
static OUTPUT_FOR_INPUT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:outputs?|generated|completions?)\b[^.]{0,160}\b(?:inputs?|prompts?|quer(?:y|ies))\b|\b(?:inputs?|prompts?|quer(?:y|ies))\b[^.]{0,160}\b(?:outputs?|generated|completions?)\b").unwrap()
});

/// A word for what an AI service gives back.
static OUTPUT_WORD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\b(?:outputs?|generated|completions?)\b").unwrap());

/// A phrase that refers back to something the sentence before named: "these tools", "such
/// models", "those services".
static REFERENCE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:these|those|such)\s+(tool|model|service|system|feature|provider|application|app|platform|assistant|chatbot|technolog)(?:s|y|ies)?\b").unwrap()
});

/// The sentence with a phrase that refers back ("in these tools") replaced by the phrase it
/// refers to in the sentence before ("in approved third-party AI tools"): the noun and up to
/// four words before it, when they add something. `None` when there is nothing to resolve.
fn resolve_reference(text: &str, before: &str, lists: &Words) -> Option<String> {
    let r = REFERENCE.captures(text)?;
    let (whole, noun) = (r.get(0)?, r.get(1)?.as_str().to_ascii_lowercase());
    let words: Vec<&str> = before.split_whitespace().collect();
    let at = words.iter().rposition(|w| {
        w.trim_matches(|c: char| !c.is_alphanumeric())
            .to_ascii_lowercase()
            .starts_with(&noun)
    })?;
    let mut from = at;
    while from > 0 && at - from < 4 {
        let w = words[from - 1];
        let bare = w.trim_matches(|c: char| !c.is_alphanumeric() && c != '-');
        if bare.is_empty() || w.ends_with([',', ';', ':', '.', '(', ')']) || lists.phrase_stop(bare)
        {
            break;
        }
        from -= 1;
    }
    if from == at {
        return None;
    }
    let phrase = words[from..=at]
        .join(" ")
        .trim_end_matches(|c: char| !c.is_alphanumeric())
        .to_string();
    Some(format!(
        "{}{}{}",
        &text[..whole.start()],
        phrase,
        &text[whole.end()..]
    ))
}

/// How many sentences either side of a sentence that names AI, in the same paragraph, are in its
/// AI scope.
const AI_REACH: usize = 3;

/// Tells proper names from common words: a word the document never writes in lower case is a name
/// ("Acme uses", not "Information is"). Each word is looked for in the document when first asked
/// (a document asks about a few dozen words, far fewer than it has).
pub struct ProperNames<'d> {
    doc: &'d Document,
    words: &'d Words,
    /// The document's blocks joined with newlines, searched for each word asked about.
    text: OnceCell<String>,
    /// The answers so far, by the word in lower case.
    asked: std::cell::RefCell<rustc_hash::FxHashMap<String, bool>>,
}

impl<'d> ProperNames<'d> {
    fn new(doc: &'d Document, words: &'d Words) -> Self {
        ProperNames {
            doc,
            words,
            text: OnceCell::new(),
            asked: std::cell::RefCell::default(),
        }
    }

    /// Whether a capitalised word is a name in this document.
    fn is_name(&self, word: &str) -> bool {
        let lowered;
        let key = if word.bytes().all(|c| !c.is_ascii_uppercase()) {
            word
        } else {
            lowered = word.to_lowercase();
            lowered.as_str()
        };
        if let Some(&known) = self.asked.borrow().get(key) {
            return known;
        }
        // (A newline between blocks is neither a word byte nor part of an address.)
        let text = self.text.get_or_init(|| self.doc.text());
        let name = !written_in_lower_case(text, key);
        self.asked.borrow_mut().insert(key.to_string(), name);
        name
    }
}

/// A byte of a word, for [`written_in_lower_case`]: ASCII letters and digits and non-ASCII bytes.
fn word_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c >= 0x80
}

/// Whether `text` has `word` as a whole word that starts with a lower-case
/// letter, except in web and e-mail addresses ("trust.acme.com", "openrouter.ai/privacy",
/// "legal@acme.com"), which are written in lower case whatever they name. A word is a run of
/// [`word_byte`]s.
fn written_in_lower_case(text: &str, word: &str) -> bool {
    let w = word.as_bytes();
    if !w.first().is_some_and(u8::is_ascii_lowercase) || !w.iter().all(|&c| word_byte(c)) {
        return false;
    }
    let t = text.as_bytes();
    memchr::memmem::find_iter(t, w).any(|start| {
        let end = start + w.len();
        let whole =
            (start == 0 || !word_byte(t[start - 1])) && t.get(end).is_none_or(|&c| !word_byte(c));
        let after_address = start > 0 && matches!(t[start - 1], b'.' | b'/' | b'@');
        let before_address = matches!(t.get(end), Some(b'.' | b'@' | b'/'))
            && t.get(end + 1).is_some_and(u8::is_ascii_alphanumeric);
        whole && !after_address && !before_address
    })
}

/// A sentence that defines a term: `"Term" means`, `"Term" refers to` (not a term defined in
/// passing, `(the "Term")`).
static DEFINITION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"["“']([A-Z][A-Za-z0-9\- ]{1,40}?)["”']\s*(?:means|shall mean|has the meaning|refers to|is defined)"#)
        .unwrap()
});

/// The cheap test before [`REFERENCE`], all its words in one pass.
static REFERENCE_WORDS: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::new(["hese ", "hose ", "uch ", "HESE ", "HOSE ", "UCH "])
        .expect("fixed literal patterns")
});

/// A block that reads like a heading: short, no closing full stop.
fn heading_like(text: &str) -> bool {
    let t = text.trim();
    // (The ending first: it rules out most blocks without counting their words.)
    if t.ends_with(['.', ';', ',', ':']) {
        return false;
    }
    let words = t.split_whitespace().take(13).count();
    words > 0 && words <= 12
}

/// Reads every sentence of a document.
pub fn read<'d>(library: &'d Library, doc: &'d Document) -> Reading<'d> {
    let m = &library.matcher;
    let core = library.core;
    // Organisation names containing "AI", masked before asking whether a text is about AI.
    let parties = ai_party_names(doc, &library.words);
    let parties_ac = if parties.is_empty() {
        None
    } else {
        AhoCorasick::new(&parties).ok()
    };
    let names_ai = |ann: &Annotation, text: &str| -> bool {
        if !ann.has(core.ai) {
            return false;
        }
        match &parties_ac {
            Some(ac) if ac.is_match(text) => {
                let mut masked = text.to_string();
                for f in ac.find_iter(text) {
                    masked.replace_range(f.start()..f.end(), &"x".repeat(f.end() - f.start()));
                }
                m.annotate(&masked).has(core.ai)
            }
            _ => true,
        }
    };
    let names = ProperNames::new(doc, &library.words);
    // List items under a lead-in are read with it.
    let lead_in = lead_ins(doc);
    let is_lead: Vec<bool> = {
        let mut v = vec![false; doc.blocks.len()];
        lead_in.iter().flatten().for_each(|&l| v[l] = true);
        v
    };
    // One pass of the vocabulary over the blocks, split into their sentences; the raw hits of
    // list items and lead-ins are kept to compose their joined reading from.
    let mut anns: Vec<Annotation> = Vec::with_capacity(doc.sentences.len());
    let mut raws: Vec<Option<Raw>> = Vec::with_capacity(doc.sentences.len());
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    let runs: Vec<&[Sentence]> = doc.sentences.chunk_by(|a, b| a.block == b.block).collect();
    let texts: Vec<&str> = runs
        .iter()
        .map(|run| doc.blocks[run[0].block].text.as_str())
        .collect();
    for (run, scanned) in runs.iter().zip(m.scan(&texts)) {
        let block = run[0].block;
        let keep = lead_in[block].is_some() || is_lead[block];
        ranges.clear();
        ranges.extend(run.iter().map(|s| (s.start, s.end)));
        for (a, raw) in m.annotate_scanned(&doc.blocks[block].text, &scanned, &ranges, keep) {
            anns.push(a);
            raws.push(raw);
        }
    }
    let mut joined: Vec<Option<String>> = vec![None; doc.sentences.len()];
    for (k, s) in doc.sentences.iter().enumerate() {
        if let Some(l) = lead_in[s.block]
            && let Some(last) = (0..k).rev().find(|&j| doc.sentences[j].block == l)
            && let (Some(lead_raw), Some(item_raw)) = (&raws[last], &raws[k])
        {
            let lead = (doc.sentence_text(&doc.sentences[last]), lead_raw);
            let (text, ann) = m.annotate_joined(lead, (doc.sentence_text(s), item_raw));
            anns[k] = ann;
            joined[k] = Some(text);
        }
    }
    let list_item: Vec<bool> = joined.iter().map(Option::is_some).collect();
    // "We do not put your data in these tools": the tools are the ones the sentence before names.
    for k in 1..doc.sentences.len() {
        let s = &doc.sentences[k];
        let text = doc.sentence_text(s);
        // (A cheap test before the pattern: "these", "those" or "such" in any case.)
        let maybe = REFERENCE_WORDS.is_match(text);
        if joined[k].is_some() || !maybe || !REFERENCE.is_match(text) {
            continue;
        }
        // The nearest of the sentences before it in its paragraph that names what it refers to.
        let resolved = (k.saturating_sub(AI_REACH)..k)
            .rev()
            .take_while(|&j| doc.sentences[j].block == s.block)
            .find_map(|j| {
                let before = joined[j]
                    .as_deref()
                    .unwrap_or_else(|| doc.sentence_text(&doc.sentences[j]));
                resolve_reference(doc.sentence_text(s), before, &library.words)
            });
        if let Some(resolved) = resolved {
            anns[k] = m.annotate(&resolved);
            joined[k] = Some(resolved);
        }
    }
    let text_of = |k: usize| -> &str {
        joined[k]
            .as_deref()
            .unwrap_or_else(|| doc.sentence_text(&doc.sentences[k]))
    };
    // Terms the document defines as AI.
    let mut defined: Vec<String> = Vec::new();
    // Of those, the terms for what the AI gives back ("Suggestions").
    let mut outputs: Vec<String> = Vec::new();
    let mut ai_here: Vec<bool> = Vec::with_capacity(anns.len());
    for (k, ann) in anns.iter().enumerate() {
        let text = text_of(k);
        let here = names_ai(ann, text);
        if here && has_any(text, &['"', '“', '\'']) {
            for c in DEFINED.captures_iter(text) {
                if let Some(t) = c.get(1) {
                    let t = t.as_str().trim();
                    if t.len() >= 3
                        && !defined.iter().any(|d| d == t)
                        && !parties.iter().any(|p| p == t)
                    {
                        defined.push(t.to_string());
                    }
                }
            }
        }
        ai_here.push(here);
    }
    // In a document about AI, a term defined as what comes back for what the user puts in
    // ("receive code, outputs or other functions based on the Inputs (collectively,
    // 'Suggestions')") is the service's AI output, though the definition does not say AI.
    if !defined.is_empty() || ai_here.iter().filter(|h| **h).count() >= DOCUMENT_AI_SENTENCES {
        for k in 0..ai_here.len() {
            let text = text_of(k);
            if !has_any(text, &['"', '“']) || !OUTPUT_FOR_INPUT.is_match(text) {
                continue;
            }
            // The term the output words lead to, not the others defined beside it ("Inputs").
            let mut from = 0;
            for c in DEFINED.captures_iter(text) {
                let Some(t) = c.get(1) else { continue };
                let lead = &text[from..t.start()];
                from = c.get(0).map_or(t.end(), |m| m.end());
                let t = t.as_str().trim();
                if OUTPUT_WORD.is_match(lead) && t.len() >= 3 && !outputs.iter().any(|d| d == t) {
                    if !defined.iter().any(|d| d == t) {
                        defined.push(t.to_string());
                    }
                    outputs.push(t.to_string());
                }
            }
        }
    }
    let outputs_ac = (!outputs.is_empty())
        .then(|| AhoCorasick::new(&outputs).ok())
        .flatten();
    let defined_ac = if defined.is_empty() {
        None
    } else {
        AhoCorasick::new(&defined).ok()
    };
    if let Some(ac) = &defined_ac {
        for (k, here) in ai_here.iter_mut().enumerate() {
            if !*here && ac.is_match(text_of(k)) {
                *here = true;
            }
        }
    }
    // Heading context: the nearest heading-like block above each block, and whether it is about AI.
    let mut heading_ai = vec![false; doc.blocks.len()];
    let mut heading_of = vec![None; doc.blocks.len()];
    let mut current_heading = None;
    let mut current = false;
    let mut any_ai_heading = false;
    // A block's concepts: those of its sentences, already annotated (unless a sentence was read
    // with its lead-in or what it refers to; such a block is annotated again on its own).
    let mut block_concepts: Vec<Option<u64>> = vec![Some(0); doc.blocks.len()];
    for ((s, ann), joined) in doc.sentences.iter().zip(&anns).zip(&joined) {
        let c = &mut block_concepts[s.block];
        *c = c.filter(|_| joined.is_none()).map(|c| c | ann.concepts);
    }
    for (i, b) in doc.blocks.iter().enumerate() {
        let is_heading = b.kind == crate::model::BlockKind::Heading || heading_like(&b.text);
        if is_heading {
            current_heading = Some(i);
            let ann = match block_concepts[i] {
                Some(concepts) => {
                    let mut a = Annotation::default();
                    a.concepts = concepts;
                    a
                }
                None => m.annotate(&b.text),
            };
            current = names_ai(&ann, &b.text)
                || defined_ac.as_ref().is_some_and(|ac| ac.is_match(&b.text));
            any_ai_heading |= current;
        }
        heading_ai[i] = current;
        heading_of[i] = current_heading;
    }
    // A sentence that names AI puts the sentences near it in its paragraph (block) in AI scope,
    // and a lead-in about AI its items.
    let mut block_ai = vec![false; doc.blocks.len()];
    for (s, here) in doc.sentences.iter().zip(&ai_here) {
        block_ai[s.block] |= *here;
    }
    let near_ai = |k: usize| -> bool {
        let block = doc.sentences[k].block;
        (k.saturating_sub(AI_REACH)..(k + AI_REACH + 1).min(doc.sentences.len()))
            .any(|j| doc.sentences[j].block == block && ai_here[j])
    };
    let mut sentences = Vec::with_capacity(doc.sentences.len());
    let mut ai_sentences = 0;
    for (k, ((s, mut ann), joined_text)) in doc
        .sentences
        .iter()
        .zip(anns)
        .zip(joined.iter().cloned())
        .enumerate()
    {
        let text = text_of(k);
        let here = ai_here[k];
        ai_sentences += usize::from(here);
        let in_lead_in = lead_in[s.block].is_some_and(|l| block_ai[l]);
        let ai =
            here || near_ai(k) || in_lead_in || heading_ai.get(s.block).copied().unwrap_or(false);
        if let Some(c) = core.ai_output
            && outputs_ac.as_ref().is_some_and(|ac| ac.is_match(text))
        {
            ann.add(c);
        }
        if ai {
            // @ai in a rule's topic is satisfied by the clause or heading too.
            ann.add(core.ai);
        } else {
            // A name like "Acme AI Inc" does not make the sentence about AI.
            ann.concepts &= !(1u64 << core.ai);
        }
        let negated = ann.has(core.prohibition) || ann.has(core.negation);
        let carve_out_exception = carve_out_exception(library, &ann.hits);
        sentences.push(Analysed {
            sentence: *s,
            ann,
            predications: OnceCell::new(),
            ai_here: here,
            ai,
            negated,
            carve_out_exception,
            joined: joined_text,
            list_item: list_item[k],
        });
    }
    Reading {
        sentences,
        defines_ai: !defined.is_empty() || any_ai_heading,
        ai_sentences,
        heading_of,
        library,
        names,
    }
}

/// Whether an exception word appears that is not followed closely by a consent step.
fn carve_out_exception(library: &Library, hits: &[Hit]) -> bool {
    let m = &library.matcher;
    let core = library.core;
    let bit = |c: usize| 1u64 << c;
    hits.iter().enumerate().any(|(i, h)| {
        m.concepts_of(h.term) & bit(core.exception) != 0
            && !hits[i + 1..]
                .iter()
                .take_while(|n| n.start < h.end + 80)
                .any(|n| {
                    m.concepts_of(n.term) & (bit(core.approval) | bit(core.deemed_consent)) != 0
                })
    })
}

/// Whether a "may" or "can" at hit `i` is negated by a word before it since the previous modal
/// ("No Authority Data may be used").
fn negated_before(library: &Library, text: &str, hits: &[Hit], i: usize, from: usize) -> bool {
    let m = &library.matcher;
    let word = text
        .get(hits[i].start as usize..hits[i].end as usize)
        .unwrap_or("")
        .to_ascii_lowercase();
    if !matches!(word.as_str(), "may" | "can") {
        return false;
    }
    hits[..i]
        .iter()
        .rev()
        .take_while(|x| x.start as usize >= from)
        .any(|x| m.concepts_of(x.term) & (1u64 << library.core.negation) != 0)
}

/// Where the last clause of its own in `span` starts: after the last "that" or "whether" (a party
/// named before it is the subject of the verb before it: "You agree that ... Acme may use"), or
/// after a comma closing a subordinate clause; `None` when there is neither. Byte offset in `span`.
fn clause_start(span: &str, words: &Words) -> Option<usize> {
    let mut start = None;
    let mut subordinate = false;
    let mut at = 0;
    for word in span.split_inclusive(|c: char| c.is_whitespace() || c == ',' || c == ';') {
        let w = word.trim_end_matches(|c: char| c.is_whitespace() || c == ',' || c == ';');
        at += word.len();
        if w.eq_ignore_ascii_case("that") || w.eq_ignore_ascii_case("whether") {
            start = Some(at);
        } else if words.subordinator(w) {
            subordinate = true;
        }
        if word.ends_with(';') {
            subordinate = false;
        } else if word.ends_with(',') && subordinate {
            start = Some(at);
            subordinate = false;
        }
    }
    start
}

/// Finds each modal and the actor it binds: the last party named before it (since the previous
/// modal and since any "that" opening a clause of its own, unless that clause starts with "it" or
/// "they", which refer back), unless that party name is an object ("Authority Data", "the
/// Customer's"); failing that, "by the Supplier" after it; failing that, the actor of the previous
/// modal when this one follows "and" or "or" (a shared subject); failing that, no party. A
/// sentence of five words or more with no modal at all is a [`Modality::Statement`] by the first
/// party it names as a subject, or by no party.
fn predications(
    library: &Library,
    text: &str,
    hits: &[Hit],
    names: &ProperNames<'_>,
) -> Vec<Predication> {
    let m = &library.matcher;
    let core = library.core;
    let bit = |c: usize| 1u64 << c;
    let disclaimer = core.disclaimer.map_or(0, bit);
    let modal_mask = bit(core.obligation)
        | bit(core.prohibition)
        | bit(core.permissive)
        | bit(core.waiver)
        | disclaimer;
    let mut out = Vec::new();
    let mut from = 0usize;
    for (i, h) in hits.iter().enumerate() {
        let c = m.concepts_of(h.term);
        if c & modal_mask == 0 {
            continue;
        }
        let word = text.get(h.start as usize..h.end as usize).unwrap_or("");
        let modality = if c & (bit(core.waiver) | disclaimer) != 0 {
            Modality::Waiver
        } else if library.words.statement_negation(word) {
            // "does not use", "are not used", "never": a negated statement, not a modal.
            Modality::Statement
        } else if c & bit(core.prohibition) != 0 {
            Modality::Prohibition
        } else if c & bit(core.obligation) != 0 {
            Modality::Obligation
        } else if negated_before(library, text, hits, i, from) {
            // "No Authority Data may be used ...", "nothing ... can": a prohibition.
            Modality::Prohibition
        } else {
            Modality::Permissive
        };
        let is_actor = |j: usize, hit: &Hit| party_at(library, text, hits, j, hit);
        // A clause of its own opened by "that" since the previous modal.
        let span = text.get(from..h.start as usize).unwrap_or("");
        let since = clause_start(span, &library.words).map_or(from, |end| {
            let rest = span[end..].trim_start();
            let refers_back = ["it ", "they "].iter().any(|p| {
                rest.get(..p.len())
                    .is_some_and(|r| r.eq_ignore_ascii_case(p))
            });
            if refers_back { from } else { from + end }
        });
        // A name straight before the modal is its subject ("Meta will", "Acme does not").
        let party = hits[..i]
            .iter()
            .enumerate()
            .rev()
            .take_while(|(_, x)| x.start as usize >= since)
            .find_map(|(j, x)| is_actor(j, x).map(|a| (a, Binding::Named(x.start, x.end))));
        // A party named straight before the modal is its subject; failing that, a name there.
        let adjacent = party.is_some_and(|(_, b)| {
            matches!(b, Binding::Named(_, end) if text.get(end as usize..h.start as usize)
                .is_some_and(|gap| gap.trim().is_empty()))
        });
        // "We do not", "we never": the modal term names its subject itself.
        let own_subject = word
            .get(..3)
            .is_some_and(|w| w.eq_ignore_ascii_case("we "))
            .then_some((Actor::Supplier, Binding::Named(h.start, h.start + 2)));
        let before = if adjacent {
            party
        } else {
            own_subject
                .or_else(|| name_before(text, h.start as usize, names))
                .or(party)
        };
        // "... and that the individual may ask for a review": a right of the people a decision
        // is about (neither party), given in the active voice, is not a permission of the supplier.
        let affected = || {
            if modality != Modality::Permissive || passive_after(text, h.end as usize) {
                return None;
            }
            let span = text.get(since..h.start as usize)?;
            let at = library.words.affected_people_at_end(span)?;
            let end = since + span.trim_end().len();
            Some((
                Actor::Buyer,
                Binding::Named((since + at) as u32, end as u32),
            ))
        };
        let (actor, binding) = before.or_else(affected).unwrap_or_else(|| {
            // "by the Supplier" after a passive modal.
            hits[i + 1..]
                .iter()
                .enumerate()
                .take_while(|(_, x)| x.start < h.end + 120)
                .find_map(|(k, x)| {
                    let pre = text.get(..x.start as usize).unwrap_or("").trim_end();
                    let pre = pre.strip_suffix("the").unwrap_or(pre).trim_end();
                    if pre.ends_with("by") {
                        is_actor(i + 1 + k, x).map(|a| (a, Binding::Agent(x.start, x.end)))
                    } else {
                        None
                    }
                })
                .or_else(|| {
                    // "The Council shall keep a register ... and shall decide": a modal straight
                    // after "and" or "or" shares the subject of the modal before it.
                    let pre = text.get(..h.start as usize).unwrap_or("").trim_end();
                    let coordinated = [" and", " or", ",and", ",or"]
                        .iter()
                        .any(|c| pre.ends_with(c));
                    out.last()
                        .filter(|_| coordinated)
                        .map(|p: &Predication| (p.actor, Binding::Shared))
                })
                .unwrap_or((Actor::Neutral, Binding::Unnamed))
        });
        let actor = if actor == Actor::Neutral
            && modality == Modality::Obligation
            && users_own_object(library, text, &hits[..i], h.start as usize)
        {
            Actor::Buyer
        } else {
            actor
        };
        out.push(Predication {
            actor,
            modality,
            at: h.start as usize,
            negative: c & bit(core.prohibition) != 0,
            binding,
        });
        from = h.end as usize;
    }
    // A definition states what a term means, not what anyone does.
    let defines =
        text.contains(" means ") || (has_any(text, &['"', '“', '\'']) && DEFINITION.is_match(text));
    // A clause with a plain verb before the first modal: "you own the Output, and Acme does not
    // claim it" is a statement by the buyer beside the supplier's refusal.
    if let Some(first) = out.first().map(|p| p.at)
        && !defines
        && let Some((actor, binding)) = hits
            .iter()
            .enumerate()
            .take_while(|(_, x)| (x.end as usize) < first)
            .filter(|(_, x)| subject_verb(text, x, &library.words) == Some(true))
            .find_map(|(j, x)| {
                party_at(library, text, hits, j, x).map(|a| (a, Binding::Named(x.start, x.end)))
            })
            .or_else(|| {
                NAMED_SUBJECT
                    .find(text)
                    .filter(|m| m.end() < first)
                    .and_then(|_| named_subject(text, names))
            })
    {
        out.insert(
            0,
            Predication {
                actor,
                modality: Modality::Statement,
                at: 0,
                negative: false,
                binding,
            },
        );
    }
    if out.is_empty() && !defines && text.split_whitespace().nth(4).is_some() && !heading_like(text)
    {
        // The subject: the first party followed by a verb ("We use", "Acme Ltd retains",
        // "you own"), not "customer support" or "provided to you".
        let (actor, binding) = hits
            .iter()
            .enumerate()
            .filter(|(_, x)| subject_verb(text, x, &library.words).is_some())
            .find_map(|(j, x)| {
                party_at(library, text, hits, j, x).map(|a| (a, Binding::Named(x.start, x.end)))
            })
            .or_else(|| named_subject(text, names))
            .or_else(|| {
                // "Our current list ...": the supplier's own statement.
                let t = text.trim_start_matches(|c: char| !c.is_alphabetic());
                let at = (text.len() - t.len()) as u32;
                (t.starts_with("Our ") || t.starts_with("OUR "))
                    .then_some((Actor::Supplier, Binding::Named(at, at + 3)))
            })
            .unwrap_or((Actor::Neutral, Binding::Unnamed));
        // "We require creators to label ...": the duty is the users', not the supplier's.
        let actor = if text.contains(" to ") && REQUIRES_USERS.is_match(text) {
            Actor::Buyer
        } else {
            actor
        };
        out.push(Predication {
            actor,
            modality: Modality::Statement,
            at: 0,
            negative: false,
            binding,
        });
    }
    out
}

/// Whether the verb after the modal ending at byte `end` is a passive ("may be used", "may
/// only be shared"), whose subject is what is acted on, not who acts.
fn passive_after(text: &str, end: usize) -> bool {
    let mut words = text.get(end..).unwrap_or("").split_whitespace();
    let first = words.next().unwrap_or("");
    let second = words.next().unwrap_or("");
    let adverb = ["only", "also", "then", "still", "not", "otherwise"]
        .iter()
        .any(|a| first.eq_ignore_ascii_case(a));
    first.eq_ignore_ascii_case("be") || (adverb && second.eq_ignore_ascii_case("be"))
}

/// Whether a passive duty before byte `at` is on a thing the buyer uses, named in a condition
/// before it: "if you use the Outputs for decisions about people, such Outputs shall undergo
/// human review" puts the review on the one who uses them, not on the supplier ("if you use the
/// service, your data will be deleted" does not: the data is not what the buyer uses).
fn users_own_object(library: &Library, text: &str, hits: &[Hit], at: usize) -> bool {
    let words = |from: usize| {
        text.get(from..at)
            .unwrap_or("")
            .split_whitespace()
            .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
            .filter(|w| !w.is_empty())
    };
    hits.iter().enumerate().any(|(j, x)| {
        let before = text.get(..x.start as usize).unwrap_or("").trim_end();
        let subordinate = before
            .rsplit(|c: char| !c.is_alphabetic())
            .next()
            .is_some_and(|w| library.words.subordinator(w));
        if !subordinate || party_at(library, text, hits, j, x) != Some(Actor::Buyer) {
            return false;
        }
        let mut after = words(x.end as usize);
        if !after.next().is_some_and(|v| library.words.use_verb(v)) {
            return false;
        }
        // The thing used: the first word after the verb that is not a determiner.
        let Some(object) = after.find(|w| {
            ![
                "the", "any", "such", "our", "your", "its", "their", "a", "an", "all",
            ]
            .iter()
            .any(|d| w.eq_ignore_ascii_case(d))
        }) else {
            return false;
        };
        // ... is the subject of the duty: named again after the comma that ends the condition.
        let tail = text.get(..at).unwrap_or("");
        let subject = &tail[tail.rfind(',').map_or(0, |c| c + 1)..];
        object.len() > 2
            && subject
                .split(|c: char| !c.is_alphanumeric())
                .any(|w| w.eq_ignore_ascii_case(object))
    })
}

/// A name at the start of a sentence followed by a verb in the third person ("Acme uses",
/// "Example Corp does not"): in terms that name the supplier by its brand, the supplier.
static NAMED_SUBJECT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[ \t]*(?:\(?[0-9a-zA-Z]{1,3}[.)]+[ \t]+)*(?:[^,;]{1,40},[ \t]+)?([A-Z][A-Za-z0-9_.&'-]*(?:[ \t]+[A-Z][A-Za-z0-9_.&'-]*){0,2})[ \t]+(?:(?:[a-z]+ly|hereby)[ \t]+)?([a-z]+s)(?-u:\b)")
        .unwrap()
});

/// Whether a party hit is the subject of a verb: `Some(true)` when a plain verb follows it ("you
/// own", "Acme retains"), `Some(false)` when it is a first- or second-person pronoun in subject
/// position followed by something else ("we will"), `None` when it is not a subject ("customer
/// support", "provided to you").
fn subject_verb(text: &str, x: &Hit, words: &Words) -> Option<bool> {
    let next = text.get(x.end as usize..).unwrap_or("").trim_start();
    let word = &next[..next
        .find(|c: char| !c.is_alphabetic())
        .unwrap_or(next.len())];
    if words.verb_after_subject(word)
        || (word.len() > 3
            && (word.ends_with(['s', 'S']) || word.ends_with("ed") || word.ends_with("ED")))
    {
        return Some(true);
    }
    let pronoun = text
        .get(x.start as usize..x.end as usize)
        .is_some_and(|w| ["we", "you"].iter().any(|p| w.eq_ignore_ascii_case(p)));
    if !pronoun {
        return None;
    }
    let before = text.get(..x.start as usize).unwrap_or("").trim_end();
    let last = before.rsplit(char::is_whitespace).next().unwrap_or("");
    let object = [
        "to", "with", "for", "by", "from", "of", "on", "about", "give", "gives", "tell", "tells",
        "let", "lets",
    ]
    .iter()
    .any(|p| last.eq_ignore_ascii_case(p));
    (!object).then_some(false)
}

/// A statement that puts a duty on the service's users ("we require creators to label", "we ask
/// users to review"): it binds the buyer side, not the supplier who states it.
static REQUIRES_USERS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:requires?|asks?|expects?|instructs?|obliges?)\s+(?:all\s+|our\s+|its\s+|the\s+)?(?:creators?|users?|advertisers?|developers?|publishers?|customers?|you|members|account holders?)\s+to\b").unwrap()
});

/// The supplier, when the word or two straight before a modal at `at` are a name ("Meta will",
/// "Example Corp does not"), not a common word or a party the library knows.
fn name_before(text: &str, at: usize, names: &ProperNames<'_>) -> Option<(Actor, Binding)> {
    let pre = text.get(..at)?.trim_end();
    let word = pre
        .rsplit(|c: char| c.is_whitespace() || c == '(' || c == '"' || c == '“')
        .next()?
        .trim_end_matches(['’', '\'', ',', ':', ';']);
    let first = word.chars().next()?;
    if !first.is_uppercase()
        || word.len() < 2
        || word.chars().all(|c| c.is_uppercase() || !c.is_alphabetic())
        || names.words.not_name(word)
        || names.words.thing(word)
        || !names.is_name(word.trim_end_matches('.'))
    {
        return None;
    }
    // (The word is a slice of the text: its offset is where it starts.)
    let start = (word.as_ptr() as usize - text.as_ptr() as usize) as u32;
    Some((
        Actor::Supplier,
        Binding::Name(start, start + word.len() as u32),
    ))
}

/// The supplier, when a sentence opens with a name (not a word of the library, not a common
/// sentence opener) and a verb in the third person.
fn named_subject(text: &str, names: &ProperNames<'_>) -> Option<(Actor, Binding)> {
    let c = NAMED_SUBJECT.captures(text)?;
    // "The Acme Gateway acts ...": a product of the supplier named with an article.
    let whole = c.get(1)?;
    let name = whole.as_str();
    let name = name
        .strip_prefix("The ")
        .filter(|rest| rest.starts_with(char::is_uppercase))
        .unwrap_or(name);
    let end = whole.end() as u32;
    let binding = Binding::Name(end - name.len() as u32, end);
    let first = name.split_whitespace().next().unwrap_or(name);
    let common = names.words.not_name(first)
        || !names.is_name(first.trim_end_matches(['.', '’', '\'']))
        || names.words.ends_with_thing(name);
    (!common).then_some((Actor::Supplier, binding))
}

/// The party a hit names when it is an actor, not an object ("Authority Data", "Customer's" and
/// "Supplier Personnel" are objects or other people).
fn party_at(library: &Library, text: &str, hits: &[Hit], j: usize, hit: &Hit) -> Option<Actor> {
    let m = &library.matcher;
    let core = library.core;
    let bit = |c: usize| 1u64 << c;
    let cc = m.concepts_of(hit.term);
    if cc & (bit(core.supplier) | bit(core.buyer)) == 0 {
        return None;
    }
    let rest = text.get(hit.end as usize..).unwrap_or("");
    if rest.starts_with("'s") || rest.starts_with("’s") || rest.starts_with("s'") {
        return None;
    }
    // A possessive determiner names whose something is, never who acts ("your Content").
    let word = text.get(hit.start as usize..hit.end as usize).unwrap_or("");
    if ["your", "our", "their", "its"]
        .iter()
        .any(|p| word.eq_ignore_ascii_case(p))
    {
        return None;
    }
    if let Some(next) = hits.get(j + 1)
        && next.start as usize <= hit.end as usize + 1
        && m.concepts_of(next.term) & bit(core.data) != 0
    {
        return None;
    }
    Some(if cc & bit(core.supplier) != 0 {
        Actor::Supplier
    } else {
        Actor::Buyer
    })
}

#[cfg(test)]
mod tests {
    use super::{resolve_reference, written_in_lower_case};
    use crate::library::Library;

    #[test]
    fn a_reference_back_takes_the_phrase_it_refers_to() {
        let words = &Library::builtin().words;
        let resolve_reference = |a, b| resolve_reference(a, b, words);
        let before =
            "We process limited data using approved third-party AI tools to debug the product.";
        assert_eq!(
            resolve_reference("We do not put your files in these tools.", before).as_deref(),
            Some("We do not put your files in approved third-party AI tools.")
        );
        // Nothing to add: the noun stands alone before.
        assert_eq!(
            resolve_reference("Such tools are reviewed.", "We use tools."),
            None
        );
        // The sentence before does not name the thing referred to.
        assert_eq!(
            resolve_reference(
                "These models are hosted in the UK.",
                "We use approved AI tools."
            ),
            None
        );
    }

    #[test]
    fn words_of_web_addresses_are_not_lower_case_words() {
        let text =
            "See trust.acme.com, (openrouter.ai/privacy) or mail legal@acme.com; it ends. Next";
        let lower = |w: &str| written_in_lower_case(text, w);
        for w in [
            "trust",
            "acme",
            "com",
            "openrouter",
            "ai",
            "privacy",
            "legal",
        ] {
            assert!(!lower(w), "{w}");
        }
        for w in ["mail", "or", "it", "ends"] {
            assert!(lower(w), "{w}");
        }
        // Capitalised words, parts of words and phrases are not lower-case words.
        for w in ["Next", "See", "next", "ma", "nds", "it ends", ""] {
            assert!(!lower(w), "{w:?}");
        }
    }
}
