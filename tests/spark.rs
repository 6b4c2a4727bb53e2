//! The Spark job of `deploy/spark/` in Spark local mode, on the shared corpus: its verdicts,
//! documents and AI features equal a single-machine `aiassure scan` of the same files, read from
//! a manifest (the workers read the files) and from Spark's binaryFile source (the bytes travel
//! in the requests); its tables have the columns of `scan --format parquet` (read by pyarrow);
//! and `scan --skip-known` takes its output folder.
//!
//! Needs Java (Debian `openjdk-17-jre-headless`) and Python with `pyspark` and `pyarrow` (PyPI);
//! `$AIASSURE_PYTHON` names the Python (default `python3`). Without them the test skips, and
//! fails under CI.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use aiassure::model::DocumentReport;
use serde_json::Value;

use crate::common::{aiassure, corpus, root, skip};
use crate::scale::{expected_rows, read_table, sorted};

fn python() -> String {
    std::env::var("AIASSURE_PYTHON").unwrap_or_else(|_| "python3".into())
}

/// True when Java and Python with pyspark and pyarrow are there; else skips (fails under CI).
fn spark_available() -> bool {
    let java = Command::new("java").arg("-version").output();
    if !java.is_ok_and(|o| o.status.success()) {
        skip("Java is not installed (Debian: apt-get install openjdk-17-jre-headless)");
        return false;
    }
    let modules = Command::new(python())
        .args(["-c", "import pyspark, pyarrow"])
        .output();
    if !modules.is_ok_and(|o| o.status.success()) {
        skip(&format!(
            "{} cannot import pyspark and pyarrow (pip install pyspark pyarrow)",
            python()
        ));
        return false;
    }
    true
}

/// Runs the Spark job in local mode with two cores.
fn spark_job(input: &[&str], out: &Path) {
    let started = std::time::Instant::now();
    let output = Command::new(python())
        .arg(root().join("deploy/spark/aiassure_spark.py"))
        .args(["--master", "local[2]", "--partitions", "3"])
        .args(["--aiassure", env!("CARGO_BIN_EXE_aiassure")])
        .args(input)
        .arg("--out")
        .arg(out)
        // Spark's own logging stays out of the way; its UI port is not opened.
        .env(
            "PYSPARK_SUBMIT_ARGS",
            "--conf spark.ui.enabled=false pyspark-shell",
        )
        .current_dir(root())
        .output()
        .expect("python runs");
    assert!(
        output.status.success(),
        "the Spark job failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    println!("spark job {input:?}: {:.1?}", started.elapsed());
}

/// `scan --format jsonl` of paths.
fn single_machine(paths: &[String]) -> Vec<DocumentReport> {
    let mut args = vec!["scan", "--quiet", "--format", "jsonl"];
    args.extend(paths.iter().map(String::as_str));
    let out = aiassure(&args);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Checks every table Spark wrote against the single-machine rows (Spark puts `doc_type` in the
/// partition folder, so it is compared through the folder name).
fn same_tables(out: &Path, documents: &[DocumentReport]) {
    let expected = expected_rows(documents);
    for table in ["documents", "verdicts", "features"] {
        let mut got = Vec::new();
        for partition in std::fs::read_dir(out.join(table)).unwrap() {
            let partition = partition.unwrap().path();
            let name = partition
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let Some(doc_type) = name.strip_prefix("doc_type=") else {
                continue;
            };
            for mut row in read_table(&partition) {
                row.insert("doc_type".into(), Value::from(doc_type));
                got.push(row);
            }
        }
        let want = expected.get(table).cloned().unwrap_or_default();
        // A folder of plain contracts may describe no AI feature, so only the first two tables
        // must have rows; the whole corpus's features are checked by the caller.
        assert!(
            !want.is_empty() || table == "features",
            "{table}: the corpus gives rows"
        );
        assert_eq!(sorted(got), sorted(want), "{table}: Spark against scan");
    }
}

#[test]
fn spark_job_gives_the_verdicts_of_a_single_machine_scan() {
    let Some(corpus) = corpus() else { return };
    if !spark_available() {
        return;
    }
    let corpus = corpus.canonicalize().unwrap();
    let dir = tempfile::tempdir().unwrap();

    // 1. A manifest of the corpus's contracts: the workers read the files.
    let all = single_machine(&[corpus.join("contracts").to_string_lossy().into_owned()]);
    assert!(all.len() > 100, "{} documents", all.len());
    let paths: Vec<String> = all.iter().map(|d| d.path.clone()).collect();
    let manifest = dir.path().join("register.txt");
    std::fs::write(&manifest, paths.join("\n") + "\n").unwrap();
    let out = dir.path().join("from-manifest");
    spark_job(&["--manifest", manifest.to_str().unwrap()], &out);
    assert!(
        all.iter().any(|d| !d.ai_features.is_empty()),
        "the corpus describes AI features"
    );
    same_tables(&out, &all);

    // 2. Spark's binaryFile source over a folder: the bytes travel in the requests.
    let folder = corpus.join("contracts/bonterms");
    let bonterms = single_machine(&[folder.to_string_lossy().into_owned()]);
    assert!(bonterms.len() >= 10, "{} documents", bonterms.len());
    let out_binary = dir.path().join("from-binary");
    spark_job(&["--binary", folder.to_str().unwrap()], &out_binary);
    same_tables(&out_binary, &bonterms);

    // 3. pyarrow reads both writers' tables alike: the same columns (Spark's `doc_type` from the
    //    partition folders) and rows.
    let rust_out = dir.path().join("from-scan");
    let mut args = vec![
        "scan",
        "--quiet",
        "--format",
        "parquet",
        "-o",
        rust_out.to_str().unwrap(),
    ];
    args.extend(paths.iter().map(String::as_str));
    let status = aiassure(&args).status.code();
    assert!(matches!(status, Some(0 | 1)));
    let script = r#"
import json, sys
import pyarrow.dataset as ds
out = {}
for name, path in (("spark", sys.argv[1]), ("scan", sys.argv[2])):
    for table in ("documents", "verdicts", "features"):
        t = ds.dataset(f"{path}/{table}", format="parquet", partitioning="hive").to_table()
        out[f"{name}.{table}"] = {"columns": sorted(t.column_names), "rows": t.num_rows}
print(json.dumps(out))
"#;
    let output = Command::new(python())
        .args(["-c", script])
        .arg(&out)
        .arg(&rust_out)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let seen: BTreeMap<String, Value> = serde_json::from_slice(&output.stdout).unwrap();
    for table in ["documents", "verdicts", "features"] {
        assert_eq!(
            seen[&format!("spark.{table}")],
            seen[&format!("scan.{table}")],
            "{table}"
        );
    }

    // 4. `--skip-known` takes the Spark job's output: nothing is left to read.
    let out = aiassure(&[
        "scan",
        "--format",
        "jsonl",
        "--files-from",
        manifest.to_str().unwrap(),
        "--skip-known",
        dir.path().join("from-manifest").to_str().unwrap(),
    ]);
    assert_ne!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), "");
}
