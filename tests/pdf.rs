//! The PDF reader against real documents: CUAD contracts compared with the text CUAD released
//! for them, and the robustness corpus (every file gives text or a clear status, in bounded time).
//!
//! Similarity: both texts are normalised (NFKC, lowercase, punctuation removed, split on
//! whitespace), then scored difflib-style: the words of the longest common subsequence of the
//! two word sequences, as 2·matches / (words in extracted + words in truth). LCS is computed with
//! a bit-parallel algorithm (Hyyrö), so a 20,000-word contract costs well under a second.
//! The measure is order-aware: a running header left in, or a footnote moved, costs points.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use aiassure::extract::{Damaged, ExtractError, Limit, Limits, Unreadable};
use unicode_normalization::UnicodeNormalization;

use crate::common;

/// Words of a text, normalised for comparison.
fn words(text: &str) -> Vec<String> {
    let norm: String = text
        .nfkc()
        .flat_map(char::to_lowercase)
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    norm.split_whitespace().map(str::to_string).collect()
}

/// Length of the longest common subsequence of two word sequences (bit-parallel, Hyyrö 2004).
fn lcs(a: &[String], b: &[String]) -> usize {
    let mut ids: HashMap<&str, usize> = HashMap::new();
    let a_ids: Vec<usize> = a
        .iter()
        .map(|w| {
            let n = ids.len();
            *ids.entry(w.as_str()).or_insert(n)
        })
        .collect();
    let blocks = a.len().div_ceil(64).max(1);
    // Match masks of every distinct word over positions in `a`.
    let mut masks: HashMap<usize, Vec<u64>> = HashMap::new();
    for (i, id) in a_ids.iter().enumerate() {
        masks.entry(*id).or_insert_with(|| vec![0; blocks])[i / 64] |= 1 << (i % 64);
    }
    let zero = vec![0u64; blocks];
    let mut v = vec![u64::MAX; blocks];
    for w in b {
        let m = ids
            .get(w.as_str())
            .and_then(|id| masks.get(id))
            .unwrap_or(&zero);
        let mut carry = false;
        for k in 0..blocks {
            let u = v[k] & m[k];
            // V' = (V + U) | (V - U); U is a subset of V, so V - U = V & !U (no borrow).
            let (s1, c1) = v[k].overflowing_add(u);
            let (s2, c2) = s1.overflowing_add(u64::from(carry));
            carry = c1 || c2;
            v[k] = s2 | (v[k] & !u);
        }
    }
    (0..a.len())
        .filter(|i| v[i / 64] & (1 << (i % 64)) == 0)
        .count()
}

/// difflib-style ratio of two texts.
fn similarity(extracted: &str, truth: &str) -> f64 {
    let (a, b) = (words(extracted), words(truth));
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    2.0 * lcs(&a, &b) as f64 / (a.len() + b.len()) as f64
}

