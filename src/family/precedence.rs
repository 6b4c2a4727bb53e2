//! Orders of precedence: the clause a contract uses to say which of its documents wins a
//! conflict, read from a document's text ([`stated_order`]), and the members of a family it names
//! ([`rank`]).
//!
//! Two drafting forms are read: a list ("In the event of any conflict ... the following order of
//! precedence shall apply: (a) the Data Processing Addendum; (b) this Agreement; (c) the
//! Schedules", the list in the same sentence or in the list items after it), and a statement that
//! one document prevails ("In the event of a conflict between this Agreement and any Schedule,
//! this Agreement shall prevail"; "the DPA shall take precedence over the Agreement"). Documents
//! are found by name in the members' file names ("the Data Processing Addendum" in `dpa.pdf` or
//! `data-processing-addendum.docx`; "this Agreement" is the document stating the clause); a name
//! no file matches ranks nothing. Pure: reads only the located text.

use std::sync::LazyLock;

use regex::Regex;

use crate::model::{BlockKind, Document, StatedOrder};

/// A block that may state an order of precedence.
static TRIGGER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\border of precedence\b|\bprecedence over\b|\btakes? precedence\b|\bprevails?\b|\bshall prevail\b").unwrap()
});
/// "order of precedence" and what follows it.
static ORDER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\border of precedence\b(.*)$").unwrap());
/// Conflict wording, which makes "prevail" a precedence clause.
static CONFLICT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\b(conflict|inconsisten|discrepanc|ambiguit)").unwrap());
/// A document name: "this Agreement", "the Data Processing Addendum", "any Schedule".
const NAME: &str = r"(?:(?:this|these|the|any|each|its)\s+)?(?:[A-Z][\w'-]*|DPA)(?:\s+(?:of\s+|and\s+)?[A-Z][\w'-]*){0,5}";
/// "X shall prevail" / "X prevails" / "X shall take precedence over Y".
static PREVAILS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?P<x>{NAME})\s+(?:shall|will|is to)?\s*(?:prevail|prevails|take precedence|takes precedence)(?:\s+over\s+(?P<y>{NAME}))?"
    ))
    .unwrap()
});
/// "between X and Y".
static BETWEEN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"\bbetween\s+(?P<a>{NAME})\s+and\s+(?P<b>{NAME})")).unwrap()
});
/// List markers inside a sentence: "(a)", "(ii)", "1.", "1)".
static MARKER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\(\s*(?:[a-z]|[ivx]{1,4}|\d{1,2})\s*\)|\b\d{1,2}[.)]\s").unwrap()
});
/// Words at the start of a list item that are not part of the name.
static LEAD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:\s|,|:|and\b|or\b|then\b|firstly\b|first\b|secondly\b|second\b|thirdly\b|third\b|lastly\b|finally\b|\(?[a-z]\)|\(?[ivx]{1,4}\)|\d{1,2}[.)])*").unwrap()
});

/// Most list items read after an "order of precedence" lead-in.
const MAX_ITEMS: usize = 10;
/// Longest name kept, in characters.
const MAX_NAME: usize = 80;

/// The order of precedence a document states, if it has one the reading can follow.
pub fn stated_order(doc: &Document) -> Option<StatedOrder> {
    for (i, block) in doc.blocks.iter().enumerate() {
        if !TRIGGER.is_match(&block.text) {
            continue;
        }
        let names = if let Some(c) = ORDER.captures(&block.text) {
            let rest = c.get(1).map_or("", |m| m.as_str());
            let rest = rest.split_once(':').map_or(rest, |(_, after)| after);
            let mut names = list(rest);
            if names.len() < 2 {
                names = doc.blocks[i + 1..]
                    .iter()
                    .take_while(|b| b.kind == BlockKind::ListItem || MARKER.is_match(&b.text))
                    .take(MAX_ITEMS)
                    .filter_map(|b| clean(&b.text))
                    .collect();
            }
            names
        } else if CONFLICT.is_match(&block.text) {
            prevails(&block.text)
        } else {
            Vec::new()
        };
        if names.len() >= 2 {
            return Some(StatedOrder {
                names,
                evidence: doc.evidence(i, 0, block.text.len()),
            });
        }
    }
    None
}

