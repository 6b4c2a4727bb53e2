//! A synthetic contract repository for the end-to-end bench: contracts and tender responses with
//! varied clauses, written as plain text, Markdown, DOCX (docx-rs) and PDF (lopdf, Helvetica).
//!
//! Everything is deterministic (a seeded xorshift generator), so two runs scan the same bytes.
//! Document `i` is the same whatever the size of the set, so the 1k set is part of the 2k set.

use std::fs;
use std::io;
use std::path::Path;

use docx_rs::{Docx, Paragraph, Run, Style, StyleType};
use lopdf::content::{Content, Operation};
use lopdf::{Object, Stream, dictionary};

/// Small deterministic generator (xorshift64*): no dependency, same sequence on every machine.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + (self.next() % (hi - lo + 1) as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.range(0, items.len() - 1)]
    }

    /// True with probability `percent` in 100.
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

const SUPPLIERS: &[&str] = &[
    "Northgate Analytics Ltd",
    "Brightpath Digital Ltd",
    "Civic Systems plc",
    "Halden Cloud Services Ltd",
    "Orchard Data Ltd",
    "Meridian Software Ltd",
    "Kestrel IT Solutions Ltd",
    "Lumen Care Technology Ltd",
];
const BUYERS: &[&str] = &[
    "the Council",
    "the Authority",
    "the Trust",
    "the Department",
    "the Customer",
    "the Buyer",
];
const SERVICES: &[&str] = &[
    "case management platform",
    "hosted payroll service",
    "document management system",
    "citizen contact centre service",
    "housing repairs scheduling software",
    "data analytics service",
    "records digitisation service",
];
const AI_FEATURES: &[&str] = &[
    "uses a machine learning model to triage incoming requests",
    "includes an AI assistant that drafts replies to residents using a large language model",
    "applies automated decision-making to prioritise repair jobs",
    "uses natural language processing to summarise case notes",
    "offers a chatbot that answers common questions",
    "scores applications with a predictive risk model",
];
const DATA: &[&str] = &[
    "personal data",
    "special category data",
    "Customer Data",
    "case records",
    "payroll data",
];

/// Sentence templates per clause heading. Slots: {s} supplier, {b} buyer, {svc} service,
/// {d} days, {p} percent, {m} money, {data} kind of data, {ai} an AI feature.
const CLAUSES: &[(&str, &[&str])] = &[
    (
        "Definitions",
        &[
            "In this Contract the following words have the meanings given: \"Services\" means the {svc} described in Schedule 1.",
            "\"Working Day\" means a day other than a Saturday, Sunday or public holiday in England.",
            "References to a clause are to a clause of this Contract unless stated otherwise.",
        ],
    ),
    (
        "Services",
        &[
            "{s} shall provide the {svc} to {b} in accordance with the Specification.",
            "{s} shall perform the Services with reasonable skill and care and in accordance with Good Industry Practice.",
            "{b} may request changes to the Services by giving {d} days' written notice.",
        ],
    ),
    (
        "Charges and Payment",
        &[
            "{b} shall pay the Charges of {m} per annum within {d} days of receipt of a valid invoice.",
            "{s} may not increase the Charges more than once in any twelve month period or by more than {p} per cent.",
            "Late payments bear interest at {p} per cent above the Bank of England base rate.",
        ],
    ),
    (
        "Data Protection",
        &[
            "{s} shall process {data} only on the documented instructions of {b}.",
            "{s} shall notify {b} without undue delay, and in any event within {d} hours, of any Personal Data Breach.",
            "{s} shall not transfer {data} outside the United Kingdom without the prior written consent of {b}.",
            "{s} shall ensure that persons authorised to process {data} are bound by obligations of confidentiality.",
        ],
    ),
    (
        "Security",
        &[
            "{s} shall maintain ISO/IEC 27001 certification for the duration of the Contract.",
            "{s} shall carry out an independent penetration test at least once every {d} months.",
            "{s} shall keep {data} encrypted at rest and in transit using industry standard algorithms.",
        ],
    ),
    (
        "Artificial Intelligence",
        &[
            "{s} shall not use any artificial intelligence system in the provision of the Services without the prior written approval of {b}.",
            "Where the Services use AI, {s} shall maintain an inventory of models and disclose each model, its provider and its purpose.",
            "{s} shall ensure meaningful human oversight of any automated decision that has a legal or similarly significant effect.",
            "{s} shall not use Customer Data to train, fine-tune or improve any machine learning model.",
            "{s} shall notify {b} at least {d} days before introducing any new AI feature or changing the underlying model.",
            "{s} shall test the AI system for bias and accuracy before go-live and at least every {d} months thereafter.",
        ],
    ),
    (
        "Service Description",
        &[
            "The {svc} {ai}.",
            "The platform {ai}, and results are reviewed by trained staff before any action is taken.",
            "A reporting dashboard gives {b} access to usage, performance and audit information.",
        ],
    ),
    (
        "Intellectual Property",
        &[
            "All Intellectual Property Rights in the Deliverables shall vest in {b} on creation.",
            "{s} grants {b} a non-exclusive, royalty-free licence to use the Background IPR for the purposes of the Contract.",
        ],
    ),
    (
        "Liability",
        &[
            "Neither party limits its liability for death or personal injury caused by its negligence, or for fraud.",
            "Subject to the above, each party's total liability shall not exceed {p} per cent of the Charges paid in the preceding twelve months.",
            "{s} shall maintain professional indemnity insurance of not less than {m}.",
        ],
    ),
    (
        "Audit",
        &[
            "{s} shall permit {b} or its auditors to audit compliance with this Contract on {d} days' notice.",
            "{s} shall keep full and accurate records of the Services for at least {d} months after expiry.",
        ],
    ),
    (
        "Termination",
        &[
            "{b} may terminate this Contract for convenience on {d} days' written notice.",
            "Either party may terminate this Contract with immediate effect if the other commits a material breach which is not remedied within {d} days.",
            "On termination {s} shall return or securely destroy all {data} and certify that it has done so.",
        ],
    ),
    (
        "Exit Management",
        &[
            "{s} shall provide reasonable assistance for an orderly transfer of the Services to a replacement supplier.",
            "{s} shall deliver an exit plan within {d} days of the Effective Date and keep it up to date.",
        ],
    ),
    (
        "Subcontracting",
        &[
            "{s} shall not subcontract any part of the Services without the prior written consent of {b}.",
            "{s} remains responsible for the acts and omissions of its subcontractors as if they were its own.",
        ],
    ),
    (
        "Governing Law",
        &[
            "This Contract is governed by the law of England and Wales.",
            "The courts of England and Wales have exclusive jurisdiction over any dispute arising from this Contract.",
        ],
    ),
];

