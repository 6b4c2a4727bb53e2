//! `aiassure redline TEMPLATE.docx -o OUT.docx`: checks a contract template and writes a copy with
//! the model wording of every missing or weak rule inserted as tracked changes.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;

use super::{LimitArgs, Outcome, load_library};
use crate::check::{self, CheckOptions};
use crate::extract::ocr::OCR_OFF;
use crate::model::{DocType, Format, Source};
use crate::redline::{self, Placement};
use crate::scan;

/// Arguments of `aiassure redline`.
#[derive(Debug, Args)]
pub(crate) struct RedlineArgs {
    /// The DOCX template to amend (it is not changed).
    template: PathBuf,
    /// Where to write the amended copy.
    #[arg(short, long, value_name = "OUT.docx")]
    output: PathBuf,
    /// A folder of extra or replacement rules (same format as clause-library/).
    #[arg(long, value_name = "DIR")]
    library: Option<PathBuf>,
    /// No summary on standard error.
    #[arg(short, long)]
    quiet: bool,
    #[command(flatten)]
    limits: LimitArgs,
}

pub(crate) fn run(args: &RedlineArgs) -> anyhow::Result<Outcome> {
    if Format::from_path(&args.template) != Some(Format::Docx) {
        anyhow::bail!(
            "{} is not a .docx file: redline amends Word templates only",
            args.template.display()
        );
    }
    if same_file(&args.template, &args.output) {
        anyhow::bail!("the output must be a new file: redline never overwrites the template");
    }
    let library = load_library(args.library.as_ref())?;
    let limits = args.limits.limits();
    let source = Source {
        path: args.template.clone(),
        display: args.template.display().to_string(),
        format: Format::Docx,
    };
    // The template is read once: the bytes analysed are the bytes amended.
    let not_read = |e| anyhow::anyhow!("could not read {}: {e}", args.template.display());
    let bytes = scan::read_limited(&source, &limits).map_err(not_read)?;
    let document = scan::load_bytes(Format::Docx, &bytes, &limits, &OCR_OFF)
        .document
        .map_err(not_read)?;
    let analysis = check::check(
        &library,
        &document,
        &CheckOptions {
            doc_type: Some(DocType::Contract),
            register: None,
        },
    );
    let rules: Vec<_> = analysis
        .clauses
        .iter()
        .filter_map(|c| library.rule_info(&c.id))
        .collect();
    let amended = redline::redline(
        &bytes,
        &analysis.clauses,
        &rules,
        &redline::change_date(time::OffsetDateTime::now_utc()),
        &limits,
    )?;
    std::fs::write(&args.output, &amended.docx)
        .with_context(|| format!("could not write {}", args.output.display()))?;
    if !args.quiet {
        match &amended.placement {
            Placement::Nothing => eprintln!(
                "aiassure: no missing or weak rules: {} is an unchanged copy",
                args.output.display()
            ),
            Placement::AiSection(h) => eprintln!(
                "aiassure: inserted the wording of {} rules as tracked changes at the end of the section \"{h}\": {}",
                amended.inserted.len(),
                amended.inserted.join(", ")
            ),
            Placement::NewSection => eprintln!(
                "aiassure: the template has no AI section; added \"{}\" at the end with the wording of {} rules as tracked changes: {}",
                redline::NEW_SECTION_TITLE,
                amended.inserted.len(),
                amended.inserted.join(", ")
            ),
        }
        if !amended.contradicted.is_empty() {
            eprintln!(
                "aiassure: contradicted (amend or delete the contrary wording by hand; `aiassure explain RULE` shows why): {}",
                amended.contradicted.join(", ")
            );
        }
    }
    Ok(Outcome::Clean)
}

/// True when both paths name the same existing file.
fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
