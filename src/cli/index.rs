//! `aiassure index` (build or update the full-text index of a repository) and `aiassure search`.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use anyhow::Context;
use clap::Args;

use super::{
    DocTypeArg as DocTypeChoice, LimitArgs, OcrArgs, Outcome, TextOrJson, load_library,
    load_register,
};
use crate::discover;
use crate::index::{self, Indexer, SearchRequest};
use crate::model::{ClauseStatus, DocType};
use crate::scan::{self, ScanOptions};

/// Arguments of `aiassure index`.
#[derive(Debug, Args)]
pub(crate) struct IndexArgs {
    /// Files and folders to index (folders recursively). The index mirrors them: files indexed
    /// before and no longer found under these paths are removed from it.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// The index folder (created if absent).
    #[arg(long, value_name = "DIR")]
    index: PathBuf,
    /// A folder of extra or replacement rules (same format as clause-library/).
    #[arg(long, value_name = "DIR")]
    library: Option<PathBuf>,
    /// Treat every document as this type instead of detecting it.
    #[arg(long, value_enum, default_value_t = DocTypeChoice::Auto)]
    doc_type: DocTypeChoice,
    /// Approved AI tools register (CSV: name, vendor, status approved/prohibited, aliases): every
    /// indexed AI feature gets its register status.
    #[arg(long, value_name = "FILE.csv")]
    register: Option<PathBuf>,
    /// Number of files read at once (default: one per core).
    #[arg(short, long, value_name = "N")]
    jobs: Option<usize>,
    /// No progress bar and no notes on standard error.
    #[arg(short, long)]
    quiet: bool,
    #[command(flatten)]
    limits: LimitArgs,
    #[command(flatten)]
    ocr: OcrArgs,
}

/// Arguments of `aiassure search`.
#[derive(Debug, Args)]
pub(crate) struct SearchArgs {
    /// The query: words (all must appear; "train" also finds "training"), "exact phrases",
    /// OR, AND, -word to exclude, parentheses; `*` alone matches everything (to list by filter).
    query: String,
    /// The index folder.
    #[arg(long, value_name = "DIR")]
    index: PathBuf,
    /// Only passages cited by a verdict of this rule id.
    #[arg(long, value_name = "ID")]
    rule: Option<String>,
    /// Only passages cited by a verdict of this status (with --rule: that rule's verdict);
    /// `missing` matches whole documents (search `'*'`).
    #[arg(long, value_enum)]
    status: Option<ClauseStatus>,
    /// Only documents of this type (`unknown`: of undetected type).
    #[arg(long, value_enum)]
    doc_type: Option<DocType>,
    /// Only passages describing an AI feature of this name or category (e.g. "facial recognition",
    /// biometric, generative).
    #[arg(long, value_name = "NAME")]
    feature: Option<String>,
    /// Most hits shown.
    #[arg(long, value_name = "N", default_value_t = 20)]
    limit: usize,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    format: TextOrJson,
}

pub(crate) fn run_index(args: &IndexArgs) -> anyhow::Result<Outcome> {
    let library = load_library(args.library.as_ref())?;
    let register = args.register.as_ref().map(load_register).transpose()?;
    let ocr = args.ocr.ocr()?;
    let found = discover::discover(&args.paths);
    let missing: Vec<_> = args.paths.iter().filter(|p| !p.exists()).collect();
    if let Some(p) = missing.first() {
        anyhow::bail!(
            "{}: no such file or folder; nothing was changed in the index (it mirrors the paths given, so a missing folder would remove its files)",
            p.display()
        );
    }
    if !args.quiet {
        for p in found.problems.iter().chain(&found.unsupported) {
            eprintln!("aiassure: {}: {}", p.path.display(), p.message);
        }
    }
    let options = ScanOptions {
        library: &library,
        doc_type: args.doc_type.forced(),
        register: register.as_ref(),
        limits: args.limits.limits(),
        ocr: &ocr,
        jobs: args.jobs,
    };
    let mut indexer = Indexer::open(&args.index, options.settings_key())?;
    if let Some(reason) = indexer.rebuilt()
        && !args.quiet
    {
        eprintln!(
            "aiassure: rebuilding the index at {} because {reason}",
            args.index.display()
        );
    }
    let bar = (!args.quiet && std::io::stderr().is_terminal()).then(|| {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {pos} files read {elapsed}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        bar
    });
    let updated = scan::update(&found, &options, &mut indexer, &|_| {
        if let Some(b) = &bar {
            b.inc(1);
        }
    });
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    updated?;
    let summary = indexer.finish()?;
    if summary.settings_changed > 0 && !args.quiet {
        eprintln!(
            "aiassure: {} files were checked again because aiassure, the clause library, the AI register, --doc-type, a limit or the OCR options changed since they were indexed",
            summary.settings_changed
        );
    }
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "indexed {} files in {}: {} added, {} updated, {} removed, {} unchanged ({} checked by content), {} unreadable; {:.1} s",
        summary.total,
        args.index.display(),
        summary.added,
        summary.updated,
        summary.removed,
        summary.unchanged,
        summary.hashed,
        summary.unreadable,
        summary.elapsed.as_secs_f64()
    )?;
    out.flush()?;
    Ok(Outcome::Clean)
}

pub(crate) fn run_search(args: &SearchArgs) -> anyhow::Result<Outcome> {
    let request = SearchRequest {
        query: args.query.clone(),
        rule: args.rule.clone(),
        status: args.status.map(|s| s.as_str().to_string()),
        doc_type: args.doc_type.map(|d| d.as_str().to_string()),
        feature: args.feature.clone(),
        limit: args.limit,
    };
    let results = index::search(&args.index, &request)?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match args.format {
        TextOrJson::Json => {
            serde_json::to_writer_pretty(&mut out, &results).context("could not write the hits")?;
            writeln!(out)?;
        }
        TextOrJson::Text => {
            for hit in &results.hits {
                let mut place = vec![hit.path.clone()];
                if let Some(p) = hit.page {
                    place.push(format!("page {p}"));
                }
                if let Some(s) = &hit.section {
                    place.push(format!("section {s}"));
                }
                writeln!(out, "{}  (score {:.2})", place.join(", "), hit.score)?;
                if hit.kind == "document" {
                    writeln!(out, "  whole document")?;
                } else {
                    writeln!(out, "  {}", hit.snippet)?;
                }
                let verdicts: Vec<String> = hit
                    .verdicts
                    .iter()
                    .map(|v| format!("{} {}", v.rule, v.status))
                    .collect();
                if !verdicts.is_empty() {
                    writeln!(out, "  verdicts: {}", verdicts.join(", "))?;
                }
                if !hit.features.is_empty() {
                    writeln!(out, "  AI features: {}", hit.features.join(", "))?;
                }
                writeln!(out)?;
            }
            if results.hits.is_empty() {
                writeln!(out, "no matching passages")?;
                if args.rule.is_some() {
                    writeln!(
                        out,
                        "(rule ids are listed by `aiassure rules`; a missing rule cites no passage: search '*' --status missing)"
                    )?;
                }
            } else {
                writeln!(
                    out,
                    "{} of {} matching passages shown, best first",
                    results.hits.len(),
                    results.total
                )?;
            }
        }
    }
    out.flush()?;
    Ok(Outcome::Clean)
}
