//! Document assembly: the lines of every page into blocks.
//!
//! Running headers and footers (lines that repeat near the top or bottom of many pages, digits
//! ignored) and page numbers are removed; lines are grouped into paragraphs by vertical gaps,
//! indentation, short last lines and clause labels; a paragraph that runs over a page break is
//! continued and keeps its first page; hyphenated line ends are joined when the joined word
//! occurs elsewhere in the document ("indemnifi-" + "cation"), else the hyphen is kept
//! ("sub-" + "processor").

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use regex::Regex;

use super::layout::{Line, LineOcr};
use crate::model::{BlockKind, OcrBlock, RawBlock};

/// A clause or list label at the start of a line ("14.3", "(a)", "iv.", "Section 5").
static LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:\d{1,3}(?:\.\d{1,3})+\.?|\d{1,3}[.)]|\(\d{1,3}\)|\(?[a-zA-Z]\)|\([ivxlcIVXLC]{1,6}\)|[ivxlcIVXLC]{1,6}[.)]|[A-Z]\.|[•▪◦·\-–*]|(?:Section|SECTION|Article|ARTICLE|Clause|CLAUSE|Schedule|SCHEDULE)\s+[0-9IVXivx]+[.:]?)(?:\s|$)",
    )
    .unwrap_or_else(|_| unreachable!("the label pattern is valid"))
});

/// A page number line ("3", "- 3 -", "Page 3 of 12", "iv").
static PAGE_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:page\s*)?[\-–(\[]?\s*(?:\d{1,4}|[ivxlc]{1,7})\s*[\-–)\]]?(?:\s*(?:of|/)\s*\d{1,4})?$")
        .unwrap_or_else(|_| unreachable!("the page-number pattern is valid"))
});

/// Lines at each end of a page considered for header/footer removal.
const ZONE: usize = 3;

/// Blocks of a document, and beside each block what OCR says of it (`None` for text-layer blocks).
#[derive(Debug, Default)]
pub struct Assembled {
    /// Blocks in reading order.
    pub blocks: Vec<RawBlock>,
    /// One entry per block.
    pub ocr: Vec<Option<OcrBlock>>,
}

/// Blocks of a document from the lines of its pages (index 0 is page 1).
pub fn blocks(mut pages: Vec<Vec<Line>>) -> Assembled {
    strip_running(&mut pages);
    let vocab = vocabulary(&pages);
    let body = body_size(&pages);
    let mut out: Vec<Draft> = Vec::new();
    for (p, lines) in pages.iter().enumerate() {
        let page = u32::try_from(p + 1).unwrap_or(u32::MAX);
        let spacing = line_spacing(lines);
        let right = lines.iter().map(|l| l.x1).fold(f32::NEG_INFINITY, f32::max);
        let left = lines.iter().map(|l| l.x0).fold(f32::INFINITY, f32::min);
        let width = (right - left).max(1.0);
        for (i, line) in lines.iter().enumerate() {
            let labelled = LABEL.is_match(&line.text);
            let heading_like = is_heading_line(line, body);
            let new_block = match (i.checked_sub(1).and_then(|j| lines.get(j)), out.last()) {
                (_, None) => true,
                (None, Some(prev)) => {
                    // First line of a page: continue a paragraph cut by the page break.
                    prev.ended
                        || labelled
                        || heading_like
                        || prev.heading
                        || starts_upper_after_stop(prev, line)
                }
                (Some(above), Some(prev)) => {
                    let gap = above.y - line.y;
                    let short_above = above.x1 < right - 0.15 * width;
                    gap > spacing * 1.35 + 0.5
                        || gap < -line.size
                        || (labelled && (short_above || ends_sentence(&above.text)))
                        || (short_above && ends_sentence(&above.text))
                        || (line.x0 > above.x0 + 1.5 * line.size && short_above)
                        || heading_like != prev.heading
                        || (line.size - above.size).abs() > 0.2 * above.size.max(1.0)
                }
            };
            if new_block {
                out.push(Draft {
                    lines: vec![line.text.clone()],
                    page,
                    heading: heading_like,
                    ended: ends_sentence(&line.text),
                    ocr: line.ocr.map(|o| OcrDraft::new(line, o)),
                });
            } else if let Some(d) = out.last_mut() {
                d.lines.push(line.text.clone());
                d.ended = ends_sentence(&line.text);
                if let Some(o) = line.ocr {
                    match &mut d.ocr {
                        Some(draft) => draft.add(line, o),
                        None => d.ocr = Some(OcrDraft::new(line, o)),
                    }
                }
            }
        }
    }
    let mut assembled = Assembled::default();
    for d in out {
        let text = join_lines(&d.lines, &vocab);
        if text.is_empty() {
            continue;
        }
        let kind = if d.heading && d.lines.len() <= 2 {
            BlockKind::Heading
        } else if LABEL.is_match(&text) {
            BlockKind::ListItem
        } else {
            BlockKind::Paragraph
        };
        assembled.blocks.push(RawBlock {
            kind,
            text,
            page: Some(d.page),
            label: None,
            level: None,
        });
        assembled.ocr.push(d.ocr.map(|o| o.block()));
    }
    assembled
}

