//! Contracts as they are kept: contract families (`--family-by folder`, `family.toml`), waivers
//! (`--waivers`, `aiassure waive`) and baselines (`--baseline`), through the real binary on
//! documents written for the project (fixtures/families/, PDF and DOCX built from `src/*.md`).
//! Each test asserts the JSON report, the exit code and the SARIF log.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

use crate::common::root;
use crate::report::schema_errors;

const TRAINING: &str = "no-training-on-buyer-data";

fn fixture(path: &str) -> PathBuf {
    root().join("fixtures/families").join(path)
}

/// Runs the binary in `dir`.
fn run_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_aiassure"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the aiassure binary runs")
}

fn json_of(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "JSON on stdout ({e}); stderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// Scans with `args` twice, as JSON and as SARIF: (exit code, JSON, SARIF).
fn scan(dir: &Path, args: &[&str]) -> (i32, Value, Value) {
    let with = |format: &str| {
        let mut all = vec!["scan", "--quiet", "--format", format];
        all.extend_from_slice(args);
        run_in(dir, &all)
    };
    let json = with("json");
    let sarif = with("sarif");
    assert_eq!(
        json.status.code(),
        sarif.status.code(),
        "one exit code for every format"
    );
    let report = json_of(&json);
    assert_eq!(
        schema_errors(&report),
        Vec::<String>::new(),
        "the report keeps its schema"
    );
    (json.status.code().unwrap_or(-1), report, json_of(&sarif))
}

fn family<'a>(report: &'a Value, name_ends: &str) -> &'a Value {
    report["families"]
        .as_array()
        .expect("a families list")
        .iter()
        .find(|f| f["name"].as_str().unwrap().ends_with(name_ends))
        .unwrap_or_else(|| panic!("a family {name_ends} in {}", report["families"]))
}

fn clause<'a>(unit: &'a Value, id: &str) -> &'a Value {
    unit["clauses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("rule {id}"))
}

fn document<'a>(report: &'a Value, path_ends: &str) -> &'a Value {
    report["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["path"].as_str().unwrap().ends_with(path_ends))
        .unwrap_or_else(|| panic!("a document {path_ends}"))
}

fn results<'a>(sarif: &'a Value, rule: &str) -> Vec<&'a Value> {
    sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["ruleId"] == rule)
        .collect()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

