//! `aiassure worker`: JSON lines in on standard input, one line of results out per request, in
//! order (see [`crate::worker`]); `--schema` prints the results tables' columns for the Spark job.

use std::io::{self, Write};
use std::path::PathBuf;

use anyhow::Context;
use clap::Args;

use super::{DocTypeArg, LimitArgs, OcrArgs, Outcome, load_library, load_register};
use crate::report::tables;
use crate::scan::ScanOptions;
use crate::worker::{Emit, Worker};

/// Arguments of `aiassure worker`.
#[derive(Debug, Args)]
pub(crate) struct WorkerArgs {
    /// What to write per request.
    #[arg(long, value_enum, default_value_t = Emit::Documents)]
    emit: Emit,
    /// Print the columns of the tables (name, type, nullable) as JSON and exit.
    #[arg(long)]
    schema: bool,
    /// A folder of extra or replacement rules (same format as clause-library/).
    #[arg(long, value_name = "DIR")]
    library: Option<PathBuf>,
    /// Treat every document as this type instead of detecting it.
    #[arg(long, value_enum, default_value_t = DocTypeArg::Auto)]
    doc_type: DocTypeArg,
    /// Approved AI tools register (CSV: name, vendor, status approved/prohibited, aliases).
    #[arg(long, value_name = "FILE.csv")]
    register: Option<PathBuf>,
    #[command(flatten)]
    limits: LimitArgs,
    #[command(flatten)]
    ocr: OcrArgs,
}

pub(crate) fn run(args: &WorkerArgs) -> anyhow::Result<Outcome> {
    if args.schema {
        let mut out = io::stdout().lock();
        serde_json::to_writer_pretty(&mut out, &tables::schema())?;
        writeln!(out)?;
        return Ok(Outcome::Clean);
    }
    let library = load_library(args.library.as_ref())?;
    let register = args.register.as_ref().map(load_register).transpose()?;
    let ocr = args.ocr.ocr()?;
    let worker = Worker {
        options: ScanOptions {
            library: &library,
            doc_type: args.doc_type.forced(),
            register: register.as_ref(),
            limits: args.limits.limits(),
            ocr: &ocr,
            jobs: Some(1),
        },
        emit: args.emit,
        tiers: library.tiers(),
    };
    let mut input = io::stdin().lock();
    let mut output = io::BufWriter::new(io::stdout().lock());
    worker
        .run(&mut input, &mut output)
        .context("could not answer on standard output")?;
    Ok(Outcome::Clean)
}
