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
pub(crate) mod xml;

use body::{Context, Notes};
use numbering::Numbering;
use package::Package;
use styles::{Styles, outline_level};

use super::{Damaged, ExtractError, Limits};
use crate::model::Extracted;

/// Extracts the text of a DOCX file.
pub fn extract(bytes: &[u8], limits: &Limits) -> Result<Extracted, ExtractError> {
    let mut pkg = Package::open(bytes, limits)?;
    let (main, rels) = main_part(&mut pkg, limits)?;
    let styles = read_styles(&mut pkg, &main, &rels, limits)?;
    let numbering_part = related(&main, &rels, "numbering", "numbering.xml");
    let numbering = match pkg.read(&numbering_part)? {
        Some(xml) => Numbering::parse(&xml, &numbering_part, limits)?,
        None => Numbering::default(),
    };
    let mut notes = Notes::new();
    let no_notes = Notes::new();
    for (kind, default) in [("footnotes", "footnotes.xml"), ("endnotes", "endnotes.xml")] {
        let part = related(&main, &rels, kind, default);
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
    let xml = read_main(&mut pkg, &main)?;
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

/// The main document part's name (from the package's `officeDocument` relationship, else
/// `word/document.xml`) and its relationships.
fn main_part(
    pkg: &mut Package<'_>,
    limits: &Limits,
) -> Result<(String, Vec<(String, String)>), ExtractError> {
    let main = pkg
        .relationships("", limits)?
        .into_iter()
        .find(|(kind, _)| kind == "officeDocument")
        .map_or_else(|| "word/document.xml".to_string(), |(_, target)| target);
    let rels = pkg.relationships(&main, limits)?;
    Ok((main, rels))
}

/// The part the main part relates to as `kind`, or `default` in the main part's folder.
fn related(main: &str, rels: &[(String, String)], kind: &str, default: &str) -> String {
    let dir = main.rsplit_once('/').map_or("", |(d, _)| d);
    rels.iter()
        .find(|(k, _)| k == kind)
        .map_or_else(|| format!("{dir}/{default}"), |(_, t)| t.clone())
}

/// The document's styles (none when it has no styles part).
fn read_styles(
    pkg: &mut Package<'_>,
    main: &str,
    rels: &[(String, String)],
    limits: &Limits,
) -> Result<Styles, ExtractError> {
    let part = related(main, rels, "styles", "styles.xml");
    match pkg.read(&part)? {
        Some(xml) => Styles::parse(&xml, &part, limits),
        None => Ok(Styles::default()),
    }
}

/// The main document part's XML.
fn read_main(pkg: &mut Package<'_>, main: &str) -> Result<Vec<u8>, ExtractError> {
    pkg.read(main)?.ok_or_else(|| {
        Damaged::NoMainPart {
            main: main.to_string(),
        }
        .into()
    })
}

/// A DOCX template opened to be amended (`aiassure redline`): its main document part read
/// through the same package reader as [`extract`] (entry count, one decompression budget for the
/// package), and the heading levels of its paragraphs as [`extract`] gives them.
pub struct Template<'a> {
    package: Package<'a>,
    styles: Styles,
    /// Name of the main document part (usually `word/document.xml`).
    pub main: String,
    /// The main document part's XML.
    pub xml: Vec<u8>,
}

impl<'a> Template<'a> {
    /// Opens a DOCX package and reads its styles and main document part.
    pub fn open(bytes: &'a [u8], limits: &Limits) -> Result<Self, ExtractError> {
        let mut package = Package::open(bytes, limits)?;
        let (main, rels) = main_part(&mut package, limits)?;
        let styles = read_styles(&mut package, &main, &rels, limits)?;
        let xml = read_main(&mut package, &main)?;
        Ok(Template {
            package,
            styles,
            main,
            xml,
        })
    }

    /// The heading level (1 = top) of a paragraph whose `w:pStyle` is `style` and whose own
    /// `w:outlineLvl` is `outline` (the attribute's value), or `None` when it is not a heading:
    /// the paragraph's outline level, else what its style chain gives (an outline level, or a
    /// "heading N" or "Title" style), as the extractor reads it.
    pub fn heading(&self, style: Option<&str>, outline: Option<String>) -> Option<u8> {
        let style = style.or_else(|| self.styles.default_paragraph());
        outline_level(outline).or_else(|| self.styles.resolve(style).heading)
    }

    /// The package's zip archive, to copy its other parts unchanged.
    pub(crate) fn zip(&mut self) -> &mut zip::ZipArchive<std::io::Cursor<&'a [u8]>> {
        self.package.zip()
    }
}