const QUESTIONS: &[&str] = &[
    "Describe how you will deliver the {svc}.",
    "Describe your approach to information security and data protection.",
    "Describe any use of artificial intelligence in your solution.",
    "Explain how you will support the exit of the Services at the end of the contract.",
    "Describe your approach to social value.",
];
const ANSWERS: &[&str] = &[
    "Our {svc} {ai}.",
    "We hold ISO/IEC 27001 certification and process {data} only in UK data centres.",
    "We do not use artificial intelligence in the delivery of the Services.",
    "We will provide a full exit plan within {d} days of contract award.",
    "Our team will work with {b} to agree milestones and report progress every {d} days.",
    "All staff are security cleared and receive annual data protection training.",
    "Our solution uses a third-party large language model hosted in the UK; prompts and outputs are not retained.",
];

/// One part of a document, in reading order.
enum Part {
    /// A heading (clause heading or question).
    Heading(String),
    /// A paragraph of body text, clause number included where it has one.
    Para(String),
}

/// A generated document: a title and its parts.
struct Doc {
    title: String,
    parts: Vec<Part>,
}

/// Fills the slots of a template.
fn fill(rng: &mut Rng, template: &str, supplier: &str, buyer: &str, service: &str) -> String {
    let mut out = template
        .replace("{s}", supplier)
        .replace("{b}", buyer)
        .replace("{svc}", service);
    while let Some(i) = out.find('{') {
        let Some(j) = out[i..].find('}') else { break };
        let value = match &out[i + 1..i + j] {
            "d" => rng.range(2, 90).to_string(),
            "p" => rng.range(1, 150).to_string(),
            "m" => format!("£{},000", rng.range(10, 5000)),
            "data" => rng.pick(DATA).to_string(),
            "ai" => rng.pick(AI_FEATURES).to_string(),
            _ => String::new(),
        };
        out.replace_range(i..i + j + 1, &value);
    }
    // Sentences start with a capital even when a slot ("the Council") opens them.
    let mut chars = out.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().collect::<String>() + chars.as_str(),
        None => out,
    }
}

