//! The JSON report: `serde_json` on [`Report`], pretty-printed, one object.
//!
//! The shape is a contract (`schema_version` "1"), specified field by field in
//! `docs/report.schema.json`, which the tests validate real output against:
//!
//! ```text
//! { "schema_version": "1", "tool": {name, version}, "library": {name, version},
//!   "documents": [ { path, format, sha256, doc_type, status, error, pages,
//!                    clauses: [ {id, title, severity, status, evidence: [{page, section, quote, start, end}], explanation} ],
//!                    ai_features: [ {name, category, disclosed, register, evidence, vendor?} ],
//!                    ai_declaration: null | {says_ai_used, evidence} } ],
//!   "summary": {documents, analysed, unreadable, error, gaps: {missing, weak, contradicted}, undisclosed_ai_features},
//!   "rules": [ {id, title, tier, requires, why, sources, model_wording} ] }
//! ```
//!
//! Fields may be added; none is renamed or removed without a new `schema_version`.

use std::io::{self, Write};

use crate::model::Report;

/// Writes the report as pretty-printed JSON followed by a newline.
pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, report)?;
    writeln!(out)
}
