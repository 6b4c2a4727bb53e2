//! Glyph names, the standard single-byte encodings and the widths of the standard-14 fonts.
//!
//! Fonts without a ToUnicode map say what each code draws through an encoding (WinAnsi,
//! MacRoman, Standard) patched by `/Differences` glyph names. The name table covers ASCII, the
//! Latin-1 letters, punctuation used in contracts and the ligatures; `uniXXXX`, `uXXXX`, `f_i`
//! and suffixed names (`a.sc`) are decoded by rule.

/// The text a glyph name stands for, if known.
pub fn glyph_text(name: &[u8]) -> Option<String> {
    let name = std::str::from_utf8(name).ok()?;
    // "a.sc", "one.oldstyle": the part before the dot names the character.
    let base = name.split('.').next().unwrap_or(name);
    if base.is_empty() {
        return None;
    }
    if base.contains('_') {
        let parts: Option<String> = base.split('_').map(|p| glyph_text(p.as_bytes())).collect();
        return parts;
    }
    if let Some(c) = named(base) {
        return Some(c.to_string());
    }
    if let Some(hex) = base.strip_prefix("uni")
        && hex.len() >= 4
        && hex.len() % 4 == 0
        && hex.bytes().all(|b| b.is_ascii_hexdigit())
    {
        let units: Vec<u16> = hex
            .as_bytes()
            .chunks(4)
            .filter_map(|c| u16::from_str_radix(std::str::from_utf8(c).ok()?, 16).ok())
            .collect();
        return Some(char::decode_utf16(units).filter_map(Result::ok).collect());
    }
    if let Some(hex) = base.strip_prefix('u')
        && (4..=6).contains(&hex.len())
        && hex.bytes().all(|b| b.is_ascii_hexdigit())
    {
        return u32::from_str_radix(hex, 16)
            .ok()
            .and_then(char::from_u32)
            .map(String::from);
    }
    if base.len() == 1 && base.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Some(base.to_string());
    }
    None
}

/// Named glyphs of the Adobe Glyph List that contracts use.
fn named(name: &str) -> Option<char> {
    let c = match name {
        "space" | "nbspace" | "nonbreakingspace" => ' ',
        "exclam" => '!',
        "quotedbl" => '"',
        "numbersign" => '#',
        "dollar" => '$',
        "percent" => '%',
        "ampersand" => '&',
        "quotesingle" => '\'',
        "parenleft" => '(',
        "parenright" => ')',
        "asterisk" => '*',
        "plus" => '+',
        "comma" => ',',
        "hyphen" | "minus" => '-',
        "period" => '.',
        "slash" | "fraction" => '/',
        "zero" => '0',
        "one" => '1',
        "two" => '2',
        "three" => '3',
        "four" => '4',
        "five" => '5',
        "six" => '6',
        "seven" => '7',
        "eight" => '8',
        "nine" => '9',
        "colon" => ':',
        "semicolon" => ';',
        "less" => '<',
        "equal" => '=',
        "greater" => '>',
        "question" => '?',
        "at" => '@',
        "bracketleft" => '[',
        "backslash" => '\\',
        "bracketright" => ']',
        "asciicircum" => '^',
        "underscore" => '_',
        "grave" => '`',
        "braceleft" => '{',
        "bar" => '|',
        "braceright" => '}',
        "asciitilde" => '~',
        "quoteleft" => '\u{2018}',
        "quoteright" => '\u{2019}',
        "quotedblleft" => '\u{201C}',
        "quotedblright" => '\u{201D}',
        "quotesinglbase" => '\u{201A}',
        "quotedblbase" => '\u{201E}',
        "guillemotleft" => '\u{AB}',
        "guillemotright" => '\u{BB}',
        "guilsinglleft" => '\u{2039}',
        "guilsinglright" => '\u{203A}',
        "endash" => '\u{2013}',
        "emdash" => '\u{2014}',
        "bullet" => '\u{2022}',
        "periodcentered" => '\u{B7}',
        "ellipsis" => '\u{2026}',
        "dagger" => '\u{2020}',
        "daggerdbl" => '\u{2021}',
        "section" => '\u{A7}',
        "paragraph" => '\u{B6}',
        "copyright" => '\u{A9}',
        "registered" => '\u{AE}',
        "trademark" => '\u{2122}',
        "degree" => '\u{B0}',
        "sterling" => '\u{A3}',
        "Euro" | "euro" => '\u{20AC}',
        "yen" => '\u{A5}',
        "cent" => '\u{A2}',
        "currency" => '\u{A4}',
        "florin" => '\u{192}',
        "perthousand" => '\u{2030}',
        "multiply" => '\u{D7}',
        "divide" => '\u{F7}',
        "plusminus" => '\u{B1}',
        "onehalf" => '\u{BD}',
        "onequarter" => '\u{BC}',
        "threequarters" => '\u{BE}',
        "ordfeminine" => '\u{AA}',
        "ordmasculine" => '\u{BA}',
        "exclamdown" => '\u{A1}',
        "questiondown" => '\u{BF}',
        "brokenbar" => '\u{A6}',
        "dieresis" => '\u{A8}',
        "macron" => '\u{AF}',
        "acute" => '\u{B4}',
        "cedilla" => '\u{B8}',
        "circumflex" => '\u{2C6}',
        "tilde" => '\u{2DC}',
        "mu" => '\u{B5}',
        "logicalnot" => '\u{AC}',
        "sfthyphen" | "softhyphen" => '\u{AD}',
        "onesuperior" => '\u{B9}',
        "twosuperior" => '\u{B2}',
        "threesuperior" => '\u{B3}',
        "fi" => '\u{FB01}',
        "fl" => '\u{FB02}',
        "ff" => '\u{FB00}',
        "ffi" => '\u{FB03}',
        "ffl" => '\u{FB04}',
        "dotlessi" => '\u{131}',
        "germandbls" => '\u{DF}',
        "AE" => '\u{C6}',
        "ae" => '\u{E6}',
        "OE" => '\u{152}',
        "oe" => '\u{153}',
        "Oslash" => '\u{D8}',
        "oslash" => '\u{F8}',
        "Lslash" => '\u{141}',
        "lslash" => '\u{142}',
        "Eth" => '\u{D0}',
        "eth" => '\u{F0}',
        "Thorn" => '\u{DE}',
        "thorn" => '\u{FE}',
        "Scaron" => '\u{160}',
        "scaron" => '\u{161}',
        "Zcaron" => '\u{17D}',
        "zcaron" => '\u{17E}',
        "Ydieresis" => '\u{178}',
        "checkmark" => '\u{2713}',
        _ => return accented(name),
    };
    Some(c)
}

