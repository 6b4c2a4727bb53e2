//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The shared corpus of real documents, if present (`$AIASSURE_CORPUS` or `../shared/corpus`).
#[allow(dead_code)]
pub fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("AIASSURE_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("../shared/corpus"));
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "skipped: the shared corpus is not at {} (set AIASSURE_CORPUS)",
            dir.display()
        );
        None
    }
}

/// Runs the aiassure binary with arguments, in the repository root.
pub fn aiassure(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_aiassure"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("the aiassure binary runs")
}
