//! List numbering (`word/numbering.xml`) rendered as the reader sees it: "14.3", "(a)", "ii",
//! "Schedule 2". Abstract definitions hold the levels (`lvlText` such as `%1.%2`, `numFmt`, `start`);
//! numbering instances point at them, with `lvlOverride`/`startOverride` restarts; counters are shared
//! by the instances of one abstract definition that do not restart it, and a level resets the
//! levels below it.

use std::collections::HashMap;

use super::styles::Styles;
use super::xml::{Node, XmlReader, attr, is_on, local};
use crate::extract::{ExtractError, Limits};

/// Word has nine list levels (0-8).
const LEVELS: usize = 9;

/// One level of a list definition.
#[derive(Debug, Clone, Default)]
struct Level {
    start: Option<i64>,
    format: String,
    text: Option<String>,
    legal: bool,
    style: Option<String>,
}

#[derive(Debug, Default)]
struct Abstract {
    levels: [Option<Level>; LEVELS],
    style_link: Option<String>,
}

#[derive(Debug, Default)]
struct Override {
    start: Option<i64>,
    level: Option<Level>,
}

#[derive(Debug, Default)]
struct Num {
    abstract_id: String,
    overrides: HashMap<usize, Override>,
}

/// The list definitions of a document.
#[derive(Debug, Default)]
pub(super) struct Numbering {
    abstracts: HashMap<String, Abstract>,
    nums: HashMap<String, Num>,
}

/// Counters while reading a part, per abstract definition (or per restarted instance).
#[derive(Debug, Default)]
pub(super) struct Counters {
    values: HashMap<String, [Option<i64>; LEVELS]>,
}

/// Where the parser is inside numbering.xml.
enum Target {
    None,
    AbstractLevel(String, usize),
    Abstract(String),
    Num(String),
    NumOverride(String, usize),
    NumLevel(String, usize),
}

fn parse_i64(v: Option<String>) -> Option<i64> {
    v?.trim()
        .parse::<i64>()
        .ok()
        .map(|n| n.clamp(-1_000_000, 1_000_000))
}

fn parse_level(v: Option<String>) -> usize {
    v.and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or(0)
        .min(LEVELS - 1)
}

