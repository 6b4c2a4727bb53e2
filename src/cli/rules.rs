//! `aiassure rules` and `aiassure explain` (in progress).

use std::path::PathBuf;

use clap::Args;

use super::{Outcome, TextOrJson};

/// Arguments of `aiassure rules`.
#[derive(Debug, Args)]
pub(crate) struct RulesArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    format: TextOrJson,
    /// Validate a custom clause library in this folder and run its examples.
    #[arg(long, value_name = "DIR")]
    check: Option<PathBuf>,
}

/// Arguments of `aiassure explain`.
#[derive(Debug, Args)]
pub(crate) struct ExplainArgs {
    /// Rule id, e.g. no-training-on-buyer-data.
    rule: String,
}

pub(crate) fn run_rules(_args: &RulesArgs) -> anyhow::Result<Outcome> {
    anyhow::bail!("`aiassure rules` is not built yet")
}

pub(crate) fn run_explain(_args: &ExplainArgs) -> anyhow::Result<Outcome> {
    anyhow::bail!("`aiassure explain` is not built yet")
}
