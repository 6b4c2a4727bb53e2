//! The clause library: registry invariants, every rule's examples, and validation of custom
//! libraries (invalid fixtures named by file and line).

use aiassure::check::clauses::examples;
use aiassure::library::Library;

use crate::common::root;

/// Every rule id of the spec's requirements.md, by tier.
const SPEC_IDS: &[&str] = &[
    "ai-use-requires-approval",
    "ai-use-disclosure",
    "ai-change-notice",
    "no-training-on-buyer-data",
    "no-buyer-data-in-public-ai",
    "ai-data-use-and-deletion",
    "ai-impact-assessment",
    "human-oversight-of-automated-decisions",
    "ai-subcontractor-flow-down",
    "ai-model-transparency",
    "ai-bias-testing",
    "ai-safety-testing",
    "ai-output-accuracy",
    "ai-audit-and-records",
    "ai-incident-notification",
    "ai-transparency-register",
    "ai-output-ip",
    "ai-exit-and-portability",
    "ai-interaction-notice",
    "ai-accountable-lead",
    "ai-regulatory-classification",
    "ai-environmental-impact",
    "no-unapproved-messaging-apps",
    "tender-ai-declaration",
    "tender-ai-model-provenance",
    "tender-ai-training-data",
    "tender-ai-testing",
    "tender-ai-data-flows",
    "tender-ai-human-oversight",
    "tender-ai-change-and-incident",
];

#[test]
fn every_rule_example_passes() {
    let lib = Library::builtin();
    let (total, failures) = examples::run(&lib, &lib.rules);
    for f in &failures {
        eprintln!(
            "{} [{}]: expected {}, got {}: {}",
            f.location,
            f.rule,
            f.expected.as_str(),
            f.got.as_str(),
            f.explanation
        );
    }
    println!("library examples: {total} run, {} failed", failures.len());
    assert!(
        failures.is_empty(),
        "{} of {total} examples failed",
        failures.len()
    );
}

#[test]
fn registry_invariants() {
    let lib = Library::builtin();
    assert_eq!(lib.name, "uk-public-sector");
    assert_eq!(lib.version, "2026.1");
    let mut ids: Vec<&str> = lib.rules.iter().map(|r| r.id.as_str()).collect();
    let n = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), n, "rule ids are unique");
    for id in SPEC_IDS {
        assert!(
            lib.rule(id).is_some(),
            "requirements.md rule {id} is in the library"
        );
    }
    for r in &lib.rules {
        let info = r.info();
        assert!(
            !info.requires.is_empty() && !info.why.is_empty(),
            "{} documented",
            r.id
        );
        assert!(!info.sources.is_empty(), "{} has sources", r.id);
        assert!(info.model_wording.len() > 100, "{} has model wording", r.id);
        assert!(!r.weakened_by.is_empty(), "{} says what weakens it", r.id);
        assert!(
            !r.contradicted_by.is_empty(),
            "{} says what contradicts it",
            r.id
        );
        let kinds: Vec<_> = r.examples.iter().map(|e| e.expect).collect();
        for want in ["present", "missing"] {
            assert!(
                kinds.iter().any(|k| k.as_str() == want),
                "{} has a {want} example",
                r.id
            );
        }
    }
    let _ = root();
}

fn stderr_of(args: &[&str]) -> (Option<i32>, String, String) {
    let out = crate::common::aiassure(args);
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn invalid_libraries_are_rejected_with_file_and_line() {
    for name in ["bad-regex", "unknown-concept", "bad-syntax"] {
        let dir = format!("fixtures/library-invalid/{name}");
        let (code, _, err) = stderr_of(&["rules", "--check", &dir]);
        assert_eq!(code, Some(2), "{name}: exit 2 for an invalid library");
        insta::assert_snapshot!(format!("invalid-library-{name}"), err);
    }
}

#[test]
fn custom_library_examples_are_run() {
    let (code, out, _) = stderr_of(&["rules", "--check", "fixtures/library-custom"]);
    assert_eq!(code, Some(1), "a failing example gives exit 1:\n{out}");
    assert!(out.contains("fixtures/library-custom/rules.toml:35: example of ai-translation-quality expected present, got missing"), "{out}");
    assert!(out.contains("2 of 3 example(s) passed"), "{out}");
    // The custom rule is used by scan-time loading too, over the default rules.
    let lib = Library::load(&root().join("fixtures/library-custom")).expect("valid");
    assert!(lib.rule("ai-translation-quality").is_some());
    assert!(lib.rule("no-training-on-buyer-data").is_some());
}

#[test]
fn rules_and_explain_commands() {
    let (code, out, _) = stderr_of(&["rules"]);
    assert_eq!(code, Some(0));
    for id in SPEC_IDS {
        assert!(out.contains(id), "rules lists {id}");
    }
    let (code, out, _) = stderr_of(&["rules", "--format", "json"]);
    assert_eq!(code, Some(0));
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["rules"].as_array().map(Vec::len), Some(SPEC_IDS.len()));
    let (code, out, _) = stderr_of(&["explain", "no-training-on-buyer-data"]);
    assert_eq!(code, Some(0));
    for part in [
        "What it requires",
        "Why",
        "Sources",
        "Weak when",
        "Contradicted when",
        "Suggested wording",
        "UK GDPR",
    ] {
        assert!(out.contains(part), "explain has {part}:\n{out}");
    }
    // The tender pack's rules explain themselves too, with the question a weak answer gets.
    let (code, out, _) = stderr_of(&["explain", "tender-ai-data-flows"]);
    assert_eq!(code, Some(0));
    assert!(out.contains("Clarification question"), "{out}");
    assert!(out.contains("sub-processor"), "{out}");
    let (code, _, err) = stderr_of(&["explain", "no-training"]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("did you mean: no-training-on-buyer-data"),
        "{err}"
    );
}