/// The text of extracted blocks, one per line.
fn joined(e: &aiassure::model::Extracted) -> String {
    e.blocks
        .iter()
        .map(|b| b.text.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

fn pdfs(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();
    v.retain(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("pdf")));
    v.sort();
    v
}

#[test]
fn lcs_counts_in_order_matches() {
    let w = |s: &str| words(s);
    assert_eq!(lcs(&w("a b c d"), &w("a c d")), 3);
    assert_eq!(lcs(&w("a b c d"), &w("d c b a")), 1);
    let long: Vec<String> = (0..200).map(|i| format!("w{}", i % 7)).collect();
    let mut other = long.clone();
    other.remove(100);
    assert_eq!(lcs(&long, &other), 199);
    assert!((similarity("The Supplier shall", "the supplier, shall!") - 1.0).abs() < 1e-9);
}

/// Scores one CUAD PDF: ours, and for context lopdf's and poppler's when available.
fn score_one(
    dir: &Path,
    pdf: &Path,
    limits: &Limits,
) -> Option<(f64, String, Option<f64>, Option<f64>)> {
    let stem = pdf.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
    let truth = std::fs::read_to_string(dir.join("txt").join(format!("{stem}.txt"))).ok()?;
    let bytes = std::fs::read(pdf).expect("read the PDF");
    let ours = match aiassure::extract::pdf::extract(&bytes, limits) {
        Ok(e) => joined(&e),
        Err(e) => format!("ERROR {e}"),
    };
    // lopdf's own extract_text, for context (slow in the dev profile, so on request;
    // measured 2026-11-23: mean 0.10, it splits words and many pages come out empty).
    let lopdf = std::env::var_os("AIASSURE_PDF_BASELINE")
        .and_then(|_| lopdf::Document::load_mem(&bytes).ok())
        .map(|doc| {
            let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
            similarity(&doc.extract_text(&pages).unwrap_or_default(), &truth)
        });
    let poppler = pdftotext(pdf).map(|t| similarity(&t, &truth));
    Some((similarity(&ours, &truth), stem.to_string(), lopdf, poppler))
}

/// CUAD: every PDF against the released text of the same contract.
///
/// What the worst files taught (2026-11-23, mean 0.9885; pdftotext 0.9916 on the same files):
/// - CUAD's released text was itself extracted from these PDFs and keeps every running header
///   and footer ("Source: PARATEK PHARMACEUTICALS, INC., 10-K/A, 5/5/2017", "Confidential
///   Page 10 of 49", the redaction notice repeated on 49 pages). We remove them on purpose, which
///   costs Paratek, Ferroglobe and BANGI most of their 5-6 points; pdftotext keeps them and so
///   scores a little higher overall.
/// - SFG Financial: the released text has whole paragraphs of pages 3-5 in a different order
///   from the page (checked against pdftotext and the rendered page); our order follows the
///   page. Its superscript ordinals ("27th") are joined to their number.
/// - Elandia: a two-column table of abbreviations and definitions; it reads row by row (the
///   column detector rejects columns whose left side does not fill its width).
/// - The released text also glues words at some line ends ("toperform"), which we keep apart.
#[test]
fn cuad_text_matches_released_text() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let dir = corpus.join("contracts/cuad");
    let limits = Limits::default();
    let files = pdfs(&dir.join("pdf"));
    // Files are shared among threads (pdftotext is slow: about 0.3 s a file here).
    let next = std::sync::atomic::AtomicUsize::new(0);
    let threads = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .min(4);
    let results: Vec<(f64, String, Option<f64>, Option<f64>)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut out = Vec::new();
                    while let Some(pdf) =
                        files.get(next.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
                    {
                        out.extend(score_one(&dir, pdf, &limits));
                    }
                    out
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().expect("worker"))
            .collect()
    });
    let mut scores: Vec<(f64, String)> = results.iter().map(|r| (r.0, r.1.clone())).collect();
    let lopdf_scores: Vec<f64> = results.iter().filter_map(|r| r.2).collect();
    let poppler_scores: Vec<f64> = results.iter().filter_map(|r| r.3).collect();
    assert!(!scores.is_empty(), "no CUAD PDFs with text found");
    let mean = scores.iter().map(|s| s.0).sum::<f64>() / scores.len() as f64;
    scores.sort_by(|a, b| a.0.total_cmp(&b.0));
    println!(
        "CUAD: {} contracts, mean word similarity {mean:.4}",
        scores.len()
    );
    for (s, name) in scores.iter().take(5) {
        println!("  worst: {s:.4} {name}");
    }
    for (name, s) in [
        ("lopdf extract_text", &lopdf_scores),
        ("pdftotext", &poppler_scores),
    ] {
        if s.is_empty() {
            println!(
                "  {name}: not run (lopdf: set AIASSURE_PDF_BASELINE=1; pdftotext: install poppler-utils)"
            );
        } else {
            let m = s.iter().sum::<f64>() / s.len() as f64;
            println!(
                "  {name} on the same files, for context: mean {m:.4} ({} files)",
                s.len()
            );
        }
    }
    if poppler_scores.is_empty() {
        common::skip(
            "the pdftotext comparison: pdftotext is not installed (apt-get install poppler-utils)",
        );
    }
    assert!(
        mean >= FLOOR,
        "mean CUAD similarity {mean:.4} is below {FLOOR}"
    );
}

