//! AI features and disclosure: what the document says the supplier's offering has or uses, and
//! what it declares about AI.
//!
//! 1. The vocabulary ([`Lexicon`]) is matched once per sentence (Aho-Corasick); context rules run
//!    only around a hit: ambiguous words need support, acronyms have their other meanings ruled
//!    out, brand words that are ordinary nouns need a product context.
//! 2. Each mention is placed: a question to the bidder, a definition, a governance clause ("the
//!    Supplier shall not use AI"), a policy statement, a negated statement ("we do not use AI"), or
//!    a description of the offering. Only descriptions become features; negated statements feed
//!    the declaration.
//! 3. Disclosure regions (`disclosure`): sections headed as AI disclosures or FactSheets, and
//!    answers to questions about AI. Each yields a declaration (AI used or not) and what it names
//!    (products, vendors, techniques, categories). A feature is disclosed when a declaration that
//!    does not deny AI covers it.
//! 4. One feature per product or technique per document, with the first description as evidence,
//!    and its standing in the approved-tools register when one is given.

pub(crate) mod context;
mod disclosure;

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;

use crate::library::lexicon::{EntryKind, Hit};
use crate::library::{Lexicon, Register};
use crate::model::{AiDeclaration, AiFeature, BlockKind, Document, FeatureBasis, FeatureCategory};

/// AI features a document describes, and its declaration.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Features {
    /// Features, in document order.
    pub features: Vec<AiFeature>,
    /// The document's AI declaration.
    pub declaration: Option<AiDeclaration>,
}

/// Where a mention sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// Describes the offering: a feature.
    Feature,
    /// Negated ("we do not use AI"): feeds the declaration.
    Negated,
    /// A question, definition, governance clause or policy statement: neither.
    Other,
}

/// One accepted mention of the vocabulary.
#[derive(Debug, Clone)]
struct Mention {
    /// Index into `doc.sentences`.
    sentence: usize,
    entry: usize,
    label: String,
    category: FeatureCategory,
    role: Role,
    /// The sentence (or the one before it in the block) speaks of the offering; products and
    /// mentions inside a disclosure need no anchor.
    anchored: bool,
    /// A technique named beside a product in the same sentence: part of that product's feature,
    /// but still named for disclosure.
    absorbed: bool,
    /// Word pairs just before the mention: what the document calls the feature ("symptom checker").
    subject: Vec<String>,
    /// The words matched, as written.
    matched: String,
    /// A product named after AI ("CaseSort AI"), found by its name rather than the vocabulary.
    named_product: bool,
    /// The bid's own name for a technique's feature ("FixFinder, our chatbot").
    own_name: Option<String>,
}

/// Sentences stating a general principle rather than a capability.
static POLICY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(responsible|ethical|trustworthy|safe|fair)\s+(?:use of\s+|and\s+\w+\s+)?(?:AI|artificial intelligence)\b|\b(?:AI|artificial intelligence) (?:policy|policies|principles|governance|ethics|regulation|act|strategy|playbook|framework)\b|\bEU AI Act\b|\b(is|are) becoming increasingly\b|\bPPN\s?\d")
        .unwrap_or_else(|e| panic!("bad built-in pattern: {e}"))
});

/// Words that never finish a label ("AI to ...", "AI and ...").
/// Nouns that name no particular capability: "AI features", "AI providers" and "AI tools" are all
/// the one generic feature "AI".
const GENERIC: &[&str] = &[
    "feature",
    "features",
    "functionality",
    "capability",
    "capabilities",
    "provider",
    "providers",
    "vendor",
    "vendors",
    "supplier",
    "suppliers",
    "tool",
    "tools",
    "system",
    "systems",
    "service",
    "services",
    "technology",
    "technologies",
    "solution",
    "solutions",
    "output",
    "outputs",
    "component",
    "components",
    "product",
    "products",
];

const STOP: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "can", "for", "from", "has", "have", "in",
    "into", "is", "it", "its", "may", "of", "on", "or", "that", "the", "their", "this", "to",
    "was", "were", "which", "will", "with", "within", "where", "we", "our", "used", "use", "uses",
    "using", "also", "so", "such", "than", "then", "when", "would", "could", "should", "all",
    "any", "each", "more", "most", "not", "no", "only", "both", "who", "what", "how", "does", "do",
    "did", "being", "been", "across", "over", "under", "between", "about", "via", "helps", "help",
    "makes", "make", "is", "tells", "works", "runs",
];

