//! The AI-feature vocabulary: techniques by strength, product and brand names with aliases and
//! vendors, and the context rules that keep ambiguous words (RAG, LLM, GPT, smart, model, Joule,
//! Bedrock ...) from counting without support.
//!
//! The built-in vocabulary is `clause-library/ai-lexicon.toml`, compiled into the binary and
//! compiled once into two Aho-Corasick automatons (case-insensitive phrases, case-sensitive
//! acronyms and brand words), so a document is searched in one pass and the context regular
//! expressions run only around a hit. Custom vocabularies in the same format are validated with
//! the file and line of every problem.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, OnceLock};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use regex::Regex;
use serde::Deserialize;

use super::diag::{Diagnostic, Span, render};
use super::lazy::LazyRegex;
use crate::model::{FeatureBasis, FeatureCategory};

/// The built-in vocabulary's source.
pub(super) const BUILTIN: &str = include_str!("../../clause-library/ai-lexicon.toml");

/// A vocabulary that could not be loaded, with the file and line of every problem.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LexiconError {
    /// The file is not valid TOML, or not in the vocabulary's format.
    #[error("{0}")]
    Syntax(Diagnostic),
    /// The file was read, and these problems found in its entries.
    #[error("{}", render(.0))]
    Invalid(Vec<Diagnostic>),
}

/// Compiled AI-feature vocabulary. Cheap to clone (shared).
#[derive(Debug, Clone)]
pub struct Lexicon {
    inner: Arc<Compiled>,
}

/// What an entry of the vocabulary names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryKind {
    /// A generic technique ("machine learning"), with its strength: 1 near-certain AI, 2 likely
    /// AI (needs the sentence to confirm it where the entry says so), 3 ambiguous (counts only
    /// with support and when nothing stronger is in the sentence).
    Technique {
        /// 1, 2 or 3.
        tier: u8,
    },
    /// A product or brand.
    Product {
        /// Who sells it.
        vendor: String,
        /// Products of one family in one sentence are one feature ("Azure OpenAI GPT-4o").
        family: Option<String>,
    },
}

/// One entry of the vocabulary.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Technique or product.
    pub kind: EntryKind,
    /// Label of the feature it reports: the product name, or the technique's short name.
    pub label: String,
    /// Kind of capability.
    pub category: FeatureCategory,
    /// Named AI (a technique or product), or a function that implies it (products are named).
    pub basis: FeatureBasis,
    /// Label the feature with the word after the match ("AI-powered triage").
    pub next_word: bool,
    /// A generic technique whose category is read from what the sentence says it does.
    pub refine: bool,
    /// The sentence must match this for the entry to count (tier 2 and 3 terms, weak names).
    pub needs: Option<LazyRegex>,
    /// The sentence must not match this.
    pub unless: Option<LazyRegex>,
    /// Found anywhere in the document, this shows the word is used in another sense throughout
    /// ("AI (Adobe Illustrator) files"): the entry then never counts in that document.
    pub unless_document: Option<LazyRegex>,
    /// Every string the entry matches, as written in the vocabulary.
    pub names: Vec<String>,
}

/// How an entry's regular expression is compiled. Each is compiled when first used (a run needs
/// few, and compiling them all, each with the `@support` pattern inside, was most of the start-up
/// time), its syntax checked when the vocabulary is read.
fn compile(source: &str) -> Result<Regex, String> {
    Regex::new(source).map_err(|e| e.to_string())
}

impl Entry {
    /// The vendor, for products.
    pub fn vendor(&self) -> Option<&str> {
        match &self.kind {
            EntryKind::Product { vendor, .. } => Some(vendor),
            EntryKind::Technique { .. } => None,
        }
    }

    /// The tier, for techniques (products count as tier 1).
    pub fn tier(&self) -> u8 {
        match self.kind {
            EntryKind::Technique { tier } => tier,
            EntryKind::Product { .. } => 1,
        }
    }

