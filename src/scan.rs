//! Orchestration: discovered files -> read -> extract -> segment -> check, in parallel over files,
//! sorted into a [`Report`].
//!
//! This is the only module that knows about threads: each scan runs on a pool of
//! [`ScanOptions::jobs`] threads (rayon's global pool when unset). Each file is processed on its
//! own and its text dropped; [`scan_in_order`] hands the per-document results over a chunk of
//! files at a time in path order, so a caller that writes them as they come (the JSON report)
//! keeps memory flat however many files there are. [`update`] keeps a store of results (the
//! index) up to date through the [`crate::sink`] traits: the scan decides what to read, the store
//! only answers for what it holds and takes the results. A file that cannot be read, or that
//! trips a bug, becomes a document with status `unreadable` or `error` and a plain-English
//! reason; the batch always goes on.

use std::collections::{BTreeSet, HashSet};
use std::io::Read;
use std::panic::{AssertUnwindSafe, catch_unwind};

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::check::{self, CheckOptions};
use crate::discover::{Discovered, Problem};
use crate::extract::ocr::{OCR_OFF, Ocr, OcrMode};
use crate::extract::{self, ExtractError, IoFailure, Limit, Limits, OcrText, budget};
use crate::library::{Choice, Library, Register};
use crate::model::{
    ClauseStatus, ClauseVerdict, DocType, Document, DocumentReport, Format, NameVersion,
    OcrSummary, Report, RuleInfo, SCHEMA_VERSION, Source, Status, Summary, sha256_hex,
};
use crate::segment;
use crate::sink::{Cache, FileStat, Scanned, Sink};

/// Options of a scan.
#[derive(Debug, Clone, Copy)]
pub struct ScanOptions<'a> {
    /// The clause library (the built-in one is compiled when a file is first checked).
    pub library: &'a Choice,
    /// Document type forced by the user; detected when `None`.
    pub doc_type: Option<DocType>,
    /// Approved-tools register.
    pub register: Option<&'a Register>,
    /// Limits on what one file may cost.
    pub limits: Limits,
    /// Whether and how scans are read by OCR.
    pub ocr: &'a Ocr,
    /// Files read at once: `None` uses rayon's global pool (one thread per core); `Some(n)`
    /// runs each scan in a pool of its own of `n` threads.
    pub jobs: Option<usize>,
}

impl ScanOptions<'_> {
    /// Everything besides the file itself that can change a file's report, as one string stored
    /// with each report the index keeps: a stored report is reused only under the same key. The
    /// library and the register enter by content, so editing a rule or a register row re-analyses
    /// every file; so does changing `--doc-type`, any limit (a file that failed under a limit is
    /// read again when it is raised) or the OCR options. `jobs` changes no result and is left out.
    pub fn settings_key(&self) -> String {
        let Limits {
            max_file_bytes,
            max_decompressed_bytes,
            max_xml_depth,
            max_pdf_objects,
            max_pdf_depth,
            max_pdf_operations,
            max_text_chars,
        } = self.limits;
        let ocr = &self.ocr.options;
        let library = self.library.identity();
        let mode = match ocr.mode {
            OcrMode::Auto => "auto",
            OcrMode::Always => "always",
            OcrMode::Never => "never",
        };
        format!(
            "aiassure {}; library {} {} {}; doc-type {}; register {}; limits: file {max_file_bytes} \
             decompressed {max_decompressed_bytes} xml-depth {max_xml_depth} pdf-objects \
             {max_pdf_objects} pdf-depth {max_pdf_depth} pdf-operations {max_pdf_operations} \
             text-chars {max_text_chars}; ocr {mode} {} pages {} seconds {}",
            env!("CARGO_PKG_VERSION"),
            library.name,
            library.version,
            library.fingerprint,
            self.doc_type.map_or("auto", DocType::as_str),
            self.register
                .map_or_else(|| "none".to_string(), Register::fingerprint),
            ocr.language,
            ocr.max_pages,
            ocr.max_seconds,
        )
    }
}

/// The threads a scan runs on: its own pool of `jobs` threads, or rayon's global pool.
struct Pool(Option<rayon::ThreadPool>);