/// Finds AI features and the AI declaration in a document.
pub fn detect(lexicon: &Lexicon, doc: &Document, register: Option<&Register>) -> Features {
    let titles = block_titles(doc);
    let mentions = mentions(lexicon, doc, &titles);
    let disclosure = disclosure::analyse(lexicon, doc, &mentions_view(&mentions));
    let features = merge(lexicon, doc, &mentions, &disclosure, register);
    Features {
        features,
        declaration: disclosure.main,
    }
}

/// For each block: it sits under a heading of the part of a bid that describes the offering
/// ("Proposed solution"). Only marked headings count: a lead-in line ending in a colon does not
/// end the part.
fn solution_sections(doc: &Document) -> Vec<bool> {
    let mut current = false;
    doc.blocks
        .iter()
        .map(|b| {
            if b.kind == BlockKind::Heading || b.text.trim_start().starts_with('#') {
                current = context::is_solution_heading(&b.text);
            }
            current
        })
        .collect()
}

/// The nearest heading above each block (the extractor's, or a block that reads as one).
fn block_titles(doc: &Document) -> Vec<Option<String>> {
    let mut current: Option<String> = None;
    doc.blocks
        .iter()
        .map(|b| {
            if context::is_heading(b) {
                current = Some(b.text.trim().trim_start_matches('#').trim().to_string());
            } else if let Some(h) = &b.heading
                && current.is_none()
            {
                current = Some(h.clone());
            }
            current.clone()
        })
        .collect()
}

fn mentions_view(mentions: &[Mention]) -> Vec<disclosure::MentionRef> {
    mentions
        .iter()
        .map(|m| disclosure::MentionRef {
            sentence: m.sentence,
            entry: m.entry,
            key: key_of(m),
            category: m.category,
            describes: m.role == Role::Feature,
            negated: m.role == Role::Negated,
        })
        .collect()
}

fn key_of(m: &Mention) -> String {
    m.label.to_lowercase()
}

