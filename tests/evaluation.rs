//! Evaluation of the clause checker: labelled documents written for the project
//! (`fixtures/eval/clauses/`, labels in `labels.toml`) run through the real pipeline (extract,
//! segment, check), with a per-rule table and a floor on verdict accuracy; and the real contracts of
//! the shared corpus, which have no AI-assurance clauses, where no rule may come out present or weak
//! except the exceptions listed (with the reason) below.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use aiassure::check::{self, CheckOptions};
use aiassure::extract::{self, Limits};
use aiassure::library::Library;
use aiassure::model::{ClauseStatus, DocType, Format};

use crate::common::{corpus, root};

/// The bar for verdict accuracy on the evaluation set, overall and in each format.
const ACCURACY_FLOOR: f64 = 0.95;

/// The bar for the held-out set (`fixtures/eval/heldout/`): documents written after the rules, in
/// wording of their own. It is smaller, so one wrong verdict moves it more.
const HELD_OUT_FLOOR: f64 = 0.95;

/// The held-out set's accuracy on the checker's first run over it, before any fix (recorded, not
/// measured: the fixes since then are what the current figure measures).
const HELD_OUT_FIRST_RUN: &str =
    "0.882 (268/304) over all renditions, 0.902 (148/164) over the 10 source documents";

/// Runs the real pipeline on one file.
fn analyse(lib: &Library, path: &Path) -> check::Analysis {
    let format = Format::from_path(path).expect("a format the tool reads");
    let bytes = std::fs::read(path).expect("readable fixture");
    let extracted = extract::extract(format, &bytes, &Limits::default()).expect("extracts");
    let doc = aiassure::segment::segment(extracted);
    check::check(lib, &doc, &CheckOptions::default())
}

const STATUSES: [ClauseStatus; 4] = [
    ClauseStatus::Present,
    ClauseStatus::Weak,
    ClauseStatus::Contradicted,
    ClauseStatus::Missing,
];

fn parse_status(s: &str) -> ClauseStatus {
    match s {
        "present" => ClauseStatus::Present,
        "weak" => ClauseStatus::Weak,
        "contradicted" => ClauseStatus::Contradicted,
        "missing" => ClauseStatus::Missing,
        other => panic!("unknown status {other} in labels.toml"),
    }
}

#[derive(Default)]
struct RuleStats {
    total: usize,
    correct: usize,
    /// Verdicts other than missing, and how many of them were right.
    flagged: usize,
    flagged_right: usize,
    /// Labels other than missing, and how many were found exactly.
    labelled: usize,
    labelled_found: usize,
}

/// Verdicts and how many were right.
#[derive(Default, Clone, Copy)]
struct Tally {
    documents: usize,
    total: usize,
    correct: usize,
}

impl Tally {
    fn accuracy(&self) -> f64 {
        self.correct as f64 / self.total.max(1) as f64
    }
}

/// The outcome of one labelled folder.
#[derive(Default)]
struct Outcome {
    /// Every document in every format.
    all: Tally,
    per_rule: BTreeMap<String, RuleStats>,
    per_format: BTreeMap<&'static str, Tally>,
    /// Documents present in PDF, DOCX and their source format: per format, over those only.
    paired: BTreeMap<&'static str, Tally>,
    confusion: [[usize; 4]; 4],
    errors: Vec<String>,
    doc_types_wrong: Vec<String>,
}

