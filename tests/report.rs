//! The report renderers: every format snapshotted from the same hand-written fixture report
//! (fixtures/report/sample.json), plus the properties each format promises (escaping, formula
//! neutralising, SARIF structure, the JSON Schema, templates from a folder).

use std::path::Path;

use aiassure::model::{Report, Summary};
use aiassure::report::{self, OutputFormat, Templates};

use crate::common::root;

/// The fixture report.
fn sample() -> Report {
    let path = root().join("fixtures/report/sample.json");
    let text = std::fs::read_to_string(&path).expect("fixture report readable");
    serde_json::from_str(&text).expect("fixture report matches the model")
}

fn rendered(report: &Report, format: OutputFormat) -> String {
    rendered_with(report, format, &Templates::builtin())
}

fn rendered_with(report: &Report, format: OutputFormat, templates: &Templates) -> String {
    let mut out = Vec::new();
    report::render(report, format, templates, &mut out).expect("renders");
    String::from_utf8(out).expect("UTF-8 output")
}

#[test]
fn fixture_summary_is_consistent() {
    let r = sample();
    assert_eq!(r.summary, Summary::of(&r.documents));
    let mut paths: Vec<&str> = r.documents.iter().map(|d| d.path.as_str()).collect();
    paths.sort_unstable();
    assert!(paths.iter().eq(r.documents.iter().map(|d| &d.path)));
}

#[test]
fn snapshot_text() {
    insta::assert_snapshot!(rendered(&sample(), OutputFormat::Text));
}

#[test]
fn snapshot_json() {
    insta::assert_snapshot!(rendered(&sample(), OutputFormat::Json));
}

#[test]
fn snapshot_markdown() {
    insta::assert_snapshot!(rendered(&sample(), OutputFormat::Markdown));
}

#[test]
fn snapshot_html() {
    insta::assert_snapshot!(rendered(&sample(), OutputFormat::Html));
}

#[test]
fn snapshot_csv() {
    insta::assert_snapshot!(rendered(&sample(), OutputFormat::Csv));
}

#[test]
fn snapshot_sarif() {
    insta::assert_snapshot!(rendered(&sample(), OutputFormat::Sarif));
}

#[test]
fn text_fits_80_columns_and_leads_with_what_to_act_on() {
    let out = rendered(&sample(), OutputFormat::Text);
    for line in out.lines() {
        assert!(line.chars().count() <= 80, "too wide: {line}");
    }
    let undisclosed = out.find("AI features not covered").expect("lead section");
    let contradicted = out.find("Rules contradicted").expect("lead");
    let first_doc = out.find("== bids/acme-care-bid.docx").expect("document");
    assert!(undisclosed < contradicted && contradicted < first_doc);
    let tail = &out[out.rfind("\nSummary: 7 documents").expect("summary")..];
    assert!(!tail.contains("=="), "the summary is the last thing");
    assert!(out.contains("UNREADABLE: the PDF has no text layer"));
}

#[test]
fn json_round_trips() {
    let r = sample();
    let back: Report = serde_json::from_str(&rendered(&r, OutputFormat::Json)).unwrap();
    assert_eq!(back, r);
}

/// A bid containing markup stays text in HTML: nothing it holds can run or load.
#[test]
fn html_escapes_document_text_and_makes_no_requests() {
    let out = rendered(&sample(), OutputFormat::Html);
    assert!(
        out.contains("chat with CareBot &lt;script&gt;alert(&#x27;bid&#x27;)&lt;&#x2f;script&gt;")
    );
    let lower = out.to_lowercase();
    for banned in [
        "<script", "<link", "<img", "<iframe", "@import", "url(", " src=", "<object", "<embed",
    ] {
        assert!(!lower.contains(banned), "HTML report contains {banned}");
    }
    // The only absolute URL outside document text is the SVG namespace (not a request).
    let urls: Vec<&str> = out
        .match_indices("://")
        .map(|(i, _)| out.get(i.saturating_sub(5)..i + 30).unwrap_or_default())
        .collect();
    for u in urls {
        assert!(
            u.contains("http://www.w3.org/2000/svg\""),
            "unexpected URL {u}"
        );
    }
    assert!(out.contains("@media print") && out.contains("size: A4"));
}

