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

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::Regex;

use super::{Judged, declaration, sentences::Reading};
use crate::check::features::{Features, context};
use crate::library::Rule;
use crate::library::rules::{Kind, Tier};
use crate::model::{ClauseStatus, Document, Evidence, Sentence};

/// Longest quote of the bid's answer inside a question, in characters.
const MAX_QUOTE: usize = 240;

/// Whether a rule is one of the pack's: a tender rule decided by its text, not the declaration.
pub fn in_pack(rule: &Rule) -> bool {
    rule.tier == Tier::Tender && rule.detect.kind != Kind::Declaration
}

/// A numbered question put as an instruction ("Q2. Name each AI model and its provider.").
static NUMBERED_INSTRUCTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?i:q(?:uestion)?\s*\d{1,3}(?:\.\d{1,2})?[.:)]?\s+)(?i:describe|explain|provide|list|confirm|detail|outline|state|set out|identify|specify|indicate|tell us|give|name|say|submit|supply|demonstrate|summari[sz]e)\b")
        .unwrap_or_else(|e| panic!("bad built-in pattern: {e}"))
});

/// The bid without the questions put to the bidder ("Q3. Will the Council's data be used to
/// train the models?", "Please describe how you test the AI."), for judging the tender rules: an
/// answer is what the bidder says, so a question, which may word the very thing the rule forbids,
/// is never evidence. Blocks (headings and sections) are kept; only question sentences go.
pub fn answers_only(doc: &Document) -> Cow<'_, Document> {
    // A question the segmenter cut in two ("Q2." and "Name each ...") is one block: a block that
    // reads as a question goes whole.
    let question_blocks: Vec<bool> = doc.blocks.iter().map(|b| is_question(&b.text)).collect();
    let drop = |s: &Sentence| {
        question_blocks.get(s.block).copied().unwrap_or(false) || is_question(doc.sentence_text(s))
    };
    if !doc.sentences.iter().any(drop) {
        return Cow::Borrowed(doc);
    }
    let mut answers = doc.clone();
    answers.sentences.retain(|s| !drop(s));
    Cow::Owned(answers)
}

/// A question or an instruction to the bidder: it ends with a question mark, opens with "Please",
/// or is a numbered instruction ([`NUMBERED_INSTRUCTION`]); emphasis and quotes around it aside.
fn is_question(text: &str) -> bool {
    let bare = text.trim_matches(|c: char| c.is_whitespace() || "*_#\"'“”".contains(c));
    let t = context::strip_label(bare);
    t.ends_with('?')
        || t.get(..7)
            .is_some_and(|p| p.eq_ignore_ascii_case("please "))
        || NUMBERED_INSTRUCTION.is_match(bare)
}

/// Whether a bid describes AI or declares that it uses AI, which brings the pack into play.
pub fn uses_ai(doc: &Document, reading: &Reading<'_>, features: &Features) -> bool {
    if !features.features.is_empty() {
        return true;
    }
    features
        .declaration
        .clone()
        .or_else(|| declaration::find(doc, reading))
        .is_some_and(|d| d.says_ai_used)
}

/// The checker's contract wording, and how a bid's verdict says it: a bid answers questions, it
/// does not place obligations ("Clause 3 places an obligation on the supplier, with ..." becomes
/// "Section 3 answers this, with ..."). Phrases not found are left as they are.
static BID_PHRASES: LazyLock<Vec<(Regex, &'static str)>> = LazyLock::new(|| {
    [
        (
            r"^No clause places (?:an obligation|a prohibition) on the supplier for this \(The bid ([^)]*)\)\.",
            "Nothing in the bid $1.",
        ),
        (
            r"^No clause places (?:an obligation|a prohibition) on the supplier for this \(([^)]*)\)\.",
            "The bid does not answer this ($1).",
        ),
        (
            r" places (?:an obligation|a prohibition) on the supplier(?: about AI| within a clause or section about AI)?",
            " answers this",
        ),
        (
            r" addresses this with (?:an obligation|a prohibition) on the supplier, but ",
            " answers this, but ",
        ),
        (
            r" says what the supplier does not do, and that meets the rule",
            " says what the bidder will not do, which meets the rule",
        ),
        (r", without qualifiers or carve-outs\.", "."),
        (
            r"It contradicts (?:an obligation|a prohibition) of the supplier at (.*), so the document says both\.",
            "It contradicts the bid's answer at $1, so the bid says both.",
        ),
        (r"^Clause (\S)", "Section $1"),
        (r" at Clause ", " at section "),
        (r"\bthe supplier\b", "the bidder"),
    ]
    .into_iter()
    .map(|(p, to)| {
        (
            Regex::new(p).unwrap_or_else(|e| panic!("bad built-in pattern {p}: {e}")),
            to,
        )
    })
    .collect()
});

/// A pack verdict's explanation in the words of a bid (`BID_PHRASES`).
pub fn bid_wording(explanation: &str) -> String {
    let mut out = explanation.to_string();
    for (pattern, to) in BID_PHRASES.iter() {
        if let std::borrow::Cow::Owned(s) = pattern.replace_all(&out, *to) {
            out = s;
        }
    }
    out
}