/// Runs every document of a labelled folder, in every format it is there in, against the labels
/// of its source (`NAME.md` or `NAME.txt`: the DOCX and PDF renditions share them).
fn evaluate(lib: &Library, dir: &Path) -> Outcome {
    let labels: toml::Table =
        toml::from_str(&std::fs::read_to_string(dir.join("labels.toml")).expect("labels.toml"))
            .expect("labels.toml parses");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("eval folder")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| Format::from_path(p).is_some())
        .collect();
    files.sort();
    let mut out = Outcome::default();
    for key in labels.keys() {
        assert!(
            files
                .iter()
                .any(|f| f.file_name().is_some_and(|n| n == key.as_str())),
            "labels.toml names {key}, which is not in {}",
            dir.display()
        );
    }
    for path in &files {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let stem = path.file_stem().and_then(|n| n.to_str()).unwrap_or("");
        let format = Format::from_path(path).expect("filtered above");
        let label = labels
            .get(name)
            .or_else(|| labels.get(&format!("{stem}.md")))
            .or_else(|| labels.get(&format!("{stem}.txt")))
            .and_then(|v| v.as_table())
            .unwrap_or_else(|| panic!("{name} has labels"));
        let renditions = ["docx", "pdf"]
            .iter()
            .all(|ext| path.with_extension(ext).is_file());
        let analysis = analyse(lib, path);
        let want_type = match label.get("doc_type").and_then(|v| v.as_str()) {
            Some("tender") => DocType::Tender,
            Some("unknown") => DocType::Unknown,
            _ => DocType::Contract,
        };
        if analysis.doc_type != want_type {
            out.doc_types_wrong.push(format!(
                "{name}: doc type {} expected {}",
                analysis.doc_type.as_str(),
                want_type.as_str()
            ));
        }
        let mut doc = Tally {
            documents: 1,
            ..Tally::default()
        };
        for v in &analysis.clauses {
            let want = label
                .get(&v.id)
                .and_then(|s| s.as_str())
                .map(parse_status)
                .unwrap_or(ClauseStatus::Missing);
            let st = out.per_rule.entry(v.id.clone()).or_default();
            st.total += 1;
            let right = v.status == want;
            st.correct += usize::from(right);
            doc.total += 1;
            doc.correct += usize::from(right);
            if v.status != ClauseStatus::Missing {
                st.flagged += 1;
                st.flagged_right += usize::from(right);
            }
            if want != ClauseStatus::Missing {
                st.labelled += 1;
                st.labelled_found += usize::from(right);
            }
            let wi = STATUSES.iter().position(|s| *s == want).unwrap_or(3);
            let gi = STATUSES.iter().position(|s| *s == v.status).unwrap_or(3);
            out.confusion[wi][gi] += 1;
            if !right {
                out.errors.push(format!(
                    "{name} {}: expected {}, got {}: {}",
                    v.id,
                    want.as_str(),
                    v.status.as_str(),
                    v.explanation
                ));
            }
        }
        for key in label.keys() {
            if key != "doc_type" && !analysis.clauses.iter().any(|c| &c.id == key) {
                out.errors
                    .push(format!("{name}: labelled rule {key} was not evaluated"));
            }
        }
        let add = |t: &mut Tally| {
            t.documents += doc.documents;
            t.total += doc.total;
            t.correct += doc.correct;
        };
        add(&mut out.all);
        add(out.per_format.entry(format.as_str()).or_default());
        if renditions {
            add(out.paired.entry(format.as_str()).or_default());
        }
    }
    out
}

/// Prints the per-format lines: every document of a format, and the documents in all three.
fn print_formats(out: &Outcome) {
    println!("\nper format (all documents of the format):");
    for (format, t) in &out.per_format {
        println!(
            "  {format:<9} {:>3} documents {:>5} verdicts accuracy {:.3}",
            t.documents,
            t.total,
            t.accuracy()
        );
    }
    if !out.paired.is_empty() {
        println!("per format, on the documents committed as source, DOCX and PDF alike:");
        for (format, t) in &out.paired {
            println!(
                "  {format:<9} {:>3} documents {:>5} verdicts accuracy {:.3}",
                t.documents,
                t.total,
                t.accuracy()
            );
        }
    }
}

#[test]
fn clause_verdict_accuracy_on_labelled_documents() {
    let lib = Library::builtin();
    let dir = root().join("fixtures/eval/clauses");
    let out = evaluate(&lib, &dir);
    assert!(out.all.documents >= 40, "at least 40 labelled documents");
    for format in ["docx", "pdf"] {
        assert!(
            out.per_format
                .get(format)
                .is_some_and(|t| t.documents >= 12),
            "at least 12 labelled documents in {format}"
        );
    }
    let Tally { total, correct, .. } = out.all;
    let accuracy = out.all.accuracy();
    let ratio = |a: usize, b: usize| {
        if b == 0 {
            "   -".to_string()
        } else {
            format!("{:.2}", a as f64 / b as f64)
        }
    };
    println!(
        "\nclause evaluation: {} documents (all formats), {total} verdicts",
        out.all.documents
    );
    println!(
        "{:<40} {:>5} {:>8} {:>9} {:>6}",
        "rule", "n", "accuracy", "precision", "recall"
    );
    for (id, s) in &out.per_rule {
        println!(
            "{:<40} {:>5} {:>8} {:>9} {:>6}",
            id,
            s.total,
            ratio(s.correct, s.total),
            ratio(s.flagged_right, s.flagged),
            ratio(s.labelled_found, s.labelled)
        );
    }
    println!("\nconfusion (rows expected, columns got): present weak contradicted missing");
    for (i, row) in out.confusion.iter().enumerate() {
        println!(
            "  {:<12} {:>7} {:>4} {:>12} {:>7}",
            STATUSES[i].as_str(),
            row[0],
            row[1],
            row[2],
            row[3]
        );
    }
    print_formats(&out);
    println!(
        "\noverall verdict accuracy: {accuracy:.3} ({correct}/{total}); floor {ACCURACY_FLOOR}"
    );
    for e in out.errors.iter().chain(&out.doc_types_wrong) {
        println!("  wrong: {e}");
    }
    assert!(
        accuracy >= ACCURACY_FLOOR,
        "verdict accuracy {accuracy:.3} is below the floor {ACCURACY_FLOOR}"
    );
    for (format, t) in &out.per_format {
        assert!(
            t.accuracy() >= ACCURACY_FLOOR,
            "verdict accuracy in {format} {:.3} is below the floor {ACCURACY_FLOOR}",
            t.accuracy()
        );
    }
    assert!(
        out.doc_types_wrong.is_empty(),
        "document types: {:?}",
        out.doc_types_wrong
    );
}

