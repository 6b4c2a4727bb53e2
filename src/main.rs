//! The `aiassure` command line: parse, run, exit with the status the run decided.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = aiassure::cli::Cli::parse();
    aiassure::cli::main(cli)
}
