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
    // Three bids scanned together: the bid comparison adds a row for each.
    let bids = r
        .documents
        .iter()
        .filter(|d| d.doc_type == aiassure::model::DocType::Tender)
        .count();
    assert_eq!(rows.len(), r.documents.len() + clauses + features + bids);
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

// ---------------------------------------------------------------------------------------------
// The JSON Schema of the contract (docs/report.schema.json).

fn schema() -> serde_json::Value {
    let text = std::fs::read_to_string(root().join("docs/report.schema.json")).unwrap();
    serde_json::from_str(&text).expect("the schema is JSON")
}

fn validator() -> jsonschema::Validator {
    jsonschema::draft202012::new(&schema()).expect("the schema is a valid draft 2020-12 schema")
}

/// Every validation error of an instance, as text.
pub(crate) fn schema_errors(instance: &serde_json::Value) -> Vec<String> {
    validator()
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

#[test]
fn fixture_report_matches_the_schema() {
    let json: serde_json::Value =
        serde_json::from_str(&rendered(&sample(), OutputFormat::Json)).unwrap();
    assert_eq!(schema_errors(&json), Vec::<String>::new());
}

/// Real output of the binary on the bundled examples, plus files it cannot read.
#[test]
fn real_scan_output_matches_the_schema() {
    let dir = tempfile::tempdir().unwrap();
    let examples = root().join("fixtures/examples");
    std::fs::write(dir.path().join("broken.pdf"), b"%PDF-1.7 this is not a PDF").unwrap();
    std::fs::write(dir.path().join("empty.docx"), b"").unwrap();
    std::fs::write(
        dir.path().join("bid.md"),
        "# Response\n\n1. We use ChatGPT to answer <script>alert(1)</script> enquiries.\n",
    )
    .unwrap();
    let out = crate::common::aiassure(&[
        "scan",
        "--quiet",
        "--format",
        "json",
        examples.to_str().unwrap(),
        dir.path().to_str().unwrap(),
    ]);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert_eq!(schema_errors(&json), Vec::<String>::new());
    let docs = json["documents"].as_array().unwrap();
    assert!(docs.len() >= 3);
    assert!(docs.iter().any(|d| d["status"] != "analysed"));
}

/// A change that breaks a report.
type Breakage = fn(&mut serde_json::Value);

/// The validation can fail: each broken report is rejected.
#[test]
fn schema_rejects_reports_that_break_the_contract() {
    let good: serde_json::Value =
        serde_json::from_str(&rendered(&sample(), OutputFormat::Json)).unwrap();
    let breakages: [(&str, Breakage); 7] = [
        ("unknown status", |r| {
            r["documents"][0]["status"] = "fine".into()
        }),
        ("summary removed", |r| {
            r.as_object_mut().unwrap().remove("summary");
        }),
        ("verdicts on an unreadable document", |r| {
            let clause = r["documents"][0]["clauses"][0].clone();
            r["documents"][2]["clauses"] = serde_json::json!([clause]);
        }),
        ("evidence on a missing rule", |r| {
            let e = r["documents"][4]["clauses"][3]["evidence"][0].clone();
            r["documents"][4]["clauses"][1]["evidence"] = serde_json::json!([e]);
        }),
        ("page as text", |r| {
            r["documents"][1]["pages"] = "14".into();
        }),
        ("unknown feature category", |r| {
            r["documents"][0]["ai_features"][0]["category"] = "magic".into();
        }),
        ("schema version 2", |r| r["schema_version"] = "2".into()),
    ];
    for (what, breakage) in breakages {
        let mut bad = good.clone();
        breakage(&mut bad);
        assert!(!validator().is_valid(&bad), "the schema accepted: {what}");
    }
}

/// Where each field of the contract (report-json.md) must be required in the schema.
const CONTRACT_FIELDS: [(&str, &[&str]); 8] = [
    (
        "",
        &["schema_version", "tool", "library", "documents", "summary"],
    ),
    ("/$defs/nameVersion", &["name", "version"]),
    (
        "/$defs/document",
        &[
            "path",
            "format",
            "sha256",
            "doc_type",
            "status",
            "error",
            "pages",
            "clauses",
            "ai_features",
            "ai_declaration",
        ],
    ),
    (
        "/$defs/clause",
        &[
            "id",
            "title",
            "severity",
            "status",
            "evidence",
            "explanation",
        ],
    ),
    (
        "/$defs/evidence",
        &["page", "section", "quote", "start", "end"],
    ),
    (
        "/$defs/feature",
        &["name", "category", "disclosed", "register", "evidence"],
    ),
    ("/$defs/declaration", &["says_ai_used", "evidence"]),
    (
        "/$defs/summary",
        &[
            "documents",
            "analysed",
            "unreadable",
            "error",
            "gaps",
            "undisclosed_ai_features",
        ],
    ),
];

#[test]
fn schema_requires_every_field_of_the_contract() {
    let schema = schema();
    let mut listed = std::collections::BTreeSet::new();
    for (pointer, fields) in CONTRACT_FIELDS {
        let required = schema
            .pointer(&format!("{pointer}/required"))
            .and_then(serde_json::Value::as_array)
            .unwrap_or_else(|| panic!("no `required` at {pointer:?}"));
        for f in fields {
            assert!(
                required.iter().any(|r| r == f),
                "{f} is not required at {pointer:?}"
            );
            listed.insert(*f);
        }
    }
    let gaps = schema
        .pointer("/$defs/summary/properties/gaps/required")
        .unwrap();
    for f in ["missing", "weak", "contradicted"] {
        assert!(gaps.as_array().unwrap().iter().any(|r| r == f));
        listed.insert(f);
    }
    // Every key written in the contract's example (when the spec is at hand) is in the list above.
    let Some(spec) = crate::common::spec("report-json.md") else {
        return;
    };
    let block = spec
        .split("```jsonc")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .unwrap();
    let keys = regex::Regex::new(r#""([a-z_0-9]+)"\s*:"#).unwrap();
    for k in keys.captures_iter(block) {
        assert!(
            listed.contains(&k[1]),
            "{} (report-json.md) is not required by the schema",
            &k[1]
        );
    }
}

// ---------------------------------------------------------------------------------------------
// A real browser.

/// Headless Chromium opens the HTML report: it loads, lays out, and a `<script>` in a bid stays
/// text. Set `AIASSURE_SCREENSHOT=path.png` to keep the screenshot.
#[test]
fn chromium_renders_the_html_report() {
    let Some(chromium) = ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|c| {
            std::process::Command::new(c)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
    else {
        crate::common::skip("chromium is not installed (apt-get install chromium)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("report.html");
    std::fs::write(&html, rendered(&sample(), OutputFormat::Html)).unwrap();
    let png = dir.path().join("report.png");
    let url = format!("file://{}", html.display());
    let run = |extra: &[&str]| {
        let mut cmd = std::process::Command::new(chromium);
        cmd.args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--hide-scrollbars",
        ])
        .arg(format!(
            "--user-data-dir={}",
            dir.path().join("profile").display()
        ))
        .args(extra)
        .arg(&url);
        cmd.output().expect("chromium runs")
    };
    let shot = run(&[
        &format!("--screenshot={}", png.display()),
        "--window-size=1280,2000",
    ]);
    let bytes = std::fs::read(&png).unwrap_or_else(|_| {
        panic!(
            "no screenshot; chromium said: {}",
            String::from_utf8_lossy(&shot.stderr)
        )
    });
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"));
    assert!(
        bytes.len() > 50_000,
        "screenshot suspiciously small: {} bytes",
        bytes.len()
    );
    println!("chromium screenshot: {} bytes", bytes.len());
    if let Some(keep) = std::env::var_os("AIASSURE_SCREENSHOT") {
        std::fs::copy(&png, keep).unwrap();
    }
    // The DOM after load: the bid's script is text, and no script element exists.
    let dom = run(&["--dump-dom"]);
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert!(dom.contains("At a glance"), "the page did not load");
    assert!(dom.contains("chat with CareBot &lt;script&gt;alert('bid')&lt;/script&gt;"));
    assert!(!dom.to_lowercase().contains("<script"));
}

// ---------------------------------------------------------------------------------------------
// Redline: model wording inserted into a DOCX template as tracked changes.

mod redline {
    use std::io::{Cursor, Read};

    use aiassure::extract::Limits;
    use aiassure::model::{ClauseStatus, ClauseVerdict, Format, Severity};
    use aiassure::redline::{Placement, redline};
    use docx_rs::{Docx, Insert, Paragraph, Run, Style, StyleType, Table, TableCell, TableRow};

    use super::sample;
    use crate::common::root;

    const DATE: &str = "2026-11-23T12:00:00Z";

    fn fixture_path() -> std::path::PathBuf {
        root().join("fixtures/report/template.docx")
    }

    fn heading(text: &str, level: usize) -> Paragraph {
        Paragraph::new()
            .add_run(Run::new().add_text(text))
            .style(&format!("Heading{level}"))
    }

    fn para(text: &str) -> Paragraph {
        Paragraph::new().add_run(Run::new().add_text(text))
    }

    /// A small contract template, written with docx-rs: numbered sections, an AI section with one
    /// (weak) clause and an earlier tracked insertion by a person, a table, and a later section.
    /// With `with_ai_section` false the AI section is left out.
    fn make_template(with_ai_section: bool) -> Vec<u8> {
        let mut docx = Docx::new()
            .add_style(
                Style::new("Heading1", StyleType::Paragraph)
                    .name("Heading 1")
                    .bold()
                    .size(32),
            )
            .add_style(
                Style::new("Heading2", StyleType::Paragraph)
                    .name("Heading 2")
                    .bold()
                    .size(26),
            )
            .add_paragraph(heading("Digital Services Agreement: template", 1))
            .add_paragraph(para(
                "This Agreement is made between the Council of Eastmere (the Authority) and the Supplier named in the Order Form.",
            ))
            .add_paragraph(heading("1. Definitions", 1))
            .add_paragraph(para(
                "1.1 \"Authority Data\" means all data, including personal data, supplied by or on behalf of the Authority.",
            ))
            .add_paragraph(para(
                "1.2 \"AI System\" means any machine-based system that generates outputs such as predictions, content or decisions from the inputs it receives.",
            ))
            .add_paragraph(heading("2. Services", 1))
            .add_paragraph(para(
                "2.1 The Supplier shall provide the Services in accordance with the Specification & the Order Form.",
            ))
            .add_table(Table::new(vec![
                TableRow::new(vec![
                    TableCell::new().add_paragraph(para("Service level")),
                    TableCell::new().add_paragraph(para("Target")),
                ]),
                TableRow::new(vec![
                    TableCell::new().add_paragraph(para("Availability")),
                    TableCell::new().add_paragraph(para("99.5%")),
                ]),
            ]));
        if with_ai_section {
            docx = docx
                .add_paragraph(heading("5. Use of Artificial Intelligence", 1))
                .add_paragraph(heading("5.1 Approval", 2))
                .add_paragraph(para(
                    "5.1.1 The Supplier shall seek the Authority's approval before using any AI System on Authority Data, such approval not to be unreasonably withheld.",
                ))
                .add_paragraph(
                    Paragraph::new()
                        .add_run(Run::new().add_text("5.1.2 The Supplier shall keep a list of AI Systems"))
                        .add_insert(
                            Insert::new(Run::new().add_text(" used in the Services"))
                                .author("J. Buyer")
                                .date("2026-10-01T09:00:00Z"),
                        )
                        .add_run(Run::new().add_text(".")),
                );
        }
        docx = docx
            .add_paragraph(heading("6. Liability", 1))
            .add_paragraph(para(
                "6.1 Neither party limits its liability for death or personal injury caused by its negligence.",
            ));
        let mut out = Cursor::new(Vec::new());
        docx.build()
            .pack(&mut out)
            .expect("docx-rs writes the template");
        out.into_inner()
    }

    /// Regenerates fixtures/report/template.docx: `cargo test --test integration -- --ignored
    /// write_template_fixture`.
    #[test]
    #[ignore = "writes the fixture; run by hand after changing make_template"]
    fn write_template_fixture() {
        std::fs::write(fixture_path(), make_template(true)).unwrap();
    }

    fn verdict(id: &str, status: ClauseStatus) -> ClauseVerdict {
        ClauseVerdict {
            id: id.into(),
            title: id.into(),
            severity: Severity::Required,
            status,
            evidence: Vec::new(),
            explanation: String::new(),
            question: None,
            review: Default::default(),
        }
    }

    fn verdicts() -> Vec<ClauseVerdict> {
        vec![
            verdict("ai-incident-notification", ClauseStatus::Missing),
            verdict("ai-use-requires-approval", ClauseStatus::Weak),
            verdict("no-training-on-buyer-data", ClauseStatus::Contradicted),
            verdict("ai-use-disclosure", ClauseStatus::Present),
        ]
    }

    /// Every part of a package, decompressed, by name.
    fn parts(docx: &[u8]) -> std::collections::BTreeMap<String, Vec<u8>> {
        let mut zip = zip::ZipArchive::new(Cursor::new(docx)).unwrap();
        (0..zip.len())
            .map(|i| {
                let mut f = zip.by_index(i).unwrap();
                let mut bytes = Vec::new();
                f.read_to_end(&mut bytes).unwrap();
                (f.name().to_string(), bytes)
            })
            .collect()
    }

    /// The text inserted into `new`, when `new` is `old` with one span inserted.
    fn insertion<'a>(old: &str, new: &'a str) -> &'a str {
        let prefix = old
            .bytes()
            .zip(new.bytes())
            .take_while(|(a, b)| a == b)
            .count();
        let suffix = old
            .bytes()
            .rev()
            .zip(new.bytes().rev())
            .take_while(|(a, b)| a == b)
            .count()
            .min(old.len() - prefix);
        assert_eq!(
            prefix + suffix,
            old.len(),
            "the original document.xml is not intact around one insertion"
        );
        &new[prefix..new.len() - suffix]
    }

    #[test]
    fn wording_is_inserted_as_tracked_changes_in_the_ai_section() {
        let template = std::fs::read(fixture_path()).expect("fixtures/report/template.docx");
        let rules = sample().rules;
        let out = redline(&template, &verdicts(), &rules, DATE, &Limits::default()).unwrap();
        assert_eq!(
            out.placement,
            Placement::AiSection("5. Use of Artificial Intelligence".into())
        );
        assert_eq!(
            out.inserted,
            ["ai-incident-notification", "ai-use-requires-approval"]
        );
        assert_eq!(out.contradicted, ["no-training-on-buyer-data"]);

        let before = parts(&template);
        let after = parts(&out.docx);
        assert_eq!(
            before.keys().collect::<Vec<_>>(),
            after.keys().collect::<Vec<_>>()
        );
        for (name, bytes) in &before {
            if name != "word/document.xml" {
                assert_eq!(bytes, &after[name], "{name} changed");
            }
        }
        let old = String::from_utf8(before["word/document.xml"].clone()).unwrap();
        let new = String::from_utf8(after["word/document.xml"].clone()).unwrap();
        let inserted = insertion(&old, &new);
        // Two paragraphs, each a tracked insertion by aiassure (text and paragraph mark).
        let paragraphs = |xml: &str| xml.matches("<w:p>").count() + xml.matches("<w:p ").count();
        assert_eq!(paragraphs(&new), paragraphs(&old) + 2);
        let by_us = |xml: &str| xml.matches("w:author=\"aiassure\"").count();
        assert_eq!(by_us(&new), 4);
        assert_eq!(by_us(&old), 0);
        assert!(inserted.contains(&format!("w:date=\"{DATE}\"")));
        let wording = |id: &str| {
            rules
                .iter()
                .find(|r| r.id == id)
                .unwrap()
                .model_wording
                .clone()
        };
        for id in ["ai-incident-notification", "ai-use-requires-approval"] {
            let w = wording(id);
            // The XML escapes quotes and ampersands: compare the part before the first of them.
            let plain: String = w.chars().take_while(|c| !"&<>\"'".contains(*c)).collect();
            assert!(plain.len() > 30, "{id}");
            let at = new.find(&plain).expect("wording inserted");
            // At the end of the AI section: after its last clause, before "6. Liability".
            assert!(new[..at].contains("5.1.2 The Supplier shall keep"));
            assert!(new[at..].contains("6. Liability"));
            assert!(!new[at..].contains("5.1.2"));
        }
        // Fresh ids: none of the template's w:id values reused.
        let ids = |xml: &str| -> Vec<String> {
            regex::Regex::new(r#"w:id="(\d+)""#)
                .unwrap()
                .captures_iter(xml)
                .map(|c| c[1].to_string())
                .collect()
        };
        for id in ids(inserted) {
            assert!(!ids(&old).contains(&id), "w:id {id} reused");
        }
        read_back(
            &out.docx,
            &old_texts(),
            &[&wording("ai-incident-notification")],
        );
        convert_with_libreoffice(&out.docx, "within 10 Working Days provide a report");
    }

    #[test]
    fn a_template_without_ai_section_gets_a_new_one_at_the_end() {
        let template = make_template(false);
        let out = redline(
            &template,
            &verdicts(),
            &sample().rules,
            DATE,
            &Limits::default(),
        )
        .unwrap();
        assert_eq!(out.placement, Placement::NewSection);
        let old = String::from_utf8(parts(&template)["word/document.xml"].clone()).unwrap();
        let new = String::from_utf8(parts(&out.docx)["word/document.xml"].clone()).unwrap();
        let inserted = insertion(&old, &new);
        assert!(
            inserted.contains("<w:pStyle w:val=\"Heading1\" />")
                || inserted.contains("<w:pStyle w:val=\"Heading1\"/>"),
            "{inserted}"
        );
        assert!(inserted.contains(">Artificial intelligence<"));
        let at = new.find(">Artificial intelligence<").unwrap();
        assert!(new[..at].contains("6.1 Neither party"));
        assert!(
            new[at..].contains("<w:sectPr"),
            "inserted before the section properties"
        );
    }

    #[test]
    fn nothing_to_insert_leaves_the_template_unchanged() {
        let template = std::fs::read(fixture_path()).unwrap();
        let present = vec![verdict("ai-use-disclosure", ClauseStatus::Present)];
        let out = redline(
            &template,
            &present,
            &sample().rules,
            DATE,
            &Limits::default(),
        )
        .unwrap();
        assert_eq!(out.placement, Placement::Nothing);
        assert_eq!(out.docx, template);
    }

    #[test]
    fn a_file_that_is_not_docx_is_explained() {
        let err = redline(b"not a zip", &verdicts(), &[], DATE, &Limits::default()).unwrap_err();
        assert!(
            err.to_string().contains("not a readable DOCX file"),
            "{err}"
        );
    }

    /// Paragraph texts of the template that must survive.
    fn old_texts() -> Vec<&'static str> {
        vec![
            "Digital Services Agreement: template",
            "2.1 The Supplier shall provide the Services in accordance with the Specification & the Order Form.",
            "5.1.1 The Supplier shall seek the Authority's approval before using any AI System on Authority Data, such approval not to be unreasonably withheld.",
            "6.1 Neither party limits its liability for death or personal injury caused by its negligence.",
        ]
    }

    /// Reads the amended copy with the tool's own DOCX reader: the inserted wording is text, and
    /// the template's text is intact.
    fn read_back(docx: &[u8], originals: &[&str], inserted: &[&str]) {
        match aiassure::extract::extract(Format::Docx, docx, &Limits::default()) {
            Ok(extracted) => {
                let text: Vec<&str> = extracted.blocks.iter().map(|b| b.text.as_str()).collect();
                let all = text.join("\n");
                for o in originals {
                    assert!(all.contains(o), "original text lost: {o}");
                }
                for i in inserted {
                    assert!(all.contains(i), "inserted wording not read back: {i}");
                }
            }
            Err(e) => panic!("the amended copy cannot be read back: {e}"),
        }
    }

    /// Converts the amended copy to PDF with LibreOffice (when installed) and finds the wording in
    /// the PDF's text: the package is one a word processor opens.
    fn convert_with_libreoffice(docx: &[u8], expect: &str) {
        let Ok(ok) = std::process::Command::new("soffice")
            .arg("--version")
            .output()
        else {
            crate::common::skip("the LibreOffice check: soffice is not installed");
            return;
        };
        assert!(ok.status.success());
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("amended.docx");
        std::fs::write(&input, docx).unwrap();
        let out = std::process::Command::new("soffice")
            .arg(format!(
                "-env:UserInstallation=file://{}",
                dir.path().join("profile").display()
            ))
            .args(["--headless", "--convert-to", "pdf", "--outdir"])
            .arg(dir.path())
            .arg(&input)
            .output()
            .unwrap();
        let pdf = std::fs::read(dir.path().join("amended.pdf")).unwrap_or_else(|_| {
            panic!(
                "LibreOffice did not convert the amended copy: {}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
        let text = aiassure::extract::extract(Format::Pdf, &pdf, &Limits::default())
            .expect("the converted PDF reads");
        let all: Vec<&str> = text.blocks.iter().map(|b| b.text.as_str()).collect();
        let all = all.join(" ");
        assert!(
            all.contains(expect),
            "{expect:?} not in the converted PDF: {all}"
        );
        assert!(all.contains("6.1 Neither party limits its liability"));
        println!(
            "LibreOffice converted the amended template: {} bytes of PDF",
            pdf.len()
        );
    }
}

// ---------------------------------------------------------------------------------------------
// The command line: formats, --template, redline.

mod cli {
    use crate::common::{aiassure, root};

    fn examples() -> String {
        root().join("fixtures/examples").display().to_string()
    }

    #[test]
    fn every_format_is_written_by_scan() {
        let dir = tempfile::tempdir().unwrap();
        for (format, starts) in [
            ("text", "aiassure "),
            ("json", "{"),
            ("markdown", "## AI assurance gap report"),
            ("html", "<!DOCTYPE html>"),
            ("csv", "record,path,"),
            ("sarif", "{"),
        ] {
            let out_file = dir.path().join(format!("report.{format}"));
            let out = aiassure(&[
                "scan",
                "--quiet",
                "--format",
                format,
                "-o",
                out_file.to_str().unwrap(),
                &examples(),
            ]);
            assert!(
                matches!(out.status.code(), Some(0 | 1)),
                "{format}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let written = std::fs::read_to_string(&out_file).unwrap();
            assert!(
                written.starts_with(starts),
                "{format}: {}",
                &written[..80.min(written.len())]
            );
            assert!(written.contains("civic-systems-response.txt"), "{format}");
        }
    }

    #[test]
    fn scan_uses_templates_from_a_folder() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("report.md.j2"),
            "Our council's summary: {{ report.summary.documents }} documents",
        )
        .unwrap();
        let out = aiassure(&[
            "scan",
            "--quiet",
            "--format",
            "markdown",
            "--template",
            dir.path().to_str().unwrap(),
            &examples(),
        ]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.starts_with("Our council's summary: "), "{stdout}");

        std::fs::write(dir.path().join("report.html.j2"), "{% for %}").unwrap();
        let out = aiassure(&[
            "scan",
            "--template",
            dir.path().to_str().unwrap(),
            &examples(),
        ]);
        assert_eq!(out.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("report.html.j2 has an error"), "{stderr}");
    }

    #[test]
    fn redline_writes_an_amended_copy() {
        let dir = tempfile::tempdir().unwrap();
        let template = root().join("fixtures/report/template.docx");
        let output = dir.path().join("amended.docx");
        let out = aiassure(&[
            "redline",
            template.to_str().unwrap(),
            "-o",
            output.to_str().unwrap(),
        ]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{stderr}");
        let bytes = std::fs::read(&output).unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut xml = String::new();
        std::io::Read::read_to_string(&mut zip.by_name("word/document.xml").unwrap(), &mut xml)
            .unwrap();
        assert!(xml.contains("6.1 Neither party limits its liability"));
        if stderr.contains("inserted the wording of") {
            assert!(xml.contains("w:author=\"aiassure\""));
        }
        println!("redline: {}", stderr.trim());
    }

    #[test]
    fn redline_never_overwrites_the_template() {
        let dir = tempfile::tempdir().unwrap();
        let copy = dir.path().join("t.docx");
        std::fs::copy(root().join("fixtures/report/template.docx"), &copy).unwrap();
        let out = aiassure(&[
            "redline",
            copy.to_str().unwrap(),
            "-o",
            copy.to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&out.stderr).contains("never overwrites"));
        let out = aiassure(&["redline", "contract.pdf", "-o", "x.docx"]);
        assert_eq!(out.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&out.stderr).contains("not a .docx file"));
    }
}

/// `scan --format json` writes each document as its turn in path order comes (memory flat in the
/// number of documents); the bytes must be those of the whole report rendered at once, in path
/// order across chunks, with unsupported files in their place.
#[test]
fn streamed_json_is_the_whole_report() {
    let dir = tempfile::tempdir().unwrap();
    // 300 files: three chunks at one thread. Names sort differently as text and as numbers.
    for i in 0..300 {
        let text = if i % 7 == 0 {
            "1. Data\nThe Supplier shall not use Authority Data to train any AI model.\n"
        } else {
            "1. Fees\nFees are payable monthly.\n"
        };
        std::fs::write(dir.path().join(format!("doc-{i}.txt")), text).unwrap();
    }
    std::fs::write(dir.path().join("notes.rtf"), "{\\rtf1 x}").unwrap();
    let rtf = dir.path().join("notes.rtf");
    let folder = dir.path().to_str().unwrap();
    let out = crate::common::aiassure(&[
        "scan",
        folder,
        rtf.to_str().unwrap(),
        "fixtures/examples",
        "--format",
        "json",
        "--fail-on",
        "never",
        "-j",
        "1",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let streamed = String::from_utf8(out.stdout).unwrap();
    let report: Report = serde_json::from_str(&streamed).unwrap();
    assert_eq!(report.documents.len(), 306);
    let paths: Vec<&str> = report.documents.iter().map(|d| d.path.as_str()).collect();
    let mut sorted = paths.clone();
    sorted.sort_unstable();
    assert_eq!(paths, sorted);
    assert!(
        report
            .documents
            .iter()
            .any(|d| d.path.ends_with("notes.rtf")
                && d.status == aiassure::model::Status::Unreadable)
    );
    assert_eq!(report.summary, Summary::of(&report.documents));
    assert!(!report.rules.is_empty());
    let mut whole = Vec::new();
    report::json::render(&report, &mut whole).unwrap();
    assert_eq!(streamed, String::from_utf8(whole).unwrap());
}

// ---------------------------------------------------------------------------------------------
// The bid comparison on the example bids: a column per tender rule, the AI features and the
// declaration, one row per bid, in CSV, Markdown and HTML.

mod bid_comparison {
    use crate::common::aiassure;

    /// The tender rules of the built-in library, in the library's order.
    const TENDER_RULES: [&str; 7] = [
        "tender-ai-declaration",
        "tender-ai-model-provenance",
        "tender-ai-training-data",
        "tender-ai-testing",
        "tender-ai-data-flows",
        "tender-ai-human-oversight",
        "tender-ai-change-and-incident",
    ];

    fn scan(format: &str) -> String {
        let out = aiassure(&["scan", "fixtures/examples/bids", "--format", format]);
        assert_eq!(out.status.code(), Some(1), "the example bids have gaps");
        String::from_utf8(out.stdout).expect("UTF-8 report")
    }

    #[test]
    fn csv_has_a_column_per_tender_rule_and_a_row_per_bid() {
        let csv = scan("csv");
        let mut reader = csv::Reader::from_reader(csv.as_bytes());
        let header: Vec<String> = reader
            .headers()
            .expect("header")
            .iter()
            .map(str::to_string)
            .collect();
        let fixed = aiassure::report::csv::COLUMNS.len();
        let mut want: Vec<&str> = TENDER_RULES.to_vec();
        want.extend(["ai_features", "ai_declaration"]);
        assert_eq!(
            header[fixed..],
            want[..],
            "the comparison's columns, in order"
        );
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        let bids: Vec<&csv::StringRecord> = rows.iter().filter(|r| &r[0] == "bid").collect();
        assert_eq!(bids.len(), 3, "one row per bid");
        let col = |name: &str| header.iter().position(|h| h == name).expect("column");
        let row = |file: &str| {
            *bids
                .iter()
                .find(|r| r[1].ends_with(file))
                .expect("the bid has a row")
        };
        // A bid without AI: its declaration judged, the pack not applied.
        let civic = row("civic-systems-response.txt");
        assert_eq!(&civic[col("tender-ai-declaration")], "present");
        assert_eq!(&civic[col("tender-ai-testing")], "n/a");
        assert_eq!(&civic[col("ai_declaration")], "no AI");
        assert_eq!(&civic[col("ai_features")], "");
        // A bid that declares no AI while describing Azure OpenAI.
        let northgate = row("northgate-care-response.docx");
        assert_eq!(&northgate[col("tender-ai-declaration")], "contradicted");
        assert_eq!(&northgate[col("ai_declaration")], "no AI");
        assert!(
            northgate[col("ai_features")].contains("Azure OpenAI (not declared)"),
            "{:?}",
            &northgate[col("ai_features")]
        );
        for r in &bids {
            for id in TENDER_RULES {
                assert!(
                    ["present", "weak", "contradicted", "missing", "n/a"].contains(&&r[col(id)]),
                    "{} {id}: {:?}",
                    &r[1],
                    &r[col(id)]
                );
            }
        }
        // Every other record leaves the comparison's columns empty.
        for r in rows.iter().filter(|r| &r[0] != "bid") {
            assert!(r.iter().skip(fixed).all(str::is_empty), "{r:?}");
        }
    }

    #[test]
    fn markdown_and_html_tables_have_the_same_columns() {
        let md = scan("markdown");
        let table = &md[md.find("### Bid comparison").expect("comparison")..];
        let header = table
            .lines()
            .find(|l| l.starts_with("| Bid |"))
            .expect("header row");
        let cells: Vec<&str> = header
            .split('|')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .collect();
        assert_eq!(
            cells,
            [
                "Bid",
                "Declares its AI",
                "Models and providers",
                "Training data",
                "Testing",
                "Data flows",
                "Human oversight",
                "Changes and incidents",
                "AI features",
                "Declaration says"
            ]
        );
        let rows: Vec<&str> = table
            .lines()
            .skip_while(|l| !l.starts_with("|---"))
            .skip(1)
            .take_while(|l| l.starts_with('|'))
            .collect();
        assert_eq!(rows.len(), 3, "{table}");
        let civic = rows
            .iter()
            .find(|r| r.contains("civic-systems"))
            .expect("row");
        assert!(
            civic.contains("n/a (no AI)") && civic.contains("present (Q3)"),
            "{civic}"
        );
        let html = scan("html");
        for id in TENDER_RULES {
            assert!(html.contains(&format!("<th title=\"{id}: ")), "{id}");
        }
        assert!(html.contains("<th>AI features</th><th>Declaration says</th>"));
    }
}
