//! The operators of a content stream, tokenized in place: the interpreter is lent each operator
//! and its operands from buffers reused for the whole stream, instead of an `Object` and a `Vec`
//! per operand (lopdf's parser built those, and with their allocations they were a third of
//! reading a PDF).
//!
//! It reads exactly what lopdf's content grammar reads (`Content::decode_iter`, which stops at the
//! first operation it cannot parse): the same operators with the same operand values, stopping
//! at the same place, including its quirks (a comment is allowed only between operations, a
//! minus sign inside a fraction is ignored, `null`, `true` and `false` are matched as prefixes).
//! The unit tests hold the two to each other on hand-written and random streams and on every
//! stream of the repository's PDFs and of the shared corpus. Streams with inline images (the
//! bytes `BI` anywhere) are left to lopdf, whose inline-image reading is involved and rare in
//! text; its operations are lent through the same buffers.

use lopdf::Object;
use lopdf::content::{Content, Operation};

use super::source::in_range;

/// Nesting of arrays and dictionaries lopdf allows in an operand (`reader::MAX_NESTING_DEPTH`).
const MAX_NESTING: usize = 100;
/// Nesting of balanced parentheses lopdf allows in a literal string (`reader::MAX_BRACKET`).
const MAX_BRACKET: usize = 100;

/// One operand, as the interpreter needs it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Operand {
    /// An integer or real, as lopdf converts it (`i64 as f32`, or the parsed `f32`).
    Number(f32),
    /// A name: its decoded bytes in the string buffer.
    Name(u32, u32),
    /// A literal or hexadecimal string: its decoded bytes in the string buffer.
    Str(u32, u32),
    /// An array: its elements in the item buffer (the elements of arrays nested in it are not
    /// kept: they read as [`Operand::Other`]).
    Array(u32, u32),
    /// Anything else (boolean, null, dictionary, reference, nested array).
    Other,
}

/// An element of an array operand.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Item<'o> {
    /// A string to show.
    Str(&'o [u8]),
    /// A number within range ([`in_range`]), if it is one.
    Number(Option<f32>),
}

/// An operator with its operands, lent until the next one is read.
#[derive(Debug, Clone, Copy)]
pub struct Op<'o> {
    /// The operator ("Tj", "cm", "T*").
    pub operator: &'o [u8],
    operands: &'o [Operand],
    bytes: &'o [u8],
    items: &'o [Operand],
}

impl<'o> Op<'o> {
    /// Operand `i` as a number within range ([`in_range`]), as `source::number` reads an integer
    /// or real object.
    pub fn number(&self, i: usize) -> Option<f32> {
        match self.operands.get(i)? {
            Operand::Number(v) => in_range(*v),
            _ => None,
        }
    }

    /// Operand `i` as a name.
    pub fn name(&self, i: usize) -> Option<&'o [u8]> {
        match self.operands.get(i)? {
            Operand::Name(s, e) => self.bytes.get(*s as usize..*e as usize),
            _ => None,
        }
    }

    /// Operand `i` as a string.
    pub fn string(&self, i: usize) -> Option<&'o [u8]> {
        match self.operands.get(i)? {
            Operand::Str(s, e) => self.bytes.get(*s as usize..*e as usize),
            _ => None,
        }
    }

    /// Operand `i` as an array: its strings and numbers (other elements read as no number).
    pub fn array(&self, i: usize) -> Option<impl Iterator<Item = Item<'o>> + 'o> {
        let Operand::Array(s, e) = self.operands.get(i)? else {
            return None;
        };
        let (bytes, items) = (self.bytes, self.items);
        Some(
            items
                .get(*s as usize..*e as usize)
                .unwrap_or(&[])
                .iter()
                .map(move |item| match item {
                    Operand::Str(s, e) => {
                        Item::Str(bytes.get(*s as usize..*e as usize).unwrap_or(&[]))
                    }
                    Operand::Number(v) => Item::Number(in_range(*v)),
                    _ => Item::Number(None),
                }),
        )
    }
}

