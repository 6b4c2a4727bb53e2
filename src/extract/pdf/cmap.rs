//! CMaps: the code-space ranges that say how many bytes make one character code, and the
//! ToUnicode maps from character codes to text.
//!
//! A small tokenizer of our own reads `begincodespacerange`, `beginbfchar` and `beginbfrange`
//! sections; everything else in the CMap program is skipped. Destinations are UTF-16BE; a map
//! written byte-swapped (seen in Ghostscript output: "ﬁ" mapped to U+6900) is repaired when the
//! rest of the map is clearly Latin text.

/// Most mappings read from one CMap; the rest of a larger map is ignored.
const MAX_ENTRIES: usize = 1 << 20;

/// One code-space range: codes of `len` bytes whose bytes lie between `lo` and `hi`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeRange {
    len: usize,
    lo: [u8; 4],
    hi: [u8; 4],
}

/// A range mapping of a ToUnicode CMap.
#[derive(Debug, Clone)]
struct RangeMap {
    lo: u32,
    hi: u32,
    /// Text of the first code; later codes increment the last UTF-16 unit.
    base: Vec<u16>,
    /// Explicit destinations, one per code, when the CMap gives an array.
    list: Vec<String>,
}

/// A parsed ToUnicode CMap.
#[derive(Debug, Clone, Default)]
pub struct ToUnicode {
    chars: foldhash::HashMap<(u8, u32), String>,
    ranges: Vec<RangeMap>,
    /// When no two ranges overlap, their indices ordered by first code, for a binary search
    /// (fonts with hundreds of ranges are common; a scan of them per glyph was a tenth of PDF
    /// reading); empty otherwise, and the ranges are scanned, the last matching one winning. Each
    /// is kept with its first code, so the search reads one array (not the ranges themselves,
    /// whose loads missed the cache and were most of the cost of a glyph).
    disjoint: Vec<(u32, u32)>,
}

impl ToUnicode {
    /// Appends the text for `code`, read as `len` bytes, to `out` when the map has real text for
    /// it (not empty, no U+FFFD); returns whether it did. Runs once per glyph, so it allocates
    /// nothing: a `String` per glyph was the largest cost of PDF reading in profiles.
    pub fn push(&self, code: u32, len: usize, out: &mut String) -> bool {
        let start = out.len();
        let key = (u8::try_from(len).unwrap_or(4), code);
        if let Some(s) = self.chars.get(&key) {
            out.push_str(s);
        } else if let Some(r) = self.range_for(code) {
            let offset = code - r.lo;
            if let [base] = r.base[..]
                && r.list.is_empty()
            {
                // (One UTF-16 unit, as most ranges map: its character, without decoding.)
                let unit = base.wrapping_add(offset as u16);
                return match char::from_u32(u32::from(unit)) {
                    Some(c) if c != char::REPLACEMENT_CHARACTER => {
                        out.push(c);
                        true
                    }
                    _ => false, // a lone surrogate decodes to U+FFFD
                };
            } else if r.list.is_empty() {
                // Later codes increment the last UTF-16 unit of the first code's text.
                let last = r.base.len().saturating_sub(1);
                let units = r.base.iter().enumerate().map(|(i, &u)| {
                    if i == last {
                        u.wrapping_add(offset as u16)
                    } else {
                        u
                    }
                });
                out.extend(
                    char::decode_utf16(units).map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER)),
                );
            } else if let Some(s) = r.list.get(offset as usize) {
                out.push_str(s);
            }
        }
        // (U+FFFD is written EF BF BD: a byte test first, as almost no text has it.)
        let added = &out[start..];
        if !added.is_empty()
            && (!added.as_bytes().contains(&0xEF) || !added.contains(char::REPLACEMENT_CHARACTER))
        {
            true
        } else {
            out.truncate(start);
            false
        }
    }

    /// The range mapping `code`: the last one defined that covers it, as later definitions
    /// override.
    fn range_for(&self, code: u32) -> Option<&RangeMap> {
        if self.disjoint.is_empty() {
            return self.ranges_scanned(code);
        }
        let at = self.disjoint.partition_point(|&(lo, _)| lo <= code);
        let r = &self.ranges[self.disjoint[at.checked_sub(1)?].1 as usize];
        (code <= r.hi).then_some(r)
    }

    /// [`ToUnicode::range_for`] by a scan of every range.
    fn ranges_scanned(&self, code: u32) -> Option<&RangeMap> {
        self.ranges
            .iter()
            .rev()
            .find(|r| r.lo <= code && code <= r.hi)
    }

    /// Orders the ranges for [`ToUnicode::range_for`] when no two overlap.
    fn index_ranges(&mut self) {
        let mut order: Vec<u32> = (0..self.ranges.len() as u32).collect();
        order.sort_by_key(|&k| self.ranges[k as usize].lo);
        let overlap = order
            .windows(2)
            .any(|w| self.ranges[w[1] as usize].lo <= self.ranges[w[0] as usize].hi);
        self.disjoint = if overlap {
            Vec::new()
        } else {
            order
                .into_iter()
                .map(|k| (self.ranges[k as usize].lo, k))
                .collect()
        };
    }

    /// Whether the map has any entry at all.
    pub fn is_empty(&self) -> bool {
        self.chars.is_empty() && self.ranges.is_empty()
    }
}