/// A block being built.
struct Draft {
    lines: Vec<String>,
    page: u32,
    heading: bool,
    ended: bool,
    ocr: Option<OcrDraft>,
}

/// The OCR confidence and box of a block being built.
struct OcrDraft {
    weighted: f32,
    chars: usize,
    bbox: [f32; 4],
}

impl OcrDraft {
    fn new(line: &Line, o: LineOcr) -> OcrDraft {
        OcrDraft {
            weighted: o.confidence * o.chars as f32,
            chars: o.chars,
            bbox: [line.x0, o.top, line.x1, o.bottom],
        }
    }

    fn add(&mut self, line: &Line, o: LineOcr) {
        self.weighted += o.confidence * o.chars as f32;
        self.chars += o.chars;
        self.bbox = [
            self.bbox[0].min(line.x0),
            self.bbox[1].min(o.top),
            self.bbox[2].max(line.x1),
            self.bbox[3].max(o.bottom),
        ];
    }

    fn block(&self) -> OcrBlock {
        let confidence = self.weighted / self.chars.max(1) as f32;
        // Points on a page are small and positive: the casts cannot lose anything that matters.
        let pt = |v: f32| v.max(0.0).round() as u32;
        OcrBlock {
            confidence: confidence.clamp(0.0, 100.0).round() as u8,
            bbox: self.bbox.map(pt),
        }
    }
}

/// A new page starting with a capital after a paragraph that ended with no punctuation but
/// looks complete is still a continuation; only a clear break starts a new block.
fn starts_upper_after_stop(prev: &Draft, line: &Line) -> bool {
    prev.ended && line.text.chars().next().is_some_and(char::is_uppercase)
}

/// Whether text ends a sentence or clause.
fn ends_sentence(text: &str) -> bool {
    let t = text.trim_end_matches(['"', '\u{201D}', '\u{2019}', ')', '\'']);
    t.ends_with(['.', ':', ';', '?', '!'])
}

/// A short line that looks like a heading: larger than body text, or in capitals without a
/// final full stop.
fn is_heading_line(line: &Line, body: f32) -> bool {
    let words = line.text.split_whitespace().count();
    if words == 0 || words > 12 || line.text.ends_with(['.', ',', ';']) {
        return false;
    }
    let letters: Vec<char> = line.text.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.len() < 3 {
        return false;
    }
    line.size > body * 1.15 || letters.iter().all(|c| c.is_uppercase())
}

/// The most common font size, weighted by characters.
fn body_size(pages: &[Vec<Line>]) -> f32 {
    let mut count: HashMap<i32, usize> = HashMap::new();
    for l in pages.iter().flatten() {
        *count.entry((l.size * 2.0).round() as i32).or_default() += l.text.len();
    }
    count
        .into_iter()
        .max_by_key(|(s, n)| (*n, -*s))
        .map_or(10.0, |(s, _)| s as f32 / 2.0)
}

/// The most common distance between consecutive baselines on a page.
fn line_spacing(lines: &[Line]) -> f32 {
    let mut count: HashMap<i32, usize> = HashMap::new();
    for w in lines.windows(2) {
        let gap = w[0].y - w[1].y;
        if gap > 0.5 && gap < 4.0 * w[0].size.max(1.0) {
            *count.entry((gap * 2.0).round() as i32).or_default() += 1;
        }
    }
    let mode = count
        .into_iter()
        .max_by_key(|(g, n)| (*n, -*g))
        .map(|(g, _)| g as f32 / 2.0);
    let size = lines.first().map_or(10.0, |l| l.size);
    mode.unwrap_or(size * 1.2).max(size * 0.8)
}

/// Removes running headers, footers and page numbers.
fn strip_running(pages: &mut [Vec<Line>]) {
    let key = |t: &str| -> String {
        t.chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| {
                if c.is_ascii_digit() {
                    '#'
                } else {
                    c.to_ascii_lowercase()
                }
            })
            .collect()
    };
    let mut top: HashMap<String, usize> = HashMap::new();
    let mut bottom: HashMap<String, usize> = HashMap::new();
    for lines in pages.iter() {
        let n = lines.len();
        let zone = zone(n);
        let heads: HashSet<String> = lines.iter().take(zone).map(|l| key(&l.text)).collect();
        let foots: HashSet<String> = lines
            .iter()
            .skip(n.saturating_sub(zone))
            .map(|l| key(&l.text))
            .collect();
        for k in heads {
            *top.entry(k).or_default() += 1;
        }
        for k in foots {
            *bottom.entry(k).or_default() += 1;
        }
    }
    let min = (pages.len() as f32 * 0.3).ceil().max(2.0) as usize;
    for lines in pages.iter_mut() {
        let n = lines.len();
        let zone = zone(n);
        let mut drop = vec![false; n];
        for (i, l) in lines.iter().enumerate() {
            let k = key(&l.text);
            let in_top = i < zone;
            let in_bottom = i + zone >= n;
            // A page of one or two lines is content, even when every page has the same.
            let repeats = n > 3
                && ((in_top && top.get(&k).is_some_and(|c| *c >= min))
                    || (in_bottom && bottom.get(&k).is_some_and(|c| *c >= min)));
            let edge = i == 0 || i + 1 == n;
            if repeats || (edge && PAGE_NUMBER.is_match(l.text.trim())) {
                drop[i] = true;
            }
        }
        let mut it = drop.iter();
        lines.retain(|_| !it.next().copied().unwrap_or(false));
    }
}

