//! `aiassure waive`: print a waiver pinned to a file's (or a family's members') current sha256,
//! to append to a waivers file.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use clap::Args;

use super::{Outcome, load_library, open_output};
use crate::discover;
use crate::family::{self, FamilyBy};
use crate::model::{Pinned, sha256_hex};
use crate::waiver::{self, Target, Waiver};

/// Arguments of `aiassure waive`.
#[derive(Debug, Args)]
pub(crate) struct WaiveArgs {
    /// The rule whose gap is accepted (its id, as `aiassure rules` lists it).
    #[arg(value_name = "RULE")]
    rule: String,
    /// The document, written as `aiassure scan` will see it (the path as scanned, such as
    /// contracts/acme/agreement.pdf); or a folder, for its contract family (the members its
    /// family.toml lists, else its files).
    #[arg(value_name = "PATH")]
    path: PathBuf,
    /// Why the gap is accepted.
    #[arg(long, value_name = "TEXT")]
    reason: String,
    /// Who approved it.
    #[arg(long = "by", value_name = "NAME")]
    by: String,
    /// The last day the waiver applies (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    expires: String,
    /// A folder of extra or replacement rules, when RULE is one of them.
    #[arg(long, value_name = "DIR")]
    library: Option<PathBuf>,
    /// Write the waiver to this file instead of standard output (it is replaced; to add to a
    /// waivers file, use `>> waivers.toml`).
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

pub(crate) fn run(args: &WaiveArgs) -> anyhow::Result<Outcome> {
    let library = load_library(args.library.as_ref())?;
    if library.rule_info(&args.rule).is_none() {
        anyhow::bail!(
            "there is no rule \"{}\" in the clause library {}: `aiassure rules` lists the rule ids{}",
            args.rule,
            library.name,
            if args.library.is_some() {
                ""
            } else {
                " (give --library DIR for a custom rule)"
            }
        );
    }
    let expires = waiver::parse_date(&args.expires).ok_or_else(|| {
        anyhow::anyhow!(
            "--expires must be a date written YYYY-MM-DD, such as 2027-03-31 (it is {})",
            args.expires
        )
    })?;
    if expires < waiver::today() {
        anyhow::bail!(
            "--expires {expires} has already passed: a waiver that has expired never applies"
        );
    }
    for (flag, value) in [("--reason", &args.reason), ("--by", &args.by)] {
        if value.trim().is_empty() {
            anyhow::bail!(
                "{flag} is empty: a waiver says why the gap is accepted and who approved it"
            );
        }
    }
    let (target, sha256) = if args.path.is_dir() {
        family_hashes(&args.path)?
    } else {
        let display = args.path.to_string_lossy().into_owned();
        let bytes = std::fs::read(&args.path)
            .with_context(|| format!("could not read {}", args.path.display()))?;
        (Target::Document(display), Pinned::One(sha256_hex(&bytes)))
    };
    let w = Waiver {
        rule: args.rule.clone(),
        target,
        sha256,
        reason: args.reason.trim().to_string(),
        approved_by: args.by.trim().to_string(),
        expires,
        at: String::new(),
    };
    let mut out = open_output(args.output.as_ref())?;
    write!(out, "\n{}", w.to_toml()).context("could not write the waiver")?;
    out.flush().context("could not write the waiver")?;
    Ok(Outcome::Clean)
}

/// The family of a folder, as `scan --family-by folder` would form it, and its members' hashes.
fn family_hashes(folder: &std::path::Path) -> anyhow::Result<(Target, Pinned)> {
    let found = discover::discover(&[folder.to_path_buf()]);
    let plan = family::plan(&found, Some(FamilyBy::Folder))?;
    let shown = folder.to_string_lossy();
    let shown = shown.trim_end_matches(['/', '\\']);
    let manifest = std::path::Path::new(shown)
        .join(family::MANIFEST)
        .to_string_lossy()
        .into_owned();
    let fam = plan
        .families
        .iter()
        .find(|f| f.manifest.as_deref() == Some(manifest.as_str()) || f.name == shown)
        .ok_or_else(|| {
            anyhow::anyhow!(
                "the folder {shown} holds no documents aiassure reads, so it is no contract family"
            )
        })?;
    let mut hashes = Vec::new();
    for m in &fam.members {
        let source = found
            .sources
            .iter()
            .find(|s| &s.display == m)
            .ok_or_else(|| anyhow::anyhow!("{m} was not found"))?;
        let bytes = std::fs::read(&source.path).with_context(|| format!("could not read {m}"))?;
        hashes.push(sha256_hex(&bytes));
    }
    Ok((Target::Family(fam.name.clone()), Pinned::Members(hashes)))
}
