//! Discovery: command-line paths into a sorted, de-duplicated list of files to read.
//!
//! Folders are walked recursively. Hidden files and folders, Word lock files (`~$*`) and files of
//! other types are skipped; symbolic links are followed, and a link that points back up the tree
//! (a loop) is reported and not followed; pipes, devices and sockets are skipped. A file named on
//! the command line is always included, even with an unknown extension or a lock-file name, so
//! that the report can say why it was not read; a pipe or device named there is read like any
//! file (as `cat` would: a pipe waits for its writer), up to the file-size limit.

use std::path::{Path, PathBuf};

use crate::model::{Format, Source};

/// Why a named file of another type is not read.
pub const UNSUPPORTED_TYPE: &str =
    "unsupported file type: aiassure reads .pdf, .docx, .txt, .md and .html files";

/// A path that could not be walked. Reported to the user; the batch goes on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The path concerned.
    pub path: PathBuf,
    /// Plain-English reason.
    pub message: String,
}

/// What discovery found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Discovered {
    /// Files to read, sorted by display path.
    pub sources: Vec<Source>,
    /// Files named on the command line whose type is not read (path, reason).
    pub unsupported: Vec<Problem>,
    /// Paths that could not be walked.
    pub problems: Vec<Problem>,
    /// The folder the paths given have in common, a file counting as its folder (empty when they
    /// have none): reports for people name documents relative to it.
    pub folder: PathBuf,
}

/// True for names the walk skips: hidden entries and Word lock files.
fn skipped_name(name: &str) -> bool {
    name.starts_with('.') || name.starts_with("~$")
}

/// Finds the files under `paths`.
pub fn discover(paths: &[PathBuf]) -> Discovered {
    let mut found = Discovered::default();
    for root in paths {
        if root.is_dir() {
            walk(root, &mut found);
        } else if root.exists() {
            let display = root.to_string_lossy().into_owned();
            let name = root
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            if name.starts_with("~$") {
                found.unsupported.push(Problem {
                    path: root.clone(),
                    message: "a Word lock file (~$...), which Word makes while a document is \
                              open; it holds no text: skip it and check the document itself"
                        .into(),
                });
                continue;
            }
            match Format::from_path(root) {
                Some(format) => found.sources.push(Source {
                    path: root.clone(),
                    display,
                    format,
                }),
                None => found.unsupported.push(Problem {
                    path: root.clone(),
                    message: UNSUPPORTED_TYPE.into(),
                }),
            }
        } else {
            found.problems.push(Problem {
                path: root.clone(),
                message: "no such file or folder: check the path".into(),
            });
        }
    }
    found.sources.sort_by(|a, b| a.display.cmp(&b.display));
    found.sources.dedup_by(|a, b| a.display == b.display);
    found.folder = common_folder(paths);
    found
}

/// The longest folder that holds every path (a folder holds itself; a file is held by its
/// parent), compared component by component as written: `a/b` and `a/c/d.pdf` give `a`.
fn common_folder(paths: &[PathBuf]) -> PathBuf {
    let mut folders = paths.iter().map(|p| {
        if p.is_dir() {
            p.as_path()
        } else {
            p.parent().unwrap_or(Path::new(""))
        }
    });
    let Some(first) = folders.next() else {
        return PathBuf::new();
    };
    let mut common: Vec<_> = first.components().collect();
    for folder in folders {
        let same = common
            .iter()
            .zip(folder.components())
            .take_while(|(a, b)| *a == b)
            .count();
        common.truncate(same);
    }
    common.iter().collect()
}

fn walk(root: &Path, found: &mut Discovered) {
    let walker = walkdir::WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !skipped_name(&e.file_name().to_string_lossy()));
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(err) => {
                let path = err
                    .path()
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| root.to_path_buf());
                let message = if err.loop_ancestor().is_some() {
                    "link loop: this folder links back to a folder above it, so it was not followed"
                        .to_string()
                } else {
                    format!("could not be read: {err}")
                };
                found.problems.push(Problem { path, message });
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let Some(format) = Format::from_path(entry.path()) else {
            continue;
        };
        let rel = entry.path().strip_prefix(root).unwrap_or(entry.path());
        let display = root.join(rel).to_string_lossy().into_owned();
        found.sources.push(Source {
            path: entry.path().to_path_buf(),
            display,
            format,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_sorted_and_skips_hidden_lock_and_other_files() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path();
        std::fs::create_dir_all(p.join("b/.hidden")).unwrap();
        for f in [
            "b/z.pdf",
            "a.docx",
            "~$a.docx",
            ".x.txt",
            "b/.hidden/y.md",
            "notes.xlsx",
            "c.TXT",
        ] {
            std::fs::write(p.join(f), b"x").unwrap();
        }
        let found = discover(&[p.to_path_buf()]);
        let names: Vec<_> = found
            .sources
            .iter()
            .map(|s| {
                s.path
                    .strip_prefix(p)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        assert_eq!(names, ["a.docx", "b/z.pdf", "c.TXT"]);
        assert!(found.problems.is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn link_loop_is_reported_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path();
        std::fs::create_dir_all(p.join("a")).unwrap();
        std::fs::write(p.join("a/doc.txt"), b"x").unwrap();
        std::os::unix::fs::symlink(p, p.join("a/loop")).unwrap();
        let found = discover(&[p.to_path_buf()]);
        assert_eq!(found.sources.len(), 1);
        assert_eq!(found.problems.len(), 1);
        assert!(found.problems[0].message.contains("link loop"));
    }

    #[test]
    fn the_folder_in_common_of_folders_and_files() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path();
        std::fs::create_dir_all(p.join("bids/late")).unwrap();
        std::fs::create_dir_all(p.join("contracts")).unwrap();
        std::fs::write(p.join("bids/a.pdf"), b"x").unwrap();
        let folder = |paths: &[PathBuf]| discover(paths).folder;
        assert_eq!(folder(&[p.join("bids")]), p.join("bids"));
        assert_eq!(folder(&[p.join("bids/a.pdf")]), p.join("bids"));
        assert_eq!(
            folder(&[p.join("bids/late"), p.join("bids/a.pdf")]),
            p.join("bids")
        );
        assert_eq!(folder(&[p.join("bids"), p.join("contracts")]), p);
        assert_eq!(folder(&[PathBuf::from("a.pdf")]), PathBuf::new());
        assert_eq!(
            folder(&[p.join("bids"), PathBuf::from("a.pdf")]),
            PathBuf::new()
        );
    }

    #[test]
    fn named_file_of_unknown_type_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("bid.xlsx");
        std::fs::write(&f, b"x").unwrap();
        let lock = dir.path().join("~$bid.docx");
        std::fs::write(&lock, b"x").unwrap();
        let found = discover(&[f, dir.path().join("missing.pdf"), lock]);
        assert!(found.sources.is_empty());
        assert_eq!(found.unsupported.len(), 2);
        assert!(found.unsupported[1].message.contains("Word lock file"));
        assert_eq!(found.problems.len(), 1);
    }
}
