//! Page layout: positioned glyphs into lines of words in reading order.
//!
//! Glyphs sharing a baseline form a line; a gap wider than [`WORD_GAP`] of the font size (or an
//! explicit space) separates words. Glyphs drawn twice at almost the same place (fake bold) are
//! kept once. When a page clearly has two columns (a vertical gutter in the middle that few lines
//! cross, with text on both sides), each band between full-width lines is read left column first.

use super::interp::{Glyph, PageText};

/// A gap between glyphs wider than this fraction of the font size separates words.
pub const WORD_GAP: f32 = 0.15;

/// One line of text on a page.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// The words, single-spaced, trimmed.
    pub text: String,
    /// Left edge.
    pub x0: f32,
    /// Right edge.
    pub x1: f32,
    /// Baseline.
    pub y: f32,
    /// Typical font size.
    pub size: f32,
    /// For a line read by OCR: its confidence and box.
    pub ocr: Option<LineOcr>,
}

/// What OCR says of a line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LineOcr {
    /// Mean confidence of its words, 0 to 100.
    pub confidence: f32,
    /// Characters read (the weight of the confidence).
    pub chars: usize,
    /// Top edge, in points from the top of the page.
    pub top: f32,
    /// Bottom edge, in points from the top of the page.
    pub bottom: f32,
}

/// The lines of a page in reading order.
pub fn page_lines(page: &PageText) -> Vec<Line> {
    let mut order: Vec<usize> = (0..page.glyphs.len()).collect();
    // Top of the page first; glyphs on one baseline stay in stream order for now.
    order.sort_by(|a, b| page.glyphs[*b].y.total_cmp(&page.glyphs[*a].y));
    let mut rows: Vec<Vec<usize>> = Vec::new();
    let mut row_y = f32::NAN;
    let mut row_size = 0.0f32;
    for i in order {
        let g = &page.glyphs[i];
        let tol = 0.45 * g.size.max(row_size);
        match rows.last_mut() {
            Some(row) if (row_y - g.y).abs() <= tol => {
                row.push(i);
                row_size = row_size.max(g.size);
            }
            _ => {
                rows.push(vec![i]);
                row_y = g.y;
                row_size = g.size;
            }
        }
    }
    let rows = merge_raised(page, rows);
    let gutter = find_gutter(page, &rows);
    let mut lines = Vec::new();
    let mut scratch = Scratch::default();
    match gutter {
        None => {
            for row in &rows {
                lines.extend(make_line(page, row, &mut scratch));
            }
        }
        Some((cut, top, bottom)) => {
            let mut left: Vec<Line> = Vec::new();
            let mut right: Vec<Line> = Vec::new();
            for row in &rows {
                // A line runs through the gutter when no wide gap separates its parts there.
                let visible = || {
                    row.iter()
                        .map(|&i| &page.glyphs[i])
                        .filter(|g| !page.is_blank(g))
                };
                let left_end = visible()
                    .filter(|g| g.x < cut)
                    .map(|g| g.end)
                    .fold(f32::NEG_INFINITY, f32::max);
                let right_start = visible()
                    .filter(|g| g.x >= cut)
                    .map(|g| g.x)
                    .fold(f32::INFINITY, f32::min);
                let size = visible().map(|g| g.size).fold(0.0f32, f32::max);
                let y = visible().next().map_or(0.0, |g| g.y);
                // Lines above or below the two-column band are full width too.
                let outside = y > top + size || y < bottom - size;
                let crosses = outside || left_end > cut || (right_start - left_end) < 1.5 * size;
                if crosses {
                    lines.append(&mut left);
                    lines.append(&mut right);
                    lines.extend(make_line(page, row, &mut scratch));
                } else {
                    let (l, r): (Vec<usize>, Vec<usize>) = row
                        .iter()
                        .partition(|&&i| (page.glyphs[i].x + page.glyphs[i].end) / 2.0 < cut);
                    left.extend(make_line(page, &l, &mut scratch));
                    right.extend(make_line(page, &r, &mut scratch));
                }
            }
            lines.append(&mut left);
            lines.append(&mut right);
        }
    }
    lines
}