/// Every accepted mention of the vocabulary, with its role.
fn mentions(lexicon: &Lexicon, doc: &Document, titles: &[Option<String>]) -> Vec<Mention> {
    let mut out = Vec::new();
    let solution = solution_sections(doc);
    let headings: Vec<bool> = doc.blocks.iter().map(context::is_heading).collect();
    // The vocabulary's hits in each sentence, from one pass per block (headings are skipped).
    let mut found: Vec<Vec<Hit>> = Vec::with_capacity(doc.sentences.len());
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    for run in doc.sentences.chunk_by(|a, b| a.block == b.block) {
        if headings.get(run[0].block).copied().unwrap_or(false) {
            found.extend(run.iter().map(|_| Vec::new()));
            continue;
        }
        ranges.clear();
        ranges.extend(run.iter().map(|s| (s.start, s.end)));
        found.extend(lexicon.find_sentences(&doc.blocks[run[0].block].text, &ranges));
    }
    // Block of the last sentence with a tier 1 or 2 term or a product.
    let mut strong_block: Option<usize> = None;
    // Entries whose word the document uses in another sense throughout (`unless_document`).
    let mut other_sense: HashMap<usize, bool> = HashMap::new();
    for ((si, s), mut hits) in doc.sentences.iter().enumerate().zip(found) {
        let text = doc.sentence_text(s);
        if headings.get(s.block).copied().unwrap_or(false) {
            continue;
        }
        hits.retain(|h| {
            !*other_sense.entry(h.entry).or_insert_with(|| {
                lexicon
                    .entry(h.entry)
                    .unless_document
                    .as_ref()
                    .is_some_and(|r| doc.blocks.iter().any(|b| r.is_match(&b.text)))
            })
        });
        if hits.is_empty() {
            continue;
        }
        let accepted = accept(lexicon, text, &hits, strong_block == Some(s.block));
        if accepted.iter().any(|h| lexicon.entry(h.entry).tier() < 3) {
            strong_block = Some(s.block);
        }
        if accepted.is_empty() {
            continue;
        }
        let heading = titles.get(s.block).and_then(|t| t.as_deref());
        let question = context::is_question(text);
        let definition = context::is_definition(text, heading);
        let obligation = context::is_obligation(text);
        // AI as the topic, or as a tool used to build the software: not a capability.
        let not_capability =
            POLICY.is_match(text) || context::is_development_use(text) || context::is_topic(text);
        let negating_section = heading.is_some_and(context::is_negating_heading);
        let previous = si
            .checked_sub(1)
            .and_then(|p| doc.sentences.get(p))
            .filter(|p| p.block == s.block);
        let anchor = context::has_anchor(text)
            || previous.is_some_and(|p| context::has_anchor(doc.sentence_text(p)))
            || solution.get(s.block).copied().unwrap_or(false);
        let has_product = accepted.iter().any(|h| lexicon.entry(h.entry).is_product());
        let has_tier1 = accepted
            .iter()
            .any(|h| !lexicon.entry(h.entry).is_product() && lexicon.entry(h.entry).tier() == 1);
        // A more specific technique or a product in the sentence ("features powered by artificial
        // intelligence, including summaries generated by large language models").
        let has_specific = accepted.iter().any(|h| {
            let e = lexicon.entry(h.entry);
            e.is_product() || (e.tier() == 1 && e.category != FeatureCategory::Other)
        });
        let mut families: Vec<String> = Vec::new();
        let mut skip_next: Option<usize> = None;
        for (i, h) in accepted.iter().enumerate() {
            if skip_next == Some(i) {
                continue;
            }
            let entry = lexicon.entry(h.entry);
            // "CaseSort AI": a product named after AI; "RepoShield-AI, a deterministic engine" is not.
            let product_name = (!entry.is_product() && &text[h.start..h.end] == "AI")
                .then(|| context::product_name_before(text, h.start))
                .flatten();
            let (label, mut category, absorbed_next) = match product_name {
                Some(from) => (text[from..h.end].to_string(), entry.category, false),
                None => label_for(lexicon, text, &accepted, i),
            };
            let own_name = (!entry.is_product() && product_name.is_none())
                .then(|| context::own_name_before(text, h.start))
                .flatten()
                .map(String::from);
            let label = match &own_name {
                Some(n) => format!("{n} ({label})"),
                None => label,
            };
            if absorbed_next {
                skip_next = Some(i + 1);
            }
            if entry.refine
                && let Some(c) = context::refined_category(text)
            {
                category = c;
            }
            let negated = negating_section || context::is_negated(text, h.start, h.end);
            let role = if question || definition || context::is_mentioned_as_word(text, h.start) {
                Role::Other
            } else if entry.is_product() {
                if (obligation && context::is_rule_about(text))
                    || context::is_development_use(text)
                    || context::is_topic(text)
                {
                    Role::Other
                } else if negated {
                    Role::Negated
                } else {
                    Role::Feature
                }
            } else if obligation
                || not_capability
                || context::is_defined_term(text, h.end)
                || product_name.is_some_and(|from| {
                    // The document calls the product deterministic somewhere ("RepoShield-AI is a
                    // deterministic engine"): AI is only in its name.
                    let stem = text[from..h.start].trim_end_matches(['-', ' ']);
                    doc.sentences.iter().any(|o| {
                        let t = doc.sentence_text(o);
                        t.contains(stem) && context::says_deterministic(t)
                    })
                })
            {
                Role::Other
            } else if negated {
                Role::Negated
            } else {
                Role::Feature
            };
            // One feature per product family in a sentence ("Azure OpenAI GPT-4o").
            if let EntryKind::Product {
                family: Some(f), ..
            } = &entry.kind
                && role == Role::Feature
            {
                if families.contains(f) {
                    continue;
                }
                families.push(f.clone());
            }
            out.push(Mention {
                sentence: si,
                entry: h.entry,
                label,
                category,
                role,
                anchored: anchor || entry.is_product(),
                // Beside a product, or a likely-AI term beside a near-certain one ("uses machine
                // learning to predict"): part of the stronger mention's feature.
                // A generic "artificial intelligence" beside a specific technique names the same
                // feature less precisely.
                absorbed: !entry.is_product()
                    && !absorbed_next
                    && product_name.is_none()
                    && (has_product
                        || (has_tier1 && entry.tier() > 1)
                        || (has_specific
                            && entry.category == FeatureCategory::Other
                            && !entry.next_word)),
                subject: subject_pairs(text, h.start),
                matched: text[product_name.unwrap_or(h.start)..h.end].to_string(),
                named_product: product_name.is_some(),
                own_name,
            });
        }
    }
    out
}

