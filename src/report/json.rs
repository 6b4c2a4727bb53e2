//! The JSON report: `serde_json` on [`Report`], pretty-printed, one object.
//!
//! The shape is a contract (`schema_version` "1"), specified field by field in
//! `docs/report.schema.json`, which the tests validate real output against:
//!
//! ```text
//! { "schema_version": "1", "tool": {name, version}, "library": {name, version},
//!   "documents": [ { path, format, sha256, doc_type, status, error, pages,
//!                    clauses: [ {id, title, severity, status, evidence: [{page, section, quote, start, end}], explanation, question?} ],
//!                    ai_features: [ {name, category, disclosed, register, evidence, vendor?} ],
//!                    ai_declaration: null | {says_ai_used, evidence}, ocr? } ],
//!   "summary": {documents, analysed, unreadable, error, gaps: {missing, weak, contradicted}, undisclosed_ai_features},
//!   "rules": [ {id, title, tier, requires, why, sources, model_wording} ] }
//! ```
//!
//! Fields may be added; none is renamed or removed without a new `schema_version`. A document
//! read (in part) by OCR carries `ocr` (pages read, mean confidence, low-confidence pages), and
//! each of its quotes from such a page `"ocr": true` with `ocr_confidence`.

use std::io::{self, Write};

use serde::Serialize;

use super::{ReportWriter, Tail};
use crate::model::{
    BaselineSummary, DocumentReport, FamilyReport, NameVersion, Report, RuleInfo, SCHEMA_VERSION,
    Summary, with_ocr_evidence,
};

/// Writes the report as pretty-printed JSON followed by a newline.
pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let mut stream = JsonStream::begin(out, &report.tool, &report.library)?;
    for d in &report.documents {
        stream.write_document(d)?;
    }
    stream.write_tail(
        &report.families,
        &report.summary,
        report.baseline.as_ref(),
        &report.rules,
    )
}

/// Writes the same bytes as [`render`], a document at a time, so that a scan of a whole repository
/// never holds every document's report: `begin`, then [`ReportWriter::document`] for each in path
/// order, then [`ReportWriter::finish`] with the totals and the rules cited.
pub struct JsonStream<'w> {
    out: &'w mut dyn Write,
    documents: usize,
}

impl<'w> JsonStream<'w> {
    /// Writes everything before the first document.
    pub fn begin(
        out: &'w mut dyn Write,
        tool: &NameVersion,
        library: &NameVersion,
    ) -> io::Result<JsonStream<'w>> {
        write!(
            out,
            "{{\n  \"schema_version\": {},\n  \"tool\": {},\n  \"library\": {},\n  \"documents\": [",
            nested(&SCHEMA_VERSION, 1)?,
            nested(tool, 1)?,
            nested(library, 1)?
        )?;
        Ok(JsonStream { out, documents: 0 })
    }

    /// Writes one document.
    fn write_document(&mut self, document: &DocumentReport) -> io::Result<()> {
        let sep = if self.documents == 0 { "" } else { "," };
        let text = with_ocr_evidence(document.ocr.as_ref(), || nested(document, 2))?;
        write!(self.out, "{sep}\n    {text}")?;
        self.documents += 1;
        Ok(())
    }

    /// Writes the families, totals, baseline summary and rules, and ends the report (in the
    /// order of [`Report`]'s fields).
    fn write_tail(
        self,
        families: &[FamilyReport],
        summary: &Summary,
        baseline: Option<&BaselineSummary>,
        rules: &[RuleInfo],
    ) -> io::Result<()> {
        let close = if self.documents == 0 { "]" } else { "\n  ]" };
        write!(self.out, "{close}")?;
        if !families.is_empty() {
            write!(self.out, ",\n  \"families\": {}", nested(families, 1)?)?;
        }
        write!(self.out, ",\n  \"summary\": {}", nested(summary, 1)?)?;
        if let Some(b) = baseline {
            write!(self.out, ",\n  \"baseline\": {}", nested(b, 1)?)?;
        }
        writeln!(self.out, ",\n  \"rules\": {}\n}}", nested(rules, 1)?)
    }
}

impl ReportWriter for JsonStream<'_> {
    fn document(&mut self, document: DocumentReport) -> io::Result<()> {
        self.write_document(&document)
    }

    fn finish(self: Box<Self>, tail: Tail) -> io::Result<()> {
        self.write_tail(
            &tail.families,
            &tail.summary,
            tail.baseline.as_ref(),
            &tail.rules,
        )
    }
}

/// A value pretty-printed as it appears `level` objects deep (two spaces per level). Newlines
/// inside strings are escaped by JSON, so every newline of the text is layout.
fn nested<T: Serialize + ?Sized>(value: &T, level: usize) -> io::Result<String> {
    let text = serde_json::to_string_pretty(value)?;
    Ok(text.replace('\n', &format!("\n{}", "  ".repeat(level))))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DocType, Format, Status};

    fn doc(path: &str) -> DocumentReport {
        DocumentReport {
            path: path.into(),
            format: Format::Text,
            sha256: "ab".into(),
            doc_type: DocType::Contract,
            status: Status::Unreadable,
            error: Some("line one\nline two".into()),
            pages: None,
            clauses: Vec::new(),
            ai_features: Vec::new(),
            ai_declaration: None,
            ocr: None,
            order_of_precedence: None,
        }
    }

    fn streamed(report: &Report) -> String {
        let mut out = Vec::new();
        let mut stream: Box<dyn ReportWriter> =
            Box::new(JsonStream::begin(&mut out, &report.tool, &report.library).unwrap());
        for d in &report.documents {
            stream.document(d.clone()).unwrap();
        }
        stream
            .finish(Tail {
                families: report.families.clone(),
                summary: report.summary,
                baseline: report.baseline.clone(),
                rules: report.rules.clone(),
            })
            .unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn streaming_writes_what_serde_writes() {
        let name = |n: &str| NameVersion {
            name: n.into(),
            version: "1.0".into(),
        };
        for documents in [
            vec![],
            vec![doc("a.txt")],
            vec![doc("a.txt"), doc("b \"c\".txt")],
        ] {
            let report = Report {
                schema_version: SCHEMA_VERSION.into(),
                tool: name("aiassure"),
                library: name("lib"),
                summary: Summary::of(&documents),
                documents,
                families: Vec::new(),
                baseline: None,
                rules: Vec::new(),
            };
            // Without OCR marks, the stream is serde's own pretty printing of the whole report.
            let whole = serde_json::to_string_pretty(&report).unwrap() + "\n";
            assert_eq!(streamed(&report), whole);
            let mut rendered = Vec::new();
            render(&report, &mut rendered).unwrap();
            assert_eq!(String::from_utf8(rendered).unwrap(), whole);
        }
    }
}