/// Document `index` of the repository.
fn document(index: usize) -> Doc {
    let mut rng = Rng::new(index as u64 + 1);
    let supplier = rng.pick(SUPPLIERS);
    let buyer = rng.pick(BUYERS);
    let service = rng.pick(SERVICES);
    let mut parts = Vec::new();
    if index % 5 == 4 {
        // A tender response: numbered questions and answers.
        let title = format!("Response to Invitation to Tender ITT-{:04}", index % 9973);
        for (q, question) in QUESTIONS.iter().enumerate() {
            parts.push(Part::Heading(format!(
                "B{} {}",
                q + 1,
                fill(&mut rng, question, supplier, buyer, service)
            )));
            for _ in 0..rng.range(2, 6) {
                let answer = rng.pick(ANSWERS);
                let more = rng.pick(ANSWERS);
                parts.push(Part::Para(format!(
                    "{} {}",
                    fill(&mut rng, answer, supplier, buyer, service),
                    fill(&mut rng, more, supplier, buyer, service)
                )));
            }
        }
        return Doc { title, parts };
    }
    let kinds = [
        "Call-Off Contract",
        "Master Services Agreement",
        "Software Licence and Support Agreement",
        "Cloud Services Terms",
        "Data Processing Agreement",
    ];
    let title = format!(
        "{} between {} and {}",
        kinds[index % kinds.len()],
        aiassure::model::upper_first(buyer),
        supplier
    );
    let mut number = 0;
    for (heading, sentences) in CLAUSES {
        // Every document has most clauses; about a third have none on AI.
        let keep = match *heading {
            "Artificial Intelligence" => rng.chance(60),
            "Service Description" => rng.chance(50),
            _ => rng.chance(85),
        };
        if !keep {
            continue;
        }
        number += 1;
        parts.push(Part::Heading(format!(
            "{number}. {}",
            heading.to_uppercase()
        )));
        for sub in 1..=rng.range(1, sentences.len() + 2) {
            let mut text = format!("{number}.{sub} ");
            for k in 0..rng.range(1, 3) {
                if k > 0 {
                    text.push(' ');
                }
                let sentence = rng.pick(sentences);
                text.push_str(&fill(&mut rng, sentence, supplier, buyer, service));
            }
            parts.push(Part::Para(text));
            if rng.chance(15) {
                for (letter, sentence) in ["a", "b", "c"].iter().zip(sentences.iter()) {
                    let item = fill(&mut rng, sentence, supplier, buyer, service);
                    parts.push(Part::Para(format!("({letter}) {item}")));
                }
            }
        }
    }
    Doc { title, parts }
}

fn plain_text(doc: &Doc) -> String {
    let mut out = format!("{}\n\n", doc.title.to_uppercase());
    for part in &doc.parts {
        match part {
            Part::Heading(h) | Part::Para(h) => {
                out.push_str(h);
                out.push_str("\n\n");
            }
        }
    }
    out
}

fn markdown(doc: &Doc) -> String {
    let mut out = format!("# {}\n\n", doc.title);
    for part in &doc.parts {
        match part {
            Part::Heading(h) => out.push_str(&format!("## {h}\n\n")),
            Part::Para(p) => out.push_str(&format!("{p}\n\n")),
        }
    }
    out
}

fn docx(doc: &Doc) -> io::Result<Vec<u8>> {
    let heading = |id: &str, name: &str, level: usize| {
        Style::new(id, StyleType::Paragraph)
            .name(name)
            .outline_lvl(level)
            .bold()
    };
    let mut d = Docx::new()
        .add_style(heading("Title", "Title", 0))
        .add_style(heading("Heading1", "heading 1", 0))
        .add_paragraph(
            Paragraph::new()
                .style("Title")
                .add_run(Run::new().add_text(doc.title.as_str())),
        );
    for part in &doc.parts {
        d = d.add_paragraph(match part {
            Part::Heading(h) => Paragraph::new()
                .style("Heading1")
                .add_run(Run::new().add_text(h.as_str())),
            Part::Para(p) => Paragraph::new().add_run(Run::new().add_text(p.as_str())),
        });
    }
    let mut out = io::Cursor::new(Vec::new());
    d.pack(&mut out).map_err(io::Error::other)?;
    Ok(out.into_inner())
}