/// The clarification question for a pack verdict other than present; `None` for present verdicts
/// and for rules without a `question`.
pub fn question(rule: &Rule, judged: &Judged) -> Option<String> {
    let ask = rule.question.as_deref()?;
    let opening = match (judged.status, judged.evidence.first()) {
        (ClauseStatus::Present, _) => return None,
        (ClauseStatus::Weak, Some(e)) => format!(
            "{} says \"{}\". {}",
            where_in_bid(e),
            short(&e.quote),
            shortfall(&judged.explanation).unwrap_or_else(|| {
                "This does not give us the specific details we need to evaluate it.".into()
            })
        ),
        // The declaration's contrary evidence is a "no AI" declaration and the AI described.
        (ClauseStatus::Contradicted, Some(e)) if rule.detect.kind == Kind::Declaration => {
            match judged.evidence.get(1) {
                Some(ai) => format!(
                    "{} says \"{}\", but {} says \"{}\", which describes the use of AI.",
                    where_in_bid(e),
                    short(&e.quote),
                    lower_first(&where_in_bid(ai)),
                    short(&ai.quote)
                ),
                None => format!(
                    "{} says \"{}\", but your bid also describes the use of AI.",
                    where_in_bid(e),
                    short(&e.quote)
                ),
            }
        }
        (ClauseStatus::Contradicted, Some(e)) => format!(
            "{} says \"{}\". As written, this appears to give us the opposite of the assurance we need.",
            where_in_bid(e),
            short(&e.quote)
        ),
        _ if rule.detect.kind == Kind::Declaration => {
            "We could not find a statement in your bid of whether AI is used.".to_string()
        }
        _ => "We could not find an answer to this point in your bid.".to_string(),
    };
    Some(format!("{opening} {ask}"))
}

/// What a weak answer lacks, from the checker's reasons (the part of the explanation after
/// ", but "), as a sentence to the bidder: "It does not include who hosts it."
fn shortfall(explanation: &str) -> Option<String> {
    let (_, reasons) = explanation.split_once(", but ")?;
    let reasons: Vec<&str> = reasons
        .trim()
        .trim_end_matches('.')
        .split("; ")
        .filter(|r| !r.is_empty())
        .collect();
    let joined = match reasons.as_slice() {
        [] => return None,
        [one] => (*one).to_string(),
        [rest @ .., last] => format!("{}, and {last}", rest.join(", ")),
    };
    let joined = joined
        .replace("the buyer's", "the Council's")
        .replace("the buyer", "the Council");
    let mut c = joined.chars();
    let first = c.next()?;
    Some(format!("{}{}.", first.to_uppercase(), c.as_str()))
}

/// Where in the bid a quote is, as the opening of a sentence: "Your answer to Q4", "Section 3.2
/// of your bid", "Your bid (page 2)".
pub(crate) fn where_in_bid(e: &Evidence) -> String {
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
    fn questions_are_not_answers() {
        let doc = crate::segment::segment(crate::model::Extracted {
            pages: None,
            blocks: [
                "Q2. Name each AI model or service and its provider.",
                "We use Azure OpenAI GPT-4o, hosted in UK South.",
                "**Q3. Will the Council's data be used to train the models?**",
                "No. Please see section 4. We never train on Council data.",
            ]
            .iter()
            .map(|t| crate::model::RawBlock {
                kind: crate::model::BlockKind::Paragraph,
                text: (*t).into(),
                page: None,
                label: None,
                level: None,
            })
            .collect(),
        });
        let kept: Vec<&str> = answers_only(&doc)
            .sentences
            .iter()
            .map(|s| doc.sentence_text(s))
            .collect();
        assert_eq!(
            kept,
            [
                "We use Azure OpenAI GPT-4o, hosted in UK South.",
                "No. Please see section 4. We never train on Council data."
            ]
        );
    }

    #[test]
    fn weak_answers_say_what_they_lack() {
        assert_eq!(
            shortfall(
                "B1 addresses this with an obligation on the supplier, but it does not include who hosts it; it promises to keep the buyer informed in general terms only."
            )
            .as_deref(),
            Some(
                "It does not include who hosts it, and it promises to keep the Council informed in general terms only."
            )
        );
        assert_eq!(shortfall("Section 3 answers this."), None);
    }

    #[test]
    fn explanations_read_as_about_a_bid() {
        assert_eq!(
            bid_wording(
                "No clause places an obligation on the supplier for this (The bid says how AI changes and AI incidents will be notified). Near misses: 4.2."
            ),
            "Nothing in the bid says how AI changes and AI incidents will be notified. Near misses: 4.2."
        );
        assert_eq!(
            bid_wording(
                "Clause 3 places an obligation on the supplier about AI, with a named model or provider and who hosts it, without qualifiers or carve-outs."
            ),
            "Section 3 answers this, with a named model or provider and who hosts it."
        );
        assert_eq!(
            bid_wording(
                "Q3 addresses this with an obligation on the supplier, but it does not include a method, measure or result."
            ),
            "Q3 answers this, but it does not include a method, measure or result."
        );
        assert_eq!(
            bid_wording(
                "A2 declines to name the models or providers. It contradicts an obligation of the supplier at A1, so the document says both."
            ),
            "A2 declines to name the models or providers. It contradicts the bid's answer at A1, so the bid says both."
        );
        assert_eq!(
            bid_wording(
                "Clause 6 says what the supplier does not do, and that meets the rule, without qualifiers or carve-outs."
            ),
            "Section 6 says what the bidder will not do, which meets the rule."
        );
    }

    #[test]
    fn cites_the_answer_and_cuts_long_quotes() {
        assert_eq!(where_in_bid(&ev(Some("Q4"), "x")), "Your answer to Q4");
        assert_eq!(
            where_in_bid(&ev(Some("3.2"), "x")),
            "Section 3.2 of your bid"
        );
        assert_eq!(where_in_bid(&ev(None, "x")), "Your bid");
        assert_eq!(short("We test our AI."), "We test our AI");
        let long = "word ".repeat(100);
        let s = short(&long);
        assert!(s.ends_with(" ...") && s.chars().count() <= MAX_QUOTE + 4);
    }
}