/// Reads the code-space ranges of a CMap (an encoding CMap or a ToUnicode CMap).
pub fn parse_codespace(data: &[u8]) -> Vec<CodeRange> {
    let tokens = tokenize(data);
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if matches!(&tokens[i], Tok::Word(w) if w == b"begincodespacerange") {
            i += 1;
            while i + 1 < tokens.len() {
                match (&tokens[i], &tokens[i + 1]) {
                    (Tok::Hex(lo), Tok::Hex(hi))
                        if !lo.is_empty() && lo.len() == hi.len() && lo.len() <= 4 =>
                    {
                        let mut r = CodeRange {
                            len: lo.len(),
                            lo: [0; 4],
                            hi: [0; 4],
                        };
                        r.lo[..lo.len()].copy_from_slice(lo);
                        r.hi[..hi.len()].copy_from_slice(hi);
                        out.push(r);
                        i += 2;
                    }
                    _ => break,
                }
            }
        }
        i += 1;
    }
    out
}

/// Splits the next character code off `bytes` following the code-space ranges: returns the code
/// and its length in bytes (at least 1 when `bytes` is not empty).
pub fn next_code(ranges: &[CodeRange], bytes: &[u8]) -> (u32, usize) {
    for len in 1..=4usize {
        let Some(head) = bytes.get(..len) else { break };
        let fits = ranges.iter().any(|r| {
            r.len == len
                && head
                    .iter()
                    .zip(r.lo.iter().zip(r.hi.iter()))
                    .all(|(b, (lo, hi))| lo <= b && b <= hi)
        });
        if fits {
            return (be(head), len);
        }
    }
    // No range fits: take the shortest declared length (or one byte).
    let len = ranges
        .iter()
        .map(|r| r.len)
        .min()
        .unwrap_or(1)
        .min(bytes.len())
        .max(1);
    (be(bytes.get(..len).unwrap_or(bytes)), len.min(bytes.len()))
}

/// Big-endian value of up to four bytes.
fn be(bytes: &[u8]) -> u32 {
    bytes
        .iter()
        .take(4)
        .fold(0u32, |acc, b| (acc << 8) | u32::from(*b))
}

