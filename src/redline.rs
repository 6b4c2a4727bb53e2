//! Remediation for legal teams: a copy of a DOCX template with the model wording of every missing
//! or weak rule inserted as tracked changes (author "aiassure"), so a lawyer accepts or rejects
//! each insertion in Word.
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

use std::io::{Cursor, Read, Write};

use docx_rs::{BuildXML, Insert, Paragraph, Run};
use quick_xml::events::Event;

use crate::extract::Limits;
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
    /// Not a DOCX package, or damaged.
    #[error(
        "the template is not a readable DOCX file ({0}); open it in Word and save it again as .docx"
    )]
    Package(String),
    /// Over a size or nesting limit.
    #[error("the template is over a limit: {0}")]
    Limit(String),
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
    let mut archive = zip::ZipArchive::new(Cursor::new(template))
        .map_err(|e| RedlineError::Package(e.to_string()))?;
    let xml = read_document_xml(&mut archive, limits)?;
    let body = scan_body(&xml, limits)?;
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
    let docx = repackage(&mut archive, amended.as_bytes())?;
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

fn read_document_xml(
    archive: &mut zip::ZipArchive<Cursor<&[u8]>>,
    limits: &Limits,
) -> Result<String, RedlineError> {
    let file = archive
        .by_name("word/document.xml")
        .map_err(|_| RedlineError::Package("it has no word/document.xml part".to_string()))?;
    if file.size() > limits.max_decompressed_bytes {
        return Err(RedlineError::Limit(format!(
            "word/document.xml is {} MB uncompressed, over the limit of {} MB",
            file.size() / (1024 * 1024),
            limits.max_decompressed_bytes / (1024 * 1024)
        )));
    }
    let mut xml = String::new();
    file.take(limits.max_decompressed_bytes + 1)
        .read_to_string(&mut xml)
        .map_err(|e| RedlineError::Package(format!("word/document.xml: {e}")))?;
    if xml.len() as u64 > limits.max_decompressed_bytes {
        return Err(RedlineError::Limit(
            "word/document.xml is larger uncompressed than it declares".to_string(),
        ));
    }
    Ok(xml)
}

/// Finds the body's top-level paragraphs, headings and end.
fn scan_body(xml: &str, limits: &Limits) -> Result<Body, RedlineError> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut body = Body::default();
    let mut depth = 0usize;
    let mut body_depth = None;
    let mut body_end = None;
    // The top-level paragraph being read: (start, style, outline level, text).
    let mut current: Option<(usize, Option<String>, Option<u8>, String)> = None;
    let mut in_text = false;
    loop {
        let before = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        let event = reader
            .read_event()
            .map_err(|e| RedlineError::Package(format!("word/document.xml: {e}")))?;
        match event {
            Event::Start(e) => {
                depth += 1;
                if depth > limits.max_xml_depth {
                    return Err(RedlineError::Limit(format!(
                        "word/document.xml is nested deeper than {} levels",
                        limits.max_xml_depth
                    )));
                }
                note_id(&e, &mut body.max_id);
                let name = e.local_name();
                let name = name.as_ref();
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
            Event::Empty(e) => {
                note_id(&e, &mut body.max_id);
                let name = e.local_name();
                let name = name.as_ref();
                if let Some((_, style, level, _)) = current.as_mut() {
                    if name == b"pStyle" {
                        *style = attr(&e, b"val");
                    } else if name == b"outlineLvl" {
                        *level = attr(&e, b"val").and_then(|v| v.parse::<u8>().ok());
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
            Event::Text(t) => {
                if in_text && let Some((_, _, _, text)) = current.as_mut() {
                    text.push_str(&String::from_utf8_lossy(t.as_ref()));
                }
            }
            Event::End(e) => {
                let name = e.local_name();
                let name = name.as_ref();
                if name == b"t" {
                    in_text = false;
                }
                if body_depth.is_some_and(|b| depth == b + 1)
                    && name == b"p"
                    && let Some((start, style, outline, text)) = current.take()
                {
                    body.paragraphs.push(BodyParagraph {
                        start,
                        heading: heading_level(style.as_deref(), outline),
                        text,
                        style,
                    });
                }
                if body_depth == Some(depth) && name == b"body" {
                    body_end.get_or_insert(before);
                    body_depth = None;
                }
                depth = depth.saturating_sub(1);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    body.end = body_end
        .ok_or_else(|| RedlineError::Package("word/document.xml has no w:body".to_string()))?;
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

/// The value of an attribute by local name.
fn attr(e: &quick_xml::events::BytesStart<'_>, local: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == local)
        .map(|a| String::from_utf8_lossy(&a.value).into_owned())
}

/// Heading level from a paragraph style ("Heading2", "heading 2", "Title") or outline level.
fn heading_level(style: Option<&str>, outline: Option<u8>) -> Option<u8> {
    if let Some(o) = outline.filter(|o| *o < 9) {
        return Some(o + 1);
    }
    let s = style?.to_ascii_lowercase();
    if s == "title" {
        return Some(1);
    }
    if s.starts_with("heading") || s.starts_with("berschrift") || s.starts_with("titre") {
        let digits: String = s.chars().filter(char::is_ascii_digit).collect();
        return Some(digits.parse::<u8>().unwrap_or(1).max(1));
    }
    None
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
    document_xml: &[u8],
) -> Result<Vec<u8>, RedlineError> {
    let write_err = |e: zip::result::ZipError| RedlineError::Write(e.to_string());
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let file = archive
            .by_index_raw(i)
            .map_err(|e| RedlineError::Package(e.to_string()))?;
        if file.name() == "word/document.xml" {
            drop(file);
            let options = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated);
            out.start_file("word/document.xml", options)
                .map_err(write_err)?;
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
    fn heading_levels() {
        assert_eq!(heading_level(Some("Heading2"), None), Some(2));
        assert_eq!(heading_level(Some("Title"), None), Some(1));
        assert_eq!(heading_level(Some("BodyText"), Some(0)), Some(1));
        assert_eq!(heading_level(Some("BodyText"), None), None);
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
