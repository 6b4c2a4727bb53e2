//! Paragraph styles (`word/styles.xml`): which styles are headings, which carry list numbering, and
//! which are table-of-contents entries, following `basedOn` chains.

use std::collections::HashMap;

use super::xml::{Node, XmlReader, attr, local};
use crate::extract::{ExtractError, Limits};

/// Longest `basedOn` chain followed (cycles in hostile files stop here).
const MAX_CHAIN: usize = 16;

/// One style as declared.
#[derive(Debug, Default, Clone)]
struct Style {
    name: String,
    based_on: Option<String>,
    num_id: Option<String>,
    ilvl: Option<u8>,
    outline: Option<u8>,
}

/// The paragraph and numbering styles of a document.
#[derive(Debug, Default)]
pub(super) struct Styles {
    styles: HashMap<String, Style>,
    default_paragraph: Option<String>,
}

/// What a paragraph inherits from its style chain.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Resolved {
    /// List numbering instance from the style (`numPr/numId`).
    pub num_id: Option<String>,
    /// List level from the style (`numPr/ilvl`).
    pub ilvl: Option<u8>,
    /// Heading level, 1 = top (from an outline level, or a "heading N" / "Title" style).
    pub heading: Option<u8>,
    /// A table-of-contents entry (repeats headings; left out of the text).
    pub toc: bool,
}

fn heading_from_name(name: &str) -> Option<u8> {
    let name = name.to_ascii_lowercase();
    if name == "title" {
        return Some(1);
    }
    let rest = name
        .strip_prefix("heading")
        .map(str::trim_start)?
        .trim_start_matches(' ');
    match rest.parse::<u8>() {
        Ok(n @ 1..=9) => Some(n),
        _ => None,
    }
}

fn is_toc(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    ["toc ", "toc", "contents "].iter().any(|p| {
        name.strip_prefix(p)
            .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
    })
}

/// An outline level attribute (0-8) as a heading level (1-9); 9 means body text.
pub(super) fn outline_level(val: Option<String>) -> Option<u8> {
    match val?.trim().parse::<u8>() {
        Ok(n @ 0..=8) => Some(n + 1),
        _ => None,
    }
}

impl Styles {
    /// Parses `word/styles.xml`.
    pub(super) fn parse(xml: &[u8], part: &str, limits: &Limits) -> Result<Styles, ExtractError> {
        let mut reader = XmlReader::new(xml, part, limits.max_xml_depth);
        let mut styles = Styles::default();
        let mut current: Option<(String, Style)> = None;
        let mut skip: Option<usize> = None;
        loop {
            let node = reader.next()?;
            let (e, depth, open) = match node {
                Node::Eof => return Ok(styles),
                Node::Close(e, depth) => {
                    if skip == Some(depth) {
                        skip = None;
                    } else if skip.is_none()
                        && local(e.name().as_ref()) == b"style"
                        && let Some((id, style)) = current.take()
                    {
                        styles.styles.insert(id, style);
                    }
                    continue;
                }
                Node::Open(e, depth) => (e, depth, true),
                Node::Empty(e) => (e, 0, false),
                Node::Text(_) => continue,
            };
            if skip.is_some() {
                continue;
            }
            let name = local(e.name().as_ref()).to_vec();
            if name.ends_with(b"Change") {
                if open {
                    skip = Some(depth);
                }
                continue;
            }
            match name.as_slice() {
                b"style" => {
                    let kind = attr(&e, b"type").unwrap_or_else(|| "paragraph".into());
                    let Some(id) = attr(&e, b"styleId") else {
                        continue;
                    };
                    if kind == "paragraph"
                        && attr(&e, b"default").is_some_and(|d| d == "1" || d == "true")
                    {
                        styles.default_paragraph = Some(id.clone());
                    }
                    if open && (kind == "paragraph" || kind == "numbering") {
                        current = Some((id, Style::default()));
                    }
                }
                b"name" | b"basedOn" | b"numId" | b"ilvl" | b"outlineLvl" => {
                    let Some((_, style)) = current.as_mut() else {
                        continue;
                    };
                    let val = attr(&e, b"val");
                    match name.as_slice() {
                        b"name" => style.name = val.unwrap_or_default(),
                        b"basedOn" => style.based_on = val,
                        b"numId" => style.num_id = val,
                        b"ilvl" => style.ilvl = val.and_then(|v| v.trim().parse().ok()),
                        _ => style.outline = outline_level(val),
                    }
                }
                _ => {}
            }
        }
    }

