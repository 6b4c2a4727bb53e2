//! OCR of scans, through the binary: a contract of our own (`fixtures/ocr/contract.txt`) is laid
//! out by LibreOffice, rendered by `pdftoppm` at 200 and 300 dpi, made a little rotated and noisy
//! here, and wrapped as image-only PDFs (raw grey samples, JPEG, or two image strips that force
//! rendering) and as PNG and TIFF files. Each test prints the word accuracy of the OCR text
//! against the source and checks the verdicts on the scan equal those on the source text.
//!
//! Needs LibreOffice (`soffice`), poppler-utils (`pdftoppm`) and Tesseract with English: absent,
//! the tests skip, and fail under CI. Without Tesseract (simulated with `AIASSURE_TESSERACT=`),
//! scans are reported as today, with the install command.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use flate2::Compression;
use flate2::write::ZlibEncoder;
use lopdf::{Document, Object, Stream, dictionary};
use serde_json::Value;

use crate::common;

/// A grey image, one byte per pixel.
#[derive(Clone)]
struct Gray {
    width: usize,
    height: usize,
    px: Vec<u8>,
    dpi: u32,
}

impl Gray {
    /// Reads a binary PGM (P5, 8-bit) as pdftoppm writes it.
    fn pgm(bytes: &[u8], dpi: u32) -> Gray {
        let mut fields = Vec::new();
        let mut at = 0;
        while fields.len() < 4 {
            while bytes[at].is_ascii_whitespace() {
                at += 1;
            }
            let start = at;
            while !bytes[at].is_ascii_whitespace() {
                at += 1;
            }
            fields.push(String::from_utf8_lossy(&bytes[start..at]).into_owned());
        }
        assert_eq!(fields[0], "P5", "a binary PGM");
        let width: usize = fields[1].parse().unwrap();
        let height: usize = fields[2].parse().unwrap();
        let px = bytes[at + 1..at + 1 + width * height].to_vec();
        Gray {
            width,
            height,
            px,
            dpi,
        }
    }

    /// Rotated by `degrees` about the centre (bilinear, white outside), as a page fed askew.
    fn rotated(&self, degrees: f64) -> Gray {
        let (s, c) = degrees.to_radians().sin_cos();
        let (cx, cy) = (self.width as f64 / 2.0, self.height as f64 / 2.0);
        let mut px = vec![255u8; self.px.len()];
        for y in 0..self.height {
            for x in 0..self.width {
                let (dx, dy) = (x as f64 - cx, y as f64 - cy);
                let sx = c * dx + s * dy + cx;
                let sy = -s * dx + c * dy + cy;
                if sx < 0.0 || sy < 0.0 {
                    continue;
                }
                let (x0, y0) = (sx.floor() as usize, sy.floor() as usize);
                if x0 + 1 >= self.width || y0 + 1 >= self.height {
                    continue;
                }
                let (fx, fy) = (sx - x0 as f64, sy - y0 as f64);
                let p = |x: usize, y: usize| f64::from(self.px[y * self.width + x]);
                let v = p(x0, y0) * (1.0 - fx) * (1.0 - fy)
                    + p(x0 + 1, y0) * fx * (1.0 - fy)
                    + p(x0, y0 + 1) * (1.0 - fx) * fy
                    + p(x0 + 1, y0 + 1) * fx * fy;
                px[y * self.width + x] = v.round() as u8;
            }
        }
        Gray { px, ..self.clone() }
    }

    /// With scanner noise: grain of up to `grain` levels on every pixel and `specks` per
    /// thousand pixels flipped dark (dust) or light (dropout). Deterministic.
    fn noisy(&self, grain: i32, specks: u32) -> Gray {
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let px = self
            .px
            .iter()
            .map(|&p| {
                let r = next();
                if (r % 1000) < u64::from(specks) {
                    return if r & 0x10000 == 0 { 40 } else { 230 };
                }
                let g = ((r >> 20) % (2 * grain as u64 + 1)) as i32 - grain;
                (i32::from(p) + g).clamp(0, 255) as u8
            })
            .collect();
        Gray { px, ..self.clone() }
    }

