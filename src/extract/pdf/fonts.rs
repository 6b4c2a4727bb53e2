//! Fonts as the text layer needs them: how the bytes of a string split into character codes,
//! what text each code stands for, and how far each glyph advances.
//!
//! Text comes from the font's ToUnicode map first, then from its encoding (a base encoding
//! patched by `/Differences` glyph names), then, for two-byte fonts with a UCS-2 CMap, from the
//! code itself. Widths come from `/Widths` (simple fonts), `/W` and `/DW` (composite fonts), the
//! standard-14 metrics, or a typical width.

use lopdf::{Dictionary, Object};

use super::cmap::{self, CodeRange, ToUnicode};
use super::glyphs::{self, BaseEncoding};
use super::source::{Source, number};
use crate::extract::Limit;

/// Most entries read from one `/W` array.
const MAX_CID_WIDTHS: usize = 1 << 18;

/// How a string's bytes split into codes.
#[derive(Debug, Clone)]
enum Codes {
    /// One byte per code (simple fonts).
    One,
    /// Two bytes per code (Identity-H and most predefined CMaps).
    Two,
    /// Variable length by code-space ranges (embedded CMaps).
    Ranges(Vec<CodeRange>),
}

/// Glyph widths in glyph units.
#[derive(Debug, Clone)]
enum Widths {
    /// `/FirstChar` and `/Widths` of a simple font.
    Simple {
        first: u32,
        list: Vec<f32>,
        missing: Option<f32>,
    },
    /// `/W` and `/DW` of a composite font.
    Cid {
        map: foldhash::HashMap<u32, f32>,
        default: f32,
    },
}

/// A font ready to decode strings.
#[derive(Debug, Clone)]
pub struct Font {
    codes: Codes,
    to_unicode: Option<ToUnicode>,
    /// Code to character for simple fonts (`'\0'` when unknown).
    simple: Option<Vec<char>>,
    /// Codes of a composite font are UCS-2 (UniXXX-UCS2 / UTF16 CMaps).
    ucs2: bool,
    widths: Widths,
    /// Glyph units to text space (1/1000 for all but Type 3 fonts).
    scale: f32,
    base_font: Vec<u8>,
}

/// One character code of a shown string.
#[derive(Debug, Clone, Copy)]
pub struct Code {
    /// The code value.
    pub code: u32,
    /// Its length in bytes.
    pub len: usize,
}

impl Font {
    /// Reads a font dictionary. Only a decompression limit stops reading; anything malformed
    /// falls back to defaults.
    pub fn load(src: &Source<'_>, dict: &Dictionary) -> Result<Font, Limit> {
        let subtype = src
            .get(dict, b"Subtype")
            .and_then(|o| o.as_name().ok())
            .unwrap_or(b"Type1");
        let base_font = src
            .get(dict, b"BaseFont")
            .and_then(|o| o.as_name().ok())
            .unwrap_or_default()
            .to_vec();
        let to_unicode = match src.get(dict, b"ToUnicode") {
            Some(Object::Stream(s)) => {
                let map = cmap::parse_to_unicode(&src.stream_data(s)?);
                (!map.is_empty()).then_some(map)
            }
            _ => None,
        };
        if subtype == b"Type0" {
            return Self::load_composite(src, dict, to_unicode, base_font);
        }
        let scale = if subtype == b"Type3" {
            src.get(dict, b"FontMatrix")
                .and_then(|o| o.as_array().ok())
                .and_then(|a| a.first())
                .and_then(number)
                .filter(|v| *v != 0.0)
                .map_or(0.001, f32::abs)
        } else {
            0.001
        };
        // A ToUnicode map that is named but cannot be read (a damaged or cut-off file) means the
        // codes are the font's own: guessing from a standard encoding would give garbage.
        let lost_map = dict.has(b"ToUnicode") && to_unicode.is_none();
        let simple = (!lost_map).then(|| simple_encoding(src, dict));
        let first = src.number(dict, b"FirstChar").unwrap_or(0.0).max(0.0) as u32;
        let list: Vec<f32> = match src.get(dict, b"Widths") {
            Some(Object::Array(a)) => a
                .iter()
                .take(256)
                .map(|o| src.resolve(o).and_then(number).unwrap_or(0.0))
                .collect(),
            _ => Vec::new(),
        };
        let missing = src
            .dict(dict, b"FontDescriptor")
            .and_then(|fd| src.number(fd, b"MissingWidth"))
            .filter(|w| *w > 0.0);
        Ok(Font {
            codes: Codes::One,
            to_unicode,
            simple,
            ucs2: false,
            widths: Widths::Simple {
                first,
                list,
                missing,
            },
            scale,
            base_font,
        })
    }