/// The names in a list written in one sentence.
fn list(text: &str) -> Vec<String> {
    let text = text.trim().trim_end_matches('.');
    let mut parts: Vec<&str> = MARKER.split(text).flat_map(|p| p.split(';')).collect();
    if parts.iter().filter(|p| clean(p).is_some()).count() < 2 {
        parts = text
            .split([',', ';'])
            .flat_map(|p| p.split(" then "))
            .flat_map(|p| p.split(" followed by "))
            .collect();
    }
    parts
        .into_iter()
        .filter_map(clean)
        .take(MAX_ITEMS)
        .collect()
}

/// "X shall prevail (over Y)", with "between A and B" giving the other document.
fn prevails(text: &str) -> Vec<String> {
    let Some(c) = PREVAILS.captures(text) else {
        return Vec::new();
    };
    let Some(x) = c.name("x").and_then(|m| clean(m.as_str())) else {
        return Vec::new();
    };
    let other = c.name("y").and_then(|m| clean(m.as_str())).or_else(|| {
        let b = BETWEEN.captures(text)?;
        let (a, b) = (clean(b.name("a")?.as_str())?, clean(b.name("b")?.as_str())?);
        if same(&a, &x) {
            Some(b)
        } else if same(&b, &x) {
            Some(a)
        } else {
            None
        }
    });
    match other {
        Some(y) => vec![x, y],
        None => Vec::new(),
    }
}

/// A list item cut to the document's name, or `None` when it names nothing.
fn clean(item: &str) -> Option<String> {
    let item = LEAD.replace(item.trim(), "");
    let mut name = item
        .split(['(', ',', ';', ':'])
        .next()
        .unwrap_or_default()
        .trim()
        .trim_end_matches(['.', ',', ';'])
        .trim();
    for tail in [" shall prevail", " prevails", " and", " or"] {
        if let Some(stripped) = name.strip_suffix(tail) {
            name = stripped.trim();
        }
    }
    let has_capital = name.chars().any(char::is_uppercase);
    (has_capital && !name.is_empty() && name.chars().count() <= MAX_NAME && !words(name).is_empty())
        .then(|| name.to_string())
}

/// Words that do not tell documents apart.
const STOP: &[&str] = &[
    "the", "this", "these", "that", "any", "each", "its", "of", "and", "to", "in", "for", "a",
    "an", "all", "our", "your", "v", "final", "signed", "draft", "copy", "version", "docx", "pdf",
];

/// A name's or file name's distinguishing words, lower case, singular.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !w.chars().all(|c| c.is_ascii_digit()))
        .map(str::to_lowercase)
        .filter(|w| !STOP.contains(&w.as_str()))
        .map(|w| match w.strip_suffix('s') {
            Some(s) if s.len() >= 3 && !s.ends_with('s') => s.to_string(),
            _ => w,
        })
        .collect()
}

fn same(a: &str, b: &str) -> bool {
    words(a) == words(b)
}

/// How well a name fits a member's file name: shared words, the name's initials as a word of the
/// file name ("Data Processing Addendum" and `dpa.pdf`), and "this ..." for the document stating
/// the clause.
fn score(name: &str, member: &str, stating: &str) -> usize {
    let stem = std::path::Path::new(member)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let file = words(&stem);
    let name_words = words(name);
    let mut s = name_words.iter().filter(|w| file.contains(w)).count() * 2;
    if name_words.len() >= 2 {
        let initials: String = name_words.iter().filter_map(|w| w.chars().next()).collect();
        if file.contains(&initials) {
            s += 3;
        }
    }
    let lower = name.trim().to_lowercase();
    if member == stating && (lower.starts_with("this ") || lower.starts_with("these ")) {
        s += 5;
    }
    s
}

