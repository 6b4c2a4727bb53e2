//! A bounded, streaming view of one XML part: nesting depth counted against the limit, entity
//! references never expanded beyond XML's five predefined ones and character references, and
//! element and attribute names matched by local name (so Strict and Transitional OOXML read alike).

use std::borrow::Cow;

use quick_xml::Reader;
use quick_xml::events::{BytesEnd, BytesStart, Event};

use crate::extract::{Damaged, ExtractError, Limit};

/// One step through an XML part.
pub(crate) enum Node<'a> {
    /// An element with content opens, at this depth (1 = root).
    Open(BytesStart<'a>, usize),
    /// An element without content.
    Empty(BytesStart<'a>),
    /// An element closes, at the depth it opened at.
    Close(BytesEnd<'a>, usize),
    /// Character data (entity and character references resolved; unknown entities dropped).
    Text(Cow<'a, str>),
    /// The end of the part.
    Eof,
}

/// Streaming reader over one part, with a depth limit.
pub(crate) struct XmlReader<'a> {
    reader: Reader<&'a [u8]>,
    /// Byte offset where the node last returned begins.
    start: usize,
    depth: usize,
    max_depth: usize,
    part: &'a str,
}

impl<'a> XmlReader<'a> {
    /// Reads `bytes`, the part named `part` (for messages), refusing nesting deeper than `max_depth`.
    pub(crate) fn new(bytes: &'a [u8], part: &'a str, max_depth: usize) -> Self {
        XmlReader {
            reader: Reader::from_reader(bytes),
            start: 0,
            depth: 0,
            max_depth,
            part,
        }
    }

    /// The next node that matters; comments, declarations, processing instructions and DOCTYPEs
    /// (with any entities they declare, which are never expanded) are passed over.
    pub(crate) fn next(&mut self) -> Result<Node<'a>, ExtractError> {
        loop {
            self.start = usize::try_from(self.reader.buffer_position()).unwrap_or(usize::MAX);
            let event = self.reader.read_event().map_err(|e| Damaged::Xml {
                part: self.part.to_string(),
                detail: e.to_string(),
            })?;
            return Ok(match event {
                Event::Start(e) => {
                    self.depth += 1;
                    if self.depth > self.max_depth {
                        return Err(Limit::XmlDepth {
                            part: self.part.to_string(),
                            max: self.max_depth,
                        }
                        .into());
                    }
                    Node::Open(e, self.depth)
                }
                Event::Empty(e) => Node::Empty(e),
                Event::End(e) => {
                    let depth = self.depth;
                    self.depth = self.depth.saturating_sub(1);
                    Node::Close(e, depth)
                }
                Event::Text(t) => match t.decode() {
                    Ok(s) => Node::Text(s),
                    Err(_) => Node::Text(Cow::Owned(String::from_utf8_lossy(&t).into_owned())),
                },
                Event::CData(t) => Node::Text(Cow::Owned(String::from_utf8_lossy(&t).into_owned())),
                Event::GeneralRef(r) => {
                    let resolved = match r.resolve_char_ref() {
                        Ok(Some(c)) => Some(c),
                        Ok(None) => match &*r {
                            b"amp" => Some('&'),
                            b"lt" => Some('<'),
                            b"gt" => Some('>'),
                            b"apos" => Some('\''),
                            b"quot" => Some('"'),
                            // Entities declared in a DTD are never expanded (no "billion laughs").
                            _ => None,
                        },
                        Err(_) => None,
                    };
                    match resolved {
                        Some(c) => Node::Text(Cow::Owned(c.to_string())),
                        None => continue,
                    }
                }
                Event::Eof => Node::Eof,
                Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => continue,
            });
        }
    }

    /// Byte offset in the part where the node last returned by [`XmlReader::next`] begins (its
    /// `<`, for an element).
    pub(crate) fn node_start(&self) -> usize {
        self.start
    }
}

/// The local part of a (possibly prefixed) name: `w:p` -> `p`.
pub(crate) fn local(name: &[u8]) -> &[u8] {
    match name.iter().rposition(|&b| b == b':') {
        Some(i) => name.get(i + 1..).unwrap_or_default(),
        None => name,
    }
}

/// The value of the attribute with this local name (`val` matches `w:val`), references resolved.
pub(crate) fn attr(e: &BytesStart<'_>, name: &[u8]) -> Option<String> {
    e.attributes().with_checks(false).flatten().find_map(|a| {
        (local(a.key.as_ref()) == name).then(|| {
            let raw = String::from_utf8_lossy(&a.value);
            match quick_xml::escape::unescape(&raw) {
                Ok(v) => v.into_owned(),
                Err(_) => raw.into_owned(),
            }
        })
    })
}

/// True when an on/off property element is on (`<w:vanish/>`, `<w:isLgl w:val="1"/>`).
pub(super) fn is_on(e: &BytesStart<'_>) -> bool {
    !matches!(
        attr(e, b"val").as_deref(),
        Some("0" | "false" | "off" | "none")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(xml: &str, depth: usize) -> Result<String, ExtractError> {
        let mut r = XmlReader::new(xml.as_bytes(), "test.xml", depth);
        let mut out = String::new();
        loop {
            match r.next()? {
                Node::Text(t) => out.push_str(&t),
                Node::Eof => return Ok(out),
                _ => {}
            }
        }
    }

    #[test]
    fn entities_are_not_expanded() {
        let xml = r#"<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "boom"><!ENTITY y "&x;&x;&x;">]><a>&y;&amp;&#163;&#x20AC;&unknown;</a>"#;
        assert_eq!(texts(xml, 10).unwrap(), "&£€");
    }

    #[test]
    fn depth_is_limited() {
        let xml = "<a>".repeat(50) + &"</a>".repeat(50);
        let err = texts(&xml, 20).unwrap_err();
        assert!(err.to_string().contains("--max-xml-depth"), "{err}");
        assert!(texts(&xml, 60).is_ok());
    }

    #[test]
    fn broken_xml_is_an_error_not_a_panic() {
        let err = texts("<a><b></a>", 10).unwrap_err();
        assert!(err.to_string().contains("not well-formed"), "{err}");
    }
}
