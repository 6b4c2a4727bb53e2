//! Helpers shared by the integration tests.
//!
//! Tests that need something outside the repository (the shared corpus, chromium, LibreOffice,
//! poppler, strace) skip with a message when it is absent, except under CI (`CI=true`), where
//! an absent corpus or tool fails the test: a green CI run must mean every test really ran.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// True under CI (`CI=true`, as GitHub Actions, GitLab and most runners set it).
pub fn under_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true"))
}

/// Skips the rest of a test because `what` is absent: prints why, or under CI fails the test.
pub fn skip(what: &str) {
    assert!(
        !under_ci(),
        "{what}: under CI (CI=true) a missing corpus or tool is a failure, not a skip; \
         install it or make the corpus available"
    );
    eprintln!("skipped: {what}");
}

/// The shared corpus of real documents (`$AIASSURE_CORPUS` or `../shared/corpus`); `None` (the
/// test skips) when absent, a failure under CI.
#[allow(dead_code)]
pub fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("AIASSURE_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("../shared/corpus"));
    if dir.is_dir() {
        Some(dir)
    } else {
        skip(&format!(
            "the shared corpus is not at {} (set AIASSURE_CORPUS)",
            dir.display()
        ));
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
