//! The walk over `word/document.xml` (and the footnote and endnote parts): paragraphs, table cells,
//! text boxes and notes as blocks, in reading order, in the state a reader sees once tracked changes
//! are accepted.
//!
//! Kept: runs' text, tracked insertions, field results, hyperlinks' text, content controls, text
//! boxes (one branch of `mc:AlternateContent`), notes (after the paragraph that cites them).
//! Left out: tracked deletions and moved-from text, field instructions, comments (their marks; the
//! comments part is never read), headers and footers (other parts), hidden text, table-of-contents
//! entries, property-change history.

use std::collections::HashMap;

use quick_xml::events::BytesStart;

use super::numbering::{Counters, Numbering};
use super::styles::{Styles, outline_level};
use super::xml::{Node, XmlReader, attr, is_on, local};
use crate::extract::{Damaged, ExtractError, Limit, Limits};
use crate::model::{BlockKind, RawBlock};

/// Notes by (is endnote, id): their text on one line.
pub(super) type Notes = HashMap<(bool, String), String>;

/// What the walk shares: document-wide definitions and limits.
pub(super) struct Context<'a> {
    /// Paragraph styles.
    pub styles: &'a Styles,
    /// List definitions.
    pub numbering: &'a Numbering,
    /// Footnote and endnote texts (empty while reading the notes themselves).
    pub notes: &'a Notes,
    /// Limits.
    pub limits: &'a Limits,
}

/// An open paragraph.
#[derive(Default)]
struct Para {
    style: Option<String>,
    num_id: Option<String>,
    ilvl: Option<u8>,
    outline: Option<u8>,
    mark_deleted: bool,
    text: String,
    notes: Vec<RawBlock>,
}

/// An open table cell.
#[derive(Default)]
struct Cell {
    text: String,
    label: Option<String>,
    notes: Vec<RawBlock>,
}

enum Frame {
    Para(Para),
    Cell(Cell),
}

/// Property containers whose children are read as properties, never as text.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Props {
    Paragraph(usize),
    Run(usize),
}

/// Elements skipped with everything inside them.
fn skipped(name: &[u8]) -> bool {
    name.ends_with(b"Change")
        || matches!(
            name,
            b"del"
                | b"moveFrom"
                | b"delText"
                | b"delInstrText"
                | b"instrText"
                | b"Fallback"
                | b"sectPr"
                | b"tblPr"
                | b"tblGrid"
                | b"trPr"
                | b"tcPr"
                | b"sdtPr"
                | b"sdtEndPr"
                | b"rt"
                | b"fldData"
                | b"footnotePr"
                | b"endnotePr"
                | b"customXmlPr"
                | b"smartTagPr"
                | b"docPartPr"
        )
}

struct Walker<'a> {
    ctx: Context<'a>,
    counters: Counters,
    frames: Vec<Frame>,
    out: Vec<RawBlock>,
    deferred: Vec<RawBlock>,
    skip: Option<usize>,
    props: Option<Props>,
    in_text: bool,
    hidden: bool,
    chars: usize,
    note: Option<(bool, String, usize)>,
    notes_out: Notes,
}

/// Collapses whitespace and drops invisible characters.
fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text
        .split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(
            word.chars()
                .filter(|c| !matches!(c, '\u{ad}' | '\u{200b}' | '\u{feff}')),
        );
    }
    out
}

impl<'a> Walker<'a> {
    fn new(ctx: Context<'a>) -> Self {
        Walker {
            ctx,
            counters: Counters::default(),
            frames: Vec::new(),
            out: Vec::new(),
            deferred: Vec::new(),
            skip: None,
            props: None,
            in_text: false,
            hidden: false,
            chars: 0,
            note: None,
            notes_out: Notes::new(),
        }
    }

    fn para(&mut self) -> Option<&mut Para> {
        match self.frames.last_mut() {
            Some(Frame::Para(p)) => Some(p),
            _ => None,
        }
    }

    /// Adds text to the open paragraph, counting it against the text limit.
    fn push_text(&mut self, text: &str) -> Result<(), ExtractError> {
        if self.hidden {
            return Ok(());
        }
        self.chars = self.chars.saturating_add(text.len());
        let max = self.ctx.limits.max_text_chars;
        // Bytes bound characters from above; count exactly only when near the limit.
        if self.chars > max && self.total_chars() > max {
            return Err(Limit::DocxTextChars { max }.into());
        }
        if let Some(p) = self.para() {
            p.text.push_str(text);
        }
        Ok(())
    }

    fn total_chars(&mut self) -> usize {
        let open: usize = self
            .frames
            .iter()
            .map(|f| match f {
                Frame::Para(p) => p.text.chars().count(),
                Frame::Cell(c) => c.text.chars().count(),
            })
            .sum();
        let done: usize = self
            .out
            .iter()
            .chain(&self.deferred)
            .map(|b| b.text.chars().count())
            .sum();
        self.chars = open + done;
        self.chars
    }

