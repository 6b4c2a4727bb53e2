//! Clause verdicts: present, weak, contradicted or missing, with evidence and an explanation.
//!
//! Every sentence is read once ([`sentences`]): actor, modality, negation, AI
//! scope and concept hits. Each rule then looks for sentences on its topic and classifies them:
//!
//! - a supplier (or passive) obligation of the rule's shape, in AI scope, is a **candidate**; effort
//!   qualifiers, deemed consent, carve-outs, permissive modals, the rule's own weak patterns and
//!   absent elements (e.g. no time limit) make it **weak**;
//! - a supplier permission where the rule needs a prohibition ("may use Customer Data to train"), a
//!   waiver or disclaimer where it needs a duty ("is not required to notify"), a right the supplier
//!   grants itself ("at its sole discretion", "nothing shall prevent") or one of the rule's contrary
//!   patterns is **contrary**;
//! - an obligation on the buyer, or text outside AI scope, does not count (a near miss, named in the
//!   explanation when nothing else is found).
//!
//! - real drafting without modals counts too: a supplier's statement ("Acme does not use Customer
//!   Content to train") is a candidate, a statement that it does the forbidden thing or an opt-out
//!   is contrary (rules with `practice_contradicts`), and a refusal on a duty's `negative_topic`
//!   ("we do not store prompts") meets the duty;
//! - a rule's `mask` phrases are taken out before its topic is asked, so "training data" in a list
//!   of what is not used does not hide the sentence from the no-training rule.
//!
//! Contrary text wins over compliant text (both are evidence); a strong candidate is present unless a
//! separate carve-out narrows it; weak candidates alone are weak; nothing is missing.

pub mod declaration;
pub mod examples;
pub mod sentences;
pub mod tender;

use super::features::Features;
use crate::library::matcher::ConceptId;
use crate::library::rules::{Absent, Kind, Tier};
use crate::library::{Library, Rule};
use crate::model::{
    ClauseStatus, ClauseVerdict, DocType, Document, Evidence, Severity, upper_first,
};
use sentences::{Analysed, Binding, DOCUMENT_AI_SENTENCES, Modality, Reading};

/// A grant or licence in a sentence: when the buyer states it, the buyer gives a right away.
static GIVES: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"(?i)\b(?:grants?|granting|licen[cs]es?|permits?|authori[sz]es?)\b").unwrap()
});

/// Most quotes given as evidence for one verdict.
const MAX_EVIDENCE: usize = 3;

/// One verdict per rule that applies to the document type.
///
/// Contract and unknown documents get the contract rules (Tier A and Recommended, and Tier B as
/// required when the document brings AI into scope, else as recommended); tender responses get the
/// tender rules, the vendor-assurance pack only when the bid describes or declares AI
/// ([`tender`]).
pub fn evaluate(
    library: &Library,
    doc: &Document,
    doc_type: DocType,
    features: &Features,
) -> Vec<ClauseVerdict> {
    let reading = sentences::read(library, doc);
    let ai_in_scope =
        reading.defines_ai || !features.features.is_empty() || reading.ai_sentences >= 3;
    let bid_uses_ai = doc_type == DocType::Tender && tender::uses_ai(doc, &reading, features);
    library
        .rules
        .iter()
        .filter(|r| applies(r, doc_type) && (bid_uses_ai || !tender::in_pack(r)))
        .map(|rule| {
            let severity = match rule.tier {
                Tier::B if !ai_in_scope => Severity::Recommended,
                _ => rule.severity,
            };
            let judged = match rule.detect.kind {
                Kind::Declaration => declaration::judge(doc, &reading, features),
                Kind::Prohibition | Kind::Duty => judge(library, rule, doc, &reading),
            };
            ClauseVerdict {
                id: rule.id.clone(),
                title: rule.title.clone(),
                severity,
                question: tender::question(rule, &judged),
                status: judged.status,
                evidence: judged.evidence,
                explanation: judged.explanation,
                review: Default::default(),
            }
        })
        .collect()
}

/// Whether a rule applies to a document type; unknown documents are treated as contracts.
pub fn applies(rule: &Rule, doc_type: DocType) -> bool {
    let t = match doc_type {
        DocType::Unknown => DocType::Contract,
        t => t,
    };
    rule.applies_to.contains(&t)
}

