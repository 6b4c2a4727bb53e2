//! AI features and disclosure (in progress).

use crate::library::{Lexicon, Register};
use crate::model::{AiDeclaration, AiFeature, Document};

/// AI features a document describes, and its declaration.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Features {
    /// Features, in document order.
    pub features: Vec<AiFeature>,
    /// The document's AI declaration.
    pub declaration: Option<AiDeclaration>,
}

/// Finds AI features and the AI declaration in a document.
pub fn detect(_lexicon: &Lexicon, _doc: &Document, _register: Option<&Register>) -> Features {
    Features::default()
}
