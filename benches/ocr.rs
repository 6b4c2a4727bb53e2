//! OCR throughput: pages per second per core, against Tesseract alone on the same image.
//!
//! The contract of `fixtures/ocr/contract.txt` is laid out by LibreOffice (one A4 page) and
//! rendered by `pdftoppm` at 300 dpi as a JPEG; the bench then reads, in-process on one thread
//! (Tesseract with `OMP_THREAD_LIMIT=1`, so one core):
//!
//! - an image-only PDF holding that JPEG (the usual scan: the image is handed to Tesseract as it is);
//! - the laid-out PDF itself with `--ocr always` (the page is rendered by `pdftoppm` first);
//! - the JPEG as an image file;
//!
//! and, as the reference, `tesseract IMAGE out --dpi 300 tsv` on the JPEG alone. After one warm-up
//! round, `OCR_REPS` rounds (default 5) run each of the four once, in turn, so that a change in the
//! machine's load falls on all of them alike; the median of each is printed. Run with `cargo bench --bench ocr`; it skips,
//! saying why, when LibreOffice, pdftoppm or Tesseract is missing. Prints Markdown.

#![allow(clippy::print_stdout)] // a bench reports what it measured

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use aiassure::extract::ocr::{Ocr, OcrMode, OcrOptions, on_path};
use aiassure::extract::{self, Limits};
use aiassure::model::Format;
use lopdf::{Document, Object, Stream, dictionary};

fn main() {
    for tool in ["soffice", "pdftoppm", "tesseract"] {
        if on_path(tool).is_none() {
            println!("skipped the OCR bench: {tool} is not installed");
            return;
        }
    }
    let reps: u32 = std::env::var("OCR_REPS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5)
        .max(1);
    let dir = std::env::temp_dir().join(format!("aiassure-ocr-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a scratch folder");
    let source = dir.join("contract.txt");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/ocr/contract.txt"),
        &source,
    )
    .expect("the fixture is there");
    let status = Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            dir.join("profile").display()
        ))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(&dir)
        .arg(&source)
        .output()
        .expect("soffice runs");
    let laid_out = std::fs::read(dir.join("contract.pdf")).unwrap_or_else(|_| {
        panic!("LibreOffice did not lay out the contract: {status:?}");
    });
    let base = dir.join("page");
    Command::new("pdftoppm")
        .args(["-r", "300", "-gray", "-jpeg", "-singlefile"])
        .arg(dir.join("contract.pdf"))
        .arg(&base)
        .status()
        .expect("pdftoppm runs");
    let jpeg_path = base.with_extension("jpg");
    let jpeg = std::fs::read(&jpeg_path).expect("pdftoppm wrote the page");
    let scan = jpeg_pdf(&jpeg, 2480, 3508, 300);

    let ocr = |mode| {
        Ocr::new(OcrOptions {
            mode,
            ..OcrOptions::default()
        })
        .expect("Tesseract with English")
    };
    let (auto, always) = (ocr(OcrMode::Auto), ocr(OcrMode::Always));
    let limits = Limits::default();
    let read = |format: Format, bytes: &[u8], ocr: &Ocr| {
        let r = extract::extract_with(format, bytes, &limits, ocr).expect("the page is read");
        assert!(r.ocr.is_some(), "read by OCR");
    };
    let tsv = dir.join("reference");
    let reference = || {
        let ok = Command::new("tesseract")
            .arg(&jpeg_path)
            .arg(&tsv)
            .args(["--dpi", "300", "tsv"])
            .env("OMP_THREAD_LIMIT", "1")
            .output()
            .expect("tesseract runs")
            .status
            .success();
        assert!(ok);
    };
    let runs: [(&str, &dyn Fn()); 4] = [
        (
            "image-only PDF (JPEG page image, handed to Tesseract)",
            &|| read(Format::Pdf, &scan, &auto),
        ),
        (
            "laid-out PDF with `--ocr always` (rendered by pdftoppm, then OCR)",
            &|| read(Format::Pdf, &laid_out, &always),
        ),
        ("JPEG image file", &|| read(Format::Jpeg, &jpeg, &auto)),
        (
            "reference: `tesseract page.jpg out --dpi 300 tsv`",
            &reference,
        ),
    ];
    let mut times: Vec<Vec<Duration>> = vec![Vec::new(); runs.len()];
    for round in 0..=reps {
        for (i, (_, run)) in runs.iter().enumerate() {
            let start = Instant::now();
            run();
            if round > 0 {
                times[i].push(start.elapsed());
            }
        }
    }
    let median: Vec<Duration> = times
        .iter_mut()
        .map(|t| {
            t.sort();
            t[t.len() / 2]
        })
        .collect();
    let reference = median[3];
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "### OCR throughput, one A4 page at 300 dpi, one core, median of {reps} rounds \
         (load average {})\n",
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
    println!("| input | seconds per page | pages per second per core | vs Tesseract alone |");
    println!("|---|---|---|---|");
    for ((what, _), t) in runs.iter().zip(&median).take(3) {
        println!(
            "| {what} | {:.2} | {:.2} | {:.2} |",
            t.as_secs_f64(),
            1.0 / t.as_secs_f64(),
            t.as_secs_f64() / reference.as_secs_f64()
        );
    }
    println!(
        "| {} | {:.2} | {:.2} | 1.00 |",
        runs[3].0,
        reference.as_secs_f64(),
        1.0 / reference.as_secs_f64()
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A one-page PDF holding a JPEG as its only image, covering the page.
fn jpeg_pdf(jpeg: &[u8], width: i64, height: i64, dpi: i64) -> Vec<u8> {
    let (w, h) = (
        width as f32 * 72.0 / dpi as f32,
        height as f32 * 72.0 / dpi as f32,
    );
    let mut doc = Document::with_version("1.5");
    let pages = doc.new_object_id();
    let image = doc.add_object(Stream::new(
        dictionary! { "Type" => "XObject", "Subtype" => "Image", "Width" => width,
        "Height" => height, "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8,
        "Filter" => "DCTDecode" },
        jpeg.to_vec(),
    ));
    let content = doc.add_object(Stream::new(
        dictionary! {},
        format!("q {w} 0 0 {h} 0 0 cm /Im0 Do Q").into_bytes(),
    ));
    let page = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages, "Contents" => content,
        "MediaBox" => vec![0.into(), 0.into(), Object::Real(w), Object::Real(h)],
        "Resources" => dictionary! { "XObject" => dictionary! { "Im0" => image } },
    });
    doc.objects.insert(
        pages,
        Object::Dictionary(
            dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 },
        ),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages });
    doc.trailer.set("Root", catalog);
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("the PDF is written");
    out
}