/// poppler's `pdftotext` output for a file, when the tool is installed.
fn pdftotext(pdf: &Path) -> Option<String> {
    let out = std::process::Command::new("pdftotext")
        .arg(pdf)
        .arg("-")
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The floor the CUAD mean must reach.
const FLOOR: f64 = 0.95;

/// Robustness: every file gives text or a clear status, quickly, without a panic.
#[test]
fn robustness_files_give_text_or_a_clear_status() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let dir = corpus.join("robustness/pdf");
    let limits = Limits::default();
    let mut files = pdfs(&dir);
    files.extend(pdfs(&dir.join("lopdf")));
    assert!(!files.is_empty());
    for f in files {
        let bytes = std::fs::read(&f).expect("read the file");
        let start = Instant::now();
        let result = aiassure::extract::pdf::extract(&bytes, &limits);
        let took = start.elapsed();
        let name = f.strip_prefix(&dir).unwrap_or(&f).display().to_string();
        let status = match &result {
            Ok(e) => format!(
                "text: {} pages, {} blocks, {} chars",
                e.pages.unwrap_or(0),
                e.blocks.len(),
                joined(e).len()
            ),
            Err(e) => format!("{}: {e}", e.status().as_str()),
        };
        println!(
            "{name:50} {:>7.1} ms  {status}",
            took.as_secs_f64() * 1000.0
        );
        assert!(took < Duration::from_secs(10), "{name} took {took:?}");
        if let Err(e) = &result {
            let m = e.to_string();
            assert!(
                m.len() > 20 && m.is_ascii(),
                "{name}: unclear message {m:?}"
            );
        }
        if name.contains("protected") || name.contains("encrypted") {
            println!("    (encrypted file)");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Small PDFs written here with lopdf, one per behaviour of the reader.

mod built {
    use aiassure::extract::pdf::extract;
    use aiassure::extract::{ExtractError, Limits};
    use aiassure::model::Extracted;
    use lopdf::{Dictionary, Document, Object, ObjectId, Stream, dictionary};

    /// A document being written: pages share one resource dictionary.
    pub struct Pdf {
        pub doc: Document,
        pages: ObjectId,
        kids: Vec<Object>,
        pub resources: Dictionary,
    }

    impl Pdf {
        /// An empty document whose font /F1 is Helvetica (standard-14 widths, WinAnsi).
        pub fn new() -> Pdf {
            let mut doc = Document::with_version("1.7");
            let pages = doc.new_object_id();
            let font = doc.add_object(dictionary! {
                "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
                "Encoding" => "WinAnsiEncoding",
            });
            Pdf {
                doc,
                pages,
                kids: Vec::new(),
                resources: dictionary! { "Font" => dictionary! { "F1" => font } },
            }
        }

        /// Adds a page drawing `content`.
        pub fn page(&mut self, content: &str) -> ObjectId {
            let stream = self
                .doc
                .add_object(Stream::new(dictionary! {}, content.as_bytes().to_vec()));
            let page = self.doc.add_object(dictionary! {
                "Type" => "Page", "Parent" => self.pages, "Contents" => stream,
                "MediaBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
            });
            self.kids.push(page.into());
            page
        }

        /// The file's bytes.
        pub fn bytes(mut self) -> Vec<u8> {
            let resources = self.doc.add_object(self.resources.clone());
            let count = self.kids.len() as i64;
            self.doc.objects.insert(
                self.pages,
                Object::Dictionary(dictionary! {
                    "Type" => "Pages", "Kids" => self.kids.clone(), "Count" => count,
                    "Resources" => resources,
                }),
            );
            let catalog = self
                .doc
                .add_object(dictionary! { "Type" => "Catalog", "Pages" => self.pages });
            self.doc.trailer.set("Root", catalog);
            let mut out = Vec::new();
            self.doc.save_to(&mut out).expect("write the PDF");
            out
        }
    }

    /// Lines of text drawn one below the other from the top of the page, 14 points apart.
    pub fn lines(lines: &[&str]) -> String {
        let mut s = String::from("BT /F1 11 Tf 14 TL 72 740 Td\n");
        for l in lines {
            s.push_str(&format!(
                "({}) Tj T*\n",
                l.replace('(', "\\(").replace(')', "\\)")
            ));
        }
        s.push_str("ET\n");
        s
    }

    pub fn read(bytes: &[u8]) -> Result<Extracted, ExtractError> {
        extract(bytes, &Limits::default())
    }

    pub fn text(bytes: &[u8]) -> String {
        let e = read(bytes).unwrap_or_else(|e| panic!("readable: {e}"));
        e.blocks
            .iter()
            .map(|b| b.text.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    }
}

use built::{Pdf, lines, read, text};
use lopdf::{Object, Stream, dictionary};

#[test]
fn tj_adjustments_and_positions_make_word_spacing() {
    let mut pdf = Pdf::new();
    // Kerning inside a word (integer and real), a word gap made by a TJ adjustment, a word gap
    // made by moving the text position, and an explicit space.
    pdf.page(
        "BT /F1 12 Tf 72 700 Td [(Sup) 20 (pl) -15.5 (ier) -280 (shall)] TJ 80 0 Td (comply) Tj \
         ( with) Tj ET",
    );
    assert_eq!(text(&pdf.bytes()), "Supplier shall comply with");
}

#[test]
fn character_and_word_spacing_and_scaling_are_applied() {
    let mut pdf = Pdf::new();
    // Wide word spacing (Tw) and horizontal scaling (Tz) still give one space; letter spacing (Tc)
    // inside a word does not split it.
    pdf.page("BT /F1 10 Tf 30 Tw 150 Tz 72 700 Td (data model) Tj ET BT /F1 10 Tf 0.5 Tc 72 600 Td (training) Tj ET");
    assert_eq!(text(&pdf.bytes()), "data model\ntraining");
}

#[test]
fn to_unicode_maps_and_ligatures_decode() {
    let mut pdf = Pdf::new();
    let cmap = b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap
1 begincodespacerange <0000> <FFFF> endcodespacerange
4 beginbfchar <0001> <0041> <0002> <0049> <0003> <FB01> <0004> <0020> endbfchar
1 beginbfrange <0010> <002F> <0061> endbfrange
endcmap end end";
    let to_unicode = pdf
        .doc
        .add_object(Stream::new(dictionary! {}, cmap.to_vec()));
    let descendant = pdf.doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "CIDFontType2", "BaseFont" => "Test",
        "DW" => 500, "W" => vec![1.into(), vec![Object::from(700), Object::from(300)].into()],
    });
    let font = pdf.doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "Test", "Encoding" => "Identity-H",
        "DescendantFonts" => vec![descendant.into()], "ToUnicode" => to_unicode,
    });
    let fonts = dictionary! { "F1" => font };
    pdf.resources.set("Font", fonts);
    // "AI " then "ﬁ" + "le" ("file"): codes 0x0001 0x0002 0x0004 0x0003 0x001B 0x0014.
    pdf.page("BT /F1 12 Tf 72 700 Td <0001000200040003001B0014> Tj ET");
    assert_eq!(text(&pdf.bytes()), "AI file");
}

