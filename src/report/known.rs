//! Results already written, read back for `scan --skip-known RESULTS`: the sha256 of every
//! document that a results file or folder has a result for. RESULTS is a JSON lines file
//! (`scan --format jsonl`, `aiassure worker`, many concatenated), a JSON report
//! (`scan --format json`), or a Parquet folder (`scan --format parquet -o DIR`, or the Spark
//! job's output).

use std::collections::HashSet;
use std::io::BufRead;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::parquet::{TableError, document_hashes};

/// Results that could not be read.
#[derive(Debug, thiserror::Error)]
pub enum KnownError {
    /// The file could not be opened or read.
    #[error("could not read the results {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A line is not a document of a results file.
    #[error(
        "{}, line {line}, is not a document's results ({reason}); give a file written by `scan --format jsonl` or `--format json`, or a Parquet folder",
        path.display()
    )]
    Line {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What is wrong with it.
        reason: String,
    },
    /// A Parquet folder could not be read.
    #[error(transparent)]
    Parquet(#[from] TableError),
}

/// The part of a document's results that says which file it is.
#[derive(Deserialize)]
struct Hashed {
    sha256: String,
}

/// A whole JSON report: only its documents' hashes are read.
#[derive(Deserialize)]
struct Whole {
    documents: Vec<Hashed>,
}

/// The sha256 of every document `path` has results for (empty hashes, of files that could not
/// be read at all, are left out).
pub fn known_hashes(path: &Path) -> Result<HashSet<String>, KnownError> {
    if path.is_dir() {
        return Ok(document_hashes(path)?);
    }
    let io = |source| KnownError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let mut hashes = HashSet::new();
    for (i, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line.map_err(io)?;
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Hashed>(&line) {
            Ok(h) => {
                hashes.insert(h.sha256);
            }
            // A pretty-printed JSON report starts with a line holding only `{`.
            Err(_) if i == 0 && line.trim() == "{" => return whole_report(path),
            Err(e) => {
                return Err(KnownError::Line {
                    path: path.to_path_buf(),
                    line: i + 1,
                    reason: e.to_string(),
                });
            }
        }
    }
    hashes.remove("");
    Ok(hashes)
}

fn whole_report(path: &Path) -> Result<HashSet<String>, KnownError> {
    let file = std::fs::File::open(path).map_err(|source| KnownError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let whole: Whole =
        serde_json::from_reader(std::io::BufReader::new(file)).map_err(|e| KnownError::Line {
            path: path.to_path_buf(),
            line: e.line(),
            reason: e.to_string(),
        })?;
    Ok(whole
        .documents
        .into_iter()
        .map(|d| d.sha256)
        .filter(|h| !h.is_empty())
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_json_lines_and_json_reports_and_names_a_bad_line() {
        let dir = tempfile::tempdir().unwrap();
        let lines = dir.path().join("r.jsonl");
        std::fs::write(
            &lines,
            "{\"path\":\"a\",\"sha256\":\"aa\"}\n\n{\"sha256\":\"\"}\n{\"sha256\":\"bb\"}\n",
        )
        .unwrap();
        let got = known_hashes(&lines).unwrap();
        assert_eq!(got, HashSet::from(["aa".into(), "bb".into()]));
        let report = dir.path().join("r.json");
        std::fs::write(
            &report,
            "{\n  \"documents\": [\n    {\"sha256\": \"cc\"}\n  ]\n}\n",
        )
        .unwrap();
        assert_eq!(known_hashes(&report).unwrap(), HashSet::from(["cc".into()]));
        let bad = dir.path().join("bad.jsonl");
        std::fs::write(&bad, "{\"sha256\":\"aa\"}\nnot json\n").unwrap();
        let err = known_hashes(&bad).unwrap_err().to_string();
        assert!(err.contains("line 2"), "{err}");
    }
}
