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

use aiassure::extract::{ExtractError, Limits};
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

/// CUAD: every PDF against the released text of the same contract.
#[test]
fn cuad_text_matches_released_text() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let dir = corpus.join("contracts/cuad");
    let limits = Limits::default();
    let mut scores = Vec::new();
    let mut lopdf_scores = Vec::new();
    for pdf in pdfs(&dir.join("pdf")) {
        let stem = pdf.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
        let Ok(truth) = std::fs::read_to_string(dir.join("txt").join(format!("{stem}.txt"))) else {
            continue;
        };
        let bytes = std::fs::read(&pdf).expect("read the PDF");
        let ours = match aiassure::extract::pdf::extract(&bytes, &limits) {
            Ok(e) => joined(&e),
            Err(e) => format!("ERROR {e}"),
        };
        scores.push((similarity(&ours, &truth), stem.to_string()));
        if std::env::var_os("AIASSURE_PDF_BASELINE").is_some()
            && let Ok(doc) = lopdf::Document::load_mem(&bytes)
        {
            let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
            let text = doc.extract_text(&pages).unwrap_or_default();
            lopdf_scores.push(similarity(&text, &truth));
        }
    }
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
    if !lopdf_scores.is_empty() {
        let m = lopdf_scores.iter().sum::<f64>() / lopdf_scores.len() as f64;
        println!("  lopdf extract_text baseline: mean {m:.4}");
    }
    assert!(
        mean >= FLOOR,
        "mean CUAD similarity {mean:.4} is below {FLOOR}"
    );
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
            Err(ExtractError::Unreadable(m)) => format!("unreadable: {m}"),
            Err(ExtractError::Failed(m)) => format!("error: {m}"),
        };
        println!(
            "{name:50} {:>7.1} ms  {status}",
            took.as_secs_f64() * 1000.0
        );
        assert!(took < Duration::from_secs(10), "{name} took {took:?}");
        if let Err(ExtractError::Unreadable(m) | ExtractError::Failed(m)) = &result {
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
