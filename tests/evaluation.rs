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

/// The bar for verdict accuracy on the evaluation set.
const ACCURACY_FLOOR: f64 = 0.95;

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

#[test]
fn clause_verdict_accuracy_on_labelled_documents() {
    let lib = Library::builtin();
    let dir = root().join("fixtures/eval/clauses");
    let labels: toml::Table =
        toml::from_str(&std::fs::read_to_string(dir.join("labels.toml")).expect("labels.toml"))
            .expect("labels.toml parses");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("eval folder")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| Format::from_path(p).is_some())
        .collect();
    files.sort();
    assert!(files.len() >= 40, "at least 40 labelled documents");
    let mut per_rule: BTreeMap<String, RuleStats> = BTreeMap::new();
    let mut confusion = [[0usize; 4]; 4];
    let mut errors = Vec::new();
    let mut doc_types_wrong = Vec::new();
    for path in &files {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        // DOCX and PDF renditions share the labels of their Markdown source.
        let stem = path.file_stem().and_then(|n| n.to_str()).unwrap_or("");
        let label = labels
            .get(name)
            .or_else(|| labels.get(&format!("{stem}.md")))
            .or_else(|| labels.get(&format!("{stem}.txt")))
            .and_then(|v| v.as_table())
            .unwrap_or_else(|| panic!("{name} has labels"));
        let analysis = analyse(&lib, path);
        let want_type = match label.get("doc_type").and_then(|v| v.as_str()) {
            Some("tender") => DocType::Tender,
            Some("unknown") => DocType::Unknown,
            _ => DocType::Contract,
        };
        if analysis.doc_type != want_type {
            doc_types_wrong.push(format!(
                "{name}: doc type {} expected {}",
                analysis.doc_type.as_str(),
                want_type.as_str()
            ));
        }
        for v in &analysis.clauses {
            let want = label
                .get(&v.id)
                .and_then(|s| s.as_str())
                .map(parse_status)
                .unwrap_or(ClauseStatus::Missing);
            let st = per_rule.entry(v.id.clone()).or_default();
            st.total += 1;
            let right = v.status == want;
            st.correct += usize::from(right);
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
            confusion[wi][gi] += 1;
            if !right {
                errors.push(format!(
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
                errors.push(format!("{name}: labelled rule {key} was not evaluated"));
            }
        }
    }
    let total: usize = per_rule.values().map(|s| s.total).sum();
    let correct: usize = per_rule.values().map(|s| s.correct).sum();
    let accuracy = correct as f64 / total.max(1) as f64;
    let ratio = |a: usize, b: usize| {
        if b == 0 {
            "   -".to_string()
        } else {
            format!("{:.2}", a as f64 / b as f64)
        }
    };
    println!(
        "\nclause evaluation: {} documents, {total} verdicts",
        files.len()
    );
    println!(
        "{:<40} {:>5} {:>8} {:>9} {:>6}",
        "rule", "n", "accuracy", "precision", "recall"
    );
    for (id, s) in &per_rule {
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
    for (i, row) in confusion.iter().enumerate() {
        println!(
            "  {:<12} {:>7} {:>4} {:>12} {:>7}",
            STATUSES[i].as_str(),
            row[0],
            row[1],
            row[2],
            row[3]
        );
    }
    println!(
        "\noverall verdict accuracy: {accuracy:.3} ({correct}/{total}); floor {ACCURACY_FLOOR}"
    );
    for e in &errors {
        println!("  wrong: {e}");
    }
    for e in &doc_types_wrong {
        println!("  wrong: {e}");
    }
    assert!(
        accuracy >= ACCURACY_FLOOR,
        "verdict accuracy {accuracy:.3} is below the floor {ACCURACY_FLOOR}"
    );
    assert!(
        doc_types_wrong.is_empty(),
        "document types: {doc_types_wrong:?}"
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
