//! The index: `aiassure index` (incremental, interruptible, one writer at a time), `aiassure
//! search` (phrases, stemming, filters, JSON) and `aiassure scan --index` (reuse).
//!
//! Repositories are small text files written into a temporary folder, with modification times an
//! hour in the past so that their size and time can be trusted (a file changed in the same second
//! it is indexed is hashed on the next run instead, see `FileStat::trustworthy`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, SystemTime};

use aiassure::discover;
use aiassure::index::{self, Indexer, SearchRequest, SearchResults};
use aiassure::library::Choice;
use aiassure::model::{
    AiFeature, ClauseStatus, ClauseVerdict, DocType, Document, DocumentReport, FeatureBasis,
    FeatureCategory, Format, Severity, Status,
};
use aiassure::scan::{self, ScanOptions};
use aiassure::sink::FileStat;

use crate::common::aiassure;

/// Writes `text` to `dir/name` with a modification time `age` in the past.
fn write_aged(dir: &Path, name: &str, text: &str, age: Duration) {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    let file = std::fs::File::options().write(true).open(&path).unwrap();
    file.set_modified(SystemTime::now() - age).unwrap();
}

fn write(dir: &Path, name: &str, text: &str) {
    write_aged(dir, name, text, Duration::from_secs(3600));
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn text(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Runs `aiassure index REPO --index DIR` and returns the counts of its summary line.
fn index_run(repo: &Path, dir: &Path) -> HashMap<String, usize> {
    let out = aiassure(&["index", s(repo), "--index", s(dir), "--quiet"]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "index failed: {stderr}");
    counts(&stdout)
}

/// "indexed 3 files in DIR: 3 added, 0 updated, ..." into {"files": 3, "added": 3, ...}.
fn counts(summary: &str) -> HashMap<String, usize> {
    let words: Vec<&str> = summary
        .split(|c: char| {
            c.is_whitespace() || c == ',' || c == '(' || c == ')' || c == ':' || c == ';'
        })
        .filter(|w| !w.is_empty())
        .collect();
    let mut out = HashMap::new();
    for pair in words.windows(2) {
        if let Ok(n) = pair[0].parse::<usize>() {
            out.entry(pair[1].to_string()).or_insert(n);
        }
    }
    out
}

fn search(dir: &Path, query: &str) -> SearchResults {
    search_with(
        dir,
        SearchRequest {
            query: query.into(),
            limit: 50,
            ..SearchRequest::default()
        },
    )
}

fn search_with(dir: &Path, request: SearchRequest) -> SearchResults {
    index::search(dir, &request).unwrap()
}

fn paths(results: &SearchResults) -> Vec<String> {
    let mut p: Vec<String> = results
        .hits
        .iter()
        .map(|h| {
            Path::new(&h.path)
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    p.sort();
    p.dedup();
    p
}

/// A small repository of three contracts.
fn repo() -> tempfile::TempDir {
    let repo = tempfile::tempdir().unwrap();
    write(
        repo.path(),
        "alpha.txt",
        "1. Data\nThe Supplier shall not train models on Customer Data without written consent.\n2. Audit\nThe Buyer may audit the Supplier once a year.",
    );
    write(
        repo.path(),
        "beta.txt",
        "1. Services\nThe Supplier provides models of the building and shall train staff.\n2. Fees\nFees are payable monthly.",
    );
    write(
        repo.path(),
        "gamma.md",
        "# Terms\n\n1. Facial recognition\n\nThe platform uses facial recognition at building entrances.",
    );
    repo
}

#[test]
fn phrase_search_and_stemming() {
    let repo = repo();
    let dir = tempfile::tempdir().unwrap();
    let c = index_run(repo.path(), dir.path());
    assert_eq!(c["added"], 3);
    // The phrase matches alpha only; beta has both words, apart.
    assert_eq!(
        paths(&search(dir.path(), "\"train models\"")),
        ["alpha.txt"]
    );
    // Words are ANDed by default; OR widens.
    assert_eq!(
        paths(&search(dir.path(), "train models")),
        ["alpha.txt", "beta.txt"]
    );
    assert_eq!(
        paths(&search(dir.path(), "audit OR entrances")),
        ["alpha.txt", "gamma.md"]
    );
    assert_eq!(paths(&search(dir.path(), "train -staff")), ["alpha.txt"]);
    // en_stem: "training" finds "train".
    assert_eq!(
        paths(&search(dir.path(), "training consent")),
        ["alpha.txt"]
    );
    // Hits carry page, section and a highlighted snippet.
    let r = search(dir.path(), "\"train models\"");
    assert_eq!(r.hits.len(), 1);
    assert_eq!(r.hits[0].section.as_deref(), Some("1"));
    assert_eq!(r.hits[0].page, None);
    assert!(
        r.hits[0].snippet.contains("[[train]] [[models]]"),
        "{}",
        r.hits[0].snippet
    );
    assert!(search(dir.path(), "\"models train\"").hits.is_empty());
}

#[test]
fn json_output_shape_and_best_hit_first() {
    let repo = repo();
    let dir = tempfile::tempdir().unwrap();
    index_run(repo.path(), dir.path());
    let out = aiassure(&[
        "search",
        "building OR recognition",
        "--index",
        s(dir.path()),
        "--format",
        "json",
    ]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let hits = json["hits"].as_array().unwrap();
    assert_eq!(
        hits.len(),
        3,
        "gamma's heading and body, beta's services clause"
    );
    for key in [
        "path", "page", "section", "snippet", "score", "kind", "doc_type", "verdicts", "features",
    ] {
        assert!(hits[0].get(key).is_some(), "missing {key}: {}", hits[0]);
    }
    // gamma's passage has both words: it ranks first.
    assert!(hits[0]["path"].as_str().unwrap().ends_with("gamma.md"));
    assert!(hits[0]["score"].as_f64().unwrap() >= hits[1]["score"].as_f64().unwrap());
    assert_eq!(json["total"], 3);
    // Text output names path, section and the snippet.
    let out = aiassure(&["search", "entrances", "--index", s(dir.path())]);
    let (stdout, _) = text(&out);
    assert!(stdout.contains("gamma.md, section 1"), "{stdout}");
    assert!(stdout.contains("[[entrances]]"), "{stdout}");
}

#[test]
fn helpful_errors_for_missing_index_and_bad_query() {
    let dir = tempfile::tempdir().unwrap();
    let none = dir.path().join("none");
    let out = aiassure(&["search", "x", "--index", s(&none)]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr.contains("no index at") && stderr.contains("aiassure index"),
        "{stderr}"
    );
    let repo = repo();
    index_run(repo.path(), dir.path());
    let out = aiassure(&["search", "\"unclosed AND (", "--index", s(dir.path())]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr.contains("could not understand the query"),
        "{stderr}"
    );
    // A folder holding other files is not taken over.
    let other = tempfile::tempdir().unwrap();
    std::fs::write(other.path().join("thesis.docx"), b"x").unwrap();
    let out = aiassure(&["index", s(repo.path()), "--index", s(other.path())]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr.contains("is not an aiassure index"), "{stderr}");
    assert!(other.path().join("thesis.docx").exists());
}

#[test]
fn incremental_update_replaces_changed_and_deletes_removed_files() {
    let repo = repo();
    let dir = tempfile::tempdir().unwrap();
    index_run(repo.path(), dir.path());
    // Nothing changed: nothing is read, not even hashed.
    let c = index_run(repo.path(), dir.path());
    assert_eq!(
        (c["unchanged"], c["checked"], c["added"], c["updated"]),
        (3, 0, 0, 0)
    );
    // beta changes, gamma goes, delta comes, alpha is only touched.
    write_aged(
        repo.path(),
        "beta.txt",
        "1. Services\nThe Supplier shall deliver penguins.",
        Duration::from_secs(1800),
    );
    std::fs::remove_file(repo.path().join("gamma.md")).unwrap();
    write(
        repo.path(),
        "delta.txt",
        "1. Scope\nThe Supplier shall deliver bicycles.",
    );
    let alpha = std::fs::read_to_string(repo.path().join("alpha.txt")).unwrap();
    write_aged(repo.path(), "alpha.txt", &alpha, Duration::from_secs(900));
    let c = index_run(repo.path(), dir.path());
    assert_eq!(c["added"], 1);
    assert_eq!(c["updated"], 1);
    assert_eq!(c["removed"], 1);
    assert_eq!(c["unchanged"], 1);
    assert_eq!(
        c["checked"], 1,
        "alpha's time changed: it is hashed, not re-analysed"
    );
    assert_eq!(c["files"], 3);
    assert!(
        search(dir.path(), "staff").hits.is_empty(),
        "old beta text is gone"
    );
    assert_eq!(paths(&search(dir.path(), "penguins")), ["beta.txt"]);
    assert!(
        search(dir.path(), "facial").hits.is_empty(),
        "gamma is gone"
    );
    assert_eq!(paths(&search(dir.path(), "bicycles")), ["delta.txt"]);
    assert_eq!(paths(&search(dir.path(), "audit")), ["alpha.txt"]);
    // One entry per document remains per file.
    let docs = search(dir.path(), "*");
    assert_eq!(docs.hits.iter().filter(|h| h.kind == "document").count(), 3);
    // Alpha's new time is stored: the next run trusts it again.
    let c = index_run(repo.path(), dir.path());
    assert_eq!((c["unchanged"], c["checked"]), (3, 0));
}

#[test]
fn a_file_changed_just_now_is_hashed_next_time() {
    let repo = tempfile::tempdir().unwrap();
    std::fs::write(
        repo.path().join("fresh.txt"),
        "The Supplier shall train staff.",
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    index_run(repo.path(), dir.path());
    let c = index_run(repo.path(), dir.path());
    assert_eq!((c["unchanged"], c["checked"]), (1, 1));
}

/// A report with hand-made verdicts and features citing sentences of `doc`.
fn report_for(path: &str, doc: &Document, doc_type: DocType) -> DocumentReport {
    let verdict = |id: &str, status, evidence| ClauseVerdict {
        id: id.into(),
        title: id.into(),
        severity: Severity::Required,
        status,
        evidence,
        explanation: String::new(),
        question: None,
        review: Default::default(),
    };
    let sentence = |n: usize| doc.sentence_evidence(&doc.sentences[n]);
    DocumentReport {
        path: path.into(),
        format: Format::Text,
        sha256: "0".repeat(64),
        doc_type,
        status: Status::Analysed,
        error: None,
        pages: None,
        clauses: vec![
            verdict("CL-TRAIN", ClauseStatus::Weak, vec![sentence(0)]),
            verdict("CL-AUDIT", ClauseStatus::Present, vec![sentence(1)]),
            verdict("CL-EXIT", ClauseStatus::Missing, vec![]),
        ],
        ai_features: vec![AiFeature {
            name: "Facial recognition".into(),
            category: FeatureCategory::Biometric,
            disclosed: false,
            register: None,
            evidence: sentence(2),
            vendor: None,
            basis: FeatureBasis::Named,
            reason: "names the AI technique \"facial recognition\"".into(),
            baseline: None,
        }],
        ai_declaration: None,
        ocr: None,
        order_of_precedence: None,
    }
}

/// Loads a text file written into `repo`.
fn located(repo: &Path, name: &str, text: &str) -> Document {
    write(repo, name, text);
    let source = aiassure::model::Source {
        path: repo.join(name),
        display: name.into(),
        format: Format::Text,
    };
    scan::load(&source, &Default::default()).document.unwrap()
}

#[test]
fn filters_on_rule_status_doc_type_and_feature() {
    let repo = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut indexer = Indexer::open(dir.path(), "test settings".into()).unwrap();
    let texts = [
        ("contract.txt", DocType::Contract),
        ("tender.txt", DocType::Tender),
    ];
    for (name, doc_type) in texts {
        let doc = located(
            repo.path(),
            name,
            "The Supplier may use Customer Data to train models where reasonably practicable.\n\nThe Buyer may audit the Supplier.\n\nThe service uses facial recognition cameras.",
        );
        let report = report_for(name, &doc, doc_type);
        indexer
            .replace(&report, Some(&doc), FileStat::default())
            .unwrap();
    }
    indexer.finish().unwrap();
    let d = dir.path();
    let req = |query: &str| SearchRequest {
        query: query.into(),
        limit: 50,
        ..SearchRequest::default()
    };
    let sections = |r: &SearchResults| -> Vec<String> {
        let mut v: Vec<String> = r
            .hits
            .iter()
            .map(|h| format!("{}:{}", h.path, h.kind))
            .collect();
        v.sort();
        v
    };
    // --rule: only the passage the rule's evidence cites.
    let r = search_with(
        d,
        SearchRequest {
            rule: Some("cl-train".into()),
            ..req("supplier")
        },
    );
    assert_eq!(r.hits.len(), 2);
    assert!(
        r.hits.iter().all(|h| h.snippet.contains("train models")),
        "{:?}",
        r.hits
    );
    assert_eq!(r.hits[0].verdicts[0].rule, "CL-TRAIN");
    assert_eq!(r.hits[0].verdicts[0].status, "weak");
    // --status alone, and with --rule (that rule's verdict).
    let r = search_with(
        d,
        SearchRequest {
            status: Some("present".into()),
            ..req("*")
        },
    );
    assert!(r.hits.iter().all(|h| h.snippet.contains("audit")) && r.hits.len() == 2);
    let r = search_with(
        d,
        SearchRequest {
            rule: Some("CL-TRAIN".into()),
            status: Some("present".into()),
            ..req("*")
        },
    );
    assert!(r.hits.is_empty());
    // --status missing finds whole documents.
    let r = search_with(
        d,
        SearchRequest {
            rule: Some("CL-EXIT".into()),
            status: Some("missing".into()),
            ..req("*")
        },
    );
    assert_eq!(
        sections(&r),
        ["contract.txt:document", "tender.txt:document"]
    );
    // --doc-type.
    let r = search_with(
        d,
        SearchRequest {
            doc_type: Some("tender".into()),
            ..req("audit")
        },
    );
    assert_eq!(sections(&r), ["tender.txt:block"]);
    // --feature by name and by category.
    for feature in ["facial recognition", "biometric"] {
        let r = search_with(
            d,
            SearchRequest {
                feature: Some(feature.into()),
                ..req("*")
            },
        );
        assert_eq!(r.hits.len(), 2, "{feature}");
        assert!(r.hits.iter().all(|h| h.features == ["Facial recognition"]));
    }
    let r = search_with(
        d,
        SearchRequest {
            feature: Some("generative".into()),
            ..req("*")
        },
    );
    assert!(r.hits.is_empty());
    // The CLI passes the filters through.
    let out = aiassure(&[
        "search",
        "*",
        "--index",
        s(d),
        "--status",
        "weak",
        "--doc-type",
        "contract",
        "--format",
        "json",
    ]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["hits"].as_array().unwrap().len(), 1, "{json}");
    assert_eq!(json["hits"][0]["path"], "contract.txt");
}

#[test]
fn an_interrupted_run_leaves_the_last_commit() {
    let repo = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let doc = located(
        repo.path(),
        "one.txt",
        "The Supplier shall train staff.\nAudit.\nFacial recognition.",
    );
    {
        let mut indexer = Indexer::open(dir.path(), "s".into()).unwrap();
        indexer
            .replace(
                &report_for("one.txt", &doc, DocType::Contract),
                Some(&doc),
                FileStat::default(),
            )
            .unwrap();
        indexer.commit().unwrap();
        // Then the run is cut short: a second file written, the first removed, no commit.
        let doc2 = located(
            repo.path(),
            "two.txt",
            "Penguins shall be delivered.\nAudit.\nCameras.",
        );
        indexer
            .replace(
                &report_for("two.txt", &doc2, DocType::Contract),
                Some(&doc2),
                FileStat::default(),
            )
            .unwrap();
        indexer.remove("one.txt");
    } // dropped without commit: the writer and its lock go away.
    assert_eq!(paths(&search(dir.path(), "staff")), ["one.txt"]);
    assert!(search(dir.path(), "penguins").hits.is_empty());
    // The next run takes the lock and brings the index in line with the repository.
    let c = index_run(repo.path(), dir.path());
    assert_eq!(c["files"], 2);
    assert_eq!(paths(&search(dir.path(), "penguins")), ["two.txt"]);
}

/// A run killed while it has written changes it has not committed: the index keeps its last
/// commit, the lock dies with the process, and the next run completes the update. The run is made
/// to stop at a known point by naming a FIFO as the last file: reading it blocks until a writer
/// opens it, after the batches before it have been written.
#[cfg(target_os = "linux")]
#[test]
fn a_killed_run_leaves_the_last_commit() {
    use std::os::unix::fs::OpenOptionsExt;
    let root = tempfile::tempdir().unwrap();
    let docs = root.path().join("docs");
    std::fs::create_dir(&docs).unwrap();
    for i in 0..150 {
        write(
            &docs,
            &format!("c{i:03}.txt"),
            &format!("{i}. Term\nThe Supplier shall deliver item {i} by bicycle.\n"),
        );
    }
    let dir = tempfile::tempdir().unwrap();
    index_run(&docs, dir.path());
    // Every file changes; then the run stalls on the FIFO, after the 150 files are written.
    for i in 0..150 {
        write_aged(
            &docs,
            &format!("c{i:03}.txt"),
            &format!("{i}. Term\nThe Supplier shall deliver item {i} by penguin.\n"),
            Duration::from_secs(1800),
        );
    }
    let fifo = root.path().join("zz.txt");
    match std::process::Command::new("mkfifo").arg(&fifo).status() {
        Ok(s) if s.success() => {}
        _ => {
            crate::common::skip("mkfifo is not available");
            return;
        }
    }
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_aiassure"))
        .args([
            "index",
            s(&docs),
            s(&fifo),
            "--index",
            s(dir.path()),
            "--quiet",
        ])
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Opening the FIFO for writing without blocking succeeds once the run is reading it.
    const O_NONBLOCK: i32 = 0o4000;
    let mut writer = None;
    for _ in 0..400 {
        match std::fs::File::options()
            .write(true)
            .custom_flags(O_NONBLOCK)
            .open(&fifo)
        {
            Ok(f) => {
                writer = Some(f);
                break;
            }
            Err(_) => std::thread::sleep(Duration::from_millis(50)),
        }
    }
    assert!(writer.is_some(), "the index run never reached the FIFO");
    assert!(
        child.try_wait().unwrap().is_none(),
        "the run is still going"
    );
    child.kill().unwrap();
    child.wait().unwrap();
    drop(writer);
    std::fs::remove_file(&fifo).unwrap();
    // The last commit: the old text, none of the new.
    assert_eq!(search(dir.path(), "bicycle").total, 150);
    assert_eq!(search(dir.path(), "penguin").total, 0);
    // The next run is not refused and completes the update.
    let c = index_run(&docs, dir.path());
    assert_eq!((c["updated"], c["files"]), (150, 150));
    assert_eq!(search(dir.path(), "bicycle").total, 0);
    assert_eq!(search(dir.path(), "penguin").total, 150);
}

#[test]
fn a_second_writer_is_refused() {
    let repo = repo();
    let dir = tempfile::tempdir().unwrap();
    let _held = Indexer::open(dir.path(), "s".into()).unwrap();
    let out = aiassure(&["index", s(repo.path()), "--index", s(dir.path())]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr.contains("another aiassure index run is updating this index; wait for it to finish"),
        "{stderr}"
    );
    assert!(matches!(
        Indexer::open(dir.path(), "s".into()),
        Err(index::IndexError::Busy(_))
    ));
}

#[test]
fn an_index_of_another_format_is_rebuilt() {
    let repo = repo();
    let dir = tempfile::tempdir().unwrap();
    index_run(repo.path(), dir.path());
    let meta = dir.path().join(index::store::META_FILE);
    let old = std::fs::read_to_string(&meta)
        .unwrap()
        .replace("\"format\": 1", "\"format\": 0");
    std::fs::write(&meta, old).unwrap();
    let out = aiassure(&["search", "audit", "--index", s(dir.path())]);
    assert!(
        text(&out).1.contains("another version of aiassure"),
        "{}",
        text(&out).1
    );
    let out = aiassure(&["index", s(repo.path()), "--index", s(dir.path())]);
    let (stdout, stderr) = text(&out);
    assert!(stderr.contains("rebuilding the index"), "{stderr}");
    assert_eq!(counts(&stdout)["added"], 3);
    assert_eq!(paths(&search(dir.path(), "audit")), ["alpha.txt"]);
}

#[test]
fn changed_settings_reanalyse_every_file() {
    let repo = repo();
    let dir = tempfile::tempdir().unwrap();
    index_run(repo.path(), dir.path());
    let library = Choice::Builtin;
    let options = ScanOptions {
        library: &library,
        doc_type: Some(DocType::Tender),
        register: None,
        limits: Default::default(),
        ocr: &aiassure::extract::ocr::OCR_OFF,
        jobs: None,
    };
    let found = discover::discover(&[PathBuf::from(repo.path())]);
    let mut indexer = Indexer::open(dir.path(), options.settings_key()).unwrap();
    scan::update(&found, &options, &mut indexer, &|_| {}).unwrap();
    let summary = indexer.finish().unwrap();
    assert_eq!(
        (summary.updated, summary.settings_changed, summary.unchanged),
        (3, 3, 0)
    );
    let r = search_with(
        dir.path(),
        SearchRequest {
            doc_type: Some("tender".into()),
            limit: 50,
            ..search_req("audit")
        },
    );
    assert_eq!(paths(&r), ["alpha.txt"]);
}

#[test]
fn register_library_and_doc_type_changes_reanalyse_by_content() {
    let repo = repo();
    let dir = tempfile::tempdir().unwrap();
    let extra = tempfile::tempdir().unwrap();
    let register = extra.path().join("register.csv");
    std::fs::write(&register, "name,vendor,status\nFaceGate,Acme,approved\n").unwrap();
    let run = |more: &[&str]| {
        let mut args = vec!["index", s(repo.path()), "--index", s(dir.path())];
        args.extend_from_slice(more);
        let out = aiassure(&args);
        let (stdout, stderr) = text(&out);
        assert!(out.status.success(), "index failed: {stderr}");
        (counts(&stdout), stderr)
    };
    run(&[]);
    let reg = s(&register);
    let (c, stderr) = run(&["--register", reg]);
    assert_eq!((c["updated"], c["unchanged"]), (3, 0), "{stderr}");
    assert!(stderr.contains("the AI register"), "{stderr}");
    // Same register, same settings: nothing read again.
    assert_eq!(run(&["--register", reg]).0["unchanged"], 3);
    // A register row edited (same file name): its statuses may change, so every file is re-checked.
    std::fs::write(&register, "name,vendor,status\nFaceGate,Acme,prohibited\n").unwrap();
    assert_eq!(run(&["--register", reg]).0["updated"], 3);
    // A custom library whose content changes under the same name and version.
    let lib = extra.path().join("lib");
    std::fs::create_dir(&lib).unwrap();
    let rules = std::fs::read_to_string("fixtures/library-custom/rules.toml").unwrap();
    std::fs::write(lib.join("rules.toml"), &rules).unwrap();
    let with_lib = ["--register", reg, "--library", s(&lib)];
    assert_eq!(run(&with_lib).0["updated"], 3);
    assert_eq!(run(&with_lib).0["unchanged"], 3);
    let edited = rules.replace("checked by a person", "checked by a qualified person");
    assert_ne!(edited, rules);
    std::fs::write(lib.join("rules.toml"), edited).unwrap();
    assert_eq!(run(&with_lib).0["updated"], 3);
    // --doc-type forced.
    let tender = [
        "--register",
        reg,
        "--library",
        s(&lib),
        "--doc-type",
        "tender",
    ];
    assert_eq!(run(&tender).0["updated"], 3);
}

fn search_req(query: &str) -> SearchRequest {
    SearchRequest {
        query: query.into(),
        ..SearchRequest::default()
    }
}

#[test]
fn scan_reuses_stored_reports_of_unchanged_files() {
    let repo = repo();
    let dir = tempfile::tempdir().unwrap();
    index_run(repo.path(), dir.path());
    write(repo.path(), "beta.txt", "1. Services\nChanged text.");
    let plain = aiassure(&[
        "scan",
        s(repo.path()),
        "--format",
        "json",
        "--fail-on",
        "never",
    ]);
    let reused = aiassure(&[
        "scan",
        s(repo.path()),
        "--format",
        "json",
        "--fail-on",
        "never",
        "--index",
        s(dir.path()),
    ]);
    let (stdout, stderr) = text(&reused);
    assert!(reused.status.success(), "{stderr}");
    assert!(
        stderr.contains("reused the stored results of 2 unchanged files"),
        "{stderr}"
    );
    let a: serde_json::Value = serde_json::from_slice(&plain.stdout).unwrap();
    let b: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(a["documents"], b["documents"]);
    // The scan does not write to the index.
    let c = index_run(repo.path(), dir.path());
    assert_eq!(c["updated"], 1);
}

/// A file that failed under a limit is read again when the limit is raised, by `index` and by
/// `scan --index`: the limits are part of the settings a stored report depends on.
#[test]
fn raising_a_limit_reads_again_the_files_that_failed_under_it() {
    let repo = repo();
    let dir = tempfile::tempdir().unwrap();
    let run = |more: &[&str]| {
        let mut args = vec!["index", s(repo.path()), "--index", s(dir.path())];
        args.extend_from_slice(more);
        let out = aiassure(&args);
        let (stdout, stderr) = text(&out);
        assert!(out.status.success(), "index failed: {stderr}");
        (counts(&stdout), stderr)
    };
    let (c, _) = run(&["--max-text-chars", "50"]);
    assert_eq!(
        (c["added"], c["unreadable"]),
        (3, 3),
        "every file is over 50 characters"
    );
    // The limit raised (back to the default): every file is read again, and now analysed.
    let (c, stderr) = run(&[]);
    assert_eq!((c["updated"], c["unreadable"]), (3, 0), "{stderr}");
    assert!(stderr.contains("a limit"), "{stderr}");
    // `scan --index` with the limit raised does not reuse a report stored under the lower one;
    // under the same lower limit, the stored errors are reused as they are.
    run(&["--max-text-chars", "50"]);
    let scan = |max_text_chars: &str| {
        let out = aiassure(&[
            "scan",
            s(repo.path()),
            "--format",
            "json",
            "--fail-on",
            "never",
            "--index",
            s(dir.path()),
            "--max-text-chars",
            max_text_chars,
        ]);
        let (stdout, stderr) = text(&out);
        assert!(out.status.success(), "{stderr}");
        let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        (report["summary"]["analysed"].as_u64(), stderr)
    };
    let (analysed, stderr) = scan("100000");
    assert_eq!(analysed, Some(3), "{stderr}");
    assert!(
        stderr.contains("reused the stored results of 0 unchanged files"),
        "{stderr}"
    );
    let (analysed, stderr) = scan("50");
    assert_eq!(analysed, Some(0), "{stderr}");
    assert!(
        stderr.contains("reused the stored results of 3 unchanged files"),
        "{stderr}"
    );
}
