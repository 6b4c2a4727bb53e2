//! The CSV report, for spreadsheets: one table, one row per record, told apart by the first
//! column `record`:
//!
//! - `document`: one per document (status, and the reason when it could not be read), so no
//!   document is ever lost from the sheet;
//! - `clause`: one per document and rule (severity, status, first evidence, explanation);
//! - `ai_feature`: one per AI feature (category, disclosed, register, evidence);
//! - `bid`: when two or more tenders were scanned together, the bid comparison, one per bid, in
//!   columns added after the fixed ones: one per tender rule (named by its id, holding the status,
//!   or `n/a` for a pack rule left out of a bid without AI), then `ai_features` (the features'
//!   names, `; `-separated, each not covered by the declaration marked `(not declared)`) and
//!   `ai_declaration` (`AI used`, `no AI` or `none`).
//!
//! The last fixed column, `ocr`, says when the document (its `document` row) or the quote (the
//! other rows) was read by OCR, with its confidence.
//!
//! Columns that do not apply to a record are empty. Every cell a spreadsheet would run as a
//! formula (starting with `=`, `+`, `-`, `@`, tab or carriage return) is prefixed with `'`, so
//! a document's text is shown, never executed.

use std::io::{self, Write};

use super::{evidence_note, ocr_note, view};
use crate::model::{ClauseVerdict, DocumentReport, Evidence, Report};

/// The header row's fixed columns (the bid comparison adds its own after them).
pub const COLUMNS: [&str; 19] = [
    "record",
    "path",
    "format",
    "doc_type",
    "document_status",
    "error",
    "rule_id",
    "title",
    "severity",
    "status",
    "feature",
    "category",
    "disclosed",
    "register",
    "page",
    "section",
    "quote",
    "explanation",
    "ocr",
];

/// Writes the CSV report.
pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let bids = view::bids(report);
    let extra: Vec<String> = bids
        .iter()
        .flat_map(|b| b.columns.iter().map(|c| c.id.clone()))
        .chain(
            bids.iter()
                .flat_map(|_| ["ai_features".to_string(), "ai_declaration".to_string()]),
        )
        .collect();
    let width = COLUMNS.len() + extra.len();
    let mut w = ::csv::Writer::from_writer(out);
    w.write_record(COLUMNS.iter().map(|c| (*c).to_string()).chain(extra))?;
    let mut write = |mut row: Vec<String>| {
        row.resize(width, String::new());
        w.write_record(row.iter().map(|c| neutralise(c).into_owned()))
    };
    for d in &report.documents {
        write(document_row(d))?;
        for c in &d.clauses {
            write(clause_row(d, c))?;
        }
        for f in &d.ai_features {
            let mut row = base(d, "ai_feature");
            row[10].clone_from(&f.name);
            row[11] = f.category.as_str().to_string();
            row[12] = f.disclosed.to_string();
            row[13] = f
                .register
                .map(|r| r.as_str().to_string())
                .unwrap_or_default();
            evidence(&mut row, Some(&f.evidence));
            row[18] = evidence_note(d, &f.evidence).unwrap_or_default();
            write(row)?;
        }
    }
    if let Some(b) = &bids {
        for r in &b.rows {
            let Some(d) = report.documents.iter().find(|d| d.path == r.path) else {
                continue;
            };
            let mut row = base(d, "bid");
            row.extend(r.cells.iter().map(|c| (*c).to_string()));
            row.push(
                r.feature_list
                    .iter()
                    .map(|f| {
                        if f.disclosed {
                            f.name.clone()
                        } else {
                            format!("{} (not declared)", f.name)
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("; "),
            );
            row.push(r.declaration.to_string());
            write(row)?;
        }
    }
    w.flush()?;
    Ok(())
}

fn base(d: &DocumentReport, record: &str) -> Vec<String> {
    let mut row = vec![String::new(); COLUMNS.len()];
    row[0] = record.to_string();
    row[1].clone_from(&d.path);
    row[2] = d.format.as_str().to_string();
    row[3] = d.doc_type.as_str().to_string();
    row[4] = d.status.as_str().to_string();
    row
}

fn document_row(d: &DocumentReport) -> Vec<String> {
    let mut row = base(d, "document");
    row[5] = d.error.clone().unwrap_or_default();
    row[18] = d.ocr.as_ref().map(ocr_note).unwrap_or_default();
    row
}

fn clause_row(d: &DocumentReport, c: &ClauseVerdict) -> Vec<String> {
    let mut row = base(d, "clause");
    row[6].clone_from(&c.id);
    row[7].clone_from(&c.title);
    row[8] = c.severity.as_str().to_string();
    row[9] = c.status.as_str().to_string();
    evidence(&mut row, c.evidence.first());
    row[17].clone_from(&c.explanation);
    row[18] = c
        .evidence
        .first()
        .and_then(|e| evidence_note(d, e))
        .unwrap_or_default();
    row
}

fn evidence(row: &mut [String], e: Option<&Evidence>) {
    if let Some(e) = e {
        row[14] = e.page.map(|p| p.to_string()).unwrap_or_default();
        row[15] = e.section.clone().unwrap_or_default();
        row[16].clone_from(&e.quote);
    }
}

/// A cell that a spreadsheet would run as a formula, made inert with a leading `'`.
pub fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

#[cfg(test)]
mod tests {
    use super::neutralise;

    #[test]
    fn formula_cells_are_neutralised_and_others_kept() {
        for bad in ["=1+1", "+44 20", "-2", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(neutralise(bad), format!("'{bad}"));
        }
        for good in ["14.3", "The Supplier shall", "", "a=b"] {
            assert_eq!(neutralise(good), good);
        }
    }
}
