//! Selection: which discovered files this run reads, for registers too large for one run.
//!
//! - [`read_manifest`]: the paths to read from a file (`--files-from`), one per line, each a
//!   path or a JSON object with `path` and, optionally, `sha256` (so a JSON lines results file
//!   is itself a manifest);
//! - [`Shard`]: one of N deterministic parts (`--shard K/N`), by a hash of each file's path as
//!   the report names it, so N runs with the same inputs cover every file exactly once;
//! - [`skip_known`]: leaves out files whose sha256 already has results (`--skip-known`), so a
//!   re-run over a grown register reads only new or changed documents.
//!
//! This module decides nothing about a file's contents and reads no file: hashes come from the
//! manifest or from the caller.

use std::collections::{HashMap, HashSet};
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::discover::Discovered;
use crate::model::Source;

/// A manifest or shard that could not be used.
#[derive(Debug, thiserror::Error)]
pub enum SelectError {
    /// The manifest could not be read.
    #[error("could not read the list of files {}: {source}", path.display())]
    Io {
        /// The manifest.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A line of the manifest is neither a path nor a JSON object with a `path`.
    #[error(
        "{}, line {line}: {reason}; each line must be a path, or a JSON object such as {{\"path\": \"a.pdf\", \"sha256\": \"...\"}}",
        path.display()
    )]
    Line {
        /// The manifest.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What is wrong with it.
        reason: String,
    },
    /// `--shard` is not `K/N` with 1 <= K <= N.
    #[error(
        "--shard {0:?} is not a shard: write K/N with 1 <= K <= N, e.g. 3/8 for the third of eight"
    )]
    Shard(String),
}

/// The files a manifest lists.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Manifest {
    /// The paths, in the manifest's order (discovery sorts them).
    pub paths: Vec<PathBuf>,
    /// The sha256 the manifest gives for a path, by the path as written.
    pub hashes: HashMap<String, String>,
}

/// A line of a manifest written as JSON.
#[derive(Deserialize)]
struct Line {
    path: String,
    #[serde(default)]
    sha256: Option<String>,
}

/// Reads a manifest: one entry per line, blank lines ignored. A line starting with `{` is a
/// JSON object with `path` (and optionally `sha256`; other fields are ignored); any other line
/// is a path, taken as written (relative paths from the current folder, as on the command line).
/// `-` reads standard input.
pub fn read_manifest(path: &Path) -> Result<Manifest, SelectError> {
    let io = |source| SelectError::Io {
        path: path.to_path_buf(),
        source,
    };
    let reader: Box<dyn BufRead> = if path == Path::new("-") {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(std::io::BufReader::new(
            std::fs::File::open(path).map_err(io)?,
        ))
    };
    let mut manifest = Manifest::default();
    for (i, line) in reader.lines().enumerate() {
        let line = line.map_err(io)?;
        let line = line.strip_suffix('\r').unwrap_or(&line);
        if line.trim().is_empty() {
            continue;
        }
        if line.trim_start().starts_with('{') {
            let entry: Line = serde_json::from_str(line).map_err(|e| SelectError::Line {
                path: path.to_path_buf(),
                line: i + 1,
                reason: e.to_string(),
            })?;
            if let Some(hash) = entry.sha256.filter(|h| !h.is_empty()) {
                manifest.hashes.insert(entry.path.clone(), hash);
            }
            manifest.paths.push(PathBuf::from(entry.path));
        } else {
            manifest.paths.push(PathBuf::from(line));
        }
    }
    Ok(manifest)
}

/// One of N parts of the files (`--shard K/N`, 1-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// Which part, 1 to `of`.
    pub index: u64,
    /// How many parts.
    pub of: u64,
}

impl FromStr for Shard {
    type Err = SelectError;

    fn from_str(s: &str) -> Result<Shard, SelectError> {
        let bad = || SelectError::Shard(s.to_string());
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let index: u64 = k.trim().parse().map_err(|_| bad())?;
        let of: u64 = n.trim().parse().map_err(|_| bad())?;
        if index == 0 || index > of {
            return Err(bad());
        }
        Ok(Shard { index, of })
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.of)
    }
}

impl Shard {
    /// The part (1 to `of`) a path belongs to: the first 8 bytes of the sha256 of the path as
    /// the report names it, as a big-endian number, modulo `of`, plus one. The same on every
    /// machine (in Python: `int(hashlib.sha256(p.encode()).hexdigest()[:16], 16) % n + 1`).
    pub fn of_path(path: &str, of: u64) -> u64 {
        let digest = Sha256::digest(path.as_bytes());
        let mut first = [0u8; 8];
        first.copy_from_slice(&digest[..8]);
        u64::from_be_bytes(first) % of.max(1) + 1
    }

