//! Remediation for legal teams: a copy of a DOCX template with the model wording of every missing
//! or weak rule inserted as tracked changes (author "aiassure"), so a lawyer accepts or rejects
//! each insertion in Word.
//!
//! The template is read as the extractor reads it ([`crate::extract::docx::Template`]): the same
//! package reader and limits, and the same heading levels.
//!
//! The wording goes at the end of the template's AI section (the first heading that mentions
//! artificial intelligence, AI or machine learning, down to the next heading of the same or a
//! higher level), or, when there is none, into a new section "Artificial intelligence" at the end
//! of the document. The inserted paragraphs are built with docx-rs and spliced into
//! `word/document.xml` as bytes: the original XML is kept byte for byte around the insertion, and
//! every other part of the package is copied unchanged (docx-rs's own read/write round trip
//! would lose content, so it is not used for the document itself).
//!
//! This module does no analysis: it is given the verdicts and the rules' wording.

use std::io::{Cursor, Write};

use docx_rs::{BuildXML, Insert, Paragraph, Run};

use crate::extract::docx::Template;
use crate::extract::docx::xml::{Node, XmlReader, attr, local};
use crate::extract::{ExtractError, Limits};
use crate::model::{ClauseStatus, ClauseVerdict, RuleInfo};

/// The author of every tracked change.
pub const AUTHOR: &str = "aiassure";
/// Title of the section added when the template has no AI section.
pub const NEW_SECTION_TITLE: &str = "Artificial intelligence";

/// A tracked change's date: `YYYY-MM-DDTHH:MM:SSZ` in UTC (ISO 8601, as Word writes `w:date`).
pub fn change_date(at: time::OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    )
}

/// Why a template could not be redlined.
#[derive(Debug, thiserror::Error)]
pub enum RedlineError {
    /// Not a DOCX package, damaged, or over a limit, as the extractor says.
    #[error("the template is not a readable DOCX file: {0}")]
    Read(#[from] ExtractError),
    /// A DOCX package whose main document part has no body.
    #[error(
        "the template is not a readable DOCX file ({0}); open it in Word and save it again as .docx"
    )]
    Package(String),
    /// The amended package could not be written.
    #[error("could not write the amended copy: {0}")]
    Write(String),
}

/// Where the wording went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placement {
    /// At the end of the template's AI section, whose heading is given.
    AiSection(String),
    /// In a new section at the end of the document.
    NewSection,
    /// Nothing to insert: the copy is unchanged.
    Nothing,
}

/// The amended template.
#[derive(Debug, Clone)]
pub struct Redline {
    /// The DOCX package.
    pub docx: Vec<u8>,
    /// Ids of the rules whose wording was inserted, in order.
    pub inserted: Vec<String>,
    /// Ids of contradicted rules: their contrary text must be amended by hand (inserting wording
    /// next to a contrary clause would leave the contradiction in place).
    pub contradicted: Vec<String>,
    /// Where the wording went.
    pub placement: Placement,
}

/// A paragraph directly under `w:body`.
#[derive(Debug)]
struct BodyParagraph {
    /// Byte offset of `<w:p`.
    start: usize,
    /// Heading level (1 = top), when the paragraph is a heading.
    heading: Option<u8>,
    /// Its text.
    text: String,
    /// Its paragraph style id.
    style: Option<String>,
}

/// The body of `word/document.xml` as far as placement needs it.
#[derive(Debug, Default)]
struct Body {
    paragraphs: Vec<BodyParagraph>,
    /// Byte offset where content may be appended: before the body's own `w:sectPr`, or before
    /// `</w:body>`.
    end: usize,
    /// Largest numeric `w:id` in the document (tracked changes, comments, bookmarks).
    max_id: u64,
}