impl Pool {
    /// The pool for `jobs` (at least one thread). A pool that cannot be built (the system refuses
    /// threads) leaves the work to the global pool.
    fn new(jobs: Option<usize>) -> Pool {
        Pool(jobs.and_then(|n| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(n.max(1))
                .build()
                .ok()
        }))
    }

    /// Runs `work` in the pool: its parallel iterators use the pool's threads.
    fn run<R: Send>(&self, work: impl FnOnce() -> R + Send) -> R {
        match &self.0 {
            Some(pool) => pool.install(work),
            None => work(),
        }
    }

    /// Number of threads.
    fn threads(&self) -> usize {
        self.0
            .as_ref()
            .map_or_else(
                rayon::current_num_threads,
                rayon::ThreadPool::current_num_threads,
            )
            .max(1)
    }
}

/// A file's bytes, read within the size limit (checked before reading and again after, for a
/// file that grows, or a pipe or device named on the command line, whose size is unknown).
pub fn read_limited(source: &Source, limits: &Limits) -> Result<Vec<u8>, ExtractError> {
    let file = std::fs::File::open(&source.path).map_err(|e| IoFailure::Open(e.to_string()))?;
    let meta = file
        .metadata()
        .map_err(|e| IoFailure::Read(e.to_string()))?;
    if meta.len() > limits.max_file_bytes {
        return Err(too_large(meta.len(), limits));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(limits.max_file_bytes + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| IoFailure::Read(e.to_string()))?;
    if bytes.len() as u64 > limits.max_file_bytes {
        return Err(too_large(bytes.len() as u64, limits));
    }
    Ok(bytes)
}

/// The error of a file over the size limit.
fn too_large(len: u64, limits: &Limits) -> ExtractError {
    Limit::FileSize {
        bytes: len,
        max_bytes: limits.max_file_bytes,
    }
    .into()
}

/// Hex sha256 of a file's bytes, read a block at a time (for `--skip-known`, before the file is
/// analysed).
pub fn file_sha256(path: &std::path::Path) -> std::io::Result<String> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut block = vec![0u8; 64 * 1024];
    loop {
        let n = file.read(&mut block)?;
        if n == 0 {
            return Ok(crate::model::hex(&hasher.finalize()));
        }
        hasher.update(&block[..n]);
    }
}

/// A file read and turned into located text.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// sha256 of the file's bytes (empty when the file could not be read at all).
    pub sha256: String,
    /// The located text, or why there is none.
    pub document: Result<Document, ExtractError>,
    /// What OCR says of the text, when pages were read by OCR (its `blocks` are aligned with the
    /// document's).
    pub ocr: Option<OcrText>,
}

/// Reads, extracts and segments one file without OCR (see [`load_with`]).
pub fn load(source: &Source, limits: &Limits) -> Loaded {
    load_with(source, limits, &OCR_OFF)
}

/// Reads, extracts and segments one file, reading scans by OCR as `ocr` says. Never panics on
/// user data: a panic in a reader becomes an error for this file.
pub fn load_with(source: &Source, limits: &Limits, ocr: &Ocr) -> Loaded {
    match read_limited(source, limits) {
        Ok(bytes) => load_bytes(source.format, &bytes, limits, ocr),
        Err(e) => Loaded {
            sha256: String::new(),
            document: Err(e),
            ocr: None,
        },
    }
}

/// Extracts and segments a file's bytes already in memory (as [`load_with`] does after reading
/// the file), reading scans by OCR as `ocr` says. Never panics on user data.
pub fn load_bytes(format: Format, bytes: &[u8], limits: &Limits, ocr: &Ocr) -> Loaded {
    let _file = budget::Scope::enter();
    let sha256 = sha256_hex(bytes);
    let read = catch_unwind(AssertUnwindSafe(|| {
        extract::extract_with(format, bytes, limits, ocr).map(|read| {
            // A file with a lot of text is segmented (and, in a scan, checked) alone.
            budget::text(
                read.extracted
                    .blocks
                    .iter()
                    .map(|b| b.text.len() as u64)
                    .sum(),
            );
            match read.ocr {
                Some(text) => {
                    let (document, blocks) = segment::segment_marked(read.extracted, text.blocks);
                    let ocr = OcrText {
                        summary: text.summary,
                        blocks,
                    };
                    (document, Some(ocr))
                }
                None => (segment::segment(read.extracted), None),
            }
        })
    }))
    .unwrap_or(Err(ExtractError::Internal));
    match read {
        Ok((document, ocr)) => Loaded {
            sha256,
            document: Ok(document),
            ocr,
        },
        Err(e) => Loaded {
            sha256,
            document: Err(e),
            ocr: None,
        },
    }
}