/// Merges rows of small raised or lowered glyphs (superscript "th", footnote markers) into the
/// line they belong to.
fn merge_raised(page: &PageText, rows: Vec<Vec<usize>>) -> Vec<Vec<usize>> {
    let stats = |row: &[usize]| {
        let size = row
            .iter()
            .map(|&i| page.glyphs[i].size)
            .fold(0.0f32, f32::max);
        let y = row.first().map_or(0.0, |&i| page.glyphs[i].y);
        (y, size)
    };
    let mut out: Vec<Vec<usize>> = Vec::with_capacity(rows.len());
    let mut pending: Option<Vec<usize>> = None;
    for row in rows {
        let (y, size) = stats(&row);
        let mut row = row;
        // A small row just above this one: its superscripts.
        if let Some(p) = pending.take() {
            let (py, psize) = stats(&p);
            if psize < 0.85 * size && py - y <= 0.7 * size && p.len() <= 8 {
                row.extend(p);
            } else {
                out.push(p);
            }
        }
        // A small row just below the previous one: its subscripts.
        if let Some(prev) = out.last_mut() {
            let (prev_y, prev_size) = stats(prev);
            if size < 0.85 * prev_size && prev_y - y <= 0.4 * prev_size && row.len() <= 8 {
                prev.extend(row);
                continue;
            }
        }
        if size > 0.0 && row.len() <= 8 {
            pending = Some(row);
        } else {
            out.push(row);
        }
    }
    out.extend(pending);
    out
}

/// The x of a column gutter, if the page (or a band of it) has two clear columns: many lines
/// with a wide gap in the middle third at a common place, whose left parts fill their column.
fn find_gutter(page: &PageText, rows: &[Vec<usize>]) -> Option<(f32, f32, f32)> {
    let visible = |g: &&Glyph| !page.is_blank(g);
    let min_x = page
        .glyphs
        .iter()
        .filter(visible)
        .map(|g| g.x)
        .fold(f32::INFINITY, f32::min);
    let max_x = page
        .glyphs
        .iter()
        .filter(visible)
        .map(|g| g.end)
        .fold(f32::NEG_INFINITY, f32::max);
    let width = max_x - min_x;
    if !(width.is_finite() && width > 100.0) {
        return None;
    }
    let (lo, hi) = (min_x + 0.3 * width, min_x + 0.7 * width);
    // The widest middle gap of each row: (gap start, gap end).
    let mut gaps: Vec<(f32, f32, f32)> = Vec::new();
    for row in rows {
        let mut g: Vec<&Glyph> = row
            .iter()
            .map(|&i| &page.glyphs[i])
            .filter(|g| visible(g))
            .collect();
        g.sort_by(|a, b| a.x.total_cmp(&b.x));
        let best = g
            .windows(2)
            .map(|w| (w[0].end, w[1].x, w[0].size.max(w[1].size)))
            .filter(|(a, b, size)| b - a > 1.5 * size && (a + b) / 2.0 > lo && (a + b) / 2.0 < hi)
            .max_by(|x, y| (x.1 - x.0).total_cmp(&(y.1 - y.0)));
        if let (Some((a, b, _)), Some(first)) = (best, g.first()) {
            gaps.push((a, b, first.y));
        }
    }
    if gaps.len() < 6 {
        return None;
    }
    // The x inside the most gaps.
    let mut edges: Vec<(f32, i32)> = gaps
        .iter()
        .flat_map(|(a, b, _)| [(*a, 1), (*b, -1)])
        .collect();
    edges.sort_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
    let (mut depth, mut best, mut at) = (0i32, 0i32, 0.0f32);
    for w in edges.windows(2) {
        depth += w[0].1;
        if depth > best {
            best = depth;
            at = (w[0].0 + w[1].0) / 2.0;
        }
    }
    let agreeing: Vec<&(f32, f32, f32)> = gaps
        .iter()
        .filter(|(a, b, _)| *a <= at && at <= *b)
        .collect();
    if agreeing.len() < 6 {
        return None;
    }
    // Text columns are filled to near the gutter; a table of short labels beside long
    // definitions is not, and reads better row by row.
    let gutter_start = agreeing
        .iter()
        .map(|(a, _, _)| *a)
        .fold(f32::NEG_INFINITY, f32::max);
    let mut fill: Vec<f32> = agreeing
        .iter()
        .map(|(a, _, _)| (gutter_start - a).max(0.0) / (gutter_start - min_x).max(1.0))
        .collect();
    let median_gap = median(&mut fill).unwrap_or(1.0);
    let top = agreeing
        .iter()
        .map(|g| g.2)
        .fold(f32::NEG_INFINITY, f32::max);
    let bottom = agreeing.iter().map(|g| g.2).fold(f32::INFINITY, f32::min);
    (median_gap < 0.2).then_some((at, top, bottom))
}