/// Writes an amended copy of `template` (DOCX bytes): the `model_wording` of each rule that is
/// missing or weak in `verdicts` (in verdict order, skipping rules without wording) inserted as
/// tracked changes dated `date` (ISO 8601, e.g. "2026-11-23T18:00:00Z").
pub fn redline(
    template: &[u8],
    verdicts: &[ClauseVerdict],
    rules: &[RuleInfo],
    date: &str,
    limits: &Limits,
) -> Result<Redline, RedlineError> {
    let mut wording = Vec::new();
    let mut contradicted = Vec::new();
    for v in verdicts {
        match v.status {
            ClauseStatus::Missing | ClauseStatus::Weak => {
                if let Some(r) = rules
                    .iter()
                    .find(|r| r.id == v.id && !r.model_wording.trim().is_empty())
                {
                    wording.push((v.id.clone(), r.model_wording.trim().to_string()));
                }
            }
            ClauseStatus::Contradicted => contradicted.push(v.id.clone()),
            ClauseStatus::Present => {}
        }
    }
    let mut docx = Template::open(template, limits)?;
    let xml = String::from_utf8(std::mem::take(&mut docx.xml))
        .map_err(|_| RedlineError::Package(format!("{} is not UTF-8 text", docx.main)))?;
    let body = scan_body(&docx, &xml, limits)?;
    let (at, placement) = match ai_section(&body) {
        Some((heading, end)) => (end, Placement::AiSection(heading)),
        None => (body.end, Placement::NewSection),
    };
    if wording.is_empty() {
        return Ok(Redline {
            docx: template.to_vec(),
            inserted: Vec::new(),
            contradicted,
            placement: Placement::Nothing,
        });
    }
    let mut fragment = String::new();
    if placement == Placement::NewSection {
        let style = body
            .paragraphs
            .iter()
            .find(|p| p.heading == Some(1))
            .and_then(|p| p.style.clone())
            .unwrap_or_else(|| "Heading1".to_string());
        fragment.push_str(&inserted_paragraph(NEW_SECTION_TITLE, Some(&style), date));
    }
    for (_, text) in &wording {
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            fragment.push_str(&inserted_paragraph(line.trim(), None, date));
        }
    }
    let fragment = renumber_ids(&fragment, body.max_id);
    let mut amended = String::with_capacity(xml.len() + fragment.len());
    amended.push_str(xml.get(..at).unwrap_or(&xml));
    amended.push_str(&fragment);
    amended.push_str(xml.get(at..).unwrap_or_default());
    let main = docx.main.clone();
    let docx = repackage(docx.zip(), &main, amended.as_bytes())?;
    Ok(Redline {
        docx,
        inserted: wording.into_iter().map(|(id, _)| id).collect(),
        contradicted,
        placement,
    })
}

/// One paragraph whose text and paragraph mark are tracked insertions.
fn inserted_paragraph(text: &str, style: Option<&str>, date: &str) -> String {
    let run = Run::new().add_text(text);
    let mut p = Paragraph::new()
        .add_insert(Insert::new(run).author(AUTHOR).date(date))
        .insert(AUTHOR, date);
    if let Some(s) = style {
        p = p.style(s);
    }
    let xml = String::from_utf8_lossy(&p.build()).into_owned();
    // docx-rs gives each paragraph a random `w14:paraId`, which needs a namespace the
    // template may not declare; Word does not need it.
    strip_attribute(&xml, "w14:paraId")
}

/// `xml` without any `name="..."` attribute.
fn strip_attribute(xml: &str, name: &str) -> String {
    let needle = format!(" {name}=\"");
    let mut out = String::with_capacity(xml.len());
    let mut rest = xml;
    while let Some(i) = rest.find(&needle) {
        out.push_str(&rest[..i]);
        let after = &rest[i + needle.len()..];
        rest = after.find('"').map_or("", |j| &after[j + 1..]);
    }
    out.push_str(rest);
    out
}

/// The fragment's `w:id` values replaced by fresh ones above `max_id`, so they never collide with
/// the ids of the template's own tracked changes, comments or bookmarks.
fn renumber_ids(fragment: &str, max_id: u64) -> String {
    let needle = " w:id=\"";
    let mut out = String::with_capacity(fragment.len());
    let mut rest = fragment;
    let mut next = max_id + 1;
    while let Some(i) = rest.find(needle) {
        out.push_str(&rest[..i]);
        out.push_str(&format!("{needle}{next}\""));
        next += 1;
        let after = &rest[i + needle.len()..];
        rest = after.find('"').map_or("", |j| &after[j + 1..]);
    }
    out.push_str(rest);
    out
}