    /// True for products and brands.
    pub fn is_product(&self) -> bool {
        matches!(self.kind, EntryKind::Product { .. })
    }
}

/// A match of the vocabulary in a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    /// Index of the entry ([`Lexicon::entry`]).
    pub entry: usize,
    /// Byte offset of the match.
    pub start: usize,
    /// Byte offset one past the match.
    pub end: usize,
    /// A weak name (an ordinary word too): counts only where the entry's `needs` matches.
    pub weak: bool,
}

#[derive(Debug)]
struct Compiled {
    name: String,
    version: String,
    support: Regex,
    entries: Vec<Entry>,
    /// Case-insensitive phrases.
    ci: Terms,
    ci_refs: Vec<(usize, bool)>,
    /// Case-sensitive acronyms and brand words.
    cs: Terms,
    cs_refs: Vec<(usize, bool)>,
}

/// The automaton of one set of the vocabulary's terms, built when first searched: a run that
/// reads no document (an unchanged index re-run) never needs it, and building the two DFAs was a
/// quarter of what start-up had left once the patterns were lazy. Only the built-in vocabulary is
/// used at run time, and a test builds both of its automata.
#[derive(Debug)]
struct Terms {
    patterns: Vec<String>,
    case_insensitive: bool,
    built: OnceLock<AhoCorasick>,
}

impl Terms {
    fn new(patterns: Vec<String>, case_insensitive: bool) -> Terms {
        Terms {
            patterns,
            case_insensitive,
            built: OnceLock::new(),
        }
    }

    /// The automaton, built on first use.
    fn automaton(&self) -> &AhoCorasick {
        self.built.get_or_init(|| {
            automaton(&self.patterns, self.case_insensitive)
                .unwrap_or_else(|e| panic!("the vocabulary's terms do not compile: {e}"))
        })
    }
}

static BUILTIN_LEXICON: LazyLock<Lexicon> = LazyLock::new(|| {
    // The built-in file is checked by the unit test below; an invalid one is a build defect.
    Lexicon::from_toml(BUILTIN, "clause-library/ai-lexicon.toml")
        .unwrap_or_else(|e| panic!("the built-in AI lexicon is invalid: {e}"))
});

