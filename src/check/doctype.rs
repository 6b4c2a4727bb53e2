//! Document type detection: contract (agreement, terms, call-off, template) or tender (a bid or
//! response), from weighted signals in the text and the shape of its numbering. Neither clearly
//! ahead gives `unknown`, which is checked as a contract.
//!
//! Every signal is a list of literal phrases. On ASCII text one Aho-Corasick pass over a block
//! finds them all (a phrase counts where it begins and ends at a word boundary); text with other
//! characters is read with the same phrases as regular expressions, whose word boundaries and case
//! folding follow Unicode.

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use regex::{Regex, RegexBuilder};

use crate::model::{DocType, Document};

/// A signal: phrases (any case), whether they must stand at word boundaries, and its weight.
type Signal = (&'static [&'static str], bool, u32);

/// Contract signals.
const CONTRACT: &[Signal] = &[
    (
        &[
            "this agreement",
            "this contract",
            "this call-off contract",
            "this framework agreement",
            "this addendum",
            "this deed",
        ],
        true,
        3,
    ),
    (
        &[
            "the parties agree",
            "the parties hereby agree",
            "hereby agree",
        ],
        true,
        3,
    ),
    (
        &[
            "in witness whereof",
            "executed as a deed",
            "signed for and on behalf of",
        ],
        true,
        3,
    ),
    (
        &[
            "terms and conditions",
            "terms of service",
            "call-off",
            "order form",
        ],
        true,
        2,
    ),
    (
        &[
            "these terms",
            "this schedule",
            "form part of the agreement",
            "forms part of the agreement",
            "form part of the contract",
            "forms part of the contract",
        ],
        true,
        2,
    ),
    (&PARTY_DEFINITIONS, false, 3),
    (
        &[
            "whereas",
            "governing law",
            "entire agreement",
            "force majeure",
        ],
        true,
        1,
    ),
    (
        &[
            "supplier shall",
            "contractor shall",
            "provider shall",
            "vendor shall",
        ],
        true,
        1,
    ),
    (
        &["shall indemnify", "termination", "limitation of liability"],
        true,
        1,
    ),
];

/// The phrases `(the "NAME")` with straight or curly quotes, for each name.
macro_rules! defined_as {
    ($($name:literal),*) => {
        [$(
            concat!("(the \"", $name, "\")"),
            concat!("(the \"", $name, "”)"),
            concat!("(the “", $name, "\")"),
            concat!("(the “", $name, "”)"),
        )*]
    };
}

/// `(the "Supplier")` and the like: a party defined by its role.
const PARTY_DEFINITIONS: [&str; 28] = defined_as!(
    "supplier",
    "provider",
    "vendor",
    "contractor",
    "processor",
    "licensor",
    "consultant"
);

/// Tender-response signals.
const TENDER: &[Signal] = &[
    (
        &[
            "tender response",
            "our bid",
            "our tender",
            "our submission",
            "our response",
            "bid response",
        ],
        true,
        3,
    ),
    (
        &[
            "invitation to tender",
            "selection questionnaire",
            "method statement",
        ],
        true,
        3,
    ),
    (
        &[
            "tender submission",
            "this submission",
            "this bid",
            "this tender response",
            "submitted by",
        ],
        true,
        2,
    ),
    (
        &[
            "we propose",
            "our solution",
            "our approach",
            "our team",
            "our methodology",
            "our proposed solution",
            "our proposed approach",
            "our proposed team",
            "our proposed methodology",
        ],
        true,
        2,
    ),
    (
        &[
            "bidder",
            "bidders",
            "tenderer",
            "tenderers",
            "response to question",
            "response to requirement",
            "social value",
        ],
        true,
        1,
    ),
    (
        &[
            "we will",
            "we would",
            "we can",
            "we have",
            "we are",
            "we use",
            "we deliver",
            "we provide",
        ],
        true,
        1,
    ),
    (
        &[
            "case study",
            "case studies",
            "word limit",
            "word count",
            "evaluation criteria",
        ],
        true,
        1,
    ),
];

/// Every phrase of every signal, contract signals first, and the signal each belongs to.
fn phrases() -> impl Iterator<Item = (usize, &'static str)> {
    CONTRACT
        .iter()
        .chain(TENDER)
        .enumerate()
        .flat_map(|(i, (phrases, _, _))| phrases.iter().map(move |p| (i, *p)))
}