/// Finds the body's top-level paragraphs, headings and end in the main part `xml` of `docx`.
fn scan_body(docx: &Template<'_>, xml: &str, limits: &Limits) -> Result<Body, RedlineError> {
    let mut reader = XmlReader::new(xml.as_bytes(), &docx.main, limits.max_xml_depth);
    let mut body = Body::default();
    let mut body_depth = None;
    let mut body_end = None;
    // The top-level paragraph being read: (start, style, outline level, text).
    let mut current: Option<(usize, Option<String>, Option<String>, String)> = None;
    let mut in_text = false;
    // Depth of the element the reader is in (1 = the root).
    let mut depth = 0;
    loop {
        let node = reader.next()?;
        let before = reader.node_start();
        match node {
            Node::Open(e, d) => {
                depth = d;
                note_id(&e, &mut body.max_id);
                let qname = e.name();
                let name = local(qname.as_ref());
                if name == b"body" && body_depth.is_none() {
                    body_depth = Some(depth);
                } else if body_depth.is_some_and(|b| depth == b + 1) {
                    if name == b"p" {
                        current = Some((before, None, None, String::new()));
                    } else if name == b"sectPr" {
                        body_end.get_or_insert(before);
                    }
                } else if name == b"t" && current.is_some() {
                    in_text = true;
                }
            }
            Node::Empty(e) => {
                note_id(&e, &mut body.max_id);
                let qname = e.name();
                let name = local(qname.as_ref());
                // The paragraph's own properties (`w:p/w:pPr/*`), not those of a property
                // change or of a paragraph in a text box inside it.
                if body_depth.is_some_and(|b| depth == b + 2)
                    && let Some((_, style, level, _)) = current.as_mut()
                {
                    if name == b"pStyle" {
                        *style = attr(&e, b"val");
                    } else if name == b"outlineLvl" {
                        *level = attr(&e, b"val");
                    }
                }
                if body_depth.is_some_and(|b| depth == b) {
                    if name == b"p" {
                        body.paragraphs.push(BodyParagraph {
                            start: before,
                            heading: None,
                            text: String::new(),
                            style: None,
                        });
                    } else if name == b"sectPr" {
                        body_end.get_or_insert(before);
                    }
                }
            }
            Node::Text(t) => {
                if in_text && let Some((_, _, _, text)) = current.as_mut() {
                    text.push_str(&t);
                }
            }
            Node::Close(e, d) => {
                depth = d;
                let qname = e.name();
                let name = local(qname.as_ref());
                if name == b"t" {
                    in_text = false;
                }
                if body_depth.is_some_and(|b| depth == b + 1)
                    && name == b"p"
                    && let Some((start, style, outline, text)) = current.take()
                {
                    body.paragraphs.push(BodyParagraph {
                        start,
                        heading: docx.heading(style.as_deref(), outline),
                        text,
                        style,
                    });
                }
                if body_depth == Some(depth) && name == b"body" {
                    body_end.get_or_insert(before);
                    body_depth = None;
                }
                depth -= 1;
            }
            Node::Eof => break,
        }
    }
    body.end =
        body_end.ok_or_else(|| RedlineError::Package(format!("{} has no w:body", docx.main)))?;
    Ok(body)
}

/// Keeps the largest numeric `w:id` seen.
fn note_id(e: &quick_xml::events::BytesStart<'_>, max: &mut u64) {
    if let Some(id) = e
        .attributes()
        .flatten()
        .find(|a| a.key.as_ref() == b"w:id")
        .and_then(|a| std::str::from_utf8(&a.value).ok()?.parse::<u64>().ok())
    {
        *max = (*max).max(id);
    }
}

/// True when a heading is about AI.
fn is_ai_heading(text: &str) -> bool {
    let lower = text.to_lowercase();
    if lower.contains("artificial intelligence") || lower.contains("machine learning") {
        return true;
    }
    // "AI" as a word, in the original case ("AI Systems", "Use of AI"), not "said" or "Mail".
    text.split(|c: char| !c.is_alphanumeric())
        .any(|w| w == "AI" || w == "A.I")
}

/// The AI section's heading and the byte offset where it ends.
fn ai_section(body: &Body) -> Option<(String, usize)> {
    let (i, heading) = body
        .paragraphs
        .iter()
        .enumerate()
        .find(|(_, p)| p.heading.is_some() && is_ai_heading(&p.text))?;
    let level = heading.heading.unwrap_or(1);
    let end = body.paragraphs[i + 1..]
        .iter()
        .find(|p| p.heading.is_some_and(|l| l <= level))
        .map_or(body.end, |p| p.start);
    Some((heading.text.trim().to_string(), end))
}

