//! DOCX reader: the package read with zip and quick-xml (streaming), as the reader of the document
//! sees it once tracked changes are accepted: body paragraphs with their list numbers ("14.3",
//! "(a)"), headings, tables cell by cell, text boxes, footnotes and endnotes; without deletions,
//! comments, headers, footers or field codes.
//!
//! Bounded: entries in the package, total decompressed size (sizes declared in the zip are never
//! trusted), XML nesting depth, characters of text; no entity is ever expanded.

mod body;
mod numbering;
mod package;
mod styles;
mod xml;

use body::{Context, Notes};
use numbering::Numbering;
use package::Package;
use styles::Styles;

use super::{ExtractError, Limits};
use crate::model::Extracted;

/// Extracts the text of a DOCX file.
pub fn extract(bytes: &[u8], limits: &Limits) -> Result<Extracted, ExtractError> {
    let mut pkg = Package::open(bytes, limits)?;
    let main = pkg
        .relationships("", limits)?
        .into_iter()
        .find(|(kind, _)| kind == "officeDocument")
        .map_or_else(|| "word/document.xml".to_string(), |(_, target)| target);
    let rels = pkg.relationships(&main, limits)?;
    let dir = main.rsplit_once('/').map_or("", |(d, _)| d);
    let part_of = |kind: &str, default: &str| {
        rels.iter()
            .find(|(k, _)| k == kind)
            .map_or_else(|| format!("{dir}/{default}"), |(_, t)| t.clone())
    };
    let styles_part = part_of("styles", "styles.xml");
    let styles = match pkg.read(&styles_part)? {
        Some(xml) => Styles::parse(&xml, &styles_part, limits)?,
        None => Styles::default(),
    };
    let numbering_part = part_of("numbering", "numbering.xml");
    let numbering = match pkg.read(&numbering_part)? {
        Some(xml) => Numbering::parse(&xml, &numbering_part, limits)?,
        None => Numbering::default(),
    };
    let mut notes = Notes::new();
    let no_notes = Notes::new();
    for (kind, default) in [("footnotes", "footnotes.xml"), ("endnotes", "endnotes.xml")] {
        let part = part_of(kind, default);
        if let Some(xml) = pkg.read(&part)? {
            let ctx = Context {
                styles: &styles,
                numbering: &numbering,
                notes: &no_notes,
                limits,
            };
            body::read_notes(&xml, &part, ctx, &mut notes)?;
        }
    }
    let Some(xml) = pkg.read(&main)? else {
        return Err(ExtractError::Failed(format!(
            "not a Word document: the package has no main document part ({main}); it may be \
             another kind of Office file with a .docx name, or damaged"
        )));
    };
    let ctx = Context {
        styles: &styles,
        numbering: &numbering,
        notes: &notes,
        limits,
    };
    let blocks = body::read_document(&xml, &main, ctx)?;
    Ok(Extracted {
        pages: None,
        blocks,
    })
}
