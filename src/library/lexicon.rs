//! The AI-feature vocabulary (in progress).

/// Compiled AI-feature vocabulary.
#[derive(Debug, Clone, Default)]
pub struct Lexicon {}
