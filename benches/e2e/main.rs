//! End-to-end benchmark, one command: `cargo bench --bench e2e` (builds the release binary first).
//!
//! In one run, so that every target is a ratio of figures measured under the same load:
//!
//! 1. the release binary scans the CUAD PDFs (`aiassure scan DIR --format json -o /dev/null
//!    --fail-on never -j N`), alternating with poppler's `pdftotext` on the same PDFs through
//!    `xargs -P N` (N = cores) and with MuPDF's `mutool draw -F txt` (text extraction alone, Debian
//!    `mupdf-tools`); medians of the repetitions, the ratios scan / pdftotext and scan / mutool,
//!    and pages per CPU second;
//! 2. the same with one and with two threads: the speed-up from `-j 1` to `-j 2` (and pdftotext's
//!    as the ceiling the machine allows at the time);
//! 3. scans of a generated repository of 1k, 2k and 4k documents (text, Markdown, DOCX, PDF) with
//!    time, documents per second and peak memory (maxrss via `/usr/bin/time`);
//! 4. in-process, on one thread: time per stage (read, sha256, extract, segment, check) and the
//!    checking throughput in MB of text per second per core;
//! 5. the index against the scan of the same files (CUAD PDFs, the largest generated set): a
//!    first `aiassure index` into an empty folder and an unchanged re-run, as multiples of the
//!    scan (targets <= 1.2 and <= 0.05);
//! 6. peak memory of the hostile batch (the generator of `tests/hostile`) scanned with `-j 2`,
//!    against the worst of its files scanned alone (target <= 1.3x).
//!
//! Output is Markdown on standard output (BENCHMARKS.md quotes it); progress goes to standard error.
//! `E2E_REPS` sets the repetitions (default 5), `E2E_DOCS` the largest generated set (default 4000).
//! Parts whose tools or files are missing print why they skipped.

#![allow(clippy::print_stdout, clippy::print_stderr)] // a bench reports on the terminal

#[path = "../common/mod.rs"]
mod common;
mod generate;
#[path = "../../tests/hostile/make.rs"]
#[allow(dead_code)] // the tests use more of the generator than the bench does
mod hostile;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use aiassure::check::{self, CheckOptions};
use aiassure::discover;
use aiassure::extract::{self, Limits};
use aiassure::library::Library;
use aiassure::model::sha256_hex;
use aiassure::model::{Format, Source};
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

/// What one run of a command cost.
#[derive(Debug, Clone, Copy)]
struct Run {
    /// Wall-clock seconds.
    wall: f64,
    /// User plus system CPU seconds, when `/usr/bin/time` is there to measure them.
    cpu: Option<f64>,
    /// Peak resident memory in KB, likewise.
    rss_kb: Option<u64>,
}

/// Runs a command once, under `/usr/bin/time` when it is installed. A failed command stops the
/// bench: its figures would mean nothing.
fn timed(program: &str, args: &[&str]) -> Run {
    let stats_file = std::env::temp_dir().join(format!("aiassure-e2e-time-{}", std::process::id()));
    let gnu_time = Path::new("/usr/bin/time").exists();
    let mut cmd = if gnu_time {
        let mut c = Command::new("/usr/bin/time");
        c.args(["-f", "%M %U %S", "-o"])
            .arg(&stats_file)
            .arg(program);
        c
    } else {
        Command::new(program)
    };
    cmd.args(args);
    let start = Instant::now();
    let out = cmd.output();
    let wall = start.elapsed().as_secs_f64();
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
    let stats = if gnu_time {
        std::fs::read_to_string(&stats_file).unwrap_or_default()
    } else {
        String::new()
    };
    let fields: Vec<&str> = stats
        .lines()
        .last()
        .unwrap_or_default()
        .split_whitespace()
        .collect();
    let num = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok());
    Run {
        wall,
        cpu: num(1).zip(num(2)).map(|(u, s)| u + s),
        rss_kb: fields.first().and_then(|f| f.parse().ok()),
    }
}

/// `aiassure scan` of `paths` with `jobs` threads, JSON report written to `output`.
fn scan_to(paths: &[PathBuf], jobs: usize, output: &str) -> Run {
    let jobs = jobs.to_string();
    let mut args = vec!["scan"];
    args.extend(paths.iter().filter_map(|p| p.to_str()));
    args.extend([
        "--format",
        "json",
        "-o",
        output,
        "--fail-on",
        "never",
        "--quiet",
        "-j",
        &jobs,
    ]);
    timed(BIN, &args)
}

/// `aiassure scan` of `paths` with `jobs` threads, JSON report thrown away.
fn scan(paths: &[PathBuf], jobs: usize) -> Run {
    scan_to(paths, jobs, "/dev/null")
}