    /// Places a finished block: inside a text box it waits for its anchoring paragraph; otherwise
    /// it goes out, followed by its notes and anything that was waiting.
    fn emit(&mut self, block: RawBlock, notes: Vec<RawBlock>) {
        if self.frames.iter().any(|f| matches!(f, Frame::Para(_))) {
            self.deferred.push(block);
            self.deferred.extend(notes);
        } else {
            self.out.push(block);
            self.out.extend(notes);
            self.out.append(&mut self.deferred);
        }
    }

    fn property(&mut self, e: &BytesStart<'_>, name: &[u8]) {
        let Some(props) = self.props else { return };
        match (props, name) {
            (Props::Paragraph(_), b"del" | b"moveFrom") => {
                if let Some(p) = self.para() {
                    p.mark_deleted = true;
                }
            }
            (Props::Paragraph(_), b"pStyle") => {
                if let Some(p) = self.para() {
                    p.style = attr(e, b"val");
                }
            }
            (Props::Paragraph(_), b"numId") => {
                if let Some(p) = self.para() {
                    p.num_id = attr(e, b"val");
                }
            }
            (Props::Paragraph(_), b"ilvl") => {
                if let Some(p) = self.para() {
                    p.ilvl = attr(e, b"val").and_then(|v| v.trim().parse().ok());
                }
            }
            (Props::Paragraph(_), b"outlineLvl") => {
                if let Some(p) = self.para() {
                    p.outline = outline_level(attr(e, b"val"));
                }
            }
            (Props::Run(_), b"vanish" | b"specVanish") => self.hidden = is_on(e),
            _ => {}
        }
    }

    fn open(&mut self, e: &BytesStart<'_>, depth: usize) -> Result<(), ExtractError> {
        let qname = e.name();
        let name = local(qname.as_ref());
        if self.props.is_some() {
            if name.ends_with(b"Change") {
                self.skip = Some(depth);
            } else {
                self.property(e, name);
            }
            return Ok(());
        }
        if skipped(name) {
            self.skip = Some(depth);
            return Ok(());
        }
        match name {
            b"p" => self.frames.push(Frame::Para(Para::default())),
            b"pPr" if self.para().is_some() => self.props = Some(Props::Paragraph(depth)),
            b"pPr" => self.skip = Some(depth),
            b"rPr" => self.props = Some(Props::Run(depth)),
            b"r" => self.hidden = false,
            b"t" => self.in_text = true,
            b"tc" => self.frames.push(Frame::Cell(Cell::default())),
            b"tbl" => {
                // Text of a cell before a nested table is read before the nested cells.
                if let Some(Frame::Cell(c)) = self.frames.last_mut()
                    && !c.text.is_empty()
                {
                    let text = std::mem::take(&mut c.text);
                    let label = c.label.take();
                    let notes = std::mem::take(&mut c.notes);
                    self.emit(cell_block(text, label), notes);
                }
            }
            b"footnote" | b"endnote" => {
                let kind = attr(e, b"type").unwrap_or_default();
                if !kind.is_empty() && kind != "normal" {
                    self.skip = Some(depth);
                } else {
                    let id = attr(e, b"id").unwrap_or_default();
                    self.note = Some((name == b"endnote", id, self.out.len()));
                }
            }
            _ => self.empty(e)?,
        }
        Ok(())
    }

