//! The tender vendor-assurance pack: the tender rules other than the declaration
//! (`tender-ai-model-provenance`, `-training-data`, `-testing`, `-data-flows`, `-human-oversight`,
//! `-change-and-incident`).
//!
//! This module decides two things and nothing else; the verdicts themselves come from the ordinary
//! duty and prohibition judging, driven by the rules' data:
//!
//! - **whether the pack applies**: only to a bid that describes AI (the feature detector found an AI
//!   feature) or declares that it uses AI. A bid with no AI does not get these rules at all, so it is
//!   never reported as missing them;
//! - **the clarification question** for a verdict other than present, of the pack's rules and of
//!   the declaration: the rule's `question` (what the buyer asks for), opened by what the bid
//!   itself says (its answer, quoted and cited; for a contradicted declaration, the "no AI"
//!   declaration and the AI the bid describes) or by saying that no answer was found.

use super::{Judged, declaration, sentences::Reading};
use crate::check::features::Features;
use crate::library::Rule;
use crate::library::rules::{Kind, Tier};
use crate::model::{ClauseStatus, Document, Evidence};

/// Longest quote of the bid's answer inside a question, in characters.
const MAX_QUOTE: usize = 240;

/// Whether a rule is one of the pack's: a tender rule decided by its text, not the declaration.
pub fn in_pack(rule: &Rule) -> bool {
    rule.tier == Tier::Tender && rule.detect.kind != Kind::Declaration
}

/// Whether a bid describes AI or declares that it uses AI, which brings the pack into play.
pub fn uses_ai(doc: &Document, reading: &Reading, features: &Features) -> bool {
    if !features.features.is_empty() {
        return true;
    }
    features
        .declaration
        .clone()
        .or_else(|| declaration::find(doc, reading))
        .is_some_and(|d| d.says_ai_used)
}

/// The clarification question for a pack verdict other than present; `None` for present verdicts
/// and for rules without a `question`.
pub fn question(rule: &Rule, judged: &Judged) -> Option<String> {
    let ask = rule.question.as_deref()?;
    let opening = match (judged.status, judged.evidence.first()) {
        (ClauseStatus::Present, _) => return None,
        (ClauseStatus::Weak, Some(e)) => format!(
            "{} says \"{}\". This does not give us the specific details we need to evaluate it.",
            where_(e),
            short(&e.quote)
        ),
        // The declaration's contrary evidence is a "no AI" declaration and the AI described.
        (ClauseStatus::Contradicted, Some(e)) if rule.detect.kind == Kind::Declaration => {
            match judged.evidence.get(1) {
                Some(ai) => format!(
                    "{} says \"{}\", but {} says \"{}\", which describes the use of AI.",
                    where_(e),
                    short(&e.quote),
                    lower_first(&where_(ai)),
                    short(&ai.quote)
                ),
                None => format!(
                    "{} says \"{}\", but your bid also describes the use of AI.",
                    where_(e),
                    short(&e.quote)
                ),
            }
        }
        (ClauseStatus::Contradicted, Some(e)) => format!(
            "{} says \"{}\". As written, this appears to give us the opposite of the assurance we need.",
            where_(e),
            short(&e.quote)
        ),
        _ => "We could not find an answer to this point in your bid.".to_string(),
    };
    Some(format!("{opening} {ask}"))
}

/// Where in the bid a quote is, as the opening of a sentence: "Your answer to Q4", "Section 3.2
/// of your bid", "Your bid (page 2)".
fn where_(e: &Evidence) -> String {
    let question_number = |s: &str| {
        let mut c = s.chars();
        matches!(c.next(), Some('Q' | 'q')) && c.next().is_some_and(|d| d.is_ascii_digit())
    };
    match (&e.section, e.page) {
        (Some(s), _) if question_number(s) => format!("Your answer to {s}"),
        (Some(s), _) => format!("Section {s} of your bid"),
        (None, Some(p)) => format!("Your bid (page {p})"),
        (None, None) => "Your bid".to_string(),
    }
}

/// "Your answer to Q4" -> "your answer to Q4" (inside a sentence); "Section 3.2 ..." likewise.
fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_lowercase().chain(c).collect())
        .unwrap_or_default()
}

/// A quote cut to [`MAX_QUOTE`] characters at a word boundary, without its final full stop.
fn short(quote: &str) -> String {
    let q = quote.trim().trim_end_matches('.');
    if q.chars().count() <= MAX_QUOTE {
        return q.to_string();
    }
    let cut: String = q.chars().take(MAX_QUOTE).collect();
    let cut = match cut.rfind(' ') {
        Some(i) if i > MAX_QUOTE / 2 => &cut[..i],
        _ => cut.as_str(),
    };
    format!("{} ...", cut.trim_end_matches([',', ';', ':']))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(section: Option<&str>, quote: &str) -> Evidence {
        Evidence {
            page: None,
            section: section.map(str::to_string),
            quote: quote.into(),
            start: 0,
            end: quote.chars().count(),
        }
    }

    #[test]
    fn cites_the_answer_and_cuts_long_quotes() {
        assert_eq!(where_(&ev(Some("Q4"), "x")), "Your answer to Q4");
        assert_eq!(where_(&ev(Some("3.2"), "x")), "Section 3.2 of your bid");
        assert_eq!(where_(&ev(None, "x")), "Your bid");
        assert_eq!(short("We test our AI."), "We test our AI");
        let long = "word ".repeat(100);
        let s = short(&long);
        assert!(s.ends_with(" ...") && s.chars().count() <= MAX_QUOTE + 4);
    }
}
