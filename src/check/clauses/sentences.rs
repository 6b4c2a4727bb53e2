//! Sentence analysis: each sentence of a document annotated once with the library's concepts, and
//! read for who is bound (actor), how (modality), whether it is negated, and whether it is about AI
//! (in the sentence, the sentence before it in the same clause, or the heading above it, including
//! terms the document itself defines as AI, e.g. "AI Technologies" means ... machine learning).

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use regex::Regex;

use crate::library::Library;
use crate::library::matcher::{Annotation, Hit};
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
}

/// A sentence read once for every rule.
#[derive(Debug, Clone)]
pub struct Analysed {
    /// The sentence.
    pub sentence: Sentence,
    /// Concept and term hits.
    pub ann: Annotation,
    /// Modals and who they bind.
    pub predications: Vec<Predication>,
    /// About AI in itself.
    pub ai_here: bool,
    /// About AI in itself or through its context (clause, heading).
    pub ai: bool,
    /// Negated (a prohibition modal, or a negation word).
    pub negated: bool,
    /// An exception word that does not introduce a consent step ("except ... de-identified").
    pub carve_out_exception: bool,
}

impl Analysed {
    /// Whether any modal binds the supplier side (or no party) with this modality.
    pub fn supplier(&self, m: Modality) -> bool {
        self.predications
            .iter()
            .any(|p| p.modality == m && p.actor != Actor::Buyer)
    }

    /// Whether every modal binds the buyer.
    pub fn buyer_only(&self) -> bool {
        !self.predications.is_empty() && self.predications.iter().all(|p| p.actor == Actor::Buyer)
    }
}

/// A document read for the checker.
#[derive(Debug, Clone)]
pub struct Reading {
    /// Sentences in document order.
    pub sentences: Vec<Analysed>,
    /// The document defines an AI term or has a section about AI.
    pub defines_ai: bool,
    /// Number of sentences about AI in themselves.
    pub ai_sentences: usize,
    /// Per block: the index of the nearest heading (or heading-like block) at or above it.
    pub heading_of: Vec<Option<usize>>,
}

/// `"Term" means`, `(the "Term")`: a defined term.
static DEFINED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"["“']([A-Z][A-Za-z0-9\- ]{1,40}?)["”']\s*(?:\)|means|shall mean|has the meaning|refers to|includes|is defined|:)"#)
        .unwrap()
});

/// A block that reads like a heading: short, no closing full stop.
fn heading_like(text: &str) -> bool {
    let t = text.trim();
    let words = t.split_whitespace().take(13).count();
    words > 0 && words <= 12 && !t.ends_with(['.', ';', ',', ':'])
}

