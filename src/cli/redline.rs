//! `aiassure redline` (in progress).

use std::path::PathBuf;

use clap::Args;

use super::Outcome;

/// Arguments of `aiassure redline`.
#[derive(Debug, Args)]
pub(crate) struct RedlineArgs {
    /// The DOCX template to amend.
    template: PathBuf,
    /// Where to write the amended copy.
    #[arg(short, long, value_name = "OUT.docx")]
    output: PathBuf,
}

pub(crate) fn run(_args: &RedlineArgs) -> anyhow::Result<Outcome> {
    anyhow::bail!("`aiassure redline` is not built yet")
}
