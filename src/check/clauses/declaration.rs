//! The tender rule `tender-ai-declaration`: does the bid declare whether AI is used, with details,
//! and does the declaration agree with what the bid describes?
//!
//! The declaration comes from the AI-feature detector ([`Features::declaration`]) when it found one;
//! otherwise this module looks for it itself: a sentence about AI, not a question or an instruction
//! to bidders, that declares, confirms or states the bidder's use (or non-use) of AI.
//!
//! - **present**: a declaration that AI is used, with details (what tool or technique, for what), or
//!   a declaration that no AI is used in a bid that describes none;
//! - **weak**: a declaration that AI is used with no details (which tool, for what purpose);
//! - **contradicted**: a declaration of no AI in a bid that describes AI features (both quoted);
//! - **missing**: no declaration.

use std::sync::LazyLock;

use regex::Regex;

use super::Judged;
use super::sentences::{Actor, Reading};
use crate::check::features::Features;
use crate::model::{AiDeclaration, ClauseStatus, Document, Evidence};

/// Declaring verbs, or a statement of (non-)use.
static DECLARES: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(declare[sd]?|confirm(s|ed)?|disclose[sd]?|state[sd]?|no (AI|artificial intelligence)|(do|does|did|will|have|has|was|were|is|are)( not|n't)? (been )?(use[sd]?|using|deploy\w*|employ\w*))\b").unwrap()
});
/// A question or an instruction to bidders, not a declaration.
static INSTRUCTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(\?|\bbidders? (must|should|shall|are required to|is required to)\b|\bplease\b|\btenderers? (must|should|shall)\b)").unwrap()
});
/// Negation of AI use.
static NO_AI: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(\b(no|not|never|none|without)\b[^.;]{0,40}\b(AI|A\.I\.|artificial intelligence|machine learning|generative|LLMs?|automated tools?)\b|\b(AI|artificial intelligence|machine learning)\b[^.;]{0,30}\b(has not|have not|was not|were not|will not|is not|are not|won't|wasn't)\b)").unwrap()
});
/// Details: a purpose or a named tool, model or provider.
static DETAILS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(\b(to|for)\s+(help\s+)?(draft|summar|transcri|translat|triag|analys|analyz|generat|review|proofread|check|rout|answer|classif|predict|schedul|detect|spell|grammar|format|search|extract|categoris|prioritis)\w*|\b(ChatGPT|Copilot|OpenAI|GPT-?\d|Gemini|Claude|Azure|Grammarly|Llama|Mistral|Whisper|Bedrock|Vertex)\b|\b(version|provider|vendor|licensed|enterprise (instance|licence|license|tenant))\b)").unwrap()
});
/// A description of an AI capability the bid offers (used when the feature detector found none).
static DESCRIBES: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(uses|use|using|powered by|includes|include|features|built on|leverag\w*|employs|applies|driven by|based on|provides|offers|deploys|runs)\b").unwrap()
});

/// Finds the bid's declaration when the feature detector did not.
pub fn find(doc: &Document, reading: &Reading) -> Option<AiDeclaration> {
    reading.sentences.iter().find_map(|a| {
        if !a.ai_here || a.predications.iter().any(|p| p.actor == Actor::Buyer) {
            return None;
        }
        let text = doc.sentence_text(&a.sentence);
        if INSTRUCTION.is_match(text) || !DECLARES.is_match(text) {
            return None;
        }
        Some(AiDeclaration {
            says_ai_used: !NO_AI.is_match(text),
            evidence: doc.sentence_evidence(&a.sentence),
        })
    })
}

/// An AI capability the bid describes outside its declaration, as evidence.
fn described(doc: &Document, reading: &Reading, decl: &Evidence) -> Option<Evidence> {
    reading.sentences.iter().find_map(|a| {
        if !a.ai_here || a.negated {
            return None;
        }
        let text = doc.sentence_text(&a.sentence);
        let e = doc.sentence_evidence(&a.sentence);
        if e.start == decl.start || INSTRUCTION.is_match(text) || NO_AI.is_match(text) {
            return None;
        }
        (DESCRIBES.is_match(text) && a.predications.iter().all(|p| p.actor != Actor::Buyer))
            .then_some(e)
    })
}

/// The verdict of the tender rule.
pub fn judge(doc: &Document, reading: &Reading, features: &Features) -> Judged {
    let Some(decl) = features.declaration.clone().or_else(|| find(doc, reading)) else {
        return Judged {
            status: ClauseStatus::Missing,
            evidence: Vec::new(),
            explanation:
                "The bid does not declare whether AI is used to deliver the service or to \
                          prepare the bid (PPN 02/24 / PPN 017 disclosure)."
                    .into(),
        };
    };
    let where_ = decl
        .evidence
        .section
        .clone()
        .map(|s| format!("The declaration at {s}"))
        .unwrap_or_else(|| "The declaration".into());
    if !decl.says_ai_used {
        let feature = features
            .features
            .first()
            .map(|f| (f.evidence.clone(), format!("'{}'", f.name)))
            .or_else(|| described(doc, reading, &decl.evidence).map(|e| (e, "AI".into())));
        return match feature {
            Some((ev, name)) => Judged {
                status: ClauseStatus::Contradicted,
                explanation: format!(
                    "{where_} says no AI is used, but the bid describes {name} at {}.",
                    ev.section.clone().unwrap_or_else(|| "another place".into())
                ),
                evidence: vec![decl.evidence, ev],
            },
            None => Judged {
                status: ClauseStatus::Present,
                explanation: format!(
                    "{where_} states that no AI is used, and the bid describes no AI feature."
                ),
                evidence: vec![decl.evidence],
            },
        };
    }
    // Details: in the declaration or the rest of its clause.
    let clause_text: String = reading
        .sentences
        .iter()
        .filter(|a| {
            let e = doc.sentence_evidence(&a.sentence);
            e.start >= decl.evidence.start
                && doc.blocks.get(a.sentence.block).is_some_and(|b| {
                    b.section == decl.evidence.section && e.start < decl.evidence.start + 2000
                })
        })
        .map(|a| doc.sentence_text(&a.sentence))
        .collect::<Vec<_>>()
        .join(" ");
    let text = if clause_text.is_empty() {
        decl.evidence.quote.clone()
    } else {
        clause_text
    };
    if DETAILS.is_match(&text) {
        Judged {
            status: ClauseStatus::Present,
            explanation: format!(
                "{where_} says AI is used and gives details (the tool or the purpose)."
            ),
            evidence: vec![decl.evidence],
        }
    } else {
        Judged {
            status: ClauseStatus::Weak,
            explanation: format!(
                "{where_} says AI is used but gives no details: which tool or model, from which \
                 provider, and for what purpose."
            ),
            evidence: vec![decl.evidence],
        }
    }
}