    /// The style a paragraph without `pStyle` has.
    pub(super) fn default_paragraph(&self) -> Option<&str> {
        self.default_paragraph.as_deref()
    }

    /// What a paragraph of style `id` inherits, following `basedOn`.
    pub(super) fn resolve(&self, id: Option<&str>) -> Resolved {
        let mut out = Resolved::default();
        let mut next = id.map(str::to_string);
        let mut heading_by_name = None;
        let mut outline = None;
        for _ in 0..MAX_CHAIN {
            let Some(id) = next.take() else { break };
            let Some(style) = self.styles.get(&id) else {
                heading_by_name = heading_by_name.or_else(|| heading_from_name(&id));
                break;
            };
            if out.num_id.is_none() {
                out.num_id.clone_from(&style.num_id);
            }
            out.ilvl = out.ilvl.or(style.ilvl);
            outline = outline.or(style.outline);
            heading_by_name = heading_by_name.or_else(|| heading_from_name(&style.name));
            out.toc |= is_toc(&style.name);
            next.clone_from(&style.based_on);
        }
        out.heading = outline.or(heading_by_name);
        out
    }

    /// The numbering instance a numbering style (`numStyleLink`) points at.
    pub(super) fn numbering_of(&self, id: &str) -> Option<&str> {
        self.styles.get(id)?.num_id.as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_and_toc_are_recognised_by_name() {
        assert_eq!(heading_from_name("heading 2"), Some(2));
        assert_eq!(heading_from_name("Heading2"), Some(2));
        assert_eq!(heading_from_name("Title"), Some(1));
        assert_eq!(heading_from_name("heading 12"), None);
        assert_eq!(heading_from_name("Body Text"), None);
        assert!(is_toc("toc 1") && is_toc("TOC1") && is_toc("Contents 2"));
        assert!(!is_toc("TOC Heading") && !is_toc("Contents Heading"));
    }

    #[test]
    fn chains_are_followed_and_cycles_stop() {
        let xml = br#"<w:styles xmlns:w="x">
          <w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>
          <w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:pPr><w:outlineLvl w:val="0"/></w:pPr></w:style>
          <w:style w:type="paragraph" w:styleId="MyHead"><w:name w:val="My head"/><w:basedOn w:val="Heading1"/></w:style>
          <w:style w:type="paragraph" w:styleId="Clause"><w:name w:val="Clause"/><w:pPr><w:numPr><w:numId w:val="7"/></w:numPr><w:pPrChange><w:pPr><w:numPr><w:numId w:val="9"/></w:numPr></w:pPr></w:pPrChange></w:pPr></w:style>
          <w:style w:type="paragraph" w:styleId="Sub"><w:name w:val="Sub"/><w:basedOn w:val="Clause"/><w:pPr><w:numPr><w:ilvl w:val="1"/></w:numPr></w:pPr></w:style>
          <w:style w:type="paragraph" w:styleId="A"><w:name w:val="A"/><w:basedOn w:val="B"/></w:style>
          <w:style w:type="paragraph" w:styleId="B"><w:name w:val="B"/><w:basedOn w:val="A"/></w:style>
        </w:styles>"#;
        let s = Styles::parse(xml, "styles.xml", &Limits::default()).unwrap();
        assert_eq!(s.default_paragraph(), Some("Normal"));
        assert_eq!(s.resolve(Some("MyHead")).heading, Some(1));
        let sub = s.resolve(Some("Sub"));
        assert_eq!((sub.num_id.as_deref(), sub.ilvl), (Some("7"), Some(1)));
        assert_eq!(s.resolve(Some("A")), Resolved::default());
    }
}
