//! AI disclosures: sections headed as AI disclosures, statements or FactSheets, and answers to
//! questions about AI ("Do you use AI in the delivery of the service?"). Each region says AI is
//! used, or not, and names what it covers; the document's main declaration is the first one
//! about the service (one about preparing the bid counts only when it says AI was used).

use std::collections::HashSet;
use std::sync::LazyLock;

use regex::Regex;

use super::context;
use crate::library::Lexicon;
use crate::library::lexicon::{Entry, normalise};
use crate::model::{AiDeclaration, Document, FeatureCategory};

/// What the disclosure analysis needs to know about a mention.
#[derive(Debug, Clone)]
pub struct MentionRef {
    /// Index into `doc.sentences`.
    pub sentence: usize,
    /// Vocabulary entry.
    pub entry: usize,
    /// Feature key (label, lower case).
    pub key: String,
    /// Category.
    pub category: FeatureCategory,
    /// Describes a capability (whether or not the sentence names the offering).
    pub describes: bool,
    /// Negated.
    pub negated: bool,
}

/// One disclosure region.
#[derive(Debug, Clone)]
struct Region {
    /// About preparing the bid, not delivering the service.
    bid_prep: bool,
    /// Says AI is used (true), not used (false), or cannot be told.
    says: Option<bool>,
    /// The sentence that says so.
    evidence: Option<usize>,
    /// The sentences in the region.
    sentences: Vec<usize>,
}

/// Disclosure regions, the main declaration, and what the declarations cover.
#[derive(Debug, Clone, Default)]
pub struct Disclosure {
    /// Region of each sentence.
    of_sentence: Vec<Option<usize>>,
    regions: Vec<Region>,
    /// The document's main declaration.
    pub main: Option<AiDeclaration>,
    products: HashSet<usize>,
    vendors: HashSet<String>,
    keys: HashSet<String>,
    categories: HashSet<FeatureCategory>,
    /// Word pairs of the sentences that describe AI in a declaration ("symptom checker").
    pairs: HashSet<String>,
    /// Every word of the declarations that do not deny AI (for the bid's own product names).
    words: HashSet<String>,
    /// Some declaration about the service says AI is used.
    affirms_ai: bool,
}

/// Words of a feature label that name no particular AI ("AI", "AI model", "artificial
/// intelligence system"): such a feature is covered by any declaration that AI is used.
const GENERIC_LABEL_WORDS: &[&str] = &[
    "ai",
    "a.i.",
    "artificial",
    "intelligence",
    "model",
    "models",
    "system",
    "systems",
    "tool",
    "tools",
    "technology",
    "technologies",
    "solution",
    "solutions",
    "capability",
    "capabilities",
    "feature",
    "features",
    "functionality",
];

/// Vendors as documents name them, beyond the vocabulary's vendor field.
const VENDOR_NAMES: &[(&str, &str)] = &[
    ("AWS", "Amazon Web Services"),
    ("Amazon", "Amazon Web Services"),
    ("Amazon Web Services", "Amazon Web Services"),
];

/// Most sentences an answer runs to.
const MAX_ANSWER_SENTENCES: usize = 40;

impl Disclosure {
    /// The sentence is in a region that does not deny AI.
    pub fn affirmative(&self, sentence: usize) -> bool {
        self.of_sentence
            .get(sentence)
            .copied()
            .flatten()
            .and_then(|r| self.regions.get(r))
            .is_some_and(|r| r.says != Some(false))
    }

    /// A declaration that does not deny AI names this feature by product, vendor, label or
    /// category ("other" is too vague to cover anything by category; a feature that names no
    /// particular AI, "AI models", is covered by any declaration that AI is used), or by what the document
    /// calls it: `subject` holds the word pairs it uses for the feature ("symptom checker"), and
    /// `own_name` the bid's own name for it ("FixFinder, our chatbot").
    pub fn covers(
        &self,
        lexicon: &Lexicon,
        entry: usize,
        key: &str,
        category: FeatureCategory,
        subject: &[String],
        own_name: Option<&str>,
    ) -> bool {
        let e: &Entry = lexicon.entry(entry);
        let generic = category == FeatureCategory::Other
            && !e.is_product()
            && own_name.is_none()
            && key
                .split_whitespace()
                .all(|w| GENERIC_LABEL_WORDS.contains(&w));
        (generic && self.affirms_ai)
            || own_name.is_some_and(|n| self.words.contains(n))
            || (e.is_product() && self.products.contains(&entry))
            || e.vendor().is_some_and(|v| self.vendors.contains(v))
            || self.keys.contains(key)
            || (category != FeatureCategory::Other && self.categories.contains(&category))
            || subject.iter().any(|p| self.pairs.contains(p))
    }
}

fn label_depth(title: &str) -> Option<usize> {
    let t = title.trim().trim_start_matches('#').trim();
    let first = t.split_whitespace().next()?;
    let first = first.trim_end_matches(['.', ':', ')']);
    if !first.is_empty()
        && first
            .split('.')
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
    {
        Some(first.split('.').count())
    } else if let Some(rest) = t
        .strip_prefix("Section ")
        .or_else(|| t.strip_prefix("Part "))
    {
        rest.split_whitespace().next().map(|n| n.split('.').count())
    } else {
        None
    }
}

