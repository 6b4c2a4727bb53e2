//! Tesseract's TSV output into lines of words with boxes and confidences.
//!
//! Columns: `level page_num block_num par_num line_num word_num left top width height conf
//! text`; level 5 rows are words. Words are grouped into lines by (page, block, paragraph, line).
//! Stray marks are dropped: a word with no letter or digit read at low confidence (specks, rules,
//! the shadow of a page edge), and a line left with no letter or digit at all.

use std::collections::BTreeMap;

/// A word without a letter or digit is kept only when Tesseract is at least this sure of it.
const MIN_MARK_CONFIDENCE: f32 = 60.0;

/// One line as Tesseract read it, in pixels of its image.
#[derive(Debug, Clone, PartialEq)]
pub struct OcrLine {
    /// The words, single-spaced.
    pub text: String,
    /// Left edge.
    pub left: u32,
    /// Top edge.
    pub top: u32,
    /// Right edge.
    pub right: u32,
    /// Bottom edge.
    pub bottom: u32,
    /// Mean confidence of its words, weighted by characters (0 to 100).
    pub confidence: f32,
    /// Characters of its words (the weight of its confidence).
    pub chars: usize,
    /// Words.
    pub words: usize,
}

/// The lines of every page of a TSV result, pages in order (index 0 is the image's first page).
pub fn lines(tsv: &str) -> Vec<Vec<OcrLine>> {
    let mut pages: BTreeMap<u32, BTreeMap<(u32, u32, u32), OcrLine>> = BTreeMap::new();
    let mut page_count = 0;
    for row in tsv.lines().skip(1) {
        let cols: Vec<&str> = row.splitn(12, '\t').collect();
        if cols.len() < 11 {
            continue;
        }
        let num = |i: usize| cols[i].trim().parse::<u32>().unwrap_or(0);
        let page = num(1);
        page_count = page_count.max(page);
        if cols[0] != "5" {
            continue;
        }
        let text = cols.get(11).map_or("", |t| t.trim());
        let confidence: f32 = cols[10].trim().parse().unwrap_or(-1.0);
        if text.is_empty() || confidence < 0.0 {
            continue;
        }
        if !text.chars().any(char::is_alphanumeric) && confidence < MIN_MARK_CONFIDENCE {
            continue;
        }
        let (left, top, width, height) = (num(6), num(7), num(8), num(9));
        let chars = text.chars().count();
        let line = pages
            .entry(page)
            .or_default()
            .entry((num(2), num(3), num(4)))
            .or_insert(OcrLine {
                text: String::new(),
                left,
                top,
                right: left + width,
                bottom: top + height,
                confidence: 0.0,
                chars: 0,
                words: 0,
            });
        if !line.text.is_empty() {
            line.text.push(' ');
        }
        line.text.push_str(text);
        line.left = line.left.min(left);
        line.top = line.top.min(top);
        line.right = line.right.max(left + width);
        line.bottom = line.bottom.max(top + height);
        let total = line.chars + chars;
        line.confidence =
            (line.confidence * line.chars as f32 + confidence * chars as f32) / total.max(1) as f32;
        line.chars = total;
        line.words += 1;
    }
    (1..=page_count)
        .map(|p| {
            pages
                .remove(&p)
                .map(|l| {
                    l.into_values()
                        .filter(|l| l.text.chars().any(char::is_alphanumeric))
                        .collect()
                })
                .unwrap_or_default()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext";

    fn word(page: u32, line: u32, n: u32, left: u32, conf: f32, text: &str) -> String {
        format!(
            "5\t{page}\t1\t1\t{line}\t{n}\t{left}\t{}\t40\t20\t{conf}\t{text}",
            100 * line
        )
    }

    #[test]
    fn words_group_into_lines_with_weighted_confidence() {
        let tsv = [
            HEAD.to_string(),
            "1\t1\t0\t0\t0\t0\t0\t0\t2480\t3508\t-1\t".into(),
            "4\t1\t1\t1\t1\t0\t10\t100\t200\t20\t-1\t".into(),
            word(1, 1, 1, 10, 90.0, "The"),
            word(1, 1, 2, 60, 60.0, "Supplier"),
            word(1, 2, 1, 10, 95.0, "shall"),
        ]
        .join("\n");
        let pages = lines(&tsv);
        assert_eq!(pages.len(), 1);
        let l = &pages[0];
        assert_eq!(l.len(), 2);
        assert_eq!(l[0].text, "The Supplier");
        assert_eq!(
            (l[0].left, l[0].right, l[0].top, l[0].bottom),
            (10, 100, 100, 120)
        );
        // (90 * 3 + 60 * 8) / 11
        assert!(
            (l[0].confidence - 68.18).abs() < 0.01,
            "{}",
            l[0].confidence
        );
        assert_eq!((l[0].chars, l[0].words), (11, 2));
        assert_eq!(l[1].text, "shall");
    }

    #[test]
    fn specks_and_empty_pages_are_handled() {
        let tsv = [
            HEAD.to_string(),
            "1\t1\t0\t0\t0\t0\t0\t0\t2480\t3508\t-1\t".into(),
            word(1, 1, 1, 10, 20.0, "~"),
            word(1, 1, 2, 60, 91.0, "(a)"),
            word(1, 2, 1, 10, 30.0, "|"),
            word(1, 3, 1, 10, 85.0, "—"),
            "1\t2\t0\t0\t0\t0\t0\t0\t2480\t3508\t-1\t".into(),
            "1\t3\t0\t0\t0\t0\t0\t0\t2480\t3508\t-1\t".into(),
            word(3, 1, 1, 10, 96.0, "Schedule"),
            "garbage row".into(),
        ]
        .join("\n");
        let pages = lines(&tsv);
        assert_eq!(pages.len(), 3, "an empty page in the middle is kept");
        assert_eq!(pages[0].len(), 1, "{:?}", pages[0]);
        assert_eq!(pages[0][0].text, "(a)");
        assert!(pages[1].is_empty());
        assert_eq!(pages[2][0].text, "Schedule");
    }
}