    /// The image as a PNG file (grey, 8-bit, with its resolution).
    fn png(&self) -> Vec<u8> {
        fn chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
            out.extend_from_slice(&(data.len() as u32).to_be_bytes());
            let mut crc = flate2::Crc::new();
            crc.update(kind);
            crc.update(data);
            out.extend_from_slice(kind);
            out.extend_from_slice(data);
            out.extend_from_slice(&crc.sum().to_be_bytes());
        }
        let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
        let mut ihdr = Vec::new();
        ihdr.extend_from_slice(&(self.width as u32).to_be_bytes());
        ihdr.extend_from_slice(&(self.height as u32).to_be_bytes());
        ihdr.extend_from_slice(&[8, 0, 0, 0, 0]);
        chunk(&mut out, b"IHDR", &ihdr);
        let ppm = (f64::from(self.dpi) / 0.0254).round() as u32;
        let mut phys = Vec::new();
        phys.extend_from_slice(&ppm.to_be_bytes());
        phys.extend_from_slice(&ppm.to_be_bytes());
        phys.push(1);
        chunk(&mut out, b"pHYs", &phys);
        let mut raw = Vec::with_capacity(self.px.len() + self.height);
        for row in self.px.chunks(self.width) {
            raw.push(0);
            raw.extend_from_slice(row);
        }
        chunk(&mut out, b"IDAT", &zlib(&raw));
        chunk(&mut out, b"IEND", &[]);
        out
    }

    /// The image as an uncompressed TIFF file (grey, 8-bit, with its resolution).
    fn tiff(&self) -> Vec<u8> {
        let entries: u32 = 11;
        let ifd_len = 2 + 12 * entries + 4;
        let res_at = 8 + ifd_len;
        let data_at = res_at + 16;
        let mut out = b"II*\0".to_vec();
        out.extend_from_slice(&8u32.to_le_bytes());
        out.extend_from_slice(&(entries as u16).to_le_bytes());
        let mut entry = |tag: u16, kind: u16, value: u32| {
            out.extend_from_slice(&tag.to_le_bytes());
            out.extend_from_slice(&kind.to_le_bytes());
            out.extend_from_slice(&1u32.to_le_bytes());
            if kind == 3 {
                out.extend_from_slice(&(value as u16).to_le_bytes());
                out.extend_from_slice(&[0, 0]);
            } else {
                out.extend_from_slice(&value.to_le_bytes());
            }
        };
        let (w, h) = (self.width as u32, self.height as u32);
        entry(256, 4, w); // ImageWidth
        entry(257, 4, h); // ImageLength
        entry(258, 3, 8); // BitsPerSample
        entry(259, 3, 1); // Compression: none
        entry(262, 3, 1); // Photometric: black is zero
        entry(273, 4, data_at); // StripOffsets
        entry(277, 3, 1); // SamplesPerPixel
        entry(278, 4, h); // RowsPerStrip
        entry(279, 4, w * h); // StripByteCounts
        entry(282, 5, res_at); // XResolution
        entry(283, 5, res_at + 8); // YResolution
        out.extend_from_slice(&0u32.to_le_bytes());
        for _ in 0..2 {
            out.extend_from_slice(&self.dpi.to_le_bytes());
            out.extend_from_slice(&1u32.to_le_bytes());
        }
        out.extend_from_slice(&self.px);
        out
    }

    /// An image-only PDF page: the image as raw grey samples (`FlateDecode`) covering the page.
    fn pdf(&self) -> Vec<u8> {
        let image = Stream::new(
            dictionary! { "Type" => "XObject", "Subtype" => "Image",
            "Width" => self.width as i64, "Height" => self.height as i64,
            "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8, "Filter" => "FlateDecode" },
            zlib(&self.px),
        );
        image_pdf(vec![(image, 0, self.height)], self)
    }

    /// An image-only PDF page drawn as two strips (top and bottom halves): not one image, so the
    /// reader renders the page.
    fn pdf_in_strips(&self) -> Vec<u8> {
        let half = self.height / 2;
        let strip = |from: usize, to: usize| {
            Stream::new(
                dictionary! { "Type" => "XObject", "Subtype" => "Image",
                "Width" => self.width as i64, "Height" => (to - from) as i64,
                "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8, "Filter" => "FlateDecode" },
                zlib(&self.px[from * self.width..to * self.width]),
            )
        };
        image_pdf(
            vec![
                (strip(0, half), 0, half),
                (strip(half, self.height), half, self.height),
            ],
            self,
        )
    }
}

/// A one-page PDF drawing image strips (each with the rows it covers) over a page of the image's
/// size.
fn image_pdf(strips: Vec<(Stream, usize, usize)>, img: &Gray) -> Vec<u8> {
    image_pdf_after(None, strips, img)
}

/// As [`image_pdf`], after a first page with a text layer (Helvetica) when `text` is given.
fn image_pdf_after(text: Option<&str>, strips: Vec<(Stream, usize, usize)>, img: &Gray) -> Vec<u8> {
    let pt = |px: usize| px as f64 * 72.0 / f64::from(img.dpi);
    let (w, h) = (pt(img.width), pt(img.height));
    let mut doc = Document::with_version("1.5");
    let pages = doc.new_object_id();
    let mut kids: Vec<Object> = Vec::new();
    if let Some(text) = text {
        let font = doc.add_object(dictionary! {
            "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
            "Encoding" => "WinAnsiEncoding",
        });
        let content = format!("BT /F1 11 Tf 72 720 Td ({text}) Tj ET");
        let contents = doc.add_object(Stream::new(dictionary! {}, content.into_bytes()));
        let page = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages, "Contents" => contents,
            "MediaBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
            "Resources" => dictionary! { "Font" => dictionary! { "F1" => font } },
        });
        kids.push(page.into());
    }
    let mut xobjects = lopdf::Dictionary::new();
    let mut content = String::new();
    for (i, (stream, from, to)) in strips.into_iter().enumerate() {
        let id = doc.add_object(stream);
        let name = format!("Im{i}");
        xobjects.set(name.as_bytes(), id);
        content.push_str(&format!(
            "q {w:.3} 0 0 {:.3} 0 {:.3} cm /{name} Do Q\n",
            pt(to - from),
            h - pt(to)
        ));
    }
    let contents = doc.add_object(Stream::new(dictionary! {}, content.into_bytes()));
    let page = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages, "Contents" => contents,
        "MediaBox" => vec![0.into(), 0.into(), Object::Real(w as f32), Object::Real(h as f32)],
        "Resources" => dictionary! { "XObject" => xobjects },
    });
    kids.push(page.into());
    let count = kids.len() as i64;
    doc.objects.insert(
        pages,
        Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => count }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages });
    doc.trailer.set("Root", catalog);
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("the PDF is written");
    out
}