#[test]
fn differences_glyph_names_decode() {
    let mut pdf = Pdf::new();
    let font = pdf.doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Times-Roman",
        "Encoding" => dictionary! {
            "Type" => "Encoding", "BaseEncoding" => "WinAnsiEncoding",
            "Differences" => vec![1.into(), "f_f_i".into(), "quoteright".into(), "eacute".into()],
        },
    });
    pdf.resources.set("Font", dictionary! { "F1" => font });
    pdf.page("BT /F1 12 Tf 72 700 Td (e\\001cient supplier\\002s caf\\003) Tj ET");
    assert_eq!(text(&pdf.bytes()), "efficient supplier\u{2019}s caf\u{e9}");
}

#[test]
fn hyphens_join_when_the_word_is_known_and_stay_otherwise() {
    let mut pdf = Pdf::new();
    pdf.page(&lines(&[
        "1.1 Each party gives an indemnification to the other for any",
        "claim. The Supplier shall give this indemnifi-",
        "cation promptly and shall not appoint any sub-",
        "processor without consent.",
    ]));
    assert_eq!(
        text(&pdf.bytes()),
        "1.1 Each party gives an indemnification to the other for any claim. The Supplier shall \
         give this indemnification promptly and shall not appoint any sub-processor without consent."
    );
}

