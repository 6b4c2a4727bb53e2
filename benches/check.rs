//! Segmentation and checking per document, single-threaded. Throughput is in bytes of document
//! text (the blocks joined with newlines, as the checker reads it) per second.
//!
//! Documents: a small, a median and a large CUAD contract (PDF), the Common Paper Markdown
//! agreements and the CUAD plain-text contracts, checked against the built-in library.
//! Run with `cargo bench --bench check`; parts whose files are absent print why they skipped.

#![allow(clippy::print_stdout)] // a bench reports what it skipped

mod common;
#[path = "common/pick.rs"]
mod pick;

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use aiassure::check::{self, CheckOptions};
use aiassure::extract::{self, Limits};
use aiassure::library::Library;
use aiassure::model::{Document, Extracted, Format};
use aiassure::segment;
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};

/// A file extracted, with its name in bench ids and the size of its text.
struct Sample {
    name: String,
    extracted: Extracted,
    text_bytes: u64,
}

/// Extracts the files, skipping (with a message) those the readers cannot read yet.
fn load(paths: &[PathBuf]) -> Vec<Sample> {
    let limits = Limits::default();
    let mut out = Vec::new();
    for p in paths {
        let Some(format) = Format::from_path(p) else {
            continue;
        };
        let extracted = match std::fs::read(p)
            .map_err(|e| e.to_string())
            .and_then(|b| extract::extract(format, &b, &limits).map_err(|e| e.to_string()))
        {
            Ok(x) => x,
            Err(e) => {
                println!("skipped {}: {e}", p.display());
                continue;
            }
        };
        let text_bytes = segment::segment(extracted.clone()).text().len() as u64;
        out.push(Sample {
            name: pick::label(p),
            extracted,
            text_bytes,
        });
    }
    out
}

/// A set of documents, benched one by one or as one batch.
struct Set {
    kind: &'static str,
    docs: Vec<Sample>,
    batch: bool,
}

/// The documents of every bench here: a spread of CUAD PDFs, Common Paper Markdown and CUAD text
/// one by one, and the whole CUAD text set as one batch (the figure BENCHMARKS.md quotes).
fn sets() -> Vec<Set> {
    let Some(corpus) = common::corpus() else {
        return Vec::new();
    };
    let contracts = corpus.join("contracts");
    let pdf = common::files(&contracts.join("cuad/pdf"), &["pdf"]);
    let markdown = common::files(&contracts.join("commonpaper"), &["md"]);
    let text = common::files(&contracts.join("cuad/txt"), &["txt"]);
    let set = |kind, paths: &[PathBuf], batch| Set {
        kind,
        docs: load(paths),
        batch,
    };
    vec![
        set("pdf", &pick::spread(&pdf), false),
        set("markdown", &pick::spread(&markdown), false),
        set("text", &pick::spread(&text), false),
        set("text-all", &text, true),
    ]
}

fn segmentation(c: &mut Criterion) {
    for set in sets() {
        let mut g = c.benchmark_group(format!("segment/{}", set.kind));
        if set.batch {
            g.throughput(Throughput::Bytes(
                set.docs.iter().map(|s| s.text_bytes).sum(),
            ));
            g.bench_function(format!("{} documents", set.docs.len()), |b| {
                b.iter_batched(
                    || {
                        set.docs
                            .iter()
                            .map(|s| s.extracted.clone())
                            .collect::<Vec<_>>()
                    },
                    |all| {
                        for x in all {
                            black_box(segment::segment(x));
                        }
                    },
                    BatchSize::LargeInput,
                )
            });
        } else {
            for s in &set.docs {
                g.throughput(Throughput::Bytes(s.text_bytes));
                g.bench_function(&s.name, |b| {
                    b.iter_batched(
                        || s.extracted.clone(),
                        |x| segment::segment(black_box(x)),
                        BatchSize::SmallInput,
                    )
                });
            }
        }
        g.finish();
    }
}

fn checking(c: &mut Criterion) {
    let library = Library::builtin();
    let options = CheckOptions::default();
    for set in sets() {
        let located: Vec<Document> = set
            .docs
            .iter()
            .map(|s| segment::segment(s.extracted.clone()))
            .collect();
        let mut g = c.benchmark_group(format!("check/{}", set.kind));
        if set.batch {
            g.throughput(Throughput::Bytes(
                set.docs.iter().map(|s| s.text_bytes).sum(),
            ));
            g.bench_function(format!("{} documents", set.docs.len()), |b| {
                b.iter(|| {
                    for d in &located {
                        black_box(check::check(&library, black_box(d), &options));
                    }
                })
            });
        } else {
            for (s, d) in set.docs.iter().zip(&located) {
                g.throughput(Throughput::Bytes(s.text_bytes));
                g.bench_function(&s.name, |b| {
                    b.iter(|| check::check(&library, black_box(d), &options))
                });
            }
        }
        g.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    targets = segmentation, checking
}
criterion_main!(benches);
