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
use crate::check::features::{Features, context};
use crate::model::{AiDeclaration, ClauseStatus, Document, Evidence, FeatureCategory};

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
/// A use of AI and the purpose it is put to: "AI is used in our service to sort defect reports"
/// (the word after "to" or "for" is checked against [`VAGUE_PURPOSES`]).
static PURPOSE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:use[sd]?|using|deploy\w*|employ\w*|appl(?:y|ies|ied)|rel(?:y|ies) on)\b[^.;:]{0,60}?\b(?:to|for)\s+(\w+)").unwrap()
});
/// Words after "to" or "for" that name no purpose ("used to deliver the service").
const VAGUE_PURPOSES: &[&str] = &[
    "a",
    "add",
    "all",
    "an",
    "aspects",
    "assist",
    "be",
    "benefit",
    "boost",
    "deliver",
    "delivering",
    "delivery",
    "do",
    "drive",
    "enhance",
    "enhancing",
    "everything",
    "help",
    "helping",
    "improve",
    "improving",
    "innovate",
    "it",
    "its",
    "make",
    "making",
    "many",
    "optimise",
    "optimize",
    "our",
    "part",
    "parts",
    "power",
    "provide",
    "providing",
    "service",
    "services",
    "some",
    "streamline",
    "support",
    "supporting",
    "the",
    "their",
    "this",
    "transform",
    "us",
    "value",
    "various",
    "work",
    "your",
];
/// The declaration points to what follows ("as described below", "the sections that follow").
static POINTS_ON: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(below|(that|which) follow|following sections?|next section|see (section|part|question|Q)\s*\w+|set out in (section|part|question|Q)\s*\w+|described in (section|part|question|Q)\s*\w+)\b").unwrap()
});
/// A pointer to a named part of the bid: "as set out in Section A", "see Part 4".
static SECTION_POINTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:described|set out|explained|detailed|listed|shown|see)\s+(?:in\s+|at\s+|under\s+)?(?:section|part|paragraph)\s+([A-Z0-9][A-Z0-9.]*)").unwrap()
});
/// Words of delivering the service, as opposed to preparing the bid.
static SERVICE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(deliver\w*|service|services|contract|solution|platform|provid\w*|operat\w*)\b",
    )
    .unwrap()
});
/// Most characters of the sections after a declaration read for its details.
const MAX_DETAILS_CHARS: usize = 6000;

/// A description of an AI capability the bid offers (used when the feature detector found none).
static DESCRIBES: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(uses|use|using|powered by|includes|include|features|built on|leverag\w*|employs|applies|driven by|based on|provides|offers|deploys|runs)\b").unwrap()
});

