//! `aiassure scan`: analyse files and folders and write a gap report.

use std::collections::{BTreeSet, HashMap};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, ValueEnum};

use super::{DocTypeArg, LimitArgs, OcrArgs, Outcome, load_library, load_register, open_output};
use crate::baseline::{Baseline, Comparison};
use crate::discover;
use crate::family::{self, FamilyBy};
use crate::model::{Change, ClauseStatus, DocumentReport, FamilyReport, Review, Severity, Status};
use crate::report::parquet::ParquetWriter;
use crate::report::{self, OutputFormat};
use crate::scan::{self, ScanOptions};
use crate::select::{self, Shard};
use crate::sink::Cache;
use crate::waiver::{self, Waivers};

/// How to group files into contract families.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FamilyByArg {
    /// The files of each folder form one family.
    Folder,
}

/// What makes the exit code 1. Each level includes the ones before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, ValueEnum)]
enum FailOn {
    /// Always exit 0 when the scan ran.
    Never,
    /// A required rule is contradicted.
    Contradicted,
    /// A required rule is contradicted or missing.
    Missing,
    /// A required rule is contradicted, missing or weak.
    Weak,
    /// As `weak`, or an AI feature is not covered by the document's disclosure.
    Undisclosed,
    /// As `undisclosed`, or a file could not be read.
    Unreadable,
}

/// Arguments of `aiassure scan`.
#[derive(Debug, Args)]
pub(crate) struct ScanArgs {
    /// Files and folders to analyse (folders recursively: .pdf, .docx, .txt, .md, .html, and
    /// scans as .png, .jpg, .tif).
    #[arg(required_unless_present = "files_from", value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Also analyse the files this file lists, one per line: a path, or a JSON object with
    /// "path" and optionally "sha256" (a JSON lines results file is such a list); - for stdin.
    #[arg(long, value_name = "FILE")]
    files_from: Option<PathBuf>,
    /// Analyse only part K of N (1-based), chosen by a hash of each file's path: N runs with the
    /// same inputs cover every file exactly once.
    #[arg(long, value_name = "K/N")]
    shard: Option<Shard>,
    /// Skip files whose sha256 already has results in RESULTS: a JSON lines file, a JSON report
    /// or a Parquet folder (of `scan` or the Spark job).
    #[arg(long, value_name = "RESULTS")]
    skip_known: Option<PathBuf>,
    /// Report format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    format: OutputFormat,
    /// Write the report to this file instead of standard output (a folder for --format parquet).
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// A folder of extra or replacement rules (same format as clause-library/).
    #[arg(long, value_name = "DIR")]
    library: Option<PathBuf>,
    /// Treat every document as this type instead of detecting it.
    #[arg(long, value_enum, default_value_t = DocTypeArg::Auto)]
    doc_type: DocTypeArg,
    /// Exit with code 1 when the report has gaps at or above this level (default: a required rule
    /// contradicted or missing).
    #[arg(long, value_enum, default_value_t = FailOn::Missing)]
    fail_on: FailOn,
    /// Approved AI tools register (CSV: name, vendor, status approved/prohibited, aliases).
    #[arg(long, value_name = "FILE.csv")]
    register: Option<PathBuf>,
    /// Reuse verdicts stored in this index for files that have not changed.
    #[arg(long, value_name = "DIR")]
    index: Option<PathBuf>,
    /// Folder of report templates overriding the built-in ones (report.html.j2, report.md.j2).
    #[arg(long, value_name = "DIR")]
    template: Option<PathBuf>,
    /// Judge the files of each folder as one contract family (agreement, DPA, schedules); a
    /// family.toml in a folder names its members in order of precedence and wins over this.
    /// Exit codes and --fail-on then judge families instead of their members.
    #[arg(long, value_enum, value_name = "HOW")]
    family_by: Option<FamilyByArg>,
    /// Gaps accepted on purpose, each pinned to the file's sha256 and an expiry date (TOML; see
    /// docs/waivers.md). A waived gap is reported as waived and does not fail the run.
    #[arg(long, value_name = "FILE.toml")]
    waivers: Option<PathBuf>,
    /// An earlier JSON report of this scan: mark every gap and AI feature new, unchanged, worse,
    /// better or fixed, and make --fail-on judge only new and worse gaps.
    #[arg(long, value_name = "OLD.json")]
    baseline: Option<PathBuf>,
    /// Number of files read at once (default: one per core).
    #[arg(short, long, value_name = "N")]
    jobs: Option<usize>,
    /// No progress bar and no summary on standard error.
    #[arg(short, long)]
    quiet: bool,
    #[command(flatten)]
    limits: LimitArgs,
    #[command(flatten)]
    ocr: OcrArgs,
}

