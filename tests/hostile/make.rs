//! The generator of hostile files: every file is written here, at test time, into a scratch
//! folder (nothing large is kept in the repository). Each case says what the tool must report
//! for it: the status and a phrase of the plain-English reason, or a phrase of the text it must
//! read. docs/hostile-input.md lists the same cases with the limit that governs each.
//!
//! Large inputs are cheap to make: a deflate bomb is one compressed megabyte repeated (a full
//! flush makes each copy an independent run of deflate blocks), so a 1 GB expansion costs about
//! a megabyte of disk and a second of CPU.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use flate2::{Compress, Compression, Crc, FlushCompress};

/// What the tool must report for a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// Analysed; the extracted text contains this phrase (empty: no text check).
    Analysed(&'static str),
    /// Status `unreadable`, the reason contains this phrase.
    Unreadable(&'static str),
    /// Status `error`, the reason contains this phrase.
    Error(&'static str),
}

/// One hostile file.
#[derive(Debug, Clone)]
pub struct Case {
    /// File name in the scratch folder.
    pub name: String,
    /// What the tool must report.
    pub expect: Expect,
}

/// A clause the checker recognises, so that analysed files are known to be read as text.
pub const CLAUSE: &str =
    "The Supplier shall not use Buyer Data to train or improve any artificial intelligence model.";

/// Deterministic noise (xorshift), so that "random" files are the same on every run.
pub fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

/// Writes every hostile file into `dir` and returns the cases.
pub fn write_all(dir: &Path) -> Vec<Case> {
    let mut cases = Vec::new();
    let mut put = |name: &str, bytes: &[u8], expect: Expect| {
        std::fs::write(dir.join(name), bytes).expect("write a hostile file");
        cases.push(Case {
            name: name.to_string(),
            expect,
        });
    };
    docx_cases(&mut put);
    pdf_cases(&mut put);
    text_cases(&mut put);
    cases
}

type Put<'a> = dyn FnMut(&str, &[u8], Expect) + 'a;

// ---------------------------------------------------------------------------------------------
// DOCX

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

fn document_xml(body: &str) -> String {
    format!(
        r#"<?xml version="1.0"?><w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>"#
    )
}

fn para(text: &str) -> String {
    format!("<w:p><w:r><w:t>{text}</w:t></w:r></w:p>")
}

/// One zip entry: name, stored bytes, method (0 stored, 8 deflated), CRC-32, declared size.
struct Entry {
    name: String,
    data: Vec<u8>,
    method: u16,
    crc: u32,
    size: u32,
}

impl Entry {
    fn deflated(name: &str, content: &[u8]) -> Entry {
        let mut crc = Crc::new();
        crc.update(content);
        Entry {
            name: name.into(),
            data: deflate_raw(&[(content, 1)], Compression::default()),
            method: 8,
            crc: crc.sum(),
            size: u32::try_from(content.len()).expect("small entry"),
        }
    }
}

/// A zip archive written by hand, so that declared sizes can lie.
fn zip(entries: &[Entry]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for e in entries {
        let offset = u32::try_from(out.len()).expect("small zip");
        let csize = u32::try_from(e.data.len()).expect("small zip");
        let name = e.name.as_bytes();
        let nlen = u16::try_from(name.len()).expect("short name");
        out.extend(0x0403_4b50u32.to_le_bytes());
        out.extend(20u16.to_le_bytes());
        out.extend(0u16.to_le_bytes());
        out.extend(e.method.to_le_bytes());
        out.extend([0, 0, 0x21, 0]); // 1980-01-01 00:00
        out.extend(e.crc.to_le_bytes());
        out.extend(csize.to_le_bytes());
        out.extend(e.size.to_le_bytes());
        out.extend(nlen.to_le_bytes());
        out.extend(0u16.to_le_bytes());
        out.extend(name);
        out.extend(&e.data);
        central.extend(0x0201_4b50u32.to_le_bytes());
        central.extend(20u16.to_le_bytes());
        central.extend(20u16.to_le_bytes());
        central.extend(0u16.to_le_bytes());
        central.extend(e.method.to_le_bytes());
        central.extend([0, 0, 0x21, 0]);
        central.extend(e.crc.to_le_bytes());
        central.extend(csize.to_le_bytes());
        central.extend(e.size.to_le_bytes());
        central.extend(nlen.to_le_bytes());
        central.extend([0u8; 8]); // extra, comment, disk, internal attributes
        central.extend(0u32.to_le_bytes()); // external attributes
        central.extend(offset.to_le_bytes());
        central.extend(name);
    }
    let cd_offset = u32::try_from(out.len()).expect("small zip");
    let cd_size = u32::try_from(central.len()).expect("small zip");
    let count = u16::try_from(entries.len().min(0xFFFF)).expect("fits");
    out.extend(central);
    out.extend(0x0605_4b50u32.to_le_bytes());
    out.extend([0u8; 4]);
    out.extend(count.to_le_bytes());
    out.extend(count.to_le_bytes());
    out.extend(cd_size.to_le_bytes());
    out.extend(cd_offset.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out
}

/// Raw deflate of pieces, each repeated: a piece is compressed once, with a full flush (so its
/// output refers to nothing before it), and the compressed bytes are repeated.
fn deflate_raw(pieces: &[(&[u8], usize)], level: Compression) -> Vec<u8> {
    let mut out = Vec::new();
    for &(piece, times) in pieces {
        let mut c = Compress::new(level, false);
        let mut buf = Vec::with_capacity(piece.len() / 2 + 1024);
        loop {
            let before = c.total_in() as usize;
            c.compress_vec(&piece[before..], &mut buf, FlushCompress::Full)
                .expect("deflate");
            if c.total_in() as usize == piece.len() && buf.len() < buf.capacity() {
                break;
            }
            buf.reserve(buf.capacity().max(1024));
        }
        for _ in 0..times {
            out.extend_from_slice(&buf);
        }
    }
    // The final, empty block.
    out.extend([0x03, 0x00]);
    out
}

/// A DOCX whose document part is `prefix + chunk * times + suffix`, with the sizes it declares.
fn bomb_docx(chunk: &[u8], times: usize, declared: Option<u32>) -> Vec<u8> {
    let prefix = format!(r#"<?xml version="1.0"?><w:document xmlns:w="{W}"><w:body>"#);
    let suffix = "</w:body></w:document>";
    let mut crc = Crc::new();
    crc.update(prefix.as_bytes());
    for _ in 0..times {
        crc.update(chunk);
    }
    crc.update(suffix.as_bytes());
    let real = crc.amount();
    let data = deflate_raw(
        &[
            (prefix.as_bytes(), 1),
            (chunk, times),
            (suffix.as_bytes(), 1),
        ],
        Compression::best(),
    );
    zip(&[Entry {
        name: "word/document.xml".into(),
        data,
        method: 8,
        crc: crc.sum(),
        size: declared.unwrap_or(real),
    }])
}

fn docx_of(parts: &[(&str, String)]) -> Vec<u8> {
    let entries: Vec<Entry> = parts
        .iter()
        .map(|(n, x)| Entry::deflated(n, x.as_bytes()))
        .collect();
    zip(&entries)
}

fn docx_cases(put: &mut Put<'_>) {
    // 1 MiB of paragraphs, repeated 1024 times: 1 GiB of XML in about 1 MB.
    let p = para("bomb bomb bomb bomb");
    let chunk = p.repeat(1024 * 1024 / p.len());
    put(
        "zip-bomb.docx",
        &bomb_docx(chunk.as_bytes(), 1024, None),
        Expect::Error("zip bomb"),
    );
    put(
        "zip-bomb-lying-size.docx",
        &bomb_docx(chunk.as_bytes(), 1024, Some(2000)),
        Expect::Error("zip bomb"),
    );
    // Three parts of 400 KB: each under a 1 MB budget, together over it (the budget is for the
    // whole package; the limits test lowers it to 1 MB).
    let many = para("x").repeat(400 * 1024 / 34);
    let mut parts = vec![(
        "word/document.xml".to_string(),
        document_xml(&format!("{}{many}", para(CLAUSE))),
    )];
    let mut rels = String::from(
        r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
    );
    for (kind, name) in [("footnotes", "footnotes.xml"), ("endnotes", "endnotes.xml")] {
        let _ = write!(
            rels,
            r#"<Relationship Id="r{kind}" Type="http://x/{kind}" Target="{name}"/>"#
        );
        parts.push((format!("word/{name}"), document_xml(&many)));
    }
    rels.push_str("</Relationships>");
    parts.push(("word/_rels/document.xml.rels".into(), rels));
    let refs: Vec<(&str, String)> = parts.iter().map(|(n, x)| (n.as_str(), x.clone())).collect();
    put("three-parts.docx", &docx_of(&refs), Expect::Analysed(""));

    // Entity expansion ("billion laughs"), and an external entity that would be fetched.
    let mut dtd = String::from(r#"<!ENTITY l0 "lol">"#);
    for i in 1..10 {
        let prev = format!("&l{};", i - 1).repeat(10);
        let _ = write!(dtd, r#"<!ENTITY l{i} "{prev}">"#);
    }
    let laughs = format!(
        r#"<?xml version="1.0"?><!DOCTYPE w:document [{dtd}]><w:document xmlns:w="{W}"><w:body>{}{}</w:body></w:document>"#,
        para("&l9;"),
        para(CLAUSE)
    );
    put(
        "billion-laughs.docx",
        &docx_of(&[("word/document.xml", laughs)]),
        Expect::Analysed(CLAUSE),
    );
    let external = format!(
        r#"<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY ext SYSTEM "http://192.0.2.1/secret.txt"><!ENTITY local SYSTEM "file:///etc/passwd">]><w:document xmlns:w="{W}"><w:body>{}{}</w:body></w:document>"#,
        para("before &ext; &local; after"),
        para(CLAUSE)
    );
    put(
        "external-entity.docx",
        &docx_of(&[("word/document.xml", external)]),
        Expect::Analysed("before after"),
    );

    // Deeply nested XML: 100,000 levels.
    let deep = format!(
        "<w:p>{}x{}</w:p>",
        "<w:r>".repeat(100_000),
        "</w:r>".repeat(100_000)
    );
    put(
        "deep-xml.docx",
        &docx_of(&[("word/document.xml", document_xml(&deep))]),
        Expect::Error("--max-xml-depth"),
    );
    // Deep nesting in the styles part, which is read first.
    let deep_styles = format!(
        r#"<?xml version="1.0"?><w:styles xmlns:w="{W}">{}{}</w:styles>"#,
        "<w:style>".repeat(50_000),
        "</w:style>".repeat(50_000)
    );
    put(
        "deep-styles.docx",
        &docx_of(&[
            ("word/document.xml", document_xml(&para(CLAUSE))),
            ("word/styles.xml", deep_styles),
        ]),
        Expect::Error("--max-xml-depth"),
    );
    // A style that is its own parent, and numbering that refers to itself.
    let styles = format!(
        r#"<?xml version="1.0"?><w:styles xmlns:w="{W}"><w:style w:styleId="A"><w:basedOn w:val="B"/></w:style><w:style w:styleId="B"><w:basedOn w:val="A"/></w:style></w:styles>"#
    );
    let numbering = format!(
        r#"<?xml version="1.0"?><w:numbering xmlns:w="{W}"><w:abstractNum w:abstractNumId="1"><w:numStyleLink w:val="A"/></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="1"/></w:num></w:numbering>"#
    );
    let body = format!(
        r#"<w:p><w:pPr><w:pStyle w:val="A"/><w:numPr><w:ilvl w:val="99999"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>{CLAUSE}</w:t></w:r></w:p>"#
    );
    put(
        "cyclic-styles.docx",
        &docx_of(&[
            ("word/document.xml", document_xml(&body)),
            ("word/styles.xml", styles),
            ("word/numbering.xml", numbering),
        ]),
        Expect::Analysed(CLAUSE),
    );

    // Too many entries.
    let entries: Vec<Entry> = (0..10_050)
        .map(|i| Entry::deflated(&format!("junk/{i}.xml"), b""))
        .collect();
    put(
        "many-entries.docx",
        &zip(&entries),
        Expect::Error("entries, over the limit"),
    );

    put("empty.docx", b"", Expect::Unreadable("empty"));
    put(
        "random.docx",
        &noise(64 * 1024, 7),
        Expect::Error("not a DOCX file"),
    );
    let mut pk = b"PK\x03\x04".to_vec();
    pk.extend(noise(64 * 1024, 8));
    put(
        "random-after-zip-magic.docx",
        &pk,
        Expect::Error("damaged or incomplete"),
    );
    let good = docx_of(&[("word/document.xml", document_xml(&para(CLAUSE)))]);
    put(
        "truncated.docx",
        &good[..good.len() / 2],
        Expect::Error("damaged or incomplete"),
    );
    // Broken deflate data with honest headers.
    let mut broken = Entry::deflated("word/document.xml", document_xml(&para(CLAUSE)).as_bytes());
    let n = broken.data.len();
    broken.data[n / 3..].fill(0xFF);
    put(
        "corrupt-deflate.docx",
        &zip(&[broken]),
        Expect::Error("cannot be decompressed"),
    );
}

// ---------------------------------------------------------------------------------------------
// PDF

/// A PDF of numbered objects (object i+1 is `objs[i]`), catalog first, with a correct xref.
fn pdf(objs: &[Vec<u8>]) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objs.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend(body);
        out.extend(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objs.len() + 1).as_bytes());
    for o in offsets {
        out.extend(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objs.len() + 1
        )
        .as_bytes(),
    );
    out
}

fn obj(s: &str) -> Vec<u8> {
    s.as_bytes().to_vec()
}

fn stream(dict: &str, data: &[u8]) -> Vec<u8> {
    let mut v = format!("<< {dict} /Length {} >>\nstream\n", data.len()).into_bytes();
    v.extend(data);
    v.extend(b"\nendstream");
    v
}

/// Content that shows one line of text with font /F1.
fn text_content(text: &str) -> String {
    format!("BT /F1 11 Tf 72 720 Td ({text}) Tj ET")
}

const FONT: &str =
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>";

/// Objects 1-4 of a one-page PDF: catalog, pages, page (with `extra` in its dictionary) and font;
/// the page's content is object 5, which the caller supplies.
fn page_objects(extra: &str) -> Vec<Vec<u8>> {
    vec![
        obj("<< /Type /Catalog /Pages 2 0 R >>"),
        obj("<< /Type /Pages /Kids [3 0 R] /Count 1 >>"),
        obj(&format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> {extra} >> /Contents 5 0 R >>"
        )),
        obj(FONT),
    ]
}

/// zlib (FlateDecode) of pieces, each repeated, with a correct Adler-32.
fn zlib(pieces: &[(&[u8], usize)]) -> Vec<u8> {
    let (mut a, mut b) = (1u32, 0u32);
    for &(piece, times) in pieces {
        for _ in 0..times {
            for block in piece.chunks(5552) {
                for &byte in block {
                    a += u32::from(byte);
                    b += a;
                }
                a %= 65521;
                b %= 65521;
            }
        }
    }
    let mut out = vec![0x78, 0xDA];
    out.extend(deflate_raw(pieces, Compression::best()));
    out.extend(((b << 16) | a).to_be_bytes());
    out
}

fn pdf_cases(put: &mut Put<'_>) {
    let content = text_content(CLAUSE);

    // Reference cycles: an object that is a reference to itself, a page tree that contains
    // itself, contents and annotations that loop.
    let mut objs = page_objects("");
    objs[1] = obj("<< /Type /Pages /Kids [3 0 R 2 0 R 6 0 R] /Count 3 >>");
    objs[2] = obj(
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents [5 0 R 7 0 R] /Annots 7 0 R >>",
    );
    objs.push(stream("", content.as_bytes()));
    objs.push(obj("<< /Type /Pages /Kids [2 0 R 6 0 R] /Parent 6 0 R >>"));
    objs.push(obj("8 0 R"));
    objs.push(obj("7 0 R"));
    put("cyclic-objects.pdf", &pdf(&objs), Expect::Analysed(CLAUSE));

    // A page tree 1,000 levels deep.
    let depth = 1000;
    let mut objs = vec![obj("<< /Type /Catalog /Pages 2 0 R >>")];
    for i in 0..depth {
        objs.push(obj(&format!(
            "<< /Type /Pages /Kids [{} 0 R] /Count 1 >>",
            i + 3
        )));
    }
    objs.push(obj(&format!(
        "<< /Type /Page /MediaBox [0 0 612 792] /Resources << /Font << /F1 {} 0 R >> >> /Contents {} 0 R >>",
        depth + 3,
        depth + 4
    )));
    objs.push(obj(FONT));
    objs.push(stream("", content.as_bytes()));
    put(
        "deep-page-tree.pdf",
        &pdf(&objs),
        Expect::Error("--max-pdf-depth"),
    );

    // Deeply nested arrays and dictionaries (beyond any parser's recursion limit).
    let mut objs = page_objects("/Deep 6 0 R /Deeper 7 0 R");
    objs.push(stream("", content.as_bytes()));
    objs.push(
        ["[".repeat(100_000), "]".repeat(100_000)]
            .concat()
            .into_bytes(),
    );
    objs.push(
        ["<< /A ".repeat(100_000), ">>".repeat(100_000)]
            .concat()
            .into_bytes(),
    );
    put("deep-objects.pdf", &pdf(&objs), Expect::Analysed(CLAUSE));

    // Form XObjects that draw each other (a cycle) and one that draws itself.
    let mut objs = page_objects("/XObject << /A 6 0 R >>");
    objs.push(stream("", format!("/A Do {content}").as_bytes()));
    objs.push(stream(
        "/Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources << /XObject << /B 7 0 R >> >>",
        b"/B Do",
    ));
    objs.push(stream(
        "/Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources << /XObject << /A 6 0 R /B 7 0 R >> >>",
        b"/B Do /A Do",
    ));
    put("form-cycle.pdf", &pdf(&objs), Expect::Analysed(CLAUSE));

    // A chain of 200 forms, each drawing the next.
    let mut objs = page_objects("/XObject << /X 6 0 R >>");
    objs.push(stream("", format!("{content} /X Do").as_bytes()));
    for i in 0..200 {
        objs.push(stream(
            &format!(
                "/Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources << /XObject << /X {} 0 R >> >>",
                i + 7
            ),
            b"/X Do",
        ));
    }
    put(
        "form-chain.pdf",
        &pdf(&objs),
        Expect::Error("--max-pdf-depth"),
    );

    // Forms fanning out: each draws the next 16 times, 12 levels (16^12 drawings).
    let mut objs = page_objects("/XObject << /X 6 0 R >>");
    objs.push(stream("", format!("{content} /X Do").as_bytes()));
    let levels = 12;
    for i in 0..levels {
        let next = if i + 1 < levels {
            format!("/Resources << /XObject << /X {} 0 R >> >>", i + 7)
        } else {
            "/Resources << /Font << /F1 4 0 R >> >>".into()
        };
        let body = if i + 1 < levels {
            "q /X Do Q ".repeat(16)
        } else {
            "BT /F1 1 Tf (x) Tj ET".into()
        };
        objs.push(stream(
            &format!("/Type /XObject /Subtype /Form /BBox [0 0 1 1] {next}"),
            body.as_bytes(),
        ));
    }
    put(
        "form-fan-out.pdf",
        &pdf(&objs),
        Expect::Error("drawing operations"),
    );

    // Absurd declared stream lengths: far past the end of the file, negative, a reference to
    // itself. The xref is right, so the reader can find the objects.
    // A length that is merely wrong is recovered by finding `endstream`; one that is not a
    // usable number loses the stream, and the file is reported damaged.
    for (name, length, expect) in [
        ("wrong-length.pdf", "99999", Expect::Analysed(CLAUSE)),
        (
            "absurd-length.pdf",
            "99999999999999999999",
            Expect::Error("damaged"),
        ),
        ("negative-length.pdf", "-1000", Expect::Error("damaged")),
        (
            "self-referencing-length.pdf",
            "6 0 R",
            Expect::Error("damaged"),
        ),
    ] {
        let mut objs = page_objects("");
        let mut s = format!("<< /Length {length} >>\nstream\n").into_bytes();
        s.extend(content.as_bytes());
        s.extend(b"\nendstream");
        objs.push(s);
        objs.push(obj("6 0 R"));
        put(name, &pdf(&objs), expect);
    }

    // A content stream that inflates to 1 GiB (the default budget is 512 MB).
    let spaces = vec![b' '; 1024 * 1024];
    let mut objs = page_objects("");
    objs.push(stream(
        "/Filter /FlateDecode",
        &zlib(&[(content.as_bytes(), 1), (&spaces, 1024)]),
    ));
    put(
        "flate-bomb.pdf",
        &pdf(&objs),
        Expect::Error("--max-decompressed-mb"),
    );

    // An object stream that inflates to 1 GiB: lopdf expands it while loading the file.
    let mut objs = page_objects("");
    objs.push(stream("", content.as_bytes()));
    let mut objstm = zlib(&[(b"6 0 ", 1), (&spaces, 1024)]);
    objstm.truncate(objstm.len());
    objs.push(stream(
        "/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode",
        &objstm,
    ));
    put(
        "object-stream-bomb.pdf",
        &pdf(&objs),
        Expect::Error("--max-decompressed-mb"),
    );

    // Within the decompression budget, but 12 million tiny drawing operations.
    let ops = b"0 0 m\n".repeat(1024 * 1024 / 6);
    let mut objs = page_objects("");
    objs.push(stream(
        "/Filter /FlateDecode",
        &zlib(&[(content.as_bytes(), 1), (b"\n", 1), (&ops, 72)]),
    ));
    put(
        "operator-flood.pdf",
        &pdf(&objs),
        Expect::Error("drawing operations"),
    );

    // A cross-reference table that claims four billion objects.
    let mut objs = page_objects("");
    objs.push(stream("", content.as_bytes()));
    let mut bytes = pdf(&objs);
    let text = String::from_utf8_lossy(&bytes).into_owned();
    if let Some(at) = text.find("xref\n0 6\n") {
        bytes.splice(at..at + 9, b"xref\n0 4000000000\n".iter().copied());
    }
    put("huge-xref.pdf", &bytes, Expect::Analysed(CLAUSE));

    let mut objs = page_objects("");
    objs.push(stream("", content.as_bytes()));
    let good = pdf(&objs);
    // Cut in the cross-reference table: the objects are found by scanning the file.
    let xref = good
        .windows(6)
        .position(|w| w == b"\nxref\n")
        .unwrap_or(good.len() / 2);
    put(
        "truncated-in-xref.pdf",
        &good[..xref + 20],
        Expect::Analysed(CLAUSE),
    );
    // Cut in the page's content: that text is gone, and the file is called damaged.
    let stream_at = good
        .windows(9)
        .rposition(|w| w == b"endstream")
        .unwrap_or(good.len() / 2);
    put(
        "truncated-in-content.pdf",
        &good[..stream_at - 30],
        Expect::Error("damaged"),
    );
    put("empty.pdf", b"", Expect::Unreadable("empty"));
    put(
        "random.pdf",
        &noise(64 * 1024, 3),
        Expect::Error("not a PDF"),
    );
    let mut junk = b"%PDF-1.7\n".to_vec();
    junk.extend(noise(64 * 1024, 4));
    put(
        "random-after-header.pdf",
        &junk,
        Expect::Error("damaged and could not be read"),
    );
}

// ---------------------------------------------------------------------------------------------
// Text, Markdown, HTML

/// Text with characters outside ASCII, in each encoding.
pub const ENCODED: &str =
    "Fees: £250 per day, €290 abroad. The Supplier’s obligations survive termination.";

fn text_cases(put: &mut Put<'_>) {
    let body = format!("{ENCODED}\n\n{CLAUSE}\n");
    let le: Vec<u8> = body.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let be: Vec<u8> = body.encode_utf16().flat_map(u16::to_be_bytes).collect();
    put(
        "utf16le-bom.txt",
        &[&[0xFF, 0xFE][..], &le].concat(),
        Expect::Analysed(ENCODED),
    );
    put(
        "utf16be-bom.txt",
        &[&[0xFE, 0xFF][..], &be].concat(),
        Expect::Analysed(ENCODED),
    );
    put("utf16le-no-bom.txt", &le, Expect::Analysed(ENCODED));
    put(
        "utf8-bom.md",
        &[&[0xEF, 0xBB, 0xBF][..], body.as_bytes()].concat(),
        Expect::Analysed(ENCODED),
    );
    let (cp1252, _, _) = encoding_rs::WINDOWS_1252.encode(&body);
    put("windows-1252.txt", &cp1252, Expect::Analysed(ENCODED));
    // Valid UTF-8 with one stray byte and a truncated sequence: read as Windows-1252, so the
    // rest is not lost.
    let mut invalid = body.clone().into_bytes();
    invalid.extend(b"\nEnd \xFF of \xC3");
    put(
        "invalid-utf8.txt",
        &invalid,
        Expect::Analysed("obligations survive termination"),
    );
    let mut nul = CLAUSE.as_bytes().to_vec();
    nul.extend([0u8; 64]);
    nul.extend(b" and more\x00text\x1b[31m red\x07");
    put("nul-and-control.txt", &nul, Expect::Analysed(CLAUSE));

    for (name, seed) in [("random.txt", 11), ("random.md", 12), ("random.html", 13)] {
        put(name, &noise(256 * 1024, seed), Expect::Analysed(""));
    }
    for name in ["empty.txt", "empty.md", "empty.html"] {
        put(name, b"", Expect::Unreadable("empty"));
    }
    put(
        "whitespace-only.txt",
        b" \n\n\t \r\n   ",
        Expect::Unreadable("no text"),
    );

    // One line of 50 MB (the default text limit is 50 million characters), the clause in the
    // middle.
    let filler = "the parties agree as follows ";
    let half = filler.repeat((50_000_000 - CLAUSE.len() - 2) / 2 / filler.len());
    put(
        "one-line-50mb.txt",
        format!("{half}{CLAUSE} {half}").as_bytes(),
        Expect::Analysed(""),
    );

    // Deep nesting in HTML and Markdown.
    let html = format!(
        "<html><body>{}<p>{CLAUSE}</p>{}</body></html>",
        "<div><ul><li>".repeat(100_000),
        "</li></ul></div>".repeat(100_000)
    );
    put("deep.html", html.as_bytes(), Expect::Analysed(CLAUSE));
    let md = format!("{}{CLAUSE}\n", "> - ".repeat(100_000));
    put("deep.md", md.as_bytes(), Expect::Analysed(""));
    let comment = format!("<!-- {} <p>{CLAUSE}</p>", "--".repeat(1000));
    put(
        "unclosed-comment.html",
        comment.as_bytes(),
        Expect::Unreadable("no text"),
    );
}

/// Files the walk must handle: a Word lock file, a link loop, a dangling link, a named pipe and a
/// link to an endless device. Returns (path, what a run naming it must say); the pipe is left out
/// (named, it is read like `cat` reads it, waiting for a writer) but must be skipped in the folder.
#[cfg(unix)]
pub fn write_special(dir: &Path) -> Vec<(PathBuf, &'static str)> {
    std::fs::create_dir_all(dir.join("sub")).expect("mkdir");
    std::fs::write(dir.join("sub/bid.txt"), CLAUSE).expect("write");
    let lock = dir.join("~$bid.docx");
    let mut owner = vec![7u8];
    owner.extend(b"J. Buyer");
    owner.resize(162, 0);
    std::fs::write(&lock, owner).expect("write");
    let link_loop = dir.join("sub/loop");
    std::os::unix::fs::symlink(dir, &link_loop).expect("symlink");
    let dangling = dir.join("dangling.pdf");
    std::os::unix::fs::symlink(dir.join("no-such-file.pdf"), &dangling).expect("symlink");
    let zero = dir.join("zero.txt");
    std::os::unix::fs::symlink("/dev/zero", &zero).expect("symlink");
    let fifo = dir.join("pipe.txt");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());
    assert!(made || !cfg!(target_os = "linux"), "mkfifo works");
    vec![
        (lock, "Word lock file"),
        (link_loop, "link loop"),
        (dangling, "no such file"),
        (zero, "--max-file-mb"),
    ]
}