/// Word pairs among the six words before byte `start` of `text`.
fn subject_pairs(text: &str, start: usize) -> Vec<String> {
    let before = text.get(..start).unwrap_or("");
    let words: Vec<&str> = before.split_whitespace().collect();
    let from = words.len().saturating_sub(6);
    context::name_pairs(&words[from..].join(" "))
}

/// The hits whose context rules hold in this sentence.
///
/// Ambiguous (tier 3) words count only where nothing stronger is in the sentence, and not right
/// after a sentence of the same block that named the feature more clearly (`after_strong`): "The
/// assistant answers questions" refers back to the virtual assistant just described.
fn accept(lexicon: &Lexicon, text: &str, hits: &[Hit], after_strong: bool) -> Vec<Hit> {
    let mut welsh: Option<bool> = None;
    let ok = |h: &Hit, welsh: &mut Option<bool>| {
        let e = lexicon.entry(h.entry);
        if e.unless.as_ref().is_some_and(|r| r.is_match(text)) {
            return false;
        }
        let needs_ok = e.needs.as_ref().is_none_or(|r| r.is_match(text));
        let acronym = text[h.start..h.end]
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
        if acronym && *welsh.get_or_insert_with(|| context::is_welsh(text)) {
            return false;
        }
        // "the AI Skills Platform": the acronym names what an organisation is about.
        if acronym && !e.is_product() && context::is_organisation_name(text, h.end) {
            return false;
        }
        // "report any AI incident", "manage AI risks": a matter about AI, not a capability.
        if !e.is_product() && context::is_matter_about_ai(text, h.end) {
            return false;
        }
        match e.kind {
            EntryKind::Product { .. } => !h.weak || needs_ok,
            EntryKind::Technique { tier } => tier == 1 || needs_ok,
        }
    };
    let strong: Vec<Hit> = hits
        .iter()
        .filter(|h| lexicon.entry(h.entry).tier() < 3)
        .filter(|h| ok(h, &mut welsh))
        .copied()
        .collect();
    if !strong.is_empty() || after_strong {
        return strong;
    }
    hits.iter()
        .filter(|h| lexicon.entry(h.entry).tier() == 3)
        .filter(|h| ok(h, &mut welsh))
        .take(1)
        .copied()
        .collect()
}

/// The feature label of hit `i`: the product name, the technique's label, or for `next_word`
/// entries the match and the word after it ("AI-powered triage"). Also returns the category,
/// and whether the next hit was folded into this label ("AI chatbot").
fn label_for(
    lexicon: &Lexicon,
    text: &str,
    hits: &[Hit],
    i: usize,
) -> (String, FeatureCategory, bool) {
    let h = hits[i];
    let e = lexicon.entry(h.entry);
    if !e.next_word {
        return (e.label.clone(), e.category, false);
    }
    let matched = tidy(&text[h.start..h.end]);
    let rest = &text[h.end..];
    let trimmed = rest.trim_start_matches([' ', '-']);
    let word_start = h.end + (rest.len() - trimmed.len());
    let word: String = trimmed
        .chars()
        .take_while(|c| c.is_alphabetic() || *c == '-')
        .collect();
    let word = word.trim_end_matches('-');
    // An adverb ("our AI thoroughly") says how, not what: it never finishes a label.
    let usable = !word.is_empty()
        && word.chars().next().is_some_and(char::is_lowercase)
        && !STOP.contains(&word)
        && !GENERIC.contains(&word)
        && (word.len() <= 4 || !word.ends_with("ly"))
        && word_start > h.end;
    if !usable {
        return (matched, e.category, false);
    }
    if let Some(next) = hits.get(i + 1).filter(|n| n.start == word_start) {
        let ne = lexicon.entry(next.entry);
        if !ne.is_product() {
            let category = if e.category == FeatureCategory::Other {
                ne.category
            } else {
                e.category
            };
            return (
                format!("{matched} {}", tidy(&text[next.start..next.end])),
                category,
                true,
            );
        }
    }
    (format!("{matched} {word}"), e.category, false)
}