    /// Reads a Type 0 (composite) font.
    fn load_composite(
        src: &Source<'_>,
        dict: &Dictionary,
        to_unicode: Option<ToUnicode>,
        base_font: Vec<u8>,
    ) -> Result<Font, Limit> {
        let (codes, ucs2) = match src.get(dict, b"Encoding") {
            Some(Object::Name(n)) => {
                let name = String::from_utf8_lossy(n);
                (Codes::Two, name.contains("UCS2") || name.contains("UTF16"))
            }
            Some(Object::Stream(s)) => {
                let ranges = cmap::parse_codespace(&src.stream_data(s)?);
                if ranges.is_empty() {
                    (Codes::Two, false)
                } else {
                    (Codes::Ranges(ranges), false)
                }
            }
            _ => (Codes::Two, false),
        };
        let descendant = match src.get(dict, b"DescendantFonts") {
            Some(Object::Array(a)) => a
                .first()
                .and_then(|o| src.resolve(o))
                .and_then(|o| o.as_dict().ok()),
            _ => None,
        };
        let mut map = foldhash::HashMap::default();
        let mut default = 1000.0;
        if let Some(d) = descendant {
            default = src.number(d, b"DW").unwrap_or(1000.0);
            if let Some(Object::Array(w)) = src.get(d, b"W") {
                read_cid_widths(src, w, &mut map);
            }
        }
        Ok(Font {
            codes,
            to_unicode,
            simple: None,
            ucs2,
            widths: Widths::Cid { map, default },
            scale: 0.001,
            base_font,
        })
    }

    /// Calls `f` with each character code of `bytes`, in order.
    pub fn codes(&self, bytes: &[u8], mut f: impl FnMut(Code)) {
        let mut rest = bytes;
        while !rest.is_empty() {
            let (code, len) = match &self.codes {
                Codes::One => (u32::from(rest[0]), 1),
                Codes::Two => match rest {
                    [a, b, ..] => (u32::from(*a) << 8 | u32::from(*b), 2),
                    [a] => (u32::from(*a), 1),
                    [] => break,
                },
                Codes::Ranges(r) => cmap::next_code(r, rest),
            };
            let len = len.clamp(1, rest.len());
            f(Code { code, len });
            rest = &rest[len..];
        }
    }

    /// Appends the text of `code` to `out`; returns false when the font cannot say what it is.
    pub fn text(&self, code: Code, out: &mut String) -> bool {
        if let Some(map) = &self.to_unicode
            && map.push(code.code, code.len, out)
        {
            return true;
        }
        if let Some(simple) = &self.simple {
            let c = simple.get(code.code as usize).copied().unwrap_or('\0');
            if c != '\0' {
                out.push(c);
                return true;
            }
            return false;
        }
        if self.ucs2
            && let Some(c) = char::from_u32(code.code)
        {
            out.push(c);
            return true;
        }
        false
    }

    /// The advance of `code` in text space (before font size), from the font's widths.
    pub fn width(&self, code: Code) -> f32 {
        let w = match &self.widths {
            Widths::Simple {
                first,
                list,
                missing,
            } => {
                let known = code
                    .code
                    .checked_sub(*first)
                    .and_then(|i| list.get(i as usize))
                    .copied();
                match (known, missing) {
                    (Some(w), _) => w,
                    (None, Some(m)) if !list.is_empty() => *m,
                    _ => self.fallback_width(code),
                }
            }
            Widths::Cid { map, default } => map.get(&code.code).copied().unwrap_or(*default),
        };
        let w = w * self.scale;
        if w.is_finite() {
            w.clamp(0.0, 10.0)
        } else {
            0.0
        }
    }