/// A verdict before it is dressed with the rule's id and title.
#[derive(Debug, Clone)]
pub struct Judged {
    /// The verdict.
    pub status: ClauseStatus,
    /// Quotes relied on, strongest first.
    pub evidence: Vec<Evidence>,
    /// Why.
    pub explanation: String,
}

/// A sentence relied on, and what was found in it.
#[derive(Debug, Clone)]
struct Finding {
    idx: usize,
    reasons: Vec<String>,
}

/// How a reader cites where a sentence is: "clause 14.3", "B2", "page 3".
pub(crate) fn cite(doc: &Document, a: &Analysed) -> String {
    let Some(b) = doc.blocks.get(a.sentence.block) else {
        return "the document".into();
    };
    match (&b.section, b.page) {
        (Some(s), _) if s.starts_with(|c: char| c.is_ascii_digit()) => format!("clause {s}"),
        (Some(s), _) => s.clone(),
        (None, Some(p)) => format!("the text on page {p}"),
        (None, None) => "a sentence".into(),
    }
}

/// The text of the first hit of a concept in a sentence, quoted.
fn quoted(library: &Library, doc: &Document, a: &Analysed, concept: ConceptId) -> String {
    let text = a.text(doc);
    a.ann
        .hits
        .iter()
        .find(|h| library.matcher.concepts_of(h.term) & (1u64 << concept) != 0)
        .and_then(|h| text.get(h.start as usize..h.end as usize))
        .map(|t| format!("'{t}'"))
        .unwrap_or_default()
}