/// Where the operations come from.
enum Reader<'a> {
    /// Tokenized here.
    Own { data: &'a [u8], pos: usize },
    /// By lopdf (streams with inline images).
    Lopdf(Box<dyn Iterator<Item = lopdf::Result<Operation>> + 'a>),
    /// Nothing more: the end, or the first operation that could not be read.
    Done,
}

impl<'a> Reader<'a> {
    /// Tokenized here, from the first byte that is not white space (lopdf's `content_space`).
    fn own(data: &'a [u8]) -> Self {
        let pos = data.iter().take_while(|&&c| is_white(c)).count();
        Reader::Own { data, pos }
    }
}

/// The operations of one content stream, read one at a time.
pub struct Ops<'a> {
    reader: Reader<'a>,
    operator: Vec<u8>,
    operands: Vec<Operand>,
    items: Vec<Operand>,
    bytes: Vec<u8>,
}

/// Reading stopped: the operation being read is not given, nor any after it.
struct Stop;

type Read<T> = Result<T, Stop>;

impl<'a> Ops<'a> {
    /// The operations of `data`.
    pub fn new(data: &'a [u8]) -> Self {
        let reader = if memchr::memmem::find(data, b"BI").is_some() {
            Reader::Lopdf(Box::new(Content::decode_iter(data)))
        } else {
            Reader::own(data)
        };
        Ops {
            reader,
            operator: Vec::new(),
            operands: Vec::new(),
            items: Vec::new(),
            bytes: Vec::new(),
        }
    }

    /// The next operation, or `None` at the end or where the stream cannot be read further.
    #[allow(clippy::should_implement_trait)] // a lending iterator: the operation borrows `self`
    pub fn next(&mut self) -> Option<Op<'_>> {
        self.operands.clear();
        self.items.clear();
        self.bytes.clear();
        // Where the operator is: a byte range of the stream, or (from lopdf) the operator buffer.
        let operator: Option<(usize, usize)> = match &mut self.reader {
            Reader::Done => return None,
            Reader::Own { data, pos } => {
                let mut t = Tokens {
                    d: data,
                    p: *pos,
                    operands: &mut self.operands,
                    items: &mut self.items,
                    bytes: &mut self.bytes,
                };
                match t.operation() {
                    Ok(op) => {
                        *pos = t.p;
                        Some(op)
                    }
                    Err(Stop) => {
                        self.reader = Reader::Done;
                        return None;
                    }
                }
            }
            Reader::Lopdf(ops) => match ops.next() {
                Some(Ok(op)) => {
                    self.operator.clear();
                    self.operator.extend_from_slice(op.operator.as_bytes());
                    for o in &op.operands {
                        let v = lend(o, &mut self.bytes, &mut self.items, true);
                        self.operands.push(v);
                    }
                    None
                }
                _ => {
                    self.reader = Reader::Done;
                    return None;
                }
            },
        };
        let operator = match (&self.reader, operator) {
            (Reader::Own { data, .. }, Some((start, end))) => &data[start..end],
            _ => self.operator.as_slice(),
        };
        Some(Op {
            operator,
            operands: &self.operands,
            bytes: &self.bytes,
            items: &self.items,
        })
    }
}

/// A lopdf object as an operand (an array's elements kept only at the top).
fn lend(o: &Object, bytes: &mut Vec<u8>, items: &mut Vec<Operand>, top: bool) -> Operand {
    match o {
        Object::Integer(i) => Operand::Number(*i as f32),
        Object::Real(r) => Operand::Number(*r),
        Object::Name(n) if top => Operand::Name(push(bytes, n), bytes.len() as u32),
        Object::String(s, _) => Operand::Str(push(bytes, s), bytes.len() as u32),
        Object::Array(a) if top => {
            let elements: Vec<Operand> = a.iter().map(|o| lend(o, bytes, items, false)).collect();
            let start = items.len() as u32;
            items.extend(elements);
            Operand::Array(start, items.len() as u32)
        }
        _ => Operand::Other,
    }
}

/// Appends `s` and returns where it starts.
fn push(bytes: &mut Vec<u8>, s: &[u8]) -> u32 {
    let start = bytes.len() as u32;
    bytes.extend_from_slice(s);
    start
}

fn is_white(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b'\0' | b'\x0C')
}

