//! The buyer's register of approved AI tools (in progress).

/// Approved and prohibited AI tools.
#[derive(Debug, Clone, Default)]
pub struct Register {}