fn judge(library: &Library, rule: &Rule, doc: &Document, reading: &Reading<'_>) -> Judged {
    let core = library.core;
    let d = &rule.detect;
    let mut strong: Vec<Finding> = Vec::new();
    let mut weak: Vec<Finding> = Vec::new();
    let mut contrary: Vec<Finding> = Vec::new();
    let mut carve: Vec<Finding> = Vec::new();
    let mut near: Vec<String> = Vec::new();
    // An AI service's own terms: about AI throughout.
    let about_ai = reading.defines_ai || reading.ai_sentences >= DOCUMENT_AI_SENTENCES;
    // Sentences that meet the rule by a refusal ("we do not store prompts"), not by its duty.
    let mut refusals: Vec<usize> = Vec::new();
    // The first weak finding that is a refusal an exception or carve-out narrows ("does not
    // retain prompts, except for abuse prevention"): it qualifies an unqualified refusal elsewhere.
    let mut qualifier: Option<usize> = None;
    for (i, a) in reading.sentences.iter().enumerate() {
        if a.ann.hits.is_empty() {
            continue;
        }
        let text = a.text(doc);
        let scoped = d.document_scope && about_ai && !a.ai;
        let ai = a.ai || scoped;
        let out_of_scope = d.ai_scope && (!ai || (d.ai_in_sentence && !a.ai_here));
        if out_of_scope && near.len() >= 2 {
            // Nothing more to learn from a sentence out of scope once two near misses are named.
            continue;
        }
        // The sentence as the rule reads its topic and contrary patterns: without its mask
        // phrases ("training data", "models trained by third parties"), if it has any.
        let masked = if d.mask.matches(&a.ann, text) {
            Some(masked_out(library, d, a, text))
        } else if scoped {
            // In AI scope through the document: the rule's "@ai" terms hold here too.
            let mut ann = a.ann.clone();
            ann.add(core.ai);
            Some((ann, text.to_string()))
        } else {
            None
        };
        let (m_ann, m_text) = masked
            .as_ref()
            .map_or((&a.ann, text), |(ann, t)| (ann, t.as_str()));
        // (The topic first: it fails fast on most sentences, the exclude list rarely matters.)
        let on_topic =
            || d.topic.iter().all(|g| g.matches(m_ann, m_text)) && !d.exclude.matches(&a.ann, text);
        if out_of_scope {
            // Out of scope: the topic matters only for the first two near misses.
            if near.len() < 2 && on_topic() {
                near.push(format!(
                    "{} is on the subject but not about AI",
                    upper_first(&cite(doc, a))
                ));
            }
            continue;
        }
        if let Some(p) = d.contrary.iter().find(|p| {
            // (The pattern before who is bound: it fails fast, and the predications are read
            // only for sentences some rule asks about.)
            (p.negated || !a.negated)
                && p.matches(m_ann, m_text)
                && (p.any_actor || !a.buyer_only(reading))
        }) {
            contrary.push(Finding {
                idx: i,
                reasons: vec![p.reason.clone()],
            });
            continue;
        }
        // A refusal that meets a duty: "we do not store your prompts".
        if a.negated
            && !a.buyer_only(reading)
            && !d.negative_topic.is_empty()
            && d.negative_topic.iter().all(|g| g.matches(&a.ann, text))
            && a.predications(reading).iter().any(|p| {
                p.actor != sentences::Actor::Buyer
                    && matches!(
                        p.modality,
                        Modality::Prohibition | Modality::Statement | Modality::Obligation
                    )
            })
        {
            let mut reasons = Vec::new();
            let narrowing = narrowed(library, d, doc, a);
            if narrowing.is_some() && qualifier.is_none() {
                qualifier = Some(weak.len());
            }
            soften(library, d, doc, reading, i, narrowing, &mut reasons);
            let f = Finding { idx: i, reasons };
            refusals.push(i);
            if f.reasons.is_empty() {
                strong.push(f);
            } else {
                weak.push(f);
            }
            continue;
        }
        // "Google may log Customer prompts solely for the purpose of reviewing abuse": leave to
        // keep the data, for one stated purpose only, answers a duty to use data only for the
        // contract, weakly.
        if !a.negated
            && !d.negative_topic.is_empty()
            && let Some(c) = core.purpose_limit
            && a.ann.has(c)
            && a.predications(reading).iter().any(|p| {
                p.actor == sentences::Actor::Supplier && p.modality == Modality::Permissive
            })
            && d.negative_topic.iter().all(|g| g.matches(&a.ann, text))
        {
            weak.push(Finding {
                idx: i,
                reasons: vec![format!(
                    "it lets the supplier keep or use the data for a stated purpose ({})",
                    quoted(library, doc, a, c)
                )],
            });
            continue;
        }
        // A duty met by saying the thing itself, whoever says it: "Data may be transferred to
        // foundation models from Anthropic and OpenAI" discloses the providers.
        let fact = d.kind == Kind::Duty
            && !d.facts.is_empty()
            && !a.negated
            && !d.exclude.matches(&a.ann, text)
            && d.facts.iter().all(|g| g.matches(m_ann, m_text));
        if !fact && !on_topic() {
            continue;
        }
        // A default the buyer has to switch off undoes a prohibition, whoever the sentence binds.
        if d.kind == Kind::Prohibition
            && d.practice_contradicts
            && let Some(c) = core.opt_out
            && a.ann.has(c)
            && !a.supplier(reading, Modality::Prohibition)
            && !(a.negated
                && (a.supplier(reading, Modality::Obligation)
                    || a.supplier(reading, Modality::Statement)))
        {
            contrary.push(Finding {
                idx: i,
                reasons: vec![format!(
                    "leaves it on by default: the buyer has to opt out ({})",
                    quoted(library, doc, a, c)
                )],
            });
            continue;
        }
        // "The Authority may audit", "the Customer shall own"; "you own" too, but not "you grant
        // us a licence" or "you acknowledge", where the buyer gives something up.
        let gives = core.acknowledgement.is_some_and(|c| a.ann.has(c)) || GIVES.is_match(text);
        let buyer_right = d.buyer_rights
            && a.predications(reading).iter().any(|p| {
                p.actor == sentences::Actor::Buyer
                    && match p.modality {
                        Modality::Permissive | Modality::Obligation => true,
                        Modality::Statement => !gives && !p.negative,
                        _ => false,
                    }
            });
        if a.buyer_only(reading) && !buyer_right && !fact {
            if near.len() < 2 {
                near.push(format!(
                    "{} puts the obligation on the buyer, not the supplier",
                    upper_first(&cite(doc, a))
                ));
            }
            continue;
        }
        let s_obl = a.supplier(reading, Modality::Obligation);
        let s_pro = a.supplier(reading, Modality::Prohibition);
        let s_perm = a.supplier(reading, Modality::Permissive);
        let s_waiver = a.supplier(reading, Modality::Waiver);
        let s_said = a.supplier(reading, Modality::Statement);
        // A statement whose subject is the supplier by name or pronoun ("We use", "Acme uses"),
        // not a passive or a sentence with no party.
        let supplier_says = a
            .predications(reading)
            .iter()
            .any(|p| p.modality == Modality::Statement && p.actor == sentences::Actor::Supplier);
        // ... and states it as something it does ("Acme only uses services that ..."), not a
        // refusal.
        let supplier_affirms =
            a.predications(reading).iter().any(|p| {
                p.modality == Modality::Statement
                    && p.actor == sentences::Actor::Supplier
                    && !p.negative
            }) && (!a.negated || a.list_item || a.predications(reading).len() > 1);
        let self_grant = a.ann.has(core.self_grant);
        let grant_reason = || {
            let q = if self_grant {
                quoted(library, doc, a, core.self_grant)
            } else {
                quoted(library, doc, a, core.permissive)
            };
            format!("gives the supplier a right ({q}) that defeats the rule")
        };
        let mut candidate: Option<Vec<String>> = None;
        match d.kind {
            Kind::Prohibition => {
                let affirmed = d.practice_contradicts && (s_obl || supplier_says) && !a.negated;
                if s_waiver && a.ann.has(core.waiver) {
                    contrary.push(Finding {
                        idx: i,
                        reasons: vec![format!(
                            "waives the restriction ({})",
                            quoted(library, doc, a, core.waiver)
                        )],
                    });
                } else if s_pro || ((s_obl || s_said) && a.negated) {
                    candidate = Some(Vec::new());
                } else if s_perm && a.negated {
                    candidate = Some(vec![format!(
                        "it uses a permissive modal ({}) instead of a prohibition",
                        quoted(library, doc, a, core.permissive)
                    )]);
                } else if self_grant && !a.negated {
                    contrary.push(Finding {
                        idx: i,
                        reasons: vec![grant_reason()],
                    });
                } else if s_perm && !a.negated {
                    if a.ann.has(core.approval) && !a.ann.has(core.deemed_consent) {
                        candidate = Some(vec![
                            "it is framed as a permission subject to approval rather than a prohibition"
                                .into(),
                        ]);
                    } else if let Some(why) = narrowed_for(library, rule, doc, a) {
                        carve.push(Finding {
                            idx: i,
                            reasons: vec![format!("allows it for {why}")],
                        });
                    } else {
                        contrary.push(Finding {
                            idx: i,
                            reasons: vec![grant_reason()],
                        });
                    }
                } else if affirmed && a.ann.has(core.approval) {
                    candidate = Some(vec![
                        "it says what the supplier does with consent rather than forbidding it without"
                            .into(),
                    ]);
                } else if affirmed && let Some(p) = d.weak.iter().find(|p| p.matches(&a.ann, text))
                {
                    weak.push(Finding {
                        idx: i,
                        reasons: vec![p.reason.clone()],
                    });
                } else if affirmed && let Some(why) = narrowed_for(library, rule, doc, a) {
                    carve.push(Finding {
                        idx: i,
                        reasons: vec![format!("does it for {why}")],
                    });
                } else if affirmed {
                    contrary.push(Finding {
                        idx: i,
                        reasons: vec![
                            "says the supplier does it, where the rule forbids it".to_string(),
                        ],
                    });
                } else if s_obl && let Some(p) = d.weak.iter().find(|p| p.matches(&a.ann, text)) {
                    weak.push(Finding {
                        idx: i,
                        reasons: vec![p.reason.clone()],
                    });
                }
            }
            Kind::Duty => {
                let waived = s_waiver && (d.disclaimer_contradicts || a.ann.has(core.waiver));
                if waived || (self_grant && !s_obl && !s_pro) {
                    let q = if waived && a.ann.has(core.waiver) {
                        quoted(library, doc, a, core.waiver)
                    } else if waived && let Some(c) = core.disclaimer {
                        quoted(library, doc, a, c)
                    } else {
                        quoted(library, doc, a, core.self_grant)
                    };
                    contrary.push(Finding {
                        idx: i,
                        reasons: vec![format!("waives or disclaims the duty ({q})")],
                    });
                } else if s_obl
                    || s_pro
                    || supplier_affirms
                    || buyer_right
                    || (d.statements_answer && s_said)
                    || fact
                {
                    candidate = Some(Vec::new());
                } else if a.predications(reading).iter().any(|p| {
                    p.modality == Modality::Permissive && p.actor == sentences::Actor::Supplier
                }) {
                    candidate = Some(vec![format!(
                        "it uses a permissive modal ({}) instead of an obligation",
                        quoted(library, doc, a, core.permissive)
                    )]);
                }
            }
            Kind::Declaration => {}
        }
        let Some(mut reasons) = candidate else {
            continue;
        };
        // Elements, looked for in the sentence and the rest of its clause.
        let mut lacks_essential = None;
        for e in &d.elements {
            let found = clause_of(doc, reading, i).any(|b| e.terms.matches(&b.ann, b.text(doc)));
            if !found {
                match e.absent {
                    Absent::Weak => reasons.push(format!("it does not include {}", e.name)),
                    Absent::Missing => lacks_essential = Some(e.name.clone()),
                }
            }
        }
        if let Some(name) = lacks_essential {
            if near.len() < 2 {
                near.push(format!(
                    "{} is on the subject but has no {name}",
                    upper_first(&cite(doc, a))
                ));
            }
            continue;
        }
        let narrowing = narrowed_for(library, rule, doc, a);
        soften(library, d, doc, reading, i, narrowing, &mut reasons);
        let f = Finding { idx: i, reasons };
        if f.reasons.is_empty() {
            strong.push(f);
        } else {
            weak.push(f);
        }
    }
    verdict(
        rule, doc, reading, strong, weak, contrary, carve, near, &refusals, qualifier,
    )
}