/// An image-only PDF page holding a JPEG file (`DCTDecode`) as it is.
fn jpeg_pdf(jpeg: &[u8], img: &Gray) -> Vec<u8> {
    let image = Stream::new(
        dictionary! { "Type" => "XObject", "Subtype" => "Image",
        "Width" => img.width as i64, "Height" => img.height as i64,
        "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8, "Filter" => "DCTDecode" },
        jpeg.to_vec(),
    );
    image_pdf(vec![(image, 0, img.height)], img)
}

fn zlib(data: &[u8]) -> Vec<u8> {
    let mut z = ZlibEncoder::new(Vec::new(), Compression::fast());
    z.write_all(data).unwrap();
    z.finish().unwrap()
}

/// The source contract laid out and rendered once for every test.
struct Fixture {
    dir: tempfile::TempDir,
    source: PathBuf,
    at_300: Gray,
    at_200: Gray,
    jpeg_200: Vec<u8>,
}

impl Fixture {
    /// Writes a file into the fixture's folder.
    fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    }
}

/// True when the tools OCR tests need are here; else skips (a failure under CI).
fn tools() -> bool {
    for tool in ["tesseract", "pdftoppm", "soffice"] {
        if aiassure::extract::ocr::on_path(tool).is_none() {
            common::skip(&format!(
                "OCR tests: {tool} is not installed (Debian: tesseract-ocr tesseract-ocr-eng, \
                 poppler-utils, libreoffice-writer-nogui)"
            ));
            return false;
        }
    }
    true
}

