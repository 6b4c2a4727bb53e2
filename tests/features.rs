//! AI features and disclosure: the evaluation set under `fixtures/eval/features/` (precision,
//! recall and disclosed-flag accuracy against the labels beside each document) and the real
//! contracts of the shared corpus, where every feature found must be explained.

use std::path::{Path, PathBuf};
use std::time::Instant;

use aiassure::check::features::{Features, detect};
use aiassure::extract::{Limits, extract};
use aiassure::library::Lexicon;
use aiassure::model::Format;
use aiassure::segment::segment;

use crate::common;

/// Runs the real pipeline (extract, segment, detect) on one file.
fn analyse(path: &Path) -> Option<Features> {
    let format = Format::from_path(path)?;
    let bytes = std::fs::read(path).ok()?;
    let extracted = extract(format, &bytes, &Limits::default()).ok()?;
    Some(detect(&Lexicon::builtin(), &segment(extracted), None))
}

fn files_under(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            files_under(&p, ext, out);
        } else if p.extension().is_some_and(|x| x == ext) {
            out.push(p);
        }
    }
}

/// Features the real corpus is allowed to yield, each with the reason it is right: (file name
/// ending, feature name, why).
const CORPUS_ALLOWED: &[(&str, &str, &str)] = &[];

#[test]
fn real_contracts_yield_near_zero_features() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let contracts = corpus.join("contracts");
    let mut files = Vec::new();
    files_under(&contracts.join("cuad/txt"), "txt", &mut files);
    files_under(&contracts.join("commonpaper"), "md", &mut files);
    files_under(&contracts.join("bonterms"), "md", &mut files);
    files.sort();
    let mut bytes = 0u64;
    let mut found = Vec::new();
    let started = Instant::now();
    for f in &files {
        bytes += std::fs::metadata(f).map_or(0, |m| m.len());
        let Some(features) = analyse(f) else {
            continue;
        };
        for feat in features.features {
            found.push((f.clone(), feat));
        }
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "real corpus: {} files, {:.1} MB, {} AI features found ({:.1} MB/s through extract+segment+detect)",
        files.len(),
        bytes as f64 / 1e6,
        found.len(),
        bytes as f64 / 1e6 / secs.max(1e-9)
    );
    let mut unexplained = Vec::new();
    for (path, feat) in &found {
        let name = path.to_string_lossy();
        let allowed = CORPUS_ALLOWED
            .iter()
            .find(|(file, fname, _)| name.ends_with(file) && feat.name == *fname);
        match allowed {
            Some((_, _, why)) => println!("  allowed: {} — {}: {why}", path.display(), feat.name),
            None => {
                println!(
                    "  UNEXPLAINED: {} — {} ({:?}): {}",
                    path.display(),
                    feat.name,
                    feat.category,
                    feat.evidence.quote
                );
                unexplained.push(feat.name.clone());
            }
        }
    }
    assert!(
        files.len() >= 50,
        "the corpus should hold the CUAD, Common Paper and Bonterms texts"
    );
    assert!(
        unexplained.is_empty(),
        "unexplained AI features in real contracts: {unexplained:?}"
    );
}
