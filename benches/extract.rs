//! Extraction per format: bytes of one file into blocks of text, single-threaded, no I/O in the
//! timed loop. Throughput is in bytes of input file per second.
//!
//! PDF: a small, a median and a large CUAD contract. DOCX: the repository's fixtures and the
//! Bonterms Word files. Text: the Common Paper Markdown agreements and CUAD plain-text contracts.
//! Run with `cargo bench --bench extract`; parts whose files are absent print why they skipped.

#![allow(clippy::print_stdout)] // a bench reports what it skipped

mod common;
#[path = "common/pick.rs"]
mod pick;

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use aiassure::extract::{self, Limits};
use aiassure::model::Format;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// Benches the files one by one (a spread of sizes) and all of them as one batch.
fn bench_files(c: &mut Criterion, group: &str, paths: &[PathBuf]) {
    let limits = Limits::default();
    let mut loaded: Vec<(PathBuf, Format, Vec<u8>)> = Vec::new();
    for p in paths {
        let Some(format) = Format::from_path(p) else {
            continue;
        };
        let Ok(bytes) = std::fs::read(p) else {
            println!("skipped {}: could not read it", p.display());
            continue;
        };
        // A reader still in progress (or a file it rejects) is reported, not timed.
        if let Err(e) = extract::extract(format, &bytes, &limits) {
            println!("skipped {}: {e}", p.display());
            continue;
        }
        loaded.push((p.clone(), format, bytes));
    }
    if loaded.is_empty() {
        println!("skipped {group}: no readable files");
        return;
    }
    let mut g = c.benchmark_group(group);
    let spread = pick::spread(&loaded.iter().map(|(p, ..)| p.clone()).collect::<Vec<_>>());
    for (path, format, bytes) in loaded.iter().filter(|(p, ..)| spread.contains(p)) {
        g.throughput(Throughput::Bytes(bytes.len() as u64));
        g.bench_function(pick::label(path), |b| {
            b.iter(|| extract::extract(*format, black_box(bytes), &limits))
        });
    }
    if loaded.len() > spread.len() {
        let total: usize = loaded.iter().map(|(_, _, b)| b.len()).sum();
        g.throughput(Throughput::Bytes(total as u64));
        g.bench_function(format!("all {} files", loaded.len()), |b| {
            b.iter(|| {
                for (_, format, bytes) in &loaded {
                    let _ = black_box(extract::extract(*format, black_box(bytes), &limits));
                }
            })
        });
    }
    g.finish();
}

fn pdf(c: &mut Criterion) {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let cuad = common::files(&corpus.join("contracts/cuad/pdf"), &["pdf"]);
    bench_files(c, "extract/pdf", &pick::spread(&cuad));
}

fn docx(c: &mut Criterion) {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    bench_files(
        c,
        "extract/docx-fixtures",
        &common::files(&fixtures, &["docx"]),
    );
    if let Some(corpus) = common::corpus() {
        let bonterms = common::files(&corpus.join("contracts/bonterms"), &["docx"]);
        bench_files(c, "extract/docx-bonterms", &bonterms);
    }
}

fn text(c: &mut Criterion) {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let markdown = common::files(&corpus.join("contracts/commonpaper"), &["md"]);
    bench_files(c, "extract/markdown-commonpaper", &markdown);
    let cuad = common::files(&corpus.join("contracts/cuad/txt"), &["txt"]);
    bench_files(c, "extract/text-cuad", &cuad);
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    targets = pdf, docx, text
}
criterion_main!(benches);