impl Numbering {
    /// Parses `word/numbering.xml`.
    pub(super) fn parse(
        xml: &[u8],
        part: &str,
        limits: &Limits,
    ) -> Result<Numbering, ExtractError> {
        let mut reader = XmlReader::new(xml, part, limits.max_xml_depth);
        let mut out = Numbering::default();
        let mut target = Target::None;
        let mut skip: Option<usize> = None;
        loop {
            let (e, depth, open) = match reader.next()? {
                Node::Eof => return Ok(out),
                Node::Close(e, depth) => {
                    if skip == Some(depth) {
                        skip = None;
                    } else if skip.is_none() {
                        target = match (local(e.name().as_ref()), target) {
                            (b"lvl", Target::AbstractLevel(a, _)) => Target::Abstract(a),
                            (b"lvl", Target::NumLevel(n, l)) => Target::NumOverride(n, l),
                            (
                                b"lvlOverride",
                                Target::NumOverride(n, _) | Target::NumLevel(n, _),
                            ) => Target::Num(n),
                            (b"abstractNum" | b"num", _) => Target::None,
                            (_, t) => t,
                        };
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
            // Run and paragraph properties of a level hold nothing the label needs.
            if open && (name.ends_with(b"Change") || name == b"rPr" || name == b"pPr") {
                skip = Some(depth);
                continue;
            }
            match name.as_slice() {
                b"abstractNum" => {
                    let id = attr(&e, b"abstractNumId").unwrap_or_default();
                    out.abstracts.insert(id.clone(), Abstract::default());
                    if open {
                        target = Target::Abstract(id);
                    }
                }
                b"num" => {
                    let id = attr(&e, b"numId").unwrap_or_default();
                    out.nums.insert(id.clone(), Num::default());
                    if open {
                        target = Target::Num(id);
                    }
                }
                b"abstractNumId" => {
                    if let Target::Num(n) = &target
                        && let Some(num) = out.nums.get_mut(n)
                    {
                        num.abstract_id = attr(&e, b"val").unwrap_or_default();
                    }
                }
                b"numStyleLink" | b"styleLink" => {
                    if let Target::Abstract(a) = &target
                        && let Some(abs) = out.abstracts.get_mut(a)
                        && name == b"numStyleLink"
                    {
                        abs.style_link = attr(&e, b"val");
                    }
                }
                b"lvlOverride" => {
                    if let Target::Num(n) = &target
                        && open
                    {
                        target = Target::NumOverride(n.clone(), parse_level(attr(&e, b"ilvl")));
                    }
                }
                b"startOverride" => {
                    if let Target::NumOverride(n, l) = &target
                        && let Some(num) = out.nums.get_mut(n)
                    {
                        num.overrides.entry(*l).or_default().start = parse_i64(attr(&e, b"val"));
                    }
                }
                b"lvl" => {
                    let l = parse_level(attr(&e, b"ilvl"));
                    match &target {
                        Target::Abstract(a) => {
                            if let Some(abs) = out.abstracts.get_mut(a)
                                && let Some(slot) = abs.levels.get_mut(l)
                            {
                                *slot = Some(Level::default());
                            }
                            if open {
                                target = Target::AbstractLevel(a.clone(), l);
                            }
                        }
                        Target::NumOverride(n, ol) => {
                            let ol = *ol;
                            if let Some(num) = out.nums.get_mut(n) {
                                num.overrides.entry(ol).or_default().level = Some(Level::default());
                            }
                            if open {
                                target = Target::NumLevel(n.clone(), ol);
                            }
                        }
                        _ => {}
                    }
                }
                b"start" | b"numFmt" | b"lvlText" | b"isLgl" | b"pStyle" => {
                    let level = match &target {
                        Target::AbstractLevel(a, l) => out
                            .abstracts
                            .get_mut(a)
                            .and_then(|abs| abs.levels.get_mut(*l))
                            .and_then(Option::as_mut),
                        Target::NumLevel(n, l) => out
                            .nums
                            .get_mut(n)
                            .and_then(|num| num.overrides.get_mut(l))
                            .and_then(|o| o.level.as_mut()),
                        _ => None,
                    };
                    let Some(level) = level else { continue };
                    match name.as_slice() {
                        b"start" => level.start = parse_i64(attr(&e, b"val")),
                        // Inside mc:AlternateContent the fallback format comes last and wins.
                        b"numFmt" => level.format = attr(&e, b"val").unwrap_or_default(),
                        b"lvlText" => level.text = attr(&e, b"val"),
                        b"isLgl" => level.legal = is_on(&e),
                        _ => level.style = attr(&e, b"val"),
                    }
                }
                _ => {}
            }
        }
    }

    /// The abstract definition behind a numbering instance, following numbering-style links.
    fn abstract_of(&self, num_id: &str, styles: &Styles) -> Option<(&str, &Abstract)> {
        let mut id = num_id.to_string();
        for _ in 0..4 {
            let num = self.nums.get(&id)?;
            let (abs_id, abs) = self.abstracts.get_key_value(&num.abstract_id)?;
            match abs
                .style_link
                .as_deref()
                .and_then(|s| styles.numbering_of(s))
            {
                Some(linked) if linked != id && abs.levels.iter().all(Option::is_none) => {
                    id = linked.to_string();
                }
                _ => return Some((abs_id.as_str(), abs)),
            }
        }
        None
    }

    /// Counts one more paragraph of list `num_id` at level `ilvl` (or the level whose `pStyle` is
    /// `style`, else 0) and returns the label the reader sees, or `None` for bullets and unnumbered
    /// levels. Also returns the level used.
    pub(super) fn next_label(
        &self,
        counters: &mut Counters,
        styles: &Styles,
        num_id: &str,
        ilvl: Option<u8>,
        style: Option<&str>,
    ) -> (Option<String>, usize) {
        let Some(num) = self.nums.get(num_id) else {
            return (None, usize::from(ilvl.unwrap_or(0)));
        };
        let Some((abs_id, abs)) = self.abstract_of(num_id, styles) else {
            return (None, usize::from(ilvl.unwrap_or(0)));
        };
        let level_of = |l: usize| -> Option<&Level> {
            num.overrides
                .get(&l)
                .and_then(|o| o.level.as_ref())
                .or_else(|| abs.levels.get(l).and_then(Option::as_ref))
        };
        let lvl = match ilvl {
            Some(l) => usize::from(l).min(LEVELS - 1),
            None => (0..LEVELS)
                .find(|&l| style.is_some() && level_of(l).and_then(|d| d.style.as_deref()) == style)
                .unwrap_or(0),
        };
        let start_of = |l: usize| -> i64 {
            num.overrides
                .get(&l)
                .and_then(|o| o.start)
                .or_else(|| level_of(l).and_then(|d| d.start))
                .unwrap_or(0)
        };
        // An instance that overrides a start value (Word's "restart numbering", and how pandoc
        // writes every list) counts on its own; other instances of one definition share counters.
        let key = if num.overrides.values().any(|o| o.start.is_some()) {
            format!("num {num_id}")
        } else {
            format!("abstract {abs_id}")
        };
        let values = counters.values.entry(key).or_default();
        let next = match values.get(lvl).copied().flatten() {
            Some(v) => v.saturating_add(1),
            None => start_of(lvl),
        };
        if let Some(v) = values.get_mut(lvl) {
            *v = Some(next);
        }
        for v in values.iter_mut().skip(lvl + 1) {
            *v = None;
        }
        let Some(def) = level_of(lvl) else {
            return (None, lvl);
        };
        if def.format == "bullet" || def.format == "none" {
            return (None, lvl);
        }
        let Some(template) = def.text.as_deref() else {
            return (None, lvl);
        };
        let mut label = String::new();
        let mut chars = template.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '%'
                && let Some(d) = chars.peek().and_then(|d| d.to_digit(10))
                && (1..=9).contains(&d)
            {
                chars.next();
                let l = d as usize - 1;
                let value = values
                    .get(l)
                    .copied()
                    .flatten()
                    .unwrap_or_else(|| start_of(l));
                let format = if def.legal && l != lvl {
                    "decimal"
                } else {
                    level_of(l).map_or("decimal", |d| d.format.as_str())
                };
                label.push_str(&format_number(value, format));
            } else {
                label.push(c);
            }
        }
        let label = label.trim().to_string();
        (if label.is_empty() { None } else { Some(label) }, lvl)
    }
}

/// A counter value in a Word number format.
fn format_number(n: i64, format: &str) -> String {
    match format {
        "lowerLetter" => letters(n, b'a'),
        "upperLetter" => letters(n, b'A'),
        "lowerRoman" => roman(n).to_ascii_lowercase(),
        "upperRoman" => roman(n),
        "decimalZero" if (0..10).contains(&n) => format!("0{n}"),
        "ordinal" => {
            let suffix = match (n % 100, n % 10) {
                (11..=13, _) => "th",
                (_, 1) => "st",
                (_, 2) => "nd",
                (_, 3) => "rd",
                _ => "th",
            };
            format!("{n}{suffix}")
        }
        "none" | "bullet" => String::new(),
        _ => n.to_string(),
    }
}

/// a, b, ... z, aa, bb, ... (Word repeats the letter rather than counting in base 26).
fn letters(n: i64, base: u8) -> String {
    if n < 1 {
        return n.to_string();
    }
    let idx = (n - 1) % 26;
    let times = ((n - 1) / 26 + 1).min(8);
    let c = char::from(base + idx as u8);
    std::iter::repeat_n(c, times as usize).collect()
}

fn roman(n: i64) -> String {
    if !(1..4000).contains(&n) {
        return n.to_string();
    }
    const TABLE: [(i64, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut n = n;
    let mut out = String::new();
    for (v, s) in TABLE {
        while n >= v {
            out.push_str(s);
            n -= v;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(format_number(3, "lowerLetter"), "c");
        assert_eq!(format_number(28, "lowerLetter"), "bb");
        assert_eq!(format_number(i64::from(i32::MAX), "lowerLetter").len(), 8);
        assert_eq!(format_number(14, "upperRoman"), "XIV");
        assert_eq!(format_number(2, "lowerRoman"), "ii");
        assert_eq!(format_number(4, "decimalZero"), "04");
        assert_eq!(format_number(22, "ordinal"), "22nd");
        assert_eq!(format_number(7, "decimal"), "7");
    }

    const XML: &str = r#"<w:numbering xmlns:w="x">
      <w:abstractNum w:abstractNumId="0">
        <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/><w:pPr><w:ind w:left="360"/></w:pPr></w:lvl>
        <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2"/></w:lvl>
        <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="(%3)"/></w:lvl>
        <w:lvl w:ilvl="3"><w:start w:val="1"/><w:numFmt w:val="lowerRoman"/><w:lvlText w:val="(%4)"/></w:lvl>
      </w:abstractNum>
      <w:abstractNum w:abstractNumId="1">
        <w:lvl w:ilvl="0"><w:start w:val="2"/><w:numFmt w:val="decimal"/><w:lvlText w:val="Schedule %1"/><w:pStyle w:val="Sched"/></w:lvl>
      </w:abstractNum>
      <w:abstractNum w:abstractNumId="2">
        <w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/></w:lvl>
      </w:abstractNum>
      <w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
      <w:num w:numId="2"><w:abstractNumId w:val="0"/></w:num>
      <w:num w:numId="3"><w:abstractNumId w:val="0"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="14"/></w:lvlOverride></w:num>
      <w:num w:numId="4"><w:abstractNumId w:val="1"/></w:num>
      <w:num w:numId="5"><w:abstractNumId w:val="2"/></w:num>
    </w:numbering>"#;

    #[test]
    fn labels_count_share_restart_and_reset() {
        let n = Numbering::parse(XML.as_bytes(), "numbering.xml", &Limits::default()).unwrap();
        let s = Styles::default();
        let mut c = Counters::default();
        let mut next = |id: &str, l: Option<u8>, style: Option<&str>| {
            n.next_label(&mut c, &s, id, l, style).0.unwrap_or_default()
        };
        assert_eq!(next("1", Some(0), None), "1.");
        assert_eq!(next("1", Some(1), None), "1.1");
        assert_eq!(next("1", Some(2), None), "(a)");
        assert_eq!(next("1", Some(2), None), "(b)");
        assert_eq!(next("1", Some(3), None), "(i)");
        assert_eq!(next("1", Some(3), None), "(ii)");
        assert_eq!(next("1", Some(1), None), "1.2");
        assert_eq!(next("1", Some(2), None), "(a)"); // deeper levels reset
        assert_eq!(next("2", Some(0), None), "2."); // same abstract: shared counters
        assert_eq!(next("3", Some(0), None), "14."); // startOverride restarts
        assert_eq!(next("3", Some(1), None), "14.1");
        assert_eq!(next("4", None, Some("Sched")), "Schedule 2");
        assert_eq!(next("4", None, Some("Sched")), "Schedule 3");
        assert_eq!(next("5", Some(0), None), ""); // bullets have no label
        assert_eq!(next("99", Some(0), None), ""); // unknown list
    }
}
