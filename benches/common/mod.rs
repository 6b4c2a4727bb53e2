//! What every bench shares: where the corpus is and which of its files to read.

use std::path::{Path, PathBuf};

/// The shared corpus (`$AIASSURE_CORPUS`, else `../shared/corpus` beside the crate), or `None`
/// with a printed message when it is absent: benches then skip what needs it.
pub fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("AIASSURE_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"));
    if dir.is_dir() {
        Some(dir)
    } else {
        println!(
            "skipped: the corpus is not at {} (set AIASSURE_CORPUS)",
            dir.display()
        );
        None
    }
}

/// Files under `dir` (recursively) whose extension is one of `exts` (lower case), sorted by
/// path so every run reads the same files in the same order. The corpus's README files describe
/// where the documents come from and are left out. Empty when `dir` is absent.
pub fn files(dir: &Path, exts: &[&str]) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(walkdir::DirEntry::into_path)
        .filter(|p| p.file_stem().is_none_or(|s| s != "README"))
        .filter(|p| {
            p.extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| exts.contains(&e.to_ascii_lowercase().as_str()))
        })
        .collect();
    out.sort();
    out
}
