//! End-to-end benchmark, one command: `cargo bench --bench e2e` (builds the release binary first).
//!
//! In one run, so that every target is a ratio of figures measured under the same load:
//!
//! 1. the release binary scans the CUAD PDFs (`aiassure scan DIR --format json -o /dev/null
//!    --fail-on never -j N`), alternating with poppler's `pdftotext` on the same PDFs through
//!    `xargs -P N` (N = cores); medians of the repetitions and the ratio scan / pdftotext;
//! 2. the same with one and with two threads: the speed-up from `-j 1` to `-j 2` (and pdftotext's
//!    as the ceiling the machine allows at the time);
//! 3. scans of a generated repository of 1k, 2k and 4k documents (text, Markdown, DOCX, PDF) with
//!    time, documents per second and peak memory (maxrss via `/usr/bin/time`);
//! 4. in-process, on one thread: time per stage (read, sha256, extract, segment, check) and the
//!    checking throughput in MB of text per second per core.
//!
//! Output is Markdown on standard output (BENCHMARKS.md quotes it); progress goes to standard error.
//! `E2E_REPS` sets the repetitions (default 5), `E2E_DOCS` the largest generated set (default 4000).
//! Parts whose tools or files are missing print why they skipped.

#![allow(clippy::print_stdout, clippy::print_stderr)] // a bench reports on the terminal

#[path = "../common/mod.rs"]
mod common;
mod generate;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use aiassure::check::{self, CheckOptions};
use aiassure::discover;
use aiassure::extract::{self, Limits};
use aiassure::library::Library;
use aiassure::model::{Format, Source};
use aiassure::scan::sha256_hex;
use aiassure::segment;

/// The release binary cargo built for this bench.
const BIN: &str = env!("CARGO_BIN_EXE_aiassure");

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(default)
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    match xs.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => xs[n / 2],
        n => (xs[n / 2 - 1] + xs[n / 2]) / 2.0,
    }
}

/// Wall time of one run of a command, and its peak resident memory in KB when `/usr/bin/time` is
/// there to measure it. A failed command stops the bench: its figures would mean nothing.
fn timed(program: &str, args: &[&str]) -> (f64, Option<u64>) {
    let rss_file = std::env::temp_dir().join(format!("aiassure-e2e-rss-{}", std::process::id()));
    let gnu_time = Path::new("/usr/bin/time").exists();
    let mut cmd = if gnu_time {
        let mut c = Command::new("/usr/bin/time");
        c.arg("-f").arg("%M").arg("-o").arg(&rss_file).arg(program);
        c
    } else {
        Command::new(program)
    };
    cmd.args(args);
    let start = Instant::now();
    let out = cmd.output();
    let secs = start.elapsed().as_secs_f64();
    match out {
        Ok(o) if o.status.success() => {}
        Ok(o) => {
            eprintln!(
                "e2e: {program} {args:?} failed ({}):\n{}",
                o.status,
                String::from_utf8_lossy(&o.stderr)
            );
            std::process::exit(1);
        }
        Err(e) => {
            eprintln!("e2e: could not run {program}: {e}");
            std::process::exit(1);
        }
    }
    let rss = gnu_time
        .then(|| std::fs::read_to_string(&rss_file).ok())
        .flatten()
        .and_then(|s| s.lines().last().and_then(|l| l.trim().parse().ok()));
    (secs, rss)
}

/// `aiassure scan` of `paths` with `jobs` threads, JSON report thrown away.
fn scan(paths: &[PathBuf], jobs: usize) -> (f64, Option<u64>) {
    let jobs = jobs.to_string();
    let mut args = vec!["scan"];
    args.extend(paths.iter().filter_map(|p| p.to_str()));
    args.extend([
        "--format",
        "json",
        "-o",
        "/dev/null",
        "--fail-on",
        "never",
        "--quiet",
        "-j",
        &jobs,
    ]);
    timed(BIN, &args)
}

/// `pdftotext` on every PDF under `dir`, `jobs` at a time (text thrown away).
fn pdftotext(dir: &Path, jobs: usize) -> f64 {
    let script = r#"find "$1" -type f -iname '*.pdf' -print0 | xargs -0 -P "$2" -I{} pdftotext -q {} /dev/null; exit 0"#;
    let dir = dir.to_string_lossy();
    timed("sh", &["-c", script, "sh", &dir, &jobs.to_string()]).0
}

fn have_pdftotext() -> bool {
    Command::new("pdftotext")
        .arg("-v")
        .output()
        .is_ok_and(|o| o.status.success() || !o.stderr.is_empty())
}