// ---- file format -------------------------------------------------------------------------

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    name: String,
    version: String,
    support: Support,
    #[serde(default)]
    technique: Vec<TechniqueDef>,
    #[serde(default)]
    product: Vec<ProductDef>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Support {
    pattern: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TechniqueDef {
    label: toml::Spanned<String>,
    category: FeatureCategory,
    tier: u8,
    #[serde(default)]
    basis: FeatureBasis,
    #[serde(default)]
    next_word: bool,
    #[serde(default)]
    refine: bool,
    #[serde(default)]
    terms: Vec<String>,
    #[serde(default)]
    acronyms: Vec<String>,
    needs: Option<String>,
    unless: Option<String>,
    unless_document: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProductDef {
    name: toml::Spanned<String>,
    vendor: String,
    category: FeatureCategory,
    family: Option<String>,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    names: Vec<String>,
    #[serde(default)]
    weak: Vec<String>,
    needs: Option<String>,
    unless: Option<String>,
}

/// Accumulates entries and patterns while a file is validated.
struct Builder<'a> {
    file: &'a str,
    source: &'a str,
    support: String,
    problems: Vec<Diagnostic>,
    entries: Vec<Entry>,
    ci: Vec<String>,
    ci_refs: Vec<(usize, bool)>,
    cs: Vec<String>,
    cs_refs: Vec<(usize, bool)>,
    /// Pattern (lower-cased when case-insensitive) -> line of the entry that has it.
    seen: HashMap<(String, bool), usize>,
}

impl Builder<'_> {
    fn problem(&mut self, at: Span, what: &str, message: String) {
        self.problems.push(Diagnostic {
            file: Some(self.file.to_string()),
            span: Some(at),
            message: format!("{what}: {message}"),
        });
    }

    fn regex(
        &mut self,
        line: Span,
        what: &str,
        field: &str,
        src: Option<&str>,
    ) -> Option<LazyRegex> {
        let src = src?;
        let expanded = src.replace("@support", &format!("(?:{})", self.support));
        // (Valid syntax can still exceed the size limit when compiled; the vocabulary is not read
        // from users' files, and a test compiles every built-in pattern.)
        match regex_syntax::Parser::new().parse(&expanded) {
            Ok(_) => Some(LazyRegex::new(expanded, compile)),
            Err(e) => {
                self.problem(
                    line,
                    what,
                    format!("`{field}` is not a valid regular expression: {e}"),
                );
                None
            }
        }
    }

    fn pattern(&mut self, line: Span, what: &str, text: &str, case_sensitive: bool, weak: bool) {
        let text = text.trim();
        if text.is_empty() {
            self.problem(line, what, "an empty name or term".into());
            return;
        }
        let mut variants = vec![text.to_string()];
        if text.contains(' ') {
            variants.push(text.replace(' ', "-"));
        }
        let entry = self.entries.len();
        for v in variants {
            let key = if case_sensitive {
                v.clone()
            } else {
                v.to_lowercase()
            };
            match self.seen.get(&(key.clone(), case_sensitive)) {
                Some(&other) if other == line.line => continue,
                Some(&other) => {
                    self.problem(
                        line,
                        what,
                        format!("\"{v}\" is already listed by the entry at line {other}"),
                    );
                    continue;
                }
                None => {}
            }
            self.seen.insert((key, case_sensitive), line.line);
            if case_sensitive {
                self.cs.push(v);
                self.cs_refs.push((entry, weak));
            } else {
                self.ci.push(v);
                self.ci_refs.push((entry, weak));
            }
        }
    }

    fn technique(&mut self, def: TechniqueDef) {
        let line = Span::of(self.source, def.label.span().start);
        let label = def.label.into_inner();
        let what = format!("technique \"{label}\"");
        if !(1..=3).contains(&def.tier) {
            self.problem(line, &what, format!("tier is {}; use 1, 2 or 3", def.tier));
        }
        if def.tier == 3 && def.needs.is_none() {
            self.problem(
                line,
                &what,
                "a tier 3 (ambiguous) term needs a `needs` pattern saying what confirms it".into(),
            );
        }
        if def.terms.is_empty() && def.acronyms.is_empty() {
            self.problem(line, &what, "no `terms` or `acronyms` to match".into());
        }
        let needs = self.regex(line, &what, "needs", def.needs.as_deref());
        let unless = self.regex(line, &what, "unless", def.unless.as_deref());
        let unless_document = self.regex(
            line,
            &what,
            "unless_document",
            def.unless_document.as_deref(),
        );
        for t in &def.terms {
            self.pattern(line, &what, t, false, false);
        }
        for t in &def.acronyms {
            self.pattern(line, &what, t, true, false);
        }
        let mut names = def.terms;
        names.extend(def.acronyms);
        self.entries.push(Entry {
            kind: EntryKind::Technique { tier: def.tier },
            label,
            category: def.category,
            basis: def.basis,
            next_word: def.next_word,
            refine: def.refine,
            needs,
            unless,
            unless_document,
            names,
        });
    }

    fn product(&mut self, def: ProductDef) {
        let line = Span::of(self.source, def.name.span().start);
        let name = def.name.into_inner();
        let what = format!("product \"{name}\"");
        if def.aliases.is_empty() && def.names.is_empty() && def.weak.is_empty() {
            self.problem(
                line,
                &what,
                "no `aliases`, `names` or `weak` names to match".into(),
            );
        }
        if def.vendor.trim().is_empty() {
            self.problem(line, &what, "`vendor` is empty".into());
        }
        let needs = match def.needs.as_deref() {
            Some(n) => self.regex(line, &what, "needs", Some(n)),
            None if !def.weak.is_empty() => self.regex(line, &what, "needs", Some("@support")),
            None => None,
        };
        let unless = self.regex(line, &what, "unless", def.unless.as_deref());
        for t in &def.aliases {
            self.pattern(line, &what, t, false, false);
        }
        for t in &def.names {
            self.pattern(line, &what, t, true, false);
        }
        for t in &def.weak {
            self.pattern(line, &what, t, true, true);
        }
        let mut names = vec![name.clone()];
        names.extend(def.aliases);
        names.extend(def.names);
        names.extend(def.weak);
        self.entries.push(Entry {
            kind: EntryKind::Product {
                vendor: def.vendor,
                family: def.family,
            },
            label: name,
            category: def.category,
            basis: FeatureBasis::Named,
            next_word: false,
            refine: false,
            needs,
            unless,
            unless_document: None,
            names,
        });
    }
}