#[test]
fn running_headers_footers_and_page_numbers_are_removed() {
    let mut pdf = Pdf::new();
    for p in 1..=4 {
        let mut content = lines(&[
            "Master Services Agreement - Confidential",
            &format!("{p}.1 The Supplier shall keep records for clause {p}."),
            &format!("{p}.2 The Buyer may audit them on page {p}."),
            "These lines are body text.",
        ]);
        content.push_str(&format!("BT /F1 9 Tf 280 40 Td (Page {p} of 4) Tj ET\n"));
        pdf.page(&content);
    }
    let e = read(&pdf.bytes()).expect("readable");
    let all: Vec<&str> = e.blocks.iter().map(|b| b.text.as_str()).collect();
    assert!(
        !all.iter()
            .any(|t| t.contains("Confidential") || t.contains("Page ")),
        "{all:?}"
    );
    assert_eq!(e.pages, Some(4));
    let b = e
        .blocks
        .iter()
        .find(|b| b.text.starts_with("3.2"))
        .expect("clause 3.2");
    assert_eq!(b.page, Some(3));
}

#[test]
fn paragraphs_continue_across_pages_and_keep_their_first_page() {
    let mut pdf = Pdf::new();
    pdf.page(&lines(&[
        "1. The Supplier shall not use Buyer Data to train any",
        "machine learning model or",
    ]));
    pdf.page(&lines(&[
        "other artificial intelligence system.",
        "2. The Buyer may terminate.",
    ]));
    let e = read(&pdf.bytes()).expect("readable");
    assert_eq!(e.blocks.len(), 2, "{:?}", e.blocks);
    assert_eq!(
        e.blocks[0].text,
        "1. The Supplier shall not use Buyer Data to train any machine learning model or other \
         artificial intelligence system."
    );
    assert_eq!(e.blocks[0].page, Some(1));
    assert_eq!(e.blocks[1].page, Some(2));
}

#[test]
fn two_columns_read_left_column_first() {
    let mut pdf = Pdf::new();
    let mut content = String::from("BT /F1 10 Tf\n");
    for i in 0..20 {
        let y = 700 - i * 12;
        content.push_str(&format!(
            "1 0 0 1 72 {y} Tm (Left column line number {i:02} reads on) Tj\n"
        ));
        content.push_str(&format!(
            "1 0 0 1 330 {y} Tm (Right column line number {i:02} reads on) Tj\n"
        ));
    }
    content.push_str("ET\n");
    pdf.page(&content);
    let t = text(&pdf.bytes());
    let last_left = t.find("Left column line number 19").expect("left text");
    let first_right = t.find("Right column line number 00").expect("right text");
    assert!(last_left < first_right, "{t}");
}