/// A sentence with the rule's `mask` phrases taken out, annotated again: "training data" alone
/// does not put a sentence on the no-training rule's topic, but it does not keep "we do not use
/// your prompts, training data or inputs to train our models" off it either.
fn masked_out(
    library: &Library,
    d: &crate::library::rules::Detect,
    a: &Analysed,
    text: &str,
) -> (crate::library::matcher::Annotation, String) {
    let mut masked = text.to_string();
    for (s, e) in d.mask.spans(&a.ann, &library.matcher, text) {
        if let Some(r) = masked.get(s..e) {
            let blank = " ".repeat(r.len());
            masked.replace_range(s..e, &blank);
        }
    }
    let mut ann = library.matcher.annotate(&masked);
    if a.ai {
        ann.add(library.core.ai);
    }
    (ann, masked)
}

/// What softens a sentence that meets a rule, added to `reasons`: an effort qualifier, deemed
/// consent in its paragraph, the narrowing found by the caller, the rule's own weak patterns, and
/// its `weak_in_clause` patterns in the rest of the clause.
fn soften(
    library: &Library,
    d: &crate::library::rules::Detect,
    doc: &Document,
    reading: &Reading<'_>,
    i: usize,
    narrowing: Option<String>,
    reasons: &mut Vec<String>,
) {
    let core = library.core;
    let a = &reading.sentences[i];
    if a.ann.has(core.effort) {
        reasons.push(format!(
            "the effort qualifier {} softens it",
            quoted(library, doc, a, core.effort)
        ));
    }
    if let Some(b) = clause_of(doc, reading, i)
        .find(|b| b.sentence.block == a.sentence.block && b.ann.has(core.deemed_consent))
    {
        reasons.push(format!(
            "{} weakens the consent step",
            quoted(library, doc, b, core.deemed_consent)
        ));
    }
    if let Some(why) = narrowing {
        reasons.push(format!("it is narrowed to {why}"));
    }
    if let Some(p) = d.weak.iter().find(|p| p.matches(&a.ann, a.text(doc))) {
        reasons.push(p.reason.clone());
    }
    reasons.extend(clause_weakener(doc, reading, d, i));
}