fn fixture() -> Option<&'static Fixture> {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    if !tools() {
        return None;
    }
    Some(FIXTURE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let source = dir.path().join("contract.txt");
        std::fs::copy(common::root().join("fixtures/ocr/contract.txt"), &source).unwrap();
        let out = Command::new("soffice")
            .arg(format!(
                "-env:UserInstallation=file://{}",
                dir.path().join("profile").display()
            ))
            .args(["--headless", "--convert-to", "pdf", "--outdir"])
            .arg(dir.path())
            .arg(&source)
            .output()
            .unwrap();
        let pdf = dir.path().join("contract.pdf");
        assert!(
            pdf.is_file(),
            "LibreOffice did not lay out the contract: {out:?}"
        );
        let render = |dpi: u32, fmt: &str, name: &str| {
            let base = dir.path().join(name);
            let out = Command::new("pdftoppm")
                .args(["-r", &dpi.to_string(), "-gray", fmt, "-singlefile"])
                .arg(&pdf)
                .arg(&base)
                .output()
                .unwrap();
            assert!(out.status.success(), "pdftoppm: {out:?}");
            base
        };
        let pgm = |dpi| {
            let base = render(dpi, "-gray", &format!("page-{dpi}"));
            Gray::pgm(&std::fs::read(base.with_extension("pgm")).unwrap(), dpi)
        };
        let jpeg = render(200, "-jpeg", "page-200-jpeg").with_extension("jpg");
        Fixture {
            source,
            at_300: pgm(300),
            at_200: pgm(200),
            jpeg_200: std::fs::read(jpeg).unwrap(),
            dir,
        }
    }))
}