/// Scans once, keeping the report, and says how many documents were analysed (a scan that read
/// nothing would be fast for the wrong reason) and how many pages they have.
fn validate(paths: &[PathBuf], jobs: usize) -> (String, u64) {
    let report = std::env::temp_dir().join(format!("aiassure-e2e-{}.json", std::process::id()));
    scan_to(paths, jobs, &report.to_string_lossy());
    let json: serde_json::Value = std::fs::read(&report)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default();
    let _ = std::fs::remove_file(&report);
    let n = |k: &str| json["summary"][k].as_u64().unwrap_or(0);
    let pages = json["documents"]
        .as_array()
        .map_or(0, |d| d.iter().filter_map(|d| d["pages"].as_u64()).sum());
    let said = format!(
        "the report counts {} documents: {} analysed, {} unreadable, {} error",
        n("documents"),
        n("analysed"),
        n("unreadable"),
        n("error")
    );
    (said, pages)
}

/// `pdftotext` on every PDF under `dir`, `jobs` at a time (text thrown away).
fn pdftotext(dir: &Path, jobs: usize) -> Run {
    let script = r#"find "$1" -type f -iname '*.pdf' -print0 | xargs -0 -P "$2" -I{} pdftotext -q {} /dev/null; exit 0"#;
    let dir = dir.to_string_lossy();
    timed("sh", &["-c", script, "sh", &dir, &jobs.to_string()])
}

/// MuPDF's `mutool draw -F txt` on every PDF under `dir`, `jobs` at a time (text thrown away):
/// extraction alone, by the fastest PDF text extractor.
fn mutool(dir: &Path, jobs: usize) -> Run {
    let script = r#"find "$1" -type f -iname '*.pdf' -print0 | xargs -0 -P "$2" -I{} mutool draw -q -F txt -o /dev/null {}; exit 0"#;
    let dir = dir.to_string_lossy();
    timed("sh", &["-c", script, "sh", &dir, &jobs.to_string()])
}

