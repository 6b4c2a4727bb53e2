//! The checker: a pure function from located text and the clause library to verdicts and AI
//! features. No I/O, no threads: everything it needs comes in as arguments.

pub mod clauses;
pub mod doctype;
pub mod features;

use crate::library::{Library, Register};
use crate::model::{AiDeclaration, AiFeature, ClauseVerdict, DocType, Document};

/// Whether a text has any of the characters, each looked for with `memchr` (a test of every
/// character of the text against the list decodes it char by char, many times slower).
pub(crate) fn has_any(text: &str, chars: &[char]) -> bool {
    chars.iter().any(|&c| text.contains(c))
}

/// Options for one check.
#[derive(Debug, Clone, Copy, Default)]
pub struct CheckOptions<'a> {
    /// Document type forced by the user; detected when `None`.
    pub doc_type: Option<DocType>,
    /// Approved-tools register, if given.
    pub register: Option<&'a Register>,
}

/// Everything the checker finds in one document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Analysis {
    /// Detected or forced document type.
    pub doc_type: DocType,
    /// One verdict per rule that applies to the document type.
    pub clauses: Vec<ClauseVerdict>,
    /// AI features the document describes.
    pub ai_features: Vec<AiFeature>,
    /// The document's AI declaration, if any.
    pub ai_declaration: Option<AiDeclaration>,
}

/// Checks one document.
pub fn check(library: &Library, doc: &Document, options: &CheckOptions<'_>) -> Analysis {
    let doc_type = options.doc_type.unwrap_or_else(|| doctype::detect(doc));
    let features = features::detect(&library.lexicon, doc, options.register);
    // A bid's tender rules are judged on its answers, never on the questions put to it.
    let read = if doc_type == DocType::Tender {
        clauses::tender::answers_only(doc)
    } else {
        std::borrow::Cow::Borrowed(doc)
    };
    let mut clauses = clauses::evaluate(library, &read, doc_type, &features);
    // A bid answers the pack's questions; its verdicts say so in a bid's words.
    for c in &mut clauses {
        if library
            .rules
            .iter()
            .any(|r| r.id == c.id && clauses::tender::in_pack(r))
        {
            c.explanation = clauses::tender::bid_wording(&c.explanation);
        }
    }
    Analysis {
        doc_type,
        clauses,
        ai_features: features.features,
        ai_declaration: features.declaration,
    }
}
