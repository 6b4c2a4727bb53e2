//! Clarification letters to bidders (`aiassure questions`): one letter per bid, in Markdown and
//! DOCX, asking the bidder the questions the tender rules raised about its AI.
//!
//! A letter is built from one document's part of the report and nothing else:
//!
//! - a **question per tender verdict other than present** that carries a `question` (the
//!   vendor-assurance pack and the AI declaration), in the library's rule order;
//! - a **question per AI feature the bid's declaration does not cover**, unless a verdict's
//!   question already quotes the same passage (a declaration of "no AI" contradicted by that
//!   feature asks about it once);
//! - each question numbered and headed by its topic and where in the bid it points (section,
//!   page), or "not found in your bid" when nothing answers it.
//!
//! A bid with no such question gets no letter ([`letter`] returns `None`). The letter is addressed
//! from the buyer ("the Council" unless named), has a subject line naming the tender (when given)
//! and the bid's file, and closes by asking for a reply through the tender portal by a date: the
//! one given, or a placeholder for the officer to fill in ([`REPLY_BY_PLACEHOLDER`]).
//!
//! This module only lays out; the questions' wording comes from the checker
//! (`check::clauses::tender`) and the rules' data.

use std::fmt::Write as _;
use std::io::Cursor;

use docx_rs::{Docx, Paragraph, Run, Style, StyleType};

use crate::check::clauses::tender::where_in_bid;
use crate::model::{
    AiFeature, ClauseStatus, DocType, DocumentReport, Evidence, FeatureBasis, upper_first,
};

/// What the closing says when no reply-by date was given: the officer replaces it.
pub const REPLY_BY_PLACEHOLDER: &str = "[reply-by date]";

/// Longest quote of the bid inside a feature question, in characters.
const MAX_QUOTE: usize = 200;

/// Short topics for the built-in tender rules, as a bidder would read them; other rules (a custom
/// library's) are headed by their title.
const TOPICS: &[(&str, &str)] = &[
    ("tender-ai-declaration", "Declaration of AI use"),
    (
        "tender-ai-model-provenance",
        "AI models, providers and hosting",
    ),
    (
        "tender-ai-training-data",
        "Training data and the Council's data",
    ),
    ("tender-ai-testing", "Accuracy, safety and bias testing"),
    ("tender-ai-data-flows", "Where the Council's data goes"),
    ("tender-ai-human-oversight", "Human review of AI outputs"),
    (
        "tender-ai-change-and-incident",
        "Notice of AI changes and incidents",
    ),
];

/// Who the letter is from and what it names.
#[derive(Debug, Clone)]
pub struct LetterOptions {
    /// The buying organisation, as it signs ("the Council", "Eastbrook Borough Council").
    pub buyer: String,
    /// The tender's name or reference, for the subject line.
    pub tender: Option<String>,
    /// The reply-by date as the letter prints it ("15 January 2027"), or `None` for
    /// [`REPLY_BY_PLACEHOLDER`].
    pub reply_by: Option<String>,
}

impl Default for LetterOptions {
    fn default() -> Self {
        LetterOptions {
            buyer: "the Council".into(),
            tender: None,
            reply_by: None,
        }
    }
}

/// One numbered question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    /// 1-based number.
    pub number: usize,
    /// What it is about ("AI models, providers and hosting").
    pub topic: String,
    /// Where in the bid it points: "section 3.2, page 2", or "not found in your bid".
    pub reference: String,
    /// The question itself.
    pub text: String,
}

/// A clarification letter to one bidder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letter {
    /// The bid's path, as in the report.
    pub bid: String,
    /// Subject line.
    pub subject: String,
    /// The paragraphs before the questions.
    pub opening: Vec<String>,
    /// The questions, numbered from 1.
    pub questions: Vec<Question>,
    /// The paragraphs after the questions.
    pub closing: Vec<String>,
    /// Sign-off lines ("Yours faithfully,", then who signs).
    pub signature: Vec<String>,
}

/// Why a reply-by date was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the reply-by date \"{0}\" is not a real date written as YYYY-MM-DD (for example 2027-01-15)"
)]
pub struct DateError(String);