fn have_mutool() -> bool {
    Command::new("mutool")
        .arg("-v")
        .output()
        .is_ok_and(|o| o.status.success() || !o.stderr.is_empty())
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

fn mb(kb: Option<u64>) -> String {
    kb.map_or("n/a".into(), |kb| format!("{:.0} MB", kb as f64 / 1024.0))
}

fn secs(x: Option<f64>) -> String {
    x.map_or("n/a".into(), |x| format!("{x:.2} s"))
}

/// Medians of the runs: wall time, CPU time, and the largest peak memory.
fn summarise(runs: &[Run]) -> Run {
    let cpu: Vec<f64> = runs.iter().filter_map(|r| r.cpu).collect();
    Run {
        wall: median(runs.iter().map(|r| r.wall).collect()),
        cpu: (!cpu.is_empty()).then(|| median(cpu)),
        rss_kb: runs.iter().filter_map(|r| r.rss_kb).max(),
    }
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
    // Warms the page cache and the programs before timing.
    let (checked, pages) = validate(&[dir.to_path_buf()], n);
    pdftotext(dir, n);
    let mupdf = have_mutool();
    if mupdf {
        mutool(dir, n);
    }
    println!(
        "### CUAD PDFs against pdftotext and mutool\n\n{} PDFs ({pages} pages), {:.1} MB, in {}; \
         {checked}. Medians of {reps} alternating runs. {}\n",
        files.len(),
        bytes as f64 / 1e6,
        dir.display(),
        if mupdf {
            "MuPDF's `mutool draw -F txt` only extracts the text, one process per file."
        } else {
            "mutool is not installed (apt-get install mupdf-tools): its columns are n/a."
        }
    );
    let mut jobs = vec![n, 1, 2];
    jobs.retain(|&j| j <= n.max(1));
    jobs.sort_unstable();
    jobs.dedup();
    println!(
        "| threads | aiassure scan | its CPU time | pdftotext | its CPU time | **ratio scan / pdftotext** (target <= 1.0) | mutool | **ratio scan / mutool** (target <= 0.5 at 1 thread) | scan, pages per CPU second | scan, MB of PDF/s | scan peak memory |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    let mut at = std::collections::BTreeMap::new();
    for j in jobs {
        let (mut s, mut p, mut m) = (Vec::new(), Vec::new(), Vec::new());
        for r in 0..reps {
            eprintln!("e2e: CUAD, {j} thread(s), run {}/{reps}", r + 1);
            s.push(scan(&[dir.to_path_buf()], j));
            p.push(pdftotext(dir, j));
            if mupdf {
                m.push(mutool(dir, j));
            }
        }
        let (s, p) = (summarise(&s), summarise(&p));
        let m = (!m.is_empty()).then(|| summarise(&m));
        println!(
            "| {j} | {:.2} s | {} | {:.2} s | {} | **{:.3}** | {} | **{}** | {} | {:.1} MB/s | {} |",
            s.wall,
            secs(s.cpu),
            p.wall,
            secs(p.cpu),
            s.wall / p.wall,
            secs(m.as_ref().map(|m| m.wall)),
            m.as_ref()
                .map_or("n/a".into(), |m| format!("{:.3}", s.wall / m.wall)),
            s.cpu
                .map_or("n/a".into(), |c| format!("{:.0}", pages as f64 / c)),
            bytes as f64 / 1e6 / s.wall,
            mb(s.rss_kb)
        );
        at.insert(j, (s, p));
    }
    if let (Some((s1, p1)), Some((s2, p2))) = (at.get(&1), at.get(&2)) {
        let cpu = |r: &Run| r.cpu.map_or(f64::NAN, |c| c / r.wall * 100.0);
        println!(
            "\nScaling from 1 to 2 threads (wall time at -j 1 / at -j 2; 2.00x is linear): aiassure \
             **{:.2}x**, pdftotext {:.2}x. CPU in use at 2 threads: aiassure {:.0} %, pdftotext {:.0} % \
             (200 % is two whole cores; less means the other processes on the machine held them). CPU \
             time at -j 2 over -j 1 (1.00 = no parallel overhead): aiassure {:.2}, pdftotext {:.2}.\n",
            s1.wall / s2.wall,
            p1.wall / p2.wall,
            cpu(s2),
            cpu(p2),
            s2.cpu.zip(s1.cpu).map_or(f64::NAN, |(a, b)| a / b),
            p2.cpu.zip(p1.cpu).map_or(f64::NAN, |(a, b)| a / b),
        );
    }
}

/// 3: scans of generated repositories of growing size: time and peak memory.
fn generated(root: &Path, largest: usize, reps: usize) -> Vec<PathBuf> {
    let n = cores();
    let reps = reps.min(3);
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
        let (checked, _) = validate(&folders, n); // also warms the page cache
        let runs: Vec<Run> = (0..reps)
            .map(|r| {
                eprintln!("e2e: generated {size} documents, run {}/{reps}", r + 1);
                scan(&folders, n)
            })
            .collect();
        let run = summarise(&runs);
        rows.push(format!(
            "| {} | {:.1} MB | {:.2} s | {} | {:.0} | {:.1} MB/s | {} | {checked} |",
            made.total(),
            made.bytes as f64 / 1e6,
            run.wall,
            secs(run.cpu),
            made.total() as f64 / run.wall,
            made.bytes as f64 / 1e6 / run.wall,
            mb(run.rss_kb)
        ));
    }
    println!(
        "### Generated repository\n\n{} documents: {} plain text, {} Markdown, {} DOCX, {} PDF \
         (contracts and tender responses with varied clauses, written by benches/e2e/generate.rs \
         into a temporary folder). Scanned with {n} threads; medians of {reps} runs.\n",
        made.total(),
        made.files[0],
        made.files[1],
        made.files[2],
        made.files[3],
    );
    println!(
        "| documents | size on disk | scan | CPU time | documents/s | MB/s | **peak memory** (target: flat) | report summary |"
    );
    println!("|---|---|---|---|---|---|---|---|");
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
    unread: usize,
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
        let Ok(extracted) = extracted else {
            s.unread += 1;
            continue;
        };
        s.file_bytes += bytes.len() as u64;
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
        "### Time per stage, one thread, in-process\n\nMedian of {} passes per row; rates count \
         only the files read. Checking throughput is MB of document text (blocks joined with newlines) per second on one core \
         (target >= 50).\n",
        reps.min(3)
    );
    println!(
        "| set | files (not read) | MB read | MB text | read | sha256 | extract | segment | check | extract MB/s (in) | segment MB/s (text) | **check MB/s (text)** |"
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
            "| {name} | {} ({}) | {mb_in:.1} | {mb_text:.1} | {read:.3} s | {hash:.3} s | {extract:.3} s | {seg:.3} s | {chk:.3} s | {} | {} | **{}** |",
            first.files,
            first.unread,
            rate(mb_in, extract),
            rate(mb_text, seg),
            rate(mb_text, chk)
        );
    }
    println!();
}

/// MB per second, or "n/a" when nothing was measured (a reader not built yet, an empty library).
fn rate(mb: f64, secs: f64) -> String {
    if mb > 0.0 && secs > 1e-6 {
        format!("{:.1}", mb / secs)
    } else {
        "n/a".into()
    }
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
    let mut indexed = Vec::new();
    if let Some(dir) = corpus.as_ref().map(|c| c.join("contracts/cuad/pdf")) {
        indexed.push(("CUAD PDFs".to_string(), vec![dir]));
    }
    if !folders.is_empty() {
        indexed.push((format!("generated, {largest} documents"), folders));
    }
    index_cost(root.path(), &indexed, reps);
    hostile_memory(root.path());
}