#[test]
fn a_rule_met_only_in_the_dpa_is_met_by_the_family_in_pdf_and_docx() {
    let pdf = fixture("met-in-dpa/pdf");
    let docx = fixture("met-in-dpa/docx");
    let (code, report, sarif) = scan(
        root(),
        &[
            pdf.to_str().unwrap(),
            docx.to_str().unwrap(),
            "--family-by",
            "folder",
            "--fail-on",
            "contradicted",
        ],
    );
    assert_eq!(code, 0, "nothing is contradicted");
    for ext in ["pdf", "docx"] {
        let f = family(&report, &format!("met-in-dpa/{ext}"));
        let members: Vec<&str> = f["members"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m.as_str().unwrap().rsplit('/').next().unwrap())
            .collect();
        assert_eq!(
            members,
            [
                format!("agreement.{ext}"),
                format!("dpa.{ext}"),
                format!("schedule-1-services.{ext}")
            ]
        );
        assert_eq!(f["doc_type"], "contract");
        assert_eq!(f["order_of_precedence"], Value::Null);
        let training = clause(f, TRAINING);
        assert_eq!(training["status"], "present", "{training}");
        let evidence = &training["evidence"][0];
        assert!(
            evidence["path"]
                .as_str()
                .unwrap()
                .ends_with(&format!("dpa.{ext}")),
            "{evidence}"
        );
        assert_eq!(evidence["section"], "2.1");
        assert!(
            evidence["quote"]
                .as_str()
                .unwrap()
                .contains("shall not use Council Data")
        );
        assert!(
            training["explanation"]
                .as_str()
                .unwrap()
                .starts_with("Met in "),
            "{training}"
        );
        // Members keep their own verdicts: the agreement alone lacks the rule.
        assert_eq!(
            clause(document(&report, &format!("agreement.{ext}")), TRAINING)["status"],
            "missing"
        );
        assert_eq!(
            clause(document(&report, &format!("dpa.{ext}")), TRAINING)["status"],
            "present"
        );
        // A rule missing from every member is missing, naming them.
        let missing = clause(f, "ai-output-ip");
        assert_eq!(missing["status"], "missing");
        assert!(
            missing["explanation"]
                .as_str()
                .unwrap()
                .contains("Not found in any of the family's 3 members")
        );
    }
    // SARIF reports the families' gaps in place of their members': no training result (the
    // family meets it, though the agreement alone does not), and every result names its family.
    assert!(results(&sarif, TRAINING).is_empty(), "{sarif}");
    let all = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(!all.is_empty());
    assert!(all.iter().all(|r| r["properties"]["family"].is_string()));
    assert!(
        all[0]["message"]["text"]
            .as_str()
            .unwrap()
            .starts_with("Contract family ")
    );
    // The readable reports show each family before its members.
    let md = run_in(
        root(),
        &[
            "scan",
            "--quiet",
            "--format",
            "markdown",
            "--family-by",
            "folder",
            pdf.to_str().unwrap(),
        ],
    );
    let md = String::from_utf8(md.stdout).unwrap();
    let fam = md.find("### Contract family `").expect("a family section");
    assert!(fam < md.find("agreement.pdf`\n").unwrap(), "{md}");
    let text = run_in(
        root(),
        &[
            "scan",
            "--quiet",
            "--family-by",
            "folder",
            pdf.to_str().unwrap(),
        ],
    );
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("== family "), "{text}");
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("; 1 contract family judged as one ("),
        "{text}"
    );
    // Without families the agreement is judged alone: the training rule is a gap again.
    let (code, report, sarif) = scan(root(), &[pdf.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(
        report.get("families").is_none(),
        "no families key without families"
    );
    assert_eq!(results(&sarif, TRAINING).len(), 2, "agreement and schedule");
}

#[test]
fn a_schedule_contradicting_the_agreement_with_and_without_an_order_of_precedence() {
    // No order of precedence: the contrary schedule stands, in PDF and DOCX.
    let pdf = fixture("conflict/pdf");
    let docx = fixture("conflict/docx");
    let (code, report, sarif) = scan(
        root(),
        &[
            pdf.to_str().unwrap(),
            docx.to_str().unwrap(),
            "--family-by",
            "folder",
            "--fail-on",
            "contradicted",
        ],
    );
    assert_eq!(code, 1, "the family is contradicted");
    for ext in ["pdf", "docx"] {
        let f = family(&report, &format!("conflict/{ext}"));
        let training = clause(f, TRAINING);
        assert_eq!(training["status"], "contradicted");
        assert!(training.get("by_precedence").is_none());
        assert!(
            training["evidence"][0]["path"]
                .as_str()
                .unwrap()
                .ends_with(&format!("schedule-1-services.{ext}"))
        );
        let why = training["explanation"].as_str().unwrap();
        assert!(why.contains("contradicts it"), "{why}");
        assert!(why.contains("states no order of precedence"), "{why}");
    }
    let contradicted = results(&sarif, TRAINING);
    assert_eq!(contradicted.len(), 2, "one per family");
    for r in &contradicted {
        assert_eq!(r["level"], "error");
        assert_eq!(r["properties"]["status"], "contradicted");
        let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        assert!(
            uri.contains("schedule-1-services."),
            "located in the schedule: {uri}"
        );
    }

    // The agreement states an order of precedence putting itself above the schedules.
    let ordered_pdf = fixture("conflict-ordered/pdf");
    let ordered_docx = fixture("conflict-ordered/docx");
    let (code, report, sarif) = scan(
        root(),
        &[
            ordered_pdf.to_str().unwrap(),
            ordered_docx.to_str().unwrap(),
            "--family-by",
            "folder",
            "--fail-on",
            "contradicted",
        ],
    );
    assert_eq!(code, 0, "the agreement prevails");
    for ext in ["pdf", "docx"] {
        let f = family(&report, &format!("conflict-ordered/{ext}"));
        let order = &f["order_of_precedence"];
        assert_eq!(order["source"], "clause");
        assert!(
            order["path"]
                .as_str()
                .unwrap()
                .ends_with(&format!("agreement.{ext}"))
        );
        assert_eq!(order["evidence"]["section"], "1.2");
        assert_eq!(order["ranked"].as_array().unwrap().len(), 3);
        let training = clause(f, TRAINING);
        assert_eq!(training["status"], "present");
        assert_eq!(training["by_precedence"], true);
        let why = training["explanation"].as_str().unwrap();
        assert!(why.contains("The order of precedence (stated in "), "{why}");
        assert!(why.contains("so ") && why.contains("prevails"), "{why}");
        // The schedule keeps its own verdict.
        assert_eq!(
            clause(
                document(&report, &format!("schedule-1-services.{ext}")),
                TRAINING
            )["status"],
            "contradicted"
        );
    }
    assert!(results(&sarif, TRAINING).is_empty());
    // Judged alone, the schedule fails the run.
    let (code, _, _) = scan(
        root(),
        &[ordered_pdf.to_str().unwrap(), "--fail-on", "contradicted"],
    );
    assert_eq!(code, 1, "without families the members are judged");

    // A family.toml gives the order (and makes the family without --family-by).
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&docx, &dir.path().join("acme"));
    let manifest = |members: &str| {
        std::fs::write(
            dir.path().join("acme/family.toml"),
            format!("name = \"acme\"\nmembers = [{members}]\n"),
        )
        .unwrap();
    };
    manifest(r#""agreement.docx", "dpa.docx", "schedule-1-services.docx""#);
    let (code, report, sarif) = scan(dir.path(), &["acme", "--fail-on", "contradicted"]);
    assert_eq!(code, 0);
    let f = family(&report, "acme");
    assert_eq!(f["order_of_precedence"]["source"], "family-toml");
    assert_eq!(f["order_of_precedence"]["path"], "acme/family.toml");
    assert_eq!(clause(f, TRAINING)["status"], "present");
    assert_eq!(clause(f, TRAINING)["by_precedence"], true);
    assert!(results(&sarif, TRAINING).is_empty());
    // The schedule first: it prevails, and the family is contradicted.
    manifest(r#""schedule-1-services.docx", "agreement.docx", "dpa.docx""#);
    let (code, report, sarif) = scan(dir.path(), &["acme", "--fail-on", "contradicted"]);
    assert_eq!(code, 1);
    let f = family(&report, "acme");
    assert_eq!(f["members"][0], "acme/schedule-1-services.docx");
    let training = clause(f, TRAINING);
    assert_eq!(training["status"], "contradicted");
    assert!(
        training["explanation"]
            .as_str()
            .unwrap()
            .contains("does not put it above")
    );
    assert_eq!(results(&sarif, TRAINING).len(), 1);
    // A broken family.toml is a configuration error naming the file and line.
    std::fs::write(
        dir.path().join("acme/family.toml"),
        "members = [\"agreement.docx\"]\nprecedence = true\n",
    )
    .unwrap();
    let out = run_in(dir.path(), &["scan", "acme"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("acme/family.toml:2: unknown field `precedence`"),
        "{err}"
    );
}

/// A repository with the accepted contract, and a waiver for its contrary training clause
/// written by `aiassure waive`.
fn waived_repository() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("contracts")).unwrap();
    std::fs::copy(
        fixture("waiver/cloud-terms.docx"),
        dir.path().join("contracts/cloud-terms.docx"),
    )
    .unwrap();
    let out = run_in(
        dir.path(),
        &[
            "waive",
            TRAINING,
            "contracts/cloud-terms.docx",
            "--reason",
            "Model improvement on pseudonymised data agreed in the framework call-off",
            "--by",
            "Head of Legal",
            "--expires",
            "2099-12-31",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let entry = String::from_utf8(out.stdout).unwrap();
    std::fs::write(dir.path().join("waivers.toml"), &entry).unwrap();
    (dir, entry)
}

#[test]
fn a_waiver_applies_to_the_exact_file_until_it_expires() {
    let (dir, entry) = waived_repository();
    let sha =
        aiassure::model::sha256_hex(&std::fs::read(fixture("waiver/cloud-terms.docx")).unwrap());
    assert!(entry.contains(&format!("sha256 = \"{sha}\"")), "{entry}");
    assert!(
        entry.contains("document = \"contracts/cloud-terms.docx\""),
        "{entry}"
    );
    let args = [
        "contracts",
        "--waivers",
        "waivers.toml",
        "--fail-on",
        "contradicted",
    ];
    // Without the waiver the contrary clause fails the run.
    let (code, _, _) = scan(dir.path(), &["contracts", "--fail-on", "contradicted"]);
    assert_eq!(code, 1);

    // The waiver applies: the status stays, the waiver is added, the run passes.
    let (code, report, sarif) = scan(dir.path(), &args);
    assert_eq!(code, 0, "a waived gap does not fail the run");
    let training = clause(document(&report, "cloud-terms.docx"), TRAINING);
    assert_eq!(
        training["status"], "contradicted",
        "statuses keep their values"
    );
    let waiver = &training["waiver"];
    assert_eq!(
        waiver["reason"],
        "Model improvement on pseudonymised data agreed in the framework call-off"
    );
    assert_eq!(waiver["approved_by"], "Head of Legal");
    assert_eq!(waiver["expires"], "2099-12-31");
    assert_eq!(waiver["sha256"], sha.as_str());
    assert_eq!(waiver["at"], "waivers.toml:2");
    assert!(training.get("waiver_lapsed").is_none());
    assert_eq!(report["summary"]["waived"], 1);
    assert_eq!(report["summary"]["gaps"]["contradicted"], 1);
    let r = results(&sarif, TRAINING);
    assert_eq!(r.len(), 1);
    let suppression = &r[0]["suppressions"][0];
    assert_eq!(suppression["kind"], "external");
    assert_eq!(suppression["status"], "accepted");
    assert!(
        suppression["justification"]
            .as_str()
            .unwrap()
            .contains("approved by Head of Legal, until 2099-12-31")
    );
    // Other gaps of the document are not waived.
    let others = results(&sarif, "ai-output-ip");
    assert!(others.iter().all(|r| r.get("suppressions").is_none()));

    // The same waiver, expired: the gap fails again and the report says why.
    std::fs::write(
        dir.path().join("waivers.toml"),
        entry.replace("2099-12-31", "2020-01-31"),
    )
    .unwrap();
    let (code, report, sarif) = scan(dir.path(), &args);
    assert_eq!(code, 1, "an expired waiver no longer applies");
    let training = clause(document(&report, "cloud-terms.docx"), TRAINING);
    assert!(training.get("waiver").is_none());
    assert_eq!(training["waiver_lapsed"]["why"], "expired");
    assert_eq!(training["waiver_lapsed"]["expires"], "2020-01-31");
    let message = training["waiver_lapsed"]["message"].as_str().unwrap();
    assert!(message.contains("expired on 2020-01-31"), "{message}");
    assert_eq!(report["summary"]["waived"], 0);
    let r = results(&sarif, TRAINING);
    assert!(r[0].get("suppressions").is_none());
    assert!(
        r[0]["message"]["text"]
            .as_str()
            .unwrap()
            .contains("expired on 2020-01-31")
    );
    assert_eq!(r[0]["properties"]["waiver_lapsed"]["why"], "expired");
}

#[test]
fn a_waiver_stops_applying_when_its_document_changes_by_one_word() {
    let (dir, _) = waived_repository();
    let args = [
        "contracts",
        "--waivers",
        "waivers.toml",
        "--fail-on",
        "contradicted",
    ];
    let (code, _, _) = scan(dir.path(), &args);
    assert_eq!(code, 0);
    // "two years" becomes "three years": the same gap, a different document.
    std::fs::copy(
        fixture("waiver/cloud-terms-revised.docx"),
        dir.path().join("contracts/cloud-terms.docx"),
    )
    .unwrap();
    let (code, report, sarif) = scan(dir.path(), &args);
    assert_eq!(code, 1, "the waiver was for other text");
    let training = clause(document(&report, "cloud-terms.docx"), TRAINING);
    assert_eq!(training["status"], "contradicted");
    assert!(training.get("waiver").is_none());
    let lapsed = &training["waiver_lapsed"];
    assert_eq!(lapsed["why"], "changed");
    let message = lapsed["message"].as_str().unwrap();
    assert!(
        message.contains("contracts/cloud-terms.docx has changed since it was accepted"),
        "{message}"
    );
    assert!(message.contains("aiassure waive"), "{message}");
    let r = results(&sarif, TRAINING);
    assert!(r[0].get("suppressions").is_none());
    assert!(
        r[0]["message"]["text"]
            .as_str()
            .unwrap()
            .contains("has changed since it was accepted")
    );
    // A waivers file with a mistake is a configuration error naming the line.
    std::fs::write(
        dir.path().join("waivers.toml"),
        "[[waiver]]\nrule = \"x\"\ndocument = \"a.pdf\"\nsha256 = \"abc\"\nreason = \"r\"\napproved_by = \"b\"\nexpires = \"2027-01-01\"\n",
    )
    .unwrap();
    let out = run_in(
        dir.path(),
        &["scan", "contracts", "--waivers", "waivers.toml"],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("waivers.toml:1: `sha256` must be"), "{err}");
}

#[test]
fn a_family_waiver_is_pinned_to_every_member() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture("conflict/docx"), &dir.path().join("acme"));
    let out = run_in(
        dir.path(),
        &[
            "waive",
            TRAINING,
            "acme",
            "--reason",
            "Settled by the variation of 2027",
            "--by",
            "Head of Legal",
            "--expires",
            "2099-12-31",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let entry = String::from_utf8(out.stdout).unwrap();
    assert!(entry.contains("family = \"acme\""), "{entry}");
    std::fs::write(dir.path().join("waivers.toml"), &entry).unwrap();
    let args = [
        "acme",
        "--family-by",
        "folder",
        "--waivers",
        "waivers.toml",
        "--fail-on",
        "contradicted",
    ];
    let (code, report, sarif) = scan(dir.path(), &args);
    assert_eq!(code, 0);
    let training = clause(family(&report, "acme"), TRAINING);
    assert_eq!(training["waiver"]["sha256"].as_array().unwrap().len(), 3);
    assert_eq!(
        results(&sarif, TRAINING)[0]["suppressions"][0]["status"],
        "accepted"
    );
    // One member changes: the family's waiver lapses.
    std::fs::copy(
        fixture("met-in-dpa/docx/dpa.docx"),
        dir.path().join("acme/dpa.docx"),
    )
    .unwrap();
    let (code, report, _) = scan(dir.path(), &args);
    assert_eq!(code, 1);
    let lapsed = &clause(family(&report, "acme"), TRAINING)["waiver_lapsed"];
    assert_eq!(lapsed["why"], "changed");
    assert!(
        lapsed["message"]
            .as_str()
            .unwrap()
            .contains("acme/dpa.docx (now sha256"),
        "{lapsed}"
    );
}

#[test]
fn a_baseline_shows_the_gap_a_revised_bid_adds_and_the_one_it_fixes() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("bids")).unwrap();
    let bid = dir.path().join("bids/repairs-bid.pdf");
    std::fs::copy(fixture("baseline/bid-v1.pdf"), &bid).unwrap();
    let out = run_in(
        dir.path(),
        &[
            "scan", "bids", "--quiet", "--format", "json", "-o", "old.json",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "the first bid lacks human oversight"
    );

    // The revised bid answers human oversight but drops where the data goes.
    std::fs::copy(fixture("baseline/bid-v2.pdf"), &bid).unwrap();
    let (code, report, sarif) = scan(dir.path(), &["bids", "--baseline", "old.json"]);
    assert_eq!(code, 1, "a new gap fails the run");
    let d = document(&report, "repairs-bid.pdf");
    assert_eq!(d["doc_type"], "tender");
    let oversight = clause(d, "tender-ai-human-oversight");
    assert_eq!(oversight["status"], "present");
    assert_eq!(oversight["baseline"], "fixed");
    let flows = clause(d, "tender-ai-data-flows");
    assert_eq!(flows["status"], "missing");
    assert_eq!(flows["baseline"], "new");
    for c in d["clauses"].as_array().unwrap() {
        if c["id"] != "tender-ai-human-oversight" && c["id"] != "tender-ai-data-flows" {
            assert_eq!(c["baseline"], "unchanged", "{c}");
        }
    }
    assert!(
        d["ai_features"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["baseline"] == "unchanged")
    );
    let b = &report["baseline"];
    assert_eq!(b["path"], "old.json");
    assert_eq!((b["new"].as_u64(), b["fixed"].as_u64()), (Some(1), Some(1)));
    assert_eq!(
        (b["worse"].as_u64(), b["better"].as_u64()),
        (Some(0), Some(0))
    );
    let r = results(&sarif, "tender-ai-data-flows");
    assert_eq!(r.len(), 1);
    assert_eq!(r[0]["baselineState"], "new");
    assert!(results(&sarif, "tender-ai-human-oversight").is_empty());
    assert_eq!(sarif["runs"][0]["properties"]["baseline"]["fixed"], 1);
    // The text report leads with what changed.
    let text = run_in(
        dir.path(),
        &["scan", "bids", "--quiet", "--baseline", "old.json"],
    );
    let text = String::from_utf8(text.stdout).unwrap();
    let changes = text
        .find("Changes since the baseline")
        .expect("a changes section");
    // The formats for people name the bid relative to the folder scanned (`bids`).
    assert!(changes < text.find("== repairs-bid.pdf").unwrap(), "{text}");
    assert!(
        text.contains("NEW The bid says where the buyer's data goes"),
        "{text}"
    );
    assert!(
        text.contains("FIXED The bid explains how people review"),
        "{text}"
    );
    assert!(text.contains("(new since the baseline)"), "{text}");
    // So do Markdown and HTML.
    for (format, heading, document) in [
        (
            "markdown",
            "### Changes since the baseline",
            "### `repairs-bid.pdf`",
        ),
        (
            "html",
            "<h2 id=\"changes\">Changes since the baseline</h2>",
            "<h2 id=\"glance\">",
        ),
    ] {
        let out = run_in(
            dir.path(),
            &[
                "scan",
                "bids",
                "--quiet",
                "--baseline",
                "old.json",
                "--format",
                format,
            ],
        );
        let page = String::from_utf8(out.stdout).unwrap();
        let at = page
            .find(heading)
            .unwrap_or_else(|| panic!("{format}: {page}"));
        assert!(
            at < page.find(document).unwrap(),
            "{format} leads with the changes"
        );
        assert!(page.contains("tender-ai-data-flows") && page.contains("fixed"));
    }

    // The first bid again, against its own report: its gap is unchanged and does not fail.
    std::fs::copy(fixture("baseline/bid-v1.pdf"), &bid).unwrap();
    let (code, report, sarif) = scan(dir.path(), &["bids", "--baseline", "old.json"]);
    assert_eq!(code, 0, "only new and worse gaps fail with a baseline");
    let oversight = clause(
        document(&report, "repairs-bid.pdf"),
        "tender-ai-human-oversight",
    );
    assert_eq!(oversight["baseline"], "unchanged");
    assert_eq!(
        results(&sarif, "tender-ai-human-oversight")[0]["baselineState"],
        "unchanged"
    );
    // Not a report: a configuration error.
    std::fs::write(dir.path().join("bad.json"), "{\"documents\": []}").unwrap();
    let out = run_in(dir.path(), &["scan", "bids", "--baseline", "bad.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not an aiassure JSON report"));
}