/// Words of `text` in lines of at most `width` characters.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.len() + 1 + word.len() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// A PDF in Helvetica (WinAnsi), A4, one text object per page, compressed content streams.
fn pdf(doc: &Doc) -> io::Result<Vec<u8>> {
    let mut pdf = lopdf::Document::with_version("1.5");
    let pages_id = pdf.new_object_id();
    let regular = pdf.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica", "Encoding" => "WinAnsiEncoding",
    });
    let bold = pdf.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica-Bold", "Encoding" => "WinAnsiEncoding",
    });
    let resources = pdf.add_object(dictionary! {
        "Font" => dictionary! { "F1" => regular, "F2" => bold },
    });
    // Lines as (bold, size, text, space before); the title first.
    let mut lines: Vec<(bool, f32, String, f32)> = vec![(true, 14.0, doc.title.clone(), 0.0)];
    for part in &doc.parts {
        match part {
            Part::Heading(h) => lines.push((true, 11.0, h.clone(), 10.0)),
            Part::Para(p) => {
                for (i, l) in wrap(p, 95).into_iter().enumerate() {
                    lines.push((false, 10.0, l, if i == 0 { 6.0 } else { 0.0 }));
                }
            }
        }
    }
    let mut kids: Vec<Object> = Vec::new();
    let mut ops: Vec<Operation> = Vec::new();
    let mut y = 780.0f32;
    let flush = |pdf: &mut lopdf::Document, ops: &mut Vec<Operation>, kids: &mut Vec<Object>| {
        let mut all = vec![Operation::new("BT", vec![])];
        all.append(ops);
        all.push(Operation::new("ET", vec![]));
        let content = Content { operations: all }
            .encode()
            .map_err(io::Error::other)?;
        let content_id = pdf.add_object(Stream::new(dictionary! {}, content));
        let page = pdf.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages_id, "Contents" => content_id,
        });
        kids.push(page.into());
        Ok::<(), io::Error>(())
    };
    for (is_bold, size, text, before) in lines {
        y -= before + size * 1.25;
        if y < 60.0 {
            flush(&mut pdf, &mut ops, &mut kids)?;
            y = 780.0 - size * 1.25;
        }
        // WinAnsi: the generated text is ASCII apart from the pound sign (0xA3).
        let bytes: Vec<u8> = text
            .chars()
            .map(|c| if c == '£' { 0xA3 } else { c as u8 })
            .collect();
        ops.push(Operation::new(
            "Tf",
            vec![if is_bold { "F2" } else { "F1" }.into(), size.into()],
        ));
        ops.push(Operation::new(
            "Tm",
            vec![1.into(), 0.into(), 0.into(), 1.into(), 57.into(), y.into()],
        ));
        ops.push(Operation::new(
            "Tj",
            vec![Object::String(bytes, lopdf::StringFormat::Literal)],
        ));
    }
    if !ops.is_empty() {
        flush(&mut pdf, &mut ops, &mut kids)?;
    }
    let count = kids.len() as i64;
    pdf.objects.insert(
        pages_id,
        dictionary! {
            "Type" => "Pages", "Kids" => kids, "Count" => count, "Resources" => resources,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        }
        .into(),
    );
    let catalog = pdf.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    pdf.trailer.set("Root", catalog);
    pdf.compress();
    let mut out = Vec::new();
    pdf.save_to(&mut out).map_err(io::Error::other)?;
    Ok(out)
}

/// What a generated set holds.
#[derive(Debug, Default, Clone, Copy)]
pub struct Generated {
    /// Files per format: text, Markdown, DOCX, PDF.
    pub files: [usize; 4],
    /// Bytes written.
    pub bytes: u64,
}

impl Generated {
    /// Number of files.
    pub fn total(&self) -> usize {
        self.files.iter().sum()
    }
}

/// Writes documents `range` into `dir`, in sub-folders of 250: 3 in 8 plain text, 1 in 8
/// Markdown, 2 in 8 DOCX, 2 in 8 PDF.
pub fn generate(dir: &Path, range: std::ops::Range<usize>) -> io::Result<Generated> {
    let mut stats = Generated::default();
    for i in range {
        let doc = document(i);
        let folder = dir.join(format!("batch-{:03}", i / 250));
        fs::create_dir_all(&folder)?;
        let (slot, name, bytes) = match i % 8 {
            0..=2 => (
                0,
                format!("contract-{i:05}.txt"),
                plain_text(&doc).into_bytes(),
            ),
            3 => (
                1,
                format!("contract-{i:05}.md"),
                markdown(&doc).into_bytes(),
            ),
            4 | 5 => (2, format!("contract-{i:05}.docx"), docx(&doc)?),
            _ => (3, format!("contract-{i:05}.pdf"), pdf(&doc)?),
        };
        stats.files[slot] += 1;
        stats.bytes += bytes.len() as u64;
        fs::write(folder.join(name), bytes)?;
    }
    Ok(stats)
}