    fn empty(&mut self, e: &BytesStart<'_>) -> Result<(), ExtractError> {
        let qname = e.name();
        let name = local(qname.as_ref());
        if self.props.is_some() {
            self.property(e, name);
            return Ok(());
        }
        match name {
            b"tab" | b"ptab" | b"br" | b"cr" => self.push_text(" ")?,
            b"noBreakHyphen" => self.push_text("-")?,
            b"footnoteReference" | b"endnoteReference" if !self.hidden => {
                let key = (
                    name == b"endnoteReference",
                    attr(e, b"id").unwrap_or_default(),
                );
                if let Some(text) = self.ctx.notes.get(&key) {
                    let block = RawBlock {
                        kind: BlockKind::Footnote,
                        text: text.clone(),
                        page: None,
                        label: None,
                        level: None,
                    };
                    if let Some(p) = self.para() {
                        p.notes.push(block);
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn close(&mut self, name: &[u8], depth: usize) -> Result<(), ExtractError> {
        if let Some(Props::Paragraph(d) | Props::Run(d)) = self.props {
            if d == depth {
                self.props = None;
            }
            return Ok(());
        }
        match name {
            b"t" => self.in_text = false,
            b"r" => self.hidden = false,
            b"p" => {
                if let Some(Frame::Para(p)) = self.frames.pop() {
                    self.finish_paragraph(p);
                } else {
                    return Err(unbalanced());
                }
            }
            b"tc" => {
                if let Some(Frame::Cell(c)) = self.frames.pop() {
                    if c.text.is_empty() {
                        self.emit_notes(c.notes);
                    } else {
                        self.emit(cell_block(c.text, c.label), c.notes);
                    }
                } else {
                    return Err(unbalanced());
                }
            }
            b"footnote" | b"endnote" => {
                if let Some((endnote, id, start)) = self.note.take() {
                    let parts: Vec<String> = self
                        .out
                        .drain(start.min(self.out.len())..)
                        .map(|b| b.text)
                        .collect();
                    self.notes_out.insert((endnote, id), parts.join(" "));
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Places notes (and anything waiting) when their paragraph or cell has no text of its own.
    fn emit_notes(&mut self, notes: Vec<RawBlock>) {
        if self.frames.iter().any(|f| matches!(f, Frame::Para(_))) {
            self.deferred.extend(notes);
        } else {
            self.out.extend(notes);
            self.out.append(&mut self.deferred);
        }
    }

    fn finish_paragraph(&mut self, p: Para) {
        let ctx = &self.ctx;
        let style = p
            .style
            .as_deref()
            .or_else(|| ctx.styles.default_paragraph());
        let inherited = ctx.styles.resolve(style);
        let text = clean(&p.text);
        if inherited.toc || (p.mark_deleted && text.is_empty()) {
            self.emit_notes(p.notes);
            return;
        }
        let num_id = p.num_id.clone().or(inherited.num_id);
        let mut label = None;
        let mut list_level = None;
        if let Some(id) = num_id.as_deref().filter(|id| *id != "0") {
            let (l, lvl) = ctx.numbering.next_label(
                &mut self.counters,
                ctx.styles,
                id,
                p.ilvl.or(inherited.ilvl),
                style,
            );
            label = l;
            list_level = Some(lvl);
        }
        if text.is_empty() {
            self.emit_notes(p.notes);
            return;
        }
        let heading = p.outline.or(inherited.heading);
        let (kind, level) = match (heading, list_level) {
            (Some(h), _) => (BlockKind::Heading, Some(h)),
            (None, Some(l)) => (
                BlockKind::ListItem,
                Some(u8::try_from(l).unwrap_or(u8::MAX)),
            ),
            (None, None) => (BlockKind::Paragraph, None),
        };
        let full = match &label {
            Some(l) => format!("{l} {text}"),
            None => text,
        };
        if let Some(Frame::Cell(c)) = self.frames.last_mut() {
            if c.text.is_empty() {
                c.label.clone_from(&label);
            } else {
                c.text.push(' ');
            }
            c.text.push_str(&full);
            c.notes.extend(p.notes);
            return;
        }
        let block = RawBlock {
            kind,
            text: full,
            page: None,
            label,
            level,
        };
        self.emit(block, p.notes);
    }

    fn run(mut self, xml: &[u8], part: &str) -> Result<Self, ExtractError> {
        let mut reader = XmlReader::new(xml, part, self.ctx.limits.max_xml_depth);
        loop {
            match reader.next()? {
                Node::Eof => break,
                Node::Open(e, depth) => {
                    if self.skip.is_none() {
                        self.open(&e, depth)?;
                    }
                }
                Node::Empty(e) => {
                    if self.skip.is_none() {
                        self.empty(&e)?;
                    }
                }
                Node::Close(e, depth) => match self.skip {
                    Some(d) if d == depth => self.skip = None,
                    Some(_) => {}
                    None => self.close(local(e.name().as_ref()), depth)?,
                },
                Node::Text(t) => {
                    if self.skip.is_none() && self.props.is_none() && self.in_text {
                        self.push_text(&t)?;
                    }
                }
            }
        }
        self.out.append(&mut self.deferred);
        Ok(self)
    }
}

fn cell_block(text: String, label: Option<String>) -> RawBlock {
    RawBlock {
        kind: BlockKind::TableCell,
        text,
        page: None,
        label,
        level: None,
    }
}

fn unbalanced() -> ExtractError {
    Damaged::Nesting.into()
}

/// Reads the body of the main document part into blocks.
pub(super) fn read_document(
    xml: &[u8],
    part: &str,
    ctx: Context<'_>,
) -> Result<Vec<RawBlock>, ExtractError> {
    Ok(Walker::new(ctx).run(xml, part)?.out)
}

/// Reads a footnotes or endnotes part into `notes`.
pub(super) fn read_notes(
    xml: &[u8],
    part: &str,
    ctx: Context<'_>,
    notes: &mut Notes,
) -> Result<(), ExtractError> {
    let walker = Walker::new(ctx).run(xml, part)?;
    notes.extend(walker.notes_out.into_iter().filter(|(_, t)| !t.is_empty()));
    Ok(())
}
