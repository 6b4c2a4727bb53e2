//! Which files a per-file bench times: a spread of sizes, named briefly.

use std::path::{Path, PathBuf};

/// A few files that span the sizes in `paths`: the smallest, the median and the largest.
pub fn spread(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut sized: Vec<(u64, &PathBuf)> = paths
        .iter()
        .map(|p| (std::fs::metadata(p).map(|m| m.len()).unwrap_or(0), p))
        .collect();
    sized.sort();
    let picks = [0, sized.len() / 2, sized.len().saturating_sub(1)];
    let mut out: Vec<PathBuf> = Vec::new();
    for i in picks {
        if let Some((_, p)) = sized.get(i)
            && !out.contains(p)
        {
            out.push((*p).clone());
        }
    }
    out
}

/// A short, stable name for a file in a bench id: its stem, cut to 40 characters.
pub fn label(path: &Path) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy())
        .unwrap_or_default();
    stem.chars().take(40).collect::<String>().trim().to_string()
}