/// Latin-1 accented letters named as base letter + accent ("eacute", "Udieresis").
fn accented(name: &str) -> Option<char> {
    const ACCENTS: [(&str, [char; 10]); 5] = [
        ("grave", ['À', 'È', 'Ì', 'Ò', 'Ù', 'à', 'è', 'ì', 'ò', 'ù']),
        ("acute", ['Á', 'É', 'Í', 'Ó', 'Ú', 'á', 'é', 'í', 'ó', 'ú']),
        (
            "circumflex",
            ['Â', 'Ê', 'Î', 'Ô', 'Û', 'â', 'ê', 'î', 'ô', 'û'],
        ),
        (
            "dieresis",
            ['Ä', 'Ë', 'Ï', 'Ö', 'Ü', 'ä', 'ë', 'ï', 'ö', 'ü'],
        ),
        (
            "tilde",
            ['Ã', '\0', '\0', 'Õ', '\0', 'ã', '\0', '\0', 'õ', '\0'],
        ),
    ];
    match name {
        "Ccedilla" => return Some('Ç'),
        "ccedilla" => return Some('ç'),
        "Ntilde" => return Some('Ñ'),
        "ntilde" => return Some('ñ'),
        "Aring" => return Some('Å'),
        "aring" => return Some('å'),
        "Yacute" => return Some('Ý'),
        "yacute" => return Some('ý'),
        "ydieresis" => return Some('ÿ'),
        _ => {}
    }
    let mut chars = name.chars();
    let letter = chars.next()?;
    let accent = chars.as_str();
    let (_, row) = ACCENTS.iter().find(|(a, _)| *a == accent)?;
    let idx = "AEIOUaeiou".find(letter)?;
    row.get(idx).copied().filter(|c| *c != '\0')
}

/// The base encodings a simple font can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BaseEncoding {
    /// Adobe StandardEncoding (the default for Type 1 fonts).
    Standard,
    /// Windows code page 1252.
    WinAnsi,
    /// Mac OS Roman.
    MacRoman,
}

/// The character of `code` in a base encoding (`'\0'` when unassigned).
pub fn base_char(enc: BaseEncoding, code: u8) -> char {
    match enc {
        BaseEncoding::WinAnsi => single_byte(encoding_rs::WINDOWS_1252, code),
        BaseEncoding::MacRoman => single_byte(encoding_rs::MACINTOSH, code),
        BaseEncoding::Standard => standard(code),
    }
}

/// One byte decoded through an `encoding_rs` single-byte encoding.
fn single_byte(enc: &'static encoding_rs::Encoding, code: u8) -> char {
    if code < 0x20 {
        return '\0';
    }
    let bytes = [code];
    let (s, _) = enc.decode_without_bom_handling(&bytes);
    s.chars()
        .next()
        .filter(|c| *c != '\u{FFFD}')
        .unwrap_or('\0')
}