    /// The width of a code when the font lists none: standard-14 metrics, else a typical width.
    fn fallback_width(&self, code: Code) -> f32 {
        let c = self
            .simple
            .as_ref()
            .and_then(|s| s.get(code.code as usize).copied())
            .unwrap_or(' ');
        glyphs::standard_width(&self.base_font, c).unwrap_or(500.0)
    }
}

/// Reads a `/W` array: `c [w1 w2 ...]` and `cfirst clast w` entries.
fn read_cid_widths(src: &Source<'_>, w: &[Object], map: &mut foldhash::HashMap<u32, f32>) {
    let mut i = 0;
    while i < w.len() && map.len() < MAX_CID_WIDTHS {
        let Some(first) = src.resolve(&w[i]).and_then(number) else {
            break;
        };
        let first = first.max(0.0) as u32;
        match w.get(i + 1).and_then(|o| src.resolve(o)) {
            Some(Object::Array(list)) => {
                for (k, o) in list.iter().enumerate().take(MAX_CID_WIDTHS) {
                    if let Some(v) = src.resolve(o).and_then(number) {
                        map.insert(first.saturating_add(k as u32), v);
                    }
                }
                i += 2;
            }
            Some(o) => {
                let last = number(o).unwrap_or(0.0).max(0.0) as u32;
                let Some(v) = w.get(i + 2).and_then(|o| src.resolve(o)).and_then(number) else {
                    break;
                };
                let count = last.saturating_sub(first).min(MAX_CID_WIDTHS as u32);
                for c in first..=first.saturating_add(count) {
                    map.insert(c, v);
                }
                i += 3;
            }
            None => break,
        }
    }
}

/// The code-to-character table of a simple font: base encoding plus `/Differences`.
fn simple_encoding(src: &Source<'_>, dict: &Dictionary) -> Vec<char> {
    let base_of = |name: &[u8]| match name {
        b"WinAnsiEncoding" => Some(BaseEncoding::WinAnsi),
        b"MacRomanEncoding" => Some(BaseEncoding::MacRoman),
        b"StandardEncoding" => Some(BaseEncoding::Standard),
        _ => None,
    };
    let (base, differences) = match src.get(dict, b"Encoding") {
        Some(Object::Name(n)) => (base_of(n), None),
        Some(Object::Dictionary(d)) => (
            src.get(d, b"BaseEncoding")
                .and_then(|o| o.as_name().ok())
                .and_then(base_of),
            match src.get(d, b"Differences") {
                Some(Object::Array(a)) => Some(a),
                _ => None,
            },
        ),
        _ => (None, None),
    };
    let base = base.unwrap_or(BaseEncoding::Standard);
    let mut table: Vec<char> = (0..=255u8).map(|c| glyphs::base_char(base, c)).collect();
    if let Some(diff) = differences {
        let mut code: usize = 0;
        for o in diff {
            match src.resolve(o) {
                Some(Object::Integer(c)) => code = usize::try_from(*c).unwrap_or(usize::MAX),
                Some(Object::Name(name)) => {
                    if let Some(slot) = table.get_mut(code) {
                        // A ligature name gives several characters; the single-char table keeps
                        // the presentation form, which NFKC expands later.
                        // An unknown name ("square", "g12") says nothing about the text:
                        // better no character than a wrong one.
                        *slot = match glyphs::glyph_text(name) {
                            Some(t) if t.chars().count() == 1 => t.chars().next().unwrap_or('\0'),
                            Some(t) => ligature(&t),
                            None => '\0',
                        };
                    }
                    code = code.saturating_add(1);
                }
                _ => {}
            }
        }
    }
    table
}

/// The presentation form of a ligature spelled out ("ffi" -> U+FB03), else the first character.
fn ligature(text: &str) -> char {
    match text {
        "ff" => '\u{FB00}',
        "fi" => '\u{FB01}',
        "fl" => '\u{FB02}',
        "ffi" => '\u{FB03}',
        "ffl" => '\u{FB04}',
        _ => text.chars().next().unwrap_or('\0'),
    }
}