/// Says so in the explanation of a verdict whose evidence all comes from pages read by OCR at
/// low confidence, and of a missing rule when pages were read at low confidence (the wording may
/// be there but misread).
fn mark_low_confidence(clauses: &mut [ClauseVerdict], ocr: &OcrSummary) {
    if ocr.low_confidence_pages.is_empty() {
        return;
    }
    let pages = ocr
        .low_confidence_pages
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    for c in clauses {
        let low: Vec<u8> = c
            .evidence
            .iter()
            .filter_map(|e| ocr.page(e.page))
            .filter(|p| p.confidence < OcrSummary::LOW_CONFIDENCE)
            .map(|p| p.confidence)
            .collect();
        if c.status == ClauseStatus::Missing {
            c.explanation.push_str(&format!(
                " Page(s) {pages} were read by OCR at low confidence: the wording may be there \
                 but misread; check the original."
            ));
        } else if !c.evidence.is_empty() && low.len() == c.evidence.len() {
            let lowest = low.iter().min().copied().unwrap_or(0);
            c.explanation.push_str(&format!(
                " This rests only on text read by OCR at low confidence ({lowest}%): check the \
                 original before relying on it."
            ));
        }
    }
}

/// Scans one file.
pub fn scan_one(source: &Source, options: &ScanOptions<'_>) -> DocumentReport {
    analyse(source, options).0
}

/// Scans a file's bytes already in memory (`aiassure worker` requests that carry them), reporting
/// it under `name`. Bytes over the file-size limit are an error for this file, as on disk.
pub fn scan_bytes(
    name: &str,
    format: Format,
    bytes: &[u8],
    options: &ScanOptions<'_>,
) -> DocumentReport {
    let _file = budget::Scope::enter();
    let loaded = if bytes.len() as u64 > options.limits.max_file_bytes {
        Loaded {
            sha256: sha256_hex(bytes),
            document: Err(too_large(bytes.len() as u64, &options.limits)),
            ocr: None,
        }
    } else {
        load_bytes(format, bytes, &options.limits, options.ocr)
    };
    checked(name, format, loaded, options).0
}

/// Scans one file and keeps its located text (for the index), or `None` when it could not be read.
fn analyse(source: &Source, options: &ScanOptions<'_>) -> (DocumentReport, Option<Document>) {
    // Read and checked in one scope: a file heavy to read is also checked alone.
    let _file = budget::Scope::enter();
    let loaded = load_with(source, &options.limits, options.ocr);
    checked(&source.display, source.format, loaded, options)
}

/// Checks a loaded file, reporting it under `path`; keeps its located text when it was read.
fn checked(
    path: &str,
    format: Format,
    loaded: Loaded,
    options: &ScanOptions<'_>,
) -> (DocumentReport, Option<Document>) {
    let mut report = DocumentReport {
        path: path.to_string(),
        format,
        sha256: loaded.sha256,
        doc_type: options.doc_type.unwrap_or(DocType::Unknown),
        status: Status::Analysed,
        error: None,
        pages: None,
        clauses: Vec::new(),
        ai_features: Vec::new(),
        ai_declaration: None,
        ocr: loaded.ocr.map(|o| o.summary),
        order_of_precedence: None,
    };
    let mut document = None;
    match loaded.document {
        Ok(doc) => {
            report.pages = doc.pages;
            let check_options = CheckOptions {
                doc_type: options.doc_type,
                register: options.register,
            };
            let analysed = catch_unwind(AssertUnwindSafe(|| {
                check::check(options.library, &doc, &check_options)
            }));
            match analysed {
                Ok(a) => {
                    report.doc_type = a.doc_type;
                    report.clauses = a.clauses;
                    report.ai_features = a.ai_features;
                    report.ai_declaration = a.ai_declaration;
                    report.order_of_precedence = crate::family::precedence::stated_order(&doc);
                    if let Some(ocr) = &report.ocr {
                        mark_low_confidence(&mut report.clauses, ocr);
                    }
                    document = Some(doc);
                }
                Err(_) => {
                    report.status = Status::Error;
                    report.error = Some(
                        "internal error while checking this file (a bug in aiassure, please report it)".into(),
                    );
                }
            }
        }
        Err(e) => {
            report.status = e.status();
            report.error = Some(e.to_string());
        }
    }
    (report, document)
}