/// The clarification letter for one bid, or `None` when the document is not an analysed bid or
/// raises no question.
pub fn letter(doc: &DocumentReport, options: &LetterOptions) -> Option<Letter> {
    if doc.doc_type != DocType::Tender || doc.clauses.is_empty() {
        return None;
    }
    let mut questions = Vec::new();
    let mut quoted: Vec<(usize, usize)> = Vec::new();
    // The declaration first, then the pack in the order a bidder would answer it; a custom
    // library's tender rules after them, in report order.
    let mut clauses: Vec<_> = doc.clauses.iter().collect();
    clauses.sort_by_key(|c| {
        TOPICS
            .iter()
            .position(|(id, _)| *id == c.id)
            .unwrap_or(TOPICS.len())
    });
    for c in clauses {
        let Some(text) = c
            .question
            .as_deref()
            .filter(|_| c.status != ClauseStatus::Present)
        else {
            continue;
        };
        quoted.extend(c.evidence.iter().map(|e| (e.start, e.end)));
        let topic = TOPICS
            .iter()
            .find(|(id, _)| *id == c.id)
            .map_or_else(|| c.title.clone(), |(_, t)| (*t).to_string());
        let reference = match (c.status, c.evidence.first()) {
            (ClauseStatus::Missing, _) | (_, None) => "not found in your bid".to_string(),
            (_, Some(e)) => reference(e),
        };
        questions.push(Question {
            number: questions.len() + 1,
            topic,
            reference,
            text: text.to_string(),
        });
    }
    for f in doc.ai_features.iter().filter(|f| !f.disclosed) {
        let e = &f.evidence;
        if quoted.iter().any(|&(s, end)| s < e.end && e.start < end) {
            continue;
        }
        quoted.push((e.start, e.end));
        questions.push(Question {
            number: questions.len() + 1,
            topic: format!("AI not covered by your declaration: {}", f.name),
            reference: reference(e),
            text: feature_question(f),
        });
    }
    if questions.is_empty() {
        return None;
    }
    let file = file_name(&doc.path);
    let subject = match &options.tender {
        Some(t) => format!("Clarification questions on your tender response to {t} ({file})"),
        None => format!("Clarification questions on your tender response ({file})"),
    };
    let buyer = options.buyer.trim();
    let count = match questions.len() {
        1 => "the question below".to_string(),
        n => format!("the {n} questions below"),
    };
    let opening = vec![
        "Dear Bidder,".to_string(),
        format!(
            "Thank you for your tender response. As part of the evaluation, {buyer} has read what \
             your response says about the use of artificial intelligence (AI), and would be \
             grateful if you would answer {count}. Each question says which part of your \
             response it refers to."
        ),
    ];
    let reply_by = options.reply_by.as_deref().unwrap_or(REPLY_BY_PLACEHOLDER);
    let closing = vec![
        format!(
            "Please reply through the tender portal by {reply_by}, answering each question by its \
             number. Your answers will be read as part of your tender response. If any question \
             is unclear, please raise it through the portal's clarification facility."
        ),
        "Thank you for your help.".to_string(),
    ];
    Some(Letter {
        bid: doc.path.clone(),
        subject,
        opening,
        questions,
        closing,
        signature: vec![
            "Yours faithfully,".to_string(),
            "Procurement Team".to_string(),
            upper_first(buyer),
        ],
    })
}

/// The question about an AI feature the declaration does not cover.
fn feature_question(f: &AiFeature) -> String {
    let at = where_in_bid(&f.evidence);
    let quote = short(&f.evidence.quote);
    let tail = match &f.vendor {
        Some(v) => format!(", and confirm that {v} is the provider"),
        None => ", and name the tool and its provider".to_string(),
    };
    match f.basis {
        FeatureBasis::Named => format!(
            "{at} says \"{quote}\", which describes the use of AI ({}), but your AI declaration \
             does not mention it. Please confirm whether AI is used here and, if \
             it is, add it to your declaration: say what it does{tail}.",
            f.name
        ),
        FeatureBasis::Inferred => format!(
            "{at} says \"{quote}\". This describes a function that is often \
             performed by AI ({}). Please confirm whether AI or machine learning is used for it \
             and, if it is, add it to your AI declaration: say what it does{tail}.",
            f.name
        ),
    }
}

/// Where a quote sits in the bid: "section 3.2, page 2", "section Q4", "page 3", "your response".
fn reference(e: &Evidence) -> String {
    match (&e.section, e.page) {
        (Some(s), Some(p)) => format!("section {s}, page {p}"),
        (Some(s), None) => format!("section {s}"),
        (None, Some(p)) => format!("page {p}"),
        (None, None) => "your response".to_string(),
    }
}

/// A quote cut to [`MAX_QUOTE`] characters at a word boundary, without its final full stop.
fn short(quote: &str) -> String {
    let q = quote.split_whitespace().collect::<Vec<_>>().join(" ");
    let q = q.trim_end_matches('.');
    if q.chars().count() <= MAX_QUOTE {
        return q.to_string();
    }
    let cut: String = q.chars().take(MAX_QUOTE).collect();
    let cut = match cut.rfind(' ') {
        Some(i) if i > MAX_QUOTE / 2 => &cut[..i],
        _ => cut.as_str(),
    };
    format!("{} ...", cut.trim_end_matches([',', ';', ':']))
}