/// Buffers reused by every line of a page (a line used to allocate five).
#[derive(Default)]
struct Scratch<'p> {
    glyphs: Vec<&'p Glyph>,
    kept: Vec<&'p Glyph>,
    values: Vec<f32>,
}

/// The median of `values` (the element at half their length in sorted order).
pub fn median(values: &mut [f32]) -> Option<f32> {
    let mid = values.len() / 2;
    let first = *values.first()?;
    // (Most lines have one size and one baseline.)
    if values.iter().all(|v| v.to_bits() == first.to_bits()) {
        return Some(first);
    }
    // (Under `total_cmp` equal values are identical, so the element a selection puts at `mid`
    // is the one a sort puts there.)
    Some(*values.select_nth_unstable_by(mid, f32::total_cmp).1)
}

/// Builds a line from glyphs on one baseline.
fn make_line<'p>(page: &'p PageText, row: &[usize], scratch: &mut Scratch<'p>) -> Option<Line> {
    let Scratch {
        glyphs,
        kept,
        values,
    } = scratch;
    glyphs.clear();
    glyphs.extend(row.iter().map(|&i| &page.glyphs[i]));
    glyphs.sort_by(|a, b| a.x.total_cmp(&b.x));
    kept.clear();
    let capacity: usize = glyphs.iter().map(|g| (g.stop - g.start) as usize + 1).sum();
    let mut text = String::with_capacity(capacity);
    let mut prev: Option<&Glyph> = None;
    let mut pending_space = false;
    for &g in glyphs.iter() {
        if page.is_blank(g) {
            pending_space = !text.is_empty();
            continue;
        }
        // Fake bold: the same glyph drawn again a hair to the right.
        // (Where it is drawn first: comparing the text of every glyph was 3% of PDF reading.
        // Glyphs are kept in order of x, so the first one too far to the left ends the search.)
        let t = page.glyph_text(g);
        if kept
            .iter()
            .rev()
            .take(4)
            .take_while(|k| (k.x - g.x).abs() < 0.12 * g.size)
            .any(|k| (k.y - g.y).abs() < 0.2 * g.size && page.glyph_text(k) == t)
        {
            continue;
        }
        if let Some(p) = prev
            && (pending_space || g.x - p.end > WORD_GAP * g.size.min(p.size).max(0.1))
            && !text.ends_with(' ')
        {
            text.push(' ');
        }
        pending_space = false;
        match t.as_bytes() {
            // (Most glyphs are one printable ASCII character, which is pushed as it is.)
            [b @ b' '..=b'~'] => text.push(char::from(*b)),
            _ => t.chars().for_each(|c| push_char(&mut text, c)),
        }
        prev = Some(g);
        kept.push(g);
    }
    let trimmed = text.trim();
    let text = if trimmed.len() == text.len() {
        text
    } else {
        trimmed.to_string()
    };
    if text.is_empty() {
        return None;
    }
    let first = kept.first()?;
    let last = kept.last()?;
    values.clear();
    values.extend(kept.iter().map(|g| g.size));
    let size = median(values).unwrap_or(first.size);
    values.clear();
    values.extend(kept.iter().map(|g| g.y));
    let y = median(values).unwrap_or(first.y);
    Some(Line {
        text,
        x0: first.x,
        x1: last.end,
        y,
        size,
        ocr: None,
    })
}