/// Finds the bid's declaration when the feature detector did not.
/// A declaration about the service comes first; one about preparing the bid only is taken when
/// there is no other.
pub fn find(doc: &Document, reading: &Reading<'_>) -> Option<AiDeclaration> {
    let mut found = reading.sentences.iter().filter_map(|a| {
        if !a.ai_here
            || a.predications(reading)
                .iter()
                .any(|p| p.actor == Actor::Buyer)
        {
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
    });
    let first = found.next()?;
    if !preparation_only(&first.evidence.quote) {
        return Some(first);
    }
    Some(
        found
            .find(|d| !preparation_only(&d.evidence.quote))
            .unwrap_or(first),
    )
}

/// A declaration about preparing the bid that says nothing of delivering the service ("No
/// generative AI tools were used to write this submission").
fn preparation_only(text: &str) -> bool {
    context::is_bid_preparation(text) && !SERVICE.is_match(text)
}

/// An AI capability the bid describes outside its declaration, as evidence. A heading or a
/// question that names AI ("Use of artificial intelligence", "Q7. Do you use AI?") describes
/// nothing.
fn described(doc: &Document, reading: &Reading<'_>, decl: &Evidence) -> Option<Evidence> {
    reading.sentences.iter().find_map(|a| {
        if !a.ai_here || a.negated {
            return None;
        }
        let text = doc.sentence_text(&a.sentence);
        let e = doc.sentence_evidence(&a.sentence);
        let heading = doc
            .blocks
            .get(a.sentence.block)
            .is_some_and(context::is_heading);
        if heading
            || e.start == decl.start
            || INSTRUCTION.is_match(text)
            || context::is_question(text)
            || NO_AI.is_match(text)
        {
            return None;
        }
        (DESCRIBES.is_match(text)
            && a.predications(reading)
                .iter()
                .all(|p| p.actor != Actor::Buyer))
        .then_some(e)
    })
}

/// The verdict of the tender rule.
pub fn judge(doc: &Document, reading: &Reading<'_>, features: &Features) -> Judged {
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
        .as_deref()
        .map(|s| format!("The declaration at {}", place(s)))
        .unwrap_or_else(|| "The declaration".into());
    if preparation_only(&decl.evidence.quote) {
        return Judged {
            status: ClauseStatus::Weak,
            explanation: format!(
                "{where_} covers preparing the bid only: the bid does not say whether AI is used \
                 to deliver the service."
            ),
            evidence: vec![decl.evidence],
        };
    }
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
                    ev.section
                        .as_deref()
                        .map_or_else(|| "another place".into(), place)
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
    // Details: in the declaration, the rest of its section, or the sections that follow it.
    let (text, span) = details_text(doc, &decl.evidence);
    let named = features.features.iter().any(|f| {
        f.disclosed
            && f.category != FeatureCategory::Other
            && (span.iter().any(|r| r.contains(&f.evidence.start))
                || f.evidence.start == decl.evidence.start)
    });
    if named || DETAILS.is_match(&text) || has_purpose(&text) {
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

/// A section as a sentence cites it: "section 2" for a bare number, else as the bid labels it
/// ("Q3", "Section 4", "B1").
fn place(section: &str) -> String {
    if section.starts_with(|c: char| c.is_ascii_digit()) {
        format!("section {section}")
    } else {
        section.to_string()
    }
}

/// A use of AI put to a named purpose ("used to sort defect reports"), not a vague one ("used
/// to deliver the service").
fn has_purpose(text: &str) -> bool {
    PURPOSE.captures_iter(text).any(|c| {
        c.get(1)
            .is_some_and(|w| !VAGUE_PURPOSES.contains(&w.as_str().to_lowercase().as_str()))
    })
}

/// The text a declaration's details may be in, and its span in the document: from the
/// declaration to the end of its section, then on through each following section whose heading
/// names AI ("The AI service we use"), and through the next section whatever its heading when the
/// declaration points on to it ("described in the sections that follow"), and in any section it
/// names ("as set out in Section A"); at most about [`MAX_DETAILS_CHARS`] characters each.
fn details_text(doc: &Document, decl: &Evidence) -> (String, Vec<std::ops::Range<usize>>) {
    let Some(first) = doc.blocks.iter().position(|b| b.end > decl.start) else {
        return (
            decl.quote.clone(),
            std::iter::once(decl.start..decl.end).collect(),
        );
    };
    let mut points_on = POINTS_ON.is_match(&decl.quote);
    let mut text = String::new();
    let mut end = decl.end;
    for (i, block) in doc.blocks[first..].iter().enumerate() {
        // The next question of a questionnaire starts another answer: one about AI carries the
        // declaration's details on ("Which AI model is used?"), any other ends them.
        if i > 0 && context::is_question(&block.text) {
            if context::mentions_ai(&block.text) {
                continue;
            }
            break;
        }
        if context::is_heading(block) {
            let carry_on = context::mentions_ai(&block.text) || points_on;
            points_on = false;
            if !carry_on {
                break;
            }
            continue;
        }
        if text.len() > MAX_DETAILS_CHARS {
            break;
        }
        // Offsets count characters: the declaration may start inside its block.
        let skip = decl.start.saturating_sub(block.start);
        let from = block
            .text
            .char_indices()
            .nth(skip)
            .map_or(block.text.len(), |(b, _)| b);
        let part = block.text.get(from..).unwrap_or_default();
        points_on |= POINTS_ON.is_match(part);
        text.push_str(part);
        text.push(' ');
        end = block.end;
    }
    let mut spans: Vec<std::ops::Range<usize>> = std::iter::once(decl.start..end).collect();
    // "Yes, as set out in Section A": the section pointed to holds details too.
    for label in SECTION_POINTER
        .captures_iter(&text.clone())
        .filter_map(|c| c.get(1))
        .map(|m| m.as_str().trim_end_matches('.').to_string())
    {
        for block in section_blocks(doc, &label) {
            if text.len() > 2 * MAX_DETAILS_CHARS {
                break;
            }
            text.push_str(&block.text);
            text.push(' ');
            spans.push(block.start..block.end);
        }
    }
    (text, spans)
}

/// The blocks of the section a bid labels `label`: blocks numbered with it ("4", "4.2"), or the
/// blocks under a heading that opens with it ("Section A - Method", "Part B", "4. Data").
fn section_blocks<'d>(doc: &'d Document, label: &str) -> Vec<&'d crate::model::Block> {
    let numbered = |s: &str| {
        s.eq_ignore_ascii_case(label)
            || s.get(..label.len())
                .is_some_and(|p| p.eq_ignore_ascii_case(label))
                && s[label.len()..].starts_with(['.', '('])
    };
    let opens = |heading: &str| {
        let h = heading.trim().trim_start_matches('#').trim();
        let h = ["Section ", "Part ", "section ", "part "]
            .iter()
            .find_map(|p| h.strip_prefix(p))
            .unwrap_or(h);
        h.get(..label.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(label))
            && h[label.len()..].starts_with([' ', '.', ':', '-', ')'])
    };
    let mut out = Vec::new();
    let mut under = false;
    for b in &doc.blocks {
        if context::is_heading(b) {
            under = opens(&b.text);
            continue;
        }
        if under || b.section.as_deref().is_some_and(numbered) {
            out.push(b);
        }
    }
    out
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purposes_named_and_vague() {
        let t = "We confirm that AI is used in our service to sort and prioritise defect reports.";
        assert!(has_purpose(t));
        assert!(!has_purpose(
            "We confirm that AI is used to deliver the service."
        ));
    }
}