/// The last part of a report path ("bids/acme.docx" -> "acme.docx").
fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// A `YYYY-MM-DD` date as a letter writes it: "15 January 2027".
pub fn long_date(iso: &str) -> Result<String, DateError> {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let bad = || DateError(iso.to_string());
    let parts: Vec<&str> = iso.trim().split('-').collect();
    let [y, m, d] = parts.as_slice() else {
        return Err(bad());
    };
    if y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return Err(bad());
    }
    let (y, m, d): (u32, usize, u32) = (
        y.parse().map_err(|_| bad())?,
        m.parse().map_err(|_| bad())?,
        d.parse().map_err(|_| bad())?,
    );
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return Err(bad()),
    };
    if d == 0 || d > days {
        return Err(bad());
    }
    Ok(format!("{d} {} {y}", MONTHS[m - 1]))
}

/// Text made inert in Markdown while still reading as plain text when pasted into a portal's
/// message box: only the characters that would turn into emphasis, code or HTML are escaped
/// (a bracketed "[reply-by date]" with no link after it stays as written).
fn letter_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' | '\r' | '\t' => out.push(' '),
            // "](" would close a link the bid's words opened.
            ']' if chars.peek() == Some(&'(') => out.push_str("\\]"),
            '\\' | '*' | '_' | '`' | '<' | '>' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// The letter in Markdown, with the bid's own words made inert.
pub fn markdown(letter: &Letter) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "**Subject:** {}\n", letter_escape(&letter.subject));
    for p in &letter.opening {
        let _ = writeln!(out, "{}\n", letter_escape(p));
    }
    for q in &letter.questions {
        let _ = writeln!(
            out,
            "**{}. {}** ({})\n",
            q.number,
            letter_escape(&q.topic),
            letter_escape(&q.reference)
        );
        let _ = writeln!(out, "{}\n", letter_escape(&q.text));
    }
    for p in &letter.closing {
        let _ = writeln!(out, "{}\n", letter_escape(p));
    }
    // The signature's lines after the first end in a hard break (two spaces): one line each.
    for (i, line) in letter.signature.iter().enumerate() {
        let end = if i == 0 { "\n" } else { "  " };
        let _ = writeln!(out, "{}{end}", letter_escape(line));
    }
    out
}