/// Reads every sentence of a document.
pub fn read(library: &Library, doc: &Document) -> Reading {
    let m = &library.matcher;
    let core = library.core;
    // Terms the document defines as AI.
    let mut defined: Vec<String> = Vec::new();
    // One pass of the vocabulary per block, split into its sentences.
    let mut anns: Vec<Annotation> = Vec::with_capacity(doc.sentences.len());
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    for run in doc.sentences.chunk_by(|a, b| a.block == b.block) {
        ranges.clear();
        ranges.extend(run.iter().map(|s| (s.start, s.end)));
        anns.extend(m.annotate_sentences(&doc.blocks[run[0].block].text, &ranges));
    }
    let mut anns: Vec<Annotation> = doc
        .sentences
        .iter()
        .zip(anns)
        .map(|(s, ann)| {
            let text = doc.sentence_text(s);
            if ann.has(core.ai) && text.contains(['"', '“', '\'']) {
                for c in DEFINED.captures_iter(text) {
                    if let Some(t) = c.get(1) {
                        let t = t.as_str().trim();
                        if t.len() >= 3 && !defined.iter().any(|d| d == t) {
                            defined.push(t.to_string());
                        }
                    }
                }
            }
            ann
        })
        .collect();
    let defined_ac = if defined.is_empty() {
        None
    } else {
        AhoCorasick::new(&defined).ok()
    };
    if let Some(ac) = &defined_ac {
        for (s, ann) in doc.sentences.iter().zip(anns.iter_mut()) {
            if !ann.has(core.ai) && ac.is_match(doc.sentence_text(s)) {
                ann.add(core.ai);
            }
        }
    }
    // Heading context: the nearest heading-like block above each block, and whether it is about AI.
    let mut heading_ai = vec![false; doc.blocks.len()];
    let mut heading_of = vec![None; doc.blocks.len()];
    let mut current_heading = None;
    let mut current = false;
    let mut any_ai_heading = false;
    for (i, b) in doc.blocks.iter().enumerate() {
        let is_heading = b.kind == crate::model::BlockKind::Heading || heading_like(&b.text);
        if is_heading {
            current_heading = Some(i);
            let ann = m.annotate(&b.text);
            current =
                ann.has(core.ai) || defined_ac.as_ref().is_some_and(|ac| ac.is_match(&b.text));
            any_ai_heading |= current;
        }
        heading_ai[i] = current;
        heading_of[i] = current_heading;
    }
    let mut sentences = Vec::with_capacity(doc.sentences.len());
    let mut prev_block = usize::MAX;
    let mut prev_ai = false;
    let mut ai_sentences = 0;
    for (s, ann) in doc.sentences.iter().zip(anns) {
        let text = doc.sentence_text(s);
        let ai_here = ann.has(core.ai);
        ai_sentences += usize::from(ai_here);
        let same_clause_ai = s.block == prev_block && prev_ai;
        let ai = ai_here || same_clause_ai || heading_ai.get(s.block).copied().unwrap_or(false);
        let predications = predications(library, text, &ann.hits);
        let mut ann = ann;
        if ai {
            // @ai in a rule's topic is satisfied by the clause or heading too.
            ann.add(core.ai);
        }
        let negated = ann.has(core.prohibition) || ann.has(core.negation);
        let carve_out_exception = carve_out_exception(library, &ann.hits);
        prev_ai = ai_here || same_clause_ai;
        prev_block = s.block;
        sentences.push(Analysed {
            sentence: *s,
            ann,
            predications,
            ai_here,
            ai,
            negated,
            carve_out_exception,
        });
    }
    Reading {
        sentences,
        defines_ai: !defined.is_empty() || any_ai_heading,
        ai_sentences,
        heading_of,
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

/// Finds each modal and the actor it binds: the last party named before it (since the previous
/// modal), unless that party name is an object ("Authority Data", "the Customer's"); failing that,
/// "by the Supplier" after it; failing that, the actor of the previous modal when this one follows
/// "and" or "or" (a shared subject); failing that, no party.
fn predications(library: &Library, text: &str, hits: &[Hit]) -> Vec<Predication> {
    let m = &library.matcher;
    let core = library.core;
    let bit = |c: usize| 1u64 << c;
    let modal_mask =
        bit(core.obligation) | bit(core.prohibition) | bit(core.permissive) | bit(core.waiver);
    let actor_mask = bit(core.supplier) | bit(core.buyer);
    let mut out = Vec::new();
    let mut from = 0usize;
    for (i, h) in hits.iter().enumerate() {
        let c = m.concepts_of(h.term);
        if c & modal_mask == 0 {
            continue;
        }
        let modality = if c & bit(core.waiver) != 0 {
            Modality::Waiver
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
        let is_actor = |j: usize, hit: &Hit| -> Option<Actor> {
            let cc = m.concepts_of(hit.term);
            if cc & actor_mask == 0 {
                return None;
            }
            // An object, not an actor: "Authority Data", "Customer's", "Supplier Personnel" counts.
            let rest = text.get(hit.end as usize..).unwrap_or("");
            if rest.starts_with("'s") || rest.starts_with("’s") || rest.starts_with("s'") {
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
        };
        let before = hits[..i]
            .iter()
            .enumerate()
            .rev()
            .take_while(|(_, x)| x.start as usize >= from)
            .find_map(|(j, x)| is_actor(j, x));
        let actor = before.unwrap_or_else(|| {
            // "by the Supplier" after a passive modal.
            hits[i + 1..]
                .iter()
                .enumerate()
                .take_while(|(_, x)| x.start < h.end + 120)
                .find_map(|(k, x)| {
                    let pre = text.get(..x.start as usize).unwrap_or("").trim_end();
                    let pre = pre.strip_suffix("the").unwrap_or(pre).trim_end();
                    if pre.ends_with("by") {
                        is_actor(i + 1 + k, x)
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
                        .map(|p: &Predication| p.actor)
                })
                .unwrap_or(Actor::Neutral)
        });
        out.push(Predication {
            actor,
            modality,
            at: h.start as usize,
        });
        from = h.end as usize;
    }
    out
}
