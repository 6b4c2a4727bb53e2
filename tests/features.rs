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

/// Expected labels of one evaluation document.
#[derive(Debug, serde::Deserialize)]
struct Labels {
    stem: String,
    declaration: String,
    features: Vec<ExpectedFeature>,
    #[serde(default)]
    optional: Vec<String>,
}

#[derive(Debug, serde::Deserialize)]
struct ExpectedFeature {
    key: String,
    category: String,
    disclosed: bool,
    /// `named` or `inferred`, where the label says.
    #[serde(default)]
    basis: Option<String>,
}

#[derive(Debug, serde::Deserialize)]
struct LabelFile {
    doc: Vec<Labels>,
}

fn category_name(c: aiassure::model::FeatureCategory) -> String {
    serde_json::to_value(c)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default()
}

#[test]
fn evaluation_precision_recall_and_disclosure() {
    let dir = common::root().join("fixtures/eval/features");
    let labels: LabelFile = toml::from_str(
        &std::fs::read_to_string(dir.join("labels.toml")).expect("labels.toml is readable"),
    )
    .expect("labels.toml is valid");
    let verbose = std::env::var_os("FEATURES_VERBOSE").is_some();
    let (mut tp, mut fp, mut fneg) = (0usize, 0usize, 0usize);
    let (mut disclosed_ok, mut category_ok) = (0usize, 0usize);
    let (mut basis_ok, mut basis_total) = (0usize, 0usize);
    let (mut decl_ok, mut decl_total) = (0usize, 0usize);
    let mut documents = 0usize;
    let mut problems: Vec<String> = Vec::new();
    let mut stems_seen = 0usize;
    for doc in &labels.doc {
        let mut files = Vec::new();
        for ext in ["md", "txt", "docx", "pdf", "html"] {
            let p = dir.join(format!("{}.{ext}", doc.stem));
            if p.is_file() {
                files.push(p);
            }
        }
        assert!(!files.is_empty(), "no file for labelled stem {}", doc.stem);
        stems_seen += 1;
        for path in files {
            let name = path
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
            let Some(found) = analyse(&path) else {
                problems.push(format!("{name}: could not be read"));
                continue;
            };
            documents += 1;
            if verbose {
                for f in &found.features {
                    println!(
                        "  {name}: {} [{}] disclosed={} | {}",
                        f.name,
                        category_name(f.category),
                        f.disclosed,
                        f.evidence.quote
                    );
                }
                println!(
                    "  {name}: declaration {:?}",
                    found
                        .declaration
                        .as_ref()
                        .map(|d| (d.says_ai_used, &d.evidence.quote))
                );
            }
            let mut used = vec![false; found.features.len()];
            for want in &doc.features {
                let hit = found.features.iter().enumerate().find(|(i, f)| {
                    !used[*i] && f.name.to_lowercase().contains(&want.key.to_lowercase())
                });
                match hit {
                    Some((i, f)) => {
                        used[i] = true;
                        tp += 1;
                        if f.disclosed == want.disclosed {
                            disclosed_ok += 1;
                        } else {
                            problems.push(format!(
                                "{name}: \"{}\" disclosed={} (expected {})",
                                f.name, f.disclosed, want.disclosed
                            ));
                        }
                        if let Some(basis) = &want.basis {
                            basis_total += 1;
                            let got = serde_json::to_value(f.basis)
                                .ok()
                                .and_then(|v| v.as_str().map(String::from))
                                .unwrap_or_default();
                            if &got == basis {
                                basis_ok += 1;
                            } else {
                                problems.push(format!(
                                    "{name}: \"{}\" basis {got} (expected {basis})",
                                    f.name
                                ));
                            }
                        }
                        if category_name(f.category) == want.category {
                            category_ok += 1;
                        } else {
                            problems.push(format!(
                                "{name}: \"{}\" category {} (expected {})",
                                f.name,
                                category_name(f.category),
                                want.category
                            ));
                        }
                    }
                    None => {
                        fneg += 1;
                        problems.push(format!("{name}: missed \"{}\"", want.key));
                    }
                }
            }
            for (i, f) in found.features.iter().enumerate() {
                if used[i] || doc.optional.iter().any(|o| o.eq_ignore_ascii_case(&f.name)) {
                    continue;
                }
                fp += 1;
                problems.push(format!(
                    "{name}: false feature \"{}\": {}",
                    f.name, f.evidence.quote
                ));
            }
            decl_total += 1;
            let got = match &found.declaration {
                None => "none",
                Some(d) if d.says_ai_used => "yes",
                Some(_) => "no",
            };
            if got == doc.declaration {
                decl_ok += 1;
            } else {
                problems.push(format!(
                    "{name}: declaration {got} (expected {})",
                    doc.declaration
                ));
            }
        }
    }
    let ratio = |a: usize, b: usize| if b == 0 { 1.0 } else { a as f64 / b as f64 };
    let precision = ratio(tp, tp + fp);
    let recall = ratio(tp, tp + fneg);
    let disclosed = ratio(disclosed_ok, tp);
    let category = ratio(category_ok, tp);
    let declaration = ratio(decl_ok, decl_total);
    let basis = ratio(basis_ok, basis_total);
    println!(
        "AI-feature evaluation: {stems_seen} labelled documents ({documents} files): precision {precision:.3} \
         ({tp} right, {fp} false), recall {recall:.3} ({fneg} missed), disclosed flag {disclosed:.3}, \
         category {category:.3}, declaration {declaration:.3}, basis {basis:.3} ({basis_total} labelled)"
    );
    for p in &problems {
        println!("  {p}");
    }
    assert!(
        stems_seen >= 30,
        "the evaluation needs at least 30 documents"
    );
    assert!(precision >= 0.95, "precision {precision:.3} is below 0.95");
    assert!(recall >= 0.9, "recall {recall:.3} is below 0.9");
    assert!(
        disclosed >= 0.98,
        "disclosed-flag accuracy {disclosed:.3} is below 0.98"
    );
    assert!(
        category >= 0.9,
        "category accuracy {category:.3} is below 0.9"
    );
    assert!(basis >= 0.95, "basis accuracy {basis:.3} is below 0.95");
    assert!(
        declaration >= 0.95,
        "declaration accuracy {declaration:.3} is below 0.95"
    );
}
