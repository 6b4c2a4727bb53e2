//! The compiled vocabulary of a clause library: every literal term of every concept and rule in one
//! Aho-Corasick automaton whose matches start at word starts (see [`WordStartDfa`]; one pass over
//! all the blocks of a document, whose hits are then split into sentences), plus the few regular
//! expressions the library declares, each compiled when first used (a custom library's when it is
//! read).
//!
//! Term syntax in the library files:
//! - `word` or `two words`: a whole-word, case-insensitive literal;
//! - `train*`: a case-insensitive prefix (trains, trained, training);
//! - `re:PATTERN`: a regular expression (case-insensitive unless it says `(?-i)`);
//! - `@concept`: any term of a concept defined in `concepts.toml`.
//!
//! A regular expression that begins with a word boundary and literal words (`\bwithin\s+...`,
//! `\b(train|retrain)\w*...`) is *gated*: its first words go into the automaton as prefixes, and
//! the expression runs only on a text where the automaton saw one of them. Most texts never run
//! most expressions. (Gates compare ASCII letters without case, so a match that begins with a
//! Unicode-only case variant, such as the Kelvin sign for "k", is not seen.)

use std::collections::HashMap;

use regex::Regex;

use super::lazy::LazyRegex;
pub use super::wordstart::Hit;
use super::wordstart::{WordStartDfa, is_word_byte};

/// Index of a concept in the library.
pub type ConceptId = usize;

/// Most concepts a library may define (they are kept in a 64-bit set).
pub const MAX_CONCEPTS: usize = 64;

/// A group of alternatives: literals, concepts and regular expressions; it matches a sentence when
/// any of them does.
#[derive(Debug, Clone, Default)]
pub struct TermSet {
    /// Literal term ids.
    literals: Vec<u32>,
    /// The same, as a bit set indexed by term id.
    literal_bits: Vec<u64>,
    /// Concepts, as a bit set.
    concepts: u64,
    /// Regular expressions.
    regexes: Vec<Gated>,
}

/// A regular expression and its gate: it can match only a text whose annotation has the gate.
#[derive(Debug, Clone)]
struct Gated {
    re: LazyRegex,
    /// Index of the gate in [`Annotation::gates`], or `None`: always run.
    gate: Option<u32>,
}

impl Gated {
    /// Whether the expression can match the text the annotation is of.
    fn open(&self, a: &Annotation) -> bool {
        self.gate.is_none_or(|g| a.gates.binary_search(&g).is_ok())
    }
}

impl TermSet {
    /// Whether any alternative matches the annotated text.
    pub fn matches(&self, a: &Annotation, text: &str) -> bool {
        if self.concepts & a.concepts != 0 {
            return true;
        }
        // A few literals are looked up in the text's sorted terms; more, the other way round.
        let hit = if self.literals.len() <= 2 {
            self.literals.iter().any(|t| a.has_term(*t))
        } else {
            a.terms.iter().any(|&t| self.has_literal(t))
        };
        if hit {
            return true;
        }
        self.regexes
            .iter()
            .any(|r| r.open(a) && r.re.get().is_match(text))
    }

    /// Whether a term is one of the literals.
    fn has_literal(&self, term: u32) -> bool {
        let t = term as usize;
        self.literal_bits
            .get(t >> 6)
            .is_some_and(|w| w & (1u64 << (t & 63)) != 0)
    }

    /// The byte ranges where an alternative matches: literal and concept hits, and regular
    /// expression matches.
    pub fn spans(&self, a: &Annotation, matcher: &Matcher, text: &str) -> Vec<(usize, usize)> {
        let mut out: Vec<(usize, usize)> = a
            .hits
            .iter()
            .filter(|h| {
                self.has_literal(h.term) || matcher.concepts_of(h.term) & self.concepts != 0
            })
            .map(|h| (h.start as usize, h.end as usize))
            .collect();
        for r in self.regexes.iter().filter(|r| r.open(a)) {
            out.extend(r.re.get().find_iter(text).map(|m| (m.start(), m.end())));
        }
        out
    }
}

/// Every occurrence of a term in one text that starts at a word start, by start (not yet
/// tested for a word boundary at its end): what [`Matcher::scan`] gives per text.
#[derive(Debug, Clone, Default)]
pub struct Scanned(Vec<Hit>);

