//! Results as data and input in parts, through the binary: `scan --format jsonl` and `--format
//! parquet` (read back with the parquet crate), `--files-from`, `--shard K/N`, `--skip-known`,
//! and `aiassure worker` (in order, bad requests as data, the same verdicts as `scan`).

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use aiassure::model::DocumentReport;
use aiassure::report::tables::{self, Kind};
use base64::Engine;
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::Field;
use serde_json::Value;

use crate::common::{aiassure, root};

/// The example documents (two contracts, three bids: PDF, DOCX, text).
fn examples() -> Vec<String> {
    let mut files: Vec<String> = walk(&root().join("fixtures/examples"))
        .into_iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(files.len(), 5);
    files
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// Runs `scan` and returns its standard output (exit 0 or 1: analysed).
fn scan(args: &[&str]) -> String {
    let out = aiassure(&[&["scan", "--quiet"], args].concat());
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn lines(text: &str) -> Vec<DocumentReport> {
    text.lines()
        .map(|l| serde_json::from_str(l).expect("each line is a document"))
        .collect()
}

/// The JSON report's documents, as JSON values.
fn json_documents(paths: &[String]) -> Vec<Value> {
    let mut args = vec!["--format", "json"];
    args.extend(paths.iter().map(String::as_str));
    let report: Value = serde_json::from_str(&scan(&args)).unwrap();
    report["documents"].as_array().unwrap().clone()
}

#[test]
fn jsonl_lines_are_the_json_reports_documents() {
    let files = examples();
    let mut args = vec!["--format", "jsonl"];
    args.extend(files.iter().map(String::as_str));
    let out = scan(&args);
    let got: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(got, json_documents(&files));
}

/// `extract --format jsonl`: one line per block of `--format json`, each carrying its file's path,
/// sha256 and format (what a search engine's bulk ingest needs); a file that cannot be read gives
/// no line, a message on standard error, and the others still come.
#[test]
fn extract_jsonl_is_one_line_per_block_with_its_file() {
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.pdf");
    std::fs::write(&broken, b"%PDF-1.7 this is not a PDF").unwrap();
    let mut files = examples();
    files.insert(2, broken.to_string_lossy().into_owned());
    let run = |format: &str| {
        let mut args = vec!["extract", "--format", format];
        args.extend(files.iter().map(String::as_str));
        let out = aiassure(&args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    };
    let json: Value = serde_json::from_slice(&run("json").stdout).unwrap();
    let jsonl = run("jsonl");
    assert!(
        String::from_utf8_lossy(&jsonl.stderr).contains("broken.pdf"),
        "the unreadable file is named on standard error"
    );
    let mut expected = Vec::new();
    for d in json["documents"].as_array().unwrap() {
        assert_eq!(d["sha256"].as_str().unwrap().len(), 64, "{}", d["path"]);
        for block in d["blocks"].as_array().unwrap() {
            let mut line = block.as_object().unwrap().clone();
            line.insert("path".into(), d["path"].clone());
            line.insert("sha256".into(), d["sha256"].clone());
            line.insert("format".into(), d["format"].clone());
            expected.push(Value::Object(line));
        }
    }
    let got: Vec<Value> = String::from_utf8(jsonl.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is one JSON object"))
        .collect();
    assert!(got.len() > 50, "{} blocks", got.len());
    assert_eq!(got, expected);
    assert!(
        got.iter()
            .all(|l| !l["path"].as_str().unwrap().ends_with("broken.pdf"))
    );
    let paged = got.iter().filter(|l| l["page"].is_u64()).count();
    assert!(paged > 0 && got.iter().any(|l| l["section"].is_string()));
}

/// Every row of a table under `dir` (all its parts, partitions included), as column -> value.
pub(crate) fn read_table(dir: &Path) -> Vec<BTreeMap<String, Value>> {
    let mut rows = Vec::new();
    for path in walk(dir) {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !name.ends_with(".parquet") || name.starts_with(['_', '.']) {
            continue;
        }
        let reader = SerializedFileReader::try_from(path.as_path()).unwrap();
        for row in reader.get_row_iter(None).unwrap() {
            let row = row.unwrap();
            rows.push(
                row.get_column_iter()
                    .map(|(name, field)| {
                        let v = match field {
                            Field::Null => Value::Null,
                            Field::Str(s) => Value::from(s.as_str()),
                            Field::Long(n) => Value::from(*n),
                            Field::Int(n) => Value::from(*n),
                            Field::Bool(b) => Value::from(*b),
                            other => panic!("unexpected Parquet value {other:?} in {name}"),
                        };
                        (name.clone(), v)
                    })
                    .collect(),
            );
        }
    }
    rows
}

/// The rows the tables should hold for these documents, as JSON objects.
pub(crate) fn expected_rows(
    documents: &[DocumentReport],
) -> BTreeMap<&'static str, Vec<BTreeMap<String, Value>>> {
    let library = aiassure::library::Library::builtin();
    let mut out: BTreeMap<&'static str, Vec<_>> = BTreeMap::new();
    for d in documents {
        let rows = tables::Rows::of(d, &library.tiers(), &library.version);
        let json = serde_json::to_value(&rows).unwrap();
        for table in ["documents", "verdicts", "features"] {
            for r in json[table].as_array().unwrap() {
                let r: BTreeMap<String, Value> = serde_json::from_value(r.clone()).unwrap();
                out.entry(table).or_default().push(r);
            }
        }
    }
    out
}

pub(crate) fn sorted(mut rows: Vec<BTreeMap<String, Value>>) -> Vec<BTreeMap<String, Value>> {
    rows.sort_by_key(|r| serde_json::to_string(r).unwrap());
    rows
}

#[test]
fn parquet_tables_read_back_equal_the_json_report() {
    let files = examples();
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("results");
    let mut args = vec!["--format", "parquet", "-o", out_dir.to_str().unwrap()];
    args.extend(files.iter().map(String::as_str));
    scan(&args);
    let documents: Vec<DocumentReport> = json_documents(&files)
        .into_iter()
        .map(|v| serde_json::from_value(v).unwrap())
        .collect();
    let expected = expected_rows(&documents);
    assert!(expected["verdicts"].len() > 20 && !expected["features"].is_empty());
    for (table, columns) in tables::schema() {
        let part = out_dir.join(table).join("part-1-of-1.parquet");
        let reader = SerializedFileReader::try_from(part.as_path())
            .unwrap_or_else(|e| panic!("{}: {e}", part.display()));
        // The file's schema is the documented one: names, types and nullability, in order.
        let schema = reader.metadata().file_metadata().schema_descr_ptr();
        let got: Vec<(String, String, bool)> = schema
            .columns()
            .iter()
            .map(|c| {
                (
                    c.name().to_string(),
                    format!("{:?}", c.physical_type()),
                    c.self_type().is_optional(),
                )
            })
            .collect();
        let want: Vec<(String, String, bool)> = columns
            .iter()
            .map(|c| {
                let physical = match c.kind {
                    Kind::String => "BYTE_ARRAY",
                    Kind::Int64 => "INT64",
                    Kind::Boolean => "BOOLEAN",
                };
                (c.name.to_string(), physical.to_string(), c.nullable)
            })
            .collect();
        assert_eq!(got, want, "{table}");
        assert_eq!(
            sorted(read_table(&out_dir.join(table))),
            sorted(expected[table].clone()),
            "{table}"
        );
    }
}

#[test]
fn parquet_schema_is_documented() {
    let doc = std::fs::read_to_string(root().join("docs/parquet.md")).unwrap();
    for (table, columns) in tables::schema() {
        let start = doc
            .find(&format!("## `{table}`"))
            .unwrap_or_else(|| panic!("docs/parquet.md has no section ## `{table}`"));
        let section = &doc[start..];
        let section = &section[..section[3..].find("\n## ").map_or(section.len(), |i| i + 3)];
        let documented: Vec<&str> = section
            .lines()
            .filter_map(|l| l.strip_prefix("| `")?.split('`').next())
            .collect();
        let names: Vec<&str> = columns.iter().map(|c| c.name).collect();
        assert_eq!(documented, names, "docs/parquet.md, table {table}");
    }
}

#[test]
fn shards_cover_every_file_exactly_once() {
    let files = examples();
    let mut seen = Vec::new();
    for k in 1..=3 {
        let shard = format!("{k}/3");
        let mut args = vec!["--format", "jsonl", "--shard", &shard];
        args.extend(files.iter().map(String::as_str));
        seen.extend(lines(&scan(&args)).into_iter().map(|d| d.path));
    }
    seen.sort();
    assert_eq!(seen, files);
    let out = aiassure(&["scan", "--shard", "4/3", "fixtures/examples"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("K/N"));
}

#[test]
fn files_from_and_skip_known_read_only_new_documents() {
    let files = examples();
    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("register.txt");
    std::fs::write(&manifest, files[..2].join("\n") + "\n").unwrap();
    let m = manifest.to_str().unwrap();
    let first = lines(&scan(&["--format", "jsonl", "--files-from", m]));
    let first_paths: Vec<&str> = first.iter().map(|d| d.path.as_str()).collect();
    assert_eq!(first_paths, files[..2]);
    let results = dir.path().join("results.jsonl");
    std::fs::write(&results, scan(&["--format", "jsonl", "--files-from", m])).unwrap();
    let parquet = dir.path().join("results");
    scan(&[
        "--format",
        "parquet",
        "-o",
        parquet.to_str().unwrap(),
        "--files-from",
        m,
    ]);
    // The register grows by three files; one line gives its hash (a results line is a manifest
    // line too), the others are hashed from the file.
    let grown = dir.path().join("grown.txt");
    let mut text = std::fs::read_to_string(&results).unwrap();
    text.push_str(&files[2..].join("\n"));
    std::fs::write(&grown, text).unwrap();
    for known in [&results, &parquet] {
        let out = scan(&[
            "--format",
            "jsonl",
            "--files-from",
            grown.to_str().unwrap(),
            "--skip-known",
            known.to_str().unwrap(),
        ]);
        let paths: Vec<String> = lines(&out).into_iter().map(|d| d.path).collect();
        assert_eq!(paths, files[2..], "with --skip-known {}", known.display());
    }
    // A second Parquet run into the same folder adds a part instead of replacing the first.
    scan(&[
        "--format",
        "parquet",
        "-o",
        parquet.to_str().unwrap(),
        files[4].as_str(),
    ]);
    let paths: BTreeSet<String> = read_table(&parquet.join("documents"))
        .into_iter()
        .map(|r| r["path"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        paths,
        BTreeSet::from([files[0].clone(), files[1].clone(), files[4].clone()])
    );
    // A manifest line that is not a path or a JSON object with one is a usage error.
    std::fs::write(&grown, "{\"sha256\": \"ab\"}\n").unwrap();
    let out = aiassure(&["scan", "--files-from", grown.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 1"));
}

/// Runs `aiassure worker` with `input` on standard input; returns its output lines.
fn worker(args: &[&str], input: &str) -> Vec<Value> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_aiassure"))
        .arg("worker")
        .args(args)
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_string();
    let feeder = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().unwrap();
    feeder.join().unwrap().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn worker_answers_in_order_with_bad_requests_as_data_and_scans_verdicts() {
    let files = examples();
    let b64 = |p: &str| base64::engine::general_purpose::STANDARD.encode(std::fs::read(p).unwrap());
    let requests = [
        serde_json::json!({"path": files[0]}).to_string(),
        "{\"path\": ".into(), // cut short
        serde_json::json!({"name": files[1], "bytes_b64": b64(&files[1])}).to_string(),
        serde_json::json!({"name": "x.pdf", "bytes_b64": "not base64!"}).to_string(),
        serde_json::json!({"path": files[2]}).to_string(),
        serde_json::json!({"path": "fixtures/examples"}).to_string(),
        serde_json::json!({"name": files[3], "bytes_b64": b64(&files[3])}).to_string(),
        serde_json::json!({"path": files[4]}).to_string(),
    ];
    let answers = worker(&[], &(requests.join("\n") + "\n"));
    assert_eq!(answers.len(), requests.len());
    let status: Vec<(&str, &str)> = answers
        .iter()
        .map(|a| (a["path"].as_str().unwrap(), a["status"].as_str().unwrap()))
        .collect();
    assert_eq!(status[1], ("request 2", "error"));
    assert_eq!(status[3], ("request 4", "error"));
    assert_eq!(status[5], ("fixtures/examples", "error"));
    assert!(answers[1]["error"].as_str().unwrap().contains("not valid"));
    assert!(
        answers[5]["error"]
            .as_str()
            .unwrap()
            .contains("one request per file")
    );
    // The good answers are the scan's documents, whether the worker read the file or got its bytes.
    let good: Vec<Value> = [0, 2, 4, 6, 7]
        .iter()
        .map(|i| answers[*i].clone())
        .collect();
    assert_eq!(good, json_documents(&files));
    // `--emit rows` gives the tables' rows, as the Parquet report holds them.
    let rows = worker(&["--emit", "rows"], &(requests[4].clone() + "\n"));
    let documents: Vec<DocumentReport> = vec![serde_json::from_value(answers[4].clone()).unwrap()];
    let expected = expected_rows(&documents);
    for table in ["documents", "verdicts", "features"] {
        let got: Vec<BTreeMap<String, Value>> =
            serde_json::from_value(rows[0][table].clone()).unwrap();
        assert_eq!(
            got,
            expected.get(table).cloned().unwrap_or_default(),
            "{table}"
        );
    }
    // `--schema` prints the tables' columns.
    let out = aiassure(&["worker", "--schema"]);
    let schema: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(schema["verdicts"][3]["name"], "rule_id");
}