/// Adobe StandardEncoding: ASCII with curly quotes, plus its upper half.
fn standard(code: u8) -> char {
    match code {
        0x27 => '\u{2019}',
        0x60 => '\u{2018}',
        0x20..=0x7E => char::from(code),
        0xA1 => '¡',
        0xA2 => '¢',
        0xA3 => '£',
        0xA4 => '\u{2044}',
        0xA5 => '¥',
        0xA6 => 'ƒ',
        0xA7 => '§',
        0xA8 => '¤',
        0xA9 => '\'',
        0xAA => '\u{201C}',
        0xAB => '«',
        0xAC => '\u{2039}',
        0xAD => '\u{203A}',
        0xAE => '\u{FB01}',
        0xAF => '\u{FB02}',
        0xB1 => '\u{2013}',
        0xB2 => '\u{2020}',
        0xB3 => '\u{2021}',
        0xB4 => '·',
        0xB6 => '¶',
        0xB7 => '\u{2022}',
        0xB8 => '\u{201A}',
        0xB9 => '\u{201E}',
        0xBA => '\u{201D}',
        0xBB => '»',
        0xBC => '\u{2026}',
        0xBD => '\u{2030}',
        0xBF => '¿',
        0xD0 => '\u{2014}',
        0xE1 => 'Æ',
        0xE8 => 'Ł',
        0xE9 => 'Ø',
        0xEA => 'Œ',
        0xF1 => 'æ',
        0xF5 => 'ı',
        0xF8 => 'ł',
        0xF9 => 'ø',
        0xFA => 'œ',
        0xFB => 'ß',
        _ => '\0',
    }
}

/// Advance widths (thousandths of an em) of printable ASCII in Helvetica.
const HELVETICA: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667,
    611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667,
    667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500,
    222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];

/// Advance widths (thousandths of an em) of printable ASCII in Times-Roman.
const TIMES: [u16; 95] = [
    250, 333, 408, 500, 500, 833, 778, 180, 333, 333, 500, 564, 250, 333, 250, 278, 500, 500, 500,
    500, 500, 500, 500, 500, 500, 500, 278, 278, 564, 564, 564, 444, 921, 722, 667, 667, 722, 611,
    556, 722, 722, 333, 389, 722, 611, 889, 722, 722, 556, 722, 667, 556, 611, 722, 722, 944, 722,
    722, 611, 333, 278, 333, 469, 500, 333, 444, 500, 444, 500, 444, 333, 500, 500, 278, 278, 500,
    278, 778, 500, 500, 500, 500, 333, 389, 278, 500, 500, 722, 500, 500, 444, 480, 200, 480, 541,
];

/// The width of `c` in a standard-14 font named `base_font` (thousandths of an em), if the name
/// is one of them; other characters get the font's typical width.
pub fn standard_width(base_font: &[u8], c: char) -> Option<f32> {
    let name = String::from_utf8_lossy(base_font).to_ascii_lowercase();
    // Subset prefixes ("ABCDEF+Helvetica") and style suffixes do not change the family.
    let name = name.rsplit('+').next().unwrap_or(&name);
    let table = if name.starts_with("courier") {
        return Some(600.0);
    } else if name.starts_with("helvetica") || name.starts_with("arial") {
        &HELVETICA
    } else if name.starts_with("times") {
        &TIMES
    } else {
        return None;
    };
    let w = (c as usize)
        .checked_sub(0x20)
        .and_then(|i| table.get(i))
        .copied()
        .unwrap_or(500);
    Some(f32::from(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(glyph_text(b"fi").as_deref(), Some("\u{FB01}"));
        assert_eq!(glyph_text(b"f_f_i").as_deref(), Some("ffi"));
        assert_eq!(glyph_text(b"uni00410042").as_deref(), Some("AB"));
        assert_eq!(glyph_text(b"u1F600").as_deref(), Some("\u{1F600}"));
        assert_eq!(glyph_text(b"a.sc").as_deref(), Some("a"));
        assert_eq!(glyph_text(b"eacute").as_deref(), Some("é"));
        assert_eq!(glyph_text(b"quoteright").as_deref(), Some("\u{2019}"));
        assert_eq!(glyph_text(b"g123"), None);
        assert_eq!(glyph_text(b""), None);
    }

    #[test]
    fn encodings_and_widths() {
        assert_eq!(base_char(BaseEncoding::WinAnsi, 0x93), '\u{201C}');
        assert_eq!(base_char(BaseEncoding::MacRoman, 0xD2), '\u{201C}');
        assert_eq!(base_char(BaseEncoding::Standard, 0xAE), '\u{FB01}');
        assert_eq!(base_char(BaseEncoding::Standard, 0x05), '\0');
        assert_eq!(standard_width(b"ABCDEF+Helvetica-Bold", 'i'), Some(222.0));
        assert_eq!(standard_width(b"Times-Roman", ' '), Some(250.0));
        assert_eq!(standard_width(b"Courier", 'W'), Some(600.0));
        assert_eq!(standard_width(b"Wingdings", 'a'), None);
    }
}