/// What the library's vocabulary finds in one text (a sentence or a heading).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Annotation {
    /// Literal hits, by start; terms strictly inside a longer concept term are dropped
    /// ("shall" inside "shall not", "not" inside "not to be unreasonably withheld").
    pub hits: Vec<Hit>,
    /// Sorted, de-duplicated term ids hit.
    terms: Vec<u32>,
    /// Concepts present, as a bit set.
    pub concepts: u64,
    /// Sorted, de-duplicated gates open in the text (see the module documentation).
    gates: Vec<u32>,
}

impl Annotation {
    /// Whether a literal term was hit.
    pub fn has_term(&self, term: u32) -> bool {
        self.terms.binary_search(&term).is_ok()
    }

    /// Whether a concept is present.
    pub fn has(&self, concept: ConceptId) -> bool {
        self.concepts & (1u64 << concept) != 0
    }

    /// Adds a concept (used for context the checker derives itself, e.g. defined AI terms).
    pub fn add(&mut self, concept: ConceptId) {
        self.concepts |= 1u64 << concept;
    }
}

/// The literal hits and gates of one text before they are ordered and its concepts worked out:
/// what [`Matcher::annotate_joined`] composes the annotation of two texts read as one from.
#[derive(Debug, Clone, Default)]
pub struct Raw {
    hits: Vec<Hit>,
    gates: Vec<u32>,
}

/// The compiled vocabulary.
#[derive(Debug, Clone)]
pub struct Matcher {
    /// Every term, in one automaton whose matches start at word starts.
    automaton: WordStartDfa,
    /// Per term: whether it is a prefix (no word boundary needed at its end).
    prefix: Vec<bool>,
    /// Per term: the concepts it belongs to.
    term_concepts: Vec<u64>,
    /// Per term: the gates it opens.
    term_gates: Vec<Vec<u32>>,
    /// Per term: whether it is only a gate (then it opens its gates but is not a hit).
    gate_only: Vec<bool>,
    /// Concept regular expressions: (concept, regex).
    concept_regexes: Vec<(ConceptId, Gated)>,
}

impl Matcher {
    /// Finds every term of the vocabulary in `text`.
    pub fn annotate(&self, text: &str) -> Annotation {
        let whole = [(0, text.len())];
        self.annotate_scanned(text, &self.occurrences(text, 0, text.len()), &whole, false)
            .pop()
            .map(|(a, _)| a)
            .unwrap_or_default()
    }

    /// The occurrences of every term in each of `texts` (the blocks of a document), from one
    /// reading of them all, for [`Matcher::annotate_scanned`].
    pub fn scan(&self, texts: &[&str]) -> Vec<Scanned> {
        let bytes: Vec<&[u8]> = texts.iter().map(|t| t.as_bytes()).collect();
        self.automaton
            .occurrences_each(&bytes)
            .into_iter()
            .map(Scanned)
            .collect()
    }

    /// Every term of the vocabulary in each range of `text` (the sentences of one block, in
    /// order, not overlapping), as [`Matcher::annotate`] finds them in each range on its own,
    /// from the occurrences [`Matcher::scan`] found in the whole text; with each range's [`Raw`]
    /// hits too when `keep` (for [`Matcher::annotate_joined`]).
    ///
    /// The ranges must be bounded by the text's ends, white space or punctuation (as sentences
    /// are), so that a word boundary at a range's edge reads the same inside the text.
    pub fn annotate_scanned(
        &self,
        text: &str,
        scanned: &Scanned,
        ranges: &[(usize, usize)],
        keep: bool,
    ) -> Vec<(Annotation, Option<Raw>)> {
        let raw = &scanned.0;
        // Per ungated concept regular expression, whether it matches the text at all (asked once,
        // when a range first needs it): a match inside a range is a match in the text. (A gated
        // one runs only on the ranges its gate opens, which is cheaper than the whole text.)
        let mut in_text: Vec<Option<bool>> = vec![None; self.concept_regexes.len()];
        let mut lo = 0;
        ranges
            .iter()
            .map(|&(s, e)| {
                while raw.get(lo).is_some_and(|r| (r.start as usize) < s) {
                    lo += 1;
                }
                let sentence = &text[s..e];
                let mut found = Raw::default();
                for r in raw[lo..].iter().take_while(|r| (r.start as usize) < e) {
                    // (A term starting inside the text after a word character never starts a
                    // range: ranges begin after white space or at the start.)
                    if r.end as usize <= e {
                        self.push_if_whole(&mut found, sentence.as_bytes(), r, s);
                    }
                }
                let kept = keep.then(|| found.clone());
                let a = self.finish(found, sentence, |i| {
                    let re = &self.concept_regexes[i].1;
                    re.gate.is_some()
                        || *in_text[i].get_or_insert_with(|| re.re.get().is_match(text))
                });
                (a, kept)
            })
            .collect()
    }

