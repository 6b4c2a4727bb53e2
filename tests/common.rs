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

/// A file of the shared spec (`$AIASSURE_SPEC` or `../shared/spec`), e.g. `report-json.md`;
/// `None` (the test skips) when absent, a failure under CI.
#[allow(dead_code)]
pub fn spec(name: &str) -> Option<String> {
    let dir = std::env::var_os("AIASSURE_SPEC")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("../shared/spec"));
    let path = dir.join(name);
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(e) => {
            skip(&format!(
                "the shared spec file {} cannot be read ({e}; set AIASSURE_SPEC)",
                path.display()
            ));
            None
        }
    }
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

/// The skip rule itself: this test binary runs a probe whose tool is absent, once under
/// `CI=true` (it must fail, naming the tool) and once without CI (it must pass, saying why it
/// skipped).
#[test]
fn a_missing_tool_fails_under_ci_and_skips_locally() {
    let exe = std::env::current_exe().expect("the test binary");
    let probe = |ci: bool| {
        let mut cmd = Command::new(&exe);
        cmd.args([
            "--ignored",
            "--exact",
            "common::probe_missing_tool",
            "--nocapture",
        ]);
        if ci {
            cmd.env("CI", "true");
        } else {
            cmd.env_remove("CI");
        }
        let out = cmd.output().expect("the test binary runs");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            text.contains("1 passed") || text.contains("1 failed"),
            "the probe did not run:\n{text}"
        );
        (out.status.success(), text)
    };
    let (passed, text) = probe(true);
    assert!(!passed, "under CI=true a missing tool passed:\n{text}");
    assert!(
        text.contains("is a failure, not a skip") && text.contains(PROBE_TOOL),
        "{text}"
    );
    let (passed, text) = probe(false);
    assert!(passed, "without CI a missing tool failed:\n{text}");
    assert!(text.contains(&format!("skipped: {PROBE_TOOL}")), "{text}");
}

/// What the probe lacks.
const PROBE_TOOL: &str = "the probe's tool /nonexistent/aiassure-probe";

#[test]
#[ignore = "run by a_missing_tool_fails_under_ci_and_skips_locally in a child process"]
fn probe_missing_tool() {
    if !Path::new("/nonexistent/aiassure-probe").exists() {
        skip(PROBE_TOOL);
    }
}