/// The members an order names, with their rank (0 = highest): each name ranks the member(s) its
/// words best fit; members named by no name are left out. `stating` is the member whose clause it
/// is.
pub fn rank(names: &[String], stating: &str, members: &[String]) -> Vec<(String, usize)> {
    let mut ranked: Vec<(String, usize)> = Vec::new();
    for (r, name) in names.iter().enumerate() {
        let scores: Vec<usize> = members.iter().map(|m| score(name, m, stating)).collect();
        let best = scores.iter().copied().max().unwrap_or(0);
        if best == 0 {
            continue;
        }
        for (m, s) in members.iter().zip(&scores) {
            if *s == best && !ranked.iter().any(|(x, _)| x == m) {
                ranked.push((m.clone(), r));
            }
        }
    }
    ranked
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Extracted, RawBlock};

    fn doc(blocks: &[(&str, BlockKind)]) -> Document {
        crate::segment::segment(Extracted {
            pages: None,
            blocks: blocks
                .iter()
                .map(|(t, k)| RawBlock {
                    kind: *k,
                    text: (*t).to_string(),
                    page: None,
                    label: None,
                    level: None,
                })
                .collect(),
        })
    }

    #[test]
    fn reads_a_list_in_one_sentence() {
        let d = doc(&[(
            "2.1 In the event of any conflict or inconsistency between the contract documents, \
             the following order of precedence shall apply: (a) the Data Processing Addendum; \
             (b) this Agreement; and (c) the Schedules.",
            BlockKind::ListItem,
        )]);
        let order = stated_order(&d).unwrap();
        assert_eq!(
            order.names,
            [
                "the Data Processing Addendum",
                "this Agreement",
                "the Schedules"
            ]
        );
        assert_eq!(order.evidence.section.as_deref(), Some("2.1"));
        let members = [
            "c/agreement.pdf".to_string(),
            "c/dpa.pdf".to_string(),
            "c/schedule-1-services.pdf".to_string(),
            "c/schedule-2-pricing.pdf".to_string(),
        ];
        let ranked = rank(&order.names, "c/agreement.pdf", &members);
        assert_eq!(
            ranked,
            [
                ("c/dpa.pdf".to_string(), 0),
                ("c/agreement.pdf".to_string(), 1),
                ("c/schedule-1-services.pdf".to_string(), 2),
                ("c/schedule-2-pricing.pdf".to_string(), 2),
            ]
        );
    }

    #[test]
    fn reads_a_list_in_the_items_that_follow() {
        let d = doc(&[
            ("Order of precedence", BlockKind::Heading),
            (
                "If there is a conflict, the documents rank in this order of precedence:",
                BlockKind::Paragraph,
            ),
            ("(a) the Order Form;", BlockKind::ListItem),
            ("(b) these Terms.", BlockKind::ListItem),
            ("The Supplier shall ...", BlockKind::Paragraph),
        ]);
        assert_eq!(
            stated_order(&d).unwrap().names,
            ["the Order Form", "these Terms"]
        );
    }

    #[test]
    fn reads_which_document_prevails() {
        let d = doc(&[(
            "In the event of a conflict between this Agreement and any Schedule, this Agreement \
             shall prevail.",
            BlockKind::Paragraph,
        )]);
        assert_eq!(
            stated_order(&d).unwrap().names,
            ["this Agreement", "any Schedule"]
        );
        let d = doc(&[(
            "Where they are inconsistent, the DPA shall take precedence over the Agreement.",
            BlockKind::Paragraph,
        )]);
        assert_eq!(
            stated_order(&d).unwrap().names,
            ["the DPA", "the Agreement"]
        );
        // "prevail" without a conflict is not an order of precedence.
        let d = doc(&[(
            "The Supplier shall prevail upon its subcontractors to comply.",
            BlockKind::Paragraph,
        )]);
        assert_eq!(stated_order(&d), None);
    }
}