/// Scans files in parallel, in path order; a file the cache knows unchanged is not read: its stored
/// report is used. `progress` is called once per finished file (from any thread).
fn scan_cached(
    pool: &Pool,
    sources: &[Source],
    options: &ScanOptions<'_>,
    cache: Option<&dyn Cache>,
    progress: &(dyn Fn(&DocumentReport) + Sync),
) -> Vec<DocumentReport> {
    par_map(
        pool,
        sources,
        progress,
        |r| r,
        |source| cached(source, cache, options.ocr).unwrap_or_else(|| scan_one(source, options)),
    )
}

/// As `scan_cached`, keeping the located text of each file analysed now (for the index). Call it
/// on batches of files, as the located text of a whole repository may not fit in memory.
pub fn scan_located(
    sources: &[Source],
    options: &ScanOptions<'_>,
    cache: Option<&dyn Cache>,
    progress: &(dyn Fn(&DocumentReport) + Sync),
) -> Vec<Scanned> {
    located(&Pool::new(options.jobs), sources, options, cache, progress)
}

/// [`scan_located`] on a pool.
fn located(
    pool: &Pool,
    sources: &[Source],
    options: &ScanOptions<'_>,
    cache: Option<&dyn Cache>,
    progress: &(dyn Fn(&DocumentReport) + Sync),
) -> Vec<Scanned> {
    par_map(
        pool,
        sources,
        progress,
        |s| &s.report,
        |source| match cached(source, cache, options.ocr) {
            Some(report) => Scanned {
                report,
                document: None,
                reused: true,
            },
            None => {
                let (report, document) = analyse(source, options);
                Scanned {
                    report,
                    document,
                    reused: false,
                }
            }
        },
    )
}

/// The cache's report for a file, under the file's current display path.
/// A file stored as unreadable before OCR was available is read again when OCR is on now.
fn cached(source: &Source, cache: Option<&dyn Cache>, ocr: &Ocr) -> Option<DocumentReport> {
    let mut report = cache?.lookup(source)?;
    if report.status == Status::Unreadable && ocr.active() && report.ocr.is_none() {
        return None;
    }
    report.path.clone_from(&source.display);
    Some(report)
}

/// The one parallel seam: `f` on every file, `progress` after each, on the pool's threads;
/// results sorted by path.
fn par_map<T: Send>(
    pool: &Pool,
    sources: &[Source],
    progress: &(dyn Fn(&DocumentReport) + Sync),
    report: fn(&T) -> &DocumentReport,
    f: impl Fn(&Source) -> T + Sync,
) -> Vec<T> {
    let mut out: Vec<T> = pool.run(|| {
        sources
            .par_iter()
            .map(|s| {
                let r = f(s);
                progress(report(&r));
                r
            })
            .collect()
    });
    out.sort_by(|a, b| report(a).path.cmp(&report(b).path));
    out
}

/// Files analysed per thread between two hand-overs of results in path order: bounds the reports
/// held at once by [`scan_in_order`].
const CHUNK_PER_THREAD: usize = 128;