/// Lines at each end of a page of `n` lines that may be a running header or footer.
fn zone(n: usize) -> usize {
    ZONE.min((n / 4).max(1))
}

/// Lowercase words of the document, for de-hyphenation.
fn vocabulary(pages: &[Vec<Line>]) -> HashSet<String> {
    let mut v = HashSet::new();
    for l in pages.iter().flatten() {
        for w in l.text.split(|c: char| !c.is_alphanumeric()) {
            if w.len() > 1 {
                v.insert(w.to_lowercase());
            }
        }
    }
    v
}

/// Joins the lines of a block: soft hyphens and vocabulary-confirmed hyphens at line ends are
/// removed, other line ends become spaces.
fn join_lines(lines: &[String], vocab: &HashSet<String>) -> String {
    let mut out = String::new();
    for line in lines {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if out.ends_with('\u{AD}') {
            out.pop();
        } else if out.ends_with('-') {
            if join_hyphen(&out, line, vocab) {
                out.pop();
            } else if !out[..out.len() - 1].ends_with(char::is_alphanumeric) {
                out.push(' ');
            }
        } else if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(line);
    }
    out.replace('\u{AD}', "")
}

/// Whether "prefix-" at the end of `out` and the first word of `next` make one word of the
/// document's vocabulary.
fn join_hyphen(out: &str, next: &str, vocab: &HashSet<String>) -> bool {
    let head = &out[..out.len() - 1];
    let prefix: String = head
        .chars()
        .rev()
        .take_while(|c| c.is_alphabetic())
        .collect::<Vec<char>>()
        .into_iter()
        .rev()
        .collect();
    let suffix: String = next.chars().take_while(|c| c.is_alphabetic()).collect();
    if prefix.is_empty()
        || suffix.is_empty()
        || !suffix.chars().next().is_some_and(char::is_lowercase)
    {
        return false;
    }
    vocab.contains(&format!("{prefix}{suffix}").to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(text: &str, y: f32) -> Line {
        Line {
            text: text.into(),
            x0: 72.0,
            x1: 540.0,
            y,
            size: 10.0,
            ocr: None,
        }
    }

    #[test]
    fn hyphens_join_only_known_words() {
        let vocab: HashSet<String> = ["indemnification".to_string()].into_iter().collect();
        assert_eq!(
            join_lines(
                &[
                    "the indemnifi-".into(),
                    "cation of a sub-".into(),
                    "processor".into()
                ],
                &vocab
            ),
            "the indemnification of a sub-processor"
        );
        assert_eq!(
            join_lines(&["soft\u{AD}".into(), "ware".into()], &vocab),
            "software"
        );
    }

    #[test]
    fn running_headers_and_page_numbers_go() {
        let pages: Vec<Vec<Line>> = (1..=4)
            .map(|p| {
                vec![
                    line("ACME Master Services Agreement", 760.0),
                    line(
                        &format!("Clause {p}.1 text on page {p} about the supplier."),
                        700.0,
                    ),
                    line(&format!("Clause {p}.2 more text about the buyer."), 660.0),
                    line(&format!("Clause {p}.3 and the end of page {p}."), 620.0),
                    line(&format!("Page {p} of 4"), 40.0),
                ]
            })
            .collect();
        let b = blocks(pages).blocks;
        let texts: Vec<&str> = b.iter().map(|b| b.text.as_str()).collect();
        assert_eq!(texts.len(), 12, "{texts:?}");
        assert!(texts.iter().all(|t| t.starts_with("Clause ")), "{texts:?}");
        assert_eq!(b[11].page, Some(4));
    }

    #[test]
    fn paragraphs_continue_over_pages_and_labels_start_blocks() {
        let pages = vec![
            vec![
                line("1.1 The Supplier shall keep records of", 700.0),
                line("every model it trains and the data", 688.0),
            ],
            vec![
                line("used for that training.", 700.0),
                line("1.2 The Buyer may audit.", 688.0),
            ],
        ];
        let b = blocks(pages).blocks;
        assert_eq!(b.len(), 2, "{b:?}");
        assert_eq!(
            b[0].text,
            "1.1 The Supplier shall keep records of every model it trains and the data used for that training."
        );
        assert_eq!(b[0].page, Some(1));
        assert_eq!(b[1].text, "1.2 The Buyer may audit.");
        assert_eq!(b[1].kind, BlockKind::ListItem);
    }
}