/// Parses a ToUnicode CMap program.
pub fn parse_to_unicode(data: &[u8]) -> ToUnicode {
    let tokens = tokenize(data);
    let mut map = ToUnicode::default();
    let mut entries = 0usize;
    let mut i = 0;
    while i < tokens.len() && entries < MAX_ENTRIES {
        match &tokens[i] {
            Tok::Word(w) if w == b"beginbfchar" => {
                i += 1;
                while let (Some(Tok::Hex(src)), Some(dst)) = (tokens.get(i), tokens.get(i + 1)) {
                    let text = match dst {
                        Tok::Hex(d) => Some(utf16_bytes(d)),
                        Tok::Name(n) => crate::extract::pdf::glyphs::glyph_text(n),
                        _ => None,
                    };
                    if let (Some(text), true) = (text, (1..=4).contains(&src.len())) {
                        map.chars.insert((src.len() as u8, be(src)), text);
                        entries += 1;
                    }
                    i += 2;
                }
            }
            Tok::Word(w) if w == b"beginbfrange" => {
                i += 1;
                while let (Some(Tok::Hex(lo)), Some(Tok::Hex(hi)), Some(dst)) =
                    (tokens.get(i), tokens.get(i + 1), tokens.get(i + 2))
                {
                    let (lo_v, hi_v) = (be(lo), be(hi));
                    if lo_v <= hi_v && (1..=4).contains(&lo.len()) {
                        match dst {
                            Tok::Hex(d) => map.ranges.push(RangeMap {
                                lo: lo_v,
                                hi: hi_v,
                                base: units(d),
                                list: Vec::new(),
                            }),
                            Tok::Array(items) => map.ranges.push(RangeMap {
                                lo: lo_v,
                                hi: hi_v,
                                base: Vec::new(),
                                list: items.iter().map(|d| utf16_bytes(d)).collect(),
                            }),
                            _ => {}
                        }
                        entries += 1;
                    }
                    i += 3;
                }
            }
            _ => i += 1,
        }
    }
    repair_byte_swapped(&mut map);
    map.index_ranges();
    map
}

/// Repairs a map whose destinations were written as UTF-16LE: when most single-unit
/// destinations are Latin and the rest look like byte-swapped ASCII (U+6600 for "f"), swap those.
fn repair_byte_swapped(map: &mut ToUnicode) {
    let swapped = |c: char| {
        let v = c as u32;
        v & 0xFF == 0 && (0x20..0x7F).contains(&(v >> 8))
    };
    let looks_swapped = |s: &str| !s.is_empty() && s.chars().all(swapped);
    let latin = map
        .chars
        .values()
        .filter(|s| s.chars().all(|c| (c as u32) < 0x250))
        .count()
        + map
            .ranges
            .iter()
            .filter(|r| r.base.first().is_some_and(|u| *u < 0x250))
            .count();
    let suspects = map.chars.values().filter(|s| looks_swapped(s)).count()
        + map
            .ranges
            .iter()
            .filter(|r| {
                !r.base.is_empty()
                    && r.base
                        .iter()
                        .all(|u| u & 0xFF == 0 && (0x20..0x7F).contains(&(u >> 8)))
            })
            .count();
    if suspects == 0 || latin <= suspects {
        return;
    }
    for s in map.chars.values_mut() {
        if looks_swapped(s) {
            *s = s
                .chars()
                .filter_map(|c| char::from_u32((c as u32) >> 8))
                .collect();
        }
    }
    for r in &mut map.ranges {
        if !r.base.is_empty()
            && r.base
                .iter()
                .all(|u| u & 0xFF == 0 && (0x20..0x7F).contains(&(u >> 8)))
        {
            for u in &mut r.base {
                *u >>= 8;
            }
        }
    }
}

/// UTF-16BE code units of a byte string (an odd last byte is dropped).
fn units(bytes: &[u8]) -> Vec<u16> {
    bytes
        .chunks_exact(2)
        .map(|p| u16::from_be_bytes([p[0], p[1]]))
        .collect()
}

/// Text of UTF-16BE bytes; a single byte is read as a code point.
fn utf16_bytes(bytes: &[u8]) -> String {
    if bytes.len() == 1 {
        return char::from(bytes[0]).to_string();
    }
    decode_utf16(&units(bytes))
}

/// Text of UTF-16 code units, replacing unpaired surrogates.
fn decode_utf16(units: &[u16]) -> String {
    char::decode_utf16(units.iter().copied())
        .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
}

/// A token of a CMap program.
#[derive(Debug)]
enum Tok {
    Hex(Vec<u8>),
    Name(Vec<u8>),
    Word(Vec<u8>),
    Array(Vec<Vec<u8>>),
    Other,
}