/// The package with `word/document.xml` replaced and every other part copied as it was.
fn repackage(
    archive: &mut zip::ZipArchive<Cursor<&[u8]>>,
    main: &str,
    document_xml: &[u8],
) -> Result<Vec<u8>, RedlineError> {
    let write_err = |e: zip::result::ZipError| RedlineError::Write(e.to_string());
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let file = archive
            .by_index_raw(i)
            .map_err(|e| RedlineError::Package(e.to_string()))?;
        if file
            .name()
            .trim_start_matches('/')
            .eq_ignore_ascii_case(main)
        {
            let name = file.name().to_string();
            drop(file);
            let options = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated);
            out.start_file(name, options).map_err(write_err)?;
            out.write_all(document_xml)
                .map_err(|e| RedlineError::Write(e.to_string()))?;
        } else {
            out.raw_copy_file(file).map_err(write_err)?;
        }
    }
    Ok(out.finish().map_err(write_err)?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn change_dates_are_utc_iso_8601() {
        let at = |secs: i64| {
            change_date(time::OffsetDateTime::from_unix_timestamp(secs).expect("in range"))
        };
        assert_eq!(at(0), "1970-01-01T00:00:00Z");
        assert_eq!(at(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(at(1_795_000_000), "2026-11-18T11:06:40Z");
        assert_eq!(at(4_107_542_399), "2100-02-28T23:59:59Z");
        // An instant given in another offset is written in UTC.
        let paris = time::OffsetDateTime::from_unix_timestamp(0)
            .expect("in range")
            .to_offset(time::UtcOffset::from_hms(1, 0, 0).expect("valid offset"));
        assert_eq!(change_date(paris), "1970-01-01T00:00:00Z");
    }

    #[test]
    fn ai_headings_are_recognised() {
        assert!(is_ai_heading("5. Use of Artificial Intelligence"));
        assert!(is_ai_heading("AI Systems"));
        assert!(is_ai_heading("Machine learning models"));
        assert!(!is_ai_heading("Maintenance and repairs"));
        assert!(!is_ai_heading("Said terms"));
    }

    #[test]
    fn heading_levels_are_the_extractors() {
        // A localised heading style (Word keeps the built-in name "heading 1" whatever the id),
        // a style based on it, a paragraph's own outline level, and body text.
        let mut out = Cursor::new(Vec::new());
        docx_rs::Docx::new()
            .add_style(
                docx_rs::Style::new("berschrift1", docx_rs::StyleType::Paragraph).name("heading 1"),
            )
            .add_style(
                docx_rs::Style::new("Clause", docx_rs::StyleType::Paragraph)
                    .name("Clause heading")
                    .based_on("berschrift1"),
            )
            .add_paragraph(
                Paragraph::new()
                    .add_run(Run::new().add_text("AI & data"))
                    .style("berschrift1"),
            )
            .add_paragraph(
                Paragraph::new()
                    .add_run(Run::new().add_text("Approval"))
                    .style("Clause"),
            )
            .add_paragraph(
                Paragraph::new()
                    .add_run(Run::new().add_text("Schedule"))
                    .outline_lvl(1),
            )
            .add_paragraph(Paragraph::new().add_run(Run::new().add_text("Body text")))
            .build()
            .pack(&mut out)
            .expect("docx-rs writes the template");
        let bytes = out.into_inner();
        let limits = Limits::default();
        let docx = Template::open(&bytes, &limits).expect("a DOCX");
        let xml = String::from_utf8(docx.xml.clone()).expect("UTF-8");
        let body = scan_body(&docx, &xml, &limits).expect("a body");
        let levels: Vec<_> = body
            .paragraphs
            .iter()
            .map(|p| (p.text.as_str(), p.heading))
            .collect();
        assert_eq!(
            levels,
            [
                ("AI & data", Some(1)),
                ("Approval", Some(1)),
                ("Schedule", Some(2)),
                ("Body text", None)
            ]
        );
        assert_eq!(
            ai_section(&body).map(|(h, _)| h).as_deref(),
            Some("AI & data")
        );
    }

    #[test]
    fn inserted_paragraphs_are_tracked_and_escaped() {
        let p = inserted_paragraph("A & B <c>", None, "2026-01-01T00:00:00Z");
        assert!(p.contains("<w:ins "), "{p}");
        assert!(p.contains("w:author=\"aiassure\""), "{p}");
        assert!(p.contains("A &amp; B &lt;c&gt;"), "{p}");
        assert!(!p.contains("paraId"), "{p}");
        assert!(!p.starts_with("<?xml"), "{p}");
    }

    #[test]
    fn ids_are_renumbered_above_the_documents() {
        let f = r#"<w:ins w:id="0" w:author="a"/><w:ins w:id="1"/>"#;
        assert_eq!(
            renumber_ids(f, 41),
            r#"<w:ins w:id="42" w:author="a"/><w:ins w:id="43"/>"#
        );
    }
}