/// The reason of the first `weak_in_clause` pattern that another sentence of the clause around
/// sentence `i` matches.
fn clause_weakener(
    doc: &Document,
    reading: &Reading<'_>,
    d: &crate::library::rules::Detect,
    i: usize,
) -> Option<String> {
    if d.weak_in_clause.is_empty() {
        return None;
    }
    let me = &reading.sentences[i];
    clause_of(doc, reading, i)
        .filter(|b| !std::ptr::eq(*b, me) && !b.negated)
        .find_map(|b| {
            d.weak_in_clause
                .iter()
                .find(|p| p.matches(&b.ann, b.text(doc)))
                .map(|p| p.reason.clone())
        })
}

/// The sentences of the clause around sentence `i`: its block, and the neighbouring blocks with the
/// same clause number (at most 15 sentences either way).
fn clause_of<'r>(
    doc: &Document,
    reading: &'r Reading<'_>,
    i: usize,
) -> impl Iterator<Item = &'r Analysed> {
    let block = reading.sentences[i].sentence.block;
    let key = |blk: usize| {
        doc.blocks
            .get(blk)
            .and_then(|b| b.section.as_deref())
            .map(clause_key)
    };
    let section = key(block);
    let heading_of = |blk: usize| reading.heading_of.get(blk).copied().flatten();
    let heading = heading_of(block);
    let same = move |a: &Analysed| {
        a.sentence.block == block
            || (section.is_some() && key(a.sentence.block) == section)
            || (heading.is_some() && heading_of(a.sentence.block) == heading)
    };
    let mut lo = i;
    while lo > 0 && i - lo < 15 && same(&reading.sentences[lo - 1]) {
        lo -= 1;
    }
    let mut hi = i + 1;
    while hi < reading.sentences.len() && hi - i < 15 && same(&reading.sentences[hi]) {
        hi += 1;
    }
    reading.sentences[lo..hi].iter()
}

