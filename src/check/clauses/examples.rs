//! Runs the examples written in a library's rules: each example text is checked against its rule
//! alone and must get the verdict the library says. The test suite runs the default library's
//! examples; `aiassure rules --check DIR` runs a custom library's.

use super::{Judged, declaration, judge, sentences};
use crate::check::features::Features;
use crate::library::rules::Kind;
use crate::library::{Library, Rule};
use crate::model::{BlockKind, ClauseStatus, Document, Extracted, RawBlock};

/// An example whose verdict differs from the one its rule expects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// Rule id.
    pub rule: String,
    /// File and line of the example.
    pub location: String,
    /// Expected verdict.
    pub expected: ClauseStatus,
    /// Verdict given.
    pub got: ClauseStatus,
    /// The checker's explanation.
    pub explanation: String,
}

/// A document made of text whose paragraphs are separated by blank lines.
pub fn document(text: &str) -> Document {
    let blocks = text
        .split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .map(|text| RawBlock {
            kind: BlockKind::Paragraph,
            text,
            page: None,
            label: None,
            level: None,
        })
        .collect();
    crate::segment::segment(Extracted {
        pages: None,
        blocks,
    })
}

/// Checks one rule alone against a document.
pub fn judge_rule(library: &Library, rule: &Rule, doc: &Document) -> Judged {
    let reading = sentences::read(library, doc);
    match rule.detect.kind {
        Kind::Declaration => declaration::judge(doc, &reading, &Features::default()),
        Kind::Prohibition | Kind::Duty => judge(library, rule, doc, &reading),
    }
}

/// Runs every example of the given rules; returns the number run and the failures.
pub fn run<'a>(
    library: &Library,
    rules: impl IntoIterator<Item = &'a Rule>,
) -> (usize, Vec<Failure>) {
    let mut total = 0;
    let mut failures = Vec::new();
    for rule in rules {
        for ex in &rule.examples {
            total += 1;
            let judged = judge_rule(library, rule, &document(&ex.text));
            if judged.status != ex.expect {
                failures.push(Failure {
                    rule: rule.id.clone(),
                    location: ex.location.clone(),
                    expected: ex.expect,
                    got: judged.status,
                    explanation: judged.explanation,
                });
            }
        }
    }
    (total, failures)
}