#[test]
fn form_xobjects_are_read_and_cycles_skipped() {
    let mut pdf = Pdf::new();
    let a = pdf.doc.new_object_id();
    let b = pdf.doc.new_object_id();
    let font_res = pdf.resources.clone();
    // Form A shows text and draws B; B draws A again (a cycle) and shows its own text.
    let form = |content: &str, other: lopdf::ObjectId, name: &str| {
        let mut res = font_res.clone();
        res.set("XObject", dictionary! { name => other });
        Stream::new(
            dictionary! { "Type" => "XObject", "Subtype" => "Form", "BBox" => vec![0.into(), 0.into(), 612.into(), 792.into()], "Resources" => res },
            content.as_bytes().to_vec(),
        )
    };
    pdf.doc.objects.insert(
        a,
        Object::Stream(form(
            "BT /F1 12 Tf 72 700 Td (Inside form A.) Tj ET /Fb Do",
            b,
            "Fb",
        )),
    );
    pdf.doc.objects.insert(
        b,
        Object::Stream(form(
            "BT /F1 12 Tf 72 600 Td (Inside form B.) Tj ET /Fa Do",
            a,
            "Fa",
        )),
    );
    pdf.resources.set("XObject", dictionary! { "Fa" => a });
    pdf.page("q 1 0 0 1 0 0 cm /Fa Do Q");
    assert_eq!(text(&pdf.bytes()), "Inside form A.\nInside form B.");
}

#[test]
fn deep_form_nesting_is_refused_with_the_limit() {
    let mut pdf = Pdf::new();
    let ids: Vec<lopdf::ObjectId> = (0..100).map(|_| pdf.doc.new_object_id()).collect();
    for (i, id) in ids.iter().enumerate() {
        let mut res = pdf.resources.clone();
        if let Some(next) = ids.get(i + 1) {
            res.set("XObject", dictionary! { "X" => *next });
        }
        let s = Stream::new(
            dictionary! { "Type" => "XObject", "Subtype" => "Form", "Resources" => res },
            b"BT /F1 12 Tf 72 700 Td (deep) Tj ET /X Do".to_vec(),
        );
        pdf.doc.objects.insert(*id, Object::Stream(s));
    }
    pdf.resources.set("XObject", dictionary! { "X" => ids[0] });
    pdf.page("/X Do");
    match read(&pdf.bytes()) {
        Err(e @ ExtractError::Limit(Limit::FormDepth { .. })) => {
            assert!(e.to_string().contains("--max-pdf-depth"), "{e}")
        }
        other => panic!("expected the depth limit, got {other:?}"),
    }
}

#[test]
fn absurd_operands_and_a_cyclic_page_tree_do_not_break_reading() {
    let mut pdf = Pdf::new();
    pdf.page(
        "BT /F1 12 Tf 1e30 1e30 Td (lost) Tj ET BT /F1 nan Tf 72 700 Td (kept) Tj ET \
         BT /F1 12 Tf 1 0 0 1 72 650 Tm 99999999999 Tz (also kept) Tj ET q 1e38 0 0 1e38 0 0 cm Q",
    );
    let mut bytes = pdf.bytes();
    // The reader must not panic whatever it makes of these.
    let _ = read(&bytes);
    // A page tree whose Kids contain the tree itself.
    let doc = lopdf::Document::load_mem(&bytes).expect("our own file loads");
    let mut doc = doc;
    let pages_id = doc
        .catalog()
        .expect("catalog")
        .get(b"Pages")
        .and_then(Object::as_reference)
        .expect("pages");
    if let Ok(Object::Dictionary(d)) = doc.get_object_mut(pages_id)
        && let Ok(Object::Array(kids)) = d.get_mut(b"Kids")
    {
        kids.push(Object::Reference(pages_id));
    }
    bytes.clear();
    doc.save_to(&mut bytes).expect("write");
    let t = text(&bytes);
    assert!(t.contains("kept"), "{t}");
}