/// The clause a section number belongs to: "14" for "14.3(a)", "Schedule 8 paragraph" for
/// "Schedule 8 paragraph 2", "B2" for "B2".
fn clause_key(section: &str) -> &str {
    if section.starts_with(|c: char| c.is_ascii_digit()) {
        let end = section.find(['.', '(']).unwrap_or(section.len());
        return &section[..end];
    }
    if let Some(p) = section.find(" paragraph ") {
        return &section[..p + " paragraph".len()];
    }
    section
}

/// A carve-out or exception in a sentence that narrows a prohibition, described; `None` when
/// there is none or the rule is a duty.
fn narrowed_for(library: &Library, rule: &Rule, doc: &Document, a: &Analysed) -> Option<String> {
    if rule.detect.kind == Kind::Prohibition {
        narrowed(library, &rule.detect, doc, a)
    } else {
        None
    }
}

/// A carve-out or scope narrower in a sentence, described; `None` when there is none. A
/// carve-out word inside what the rule's topic matches is the rule's own subject, not a
/// narrowing ("approved third-party AI tools" for the rule on public and unapproved AI tools).
fn narrowed(
    library: &Library,
    d: &crate::library::rules::Detect,
    doc: &Document,
    a: &Analysed,
) -> Option<String> {
    let core = library.core;
    if let Some(c) = core.carve_out
        && a.ann.has(c)
    {
        let text = a.text(doc);
        let topic: Vec<(usize, usize)> = d
            .topic
            .iter()
            .flat_map(|g| g.spans(&a.ann, &library.matcher, text))
            .collect();
        let carve = a.ann.hits.iter().find(|h| {
            let (s, e) = (h.start as usize, h.end as usize);
            library.matcher.concepts_of(h.term) & (1u64 << c) != 0
                && !topic.iter().any(|&(ts, te)| ts <= s && e <= te)
        });
        if let Some(t) = carve.and_then(|h| text.get(h.start as usize..h.end as usize)) {
            return Some(format!("a carve-out ('{t}')"));
        }
    }
    if a.carve_out_exception {
        return Some(format!(
            "an exception ({})",
            quoted(library, doc, a, core.exception)
        ));
    }
    None
}

