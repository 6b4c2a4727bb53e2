//! Paths as a person reads them: the formats for people (text, Markdown, HTML, CSV) name each
//! document relative to the folder scanned (`bids/carelink.docx`, not
//! `/home/officer/tenders/2026/bids/carelink.docx` in every row). The JSON report and SARIF keep
//! the paths as scanned, which other programs and baselines rely on.

use std::path::Path;

use crate::model::Report;

/// Rewrites every document path of the report (documents, family members, the evidence of
/// families, orders of precedence, gaps gone since the baseline, and family names that are
/// folders) relative to `folder`. A path not under `folder`, or equal to it, is left as it is.
pub fn relative_to(report: &mut Report, folder: &Path) {
    if folder.as_os_str().is_empty() {
        return;
    }
    let rel = |path: &mut String| {
        if let Ok(rest) = Path::new(path.as_str()).strip_prefix(folder)
            && !rest.as_os_str().is_empty()
        {
            *path = rest.to_string_lossy().into_owned();
        }
    };
    for d in &mut report.documents {
        rel(&mut d.path);
    }
    for f in &mut report.families {
        rel(&mut f.name);
        f.members
            .iter_mut()
            .chain(&mut f.missing_members)
            .chain(&mut f.unreadable_members)
            .for_each(rel);
        if let Some(order) = &mut f.order_of_precedence {
            rel(&mut order.path);
            order.ranked.iter_mut().for_each(rel);
        }
        for c in &mut f.clauses {
            c.evidence.iter_mut().for_each(|e| rel(&mut e.path));
        }
        for x in &mut f.ai_features {
            rel(&mut x.evidence.path);
        }
    }
    if let Some(b) = &mut report.baseline {
        for g in &mut b.gone {
            rel(&mut g.path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{
        BaselineSummary, DocType, DocumentReport, Format, GoneGap, NameVersion, SCHEMA_VERSION,
        Status, Summary,
    };

    fn doc(path: &str) -> DocumentReport {
        DocumentReport {
            path: path.into(),
            format: Format::Text,
            sha256: String::new(),
            doc_type: DocType::Contract,
            status: Status::Analysed,
            error: None,
            pages: None,
            clauses: Vec::new(),
            ai_features: Vec::new(),
            ai_declaration: None,
            ocr: None,
            order_of_precedence: None,
        }
    }

    fn report(paths: &[&str]) -> Report {
        let name = NameVersion {
            name: "n".into(),
            version: "1".into(),
        };
        Report {
            schema_version: SCHEMA_VERSION.into(),
            tool: name.clone(),
            library: name,
            documents: paths.iter().map(|p| doc(p)).collect(),
            families: Vec::new(),
            summary: Summary::default(),
            baseline: Some(BaselineSummary {
                path: "/old/report.json".into(),
                gone: vec![GoneGap {
                    path: "/srv/bids/gone.pdf".into(),
                    family: false,
                    rule: "r".into(),
                    feature: None,
                    was: "missing".into(),
                }],
                ..BaselineSummary::default()
            }),
            rules: Vec::new(),
        }
    }

    #[test]
    fn paths_under_the_folder_lose_it_others_stay() {
        let mut r = report(&[
            "/srv/bids/a/x.pdf",
            "/srv/bids2/y.pdf",
            "/srv/bids",
            "z.txt",
        ]);
        relative_to(&mut r, Path::new("/srv/bids"));
        let paths: Vec<&str> = r.documents.iter().map(|d| d.path.as_str()).collect();
        // "/srv/bids2" shares the letters but not the folder; the folder itself stays whole.
        assert_eq!(paths, ["a/x.pdf", "/srv/bids2/y.pdf", "/srv/bids", "z.txt"]);
        let baseline = r.baseline.as_ref().unwrap();
        assert_eq!(baseline.gone[0].path, "gone.pdf");
        assert_eq!(
            baseline.path, "/old/report.json",
            "the baseline file is not a document"
        );
    }

    #[test]
    fn a_relative_folder_and_a_trailing_slash_work_too() {
        let mut r = report(&["fixtures/examples/bids/a.docx", "./b.txt"]);
        relative_to(&mut r, Path::new("fixtures/examples/"));
        assert_eq!(r.documents[0].path, "bids/a.docx");
        let mut r = report(&["./b.txt"]);
        relative_to(&mut r, Path::new("."));
        assert_eq!(r.documents[0].path, "b.txt");
        let mut r = report(&["b.txt"]);
        relative_to(&mut r, Path::new(""));
        assert_eq!(r.documents[0].path, "b.txt");
    }
}