fn is_delimiter(c: u8) -> bool {
    matches!(
        c,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

fn is_regular(c: u8) -> bool {
    !is_white(c) && !is_delimiter(c)
}

fn hex(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|v| v as u8)
}

/// The tokenizer over one stream, writing the operation's operands into the lent buffers.
struct Tokens<'t> {
    d: &'t [u8],
    p: usize,
    operands: &'t mut Vec<Operand>,
    items: &'t mut Vec<Operand>,
    bytes: &'t mut Vec<u8>,
}

impl Tokens<'_> {
    fn peek(&self) -> Option<u8> {
        self.d.get(self.p).copied()
    }

    fn at(&self, s: &[u8]) -> bool {
        self.d.get(self.p..).is_some_and(|r| r.starts_with(s))
    }

    /// White space only (lopdf's `content_space`).
    fn white(&mut self) {
        while self.peek().is_some_and(is_white) {
            self.p += 1;
        }
    }

    /// A comment with its end of line, if one starts here; `false` (nothing read) otherwise.
    fn comment(&mut self) -> bool {
        if self.peek() != Some(b'%') {
            return false;
        }
        let rest = &self.d[self.p..];
        let Some(eol) = rest.iter().position(|&c| c == b'\r' || c == b'\n') else {
            return false; // lopdf's comment needs its end of line
        };
        let crlf = rest.get(eol..eol + 2) == Some(b"\r\n");
        self.p += eol + if crlf { 2 } else { 1 };
        true
    }

    /// White space and comments (lopdf's `space`, used inside arrays and dictionaries).
    fn space(&mut self) {
        loop {
            let before = self.p;
            self.white();
            if self.p == before && !self.comment() {
                return;
            }
        }
    }

    /// One operation: comments, operands, the operator; the operator's byte range.
    fn operation(&mut self) -> Read<(usize, usize)> {
        while self.comment() {
            self.white();
        }
        loop {
            let operand = match self.peek().ok_or(Stop)? {
                b'n' if self.at(b"null") => self.keyword(4),
                b't' if self.at(b"true") => self.keyword(4),
                b'f' if self.at(b"false") => self.keyword(5),
                b'+' | b'-' | b'.' | b'0'..=b'9' => Operand::Number(self.number()?),
                b'/' => self.name(),
                b'(' => self.literal()?,
                b'<' => self.angle(MAX_NESTING)?,
                b'[' => self.array(MAX_NESTING, true)?,
                _ => break,
            };
            self.operands.push(operand);
            self.white();
        }
        let start = self.p;
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, b'*' | b'\'' | b'"'))
        {
            self.p += 1;
        }
        if self.p == start || self.d[start].is_ascii_digit() {
            return Err(Stop);
        }
        let end = self.p;
        self.white();
        Ok((start, end))
    }

    fn keyword(&mut self, len: usize) -> Operand {
        self.p += len;
        Operand::Other
    }

    /// A run of ASCII digits from the current position.
    fn digits(&mut self) -> usize {
        let start = self.p;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.p += 1;
        }
        self.p - start
    }

    /// A real (`[sign] digits . [digits]` or `[sign] . digits`, then any digits and minus signs,
    /// which are dropped) or failing that an integer that fits `i64`.
    fn number(&mut self) -> Read<f32> {
        let start = self.p;
        let negative = match self.peek() {
            Some(b'+') => {
                self.p += 1;
                false
            }
            Some(b'-') => {
                self.p += 1;
                true
            }
            _ => false,
        };
        let after_sign = self.p;
        let int_digits = self.digits();
        let int_end = self.p;
        let real = if self.peek() == Some(b'.') {
            self.p += 1;
            int_digits > 0 || self.digits() > 0
        } else {
            false
        };
        if real {
            self.digits();
            let fraction = self.p;
            while self.peek().is_some_and(|c| c == b'-' || c.is_ascii_digit()) {
                self.p += 1;
            }
            let text = &self.d[start..self.p];
            let parsed = if self.d[fraction..self.p].contains(&b'-') {
                let mut s = vec![text[0]];
                s.extend(text[1..].iter().filter(|&&c| c != b'-'));
                std::str::from_utf8(&s)
                    .ok()
                    .and_then(|s| s.parse::<f32>().ok())
            } else {
                std::str::from_utf8(text)
                    .ok()
                    .and_then(|s| s.parse::<f32>().ok())
            };
            if let Some(v) = parsed {
                return Ok(v);
            }
        }
        // An integer.
        if int_digits == 0 {
            return Err(Stop);
        }
        self.p = int_end;
        let magnitude = self.d[after_sign..int_end].iter().try_fold(0u64, |v, &c| {
            v.checked_mul(10)?.checked_add(u64::from(c - b'0'))
        });
        let value = magnitude.and_then(|m| {
            if negative {
                0i64.checked_sub_unsigned(m)
            } else {
                i64::try_from(m).ok()
            }
        });
        value.map(|v| v as f32).ok_or(Stop)
    }

    /// A name after its `/`, with `#xx` escapes decoded; a `#` without two hex digits ends it.
    fn name(&mut self) -> Operand {
        self.p += 1;
        let start = self.bytes.len() as u32;
        loop {
            let run = self.d[self.p..]
                .iter()
                .position(|&c| c == b'#' || !is_regular(c))
                .unwrap_or(self.d.len() - self.p);
            self.bytes.extend_from_slice(&self.d[self.p..self.p + run]);
            self.p += run;
            if self.peek() == Some(b'#')
                && let (Some(h), Some(l)) = (
                    self.d.get(self.p + 1).copied().and_then(hex),
                    self.d.get(self.p + 2).copied().and_then(hex),
                )
            {
                self.bytes.push((h << 4) | l);
                self.p += 3;
            } else {
                return Operand::Name(start, self.bytes.len() as u32);
            }
        }
    }

    /// A literal string, its escapes and line ends decoded.
    fn literal(&mut self) -> Read<Operand> {
        self.p += 1;
        let start = self.bytes.len() as u32;
        self.literal_inner(MAX_BRACKET)?;
        if self.peek() != Some(b')') {
            return Err(Stop);
        }
        self.p += 1;
        Ok(Operand::Str(start, self.bytes.len() as u32))
    }

    /// The inside of a literal string up to (not over) its closing parenthesis.
    fn literal_inner(&mut self, depth: usize) -> Read<()> {
        loop {
            let Some(c) = self.peek() else {
                return Ok(());
            };
            match c {
                b')' => return Ok(()),
                b'(' => {
                    if depth == 0 {
                        return Ok(());
                    }
                    self.p += 1;
                    self.bytes.push(b'(');
                    self.literal_inner(depth - 1)?;
                    if self.peek() != Some(b')') {
                        return Err(Stop);
                    }
                    self.p += 1;
                    self.bytes.push(b')');
                }
                b'\\' => {
                    let Some(e) = self.d.get(self.p + 1).copied() else {
                        return Ok(()); // a lone backslash at the end: the string is not closed
                    };
                    self.p += 2;
                    match e {
                        b'0'..=b'7' => {
                            let mut v = u16::from(e - b'0');
                            for _ in 0..2 {
                                match self.peek() {
                                    Some(o @ b'0'..=b'7') => {
                                        v = v * 8 + u16::from(o - b'0');
                                        self.p += 1;
                                    }
                                    _ => break,
                                }
                            }
                            self.bytes.push(v as u8);
                        }
                        b'\r' => {
                            if self.peek() == Some(b'\n') {
                                self.p += 1;
                            }
                        }
                        b'\n' => {}
                        b'n' => self.bytes.push(b'\n'),
                        b'r' => self.bytes.push(b'\r'),
                        b't' => self.bytes.push(b'\t'),
                        b'b' => self.bytes.push(b'\x08'),
                        b'f' => self.bytes.push(b'\x0C'),
                        other => self.bytes.push(other),
                    }
                }
                b'\r' => {
                    self.p += 1;
                    if self.peek() == Some(b'\n') {
                        self.p += 1;
                    }
                    self.bytes.push(b'\n');
                }
                b'\n' => {
                    self.p += 1;
                    self.bytes.push(b'\n');
                }
                _ => {
                    let run = self.d[self.p..]
                        .iter()
                        .position(|c| matches!(c, b'(' | b')' | b'\\' | b'\r' | b'\n'))
                        .unwrap_or(self.d.len() - self.p);
                    self.bytes.extend_from_slice(&self.d[self.p..self.p + run]);
                    self.p += run;
                }
            }
        }
    }

    /// After `<`: a hexadecimal string, or failing that a dictionary.
    fn angle(&mut self, depth: usize) -> Read<Operand> {
        let start = self.p;
        let bstart = self.bytes.len();
        self.p += 1;
        let mut high = true;
        loop {
            let save = self.p;
            self.white();
            match self.peek().and_then(hex) {
                Some(v) => {
                    if high {
                        self.bytes.push(v << 4);
                    } else if let Some(last) = self.bytes.last_mut() {
                        *last |= v;
                    }
                    high = !high;
                    self.p += 1;
                }
                None => {
                    self.p = save;
                    break;
                }
            }
        }
        self.white();
        if self.peek() == Some(b'>') {
            self.p += 1;
            return Ok(Operand::Str(bstart as u32, self.bytes.len() as u32));
        }
        self.p = start;
        self.bytes.truncate(bstart);
        self.dictionary(depth)
    }

    /// `<< /Key value ... >>`, read and dropped.
    fn dictionary(&mut self, depth: usize) -> Read<Operand> {
        if !self.at(b"<<") {
            return Err(Stop);
        }
        self.p += 2;
        self.space();
        while self.peek() == Some(b'/') {
            self.name();
            self.space();
            self.element(depth)?;
        }
        if !self.at(b">>") {
            return Err(Stop);
        }
        self.p += 2;
        Ok(Operand::Other)
    }

    /// `[ ... ]`; its elements kept in the item buffer when `top`.
    fn array(&mut self, depth: usize, top: bool) -> Read<Operand> {
        self.p += 1;
        self.space();
        let start = self.items.len() as u32;
        loop {
            if depth == 0 {
                return Err(Stop); // lopdf fails before it looks for the closing bracket
            }
            if self.peek() == Some(b']') {
                break;
            }
            let item = self.element(depth)?;
            if top {
                self.items.push(item);
            }
        }
        self.p += 1;
        Ok(if top {
            Operand::Array(start, self.items.len() as u32)
        } else {
            Operand::Other
        })
    }

    /// One object inside an array or dictionary, and the space after it (lopdf's
    /// `_direct_object`: references are read here, and nesting costs one level of `depth`).
    fn element(&mut self, depth: usize) -> Read<Operand> {
        if depth == 0 {
            return Err(Stop);
        }
        let depth = depth - 1;
        let v = match self.peek().ok_or(Stop)? {
            b'n' if self.at(b"null") => self.keyword(4),
            b't' if self.at(b"true") => self.keyword(4),
            b'f' if self.at(b"false") => self.keyword(5),
            b'0'..=b'9' => {
                if self.reference() {
                    Operand::Other
                } else {
                    Operand::Number(self.number()?)
                }
            }
            b'+' | b'-' | b'.' => Operand::Number(self.number()?),
            b'/' => {
                self.name();
                Operand::Other
            }
            b'(' => self.literal()?,
            b'<' => self.angle(depth)?,
            b'[' => self.array(depth, false)?,
            _ => return Err(Stop),
        };
        self.space();
        Ok(v)
    }

    /// `id gen R` (id within `u32`, generation within `u16`), read if it is here.
    fn reference(&mut self) -> bool {
        let start = self.p;
        let uint = |t: &mut Self, max: u64| -> bool {
            let s = t.p;
            let n = t.digits();
            n > 0
                && t.d[s..t.p]
                    .iter()
                    .try_fold(0u64, |v, &c| {
                        v.checked_mul(10)?.checked_add(u64::from(c - b'0'))
                    })
                    .is_some_and(|v| v <= max)
        };
        let ok = uint(self, u64::from(u32::MAX))
            && {
                self.space();
                uint(self, u64::from(u16::MAX))
            }
            && {
                self.space();
                self.peek() == Some(b'R')
            };
        if ok {
            self.p += 1;
        } else {
            self.p = start;
        }
        ok
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::{Path, PathBuf};

    /// Every operation of `ops`, written out with the operands' exact values.
    fn written(mut ops: Ops<'_>) -> Vec<String> {
        let mut out = Vec::new();
        while let Some(op) = ops.next() {
            let value = |o: &Operand| match *o {
                Operand::Number(v) => format!("n{:x}", v.to_bits()),
                Operand::Name(s, e) => format!("/{:?}", &op.bytes[s as usize..e as usize]),
                Operand::Str(s, e) => format!("s{:?}", &op.bytes[s as usize..e as usize]),
                Operand::Array(..) => "array".into(),
                Operand::Other => "other".into(),
            };
            let mut line = String::from_utf8_lossy(op.operator).into_owned();
            for o in op.operands {
                line.push(' ');
                line.push_str(&value(o));
                if let Operand::Array(s, e) = *o {
                    let items: Vec<String> =
                        op.items[s as usize..e as usize].iter().map(value).collect();
                    line.push_str(&format!("[{}]", items.join(",")));
                }
            }
            out.push(line);
        }
        out
    }

    /// The operations lopdf reads from `data`, lent through the same buffers.
    fn lopdf(data: &[u8]) -> Ops<'_> {
        let mut ops = Ops::new(b"");
        ops.reader = Reader::Lopdf(Box::new(Content::decode_iter(data)));
        ops
    }

    /// The operations read here, even where the stream has `BI` in it (which [`Ops::new`] leaves
    /// to lopdf).
    fn own(data: &[u8]) -> Ops<'_> {
        let mut ops = Ops::new(b"");
        ops.reader = Reader::own(data);
        ops
    }

    fn same(data: &[u8]) {
        assert_eq!(
            written(own(data)),
            written(lopdf(data)),
            "stream: {:?}",
            String::from_utf8_lossy(data)
        );
    }

    #[test]
    fn reads_what_lopdf_reads() {
        let streams: &[&[u8]] = &[
            b"",
            b"   ",
            b"q 1 0 0 1 72 720 cm BT /F1 12 Tf [(A) -120 (B)] TJ ET Q",
            b"BT /F1 12 Tf 0 0 Td (Hello \\(world\\)) Tj T* (line)' 1 2 (x)\" ET",
            b"  % leading comment\n0 0 m 10 10 l S\n% trailing comment\n",
            b"% comment at the end without a line end",
            b"1 0 % a comment between operands ends the stream\n0 1 cm",
            b"BT (text) Tj ET\n) unparsable trailing input is ignored",
            b"(nest (ed (deep)) \\053\\53\\0053 \\777 \\n\\r\\t\\b\\f\\\\ \\q \\\r\n \\\n x\r\ny\rz) Tj",
            b"(unclosed Tj",
            b"(lone backslash\\",
            b"<48 65 6c6C 6> Tj <> Tj < 4 > Tj <zz> Tj",
            b"<< /Key (v) /N 1 /A [1 2] /D << /E true >> >> BDC (x) Tj EMC",
            b"/Span << /ActualText <FEFF0041> >> BDC EMC",
            b"<< /Key >> BDC",
            b"[(a) 1 0 R (b) 2 0 obj] TJ",
            b"[(a) 1 %c\n 0 R (b) 4294967296 0 R (c) 1 65536 R] TJ",
            b"[(a)/N true false null [1 (n) [2]] <41> << /K 1 >> -3.5 .5 +2] TJ",
            b"0.00-4142502 -1.5-5 1.- 5. .5 -.5 +.5 +3 -0 d0",
            b"-. x",
            b". x",
            b"+ x",
            b"99999999999999999999 Tz",
            b"-9223372036854775808 9223372036854775807 9223372036854775808 Tz",
            b"1e5 Tz",
            b"3.4e38 1.0e39 Tz",
            b"100000000000000000000000000000000000000000.0 Tz",
            b"nullx truey falsez n f f* true",
            b"/a#41b /c#4 Tf",
            b"/a#41b /c#zz Tf",
            b"/ Tf /#41 Do",
            b"12Tf 3Td(x)Tj[(y)]TJ",
            b"T* ' \" d1 Tj\x00\x0c ET",
            b"{ } Tj",
            b"] Tj",
            b"> Tj",
            b"1 2 3",
            b"\r\n\t BT\r\nET\r",
        ];
        for s in streams {
            same(s);
        }
        // Nesting at, below and over lopdf's limits.
        for n in [1usize, 98, 99, 100, 101, 102] {
            let arrays = format!("{}{} TJ (after) Tj", "[".repeat(n), "]".repeat(n));
            same(arrays.as_bytes());
            let strings = format!("{}x{} Tj (after) Tj", "(".repeat(n), ")".repeat(n));
            same(strings.as_bytes());
            let dicts = format!("{}{} BDC (after) Tj", "<< /A ".repeat(n), ">>".repeat(n));
            same(dicts.as_bytes());
            let mixed = format!("{}{} BDC", "<< /A [".repeat(n), "] >>".repeat(n));
            same(mixed.as_bytes());
        }
    }

    #[test]
    fn reads_random_streams_as_lopdf_does() {
        let pieces: &[&str] = &[
            "BT",
            "ET",
            "/F1",
            "/F#31",
            "/a#4",
            "12",
            "-3",
            "0.5",
            "-.25",
            "1.-2",
            ".",
            "-",
            "+",
            "Tf",
            "Tj",
            "TJ",
            "'",
            "\"",
            "T*",
            "Td",
            "cm",
            "Do",
            "(a)",
            "(a\\)b)",
            "(n(e)st)",
            "(\\053\\n)",
            "(",
            ")",
            "\\",
            "<48>",
            "<4 8 6>",
            "<",
            ">",
            "<<",
            ">>",
            "/K",
            "[",
            "]",
            "1 0 R",
            "R",
            "null",
            "true",
            "false",
            "nul",
            "tru",
            "%c\n",
            "%",
            "\r\n",
            "\r",
            "{",
            "}",
            "d0",
            "#",
            "1e5",
            "99999999999999999999",
            "\x00",
            "\x0c",
            "q",
            "Q",
        ];
        let seps: &[&str] = &[" ", "", "\n", " %x\n", "\t"];
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        for _ in 0..5000 {
            let mut s = String::new();
            for _ in 0..1 + next(40) {
                s.push_str(pieces[next(pieces.len())]);
                s.push_str(seps[next(seps.len())]);
            }
            same(s.as_bytes());
        }
    }

    /// The PDFs under `dir`.
    fn pdfs(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in walkdir::WalkDir::new(dir).into_iter().flatten() {
            if e.path().extension().is_some_and(|x| x == "pdf") {
                out.push(e.into_path());
            }
        }
    }

    /// Every stream of every PDF in the repository's fixtures and the shared corpus (content
    /// streams, and fonts, images and the rest as streams of arbitrary bytes), read both ways.
    #[test]
    fn reads_every_stream_of_real_files_as_lopdf_does() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let corpus = std::env::var_os("AIASSURE_CORPUS")
            .map(PathBuf::from)
            .unwrap_or_else(|| root.join("../shared/corpus"));
        let ci = std::env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true"));
        assert!(
            corpus.is_dir() || !ci,
            "the shared corpus is not at {} (under CI a missing corpus is a failure)",
            corpus.display()
        );
        let mut files = Vec::new();
        pdfs(&root.join("fixtures"), &mut files);
        pdfs(&corpus, &mut files);
        let mut streams = 0;
        for path in &files {
            let Ok(doc) = lopdf::Document::load(path) else {
                continue;
            };
            for object in doc.objects.values() {
                let Ok(stream) = object.as_stream() else {
                    continue;
                };
                let data = stream
                    .decompressed_content_with_limit(8 << 20)
                    .unwrap_or_else(|_| stream.content.clone());
                assert_eq!(
                    written(Ops::new(&data)),
                    written(lopdf(&data)),
                    "a stream of {}",
                    path.display()
                );
                streams += 1;
            }
        }
        assert!(
            files.len() > 50 && streams > 1000,
            "{} files, {streams} streams",
            files.len()
        );
    }
}