    /// The annotation of `lead`, a space and `item` without its leading white space (a list
    /// item read with its lead-in), exactly as [`Matcher::annotate`] gives it, composed from the
    /// two texts' [`Raw`] hits: only the terms that run from one into the other are looked for
    /// again. Returns the joined text too.
    pub fn annotate_joined(
        &self,
        (lead, lead_raw): (&str, &Raw),
        (item, item_raw): (&str, &Raw),
    ) -> (String, Annotation) {
        let trimmed = item.trim_start();
        let text = format!("{lead} {trimmed}");
        let shift = (lead.len() + 1) as u32 - (item.len() - trimmed.len()) as u32;
        let mut found = lead_raw.clone();
        // Terms that start in the lead-in and end past it (the longest term reaches back
        // furthest).
        let from = lead.len().saturating_sub(self.automaton.longest());
        for r in &self.occurrences(&text, from, lead.len()).0 {
            if r.end as usize > lead.len() {
                self.push_if_whole(&mut found, text.as_bytes(), r, 0);
            }
        }
        found.gates.extend_from_slice(&item_raw.gates);
        found.hits.extend(item_raw.hits.iter().map(|h| Hit {
            start: h.start + shift,
            end: h.end + shift,
            term: h.term,
        }));
        let a = self.finish(found, &text, |_| true);
        (text, a)
    }

    /// Adds occurrence `r` (of a text that `bytes`, starting at offset `base` of it, is part of)
    /// when it is a whole word, or a prefix term, in `bytes`: its gates, and the hit unless the
    /// term is only a gate.
    fn push_if_whole(&self, found: &mut Raw, bytes: &[u8], r: &Hit, base: usize) {
        let rs = r.start as usize - base;
        let re = r.end as usize - base;
        let before_ok = rs == 0 || !is_word_byte(bytes[rs - 1]);
        let after_ok =
            self.prefix[r.term as usize] || re >= bytes.len() || !is_word_byte(bytes[re]);
        if before_ok && after_ok {
            let t = r.term as usize;
            found.gates.extend_from_slice(&self.term_gates[t]);
            if !self.gate_only[t] {
                found.hits.push(Hit {
                    start: rs as u32,
                    end: re as u32,
                    term: r.term,
                });
            }
        }
    }

    /// Every occurrence of every term in `text` that starts at the start or after a byte that is
    /// not a word character (no other occurrence can pass the word-boundary test), ordered by
    /// start, in one pass of the automaton (see [`WordStartDfa`]).
    ///
    /// Only occurrences starting in `from..until` are given (the byte before `from` still decides
    /// whether a term may start there).
    fn occurrences(&self, text: &str, from: usize, until: usize) -> Scanned {
        let mut found = Vec::new();
        self.automaton
            .occurrences(text.as_bytes(), from, until, &mut found);
        Scanned(found)
    }

