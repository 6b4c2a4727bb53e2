//! The content-stream interpreter: runs a page's drawing operators through the text state
//! machine and yields positioned glyphs.
//!
//! Handled: `BT`/`ET`, `Tf`, `Tm`, `Td`/`TD`/`T*`/`TL`, `Tc`/`Tw`/`Tz`/`Ts`, `TJ`, `Tj`, `'` and
//! `"`, `q`/`Q` with `cm`, and `Do` into form XObjects (nesting bounded by the depth limit,
//! cycles skipped). Image XObjects and inline images are counted, so a page of images without
//! text can be told apart from an empty one. Glyph positions are rotated to the nearest quarter
//! turn of their writing direction, so rotated pages read like upright ones.

use std::collections::HashMap;
use std::rc::Rc;

use lopdf::{Dictionary, Object, ObjectId};

use super::content::{Item, Op, Ops};
use super::fonts::Font;
use super::source::{Source, number};
use crate::extract::Limit;

/// Deepest `q` nesting kept; deeper saves are ignored (their `Q` then restores nothing).
const MAX_SAVE_DEPTH: usize = 256;

/// A glyph placed on the page, in rotated page space (x grows along the line, y upwards).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Glyph {
    /// Left edge.
    pub x: f32,
    /// Baseline.
    pub y: f32,
    /// Right edge (advance, including character spacing).
    pub end: f32,
    /// Font size in page units.
    pub size: f32,
    /// Byte range of its text in [`PageText::text`].
    pub start: u32,
    /// End of that range.
    pub stop: u32,
}

/// The glyphs of one page.
#[derive(Debug, Default)]
pub struct PageText {
    /// Glyphs in content-stream order.
    pub glyphs: Vec<Glyph>,
    /// Their text, concatenated.
    pub text: String,
    /// Images drawn on the page.
    pub images: usize,
    /// The image XObjects drawn on the page (inline images are only counted), with the matrix
    /// that places each one's unit square on the page.
    pub drawn: Vec<(ObjectId, [f32; 6])>,
    /// Glyphs whose font gives no way to know their text.
    pub undecoded: usize,
}

impl PageText {
    /// The text of a glyph.
    pub fn glyph_text(&self, g: &Glyph) -> &str {
        self.text
            .get(g.start as usize..g.stop as usize)
            .unwrap_or("")
    }

    /// Whether a glyph's text is empty or white space only (nothing a reader sees).
    pub fn is_blank(&self, g: &Glyph) -> bool {
        let text = self.glyph_text(g);
        match text.as_bytes() {
            // (Most glyphs are one ASCII character; its white space is tab to carriage return
            // and space. This is asked several times of every glyph.)
            [b] => matches!(b, b'\t'..=b'\r' | b' '),
            _ => text.trim().is_empty(),
        }
    }
}

/// A 2-D affine matrix `[a b c d e f]` in PDF's row-vector convention.
#[derive(Debug, Clone, Copy, PartialEq)]
struct M([f32; 6]);

const IDENTITY: M = M([1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);

impl M {
    /// `self` then `o` (self × o).
    fn then(&self, o: &M) -> M {
        let [a, b, c, d, e, f] = self.0;
        let [oa, ob, oc, od, oe, of] = o.0;
        M([
            a * oa + b * oc,
            a * ob + b * od,
            c * oa + d * oc,
            c * ob + d * od,
            e * oa + f * oc + oe,
            e * ob + f * od + of,
        ])
    }

    fn translate(tx: f32, ty: f32) -> M {
        M([1.0, 0.0, 0.0, 1.0, tx, ty])
    }

    fn apply(&self, x: f32, y: f32) -> (f32, f32) {
        let [a, b, c, d, e, f] = self.0;
        (x * a + y * c + e, x * b + y * d + f)
    }

    fn is_sane(&self) -> bool {
        self.0.iter().all(|v| v.is_finite() && v.abs() < 1.0e7)
    }
}

/// Graphics state kept across `q`/`Q`.
#[derive(Debug, Clone)]
struct State {
    ctm: M,
    font: Option<Rc<Font>>,
    size: f32,
    char_spacing: f32,
    word_spacing: f32,
    hscale: f32,
    leading: f32,
    rise: f32,
}

/// Fonts already read, by the address of their dictionary in the loaded document.
pub type FontCache = HashMap<usize, Rc<Font>>;

/// Work shared by all pages of one file.
pub struct Shared {
    /// Fonts read so far.
    pub fonts: FontCache,
    /// Decoded form XObjects (tokenized again each time one is drawn: that costs less than
    /// keeping its operators, and memory stays within the size of the decoded content).
    forms: HashMap<ObjectId, Rc<Vec<u8>>>,
    /// Operators run so far.
    operations: u64,
}

impl Shared {
    /// Nothing read yet.
    pub fn new() -> Self {
        Shared {
            fonts: HashMap::new(),
            forms: HashMap::new(),
            operations: 0,
        }
    }
}

/// Runs one page's content, then the appearances of its visible widget annotations (filled-in
/// form fields), and returns its glyphs.
pub fn run_page<'a>(
    src: &Source<'a>,
    shared: &mut Shared,
    page: &'a Dictionary,
    content: &[u8],
    resources: Option<&'a Dictionary>,
) -> Result<PageText, Limit> {
    let mut it = Interp {
        src,
        shared,
        out: PageText::default(),
        gs: State {
            ctm: IDENTITY,
            font: None,
            size: 0.0,
            char_spacing: 0.0,
            word_spacing: 0.0,
            hscale: 1.0,
            leading: 0.0,
            rise: 0.0,
        },
        saved: Vec::new(),
        tm: IDENTITY,
        tlm: IDENTITY,
        forms: Vec::new(),
    };
    // Parsed as it runs: a page of millions of operators never holds them all at once.
    it.run(content, resources)?;
    if let Some(Object::Array(annots)) = src.get(page, b"Annots") {
        for annot in annots {
            it.annotation(annot, resources)?;
        }
    }
    Ok(it.out)
}