/// Analyses every discovered file (reusing the cache's reports where it can) and reports every
/// unsupported one, handing the reports to `emit` one at a time in path order. Files are analysed
/// in parallel a chunk at a time, so only one chunk's reports are held: a caller that writes each
/// report as it comes (the JSON report) uses memory that does not grow with the number of files.
/// Stops at the first error `emit` returns.
pub fn scan_in_order<E>(
    found: &Discovered,
    options: &ScanOptions<'_>,
    cache: Option<&dyn Cache>,
    progress: &(dyn Fn(&DocumentReport) + Sync),
    emit: &mut dyn FnMut(DocumentReport) -> Result<(), E>,
) -> Result<(), E> {
    enum Item<'a> {
        Read(&'a Source),
        Unsupported(&'a Problem),
    }
    let mut items: Vec<(String, Item<'_>)> = found
        .sources
        .iter()
        .map(|s| (s.display.clone(), Item::Read(s)))
        .chain(
            found
                .unsupported
                .iter()
                .map(|p| (p.path.to_string_lossy().into_owned(), Item::Unsupported(p))),
        )
        .collect();
    items.sort_by(|a, b| a.0.cmp(&b.0));
    let pool = Pool::new(options.jobs);
    let chunk = CHUNK_PER_THREAD * pool.threads();
    for part in items.chunks(chunk) {
        let sources: Vec<Source> = part
            .iter()
            .filter_map(|(_, i)| match i {
                Item::Read(s) => Some((*s).clone()),
                Item::Unsupported(_) => None,
            })
            .collect();
        let mut reports = scan_cached(&pool, &sources, options, cache, progress);
        reports.extend(part.iter().filter_map(|(_, i)| match i {
            Item::Unsupported(p) => Some(unsupported(p)),
            Item::Read(_) => None,
        }));
        reports.sort_by(|a, b| a.path.cmp(&b.path));
        for report in reports {
            emit(report)?;
        }
    }
    Ok(())
}

/// Files analysed per parallel batch of [`update`] (their located text is held until the batch
/// is handed to the sink).
const BATCH: usize = 64;

/// Brings a store of results (the index) in line with the files `found`, analysing with `options`
/// what changed. A file the sink holds with the same size and time is not read; one whose size
/// or time changed is hashed, and reused from the sink when its content is the same; the rest
/// are analysed in parallel, a batch at a time so memory stays flat, and handed to the sink in
/// path order (with a checkpoint after each batch). Last, the sink forgets the files no longer
/// found, except under a folder that could not be walked this time. `progress` is called once
/// per file read (from any thread).
pub fn update<S: Sink>(
    found: &Discovered,
    options: &ScanOptions<'_>,
    sink: &mut S,
    progress: &(dyn Fn(&DocumentReport) + Sync),
) -> Result<(), S::Error> {
    // Stat every file first: its size and time are taken before it is read.
    let mut todo: Vec<(Source, FileStat)> = Vec::new();
    for source in &found.sources {
        let stat = FileStat::of(&source.path).unwrap_or_default();
        if !sink.unchanged(source, stat) {
            todo.push((source.clone(), stat));
        }
    }
    let pool = Pool::new(options.jobs);
    for batch in todo.chunks(BATCH) {
        let sources: Vec<Source> = batch.iter().map(|(s, _)| s.clone()).collect();
        // Both are in path order: `found.sources` is sorted and `located` sorts by path.
        let scanned = located(&pool, &sources, options, Some(&*sink), progress);
        for (item, (_, stat)) in scanned.into_iter().zip(batch) {
            sink.put(item, *stat)?;
        }
        sink.checkpoint()?;
    }
    let present: HashSet<&str> = found.sources.iter().map(|s| s.display.as_str()).collect();
    let unwalked: Vec<String> = found
        .problems
        .iter()
        .map(|p| p.path.to_string_lossy().into_owned())
        .collect();
    sink.retain(&|path| {
        present.contains(path) || unwalked.iter().any(|u| path.starts_with(u.as_str()))
    })
}

/// The report of a file of a type aiassure does not read.
fn unsupported(problem: &Problem) -> DocumentReport {
    not_analysed(
        problem.path.to_string_lossy().into_owned(),
        Status::Unreadable,
        problem.message.clone(),
    )
}

/// The report of a file that was not analysed, with why (no verdicts, no features).
pub fn not_analysed(path: String, status: Status, reason: String) -> DocumentReport {
    DocumentReport {
        path,
        format: Format::Text,
        sha256: String::new(),
        doc_type: DocType::Unknown,
        status,
        error: Some(reason),
        pages: None,
        clauses: Vec::new(),
        ai_features: Vec::new(),
        ai_declaration: None,
        ocr: None,
        order_of_precedence: None,
    }
}

/// This program's name and version, as reports give them.
pub fn tool() -> NameVersion {
    NameVersion {
        name: "aiassure".into(),
        version: env!("CARGO_PKG_VERSION").into(),
    }
}

/// The library's name and version, as reports give them.
pub fn library_name(library: &Library) -> NameVersion {
    NameVersion {
        name: library.name.clone(),
        version: library.version.clone(),
    }
}

/// What a report says of all its documents together, gathered a document at a time: the totals
/// and the rules the verdicts cite.
#[derive(Debug, Default)]
pub struct Totals {
    /// The totals so far.
    pub summary: Summary,
    cited: BTreeSet<String>,
}

impl Totals {
    /// Counts one more document.
    pub fn add(&mut self, document: &DocumentReport) {
        self.summary.add(document);
        self.cited
            .extend(document.clauses.iter().map(|c| c.id.clone()));
    }

    /// The documentation of every rule cited so far, sorted by id.
    pub fn rules(&self, library: &Library) -> Vec<RuleInfo> {
        self.cited
            .iter()
            .filter_map(|id| library.rule_info(id))
            .collect()
    }
}

/// Assembles the report: totals, and the documentation of every rule the verdicts cite.
pub fn build_report(library: &Library, documents: Vec<DocumentReport>) -> Report {
    let mut totals = Totals::default();
    for d in &documents {
        totals.add(d);
    }
    Report {
        schema_version: SCHEMA_VERSION.into(),
        tool: tool(),
        library: library_name(library),
        summary: totals.summary,
        rules: totals.rules(library),
        documents,
        families: Vec::new(),
        baseline: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Evidence, OcrPage, Severity};

    fn verdict(status: ClauseStatus, pages: &[u32]) -> ClauseVerdict {
        ClauseVerdict {
            id: "no-training-on-buyer-data".into(),
            title: "No training".into(),
            severity: Severity::Required,
            status,
            evidence: pages
                .iter()
                .map(|p| Evidence {
                    page: Some(*p),
                    section: None,
                    quote: "q".into(),
                    start: 0,
                    end: 1,
                })
                .collect(),
            explanation: "Found.".into(),
            question: None,
            review: Default::default(),
        }
    }

    #[test]
    fn every_setting_that_can_change_a_result_changes_the_key() {
        let library = Choice::Builtin;
        let ocr = Ocr::new(crate::extract::ocr::OcrOptions {
            mode: OcrMode::Never,
            ..Default::default()
        })
        .unwrap();
        let base = ScanOptions {
            library: &library,
            doc_type: None,
            register: None,
            limits: Limits::default(),
            ocr: &ocr,
            jobs: None,
        };
        let key = base.settings_key();
        let limit = |change: fn(&mut Limits)| {
            let mut limits = Limits::default();
            change(&mut limits);
            ScanOptions { limits, ..base }.settings_key()
        };
        let changed = [
            limit(|l| l.max_file_bytes += 1),
            limit(|l| l.max_decompressed_bytes += 1),
            limit(|l| l.max_xml_depth += 1),
            limit(|l| l.max_pdf_objects += 1),
            limit(|l| l.max_pdf_depth += 1),
            limit(|l| l.max_pdf_operations += 1),
            limit(|l| l.max_text_chars += 1),
            ScanOptions {
                doc_type: Some(DocType::Tender),
                ..base
            }
            .settings_key(),
        ];
        for (i, other) in changed.iter().enumerate() {
            assert_ne!(*other, key, "setting {i} is not in the key");
        }
        let register = Register::from_csv("name,vendor,status\nFaceGate,Acme,approved\n").unwrap();
        let with_register = ScanOptions {
            register: Some(&register),
            ..base
        };
        assert_ne!(with_register.settings_key(), key);
        let ocr_options = |change: fn(&mut crate::extract::ocr::OcrOptions)| {
            let mut options = ocr.options.clone();
            change(&mut options);
            let other = Ocr::new(options).unwrap();
            ScanOptions {
                ocr: &other,
                ..base
            }
            .settings_key()
        };
        assert_ne!(ocr_options(|o| o.max_pages += 1), key);
        assert_ne!(ocr_options(|o| o.max_seconds += 1), key);
        // The number of threads changes no result.
        let jobs = ScanOptions {
            jobs: Some(3),
            ..base
        };
        assert_eq!(jobs.settings_key(), key);
    }

    #[test]
    fn verdicts_resting_only_on_low_confidence_text_say_so() {
        let page = |page, confidence| OcrPage {
            page,
            confidence,
            words: 100,
        };
        let ocr = OcrSummary::of(vec![page(1, 95), page(2, 55)], "tesseract 5", "eng");
        let mut clauses = vec![
            verdict(ClauseStatus::Present, &[2]),
            verdict(ClauseStatus::Weak, &[1, 2]),
            verdict(ClauseStatus::Missing, &[]),
            verdict(ClauseStatus::Present, &[3]),
        ];
        mark_low_confidence(&mut clauses, &ocr);
        assert!(
            clauses[0]
                .explanation
                .ends_with("rests only on text read by OCR at low confidence (55%): check the original before relying on it."),
            "{}",
            clauses[0].explanation
        );
        assert_eq!(clauses[1].explanation, "Found.", "page 1 was read well");
        assert!(
            clauses[2]
                .explanation
                .contains("Page(s) 2 were read by OCR at low confidence"),
            "{}",
            clauses[2].explanation
        );
        assert_eq!(clauses[3].explanation, "Found.", "page 3 has a text layer");
        // No low-confidence page: nothing is said.
        let good = OcrSummary::of(vec![page(1, 95)], "tesseract 5", "eng");
        let mut clauses = vec![verdict(ClauseStatus::Missing, &[])];
        mark_low_confidence(&mut clauses, &good);
        assert_eq!(clauses[0].explanation, "Found.");
    }
}