fn run(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_aiassure"));
    cmd.args(args).current_dir(common::root());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("the aiassure binary runs")
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// The text the checker reads from a file, and the extraction's JSON document.
fn extract(path: &Path) -> (String, Value) {
    let out = run(
        &["extract", "--format", "json", path.to_str().unwrap()],
        &[],
    );
    let doc = json(&out)["documents"][0].clone();
    assert_eq!(doc["status"], "analysed", "{doc}");
    let text = doc["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["text"].as_str().unwrap().to_string())
        .collect::<Vec<_>>()
        .join("\n");
    (text, doc)
}

/// The scan report's document for a file (the whole report checked against the JSON schema).
fn scan(path: &Path) -> Value {
    let out = run(
        &[
            "scan",
            path.to_str().unwrap(),
            "--format",
            "json",
            "--fail-on",
            "never",
            "-q",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let report = json(&out);
    assert_eq!(crate::report::schema_errors(&report), Vec::<String>::new());
    report["documents"][0].clone()
}

fn verdicts(doc: &Value) -> BTreeMap<String, String> {
    doc["clauses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap().into(),
                c["status"].as_str().unwrap().into(),
            )
        })
        .collect()
}

/// Words for comparison: lowercase letters and digits.
fn words(text: &str) -> Vec<String> {
    text.split_whitespace()
        .map(|w| {
            w.chars()
                .filter(|c| c.is_alphanumeric())
                .flat_map(char::to_lowercase)
                .collect::<String>()
        })
        .filter(|w| !w.is_empty())
        .collect()
}

/// Word accuracy: 1 - (word edit distance / words in the source).
fn word_accuracy(ocr: &str, source: &str) -> f64 {
    let (a, b) = (words(source), words(ocr));
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, wa) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, wb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(wa != wb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    1.0 - prev[b.len()] as f64 / a.len().max(1) as f64
}

#[test]
fn word_accuracy_counts_edits() {
    assert!((word_accuracy("the Supplier shall", "The supplier, shall") - 1.0).abs() < 1e-9);
    assert!((word_accuracy("the Suppl1er shall", "the supplier shall") - 2.0 / 3.0).abs() < 1e-9);
    assert!((word_accuracy("the shall", "the supplier shall") - 2.0 / 3.0).abs() < 1e-9);
}

/// Reads a scan of the contract and checks accuracy, verdicts and the OCR marks.
fn check_scan(f: &Fixture, name: &str, bytes: &[u8], floor: f64) {
    check_scan_with(f, name, bytes, floor, true);
}

/// As [`check_scan`]; `same_verdicts` false checks the document type but not every verdict (for a
/// scan whose OCR errors differ between machines' Tesseract builds).
fn check_scan_with(f: &Fixture, name: &str, bytes: &[u8], floor: f64, same_verdicts: bool) {
    let path = f.write(name, bytes);
    let source = std::fs::read_to_string(&f.source).unwrap();
    let (text, doc) = extract(&path);
    let accuracy = word_accuracy(&text, &source);
    println!(
        "OCR {name}: word accuracy {accuracy:.3} (floor {floor}), confidence {}%",
        doc["ocr"]["mean_confidence"]
    );
    assert!(
        accuracy >= floor,
        "{name}: word accuracy {accuracy:.3} < {floor}\n{text}"
    );
    assert_eq!(doc["ocr"]["pages_read"], 1, "{doc}");
    assert!(
        doc["blocks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|b| b["ocr"]["confidence"].is_u64() && b["ocr"]["bbox"].is_array()),
        "every block carries its confidence and position"
    );
    let scanned = scan(&path);
    let original = scan(&f.source);
    assert_eq!(scanned["doc_type"], original["doc_type"], "{name}");
    if same_verdicts {
        assert_eq!(
            verdicts(&scanned),
            verdicts(&original),
            "{name}: verdicts differ\n{text}"
        );
    }
    // Quotes from OCR pages say so.
    let evidence: Vec<&Value> = scanned["clauses"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["evidence"].as_array().unwrap())
        .collect();
    assert!(!evidence.is_empty());
    assert!(
        evidence
            .iter()
            .all(|e| e["ocr"] == true && e["ocr_confidence"].is_u64()),
        "{evidence:?}"
    );
    assert!(
        scanned["ocr"]["mean_confidence"].as_u64().unwrap() >= 80,
        "{}",
        scanned["ocr"]
    );
}

#[test]
fn scan_at_300_dpi_as_png() {
    let Some(f) = fixture() else { return };
    check_scan(f, "clean-300.png", &f.at_300.png(), 0.97);
}

#[test]
fn scan_at_300_dpi_rotated_and_noisy_as_image_pdf() {
    let Some(f) = fixture() else { return };
    let noisy = f.at_300.rotated(1.2).noisy(70, 12);
    check_scan(f, "noisy-300.pdf", &noisy.pdf(), 0.93);
}

#[test]
fn scan_at_200_dpi_as_jpeg_pdf() {
    let Some(f) = fixture() else { return };
    check_scan(
        f,
        "clean-200-jpeg.pdf",
        &jpeg_pdf(&f.jpeg_200, &f.at_200),
        0.97,
    );
}

#[test]
fn scan_at_200_dpi_rotated_and_noisy_as_tiff() {
    let Some(f) = fixture() else { return };
    let noisy = f.at_200.rotated(-1.0).noisy(50, 8);
    // At 200 dpi with noise, Tesseract's errors differ between machines ("shall.ensure" on one,
    // "shall ensure" on another), and one such error changes how clause 4.1 is read: the word
    // accuracy and the document type are checked here, the verdicts at 300 dpi and in strips.
    check_scan_with(f, "noisy-200.tif", &noisy.tiff(), 0.93, false);
}

#[test]
fn page_of_several_images_is_rendered_and_read() {
    let Some(f) = fixture() else { return };
    check_scan(f, "strips-200.pdf", &f.at_200.pdf_in_strips(), 0.93);
}

/// A PDF whose first page has a text layer and whose second is a scan: only the scan is read by
/// OCR, and only its blocks and quotes are marked.
#[test]
fn only_pages_without_text_are_read_by_ocr() {
    let Some(f) = fixture() else { return };
    let image = Stream::new(
        dictionary! { "Type" => "XObject", "Subtype" => "Image",
        "Width" => f.at_200.width as i64, "Height" => f.at_200.height as i64,
        "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8, "Filter" => "FlateDecode" },
        zlib(&f.at_200.px),
    );
    let cover = "The Supplier shall notify the Buyer of any AI incident within 24 hours.";
    let pdf = image_pdf_after(Some(cover), vec![(image, 0, f.at_200.height)], &f.at_200);
    let path = f.write("mixed.pdf", &pdf);
    let (text, doc) = extract(&path);
    assert!(text.starts_with(cover), "{text}");
    assert_eq!(doc["pages"], 2);
    assert_eq!(doc["ocr"]["pages_read"], 1, "{}", doc["ocr"]);
    assert_eq!(doc["ocr"]["pages"][0]["page"], 2);
    for b in doc["blocks"].as_array().unwrap() {
        assert_eq!(b["ocr"].is_object(), b["page"] == 2, "{b}");
    }
    let scanned = scan(&path);
    for c in scanned["clauses"].as_array().unwrap() {
        for e in c["evidence"].as_array().unwrap() {
            assert_eq!(e["ocr"] == true, e["page"] == 2, "{e}");
        }
    }
}

/// The robustness corpus's scanned page (a Canon scan of one word, with the scanner's own text
/// layer): `--ocr always` reads it from its JPEG image. And a corpus PDF whose font cannot be
/// decoded is read by OCR by default.
#[test]
fn corpus_scan_is_read_by_ocr() {
    if !tools() {
        return;
    }
    let Some(corpus) = common::corpus() else {
        return;
    };
    let path = corpus.join("robustness/pdf/scan-bad.pdf");
    let out = run(
        &[
            "extract",
            "--format",
            "json",
            "--ocr",
            "always",
            path.to_str().unwrap(),
        ],
        &[],
    );
    let doc = json(&out)["documents"][0].clone();
    assert_eq!(doc["status"], "analysed", "{doc}");
    let text = doc["blocks"][0]["text"].as_str().unwrap_or("");
    println!(
        "corpus scan-bad.pdf by OCR: {text:?}, confidence {}",
        doc["ocr"]["mean_confidence"]
    );
    assert!(text.contains("pdf.js"), "{doc}");
    assert_eq!(doc["ocr"]["pages_read"], 1);
    // A page whose font has no map to characters is rendered and read with `--ocr auto`: once
    // "unreadable: the text cannot be decoded", now what pdftotext reads too.
    let path = corpus.join("robustness/pdf/IdentityToUnicodeMap_charCodeOf.pdf");
    let (text, doc) = extract(&path);
    println!("corpus IdentityToUnicodeMap_charCodeOf.pdf by OCR: {text:?}");
    assert_eq!(text, "ABCdef", "{doc}");
    assert_eq!(doc["ocr"]["pages_read"], 1);
}

/// Without Tesseract, a scan is reported as before, with the command that installs it; `--ocr
/// never` gives exactly the message of old; `--ocr always` is a configuration error.
#[test]
fn without_tesseract_scans_are_reported_as_before() {
    let dir = tempfile::tempdir().unwrap();
    let img = Gray {
        width: 200,
        height: 100,
        px: vec![255; 200 * 100],
        dpi: 100,
    };
    let pdf = dir.path().join("scan.pdf");
    std::fs::write(&pdf, img.pdf()).unwrap();
    let png = dir.path().join("scan.png");
    std::fs::write(&png, img.png()).unwrap();
    let old = "no text layer: this looks like a scanned image and needs OCR (optical character \
               recognition) before it can be checked; ask the supplier for the original document \
               or run it through OCR";
    let no_tesseract = [("AIASSURE_TESSERACT", "")];
    let report = |args: &[&str]| {
        let mut all = vec!["scan", "--format", "json", "-q", "--fail-on", "never"];
        all.extend_from_slice(args);
        all.push(dir.path().to_str().unwrap());
        let out = run(&all, &no_tesseract);
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        json(&out)["documents"].as_array().unwrap().clone()
    };
    let docs = report(&[]);
    assert_eq!(docs.len(), 2);
    let by = |docs: &[Value], name: &str| {
        docs.iter()
            .find(|d| d["path"].as_str().unwrap().ends_with(name))
            .unwrap()
            .clone()
    };
    let pdf_doc = by(&docs, "scan.pdf");
    assert_eq!(pdf_doc["status"], "unreadable");
    let reason = pdf_doc["error"].as_str().unwrap();
    assert!(reason.starts_with(old), "{reason}");
    assert!(
        reason.contains("sudo apt-get install tesseract-ocr tesseract-ocr-eng"),
        "{reason}"
    );
    assert!(pdf_doc.get("ocr").is_none());
    let png_doc = by(&docs, "scan.png");
    assert_eq!(png_doc["status"], "unreadable");
    assert_eq!(png_doc["format"], "png");
    assert!(
        png_doc["error"].as_str().unwrap().contains("needs OCR"),
        "{png_doc}"
    );
    // --ocr never: today's message, word for word.
    let docs = report(&["--ocr", "never"]);
    assert_eq!(by(&docs, "scan.pdf")["error"], old);
    // --ocr always cannot be met.
    let out = run(
        &["scan", "--ocr", "always", pdf.to_str().unwrap()],
        &no_tesseract,
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("OCR needs Tesseract, which is not installed"),
        "{err}"
    );
}

/// The OCR limits, and Tesseract failing on a damaged image, are errors for that file with the
/// reason and the flag; the batch goes on.
#[test]
fn ocr_limits_and_failures_are_per_file_errors() {
    let Some(f) = fixture() else { return };
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("scan.pdf"), f.at_200.pdf()).unwrap();
    std::fs::write(dir.path().join("scan.png"), f.at_200.png()).unwrap();
    let mut damaged = f.at_200.png();
    damaged.truncate(200);
    std::fs::write(dir.path().join("damaged.png"), &damaged).unwrap();
    std::fs::copy(&f.source, dir.path().join("source.txt")).unwrap();
    let d = dir.path().to_str().unwrap();
    let docs = |extra: &[&str]| {
        let mut args = vec!["scan", d, "--format", "json", "-q", "--fail-on", "never"];
        args.extend_from_slice(extra);
        let out = run(&args, &[]);
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        let report = json(&out);
        assert_eq!(crate::report::schema_errors(&report), Vec::<String>::new());
        report["documents"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                let name = d["path"]
                    .as_str()
                    .unwrap()
                    .rsplit('/')
                    .next()
                    .unwrap()
                    .to_string();
                (name, d.clone())
            })
            .collect::<BTreeMap<String, Value>>()
    };
    let all = docs(&["--max-ocr-pages", "0"]);
    for name in ["scan.pdf", "scan.png"] {
        assert_eq!(all[name]["status"], "error", "{}", all[name]);
        let why = all[name]["error"].as_str().unwrap();
        assert!(
            why.contains("over the limit of 0") && why.contains("--max-ocr-pages"),
            "{why}"
        );
    }
    assert_eq!(all["source.txt"]["status"], "analysed", "the batch goes on");
    let damaged = &all["damaged.png"];
    assert_eq!(damaged["status"], "error", "{damaged}");
    println!("damaged image: {}", damaged["error"]);
    let all = docs(&["--max-ocr-seconds", "0"]);
    let why = all["scan.pdf"]["error"].as_str().unwrap_or("");
    assert!(why.contains("--max-ocr-seconds"), "{}", all["scan.pdf"]);
    let all = docs(&["--max-text-chars", "100"]);
    let why = all["scan.png"]["error"].as_str().unwrap_or("");
    assert!(why.contains("--max-text-chars"), "{}", all["scan.png"]);
}

/// A blank scan read by OCR has no text: unreadable, with that reason, not "missing" clauses.
#[test]
fn blank_scan_read_by_ocr_is_unreadable() {
    if !tools() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let img = Gray {
        width: 600,
        height: 800,
        px: vec![255; 600 * 800],
        dpi: 100,
    }
    .noisy(10, 0);
    let pdf = dir.path().join("blank.pdf");
    std::fs::write(&pdf, img.pdf()).unwrap();
    let doc = scan(&pdf);
    assert_eq!(doc["status"], "unreadable", "{doc}");
    assert!(
        doc["error"].as_str().unwrap().contains("read by OCR"),
        "{doc}"
    );
    assert_eq!(doc["clauses"].as_array().unwrap().len(), 0);
}

/// A page degraded until Tesseract is unsure of it is reported as low confidence, and the
/// verdicts that rest on it say so.
#[test]
fn low_confidence_pages_are_reported() {
    let Some(f) = fixture() else { return };
    let path = f.write(
        "degraded-200.png",
        &f.at_200.rotated(2.0).noisy(120, 90).png(),
    );
    let doc = scan(&path);
    println!(
        "OCR degraded-200.png: status {}, confidence {}",
        doc["status"], doc["ocr"]["mean_confidence"]
    );
    assert_eq!(doc["status"], "analysed", "{doc}");
    assert_eq!(
        doc["ocr"]["low_confidence_pages"],
        serde_json::json!([1]),
        "{}",
        doc["ocr"]
    );
    for c in doc["clauses"].as_array().unwrap() {
        let why = c["explanation"].as_str().unwrap();
        assert!(why.contains("low confidence"), "{}: {why}", c["id"]);
    }
}

/// Reports say which text was read by OCR, and the index finds scanned contracts.
#[test]
fn reports_mark_ocr_text_and_the_index_finds_it() {
    let Some(f) = fixture() else { return };
    let repo = tempfile::tempdir().unwrap();
    let path = repo.path().join("scanned-contract.png");
    std::fs::write(&path, f.at_300.png()).unwrap();
    let p = path.to_str().unwrap();
    let out = run(&["scan", p, "--fail-on", "never"], &[]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("read by OCR (tesseract"), "{text}");
    assert!(text.contains("check the original"), "{text}");
    for format in ["markdown", "html", "csv", "sarif"] {
        let out = run(&["scan", p, "--fail-on", "never", "--format", format], &[]);
        let body = String::from_utf8_lossy(&out.stdout);
        assert!(
            body.contains("read by OCR") && body.contains("check the original"),
            "{format}: {body}"
        );
    }
    let index = repo.path().join("idx");
    let out = run(
        &[
            "index",
            repo.path().to_str().unwrap(),
            "--index",
            index.to_str().unwrap(),
            "-q",
        ],
        &[],
    );
    assert!(out.status.success(), "{out:?}");
    let out = run(
        &[
            "search",
            "\"train\" AND buyer",
            "--index",
            index.to_str().unwrap(),
            "--format",
            "json",
        ],
        &[],
    );
    let hits = String::from_utf8_lossy(&out.stdout);
    assert!(hits.contains("scanned-contract.png"), "{hits}");
}