struct Interp<'s, 'a> {
    src: &'s Source<'a>,
    shared: &'s mut Shared,
    out: PageText,
    gs: State,
    saved: Vec<State>,
    tm: M,
    tlm: M,
    /// Forms being drawn (cycle guard and nesting depth).
    forms: Vec<ObjectId>,
}

impl<'a> Interp<'_, 'a> {
    fn run(&mut self, content: &[u8], res: Option<&'a Dictionary>) -> Result<(), Limit> {
        let mut ops = Ops::new(content);
        while let Some(op) = ops.next() {
            self.shared.operations += 1;
            let max = self.src.limits.max_pdf_operations;
            if self.shared.operations > max {
                return Err(Limit::PdfOperations { max });
            }
            self.op(&op, res)?;
        }
        Ok(())
    }

    fn op(&mut self, op: &Op<'_>, res: Option<&'a Dictionary>) -> Result<(), Limit> {
        let n = |i: usize| op.number(i).unwrap_or(0.0);
        match op.operator {
            b"q" if self.saved.len() < MAX_SAVE_DEPTH => self.saved.push(self.gs.clone()),
            b"Q" => {
                if let Some(s) = self.saved.pop() {
                    self.gs = s;
                }
            }
            b"cm" => {
                let m = M([n(0), n(1), n(2), n(3), n(4), n(5)]);
                let ctm = m.then(&self.gs.ctm);
                if ctm.is_sane() {
                    self.gs.ctm = ctm;
                }
            }
            b"BT" => {
                self.tm = IDENTITY;
                self.tlm = IDENTITY;
            }
            b"Tf" => {
                self.gs.size = n(1);
                self.gs.font = match op.name(0) {
                    Some(name) => self.font(res, name)?,
                    None => None,
                };
            }
            b"Tc" => self.gs.char_spacing = n(0),
            b"Tw" => self.gs.word_spacing = n(0),
            b"Tz" => self.gs.hscale = n(0) / 100.0,
            b"TL" => self.gs.leading = n(0),
            b"Ts" => self.gs.rise = n(0),
            b"Td" => self.next_line(n(0), n(1)),
            b"TD" => {
                self.gs.leading = -n(1);
                self.next_line(n(0), n(1));
            }
            b"T*" => self.next_line(0.0, -self.gs.leading),
            b"Tm" => {
                let m = M([n(0), n(1), n(2), n(3), n(4), n(5)]);
                if m.is_sane() {
                    self.tm = m;
                    self.tlm = m;
                }
            }
            b"Tj" => {
                if let Some(s) = op.string(0) {
                    self.show(s);
                }
            }
            b"'" => {
                self.next_line(0.0, -self.gs.leading);
                if let Some(s) = op.string(0) {
                    self.show(s);
                }
            }
            b"\"" => {
                self.gs.word_spacing = n(0);
                self.gs.char_spacing = n(1);
                self.next_line(0.0, -self.gs.leading);
                if let Some(s) = op.string(2) {
                    self.show(s);
                }
            }
            b"TJ" => {
                if let Some(items) = op.array(0) {
                    for item in items {
                        match item {
                            Item::Str(s) => self.show(s),
                            Item::Number(Some(adj)) => {
                                let tx = -adj / 1000.0 * self.gs.size * self.gs.hscale;
                                self.advance(tx);
                            }
                            Item::Number(None) => {}
                        }
                    }
                }
            }
            b"Do" => {
                if let Some(name) = op.name(0) {
                    self.draw_xobject(res, name)?;
                }
            }
            b"BI" => self.out.images += 1,
            _ => {}
        }
        Ok(())
    }

    /// Draws a widget annotation's normal appearance at its rectangle.
    fn annotation(&mut self, annot: &'a Object, res: Option<&'a Dictionary>) -> Result<(), Limit> {
        let Some(dict) = self.src.resolve(annot).and_then(|o| o.as_dict().ok()) else {
            return Ok(());
        };
        let kind = dict
            .get(b"Subtype")
            .and_then(Object::as_name)
            .unwrap_or_default();
        let hidden = self
            .src
            .number(dict, b"F")
            .is_some_and(|f| (f as i64) & 0b10 != 0);
        // Only form fields: comments and review notes are not contract text.
        if hidden || kind != b"Widget" {
            return Ok(());
        }
        let Some(normal) = self.src.dict(dict, b"AP").and_then(|ap| ap.get(b"N").ok()) else {
            return Ok(());
        };
        // A dictionary of states: the one named by /AS.
        let normal = match self.src.resolve(normal) {
            Some(Object::Dictionary(states)) => {
                let state = dict.get(b"AS").and_then(Object::as_name).unwrap_or(b"Off");
                match states.get(state) {
                    Ok(o) => o,
                    Err(_) => return Ok(()),
                }
            }
            _ => normal,
        };
        let (Ok(id), Some(Object::Stream(stream))) =
            (normal.as_reference(), self.src.resolve(normal))
        else {
            return Ok(());
        };
        let rect: Vec<f32> = match self.src.get(dict, b"Rect") {
            Some(Object::Array(a)) => a.iter().filter_map(number).collect(),
            _ => Vec::new(),
        };
        let bbox: Vec<f32> = match self.src.get(&stream.dict, b"BBox") {
            Some(Object::Array(a)) => a.iter().filter_map(number).collect(),
            _ => Vec::new(),
        };
        let place = match (rect.as_slice(), bbox.as_slice()) {
            ([rx0, ry0, rx1, ry1, ..], [bx0, by0, ..]) => {
                M::translate(rx0.min(*rx1) - bx0, ry0.min(*ry1) - by0)
            }
            ([rx0, ry0, ..], _) => M::translate(*rx0, *ry0),
            _ => IDENTITY,
        };
        let saved = (self.gs.clone(), self.tm, self.tlm);
        self.gs.ctm = IDENTITY;
        let r = self.run_form(id, stream, place, res);
        (self.gs, self.tm, self.tlm) = saved;
        r
    }

    fn next_line(&mut self, tx: f32, ty: f32) {
        let m = M::translate(tx, ty).then(&self.tlm);
        if m.is_sane() {
            self.tlm = m;
            self.tm = m;
        }
    }

    fn advance(&mut self, tx: f32) {
        let m = M::translate(tx, 0.0).then(&self.tm);
        if m.is_sane() {
            self.tm = m;
        }
    }

    /// The font named `name` in the resources.
    fn font(
        &mut self,
        res: Option<&'a Dictionary>,
        name: &[u8],
    ) -> Result<Option<Rc<Font>>, Limit> {
        let Some(dict) = res
            .and_then(|r| self.src.dict(r, b"Font"))
            .and_then(|fonts| self.src.dict(fonts, name))
        else {
            return Ok(None);
        };
        let key = dict as *const Dictionary as usize;
        if let Some(f) = self.shared.fonts.get(&key) {
            return Ok(Some(f.clone()));
        }
        let font = Rc::new(Font::load(self.src, dict)?);
        self.shared.fonts.insert(key, font.clone());
        Ok(Some(font))
    }

    /// Shows a string: one glyph per character code.
    fn show(&mut self, bytes: &[u8]) {
        let Some(font) = self.gs.font.clone() else {
            return;
        };
        let size = self.gs.size;
        let th = self.gs.hscale;
        font.codes(bytes, |code| {
            let w0 = font.width(code);
            let start = self.out.text.len();
            let known = font.text(code, &mut self.out.text);
            let is_space = code.len == 1 && code.code == 32;
            let spacing = self.gs.char_spacing + if is_space { self.gs.word_spacing } else { 0.0 };
            let visible = (w0 * size + self.gs.char_spacing) * th;
            let tx = (w0 * size + spacing) * th;
            if !known {
                self.out.undecoded += 1;
            } else {
                let m = self.tm.then(&self.gs.ctm);
                let (x0, y0) = m.apply(0.0, self.gs.rise);
                let (x1, y1) = m.apply(visible, self.gs.rise);
                let [a, b, c, d, ..] = m.0;
                let dev_size = (size * (c * c + d * d).sqrt()).abs();
                // Quarter turn of the writing direction (from the text matrix when the glyph
                // has no width).
                let (dx, dy) = if (x1 - x0).abs() + (y1 - y0).abs() > 1e-6 {
                    (x1 - x0, y1 - y0)
                } else {
                    (a, b)
                };
                let rot = |x: f32, y: f32| {
                    if dx.abs() >= dy.abs() {
                        if dx >= 0.0 { (x, y) } else { (-x, -y) }
                    } else if dy > 0.0 {
                        (y, -x)
                    } else {
                        (-y, x)
                    }
                };
                let (gx, gy) = rot(x0, y0);
                let (ex, _) = rot(x1, y1);
                let stop = self.out.text.len();
                if gx.is_finite() && gy.is_finite() && ex.is_finite() && dev_size.is_finite() {
                    // Text beyond u32 offsets is cut by the character limit long before.
                    self.out.glyphs.push(Glyph {
                        x: gx,
                        y: gy,
                        end: ex.max(gx),
                        size: dev_size.max(0.1),
                        start: start as u32,
                        stop: stop as u32,
                    });
                } else {
                    self.out.text.truncate(start);
                }
            }
            self.advance(tx);
        });
    }

    /// Draws the XObject `name`: forms are run, images counted.
    fn draw_xobject(&mut self, res: Option<&'a Dictionary>, name: &[u8]) -> Result<(), Limit> {
        let Some(entry) = res
            .and_then(|r| self.src.dict(r, b"XObject"))
            .and_then(|x| x.get(name).ok())
        else {
            return Ok(());
        };
        let id = entry.as_reference().ok();
        let Some(Object::Stream(stream)) = self.src.resolve(entry) else {
            return Ok(());
        };
        match stream.dict.get(b"Subtype").and_then(|o| o.as_name()) {
            Ok(b"Image") => {
                self.out.images += 1;
                if let Some(id) = id {
                    self.out.drawn.push((id, self.gs.ctm.0));
                }
                return Ok(());
            }
            Ok(b"Form") => {}
            _ => return Ok(()),
        }
        let Some(id) = id else { return Ok(()) };
        self.run_form(id, stream, IDENTITY, res)
    }

    /// Runs a form XObject (or an annotation's appearance) with `place` applied after its own
    /// matrix.
    fn run_form(
        &mut self,
        id: ObjectId,
        stream: &'a lopdf::Stream,
        place: M,
        res: Option<&'a Dictionary>,
    ) -> Result<(), Limit> {
        if self.forms.contains(&id) {
            return Ok(()); // a form that draws itself: skip the cycle
        }
        if self.forms.len() >= self.src.limits.max_pdf_depth {
            return Err(Limit::FormDepth {
                max: self.src.limits.max_pdf_depth,
            });
        }
        let form = match self.shared.forms.get(&id) {
            Some(form) => form.clone(),
            None => {
                let form = Rc::new(self.src.stream_data(stream)?);
                self.shared.forms.insert(id, form.clone());
                form
            }
        };
        let matrix = match self.src.get(&stream.dict, b"Matrix") {
            Some(Object::Array(a)) if a.len() == 6 => {
                let v: Vec<f32> = a.iter().map(|o| number(o).unwrap_or(0.0)).collect();
                M([v[0], v[1], v[2], v[3], v[4], v[5]])
            }
            _ => IDENTITY,
        };
        let form_res = self.src.dict(&stream.dict, b"Resources").or(res);
        let saved = self.gs.clone();
        let (tm, tlm) = (self.tm, self.tlm);
        let ctm = matrix.then(&place).then(&self.gs.ctm);
        if ctm.is_sane() {
            self.gs.ctm = ctm;
        }
        let depth = self.saved.len();
        self.forms.push(id);
        let result = self.run(&form, form_res);
        self.forms.pop();
        self.saved.truncate(depth);
        self.gs = saved;
        self.tm = tm;
        self.tlm = tlm;
        result
    }
}
