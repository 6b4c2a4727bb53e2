//! `aiassure serve`: the local web page for procurement officers (see [`crate::serve`]). Prints
//! the address with this run's access token, then serves until stopped (Ctrl+C).

use std::io::Write;
use std::net::IpAddr;
use std::path::PathBuf;

use clap::Args;

use super::{LimitArgs, OcrArgs, Outcome, load_library};
use crate::serve::{self, ServeConfig, Server, UploadLimits};

/// Arguments of `aiassure serve`.
#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    /// Folder keeping reviews, uploaded files, decisions and the search index (created when
    /// absent; a restart loses nothing).
    #[arg(long, value_name = "DIR", default_value = serve::DEFAULT_WORKSPACE)]
    workspace: PathBuf,
    /// Port to listen on (0: any free port).
    #[arg(long, value_name = "N", default_value_t = 8484)]
    port: u16,
    /// Address to listen on. The default, 127.0.0.1, is reachable only from this computer; any
    /// other address makes the page reachable by others on the network (with the token).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    bind: IpAddr,
    /// Open the page in the default browser once the server is listening.
    #[arg(long)]
    open: bool,
    /// A folder of extra or replacement rules (same format as clause-library/).
    #[arg(long, value_name = "DIR")]
    library: Option<PathBuf>,
    /// Files analysed at once (default: one per core).
    #[arg(short, long, value_name = "N")]
    jobs: Option<usize>,
    /// Largest upload (all its files together), in MB.
    #[arg(long, value_name = "MB", default_value_t = 1024)]
    max_upload_mb: u64,
    /// Most MB of files in one review.
    #[arg(long, value_name = "MB", default_value_t = 4096)]
    max_review_mb: u64,
    /// Most files in one upload.
    #[arg(long, value_name = "N", default_value_t = 500)]
    max_upload_files: usize,
    #[command(flatten)]
    limits: LimitArgs,
    #[command(flatten)]
    ocr: OcrArgs,
}

pub(crate) fn run(args: &ServeArgs) -> anyhow::Result<Outcome> {
    let library = load_library(args.library.as_ref())?;
    let ocr = args.ocr.ocr()?;
    let limits = args.limits.limits();
    let jobs = args.jobs.unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
    });
    let server = Server::bind(ServeConfig {
        workspace: args.workspace.clone(),
        bind: args.bind,
        port: args.port,
        library,
        ocr,
        limits,
        uploads: UploadLimits {
            per_file: limits.max_file_bytes,
            per_request: args.max_upload_mb.saturating_mul(1024 * 1024),
            per_review: args.max_review_mb.saturating_mul(1024 * 1024),
            files_per_request: args.max_upload_files.max(1),
        },
        jobs,
    })?;
    let url = server.url();
    let mut out = std::io::stdout().lock();
    writeln!(out, "{url}")?;
    writeln!(
        out,
        "aiassure serve: open the address above in your browser (it holds this run's access token; a restart prints a new one)."
    )?;
    writeln!(
        out,
        "  workspace: {} ({} reviews)",
        serve::describe_workspace(&args.workspace),
        server.reviews()?
    )?;
    if server.addr().ip().is_loopback() {
        writeln!(
            out,
            "  reachable only from this computer; nothing is sent over the network. Stop with Ctrl+C."
        )?;
    } else {
        writeln!(
            out,
            "  WARNING: listening on {}: the page is reachable by others on the network who have the address and token. Use the default --bind 127.0.0.1 unless you mean this. Stop with Ctrl+C.",
            server.addr()
        )?;
    }
    out.flush()?;
    drop(out);
    if args.open {
        open_browser(&url);
    }
    server.run()?;
    Ok(Outcome::Clean)
}

/// Opens the address in the desktop's browser; says so when it cannot (the address is printed).
fn open_browser(url: &str) {
    let (program, before): (&str, &[&str]) = if cfg!(target_os = "macos") {
        ("open", &[])
    } else if cfg!(windows) {
        ("cmd", &["/C", "start", ""])
    } else {
        ("xdg-open", &[])
    };
    let started = std::process::Command::new(program)
        .args(before)
        .arg(url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    if started.is_err() {
        eprintln!(
            "aiassure: could not open a browser ({program}); open the address above yourself"
        );
    }
}
