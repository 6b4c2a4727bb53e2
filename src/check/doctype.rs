//! Document type detection: contract (agreement, terms, call-off, template) or tender (a bid or
//! response), from weighted signals in the text and the shape of its numbering. Neither clearly
//! ahead gives `unknown`, which is checked as a contract.
//!
//! Every signal of both kinds is compiled into one [`RegexSet`], so a block is read once for all of
//! them (see `SIGNALS` for how word boundaries stay exact).

use std::sync::LazyLock;

use regex::{Regex, RegexBuilder, RegexSet, RegexSetBuilder};

use crate::model::{DocType, Document};

/// Contract signals, with weights.
const CONTRACT: &[(&str, u32)] = &[
    (
        r"\bthis (agreement|contract|call-off contract|framework agreement|addendum|deed)\b",
        3,
    ),
    (r"\bthe parties (hereby )?agree\b|\bhereby agree\b", 3),
    (
        r"\bin witness whereof\b|\bexecuted as a deed\b|\bsigned for and on behalf of\b",
        3,
    ),
    (
        r"\bterms and conditions\b|\bterms of service\b|\bcall-off\b|\border form\b",
        2,
    ),
    (
        r"\bthese terms\b|\bthis schedule\b|\bforms? part of the (agreement|contract)\b",
        2,
    ),
    (
        r#"\(the ["“](supplier|provider|vendor|contractor|processor|licensor|consultant)["”]\)"#,
        3,
    ),
    (
        r"\bwhereas\b|\bgoverning law\b|\bentire agreement\b|\bforce majeure\b",
        1,
    ),
    (r"\b(the )?(supplier|contractor|provider|vendor) shall\b", 1),
    (
        r"\bshall indemnify\b|\btermination\b|\blimitation of liability\b",
        1,
    ),
];

/// Tender-response signals, with weights.
const TENDER: &[(&str, u32)] = &[
    (
        r"\btender response\b|\bour (bid|tender|submission|response)\b|\bbid response\b",
        3,
    ),
    (
        r"\binvitation to tender\b|\bselection questionnaire\b|\bmethod statement\b",
        3,
    ),
    (
        r"\btender submission\b|\bthis (submission|bid|tender response)\b|\bsubmitted by\b",
        2,
    ),
    (
        r"\bwe propose\b|\bour (proposed )?(solution|approach|team|methodology)\b",
        2,
    ),
    (
        r"\b(bidder|tenderer)s?\b|\bresponse to (question|requirement)\b|\bsocial value\b",
        1,
    ),
    (r"\bwe (will|would|can|have|are|use|deliver|provide)\b", 1),
    (
        r"\bcase stud(y|ies)\b|\bword (limit|count)\b|\bevaluation criteria\b",
        1,
    ),
];

/// Contract signals then tender signals, in one set, with ASCII word boundaries: a lazy DFA runs
/// it over any text in one pass (Unicode word boundaries make it give up at the first non-ASCII
/// byte). Every `\b` in the signals sits beside a letter of the pattern, so a Unicode match is
/// always an ASCII match too: the set finds every candidate, and on ASCII text it is exact.
static SIGNALS: LazyLock<RegexSet> = LazyLock::new(|| {
    RegexSetBuilder::new(
        CONTRACT
            .iter()
            .chain(TENDER)
            .map(|(p, _)| p.replace(r"\b", r"(?-u:\b)")),
    )
    .case_insensitive(true)
    .build()
    // The patterns are constants of this module, checked by its tests.
    .unwrap_or_else(|e| panic!("bad built-in document-type pattern: {e}"))
});

/// The same signals one by one, as written (Unicode word boundaries): they confirm the set's
/// candidates in text that is not ASCII.
static EXACT: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    CONTRACT
        .iter()
        .chain(TENDER)
        .map(|(p, _)| {
            RegexBuilder::new(p)
                .case_insensitive(true)
                .build()
                .unwrap_or_else(|e| panic!("bad built-in document-type pattern: {e}"))
        })
        .collect()
});

/// Questionnaire references: "Q3", "B2", "Question 4".
fn is_question_ref(section: &str) -> bool {
    let s = section.as_bytes();
    s.len() >= 2
        && s.len() <= 6
        && s[0].is_ascii_uppercase()
        && s[1..].iter().all(|b| b.is_ascii_digit() || *b == b'.')
}

/// Detects whether a document is a contract or a tender response.
pub fn detect(doc: &Document) -> DocType {
    let mut contract = 0u32;
    let mut tender = 0u32;
    for b in &doc.blocks {
        let ascii = b.text.is_ascii();
        for i in SIGNALS.matches(&b.text).iter() {
            if !ascii && !EXACT[i].is_match(&b.text) {
                continue;
            }
            match i.checked_sub(CONTRACT.len()) {
                None => contract += CONTRACT[i].1,
                Some(t) => tender += TENDER[t].1,
            }
        }
    }
    let refs = doc
        .blocks
        .iter()
        .filter_map(|b| b.section.as_deref())
        .filter(|s| is_question_ref(s))
        .count() as u32;
    tender += refs.min(10);
    if tender >= 4 && tender > contract {
        DocType::Tender
    } else if contract >= 3 && contract >= tender {
        DocType::Contract
    } else {
        DocType::Unknown
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::clauses::examples::document;

    #[test]
    fn contracts_tenders_and_neither() {
        let c = document(
            "This Agreement is made between the Council and the Supplier.\n\n1. The parties agree as follows.\n\nIN WITNESS WHEREOF the parties have signed.",
        );
        assert_eq!(detect(&c), DocType::Contract);
        let t = document(
            "Tender response for the Invitation to Tender.\n\nQ1 Method statement\n\nWe propose a team of four. Our solution uses cloud hosting.",
        );
        assert_eq!(detect(&t), DocType::Tender);
        let u = document("Minutes of the meeting held on Tuesday.");
        assert_eq!(detect(&u), DocType::Unknown);
    }
}