/// Appends a character, expanding ligatures and dropping control characters.
fn push_char(out: &mut String, c: char) {
    match c {
        '\u{FB00}' => out.push_str("ff"),
        '\u{FB01}' => out.push_str("fi"),
        '\u{FB02}' => out.push_str("fl"),
        '\u{FB03}' => out.push_str("ffi"),
        '\u{FB04}' => out.push_str("ffl"),
        '\u{FB05}' | '\u{FB06}' => out.push_str("st"),
        '\u{00A0}' | '\u{2000}'..='\u{200A}' | '\t' | '\n' | '\r' => {
            if !out.is_empty() && !out.ends_with(' ') {
                out.push(' ');
            }
        }
        c if c.is_control() || c == '\u{FEFF}' || c == '\u{200B}' => {}
        c => out.push(c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A glyph to place: its text, x, baseline and width.
    type Spec<'t> = (&'t str, f32, f32, f32);

    fn page(glyphs: &[Spec]) -> PageText {
        let mut p = PageText::default();
        for (t, x, y, w) in glyphs {
            let start = p.text.len() as u32;
            p.text.push_str(t);
            p.glyphs.push(Glyph {
                x: *x,
                y: *y,
                end: x + w,
                size: 10.0,
                start,
                stop: p.text.len() as u32,
            });
        }
        p
    }

    #[test]
    fn gaps_make_spaces_and_baselines_make_lines() {
        let p = page(&[
            ("a", 0.0, 700.0, 5.0),
            ("b", 5.2, 700.0, 5.0),
            ("c", 12.0, 700.0, 5.0),
            ("d", 0.0, 688.0, 5.0),
            ("\u{FB01}", 5.0, 688.0, 5.0),
        ]);
        let lines = page_lines(&p);
        let texts: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts, ["ab c", "dfi"]);
    }

    #[test]
    fn median_is_the_middle_of_the_sorted_values() {
        let cases: [&[f32]; 5] = [
            &[],
            &[3.0],
            &[9.5, 9.5, 9.5],
            &[12.0, 9.0, 10.0, 14.0, 9.5, -0.0, 0.0],
            &[2.0, 1.0],
        ];
        for case in cases {
            let mut sorted = case.to_vec();
            sorted.sort_by(f32::total_cmp);
            let expected = sorted.get(sorted.len() / 2).map(|v| v.to_bits());
            let got = median(&mut case.to_vec()).map(f32::to_bits);
            assert_eq!(got, expected, "{case:?}");
        }
    }

    #[test]
    fn fake_bold_is_read_once() {
        let cases: [(&[Spec], &str); 2] = [
            (
                &[
                    ("H", 0.0, 700.0, 7.0),
                    ("H", 0.5, 700.0, 7.0),
                    ("i", 7.0, 700.0, 3.0),
                    ("i", 7.5, 700.0, 3.0),
                ],
                "Hi",
            ),
            // The second "o" repeats the first behind a slash printed over it; the "l"s are two
            // letters, too far apart to be one drawn twice.
            (
                &[
                    ("o", 0.0, 700.0, 5.0),
                    ("/", 0.2, 700.0, 5.0),
                    ("o", 0.4, 700.0, 5.0),
                    ("l", 10.0, 700.0, 2.0),
                    ("l", 12.0, 700.0, 2.0),
                ],
                "o/ ll",
            ),
        ];
        for (glyphs, text) in cases {
            assert_eq!(page_lines(&page(glyphs))[0].text, text);
        }
    }

    #[test]
    fn a_glyph_is_blank_when_its_text_trims_to_nothing() {
        let texts = [
            "", " ", "\t", "\n", "\u{b}", "\u{c}", "\r", "\u{1f}", "a", "~", "\u{a0}", "\u{2003}",
            "\u{3000}", "  ", " a", "\u{85}", "\u{200b}", "é", "fi",
        ];
        let glyphs: Vec<_> = texts.iter().map(|t| (*t, 0.0, 0.0, 0.0)).collect();
        let p = page(&glyphs);
        for (g, t) in p.glyphs.iter().zip(texts) {
            assert_eq!(p.is_blank(g), t.trim().is_empty(), "{t:?}");
        }
        // Spot checks, so the comparison above cannot hide a wrong reference.
        assert!(p.is_blank(&p.glyphs[4]) && p.is_blank(&p.glyphs[10]));
        assert!(!p.is_blank(&p.glyphs[7]) && !p.is_blank(&p.glyphs[16]));
    }
}