#[test]
fn clause_verdict_accuracy_on_held_out_documents() {
    let lib = Library::builtin();
    let out = evaluate(&lib, &root().join("fixtures/eval/heldout"));
    assert!(out.all.documents >= 8, "at least 8 held-out documents");
    print_formats(&out);
    println!(
        "\nheld-out verdict accuracy: {:.3} ({}/{}) in {} documents (all formats); first run, before fixes: {HELD_OUT_FIRST_RUN}; floor {HELD_OUT_FLOOR}",
        out.all.accuracy(),
        out.all.correct,
        out.all.total,
        out.all.documents
    );
    for e in out.errors.iter().chain(&out.doc_types_wrong) {
        println!("  wrong: {e}");
    }
    assert!(
        out.all.accuracy() >= HELD_OUT_FLOOR,
        "held-out verdict accuracy {:.3} is below the floor {HELD_OUT_FLOOR}",
        out.all.accuracy()
    );
    assert!(
        out.doc_types_wrong.is_empty(),
        "document types: {:?}",
        out.doc_types_wrong
    );
}

/// Present or weak verdicts on the real corpus that are correct, with the reason.
/// (document path relative to the corpus, rule id, status)
const CORPUS_EXCEPTIONS: &[(&str, &str, &str)] = &[];

#[test]
fn real_contracts_have_no_false_present_or_weak() {
    let Some(corpus) = corpus() else {
        return;
    };
    let lib = Library::builtin();
    let base = corpus.join("contracts");
    let mut files = Vec::new();
    for sub in ["cuad/txt", "commonpaper", "bonterms"] {
        for e in walk(&base.join(sub)) {
            if matches!(e.extension().and_then(|x| x.to_str()), Some("txt" | "md"))
                && !e
                    .file_name()
                    .and_then(|n| n.to_str())
                    .unwrap_or("")
                    .eq_ignore_ascii_case("README.md")
                && !e.to_string_lossy().contains("CUAD_v1_README")
            {
                files.push(e);
            }
        }
    }
    files.sort();
    let mut counts: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut unexpected = Vec::new();
    let mut bytes = 0usize;
    let start = std::time::Instant::now();
    let (mut check_time, mut check_chars) = (0f64, 0usize);
    for f in &files {
        bytes += std::fs::metadata(f).map(|m| m.len() as usize).unwrap_or(0);
        let rel = f
            .strip_prefix(&base)
            .unwrap_or(f)
            .to_string_lossy()
            .replace('\\', "/");
        let format = Format::from_path(f).expect("a format the tool reads");
        let raw = std::fs::read(f).expect("readable corpus file");
        let doc = aiassure::segment::segment(
            extract::extract(format, &raw, &Limits::default()).expect("extracts"),
        );
        let t = std::time::Instant::now();
        let a = check::check(&lib, &doc, &CheckOptions::default());
        check_time += t.elapsed().as_secs_f64();
        check_chars += doc.blocks.iter().map(|b| b.text.len()).sum::<usize>();
        *counts.entry(a.doc_type.as_str()).or_default() += 1;
        for v in &a.clauses {
            *counts.entry(v.status.as_str()).or_default() += 1;
            if matches!(v.status, ClauseStatus::Present | ClauseStatus::Weak) {
                let allowed = CORPUS_EXCEPTIONS
                    .iter()
                    .any(|(p, id, st)| rel == *p && v.id == *id && v.status.as_str() == *st);
                if !allowed {
                    unexpected.push(format!(
                        "{rel} {} {}: {} | {}",
                        v.id,
                        v.status.as_str(),
                        v.explanation,
                        v.evidence.first().map(|e| e.quote.as_str()).unwrap_or("")
                    ));
                }
            }
            if v.status == ClauseStatus::Contradicted {
                println!(
                    "  contradicted: {rel} {}: {}",
                    v.id,
                    v.evidence.first().map(|e| e.quote.as_str()).unwrap_or("")
                );
            }
        }
    }
    println!(
        "real corpus: {} documents ({:.1} MB) in {:.2}s; verdict counts {counts:?}",
        files.len(),
        bytes as f64 / 1e6,
        start.elapsed().as_secs_f64()
    );
    println!(
        "checker alone (this build's profile): {:.1} MB of text in {:.2}s = {:.1} MB/s (features included)",
        check_chars as f64 / 1e6,
        check_time,
        check_chars as f64 / 1e6 / check_time.max(1e-9)
    );
    for u in &unexpected {
        println!("  unexpected: {u}");
    }
    assert!(
        unexpected.is_empty(),
        "{} false present/weak verdicts",
        unexpected.len()
    );
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries.filter_map(Result::ok) {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// The tender vendor-assurance pack: the six rules judged only in bids that describe or declare AI.
const TENDER_PACK: [&str; 6] = [
    "tender-ai-model-provenance",
    "tender-ai-training-data",
    "tender-ai-testing",
    "tender-ai-data-flows",
    "tender-ai-human-oversight",
    "tender-ai-change-and-incident",
];

/// The bar for each pack rule on the tender evaluation set.
const TENDER_FLOOR: f64 = 0.95;

/// The held-out bids' first run (`fixtures/eval/tender-heldout/`, written and labelled after the
/// pack's rules were merged), before the vocabulary fixes it led to: recorded, not measured.
const TENDER_HELD_OUT_FIRST_RUN: &str = "th01-th03: 0.500 (6/12) pack verdicts in the 2 bids with AI against the labels as first written (5/12 \
     against the one label corrected since); the bid without AI left without the pack";

/// The declaration's first run on the held-out bids written for it (th04-th06), before the fixes
/// that run led to: recorded, not measured.
const TENDER_HELD_OUT_DECLARATION_FIRST_RUN: &str = "th04 and th06 detected as unknown, not tender (no tender rule judged); with the type forced to tender, \
     1/3 declarations right (th04's 'Yes, as set out in Section A' read as weak, th06's bid-preparation-only declaration read as a contradicted 'no AI') \
     and 7/12 pack verdicts in th04 and th06";

/// Held-out tender bids: printed beside their first run, not floored.
#[test]
fn tender_pack_on_held_out_bids() {
    let lib = Library::builtin();
    let dir = root().join("fixtures/eval/tender-heldout");
    let out = evaluate(&lib, &dir);
    let (mut total, mut correct) = (0, 0);
    for id in TENDER_PACK {
        if let Some(s) = out.per_rule.get(id) {
            total += s.total;
            correct += s.correct;
        }
    }
    println!(
        "\nheld-out tender bids: pack accuracy {:.3} ({correct}/{total}); first run: {TENDER_HELD_OUT_FIRST_RUN}",
        correct as f64 / total.max(1) as f64
    );
    if let Some(s) = out.per_rule.get("tender-ai-declaration") {
        println!(
            "held-out tender bids: declaration accuracy {:.3} ({}/{}); first run of th04-th06: {TENDER_HELD_OUT_DECLARATION_FIRST_RUN}",
            s.correct as f64 / s.total.max(1) as f64,
            s.correct,
            s.total
        );
    }
    for e in out.errors.iter().chain(&out.doc_types_wrong) {
        println!("  wrong: {e}");
    }
    let no_ai = analyse(&lib, &dir.join("th03-no-ai-cleaning.md"));
    assert!(
        no_ai
            .clauses
            .iter()
            .all(|c| !TENDER_PACK.contains(&c.id.as_str())),
        "a bid without AI gets no pack rule"
    );
    let labels: toml::Table =
        toml::from_str(&std::fs::read_to_string(dir.join("labels.toml")).expect("labels.toml"))
            .expect("labels.toml parses");
    let with_ai = labels
        .values()
        .filter(|l| l.get(TENDER_PACK[0]).is_some())
        .count();
    assert_eq!(total, 6 * with_ai, "six pack rules for each bid with AI");
    assert!(out.doc_types_wrong.is_empty(), "{:?}", out.doc_types_wrong);
}

#[test]
fn tender_pack_accuracy_on_labelled_bids() {
    let lib = Library::builtin();
    let dir = root().join("fixtures/eval/tender");
    let out = evaluate(&lib, &dir);
    assert!(out.all.documents >= 9, "at least 9 labelled bids");
    print_formats(&out);
    println!(
        "\ntender evaluation: {} bid files (text, Markdown, DOCX, PDF, portal HTML), per rule (floor {TENDER_FLOOR} on every tender rule):",
        out.all.documents
    );
    println!("{:<32} {:>3} {:>8}", "rule", "n", "accuracy");
    for (id, s) in out
        .per_rule
        .iter()
        .filter(|(id, _)| id.starts_with("tender-"))
    {
        let floor = if TENDER_PACK.contains(&id.as_str()) || id == "tender-ai-declaration" {
            ""
        } else {
            "  (no floor: not a built-in tender rule)"
        };
        println!(
            "{id:<32} {:>3} {:>8.3}{floor}",
            s.total,
            s.correct as f64 / s.total.max(1) as f64
        );
    }
    for e in out.errors.iter().chain(&out.doc_types_wrong) {
        println!("  wrong: {e}");
    }
    // The pack is judged exactly in the bids that use AI: those labelled with its rules.
    let labels: toml::Table =
        toml::from_str(&std::fs::read_to_string(dir.join("labels.toml")).expect("labels.toml"))
            .expect("labels.toml parses");
    let mut without_ai = 0;
    for (name, label) in &labels {
        let label = label.as_table().expect("a table per bid");
        let analysis = analyse(&lib, &dir.join(name));
        let mut judged: Vec<&str> = analysis
            .clauses
            .iter()
            .map(|c| c.id.as_str())
            .filter(|id| TENDER_PACK.contains(id))
            .collect();
        judged.sort_unstable();
        if TENDER_PACK.iter().any(|id| label.contains_key(*id)) {
            let mut pack = TENDER_PACK.to_vec();
            pack.sort_unstable();
            assert_eq!(judged, pack, "{name}: every pack rule is judged");
            for c in &analysis.clauses {
                if TENDER_PACK.contains(&c.id.as_str()) {
                    let asked = c.question.as_deref().unwrap_or("");
                    assert_eq!(
                        c.status == ClauseStatus::Present,
                        asked.is_empty(),
                        "{name} {}: a question exactly when not present",
                        c.id
                    );
                    if let Some(e) = c.evidence.first().filter(|_| !asked.is_empty()) {
                        let start: String = e.quote.chars().take(30).collect();
                        assert!(asked.contains(&start), "{name} {}: quotes the bid", c.id);
                    }
                }
            }
        } else {
            without_ai += 1;
            assert!(
                judged.is_empty(),
                "{name}: no AI, so no pack rule: {judged:?}"
            );
        }
    }
    assert!(without_ai >= 2, "at least two bids without AI");
    for id in TENDER_PACK {
        let s = out.per_rule.get(id).expect("pack rule evaluated");
        for (status, n) in [
            (ClauseStatus::Present, 1),
            (ClauseStatus::Weak, 1),
            (ClauseStatus::Contradicted, 1),
            (ClauseStatus::Missing, 1),
        ] {
            let labelled = labels
                .values()
                .filter(|l| l.get(id).and_then(|v| v.as_str()) == Some(status.as_str()))
                .count();
            assert!(
                labelled >= n,
                "{id}: at least {n} bid labelled {}",
                status.as_str()
            );
        }
        let accuracy = s.correct as f64 / s.total.max(1) as f64;
        assert!(
            accuracy >= TENDER_FLOOR,
            "{id}: accuracy {accuracy:.3} is below the floor {TENDER_FLOOR}"
        );
    }
    // The declaration is floored like the pack, with every verdict labelled at least once.
    let s = out
        .per_rule
        .get("tender-ai-declaration")
        .expect("declaration evaluated");
    for status in STATUSES {
        assert!(
            labels
                .values()
                .any(|l| l.get("tender-ai-declaration").and_then(|v| v.as_str())
                    == Some(status.as_str())),
            "tender-ai-declaration: at least one bid labelled {}",
            status.as_str()
        );
    }
    let accuracy = s.correct as f64 / s.total.max(1) as f64;
    assert!(
        accuracy >= TENDER_FLOOR,
        "tender-ai-declaration: accuracy {accuracy:.3} is below the floor {TENDER_FLOOR}"
    );
    assert!(out.doc_types_wrong.is_empty(), "{:?}", out.doc_types_wrong);
}