/// 5: the index against the scan of the same files, all cores.
fn index_cost(root: &Path, sets: &[(String, Vec<PathBuf>)], reps: usize) {
    let n = cores();
    let reps = reps.min(3);
    println!(
        "### Index against scan\n\n`aiassure index PATHS --index DIR -j {n}` into an empty folder \
         (first run) and again with nothing changed (re-run), against `aiassure scan` of the same \
         files with the same threads; medians of {reps} runs, each first run into a new folder.\n"
    );
    println!(
        "| set | scan | first index | **first / scan** (target <= 1.2) | unchanged re-run | **re-run / first** (target <= 0.05) | index peak memory | index on disk |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for (name, paths) in sets.iter().filter(|(_, p)| p.iter().all(|d| d.is_dir())) {
        let (mut scans, mut firsts, mut reruns) = (Vec::new(), Vec::new(), Vec::new());
        let mut size = 0;
        for r in 0..reps {
            eprintln!("e2e: index of {name}, run {}/{reps}", r + 1);
            scans.push(scan(paths, n));
            let dir = root.join(format!("index-{r}"));
            let _ = std::fs::remove_dir_all(&dir);
            firsts.push(index(paths, &dir, n));
            reruns.push(index(paths, &dir, n));
            size = walkdir::WalkDir::new(&dir)
                .into_iter()
                .filter_map(Result::ok)
                .filter_map(|e| e.metadata().ok())
                .filter(std::fs::Metadata::is_file)
                .map(|m| m.len())
                .sum::<u64>();
            let _ = std::fs::remove_dir_all(&dir);
        }
        let (s, f, u) = (summarise(&scans), summarise(&firsts), summarise(&reruns));
        println!(
            "| {name} | {:.2} s | {:.2} s | **{:.2}** | {:.3} s | **{:.3}** | {} | {:.1} MB |",
            s.wall,
            f.wall,
            f.wall / s.wall,
            u.wall,
            u.wall / f.wall,
            mb(f.rss_kb),
            size as f64 / 1e6
        );
    }
    println!();
}

/// `aiassure index` of `paths` into `dir` with `jobs` threads.
fn index(paths: &[PathBuf], dir: &Path, jobs: usize) -> Run {
    let jobs = jobs.to_string();
    let mut args = vec!["index"];
    args.extend(paths.iter().filter_map(|p| p.to_str()));
    args.extend([
        "--index",
        dir.to_str().unwrap_or_default(),
        "--quiet",
        "-j",
        &jobs,
    ]);
    timed(BIN, &args)
}

/// 6: peak memory of the hostile batch at `-j 2` against its worst file alone.
fn hostile_memory(root: &Path) {
    let dir = root.join("hostile");
    let _ = std::fs::remove_dir_all(&dir);
    if let Err(e) = std::fs::create_dir_all(&dir) {
        println!("skipped the hostile batch: could not make its folder: {e}\n");
        return;
    }
    eprintln!("e2e: generating the hostile batch");
    let cases = hostile::write_all(&dir);
    let scan_of = |path: &Path, jobs: &str| {
        timed(
            BIN,
            &[
                "scan",
                path.to_str().unwrap_or_default(),
                "--format",
                "json",
                "-o",
                "/dev/null",
                "--fail-on",
                "never",
                "--quiet",
                "-j",
                jobs,
            ],
        )
    };
    let mut worst: Option<(u64, &str)> = None;
    for case in &cases {
        let run = scan_of(&dir.join(&case.name), "1");
        if let Some(kb) = run.rss_kb
            && worst.is_none_or(|(w, _)| kb > w)
        {
            worst = Some((kb, &case.name));
        }
    }
    eprintln!("e2e: the hostile batch at -j 2");
    let batch = scan_of(&dir, "2");
    println!("### Hostile batch memory\n");
    match (worst, batch.rss_kb) {
        (Some((w, name)), Some(b)) => println!(
            "{} hostile files (tests/hostile/make.rs). Worst file alone: {} ({name}). The whole batch \
             with -j 2: {} in {:.1} s, **{:.2}x** the worst file (target <= 1.3).\n",
            cases.len(),
            mb(Some(w)),
            mb(Some(b)),
            batch.wall,
            b as f64 / w as f64
        ),
        _ => println!("skipped the hostile batch memory: /usr/bin/time is not installed\n"),
    }
}
