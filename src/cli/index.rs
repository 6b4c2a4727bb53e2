//! `aiassure index` and `aiassure search` (in progress).

use std::path::PathBuf;

use clap::Args;

use super::Outcome;

/// Arguments of `aiassure index`.
#[derive(Debug, Args)]
pub(crate) struct IndexArgs {
    /// Files and folders to index.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// The index folder (created if absent).
    #[arg(long, value_name = "DIR")]
    index: PathBuf,
}

/// Arguments of `aiassure search`.
#[derive(Debug, Args)]
pub(crate) struct SearchArgs {
    /// The query (tantivy syntax: phrases in quotes, AND, OR, -term).
    query: String,
    /// The index folder.
    #[arg(long, value_name = "DIR")]
    index: PathBuf,
}

pub(crate) fn run_index(_args: &IndexArgs) -> anyhow::Result<Outcome> {
    anyhow::bail!("`aiassure index` is not built yet")
}

pub(crate) fn run_search(_args: &SearchArgs) -> anyhow::Result<Outcome> {
    anyhow::bail!("`aiassure search` is not built yet")
}