    /// Orders the literal hits of one text, drops concept terms inside longer ones, and adds the
    /// concepts, the terms and the concept regular expressions that match (`may_match(i)` false
    /// rules expression `i` out without running it).
    fn finish(
        &self,
        found: Raw,
        text: &str,
        mut may_match: impl FnMut(usize) -> bool,
    ) -> Annotation {
        let mut a = Annotation {
            hits: found.hits,
            gates: found.gates,
            ..Annotation::default()
        };
        a.hits.sort_by_key(|h| (h.start, std::cmp::Reverse(h.end)));
        // Drop concept terms strictly inside a longer concept term.
        // (They still count as literals of a rule: "notice" inside "without notice".)
        // (In place: every hit's term counts, a kept hit's concepts too.)
        let (mut cover_start, mut cover_end) = (0u32, 0u32);
        let (terms, concepts) = (&mut a.terms, &mut a.concepts);
        terms.reserve(a.hits.len());
        a.hits.retain(|h| {
            let c = self.term_concepts[h.term as usize];
            terms.push(h.term);
            let inside = h.end <= cover_end && (h.start > cover_start || h.end < cover_end);
            if c != 0 && inside {
                return false;
            }
            if c != 0 && h.end > cover_end {
                cover_end = h.end;
                cover_start = h.start;
            }
            *concepts |= c;
            true
        });
        a.terms.sort_unstable();
        a.terms.dedup();
        a.gates.sort_unstable();
        a.gates.dedup();
        let mut regex_hit = false;
        for (i, (c, re)) in self.concept_regexes.iter().enumerate() {
            if a.concepts & (1u64 << c) == 0
                && re.open(&a)
                && may_match(i)
                && let Some(m) = re.re.get().find(text)
            {
                a.concepts |= 1u64 << c;
                // A hit too, so that what follows it can see where the concept is ("unless the
                // Authority has approved", a consent step written as a pattern).
                a.hits.push(Hit {
                    start: m.start() as u32,
                    end: m.end() as u32,
                    term: self.regex_term(i),
                });
                regex_hit = true;
            }
        }
        if regex_hit {
            a.hits.sort_by_key(|h| (h.start, std::cmp::Reverse(h.end)));
        }
        a
    }

    /// The term id standing for concept regular expression `i` in hits: after the literals.
    fn regex_term(&self, i: usize) -> u32 {
        (self.prefix.len() + i) as u32
    }

    /// Concepts of a term (or of a concept's regular expression, see [`Matcher::annotate`]), as a
    /// bit set.
    pub fn concepts_of(&self, term: u32) -> u64 {
        let t = term as usize;
        match self.term_concepts.get(t) {
            Some(c) => *c,
            None => self
                .concept_regexes
                .get(t - self.term_concepts.len())
                .map_or(0, |(c, _)| 1u64 << c),
        }
    }
}

/// Builds a [`Matcher`]: concepts first, then rule terms.
#[derive(Debug, Default)]
pub struct MatcherBuilder {
    terms: Vec<String>,
    prefix: Vec<bool>,
    term_concepts: Vec<u64>,
    term_gates: Vec<Vec<u32>>,
    gate_only: Vec<bool>,
    /// Gates defined so far.
    gates: u32,
    index: HashMap<(String, bool), u32>,
    concept_regexes: Vec<(ConceptId, Gated)>,
    names: Vec<String>,
    /// Compile each regular expression when it is added, not when first used.
    eager: bool,
}

impl MatcherBuilder {
    /// Compiles each regular expression as it is added, so that one that does not compile is
    /// an error of the library (a custom library), instead of when first used (the built-in
    /// one, whose expressions a test compiles).
    pub fn compile_now(&mut self) {
        self.eager = true;
    }

    /// The id of a concept, if defined.
    pub fn concept(&self, name: &str) -> Option<ConceptId> {
        self.names.iter().position(|n| n == name)
    }

    /// Defines a concept (or extends one) with terms; errors name the bad term.
    pub fn define_concept(&mut self, name: &str, terms: &[&str]) -> Result<ConceptId, String> {
        let id = match self.concept(name) {
            Some(id) => id,
            None => {
                if self.names.len() >= MAX_CONCEPTS {
                    return Err(format!("too many concepts (at most {MAX_CONCEPTS})"));
                }
                self.names.push(name.to_string());
                self.names.len() - 1
            }
        };
        for t in terms {
            if let Some(re) = t.strip_prefix("re:") {
                let re = self.gated(re)?;
                self.concept_regexes.push((id, re));
            } else if t.starts_with('@') {
                return Err(format!(
                    "concept terms cannot refer to other concepts (\"{t}\")"
                ));
            } else {
                let term = self.literal(t)?;
                self.term_concepts[term as usize] |= 1u64 << id;
            }
        }
        Ok(id)
    }