/// A label from matched text: lower case, with "AI" kept in capitals.
fn tidy(matched: &str) -> String {
    if matched.chars().all(|c| !c.is_lowercase()) {
        return matched.to_string();
    }
    let lower = matched.to_lowercase();
    lower
        .split(' ')
        .map(|w| {
            w.split('-')
                .map(|p| if p == "ai" { "AI" } else { p })
                .collect::<Vec<_>>()
                .join("-")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Why a feature counts as AI, in plain words for the report.
fn reason(basis: FeatureBasis, product: bool, matched: &str, vendor: Option<&str>) -> String {
    match (basis, product, vendor) {
        (_, true, Some(v)) => format!("names the AI product \"{matched}\" ({v})"),
        (_, true, None) => format!("names the AI product \"{matched}\""),
        (FeatureBasis::Named, false, _) => format!("names AI: \"{matched}\""),
        (FeatureBasis::Inferred, false, _) => format!(
            "describes \"{matched}\", which is usually done by a trained model, without naming AI"
        ),
    }
}

/// One feature per product or technique label, first description as evidence.
fn merge(
    lexicon: &Lexicon,
    doc: &Document,
    mentions: &[Mention],
    disclosure: &disclosure::Disclosure,
    register: Option<&Register>,
) -> Vec<AiFeature> {
    let mut by_key: HashMap<String, usize> = HashMap::new();
    let mut out: Vec<AiFeature> = Vec::new();
    let mut entries: Vec<usize> = Vec::new();
    let mut subjects: Vec<Vec<String>> = Vec::new();
    let mut own_names: Vec<Option<String>> = Vec::new();
    for m in mentions
        .iter()
        .filter(|m| m.role == Role::Feature && !m.absorbed)
    {
        let key = key_of(m);
        let in_region = disclosure.affirmative(m.sentence);
        if !(m.anchored || in_region) {
            continue;
        }
        let idx = match by_key.get(&key) {
            Some(&i) => i,
            None => {
                let Some(s) = doc.sentences.get(m.sentence) else {
                    continue;
                };
                let entry = lexicon.entry(m.entry);
                let vendor = entry.vendor().filter(|v| *v != "various").map(String::from);
                out.push(AiFeature {
                    name: m.label.clone(),
                    category: m.category,
                    disclosed: false,
                    register: None,
                    baseline: None,
                    evidence: doc.sentence_evidence(s),
                    reason: reason(
                        entry.basis,
                        entry.is_product() || m.named_product,
                        &m.matched,
                        vendor.as_deref(),
                    ) + if context::is_planned(doc.sentence_text(s)) {
                        "; the bid describes it as planned, not yet in use"
                    } else {
                        ""
                    },
                    vendor,
                    basis: entry.basis,
                });
                entries.push(m.entry);
                subjects.push(Vec::new());
                own_names.push(m.own_name.clone());
                by_key.insert(key.clone(), out.len() - 1);
                out.len() - 1
            }
        };
        if let Some(s) = subjects.get_mut(idx) {
            s.extend(m.subject.iter().cloned());
        }
        if in_region {
            out[idx].disclosed = true;
        }
    }
    for (((f, &entry), subject), own_name) in
        out.iter_mut().zip(&entries).zip(&subjects).zip(&own_names)
    {
        let e = lexicon.entry(entry);
        if !f.disclosed {
            f.disclosed = disclosure.covers(
                lexicon,
                entry,
                &f.name.to_lowercase(),
                f.category,
                subject,
                own_name.as_deref(),
            );
        }
        if let Some(reg) = register {
            let mut names: Vec<&str> = vec![f.name.as_str()];
            if e.is_product() {
                names.extend(e.names.iter().map(String::as_str));
            }
            f.register = Some(reg.status_of(lexicon, &names));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{BlockKind, Extracted, RawBlock};

    fn doc(paragraphs: &[&str]) -> Document {
        crate::segment::segment(Extracted {
            pages: None,
            blocks: paragraphs
                .iter()
                .map(|t| RawBlock {
                    kind: BlockKind::Paragraph,
                    text: (*t).to_string(),
                    page: None,
                    label: None,
                    level: None,
                })
                .collect(),
        })
    }

    fn names(paragraphs: &[&str]) -> Vec<(String, bool)> {
        detect(&Lexicon::builtin(), &doc(paragraphs), None)
            .features
            .into_iter()
            .map(|f| (f.name, f.disclosed))
            .collect()
    }

    #[test]
    fn generic_mentions_fold_into_one_feature() {
        let got = names(&[
            "Features powered by artificial intelligence, including summaries generated by large language models, are on by default.",
            "We may add AI features at any time.",
            "We may use third-party AI providers.",
            "Our AI-powered triage ranks repairs.",
        ]);
        let got: Vec<&str> = got.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(got, ["large language model", "AI", "AI-powered triage"]);
    }

    #[test]
    fn describes_features_not_clauses() {
        let got = names(&[
            "Our platform uses machine learning to triage referrals.",
            "The Supplier shall not use AI without the Authority's approval.",
            "\"AI System\" means a machine-based system.",
            "Our assistant is built on Azure OpenAI and drafts replies.",
            "Q4. Describe any machine learning used in your service.",
        ]);
        assert_eq!(
            got,
            [
                ("machine learning".to_string(), false),
                ("Azure OpenAI".to_string(), false)
            ]
        );
    }

    #[test]
    fn traps_are_not_features() {
        let got = names(&[
            "We report progress monthly with RAG ratings for each milestone.",
            "Our lead solicitor holds an LLM in commercial law.",
            "Servers are delivered with GPT partition tables on every disk.",
            "Mae'r cyngor yn gofyn a ydych chi ai peidio yn darparu'r gwasanaeth.",
            "We set SMART objectives and deliver staff training on our financial model.",
            "Each heat pump delivers 3,600 joules per second; the bedrock of our service is quality.",
            "Our letting agent will contact tenants.",
        ]);
        assert!(got.is_empty(), "{got:?}");
    }

    #[test]
    fn named_and_inferred_apart() {
        let f = detect(
            &Lexicon::builtin(),
            &doc(&[
                "Our platform uses machine learning to route repairs.",
                "Our parking module reads number plates from the barrier cameras.",
            ]),
            None,
        );
        let got: Vec<(&str, FeatureBasis)> = f
            .features
            .iter()
            .map(|f| (f.name.as_str(), f.basis))
            .collect();
        assert_eq!(
            got,
            [
                ("machine learning", FeatureBasis::Named),
                ("number-plate recognition", FeatureBasis::Inferred)
            ]
        );
        assert!(f.features[1].reason.contains("without naming AI"));
    }

    #[test]
    fn no_ai_declaration_contradicted() {
        let d = doc(&[
            "Q3. Do you use AI in the delivery of the service?",
            "No. We do not use artificial intelligence.",
            "Our smart triage learns from past referrals to route each case.",
        ]);
        let f = detect(&Lexicon::builtin(), &d, None);
        assert_eq!(f.declaration.as_ref().map(|d| d.says_ai_used), Some(false));
        assert_eq!(f.features.len(), 1, "{:?}", f.features);
        assert!(!f.features[0].disclosed);
    }

    #[test]
    fn disclosure_covers_by_product_and_vendor() {
        let d = doc(&[
            "7. AI Disclosure",
            "We use Magic Notes to transcribe visits, and Microsoft AI services.",
            "8. Our solution",
            "Case notes are recorded with Magic Notes.",
            "Staff draft letters with Microsoft 365 Copilot.",
            "Our chatbot is built on Amazon Bedrock.",
        ]);
        let f = detect(&Lexicon::builtin(), &d, None);
        let got: Vec<(String, bool)> = f
            .features
            .iter()
            .map(|f| (f.name.clone(), f.disclosed))
            .collect();
        assert_eq!(
            got,
            [
                ("Magic Notes".to_string(), true),
                ("Microsoft Copilot".to_string(), true),
                ("Amazon Bedrock".to_string(), false)
            ]
        );
        assert_eq!(f.declaration.map(|d| d.says_ai_used), Some(true));
    }
}