/// Splits a CMap program into the tokens the mapping sections need.
fn tokenize(data: &[u8]) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut i = 0;
    let mut array: Option<Vec<Vec<u8>>> = None;
    while let Some(&c) = data.get(i) {
        match c {
            b'%' => {
                while data.get(i).is_some_and(|b| *b != b'\n' && *b != b'\r') {
                    i += 1;
                }
            }
            b'<' if data.get(i + 1) == Some(&b'<') => {
                i += 2;
                out.push(Tok::Other);
            }
            b'>' if data.get(i + 1) == Some(&b'>') => {
                i += 2;
                out.push(Tok::Other);
            }
            b'<' => {
                let start = i + 1;
                let end = data[start..]
                    .iter()
                    .position(|b| *b == b'>')
                    .map_or(data.len(), |p| start + p);
                let hex = hex_bytes(&data[start..end]);
                i = end + 1;
                match array.as_mut() {
                    Some(a) => a.push(hex),
                    None => out.push(Tok::Hex(hex)),
                }
            }
            b'[' => {
                array = Some(Vec::new());
                i += 1;
            }
            b']' => {
                out.push(Tok::Array(array.take().unwrap_or_default()));
                i += 1;
            }
            b'(' => {
                // Literal strings appear only in the header (registry names); skip them.
                let mut depth = 0usize;
                while let Some(&b) = data.get(i) {
                    i += 1;
                    match b {
                        b'\\' => i += 1,
                        b'(' => depth += 1,
                        b')' => {
                            depth = depth.saturating_sub(1);
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                out.push(Tok::Other);
            }
            b'/' => {
                let start = i + 1;
                i = start;
                while data.get(i).is_some_and(|b| is_regular(*b)) {
                    i += 1;
                }
                out.push(Tok::Name(data[start..i].to_vec()));
            }
            _ if c.is_ascii_whitespace() || c == 0 => i += 1,
            _ => {
                let start = i;
                while data.get(i).is_some_and(|b| is_regular(*b)) {
                    i += 1;
                }
                if i == start {
                    i += 1;
                    out.push(Tok::Other);
                } else {
                    out.push(Tok::Word(data[start..i].to_vec()));
                }
            }
        }
    }
    out
}

/// A byte that continues a name or keyword.
fn is_regular(b: u8) -> bool {
    !b.is_ascii_whitespace() && b != 0 && !b"()<>[]{}/%".contains(&b)
}

/// Bytes of a hex string body (whitespace ignored, odd final digit padded with 0).
fn hex_bytes(s: &[u8]) -> Vec<u8> {
    let digits: Vec<u8> = s
        .iter()
        .filter_map(|c| (*c as char).to_digit(16).map(|d| d as u8))
        .collect();
    digits
        .chunks(2)
        .map(|p| (p[0] << 4) | p.get(1).copied().unwrap_or(0))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const CMAP: &[u8] = b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap
/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def
/CMapName /Adobe-Identity-UCS def
1 begincodespacerange <0000> <FFFF> endcodespacerange
3 beginbfchar <0003> <0020> <0011> <FB01> <0012> <00660066006C> endbfchar
2 beginbfrange <0024> <0026> <0041> <0030> <0031> [<0061> <00E9>] endbfrange
endcmap CMapName currentdict /CMap defineresource pop end end";

    /// Ranges are found by a binary search when none overlap (given in any order) and by a scan
    /// when some do, where the last definition wins; both find what a scan finds.
    #[test]
    fn ranges_are_searched_as_they_are_scanned() {
        let program = |ranges: &str| {
            format!(
                "1 begincodespacerange <0000> <FFFF> endcodespacerange 9 beginbfrange {ranges} endbfrange"
            )
        };
        let disjoint = parse_to_unicode(
            program("<0050> <005F> <0061> <0010> <0012> <0041> <0030> <0031> [<0078> <0079>] <0020> <0020> <0030>").as_bytes(),
        );
        assert_eq!(disjoint.disjoint.len(), 4, "no two ranges overlap");
        let overlapping = parse_to_unicode(
            program("<0010> <0020> <0041> <0015> <0016> <0061> <0030> <0031> <0078>").as_bytes(),
        );
        assert!(overlapping.disjoint.is_empty());
        for m in [&disjoint, &overlapping] {
            for code in 0..0x70 {
                let found = m.range_for(code).map(|r| (r.lo, r.hi));
                assert_eq!(
                    found,
                    m.ranges_scanned(code).map(|r| (r.lo, r.hi)),
                    "code {code:#x}"
                );
            }
        }
        assert_eq!(text(&disjoint, 0x11, 2).as_deref(), Some("B"));
        assert_eq!(text(&disjoint, 0x31, 2).as_deref(), Some("y"));
        assert_eq!(text(&disjoint, 0x5F, 2).as_deref(), Some("p"));
        assert_eq!(text(&disjoint, 0x13, 2), None);
        // The later definition of 0x15-0x16 overrides the earlier range.
        assert_eq!(text(&overlapping, 0x15, 2).as_deref(), Some("a"));
        assert_eq!(text(&overlapping, 0x17, 2).as_deref(), Some("H"));
    }

    /// The text `push` appends for a code, if any.
    fn text(m: &ToUnicode, code: u32, len: usize) -> Option<String> {
        let mut out = String::new();
        m.push(code, len, &mut out).then_some(out)
    }

    #[test]
    fn reads_bfchar_and_bfrange() {
        let m = parse_to_unicode(CMAP);
        assert_eq!(text(&m, 3, 2).as_deref(), Some(" "));
        assert_eq!(text(&m, 0x11, 2).as_deref(), Some("\u{FB01}"));
        assert_eq!(text(&m, 0x12, 2).as_deref(), Some("ffl"));
        assert_eq!(text(&m, 0x24, 2).as_deref(), Some("A"));
        assert_eq!(text(&m, 0x26, 2).as_deref(), Some("C"));
        assert_eq!(text(&m, 0x31, 2).as_deref(), Some("é"));
        assert_eq!(text(&m, 0x27, 2), None);
        let space = parse_codespace(CMAP);
        assert_eq!(space.len(), 1);
        assert_eq!(next_code(&space, &[0, 0x24, 1]), (0x24, 2));
    }

    #[test]
    fn range_codes_give_their_character_unless_it_is_no_text() {
        // One unit that runs into the surrogates, one that reaches U+FFFD, and a pair that
        // increments its last unit.
        let m = parse_to_unicode(
            b"3 beginbfrange <01> <04> <D7FE> <10> <12> <FFFC> <20> <21> <D835DC00> endbfrange",
        );
        assert_eq!(text(&m, 1, 1).as_deref(), Some("\u{D7FE}"));
        assert_eq!(text(&m, 2, 1).as_deref(), Some("\u{D7FF}"));
        assert_eq!(text(&m, 3, 1), None); // a lone surrogate
        assert_eq!(text(&m, 0x10, 1).as_deref(), Some("\u{FFFC}"));
        assert_eq!(text(&m, 0x11, 1), None); // U+FFFD itself
        assert_eq!(text(&m, 0x12, 1).as_deref(), Some("\u{FFFE}"));
        assert_eq!(text(&m, 0x20, 1).as_deref(), Some("\u{1D400}"));
        assert_eq!(text(&m, 0x21, 1).as_deref(), Some("\u{1D401}"));
    }

    #[test]
    fn repairs_byte_swapped_destinations() {
        let m = parse_to_unicode(
            b"2 beginbfchar <01> <6600> <02> <6900> endbfchar 1 beginbfrange <03> <20> <0061> endbfrange
              3 beginbfchar <21> <0062> <22> <0063> <23> <0064> endbfchar",
        );
        assert_eq!(text(&m, 1, 1).as_deref(), Some("f"));
        assert_eq!(text(&m, 2, 1).as_deref(), Some("i"));
        assert_eq!(text(&m, 4, 1).as_deref(), Some("b"));
    }

    #[test]
    fn survives_garbage() {
        let m = parse_to_unicode(b"beginbfchar <zz> [ <01 endbfrange ( ((");
        assert!(m.is_empty());
        assert_eq!(next_code(&[], &[]), (0, 0));
        assert_eq!(next_code(&[], &[7, 8]), (7, 1));
    }
}
