//! `aiassure questions BIDS... -o DIR`: one clarification letter per bid that raises a question,
//! in DOCX (read back from `word/document.xml`) and Markdown, checked against the questions the
//! JSON report gives for the same bids.

use std::io::Read;
use std::path::Path;

use crate::common::aiassure;

/// The questions a bid's letter must ask: every tender verdict other than present that carries a
/// question, from the JSON report of the same files.
fn expected_questions(report: &serde_json::Value) -> Vec<(String, Vec<String>)> {
    report["documents"]
        .as_array()
        .expect("documents")
        .iter()
        .map(|d| {
            let questions = d["clauses"]
                .as_array()
                .expect("clauses")
                .iter()
                .filter(|c| c["status"] != "present")
                .filter_map(|c| c["question"].as_str().map(str::to_string))
                .collect();
            (d["path"].as_str().expect("path").to_string(), questions)
        })
        .collect()
}

/// The text of a DOCX's main part: the runs of each paragraph joined, one paragraph a line.
fn docx_text(path: &Path) -> String {
    let file = std::fs::File::open(path).expect("the DOCX letter exists");
    let mut zip = zip::ZipArchive::new(file).expect("the letter is a zip package");
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .expect("word/document.xml")
        .read_to_string(&mut xml)
        .expect("UTF-8 XML");
    // One paragraph a line, tags dropped, then the XML references resolved.
    let lines = xml.replace("</w:p>", "\n");
    let tags = regex::Regex::new(r"<[^>]*>").expect("pattern");
    let text = tags.replace_all(&lines, "");
    quick_xml::escape::unescape(&text)
        .expect("valid references")
        .into_owned()
}

fn stem(path: &str) -> String {
    let file = path.rsplit('/').next().unwrap_or(path);
    file.rsplit_once('.').map_or(file, |(n, _)| n).to_string()
}

#[test]
fn letters_for_the_example_bids_ask_every_question_numbered() {
    let dir = tempfile::tempdir().expect("scratch");
    let out_dir = dir.path().join("letters");
    let out = aiassure(&[
        "questions",
        "fixtures/examples/bids",
        "-o",
        out_dir.to_str().expect("UTF-8 path"),
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let scan = aiassure(&[
        "scan",
        "fixtures/examples/bids",
        "--doc-type",
        "tender",
        "--format",
        "json",
    ]);
    let report: serde_json::Value = serde_json::from_slice(&scan.stdout).expect("JSON report");
    let mut letters = 0;
    for (path, questions) in expected_questions(&report) {
        let docx = out_dir.join(format!("{}-questions.docx", stem(&path)));
        let md = out_dir.join(format!("{}-questions.md", stem(&path)));
        let undisclosed = report["documents"]
            .as_array()
            .expect("documents")
            .iter()
            .find(|d| d["path"] == path.as_str())
            .and_then(|d| d["ai_features"].as_array())
            .is_some_and(|f| f.iter().any(|f| f["disclosed"] == false));
        if questions.is_empty() && !undisclosed {
            assert!(
                !docx.exists() && !md.exists(),
                "{path}: no question, no letter"
            );
            assert!(
                stdout.contains(&format!("{path}: no questions")),
                "{path}: stdout says why there is no letter: {stdout}"
            );
            continue;
        }
        letters += 1;
        let text = docx_text(&docx);
        let markdown = std::fs::read_to_string(&md).expect("the Markdown letter exists");
        let file = path.rsplit('/').next().expect("file name");
        for letter in [&text, &markdown] {
            assert!(
                letter.contains("Subject:") && letter.contains(file),
                "{letter}"
            );
            assert!(letter.contains("Dear Bidder,") && letter.contains("Yours faithfully,"));
            assert!(letter.contains("the Council has read"), "{letter}");
        }
        // The placeholder the officer fills in, as written in both.
        assert!(text.contains("by [reply-by date],"), "{text}");
        assert!(markdown.contains("by [reply-by date],"), "{markdown}");
        // Numbered 1, 2, 3 ... in order, each heading a paragraph of its own in the DOCX, and
        // every question of the JSON report asked in both letters.
        let headings: Vec<&str> = text
            .lines()
            .filter(|l| {
                l.split_once(". ")
                    .is_some_and(|(n, _)| n.parse::<usize>().is_ok())
            })
            .collect();
        assert!(headings.len() >= questions.len(), "{path}: {text}");
        for (i, h) in headings.iter().enumerate() {
            assert!(
                h.starts_with(&format!("{}. ", i + 1)),
                "{path}: numbering: {h}"
            );
            assert!(
                h.contains("section ")
                    || h.contains("page ")
                    || h.contains("not found in your bid"),
                "{path}: cites the bid: {h}"
            );
        }
        for q in &questions {
            assert!(
                text.contains(q.as_str()),
                "{path}: the DOCX asks {q}\n{text}"
            );
            // The Markdown escapes the bid's own words; compare the question's first words.
            let start: String = q
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == ' ')
                .collect();
            assert!(
                markdown.contains(&start),
                "{path}: the Markdown asks {q}\n{markdown}"
            );
        }
        let md_numbers: Vec<usize> = markdown
            .lines()
            .filter_map(|l| l.strip_prefix("**")?.split_once(". ")?.0.parse().ok())
            .collect();
        assert_eq!(
            md_numbers,
            (1..=headings.len()).collect::<Vec<_>>(),
            "{path}: the Markdown numbers the same questions"
        );
        assert!(
            stdout.contains(&format!("{path}: ")) && stdout.contains(&md.display().to_string())
        );
    }
    assert!(
        letters >= 2,
        "at least two of the example bids raise questions: {stdout}"
    );
    assert!(
        stdout.contains("[reply-by date]"),
        "stdout says to fill in the date: {stdout}"
    );
}

#[test]
fn reply_by_date_and_buyer_are_written_and_bad_dates_refused() {
    let dir = tempfile::tempdir().expect("scratch");
    let out_dir = dir.path().join("letters");
    let out = aiassure(&[
        "questions",
        "fixtures/examples/bids",
        "-o",
        out_dir.to_str().expect("UTF-8 path"),
        "--reply-by",
        "2027-01-15",
        "--from",
        "Eastbrook Borough Council",
        "--tender",
        "Housing repairs scheduling (EBC-2026-043)",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let letters: Vec<_> = std::fs::read_dir(&out_dir)
        .expect("letters folder")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    assert!(!letters.is_empty());
    for l in letters {
        let md = std::fs::read_to_string(&l).expect("letter");
        assert!(md.contains("by 15 January 2027,"), "{md}");
        assert!(md.contains("Eastbrook Borough Council has read"), "{md}");
        assert!(
            md.contains("Housing repairs scheduling (EBC-2026-043)"),
            "{md}"
        );
        assert!(!md.contains("[reply-by date]"));
    }
    let bad = aiassure(&[
        "questions",
        "fixtures/examples/bids",
        "-o",
        out_dir.to_str().expect("UTF-8 path"),
        "--reply-by",
        "31/01/2027",
    ]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("YYYY-MM-DD"));
}