/// The letter as a Word document (DOCX).
pub fn docx(letter: &Letter) -> Result<Vec<u8>, docx_rs::DocxError> {
    let para = |text: &str| Paragraph::new().add_run(Run::new().add_text(text));
    let mut doc = Docx::new()
        .add_style(
            Style::new("Heading2", StyleType::Paragraph)
                .name("Heading 2")
                .bold()
                .size(24),
        )
        .add_paragraph(
            Paragraph::new()
                .add_run(Run::new().add_text("Subject: ").bold())
                .add_run(Run::new().add_text(&letter.subject)),
        );
    for p in &letter.opening {
        doc = doc.add_paragraph(para(p));
    }
    for q in &letter.questions {
        doc = doc
            .add_paragraph(
                Paragraph::new()
                    .style("Heading2")
                    .add_run(Run::new().add_text(format!("{}. {}", q.number, q.topic)))
                    .add_run(Run::new().add_text(format!(" ({})", q.reference)).italic()),
            )
            .add_paragraph(para(&q.text));
    }
    for p in letter.closing.iter().chain(&letter.signature) {
        doc = doc.add_paragraph(para(p));
    }
    let mut out = Cursor::new(Vec::new());
    doc.build().pack(&mut out)?;
    Ok(out.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ClauseVerdict, FeatureCategory, Format, Severity, Status};

    fn ev(section: Option<&str>, page: Option<u32>, start: usize) -> Evidence {
        Evidence {
            page,
            section: section.map(str::to_string),
            quote: "Our platform uses machine learning to triage repair requests.".into(),
            start,
            end: start + 60,
        }
    }

    fn verdict(id: &str, status: ClauseStatus, evidence: Vec<Evidence>) -> ClauseVerdict {
        ClauseVerdict {
            id: id.into(),
            title: "A custom tender rule".into(),
            severity: Severity::Required,
            status,
            evidence,
            explanation: String::new(),
            question: (status != ClauseStatus::Present).then(|| format!("Please explain {id}.")),
            review: Default::default(),
        }
    }

    fn bid(clauses: Vec<ClauseVerdict>, ai_features: Vec<AiFeature>) -> DocumentReport {
        DocumentReport {
            path: "bids/acme-bid.docx".into(),
            format: Format::Docx,
            sha256: String::new(),
            doc_type: DocType::Tender,
            status: Status::Analysed,
            error: None,
            pages: None,
            clauses,
            ai_features,
            ai_declaration: None,
            ocr: None,
            order_of_precedence: None,
        }
    }

    fn feature(start: usize) -> AiFeature {
        AiFeature {
            name: "machine learning".into(),
            category: FeatureCategory::Predictive,
            disclosed: false,
            register: None,
            evidence: ev(Some("4"), None, start),
            vendor: None,
            basis: FeatureBasis::Named,
            reason: String::new(),
            baseline: None,
        }
    }

    #[test]
    fn numbers_questions_cites_the_bid_and_asks_once_per_passage() {
        let doc = bid(
            vec![
                verdict(
                    "tender-ai-declaration",
                    ClauseStatus::Contradicted,
                    vec![ev(Some("Q3"), Some(2), 500), ev(Some("4"), None, 100)],
                ),
                verdict("tender-ai-testing", ClauseStatus::Missing, vec![]),
                verdict("tender-ai-model-provenance", ClauseStatus::Present, vec![]),
                verdict(
                    "custom-tender-rule",
                    ClauseStatus::Weak,
                    vec![ev(None, None, 900)],
                ),
            ],
            // The first feature is the passage the declaration's question quotes; the second is new.
            vec![feature(100), feature(2000)],
        );
        let l = letter(&doc, &LetterOptions::default()).expect("a letter");
        let got: Vec<(usize, &str, &str)> = l
            .questions
            .iter()
            .map(|q| (q.number, q.topic.as_str(), q.reference.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                (1, "Declaration of AI use", "section Q3, page 2"),
                (
                    2,
                    "Accuracy, safety and bias testing",
                    "not found in your bid"
                ),
                (3, "A custom tender rule", "your response"),
                (
                    4,
                    "AI not covered by your declaration: machine learning",
                    "section 4"
                ),
            ]
        );
        assert!(l.subject.contains("(acme-bid.docx)"));
        assert!(
            l.opening[1].contains("the Council has read") && l.opening[1].contains("4 questions")
        );
        assert!(l.closing[0].contains(REPLY_BY_PLACEHOLDER));
        assert_eq!(
            l.signature,
            ["Yours faithfully,", "Procurement Team", "The Council"]
        );
        let md = markdown(&l);
        assert!(
            md.contains("**1. Declaration of AI use** (section Q3, page 2)"),
            "{md}"
        );
        assert!(
            md.contains("\n\nPlease explain tender-ai-testing.\n\n"),
            "{md}"
        );
    }

    #[test]
    fn no_letter_without_questions_or_for_a_contract() {
        let answered = bid(
            vec![verdict("tender-ai-testing", ClauseStatus::Present, vec![])],
            vec![],
        );
        assert!(letter(&answered, &LetterOptions::default()).is_none());
        let mut contract = bid(vec![verdict("x", ClauseStatus::Missing, vec![])], vec![]);
        contract.doc_type = DocType::Contract;
        assert!(letter(&contract, &LetterOptions::default()).is_none());
    }

    #[test]
    fn names_the_tender_the_buyer_and_the_date() {
        let doc = bid(
            vec![verdict("tender-ai-testing", ClauseStatus::Missing, vec![])],
            vec![],
        );
        let options = LetterOptions {
            buyer: "Eastbrook Borough Council".into(),
            tender: Some("Housing repairs (EBC-2026-043)".into()),
            reply_by: Some(long_date("2027-01-15").expect("a date")),
        };
        let l = letter(&doc, &options).expect("a letter");
        assert_eq!(
            l.subject,
            "Clarification questions on your tender response to Housing repairs (EBC-2026-043) (acme-bid.docx)"
        );
        assert!(l.closing[0].contains("by 15 January 2027,"));
        assert!(
            l.opening[1].contains("Eastbrook Borough Council has read")
                && l.opening[1].contains("the question below")
        );
        let bytes = docx(&l).expect("writes a DOCX");
        assert!(bytes.starts_with(b"PK"));
    }

    #[test]
    fn markdown_letters_read_as_plain_text() {
        assert_eq!(
            letter_escape("by [reply-by date], Q&A"),
            "by [reply-by date], Q&A"
        );
        assert_eq!(
            letter_escape("*bold* <b> `x`"),
            "\\*bold\\* \\<b\\> \\`x\\`"
        );
        assert_eq!(letter_escape("[see](http://x)"), "[see\\](http://x)");
    }

    #[test]
    fn reply_by_dates_are_checked() {
        assert_eq!(long_date("2028-02-29").as_deref(), Ok("29 February 2028"));
        for bad in [
            "2027-02-29",
            "2027-13-01",
            "15/01/2027",
            "2027-1-5",
            "2027-04-31",
            "soon",
        ] {
            assert!(long_date(bad).is_err(), "{bad}");
        }
    }
}