/// The signal of each phrase, by the phrase's pattern id in [`PHRASES`].
static SIGNAL_OF: LazyLock<Vec<usize>> = LazyLock::new(|| phrases().map(|(i, _)| i).collect());

/// Every phrase in one automaton, ASCII case-insensitive, reporting overlapping matches.
static PHRASES: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::Standard)
        // A DFA: a few hundred phrases build one quickly, and it reads every block of every
        // document (the default NFA cost four times the instructions per byte).
        .kind(Some(AhoCorasickKind::DFA))
        .build(phrases().map(|(_, p)| p))
        // The phrases are constants of this module, checked by its tests.
        .unwrap_or_else(|e| panic!("bad built-in document-type phrases: {e}"))
});

/// Each signal as one regular expression (Unicode word boundaries and case folding), for text
/// that is not ASCII.
static EXACT: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    CONTRACT
        .iter()
        .chain(TENDER)
        .map(|(phrases, bounded, _)| {
            let alternatives: Vec<String> = phrases.iter().map(|p| regex::escape(p)).collect();
            let b = if *bounded { r"\b" } else { "" };
            RegexBuilder::new(&format!("{b}(?:{}){b}", alternatives.join("|")))
                .case_insensitive(true)
                .build()
                .unwrap_or_else(|e| panic!("bad built-in document-type pattern: {e}"))
        })
        .collect()
});

/// Which signals a block of text holds.
fn signals(text: &str, found: &mut [bool]) {
    if !text.is_ascii() {
        for (f, re) in found.iter_mut().zip(EXACT.iter()) {
            *f = re.is_match(text);
        }
        return;
    }
    let bytes = text.as_bytes();
    let word = |i: usize| {
        bytes
            .get(i)
            .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
    };
    for m in PHRASES.find_overlapping_iter(text) {
        let signal = SIGNAL_OF[m.pattern().as_usize()];
        let bounded = signal_spec(signal).1;
        if found[signal] || (bounded && (m.start() > 0 && word(m.start() - 1) || word(m.end()))) {
            continue;
        }
        found[signal] = true;
    }
}

/// Signal `i` of contract signals then tender signals.
fn signal_spec(i: usize) -> &'static Signal {
    match i.checked_sub(CONTRACT.len()) {
        None => &CONTRACT[i],
        Some(t) => &TENDER[t],
    }
}

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
    let mut found = vec![false; CONTRACT.len() + TENDER.len()];
    for b in &doc.blocks {
        found.fill(false);
        signals(&b.text, &mut found);
        for (i, _) in found.iter().enumerate().filter(|(_, f)| **f) {
            match i.checked_sub(CONTRACT.len()) {
                None => contract += CONTRACT[i].2,
                Some(t) => tender += TENDER[t].2,
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

    /// The one pass over ASCII text finds what the phrases as regular expressions find.
    #[test]
    fn the_ascii_pass_agrees_with_the_patterns() {
        let texts = [
            "The Supplier shall indemnify the Buyer. Termination is in clause 9.",
            "Predetermination, the suppliers shall, call-offs and a call-off order form.",
            "This Agreement (the \"Supplier\") whereas_ the parties hereby agree.",
            "Our proposed methodology: we propose case studies; bidders_ and tenderers.",
            "THIS BID is submitted by Acme. We will, we'd, we use AI. Word count: 500.",
            "Response to Requirement 4: social value. See the Invitation to Tender.",
            "this schedule forms part of the contract; these terms; form part of the agreementx",
            "",
        ];
        for text in texts {
            let mut ascii = vec![false; CONTRACT.len() + TENDER.len()];
            signals(text, &mut ascii);
            let exact: Vec<bool> = EXACT.iter().map(|re| re.is_match(text)).collect();
            assert_eq!(ascii, exact, "{text}");
        }
        // Unicode: a letter before a phrase is no word boundary; curly quotes define a party.
        let mut found = vec![false; CONTRACT.len() + TENDER.len()];
        signals("éthis agreement (the “Supplier”)", &mut found);
        assert!(!found[0] && found[5]);
    }
}