#[test]
fn html_has_summary_portfolio_bids_and_wording() {
    let r = sample();
    let out = rendered(&r, OutputFormat::Html);
    assert!(out.contains("At a glance"));
    assert!(out.contains("Bid comparison"));
    assert!(out.contains("Portfolio"));
    assert!(out.contains("<svg"));
    // Every gap's model wording is offered.
    for rule in &r.rules {
        let cited_as_gap = r.documents.iter().any(|d| {
            d.clauses
                .iter()
                .any(|c| c.id == rule.id && c.status.as_str() != "present")
        });
        let escaped = rule.model_wording.replace('\'', "&#x27;");
        assert_eq!(out.contains(&escaped), cited_as_gap, "{}", rule.id);
    }
    // Worst document first: the MSA has two contradictions.
    let worst = out.find("Documents, worst first").unwrap();
    let msa = out[worst..].find("cloud-hosting-msa.pdf").unwrap();
    let records = out[worst..]
        .find("records-management-contract.docx")
        .unwrap();
    assert!(msa < records);
}

#[test]
fn markdown_escapes_document_text() {
    let out = rendered(&sample(), OutputFormat::Markdown);
    assert!(!out.to_lowercase().contains("<script"));
    assert!(out.contains("&lt;script&gt;"));
    assert!(out.contains("> Residents and families chat with CareBot &lt;script&gt;"));
}

#[test]
fn csv_has_a_row_per_document_rule_and_feature_and_no_formulas() {
    let r = sample();
    let out = rendered(&r, OutputFormat::Csv);
    let mut reader = csv::Reader::from_reader(out.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let clauses: usize = r.documents.iter().map(|d| d.clauses.len()).sum();
    let features: usize = r.documents.iter().map(|d| d.ai_features.len()).sum();
    assert_eq!(rows.len(), r.documents.len() + clauses + features);
    for row in &rows {
        for cell in row {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "formula-like cell {cell:?}"
            );
        }
    }
    assert!(rows.iter().any(|row| row[16].starts_with("'=HYPERLINK(")));
    let unreadable = rows
        .iter()
        .find(|row| &row[1] == "bids/northwind-bid.pdf")
        .unwrap();
    assert_eq!(&unreadable[0], "document");
    assert!(unreadable[5].contains("no text layer"));
}

#[test]
fn sarif_is_well_formed() {
    let r = sample();
    let log: serde_json::Value = serde_json::from_str(&rendered(&r, OutputFormat::Sarif)).unwrap();
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let results = run["results"].as_array().unwrap();
    let gaps = r.summary.gaps.missing + r.summary.gaps.weak + r.summary.gaps.contradicted;
    assert_eq!(results.len(), gaps + r.summary.undisclosed_ai_features);
    let mut prints = std::collections::BTreeSet::new();
    for res in results {
        let i = usize::try_from(res["ruleIndex"].as_u64().unwrap()).unwrap();
        assert_eq!(rules[i]["id"], res["ruleId"]);
        assert!(["error", "warning", "note"].contains(&res["level"].as_str().unwrap()));
        let loc = &res["locations"][0]["physicalLocation"];
        assert!(
            loc["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
                .contains('/')
        );
        assert!(loc["region"].is_object());
        assert!(
            prints.insert(
                res["partialFingerprints"]["aiassure/v1"]
                    .as_str()
                    .unwrap()
                    .to_string()
            )
        );
    }
    for rule in rules.iter().filter(|r| r["id"] != "undisclosed-ai-feature") {
        assert!(
            rule["help"]["text"]
                .as_str()
                .unwrap()
                .contains("Model wording to add")
        );
    }
    let notes = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert_eq!(notes.len(), r.summary.unreadable + r.summary.error);
}

#[test]
fn templates_from_a_folder_replace_the_builtin_ones() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("report.html.j2"),
        "<p>{{ report.summary.documents }} docs; first: {{ documents[0].gaps[0].verdict.evidence[1].quote }}</p>",
    )
    .unwrap();
    let t = Templates::from_dir(dir.path()).unwrap();
    let out = rendered_with(&sample(), OutputFormat::Html, &t);
    assert!(out.starts_with("<p>7 docs; first: Residents"));
    assert!(
        out.contains("&lt;script&gt;"),
        "user templates are escaped too"
    );
    // Markdown falls back to the built-in template.
    assert!(
        rendered_with(&sample(), OutputFormat::Markdown, &t).contains("## AI assurance gap report")
    );
}

#[test]
fn broken_or_absent_templates_are_explained() {
    let dir = tempfile::tempdir().unwrap();
    let empty = Templates::from_dir(dir.path()).unwrap_err().to_string();
    assert!(
        empty.contains("neither report.html.j2 nor report.md.j2"),
        "{empty}"
    );
    std::fs::write(dir.path().join("report.md.j2"), "line\n{% if %}").unwrap();
    let broken = Templates::from_dir(dir.path()).unwrap_err().to_string();
    assert!(
        broken.contains("report.md.j2 has an error") && broken.contains("line 2"),
        "{broken}"
    );
    let missing = Templates::from_dir(Path::new("/nonexistent/templates")).unwrap_err();
    assert!(missing.to_string().contains("could not read the template"));
}