/// Who a sentence's first modal not on the buyer binds, and how the reading found it, as a
/// sentence of the explanation ("It binds the supplier: 'Acme' is the subject, ...").
fn bound(doc: &Document, reading: &Reading<'_>, a: &Analysed) -> Option<String> {
    let p = a
        .predications(reading)
        .iter()
        .find(|p| p.actor != sentences::Actor::Buyer)?;
    let text = a.text(doc);
    let word = |s: u32, e: u32| {
        text.get(s as usize..e as usize)
            .map(str::trim)
            .filter(|w| !w.is_empty())
    };
    Some(match p.binding {
        Binding::Named(s, e) => format!(
            "It binds the supplier: '{}' is the party that must act.",
            word(s, e)?
        ),
        Binding::Name(s, e) => format!(
            "It binds the supplier: '{}', the name the document uses for it, is the party that must act.",
            word(s, e)?
        ),
        Binding::Agent(s, e) => format!(
            "It binds the supplier, named as the one who acts ('by {}').",
            word(s, e)?
        ),
        Binding::Shared => {
            "It binds the supplier, named earlier in the same sentence as the party that must act."
                .into()
        }
        Binding::Unnamed => {
            "No party is named as the one that must act (as in \"Customer Data will not be used\"), so it binds the supplier in effect.".into()
        }
    })
}

#[allow(clippy::too_many_arguments)]
fn verdict(
    rule: &Rule,
    doc: &Document,
    reading: &Reading<'_>,
    strong: Vec<Finding>,
    weak: Vec<Finding>,
    contrary: Vec<Finding>,
    carve: Vec<Finding>,
    near: Vec<String>,
    refusals: &[usize],
    qualifier: Option<usize>,
) -> Judged {
    let ev = |f: &Finding| doc.sentence_evidence(&reading.sentences[f.idx].sentence);
    // Who the deciding sentence binds, and how that was read (not for the tender pack, whose
    // explanations speak of the bid's answers).
    let binds = |f: &Finding| -> String {
        if rule.tier == Tier::Tender {
            return String::new();
        }
        bound(doc, reading, &reading.sentences[f.idx]).map_or_else(String::new, |b| format!(" {b}"))
    };
    let at = |f: &Finding| cite(doc, &reading.sentences[f.idx]);
    let describe = |f: &Finding| format!("{} {}", at(f), f.reasons.join("; "));
    let duty = match rule.detect.kind {
        Kind::Prohibition => "a prohibition",
        _ => "an obligation",
    };
    if !contrary.is_empty() {
        let mut evidence: Vec<Evidence> = contrary.iter().take(MAX_EVIDENCE).map(ev).collect();
        let mut explanation = format!("{}.", upper_first(&describe(&contrary[0])));
        if let Some(c) = strong.first().or(weak.first()) {
            evidence.push(ev(c));
            explanation.push_str(&format!(
                " It contradicts {} of the supplier at {}, so the document says both.",
                duty,
                at(c)
            ));
        } else if let Some(c) = carve.first() {
            evidence.push(ev(c));
        }
        return Judged {
            status: ClauseStatus::Contradicted,
            evidence,
            explanation,
        };
    }
    if let Some(s) = strong.first() {
        if let Some(c) = carve.first() {
            return Judged {
                status: ClauseStatus::Weak,
                evidence: vec![ev(s), ev(c)],
                explanation: format!(
                    "{} places {duty} on the supplier, but {}.{}",
                    upper_first(&at(s)),
                    describe(c),
                    binds(s)
                ),
            };
        }
        let a = &reading.sentences[s.idx];
        let present = |explanation: String| Judged {
            status: ClauseStatus::Present,
            evidence: strong.iter().take(MAX_EVIDENCE).map(ev).collect(),
            explanation,
        };
        if refusals.contains(&s.idx) {
            // The same refusal elsewhere with an exception re-opens what this one closes.
            if let Some(w) = qualifier.and_then(|q| weak.get(q)) {
                return Judged {
                    status: ClauseStatus::Weak,
                    evidence: vec![ev(s), ev(w)],
                    explanation: format!(
                        "{} says what the supplier does not do, but {} {}.{}",
                        upper_first(&at(s)),
                        at(w),
                        w.reasons.join("; "),
                        binds(s)
                    ),
                };
            }
            return present(format!(
                "{} says what the supplier does not do, and that meets the rule, without qualifiers or carve-outs.{}",
                upper_first(&at(s)),
                binds(s)
            ));
        }
        let mut elements: Vec<&str> = rule
            .detect
            .elements
            .iter()
            .map(|e| e.name.as_str())
            .collect();
        elements.dedup();
        let with = if elements.is_empty() {
            String::new()
        } else {
            format!(", with {}", elements.join(" and "))
        };
        let scope = if rule.detect.ai_scope {
            if a.ai_here {
                " about AI"
            } else {
                " within a clause or section about AI"
            }
        } else {
            ""
        };
        return present(format!(
            "{} places {duty} on the supplier{scope}{with}, without qualifiers or carve-outs.{}",
            upper_first(&at(s)),
            binds(s)
        ));
    }
    if let Some(w) = weak.first() {
        return Judged {
            status: ClauseStatus::Weak,
            evidence: weak.iter().take(MAX_EVIDENCE).map(ev).collect(),
            explanation: format!(
                "{} addresses this with {duty} on the supplier, but {}.{}",
                upper_first(&at(w)),
                w.reasons.join("; "),
                binds(w)
            ),
        };
    }
    if let Some(c) = carve.first() {
        return Judged {
            status: ClauseStatus::Contradicted,
            evidence: carve.iter().take(MAX_EVIDENCE).map(ev).collect(),
            explanation: format!(
                "{} grants the supplier a permission that the rule forbids; it {}.",
                upper_first(&at(c)),
                c.reasons.join("; ")
            ),
        };
    }
    let mut explanation = format!(
        "No clause places {duty} on the supplier for this ({}).",
        rule.title
    );
    if !near.is_empty() {
        explanation.push_str(&format!(" Near misses: {}.", near.join("; ")));
    }
    Judged {
        status: ClauseStatus::Missing,
        evidence: Vec::new(),
        explanation,
    }
}