    /// True when a path belongs to this part.
    pub fn contains(&self, path: &str) -> bool {
        Shard::of_path(path, self.of) == self.index
    }

    /// Keeps the files (and the unsupported files named, which the report lists) of this part.
    pub fn select(&self, found: &mut Discovered) {
        found.sources.retain(|s| self.contains(&s.display));
        found
            .unsupported
            .retain(|p| self.contains(&p.path.to_string_lossy()));
    }
}

/// Leaves out the files whose sha256 is in `known`, and returns how many were left out. A file's
/// hash is the manifest's (`given`, by display path) when it has one, else `hash(source)`; a
/// file whose hash cannot be had (`None`: unreadable now) is kept, so the scan reports why.
pub fn skip_known(
    found: &mut Discovered,
    known: &HashSet<String>,
    given: &HashMap<String, String>,
    hash: &dyn Fn(&Source) -> Option<String>,
) -> usize {
    let before = found.sources.len();
    found.sources.retain(|s| {
        let sha = given.get(&s.display).cloned().or_else(|| hash(s));
        !sha.is_some_and(|h| known.contains(&h))
    });
    before - found.sources.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Format;

    #[test]
    fn manifests_take_paths_and_json_lines() {
        let dir = tempfile::tempdir().unwrap();
        let m = dir.path().join("files.txt");
        std::fs::write(
            &m,
            "a b.pdf\r\n\n{\"path\": \"c.docx\", \"sha256\": \"cc\", \"status\": \"analysed\"}\n{\"path\":\"d.txt\"}\n",
        )
        .unwrap();
        let got = read_manifest(&m).unwrap();
        assert_eq!(got.paths, ["a b.pdf", "c.docx", "d.txt"].map(PathBuf::from));
        assert_eq!(got.hashes, HashMap::from([("c.docx".into(), "cc".into())]));
        std::fs::write(&m, "a.pdf\n{\"sha256\": \"x\"}\n").unwrap();
        let err = read_manifest(&m).unwrap_err().to_string();
        assert!(err.contains("line 2") && err.contains("path"), "{err}");
        let err = read_manifest(&dir.path().join("missing")).unwrap_err();
        assert!(matches!(err, SelectError::Io { .. }));
    }

    #[test]
    fn shards_parse_and_cover_every_path_exactly_once() {
        assert_eq!("3/8".parse::<Shard>().unwrap(), Shard { index: 3, of: 8 });
        for bad in ["0/3", "4/3", "1", "a/b", "1/0", "-1/2"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
        let paths: Vec<String> = (0..2000).map(|i| format!("register/{i}.pdf")).collect();
        for n in [1u64, 2, 7] {
            let mut counts = vec![0usize; usize::try_from(n).unwrap()];
            for p in &paths {
                let owners: Vec<u64> = (1..=n)
                    .filter(|k| Shard { index: *k, of: n }.contains(p))
                    .collect();
                assert_eq!(owners.len(), 1, "{p} in {owners:?} of {n}");
                counts[usize::try_from(owners[0] - 1).unwrap()] += 1;
            }
            // Roughly even: no part has less than half its share.
            let share = paths.len() / counts.len();
            assert!(counts.iter().all(|c| *c * 2 > share), "{counts:?}");
        }
        // The documented formula, fixed: the same part on every machine and release.
        assert_eq!(Shard::of_path("register/0.pdf", 1), 1);
        let expected = u64::from_str_radix(&crate::model::sha256_hex(b"register/0.pdf")[..16], 16)
            .unwrap()
            % 7
            + 1;
        assert_eq!(Shard::of_path("register/0.pdf", 7), expected);
    }

    #[test]
    fn known_files_are_left_out_by_given_or_computed_hash() {
        let source = |name: &str| Source {
            path: PathBuf::from(name),
            display: name.into(),
            format: Format::Text,
        };
        let mut found = Discovered {
            sources: vec![source("a"), source("b"), source("c"), source("d")],
            ..Discovered::default()
        };
        let known = HashSet::from(["ha".to_string(), "hb".to_string()]);
        let given = HashMap::from([("a".to_string(), "ha".to_string())]);
        let hash = |s: &Source| match s.display.as_str() {
            "b" => Some("hb".to_string()),
            "c" => Some("new".to_string()),
            _ => None,
        };
        assert_eq!(skip_known(&mut found, &known, &given, &hash), 2);
        let left: Vec<&str> = found.sources.iter().map(|s| s.display.as_str()).collect();
        assert_eq!(left, ["c", "d"]);
    }
}
