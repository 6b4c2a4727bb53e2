//! Benchmark of `aiassure index` and `aiassure search` (issue 6): indexes the shared corpus of
//! real contracts and a generated repository of 10,000 text contracts, and prints documents per
//! second, index size on disk, query latency (median and 95th percentile) and the cost of
//! re-indexing an unchanged repository. Run with `cargo bench --bench index`; results are kept in
//! BENCHMARKS.md.
//!
//! Set `AIASSURE_BENCH_DOCS` to generate another number of documents.

#![allow(clippy::print_stdout, clippy::print_stderr)] // a benchmark prints its measurements

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use aiassure::discover;
use aiassure::index::{self, Indexer, SearchRequest};
use aiassure::library::Choice;
use aiassure::scan::{self, ScanOptions};

/// A small deterministic random generator (splitmix64), so every run indexes the same texts.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).unwrap_or(0)
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const SUPPLIERS: &[&str] = &[
    "Northgate Analytics Ltd",
    "Civic Systems plc",
    "Bluefield Data Services",
    "Harbour Cloud Ltd",
    "Meridian Software",
    "Oakline Digital",
    "Pennant Health Tech",
    "Quarry Lane Consulting",
];
const SERVICES: &[&str] = &[
    "case management software",
    "a hosted contact centre",
    "document scanning and indexing",
    "fleet telematics",
    "a housing repairs portal",
    "payroll processing",
    "CCTV monitoring at council depots",
    "a citizen enquiries chatbot",
];
const AI: &[&str] = &[
    "The Services include a generative AI assistant that drafts replies to residents.",
    "The platform uses facial recognition to control access to buildings.",
    "A machine learning model scores applications for fraud risk.",
    "Calls are transcribed by speech recognition and summarised automatically.",
    "Invoices are read by optical character recognition and classified by a neural network.",
    "The Supplier shall not use Customer Data to train or improve any artificial intelligence model.",
    "The Supplier may use anonymised Customer Data to train its models.",
    "No automated decision producing legal effects shall be taken without human review.",
];
const CLAUSES: &[&str] = &[
    "The Supplier shall process Personal Data only on the documented instructions of the Buyer.",
    "The Supplier shall notify the Buyer of any Personal Data Breach within {n} hours of becoming aware of it.",
    "Either party may terminate this Agreement on {n} days' written notice.",
    "The Supplier's total liability shall not exceed {m} pounds in any Contract Year.",
    "The Supplier shall not subcontract any of its obligations without the prior written consent of the Buyer.",
    "The Buyer may audit the Supplier's compliance with this Agreement once in each Contract Year.",
    "The Supplier shall maintain insurance cover of at least {m} pounds.",
    "All Intellectual Property Rights in the Deliverables shall vest in the Buyer.",
    "The Supplier shall comply with the Equality Act 2010 and the Public Sector Equality Duty.",
    "Invoices shall be paid within {n} days of receipt of a valid invoice.",
    "The Supplier shall keep all Confidential Information secret and use it only for this Agreement.",
    "The Supplier shall provide the Services with reasonable skill and care and in accordance with Good Industry Practice.",
    "On expiry the Supplier shall return or securely delete all Customer Data within {n} days.",
    "The Supplier shall ensure that Supplier Staff are trained in information security every year.",
    "Service credits apply where availability falls below {p} per cent in any month.",
    "The Supplier shall indemnify the Buyer against all losses arising from a breach of data protection law.",
    "Neither party shall be liable for any failure caused by a Force Majeure Event.",
    "The Supplier shall cooperate with any successor supplier during the exit period.",
];
const HEADINGS: &[&str] = &[
    "Data Protection",
    "Term and Termination",
    "Liability",
    "Audit",
    "Charges and Payment",
    "Confidentiality",
    "Artificial Intelligence",
    "Exit",
    "Service Levels",
    "General",
];

/// One generated contract or tender response, about 1 to 6 KB.
fn contract(rng: &mut Rng, i: usize) -> String {
    let supplier = rng.pick(SUPPLIERS);
    let service = rng.pick(SERVICES);
    let tender = rng.below(4) == 0;
    let mut out = if tender {
        format!(
            "Tender response {i}\n\nSubmitted by {supplier} for the provision of {service}.\n\n"
        )
    } else {
        format!(
            "Agreement {i} for {service}\n\nThis Agreement is made between the Council and {supplier}.\n\n"
        )
    };
    for section in 1..=rng.below(8) + 5 {
        out.push_str(&format!("{section}. {}\n\n", rng.pick(HEADINGS)));
        for sub in 1..=rng.below(4) + 2 {
            let clause = if rng.below(6) == 0 {
                rng.pick(AI)
            } else {
                rng.pick(CLAUSES)
            };
            let clause = clause
                .replace("{n}", &(rng.below(89) + 2).to_string())
                .replace("{m}", &((rng.below(500) + 1) * 10_000).to_string())
                .replace("{p}", &format!("99.{}", rng.below(10)));
            out.push_str(&format!("{section}.{sub} {clause}\n\n"));
        }
    }
    out
}

/// Writes `n` generated documents into `dir`, 100 per folder.
fn generate(dir: &Path, n: usize) {
    let mut rng = Rng(2026);
    for i in 0..n {
        let folder = dir.join(format!("batch-{:03}", i / 100));
        std::fs::create_dir_all(&folder).expect("create a folder");
        let ext = if i % 5 == 0 { "md" } else { "txt" };
        std::fs::write(
            folder.join(format!("doc-{i:05}.{ext}")),
            contract(&mut rng, i),
        )
        .expect("write a document");
    }
}

