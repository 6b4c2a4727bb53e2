//! JSON lines (`scan --format jsonl`, and what `aiassure worker` answers): one document per
//! line, the same object as in the JSON report's `documents` (OCR marks on evidence included),
//! written as soon as the document's turn comes, with nothing before or after.
//!
//! Lines are independent, so files from many runs or shards concatenate into one results file,
//! and search engines' bulk APIs take them as they are (`docs/scale-out.md`). The totals, the
//! rules cited and contract families are in the JSON report only.

use std::io::{self, Write};

use super::{ReportWriter, Tail};
use crate::model::{DocumentReport, with_ocr_evidence};

/// The JSON lines writer of `scan --format jsonl`: each document as it comes, nothing at the end.
pub struct JsonLines<'w> {
    /// Where the lines go.
    pub out: &'w mut dyn Write,
}

impl ReportWriter for JsonLines<'_> {
    fn document(&mut self, document: DocumentReport) -> io::Result<()> {
        write_document(self.out, &document)
    }

    fn finish(self: Box<Self>, _tail: Tail) -> io::Result<()> {
        Ok(())
    }
}

/// Writes one document as one line.
pub fn write_document(out: &mut dyn Write, document: &DocumentReport) -> io::Result<()> {
    let line = with_ocr_evidence(document.ocr.as_ref(), || serde_json::to_string(document))?;
    out.write_all(line.as_bytes())?;
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DocType, Format, Status};

    #[test]
    fn one_line_per_document_that_parses_back() {
        let d = DocumentReport {
            path: "a\nb.txt".into(),
            format: Format::Text,
            sha256: "ab".into(),
            doc_type: DocType::Unknown,
            status: Status::Error,
            error: Some("line one\nline two".into()),
            pages: None,
            clauses: Vec::new(),
            ai_features: Vec::new(),
            ai_declaration: None,
            ocr: None,
            order_of_precedence: None,
        };
        let mut out = Vec::new();
        write_document(&mut out, &d).unwrap();
        write_document(&mut out, &d).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2);
        let back: DocumentReport = serde_json::from_str(lines[1]).unwrap();
        assert_eq!(back, d);
    }
}