fn automaton(patterns: &[String], case_insensitive: bool) -> Result<AhoCorasick, String> {
    AhoCorasickBuilder::new()
        .match_kind(MatchKind::LeftmostLongest)
        .ascii_case_insensitive(case_insensitive)
        // A full DFA: built once per process, the fastest to search.
        .kind(Some(AhoCorasickKind::DFA))
        .build(patterns)
        .map_err(|e| e.to_string())
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

impl Lexicon {
    /// The vocabulary compiled into the binary (`clause-library/ai-lexicon.toml`), compiled once.
    pub fn builtin() -> Lexicon {
        BUILTIN_LEXICON.clone()
    }

    /// Reads and validates a vocabulary in the format of `clause-library/ai-lexicon.toml`;
    /// `file` names it in error messages.
    pub fn from_toml(source: &str, file: &str) -> Result<Lexicon, LexiconError> {
        let parsed: File = toml::from_str(source)
            .map_err(|e| LexiconError::Syntax(Diagnostic::toml(file, source, &e)))?;
        let support = parsed.support.pattern.clone();
        let mut b = Builder {
            file,
            source,
            support: support.clone(),
            problems: Vec::new(),
            entries: Vec::new(),
            ci: Vec::new(),
            ci_refs: Vec::new(),
            cs: Vec::new(),
            cs_refs: Vec::new(),
            seen: HashMap::new(),
        };
        let support = match Regex::new(&support) {
            Ok(r) => Some(r),
            Err(e) => {
                b.problems.push(Diagnostic::in_file(
                    file,
                    format!("[support] pattern is not a valid regular expression: {e}"),
                ));
                None
            }
        };
        for t in parsed.technique {
            b.technique(t);
        }
        for p in parsed.product {
            b.product(p);
        }
        match support {
            Some(support) if b.problems.is_empty() => Ok(Lexicon {
                inner: Arc::new(Compiled {
                    name: parsed.name,
                    version: parsed.version,
                    support,
                    entries: b.entries,
                    ci: Terms::new(b.ci, true),
                    ci_refs: b.ci_refs,
                    cs: Terms::new(b.cs, false),
                    cs_refs: b.cs_refs,
                }),
            }),
            _ => Err(LexiconError::Invalid(b.problems)),
        }
    }

    /// The vocabulary's name.
    pub fn name(&self) -> &str {
        &self.inner.name
    }

    /// The vocabulary's version.
    pub fn version(&self) -> &str {
        &self.inner.version
    }

    /// All entries.
    pub fn entries(&self) -> &[Entry] {
        &self.inner.entries
    }

    /// One entry.
    pub fn entry(&self, index: usize) -> &Entry {
        &self.inner.entries[index]
    }

    /// Words that confirm an AI reading of an ambiguous word.
    pub fn support(&self) -> &Regex {
        &self.inner.support
    }

    /// Every match in `text` on word boundaries, in order, without overlaps (the longer match
    /// wins). One pass per automaton; no context is checked here.
    pub fn find(&self, text: &str) -> Vec<Hit> {
        let c = &self.inner;
        let raw = [&c.ci, &c.cs]
            .into_iter()
            .enumerate()
            .flat_map(|(k, terms)| {
                terms
                    .automaton()
                    .find_iter(text)
                    .map(move |m| (k, m.pattern().as_usize(), m.start(), m.end()))
            });
        self.collect(text, raw)
    }

    /// The hits of [`Lexicon::find`] in each range of `text` (the sentences of one block, in
    /// order, not overlapping, bounded by white space or the text's ends), offsets relative to
    /// the range, from one pass of each automaton over the whole text. A range that a match of
    /// the pass runs into or out of is searched again on its own, so the result is always what
    /// [`Lexicon::find`] gives for the range alone.
    pub fn find_sentences(&self, text: &str, ranges: &[(usize, usize)]) -> Vec<Vec<Hit>> {
        let c = &self.inner;
        // (pattern, start, end) of every match of each automaton, by start.
        let passes: [Vec<(usize, usize, usize)>; 2] = [&c.ci, &c.cs].map(|terms| {
            terms
                .automaton()
                .find_iter(text)
                .map(|m| (m.pattern().as_usize(), m.start(), m.end()))
                .collect()
        });
        let mut lo = [0usize; 2];
        ranges
            .iter()
            .map(|&(s, e)| {
                let mut inside: [&[(usize, usize, usize)]; 2] = [&[], &[]];
                let mut crossed = false;
                for (k, pass) in passes.iter().enumerate() {
                    while pass.get(lo[k]).is_some_and(|m| m.2 <= s) {
                        lo[k] += 1;
                    }
                    let n = pass[lo[k]..].iter().take_while(|m| m.1 < e).count();
                    let here = &pass[lo[k]..lo[k] + n];
                    crossed |= here.iter().any(|m| m.1 < s || m.2 > e);
                    inside[k] = here;
                }
                let sentence = &text[s..e];
                if crossed {
                    return self.find(sentence);
                }
                let raw = inside
                    .into_iter()
                    .enumerate()
                    .flat_map(|(k, ms)| ms.iter().map(move |&(p, ms, me)| (k, p, ms - s, me - s)));
                self.collect(sentence, raw)
            })
            .collect()
    }

    /// Hits from raw matches in `text` (automaton 0 case-insensitive, 1 case-sensitive; each in
    /// order): word boundaries checked, ordered by start, overlaps dropped (longest first).
    fn collect(
        &self,
        text: &str,
        raw: impl Iterator<Item = (usize, usize, usize, usize)>,
    ) -> Vec<Hit> {
        let c = &self.inner;
        let mut hits: Vec<Hit> = Vec::new();
        for (k, pattern, start, end) in raw {
            let before = text[..start].chars().next_back();
            let after = text[end..].chars().next();
            let first = text[start..end].chars().next();
            let last = text[start..end].chars().next_back();
            // A boundary is needed only where the match itself starts or ends with a word
            // character ("A.I." may be followed by a letter of the next word).
            let left_ok = !(before.is_some_and(is_word_char) && first.is_some_and(is_word_char));
            let right_ok = !(after.is_some_and(is_word_char) && last.is_some_and(is_word_char));
            if !(left_ok && right_ok) {
                continue;
            }
            let refs = if k == 0 { &c.ci_refs } else { &c.cs_refs };
            if let Some(&(entry, weak)) = refs.get(pattern) {
                hits.push(Hit {
                    entry,
                    start,
                    end,
                    weak,
                });
            }
        }
        hits.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
        let mut out: Vec<Hit> = Vec::with_capacity(hits.len());
        for h in hits {
            if out.last().is_some_and(|last| h.start < last.end) {
                continue;
            }
            out.push(h);
        }
        out
    }

    /// The product whose name or alias is `name` (compared without case, spaces or hyphens).
    pub fn product_named(&self, name: &str) -> Option<usize> {
        let want = normalise(name);
        self.inner
            .entries
            .iter()
            .position(|e| e.is_product() && e.names.iter().any(|n| normalise(n) == want))
    }
}

/// A name for comparison: lower case, without spaces, hyphens or dots.
pub fn normalise(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(text: &str) -> Vec<String> {
        let lex = Lexicon::builtin();
        lex.find(text)
            .into_iter()
            .map(|h| lex.entry(h.entry).label.clone())
            .collect()
    }

    #[test]
    fn builtin_is_valid() {
        let lex = Lexicon::builtin();
        assert!(lex.entries().len() > 50);
        assert!(lex.product_named("azure open ai").is_some());
        // Every pattern compiles (they are compiled only when first used in a run).
        let mut compiled = 0;
        for e in lex.entries() {
            for p in [&e.needs, &e.unless, &e.unless_document]
                .into_iter()
                .flatten()
            {
                assert!(!p.get().as_str().is_empty());
                compiled += 1;
            }
        }
        assert!(compiled > 50, "{compiled} patterns");
        // And both automata of terms build.
        assert!(lex.inner.ci.automaton().patterns_len() > 50);
        assert!(lex.inner.cs.automaton().patterns_len() > 10);
    }

    #[test]
    fn acronyms_never_match_inside_words() {
        assert!(labels("Please maintain the email archive in Dubai; ai ddim.").is_empty());
        assert_eq!(labels("Our AI triage"), ["AI"]);
        assert!(labels("the ai of the matter").is_empty());
    }

    #[test]
    fn longest_phrase_wins() {
        assert_eq!(
            labels("built on Microsoft 365 Copilot and machine-learning"),
            ["Microsoft Copilot", "machine learning"]
        );
    }

    #[test]
    fn problems_name_file_and_line() {
        let src = "name = \"x\"\nversion = \"1\"\n[support]\npattern = 'AI'\n\n[[technique]]\nlabel = \"odd\"\ncategory = \"other\"\ntier = 3\nterms = [\"odd\"]\n\n[[product]]\nname = \"P\"\nvendor = \"V\"\ncategory = \"other\"\naliases = [\"odd\"]\nunless = '('\n";
        let Err(LexiconError::Invalid(problems)) = Lexicon::from_toml(src, "custom.toml") else {
            panic!("the entries are invalid");
        };
        let at: Vec<(usize, usize)> = problems
            .iter()
            .filter_map(|d| d.span.map(|s| (s.line, s.column)))
            .collect();
        assert_eq!(at, [(7, 9), (13, 8), (13, 8)], "{problems:?}");
        let err = render(&problems);
        assert!(
            err.contains("custom.toml:7: technique \"odd\": a tier 3"),
            "{err}"
        );
        assert!(
            err.contains(
                "custom.toml:13: product \"P\": \"odd\" is already listed by the entry at line 7"
            ),
            "{err}"
        );
        assert!(
            err.contains("custom.toml:13: product \"P\": `unless` is not a valid"),
            "{err}"
        );
        let err = Lexicon::from_toml("name = \"x\"\nversion = 1\n", "bad.toml").unwrap_err();
        assert!(matches!(&err, LexiconError::Syntax(d) if d.span.is_some_and(|s| s.line == 2)));
        assert!(err.to_string().starts_with("bad.toml:2:"), "{err}");
        let err = Lexicon::from_toml(
            "name = \"x\"\nversion = \"1\"\n[support]\npattern = 'AI'\n[[technique]]\nlabel = \"l\"\ncategory = \"magic\"\ntier = 1\nterms = [\"x\"]\n",
            "cat.toml",
        )
        .unwrap_err()
        .to_string();
        assert!(err.starts_with("cat.toml:7:"), "{err}");
    }
}