#[cfg(test)]
mod tests {
    use crate::library::Library;
    use crate::model::{ClauseStatus, DocType, Format};

    /// The explanation of the verdict on one rule for a text.
    fn explain(text: &str, rule: &str) -> (ClauseStatus, String) {
        let lib = Library::builtin();
        let extracted = crate::extract::extract(Format::Text, text.as_bytes(), &Default::default())
            .expect("text is read");
        let doc = crate::segment::segment(extracted);
        let features = crate::check::features::detect(&lib.lexicon, &doc, None);
        let v = super::evaluate(&lib, &doc, DocType::Contract, &features)
            .into_iter()
            .find(|v| v.id == rule)
            .expect("the rule applies");
        (v.status, v.explanation)
    }

    /// What the people a decision is about may do ("the resident may ask for a review") is their
    /// right, not a permission of the supplier; a passive, or the supplier's own people, still is.
    /// And a person trained for a task is not a model trained.
    #[test]
    fn a_right_of_the_people_a_decision_is_about_is_not_a_supplier_permission() {
        let rule = "no-training-on-buyer-data";
        let duty = "The Supplier shall not use Council Data to train any AI model.";
        for beside in [
            "A resident may ask the Supplier to retrain the AI model on their corrected records.",
            // People trained for a task are not models trained.
            "Where an AI system informs a decision about a resident, the Supplier shall ensure \
             that a suitably trained officer reviews the output and makes the final decision.",
        ] {
            let (status, explanation) = explain(&format!("{duty}\n\n{beside}"), rule);
            assert_eq!(status, ClauseStatus::Present, "{beside}: {explanation}");
        }
        for contrary in [
            "Data subjects' records may be used to train the Supplier's AI models.",
            "Our people may use Council Data to train AI models.",
        ] {
            let (status, explanation) = explain(&format!("{duty}\n\n{contrary}"), rule);
            assert_eq!(
                status,
                ClauseStatus::Contradicted,
                "{contrary}: {explanation}"
            );
        }
    }

    #[test]
    fn explanations_say_whom_a_clause_binds_and_how_that_was_read() {
        let rule = "no-training-on-buyer-data";
        let cases = [
            (
                "The Supplier shall not use Authority Data to train any AI model.",
                "'The Supplier' is the party that must act",
            ),
            (
                "Brightline will not use Customer Content to train its AI models.",
                "'Brightline', the name the document uses for it",
            ),
            (
                "Customer Data will not be used to train AI models.",
                "No party is named as the one that must act",
            ),
        ];
        for (text, says) in cases {
            let (status, explanation) = explain(text, rule);
            assert_eq!(status, ClauseStatus::Present, "{text}: {explanation}");
            assert!(explanation.contains(says), "{text}: {explanation}");
        }
    }
}