fn machine() {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .map(|l| l.trim_start_matches([' ', '\t', ':']).to_string())
        .unwrap_or_else(|| "unknown".into());
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let mem_gb = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|l| l.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0 / 1024.0);
    let date = Command::new("date")
        .args(["-u", "+%Y-%m-%d %H:%M UTC"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load: Vec<&str> = load.split_whitespace().take(3).collect();
    println!("## End-to-end run of {date}\n");
    println!(
        "Machine: {model}, {} cores, {mem_gb:.1} GB memory; load average at the start {} (1, 5, 15 min).\n",
        cores(),
        load.join(" ")
    );
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// 1 and 2: the CUAD PDFs, scan against pdftotext, all cores and then one and two threads.
fn cuad(dir: &Path, reps: usize) {
    let n = cores();
    let files = common::files(dir, &["pdf"]);
    let bytes: u64 = files
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum();
    println!(
        "### CUAD PDFs against pdftotext\n\n{} PDFs, {:.1} MB, in {}. Medians of {reps} alternating runs.\n",
        files.len(),
        bytes as f64 / 1e6,
        dir.display()
    );
    // Warm the page cache and both programs before timing.
    scan(&[dir.to_path_buf()], n);
    pdftotext(dir, n);
    let jobs: Vec<usize> = if n >= 2 { vec![n, 1, 2] } else { vec![1] };
    let mut rows = Vec::new();
    let mut at = std::collections::BTreeMap::new();
    for &j in jobs.iter().collect::<std::collections::BTreeSet<_>>() {
        let (mut s, mut p, mut rss) = (Vec::new(), Vec::new(), Vec::new());
        for r in 0..reps {
            eprintln!("e2e: CUAD, {j} thread(s), run {}/{reps}", r + 1);
            let (secs, m) = scan(&[dir.to_path_buf()], j);
            s.push(secs);
            rss.extend(m);
            p.push(pdftotext(dir, j));
        }
        let (s, p) = (median(s), median(p));
        at.insert(j, (s, p));
        rows.push(format!(
            "| {j} | {s:.2} s | {p:.2} s | **{:.2}** | {:.1} MB/s | {} |",
            s / p,
            bytes as f64 / 1e6 / s,
            rss.iter()
                .max()
                .map_or("n/a".into(), |kb| format!("{:.0} MB", *kb as f64 / 1024.0))
        ));
    }
    println!(
        "| threads | aiassure scan | pdftotext | ratio scan / pdftotext (target <= 1.0) | scan, MB of PDF/s | scan peak memory |"
    );
    println!("|---|---|---|---|---|---|");
    for r in rows {
        println!("{r}");
    }
    if let (Some(one), Some(two)) = (at.get(&1), at.get(&2)) {
        println!(
            "\nScaling from 1 to 2 threads: aiassure {:.2}x, pdftotext {:.2}x (2.00x is linear; pdftotext \
             shows what the machine allowed under its load at the time).\n",
            one.0 / two.0,
            one.1 / two.1
        );
    }
}

/// 3: scans of generated repositories of growing size: time and peak memory.
fn generated(root: &Path, largest: usize, reps: usize) -> Vec<PathBuf> {
    let n = cores();
    let mut sizes = vec![largest / 4, largest / 2, largest];
    sizes.retain(|&s| s > 0);
    sizes.dedup();
    let mut folders = Vec::new();
    let mut made = generate::Generated::default();
    let mut rows = Vec::new();
    let mut from = 0;
    for &size in &sizes {
        let folder = root.join(format!("docs-{from:05}-{size:05}"));
        eprintln!("e2e: generating documents {from}..{size}");
        let g = match generate::generate(&folder, from..size) {
            Ok(g) => g,
            Err(e) => {
                println!("skipped the generated repository: could not write it: {e}");
                return Vec::new();
            }
        };
        for (total, part) in made.files.iter_mut().zip(g.files) {
            *total += part;
        }
        made.bytes += g.bytes;
        folders.push(folder);
        from = size;
        scan(&folders, n); // warm the page cache
        let (mut times, mut rss) = (Vec::new(), Vec::new());
        for r in 0..reps.min(3) {
            eprintln!(
                "e2e: generated {size} documents, run {}/{}",
                r + 1,
                reps.min(3)
            );
            let (secs, m) = scan(&folders, n);
            times.push(secs);
            rss.extend(m);
        }
        let t = median(times);
        rows.push(format!(
            "| {} | {:.1} MB | {t:.2} s | {:.0} | {:.1} MB/s | {} |",
            made.total(),
            made.bytes as f64 / 1e6,
            made.total() as f64 / t,
            made.bytes as f64 / 1e6 / t,
            rss.iter()
                .max()
                .map_or("n/a".into(), |kb| format!("{:.0} MB", *kb as f64 / 1024.0))
        ));
    }
    println!(
        "### Generated repository\n\n{} documents: {} plain text, {} Markdown, {} DOCX, {} PDF \
         (contracts and tender responses with varied clauses, written by benches/e2e/generate.rs). \
         Scanned with {n} threads; medians of {} runs.\n",
        made.total(),
        made.files[0],
        made.files[1],
        made.files[2],
        made.files[3],
        reps.min(3)
    );
    println!(
        "| documents | size on disk | scan | documents/s | MB/s | peak memory (target: flat) |"
    );
    println!("|---|---|---|---|---|---|");
    for r in rows {
        println!("{r}");
    }
    println!();
    folders
}

/// Time per stage, summed over files, for one set of files on one thread.
#[derive(Default)]
struct Stages {
    files: usize,
    file_bytes: u64,
    text_bytes: u64,
    read: Duration,
    hash: Duration,
    extract: Duration,
    segment: Duration,
    check: Duration,
}

fn stages(sources: &[Source], library: &Library) -> Stages {
    let limits = Limits::default();
    let options = CheckOptions::default();
    let mut s = Stages::default();
    for source in sources {
        let t = Instant::now();
        let Ok(bytes) = std::fs::read(&source.path) else {
            continue;
        };
        s.read += t.elapsed();
        let t = Instant::now();
        std::hint::black_box(sha256_hex(&bytes));
        s.hash += t.elapsed();
        let t = Instant::now();
        let extracted = extract::extract(source.format, &bytes, &limits);
        s.extract += t.elapsed();
        s.files += 1;
        s.file_bytes += bytes.len() as u64;
        let Ok(extracted) = extracted else {
            continue;
        };
        let t = Instant::now();
        let doc = segment::segment(extracted);
        s.segment += t.elapsed();
        s.text_bytes += doc.text().len() as u64;
        let t = Instant::now();
        std::hint::black_box(check::check(library, &doc, &options));
        s.check += t.elapsed();
    }
    s
}

/// 4: where the time goes, per set and format, on one thread; checking throughput per core.
fn breakdown(sets: &[(String, Vec<Source>)], reps: usize) {
    let library = Library::builtin();
    println!(
        "### Time per stage, one thread, in-process\n\nMedian of {} passes per row. Checking \
         throughput is MB of document text (blocks joined with newlines) per second on one core \
         (target >= 50).\n",
        reps.min(3)
    );
    println!(
        "| set | files | MB in | MB text | read | sha256 | extract | segment | check | extract MB/s (in) | segment MB/s (text) | **check MB/s (text)** |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|");
    for (name, sources) in sets {
        let runs: Vec<Stages> = (0..reps.min(3))
            .map(|_| stages(sources, &library))
            .collect();
        let med =
            |f: fn(&Stages) -> Duration| median(runs.iter().map(|s| f(s).as_secs_f64()).collect());
        let Some(first) = runs.first() else { continue };
        let (read, hash, extract, seg, chk) = (
            med(|s| s.read),
            med(|s| s.hash),
            med(|s| s.extract),
            med(|s| s.segment),
            med(|s| s.check),
        );
        let mb_in = first.file_bytes as f64 / 1e6;
        let mb_text = first.text_bytes as f64 / 1e6;
        println!(
            "| {name} | {} | {mb_in:.1} | {mb_text:.1} | {read:.3} s | {hash:.3} s | {extract:.3} s | {seg:.3} s | {chk:.3} s | {:.1} | {:.1} | **{:.1}** |",
            first.files,
            mb_in / extract,
            mb_text / seg,
            mb_text / chk
        );
    }
    println!();
}

/// Sources found under `paths`, split by format, with a name for each group.
fn by_format(prefix: &str, paths: &[PathBuf]) -> Vec<(String, Vec<Source>)> {
    let found = discover::discover(paths).sources;
    [Format::Pdf, Format::Docx, Format::Text, Format::Markdown]
        .into_iter()
        .map(|f| {
            let group: Vec<Source> = found.iter().filter(|s| s.format == f).cloned().collect();
            (format!("{prefix} {}", f.as_str()), group)
        })
        .filter(|(_, g)| !g.is_empty())
        .collect()
}

fn main() {
    // `cargo bench` passes `--bench`; any other argument is not ours to interpret.
    let reps = env_usize("E2E_REPS", 5);
    let largest = env_usize("E2E_DOCS", 4000);
    machine();
    let corpus = common::corpus();
    let cuad_dir = corpus.as_ref().map(|c| c.join("contracts/cuad/pdf"));
    match &cuad_dir {
        Some(dir) if dir.is_dir() && have_pdftotext() => cuad(dir, reps),
        Some(dir) if dir.is_dir() => println!(
            "skipped the CUAD comparison: pdftotext is not installed (apt-get install poppler-utils)\n"
        ),
        _ => println!("skipped the CUAD comparison: no CUAD PDFs\n"),
    }
    let root = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => {
            println!("skipped the generated repository: no temporary folder: {e}");
            return;
        }
    };
    let folders = generated(root.path(), largest, reps);
    // The stage breakdown reads the CUAD PDFs and a sample of the generated set (first folder).
    let mut sets = Vec::new();
    if let Some(dir) = cuad_dir.filter(|d| d.is_dir()) {
        sets.extend(by_format("CUAD", &[dir]));
        if let Some(corpus) = &corpus {
            sets.extend(by_format("CUAD", &[corpus.join("contracts/cuad/txt")]));
        }
    }
    sets.extend(by_format("generated", &folders[..folders.len().min(1)]));
    breakdown(&sets, reps);
}
