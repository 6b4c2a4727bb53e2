//! The real binary: arguments, output and exit codes.

use crate::common::aiassure;

#[test]
fn version_and_help() {
    let out = aiassure(&["--version"]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("aiassure "));
    let out = aiassure(&["scan", "--help"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("--fail-on"));
}

#[test]
fn missing_path_is_a_usage_error() {
    let out = aiassure(&["scan", "no/such/folder"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nothing to analyse"));
}