/// Total size of the files under `dir`.
fn size_on_disk(dir: &Path) -> u64 {
    walk_sizes(dir)
}

fn walk_sizes(dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| match e.metadata() {
            Ok(m) if m.is_dir() => walk_sizes(&e.path()),
            Ok(m) => m.len(),
            Err(_) => 0,
        })
        .sum()
}

/// One indexing run; returns the documents in the index and the time it took.
fn run(repo: &Path, dir: &Path, library: &Choice) -> (index::IndexSummary, Duration) {
    let options = ScanOptions {
        library,
        doc_type: None,
        register: None,
        limits: Default::default(),
        ocr: &aiassure::extract::ocr::OCR_OFF,
        jobs: None,
    };
    let start = Instant::now();
    let found = discover::discover(&[PathBuf::from(repo)]);
    let mut indexer = Indexer::open(dir, options.settings_key()).expect("open the index");
    scan::update(&found, &options, &mut indexer, &|_| {}).expect("index the repository");
    let summary = indexer.finish().expect("commit");
    (summary, start.elapsed())
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Query latency over a fixed set of queries, each run `rounds` times after one warm-up; each
/// search opens the index, as one `aiassure search` does.
fn queries(dir: &Path, rounds: usize) {
    let set: Vec<SearchRequest> = [
        ("personal data", None, None),
        ("\"personal data breach\"", None, None),
        ("train models", None, None),
        ("\"facial recognition\"", None, None),
        ("liability -insurance", None, None),
        ("audit OR inspection", None, None),
        ("terminate notice", Some("tender"), None),
        ("*", None, Some("biometric")),
        ("chatbot OR assistant", None, None),
        ("subcontract consent", None, None),
    ]
    .into_iter()
    .map(|(q, doc_type, feature)| SearchRequest {
        query: q.into(),
        doc_type: doc_type.map(str::to_string),
        feature: feature.map(str::to_string),
        limit: 10,
        ..SearchRequest::default()
    })
    .collect();
    let mut all = Vec::new();
    for request in &set {
        let _ = index::search(dir, request).expect("search");
        let mut times = Vec::new();
        let mut total = 0;
        for _ in 0..rounds {
            let start = Instant::now();
            let r = index::search(dir, request).expect("search");
            times.push(start.elapsed());
            total = r.total;
        }
        times.sort();
        println!(
            "    {:<28} {:>7} hits  median {:>6.2} ms  p95 {:>6.2} ms",
            format!(
                "{}{}",
                request.query,
                request
                    .feature
                    .as_deref()
                    .or(request.doc_type.as_deref())
                    .map(|f| format!(" [{f}]"))
                    .unwrap_or_default()
            ),
            total,
            ms(percentile(&times, 0.5)),
            ms(percentile(&times, 0.95))
        );
        all.extend(times);
    }
    all.sort();
    println!(
        "  query latency over {} searches: median {:.2} ms, p95 {:.2} ms",
        all.len(),
        ms(percentile(&all, 0.5)),
        ms(percentile(&all, 0.95))
    );
}

/// Indexes `repo` twice (first run, then unchanged) and queries it.
fn measure(name: &str, repo: &Path, library: &Choice) {
    let dir = tempfile::tempdir().expect("temporary folder");
    let dir = dir.path().join("index");
    let text_bytes = size_on_disk(repo);
    let (first, t1) = run(repo, &dir, library);
    let docs = first.added;
    println!(
        "{name}: {docs} documents ({:.1} MB), {} unreadable",
        text_bytes as f64 / 1e6,
        first.unreadable
    );
    println!(
        "  first run: {:.2} s, {:.0} documents/s",
        t1.as_secs_f64(),
        docs as f64 / t1.as_secs_f64()
    );
    println!("  index on disk: {:.1} MB", size_on_disk(&dir) as f64 / 1e6);
    let (second, t2) = run(repo, &dir, library);
    println!(
        "  unchanged re-run: {:.3} s = {:.1}% of the first run ({} unchanged, {} hashed)",
        t2.as_secs_f64(),
        100.0 * t2.as_secs_f64() / t1.as_secs_f64(),
        second.unchanged,
        second.hashed
    );
    queries(&dir, 20);
}

fn main() {
    let library = Choice::Builtin;
    println!(
        "aiassure index benchmark: {} cores, library {} {}",
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        library.identity().name,
        library.identity().version
    );
    let corpus = std::env::var_os("AIASSURE_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"))
        .join("contracts");
    if corpus.is_dir() {
        measure("shared corpus (contracts)", &corpus, &library);
    } else {
        println!("skipped: no corpus at {}", corpus.display());
    }
    let n = std::env::var("AIASSURE_BENCH_DOCS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let repo = tempfile::tempdir().expect("temporary folder");
    let start = Instant::now();
    generate(repo.path(), n);
    println!(
        "generated {n} documents in {:.1} s",
        start.elapsed().as_secs_f64()
    );
    // Let the files' times age past the index's racy window, so the re-run can trust them.
    std::thread::sleep(Duration::from_millis(2100));
    measure("generated repository", repo.path(), &library);
}
