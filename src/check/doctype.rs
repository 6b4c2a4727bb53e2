//! Document type detection: contract (agreement, terms, call-off, template) or tender (a bid or
//! response), from weighted signals in the text and the shape of its numbering. Neither clearly
//! ahead gives `unknown`, which is checked as a contract.

use std::sync::LazyLock;

use regex::Regex;

use crate::model::{DocType, Document};

/// Contract signals, with weights.
static CONTRACT: LazyLock<Vec<(Regex, u32)>> = LazyLock::new(|| {
    [
        (r"\bthis (agreement|contract|call-off contract|framework agreement|addendum|deed)\b", 3),
        (r"\bthe parties (hereby )?agree\b|\bhereby agree\b", 3),
        (r"\bin witness whereof\b|\bexecuted as a deed\b|\bsigned for and on behalf of\b", 3),
        (r"\bterms and conditions\b|\bterms of service\b|\bcall-off\b|\border form\b", 2),
        (r"\bthese terms\b|\bthis schedule\b|\bforms? part of the (agreement|contract)\b", 2),
        (r#"\(the ["“](supplier|provider|vendor|contractor|processor|licensor|consultant)["”]\)"#, 3),
        (r"\bwhereas\b|\bgoverning law\b|\bentire agreement\b|\bforce majeure\b", 1),
        (r"\b(the )?(supplier|contractor|provider|vendor) shall\b", 1),
        (r"\bshall indemnify\b|\btermination\b|\blimitation of liability\b", 1),
    ]
    .into_iter()
    .filter_map(|(p, w)| Regex::new(&format!("(?i){p}")).ok().map(|r| (r, w)))
    .collect()
});

/// Tender-response signals, with weights.
static TENDER: LazyLock<Vec<(Regex, u32)>> = LazyLock::new(|| {
    [
        (
            r"\btender response\b|\bour (bid|tender|submission|response)\b|\bbid response\b",
            3,
        ),
        (
            r"\binvitation to tender\b|\bselection questionnaire\b|\bmethod statement\b",
            3,
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
    ]
    .into_iter()
    .filter_map(|(p, w)| Regex::new(&format!("(?i){p}")).ok().map(|r| (r, w)))
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
        for (re, w) in CONTRACT.iter() {
            if re.is_match(&b.text) {
                contract += w;
            }
        }
        for (re, w) in TENDER.iter() {
            if re.is_match(&b.text) {
                tender += w;
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