    /// Adds one alternative to a term set; the error says what is wrong with it.
    pub fn add_to_set(&mut self, set: &mut TermSet, term: &str) -> Result<(), String> {
        if let Some(name) = term.strip_prefix('@') {
            match self.concept(name) {
                Some(id) => set.concepts |= 1u64 << id,
                None => {
                    return Err(format!(
                        "unknown concept \"@{name}\" (known: {})",
                        self.names
                            .iter()
                            .map(|n| format!("@{n}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                }
            }
        } else if let Some(re) = term.strip_prefix("re:") {
            let re = self.gated(re)?;
            set.regexes.push(re);
        } else {
            let id = self.literal(term)?;
            if let Err(pos) = set.literals.binary_search(&id) {
                set.literals.insert(pos, id);
                let t = id as usize;
                if set.literal_bits.len() <= t >> 6 {
                    set.literal_bits.resize((t >> 6) + 1, 0);
                }
                set.literal_bits[t >> 6] |= 1u64 << (t & 63);
            }
        }
        Ok(())
    }

    fn literal(&mut self, term: &str) -> Result<u32, String> {
        let (text, prefix) = match term.strip_suffix('*') {
            Some(t) => (t, true),
            None => (term, false),
        };
        let text = text.trim();
        if text.chars().count() < 2 {
            return Err(format!(
                "term \"{term}\" is too short (at least two characters)"
            ));
        }
        if text.contains('*') {
            return Err(format!(
                "term \"{term}\": '*' is allowed only at the end (a prefix)"
            ));
        }
        let id = self.term(text, prefix)?;
        self.gate_only[id as usize] = false;
        Ok(id)
    }

    /// The id of a term, added if new (as only a gate until [`MatcherBuilder::literal`] says
    /// otherwise).
    fn term(&mut self, text: &str, prefix: bool) -> Result<u32, String> {
        let key = (text.to_ascii_lowercase(), prefix);
        if let Some(id) = self.index.get(&key) {
            return Ok(*id);
        }
        let id = u32::try_from(self.terms.len()).map_err(|_| "too many terms".to_string())?;
        self.terms.push(key.0.clone());
        self.prefix.push(prefix);
        self.term_concepts.push(0);
        self.term_gates.push(Vec::new());
        self.gate_only.push(true);
        self.index.insert(key, id);
        Ok(id)
    }

    /// Compiles a regular expression with its gate, if it has one: its first words become
    /// prefix terms that open the gate.
    fn gated(&mut self, pattern: &str) -> Result<Gated, String> {
        let source = pattern.to_string();
        let re = if self.eager {
            LazyRegex::now(source, compile_regex)?
        } else {
            LazyRegex::new(source, compile_regex)
        };
        let Some(words) = gate_words(pattern) else {
            return Ok(Gated { re, gate: None });
        };
        let gate = self.gates;
        self.gates += 1;
        for w in words {
            let id = self.term(&w, true)?;
            self.term_gates[id as usize].push(gate);
        }
        Ok(Gated {
            re,
            gate: Some(gate),
        })
    }

    /// Compiles the automaton.
    pub fn build(self) -> Result<Matcher, String> {
        let automaton = WordStartDfa::new(&self.terms)
            .map_err(|e| format!("the term list could not be compiled: {e}"))?;
        Ok(Matcher {
            automaton,
            prefix: self.prefix,
            term_concepts: self.term_concepts,
            term_gates: self.term_gates,
            gate_only: self.gate_only,
            concept_regexes: self.concept_regexes,
        })
    }
}

/// The words one of which begins every match of a pattern at the start of a word, if the
/// pattern begins with a word boundary followed by literals: `\b(train|retrain)\w*` gives
/// "train" and "retrain", `\bA\.?I\b` "a.i" and "ai". Each is a prefix of a match, up to its
/// first non-ASCII or control character, lower-cased. `None` when some match could begin
/// otherwise (a class such as `[A-Z]`, a non-ASCII letter, a character that is not a letter or
/// digit).
fn gate_words(pattern: &str) -> Option<Vec<String>> {
    use regex_syntax::hir::literal::{ExtractKind, Extractor};
    use regex_syntax::hir::{Hir, HirKind, Look};
    // Case-sensitive: the literals as written (gates compare without case).
    let hir = regex_syntax::ParserBuilder::new()
        .build()
        .parse(pattern)
        .ok()?;
    let HirKind::Concat(parts) = hir.kind() else {
        return None;
    };
    let (first, rest) = parts.split_first()?;
    if !matches!(
        first.kind(),
        HirKind::Look(Look::WordUnicode | Look::WordAscii)
    ) {
        return None;
    }
    let seq = Extractor::new()
        .kind(ExtractKind::Prefix)
        .extract(&Hir::concat(rest.to_vec()));
    let mut words: Vec<String> = Vec::new();
    for lit in seq.literals()? {
        let bytes = lit.as_bytes();
        // (A literal that begins with anything else cannot be found at a word start.)
        if !bytes.first().is_some_and(u8::is_ascii_alphanumeric) {
            return None;
        }
        let word: String = bytes
            .iter()
            .take_while(|b| b.is_ascii() && !b.is_ascii_control())
            .map(|b| char::from(b.to_ascii_lowercase()))
            .collect();
        words.push(word);
    }
    // Gates are prefixes: "ai output" covers "ai outputs".
    words.sort();
    let mut kept: Vec<String> = Vec::with_capacity(words.len());
    for w in words {
        if !kept.last().is_some_and(|k| w.starts_with(k.as_str())) {
            kept.push(w);
        }
    }
    (!kept.is_empty()).then_some(kept)
}

fn compile_regex(pattern: &str) -> Result<Regex, String> {
    regex::RegexBuilder::new(pattern)
        .case_insensitive(true)
        .size_limit(1 << 20)
        .build()
        .map_err(|e| {
            let msg = e.to_string();
            let last = msg.lines().last().unwrap_or("").trim().to_string();
            format!("invalid regular expression \"{pattern}\": {last}")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The non-blank lines of the evaluation fixtures (text and Markdown).
    fn eval_lines() -> Vec<String> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/eval");
        let mut texts = Vec::new();
        let mut dirs = vec![root];
        while let Some(dir) = dirs.pop() {
            for path in std::fs::read_dir(&dir).unwrap().flatten().map(|e| e.path()) {
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "txt" || e == "md")
                    && let Ok(text) = std::fs::read_to_string(&path)
                {
                    texts.extend(
                        text.lines()
                            .filter(|l| !l.trim().is_empty())
                            .map(String::from),
                    );
                }
            }
        }
        assert!(texts.len() > 100, "{} lines", texts.len());
        texts
    }

    /// The blocks of a document scanned in one reading are annotated as each alone, on the
    /// built-in library and the lines of the examples (blocks of every length).
    #[test]
    fn blocks_scanned_together_read_as_each_alone() {
        let library = crate::library::Library::builtin();
        let m = &library.matcher;
        let mut texts = eval_lines();
        // A block ending where a term could go on, and empty blocks.
        texts.extend(["data".into(), String::new(), "processing agreement".into()]);
        texts.push(texts.concat());
        let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
        let scanned = m.scan(&texts);
        assert_eq!(scanned.len(), texts.len());
        let mut hits = 0;
        for (t, s) in texts.iter().zip(&scanned) {
            let (got, _) = m.annotate_scanned(t, s, &[(0, t.len())], false).remove(0);
            assert_eq!(got, m.annotate(t), "{t:?}");
            hits += got.hits.len();
        }
        assert!(hits > 1000, "{hits} hits");
    }

    /// A list item read with its lead-in: the composed annotation is the one of the joined text,
    /// with terms that run across the junction ("shall not" + "use", a regular expression over
    /// both), on the built-in library and every pair of neighbouring sentences of the examples.
    #[test]
    fn joined_annotations_equal_the_joined_texts() {
        let library = crate::library::Library::builtin();
        let m = &library.matcher;
        let mut texts: Vec<String> = vec![
            "The Supplier shall not:".into(),
            "  use Buyer Data to train any model; or".into(),
            "Provider will not, without the Customer's prior written".into(),
            "consent, use Customer Content for machine".into(),
            "learning.".into(),
            "Data is deleted within".into(),
            "30 days of termination.".into(),
            "artificial".into(),
            "intelligence".into(),
        ];
        texts.extend(eval_lines());
        let raw = |t: &str| {
            m.annotate_scanned(t, &m.scan(&[t])[0], &[(0, t.len())], true)
                .pop()
                .and_then(|(_, r)| r)
                .unwrap()
        };
        let mut crossing = 0;
        for pair in texts.windows(2) {
            let (lead, item) = (pair[0].as_str(), pair[1].as_str());
            let (text, got) = m.annotate_joined((lead, &raw(lead)), (item, &raw(item)));
            assert_eq!(text, format!("{lead} {}", item.trim_start()));
            let want = m.annotate(&text);
            assert_eq!(got, want, "{text:?}");
            let apart = m.annotate(lead).hits.len() + m.annotate(item).hits.len();
            crossing += usize::from(want.hits.len() != apart);
        }
        assert!(crossing > 0, "some pairs have a term across the junction");
    }

    #[test]
    fn whole_words_prefixes_and_containment() {
        let mut b = MatcherBuilder::default();
        let obl = b.define_concept("obligation", &["shall"]).unwrap();
        let pro = b.define_concept("prohibition", &["shall not"]).unwrap();
        let mut set = TermSet::default();
        b.add_to_set(&mut set, "train*").unwrap();
        let m = b.build().unwrap();
        let a = m.annotate("The Supplier shall not use data for training.");
        assert!(a.has(pro));
        assert!(!a.has(obl), "shall inside shall not is dropped");
        assert!(set.matches(&a, ""));
        let a = m.annotate("Marshall trainee");
        assert!(!a.has(obl));
        assert!(set.matches(&a, ""), "prefix terms match longer words");
    }

    #[test]
    fn patterns_that_begin_with_words_are_gated_by_them() {
        let words = |p: &str| gate_words(p).map(|w| w.join(" "));
        assert_eq!(
            words(r"\b(train|fine-tun|retrain)\w*\s+models?\b").as_deref(),
            Some("fine-tun retrain train")
        );
        assert_eq!(words(r"(?-i)\bA\.?I\b").as_deref(), Some("a.i ai"));
        assert_eq!(words(r"(?-i)\bAI Outputs?\b").as_deref(), Some("ai output"));
        // A class, no leading boundary, or a non-word first character: no gate.
        assert_eq!(words(r"(?-i)\b(?:the|[A-Z][\w-]*) Models\b"), None);
        assert_eq!(words(r"within\s+\d+"), None);
        assert_eq!(words(r"\b\(\d+\)"), None);
    }

    #[test]
    fn gated_patterns_match_as_before_and_gate_words_are_not_hits() {
        let mut b = MatcherBuilder::default();
        let period = b
            .define_concept("period", &[r"re:\bwithin\s+\d+\s+days\b"])
            .unwrap();
        let training = b.define_concept("training", &["train*"]).unwrap();
        let mut set = TermSet::default();
        b.add_to_set(&mut set, r"re:\btrain\w*\s+(?:\w+\s+){0,3}models?\b")
            .unwrap();
        let m = b.build().unwrap();
        let a = m.annotate("Notify us WITHIN 30 DAYS.");
        assert!(a.has(period), "the gate compares without case");
        let a = m.annotate("within the month, not 30 days");
        assert!(!a.has(period));
        assert!(
            a.hits.is_empty(),
            "a gate word alone is not a hit: {:?}",
            a.hits
        );
        let text = "We never train our own models on it.";
        let a = m.annotate(text);
        assert!(a.has(training), "a term that is also a gate stays a hit");
        assert!(set.matches(&a, text));
        let text = "Models are not retrained.";
        assert!(!set.matches(&m.annotate(text), text));
    }

    #[test]
    fn bad_terms_are_explained() {
        let mut b = MatcherBuilder::default();
        // (As a custom library is read: expressions compiled when added.)
        b.compile_now();
        let mut set = TermSet::default();
        assert!(
            b.add_to_set(&mut set, "re:(unclosed")
                .unwrap_err()
                .contains("invalid regular")
        );
        assert!(
            b.add_to_set(&mut set, "@nope")
                .unwrap_err()
                .contains("unknown concept")
        );
        assert!(
            b.add_to_set(&mut set, "a")
                .unwrap_err()
                .contains("too short")
        );
    }
}