pub(crate) fn run(args: ScanArgs) -> anyhow::Result<Outcome> {
    let library = load_library(args.library.as_ref())?;
    let register = args.register.as_ref().map(load_register).transpose()?;
    let ocr = args.ocr.ocr()?;
    let templates = match &args.template {
        Some(dir) => report::Templates::from_dir(dir)?,
        None => report::Templates::builtin(),
    };
    let (found, skipped) = select_files(&args)?;
    let plan = family::plan(
        &found,
        args.family_by.map(|FamilyByArg::Folder| FamilyBy::Folder),
    )?;
    let waivers = args.waivers.as_deref().map(Waivers::read).transpose()?;
    let baseline = args.baseline.as_deref().map(Baseline::read).transpose()?;
    let today = waiver::today();
    if found.sources.is_empty() && found.unsupported.is_empty() && skipped.is_none() {
        for p in &found.problems {
            eprintln!("aiassure: {}: {}", p.path.display(), p.message);
        }
        anyhow::bail!(
            "nothing to analyse: no .pdf, .docx, .txt, .md, .html or image (.png, .jpg, .tif) files were found in the paths given"
        );
    }
    if !args.quiet {
        for p in &found.problems {
            eprintln!("aiassure: {}: {}", p.path.display(), p.message);
        }
        for w in &plan.warnings {
            eprintln!("aiassure: {w}");
        }
        if let Some(s) = &skipped {
            eprintln!("aiassure: {s}");
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
    let bar =
        (!args.quiet && std::io::stderr().is_terminal() && found.sources.len() > 1).then(|| {
            let bar = indicatif::ProgressBar::new(found.sources.len() as u64);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{spinner} {pos}/{len} files {wide_bar} {eta}",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            bar
        });
    // `--index`: reuse the reports the index holds for files that have not changed (read-only).
    let cache = match &args.index {
        Some(dir) => Some(crate::index::StoredFiles::open(
            dir,
            options.settings_key(),
        )?),
        None => None,
    };
    let cached = cache.as_ref().map(|c| c as &dyn Cache);
    let progress = |_: &DocumentReport| {
        if let Some(b) = &bar {
            b.inc(1);
        }
    };
    let tables = match (args.format, &args.output) {
        (OutputFormat::Parquet, Some(dir)) => Some(ParquetWriter::create(
            dir,
            &args.shard.map_or("part-1-of-1".into(), |s| {
                format!("part-{}-of-{}", s.index, s.of)
            }),
            library.tiers(),
            &library.version,
        )?),
        (OutputFormat::Parquet, None) => {
            anyhow::bail!("--format parquet writes a folder of tables: name it with -o DIR")
        }
        _ => None,
    };
    let mut out: Box<dyn Write> = if tables.is_some() {
        Box::new(std::io::sink())
    } else {
        open_output(args.output.as_ref())?
    };
    let gate = Gate {
        level: args.fail_on,
        baseline: baseline.as_ref(),
    };
    let mut failed = false;
    let mut comparison = baseline.as_ref().map(Comparison::new);
    let mut cited: BTreeSet<String> = BTreeSet::new();
    // Members of families are kept until every member is in, to judge their family.
    let mut members: Vec<DocumentReport> = Vec::new();
    let mut totals = scan::Totals::default();
    let head = report::Head {
        tool: scan::tool(),
        library: scan::library_name(&library),
    };
    // Each document's report goes to the writer as soon as its turn in path order comes; the JSON
    // writer writes it at once, so memory does not grow with the number of documents (but for
    // families' members).
    let mut writer: Box<dyn report::ReportWriter> = match tables {
        Some(t) => Box::new(t),
        None => report::writer(args.format, head, &templates, &found.folder, &mut out)
            .context("could not write the report")?,
    };
    scan::scan_in_order(&found, &options, cached, &progress, &mut |mut d| {
        if let Some(w) = &waivers {
            w.apply_document(&mut d, today);
            cited.extend(
                d.clauses
                    .iter()
                    .filter_map(|c| waiver::cited(&c.review))
                    .map(String::from),
            );
        }
        let in_family = plan.family_of(&d.path).is_some();
        if let Some(c) = comparison.as_mut() {
            c.mark_document(&mut d, !in_family);
        }
        if in_family {
            members.push(d.clone());
        } else {
            failed |= gate.document_fails(&d);
        }
        totals.add(&d);
        writer.document(d)
    })
    .context("could not write the report")?;
    let families = judge_families(
        &plan,
        &members,
        waivers.as_ref(),
        today,
        comparison.as_mut(),
        &mut cited,
    );
    failed |= families.iter().any(|f| gate.family_fails(f));
    writer
        .finish(report::Tail {
            rules: totals.rules(&library),
            summary: totals.summary,
            families,
            baseline: comparison.map(Comparison::finish),
        })
        .context("could not write the report")?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    if let Some(w) = &waivers
        && !args.quiet
    {
        for unused in w.unused(&cited) {
            eprintln!(
                "aiassure: {}: the waiver of {} for {} matches no gap in this scan (fixed, or a \
                 wrong path or rule?): consider removing it",
                unused.at, unused.rule, unused.target
            );
        }
    }
    if let Some(c) = &cache
        && !args.quiet
    {
        eprintln!(
            "aiassure: reused the stored results of {} unchanged files from the index",
            c.reused()
        );
    }
    out.flush().context("could not write the report")?;
    Ok(if failed {
        Outcome::Gaps
    } else {
        Outcome::Clean
    })
}

/// The files of this run: discovered from the paths and `--files-from`, then this `--shard`'s,
/// less those `--skip-known` has results for (and what was skipped, said for the user).
fn select_files(args: &ScanArgs) -> anyhow::Result<(discover::Discovered, Option<String>)> {
    let mut paths = args.paths.clone();
    let mut given = HashMap::new();
    if let Some(list) = &args.files_from {
        let manifest = select::read_manifest(list)?;
        paths.extend(manifest.paths);
        given = manifest.hashes;
    }
    let mut found = discover::discover(&paths);
    let mut said = Vec::new();
    if let Some(shard) = args.shard {
        let all = found.sources.len();
        shard.select(&mut found);
        said.push(format!(
            "shard {shard}: {} of {all} files",
            found.sources.len()
        ));
    }
    if let Some(results) = &args.skip_known {
        let known = report::known::known_hashes(results)?;
        let skipped = select::skip_known(&mut found, &known, &given, &|s| {
            scan::file_sha256(&s.path).ok()
        });
        said.push(format!(
            "skipped {skipped} files that already have results in {}; {} left to analyse",
            results.display(),
            found.sources.len()
        ));
    }
    Ok((found, (!said.is_empty()).then(|| said.join("; "))))
}

/// Judges every planned family from its members' reports, then marks waivers and baseline
/// changes on it.
fn judge_families(
    plan: &family::Plan,
    members: &[DocumentReport],
    waivers: Option<&Waivers>,
    today: time::Date,
    mut comparison: Option<&mut Comparison<'_>>,
    cited: &mut BTreeSet<String>,
) -> Vec<FamilyReport> {
    plan.families
        .iter()
        .map(|p| {
            let refs: Vec<&DocumentReport> = members
                .iter()
                .filter(|d| p.members.contains(&d.path))
                .collect();
            let mut f = family::judge::judge(p, &refs);
            if let Some(w) = waivers {
                let files: Vec<(String, String)> = refs
                    .iter()
                    .map(|d| (d.path.clone(), d.sha256.clone()))
                    .collect();
                w.apply_family(&mut f, &files, today);
                cited.extend(
                    f.clauses
                        .iter()
                        .filter_map(|c| waiver::cited(&c.review))
                        .map(String::from),
                );
            }
            if let Some(c) = comparison.as_deref_mut() {
                c.mark_family(&mut f);
            }
            f
        })
        .collect()
}

/// What makes the run fail: the `--fail-on` level, and with a baseline only what is new or worse.
#[derive(Clone, Copy)]
struct Gate<'a> {
    level: FailOn,
    baseline: Option<&'a Baseline>,
}

impl Gate<'_> {
    /// True when a gap counts: a required rule at or above the level, not waived, and (with a
    /// baseline) new or worse.
    fn gap_fails(&self, severity: Severity, status: ClauseStatus, review: &Review) -> bool {
        let gap_level = match status {
            ClauseStatus::Contradicted => FailOn::Contradicted,
            ClauseStatus::Missing => FailOn::Missing,
            ClauseStatus::Weak => FailOn::Weak,
            ClauseStatus::Present => return false,
        };
        self.level != FailOn::Never
            && severity == Severity::Required
            && gap_level <= self.level
            && review.waiver.is_none()
            && self.changed(review.baseline)
    }

    /// True when an undisclosed AI feature counts.
    fn feature_fails(&self, disclosed: bool, change: Option<Change>) -> bool {
        self.level >= FailOn::Undisclosed && !disclosed && self.changed(change)
    }

    /// Without a baseline everything counts; with one, only what is new or worse.
    fn changed(&self, change: Option<Change>) -> bool {
        self.baseline.is_none() || matches!(change, Some(Change::New | Change::Worse))
    }

    /// True when a document (judged on its own) has something that fails the run.
    fn document_fails(&self, d: &DocumentReport) -> bool {
        let gaps = d
            .clauses
            .iter()
            .any(|c| self.gap_fails(c.severity, c.status, &c.review));
        let undisclosed = d
            .ai_features
            .iter()
            .any(|f| self.feature_fails(f.disclosed, f.baseline));
        let unreadable = self.level >= FailOn::Unreadable
            && d.status != Status::Analysed
            && !self.baseline.is_some_and(|b| b.was_unreadable(&d.path));
        gaps || undisclosed || unreadable
    }

    /// True when a family has something that fails the run.
    fn family_fails(&self, f: &FamilyReport) -> bool {
        let gaps = f
            .clauses
            .iter()
            .any(|c| self.gap_fails(c.severity, c.status, &c.review));
        let undisclosed = f
            .ai_features
            .iter()
            .any(|x| self.feature_fails(x.disclosed, x.baseline));
        let incomplete = self.level >= FailOn::Unreadable
            && (!f.missing_members.is_empty()
                || f.unreadable_members
                    .iter()
                    .any(|m| !self.baseline.is_some_and(|b| b.was_unreadable(m))));
        gaps || undisclosed || incomplete
    }
}