fn hashes(title: &str) -> usize {
    title.trim().chars().take_while(|&c| c == '#').count()
}

/// Finds the regions, reads what each says, and picks the main declaration.
pub fn analyse(lexicon: &Lexicon, doc: &Document, mentions: &[MentionRef]) -> Disclosure {
    let mut by_sentence: Vec<Vec<&MentionRef>> = vec![Vec::new(); doc.sentences.len()];
    for m in mentions {
        if let Some(v) = by_sentence.get_mut(m.sentence) {
            v.push(m);
        }
    }
    let mut d = Disclosure {
        of_sentence: vec![None; doc.sentences.len()],
        ..Disclosure::default()
    };
    // (region, label depth, hashes) of the open heading region; (region, sentences) of the open answer.
    let mut heading_region: Option<(usize, Option<usize>, usize)> = None;
    let mut answer: Option<(usize, usize)> = None;
    let mut answer_block: Option<usize> = None;
    let mut last_block: Option<usize> = None;
    for (si, s) in doc.sentences.iter().enumerate() {
        let text = doc.sentence_text(s);
        let new_block = last_block != Some(s.block);
        last_block = Some(s.block);
        if new_block {
            let block = &doc.blocks[s.block];
            if context::is_heading(block) {
                answer = None;
                let title = block.text.as_str();
                let depth = label_depth(title);
                if let Some((_, open_depth, open_hashes)) = heading_region {
                    let closes = match (open_depth, depth) {
                        (Some(o), Some(t)) => t <= o,
                        _ if open_hashes > 0 && hashes(title) > 0 => hashes(title) <= open_hashes,
                        _ => !context::mentions_ai(title),
                    };
                    if closes {
                        heading_region = None;
                    }
                }
                if context::is_disclosure_heading(title) {
                    d.regions.push(Region {
                        bid_prep: context::is_bid_preparation(title),
                        says: None,
                        evidence: None,
                        sentences: Vec::new(),
                    });
                    heading_region = Some((d.regions.len() - 1, depth, hashes(title)));
                }
                continue;
            }
        }
        if context::is_question(text) {
            let about_ai = !by_sentence[si].is_empty() || context::mentions_ai(text);
            // "If yes, please give details." after the question keeps its answer open.
            if !about_ai && answer_block == Some(s.block) {
                continue;
            }
            answer = None;
            if about_ai {
                answer_block = Some(s.block);
                d.regions.push(Region {
                    bid_prep: context::is_bid_preparation(text),
                    says: None,
                    evidence: None,
                    sentences: Vec::new(),
                });
                answer = Some((d.regions.len() - 1, 0));
            }
            continue;
        }
        let region = match answer.as_mut() {
            Some((r, n)) if *n < MAX_ANSWER_SENTENCES => {
                *n += 1;
                Some(*r)
            }
            _ => heading_region.map(|(r, _, _)| r),
        };
        if let Some(r) = region {
            d.of_sentence[si] = Some(r);
            if let Some(region) = d.regions.get_mut(r) {
                region.sentences.push(si);
            }
        }
    }
    for region in &mut d.regions {
        read_region(doc, region, &by_sentence);
    }
    d.affirms_ai = d
        .regions
        .iter()
        .any(|r| r.says == Some(true) && !r.bid_prep);
    d.main = main_declaration(doc, &d, &by_sentence);
    collect_coverage(lexicon, doc, &mut d, &by_sentence);
    d
}

/// A negated statement that denies AI in general ("we do not use AI"), not a narrower matter.
fn denies_ai(text: &str, mentions: &[&MentionRef]) -> bool {
    mentions.iter().any(|m| m.negated)
        && !mentions.iter().any(|m| m.describes)
        && context::mentions_ai(text)
        && !context::is_scoped(text)
        && context::has_anchor(text)
}

fn read_region(doc: &Document, region: &mut Region, by_sentence: &[Vec<&MentionRef>]) {
    let first = region
        .sentences
        .first()
        .and_then(|&f| Some((f, doc.sentences.get(f)?)));
    if let Some((first, s)) = first
        && let Some(v) = context::yes_no(doc.sentence_text(s))
    {
        region.says = Some(v);
        region.evidence = Some(first);
        return;
    }
    for &si in &region.sentences {
        let Some(s) = doc.sentences.get(si) else {
            continue;
        };
        let ms = &by_sentence[si];
        if denies_ai(doc.sentence_text(s), ms) {
            region.says = Some(false);
            region.evidence = Some(si);
            return;
        }
        if ms.iter().any(|m| m.describes) {
            region.says = Some(true);
            region.evidence = Some(si);
            return;
        }
    }
}