#[test]
fn decompression_is_bounded() {
    use std::io::Write;
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    z.write_all(b"BT /F1 12 Tf 72 700 Td (bomb) Tj ET\n")
        .expect("compress");
    z.write_all(&vec![b' '; 20 * 1024 * 1024])
        .expect("compress");
    let packed = z.finish().expect("compress");
    let mut pdf = Pdf::new();
    let stream = pdf.doc.add_object(Stream::new(
        dictionary! { "Filter" => "FlateDecode" },
        packed,
    ));
    let page = pdf.page("");
    if let Ok(Object::Dictionary(d)) = pdf.doc.get_object_mut(page) {
        d.set("Contents", stream);
    }
    let bytes = pdf.bytes();
    let limits = Limits {
        max_decompressed_bytes: 1024 * 1024,
        ..Limits::default()
    };
    match aiassure::extract::pdf::extract(&bytes, &limits) {
        Err(e @ ExtractError::Limit(Limit::PdfDecompressed { .. })) => {
            assert!(e.to_string().contains("--max-decompressed-mb"), "{e}")
        }
        other => panic!("expected the decompression limit, got {other:?}"),
    }
    // Under the default limit the same file reads.
    assert_eq!(text(&bytes), "bomb");
}

#[test]
fn scans_passwords_and_garbage_get_clear_statuses() {
    // A page that only draws an image: a scan without a text layer.
    let mut pdf = Pdf::new();
    let image = pdf.doc.add_object(Stream::new(
        dictionary! { "Type" => "XObject", "Subtype" => "Image", "Width" => 1, "Height" => 1,
        "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8 },
        vec![0],
    ));
    pdf.resources.set("XObject", dictionary! { "Im1" => image });
    pdf.page("q 612 0 0 792 0 0 cm /Im1 Do Q");
    match read(&pdf.bytes()) {
        Err(e @ ExtractError::Unreadable(Unreadable::NeedsOcr { .. })) => {
            assert!(e.to_string().starts_with("no text layer"), "{e}")
        }
        other => panic!("expected unreadable, got {other:?}"),
    }
    // Encrypted: an empty user password opens, a real one is needed otherwise.
    for (user, readable) in [("", true), ("secret", false)] {
        let mut pdf = Pdf::new();
        pdf.page(&lines(&["The Supplier shall disclose every AI system."]));
        let bytes = pdf.bytes();
        let mut doc = lopdf::Document::load_mem(&bytes).expect("load");
        doc.trailer.set(
            "ID",
            vec![
                Object::string_literal("0123456789abcdef"),
                Object::string_literal("0123456789abcdef"),
            ],
        );
        let state = lopdf::EncryptionState::try_from(lopdf::EncryptionVersion::V2 {
            document: &doc,
            owner_password: "owner",
            user_password: user,
            key_length: 128,
            permissions: lopdf::Permissions::all(),
        })
        .expect("encryption state");
        doc.encrypt(&state).expect("encrypt");
        let mut out = Vec::new();
        doc.save_to(&mut out).expect("write");
        match read(&out) {
            Ok(e) if readable => assert_eq!(
                e.blocks[0].text,
                "The Supplier shall disclose every AI system."
            ),
            Err(ExtractError::Unreadable(Unreadable::PdfPassword)) if !readable => {}
            other => panic!("user password {user:?}: {other:?}"),
        }
    }
    // Not a PDF, and a PDF cut short.
    assert!(matches!(
        read(b"PK\x03\x04 this is a zip"),
        Err(ExtractError::Damaged(Damaged::NotPdf))
    ));
    let mut pdf = Pdf::new();
    pdf.page(&lines(&["Some text."]));
    let bytes = pdf.bytes();
    for cut in [10, bytes.len() / 3, bytes.len() / 2, bytes.len() - 20] {
        if let Err(e) = read(&bytes[..cut]) {
            assert!(!e.to_string().is_empty());
        }
    }
}