fn main_declaration(
    doc: &Document,
    d: &Disclosure,
    by_sentence: &[Vec<&MentionRef>],
) -> Option<AiDeclaration> {
    // (loose, sentence, says, about the bid): declarations in a disclosure section or an answer
    // first, then statements elsewhere ("it has no machine learning" of one component), each in
    // document order.
    let mut candidates: Vec<(bool, usize, bool, bool)> = d
        .regions
        .iter()
        .filter_map(|r| Some((false, r.evidence?, r.says?, r.bid_prep)))
        .collect();
    for (si, s) in doc.sentences.iter().enumerate() {
        if d.of_sentence[si].is_some() || by_sentence[si].is_empty() {
            continue;
        }
        let text = doc.sentence_text(s);
        if !context::is_question(text) && denies_ai(text, &by_sentence[si]) {
            candidates.push((true, si, false, context::is_bid_preparation(text)));
        }
    }
    candidates.sort_by_key(|c| (c.0, c.1));
    let (_, si, says, _) = candidates
        .iter()
        .find(|c| !c.3)
        .or_else(|| candidates.iter().find(|c| c.3 && c.2))
        .copied()?;
    let s = doc.sentences.get(si)?;
    Some(AiDeclaration {
        says_ai_used: says,
        evidence: doc.sentence_evidence(s),
    })
}

/// A pointer to another part of the bid: "described in section 1", "see Q4", "set out in Part B".
static POINTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:described|set out|explained|detailed|listed|shown|see)\s+(?:in\s+|at\s+)?(?:section|part|question|paragraph)?\s*((?:Q\s?)?[0-9]+(?:\.[0-9]+)*|[A-Z][0-9]+(?:\.[0-9]+)*)\b")
        .unwrap_or_else(|e| panic!("bad built-in pattern: {e}"))
});

/// The section labels a sentence points to ("described in section 1" -> "1", "see Q4" -> "Q4").
fn pointed_sections(text: &str) -> Vec<String> {
    POINTER
        .captures_iter(text)
        .filter_map(|c| c.get(1))
        .map(|m| m.as_str().replace(' ', ""))
        .collect()
}

fn collect_coverage(
    lexicon: &Lexicon,
    doc: &Document,
    d: &mut Disclosure,
    by_sentence: &[Vec<&MentionRef>],
) {
    let vendors: HashSet<&str> = lexicon
        .entries()
        .iter()
        .filter_map(Entry::vendor)
        .filter(|v| *v != "various")
        .collect();
    for region in d.regions.iter().filter(|r| r.says != Some(false)) {
        // A declaration that points to where the bid describes its AI ("the classifier described
        // in section 1") covers what that section describes.
        let mut covered = region.sentences.clone();
        for &si in &region.sentences {
            let Some(s) = doc.sentences.get(si) else {
                continue;
            };
            for label in pointed_sections(doc.sentence_text(s)) {
                covered.extend(doc.sentences.iter().enumerate().filter_map(|(sj, o)| {
                    let section = doc.blocks.get(o.block)?.section.as_deref()?;
                    let inside = section == label
                        || section
                            .strip_prefix(label.as_str())
                            .is_some_and(|rest| rest.starts_with(['.', '(']));
                    inside.then_some(sj)
                }));
            }
        }
        covered.sort_unstable();
        covered.dedup();
        for &si in &covered {
            for m in by_sentence[si].iter().filter(|m| m.describes) {
                let e = lexicon.entry(m.entry);
                if e.is_product() {
                    d.products.insert(m.entry);
                }
                d.keys.insert(m.key.clone());
                d.categories.insert(m.category);
            }
            let Some(s) = doc.sentences.get(si) else {
                continue;
            };
            // Inside a declaration that AI is used, the declaration itself confirms the AI
            // reading: a word that elsewhere needs support ("an image classifier") names what
            // it covers here.
            let sentence = doc.sentence_text(s);
            for hits in lexicon.find_sentences(sentence, &[(0, sentence.len())]) {
                for h in hits {
                    let e = lexicon.entry(h.entry);
                    if e.is_product() {
                        d.products.insert(h.entry);
                    }
                    d.keys.insert(e.label.to_lowercase());
                }
            }
            let text = doc.sentence_text(s);
            if by_sentence[si].iter().any(|m| m.describes) {
                d.pairs.extend(context::name_pairs(text));
            }
            let words: HashSet<String> = text
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(String::from)
                .collect();
            d.words.extend(words.iter().cloned());
            let named = |name: &str| {
                let parts: Vec<&str> = name.split_whitespace().collect();
                match parts.as_slice() {
                    [one] => words.contains(*one),
                    _ => {
                        normalise(text).contains(&normalise(name))
                            && parts.iter().all(|p| words.contains(*p))
                    }
                }
            };
            for v in &vendors {
                if named(v) {
                    d.vendors.insert((*v).to_string());
                }
            }
            for (alias, vendor) in VENDOR_NAMES {
                if named(alias) {
                    d.vendors.insert((*vendor).to_string());
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::pointed_sections;

    #[test]
    fn pointers_to_other_parts_of_the_bid() {
        assert_eq!(
            pointed_sections("the classifier described in section 1 is the only AI used"),
            ["1"]
        );
        assert_eq!(
            pointed_sections("see Q4 and set out in Part B2.1"),
            ["Q4", "B2.1"]
        );
        assert!(pointed_sections("We use AI to sort post.").is_empty());
    }
}
