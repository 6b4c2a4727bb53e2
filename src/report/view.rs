//! What the readable formats (text, Markdown, HTML) show, derived once from a [`Report`]: the
//! items to lead with, each document's gaps in order of seriousness with the rule's wording to add,
//! the portfolio chart for many documents, and the bid comparison matrix for several tenders.
//!
//! The view borrows from the report and adds no judgement of its own: it only sorts, counts and
//! lays out. Templates receive it as their context (see `templates/report.html.j2` for the
//! fields), so a user's own template (`--template DIR`) can use everything the built-in one uses.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{evidence_note, ocr_note};
use crate::model::{
    AiFeature, BaselineSummary, Change, ClauseStatus, ClauseVerdict, DocType, DocumentReport,
    Evidence, FamilyClause, FamilyFeature, FamilyReport, FeatureBasis, Gaps, Report, RuleInfo,
    Severity, Status,
};

/// The portfolio chart appears when at least this many documents were analysed.
const PORTFOLIO_MIN_DOCUMENTS: usize = 2;
/// The bid comparison appears when at least this many tenders were scanned together.
const BIDS_MIN_TENDERS: usize = 2;
/// Width in pixels of the longest bar of the portfolio chart.
const CHART_BAR_WIDTH: f64 = 330.0;
/// Height in pixels of one row of the portfolio chart.
const CHART_ROW: usize = 24;
/// Where the bars start (room for the rule ids on the left).
const CHART_LABEL_WIDTH: f64 = 290.0;

/// Everything the readable formats show.
#[derive(Debug, Serialize)]
pub struct View<'a> {
    /// The report itself (for tool, library, summary and any field a custom template wants).
    pub report: &'a Report,
    /// AI features no disclosure covers, across all documents.
    pub undisclosed: Vec<LeadFeature<'a>>,
    /// Contradicted rules across all documents (but members of families, which are judged in
    /// their family).
    pub contradicted: Vec<LeadGap<'a>>,
    /// Contradicted rules of families.
    pub family_contradicted: Vec<LeadFamilyGap<'a>>,
    /// AI features no member's disclosure covers, of families.
    pub family_undisclosed: Vec<LeadFamilyFeature<'a>>,
    /// Gaps (contradicted, missing or weak) of required rules, across all documents.
    pub required_gaps: usize,
    /// Gaps of recommended rules, across all documents.
    pub recommended_gaps: usize,
    /// Documents that could not be read, with why.
    pub unreadable: Vec<&'a DocumentReport>,
    /// Every document, in report order, with its gaps sorted.
    pub documents: Vec<DocView<'a>>,
    /// Gaps per rule and worst documents, when several documents were analysed.
    pub portfolio: Option<Portfolio>,
    /// Bidder-by-requirement matrix, when several tenders were scanned together.
    pub bids: Option<BidMatrix>,
    /// What changed since the baseline, when `--baseline` was given (shown first).
    pub changes: Option<Changes<'a>>,
    /// Contract families, each judged as one document (shown before the documents).
    pub families: Vec<FamilyView<'a>>,
    /// Gaps a waiver covers, across documents and families.
    pub waived: usize,
}

/// What changed since the baseline.
#[derive(Debug, Serialize)]
pub struct Changes<'a> {
    /// The totals, and the baseline's gaps with nothing left to compare.
    pub summary: &'a BaselineSummary,
    /// Each new, worse, better and fixed gap or AI feature, in that order (families and documents
    /// judged on their own; a family's members are judged in their family).
    pub items: Vec<ChangeItem>,
}

/// One change since the baseline.
#[derive(Debug, Serialize)]
pub struct ChangeItem {
    /// "new", "worse", "better" or "fixed".
    pub change: &'static str,
    /// The document's path, or the family's name.
    pub path: String,
    /// True for a family.
    pub family: bool,
    /// Anchor of the document or family in the HTML report.
    pub anchor: String,
    /// The rule id, or `undisclosed-ai-feature`.
    pub id: String,
    /// The rule's title, or the AI feature's name.
    pub title: String,
    /// What it is now: a clause status, or "undisclosed" / "disclosed" for an AI feature.
    pub status: &'static str,
}

/// A contract family as the readable formats show it.
#[derive(Debug, Serialize)]
pub struct FamilyView<'a> {
    /// The family's part of the report.
    pub family: &'a FamilyReport,
    /// HTML anchor (`family-1`, ...).
    pub anchor: String,
    /// Rules not present, most serious first.
    pub gaps: Vec<FamilyGapView<'a>>,
    /// Rules met.
    pub present: Vec<&'a FamilyClause>,
    /// Gap counts.
    pub counts: Gaps,
    /// AI features no member's disclosure covers.
    pub undisclosed: usize,
    /// "family.toml", "the clause in PATH" or "none".
    pub order: String,
}

/// A family's gap with the rule's documentation.
#[derive(Debug, Serialize)]
pub struct FamilyGapView<'a> {
    /// The verdict.
    pub verdict: &'a FamilyClause,
    /// The rule's documentation, when the report carries it.
    pub rule: Option<&'a RuleInfo>,
    /// "Contradicted", "Missing" or "Weak".
    pub label: &'static str,
}

/// An undisclosed AI feature and the document describing it.
#[derive(Debug, Serialize)]
pub struct LeadFeature<'a> {
    /// Document path.
    pub path: &'a str,
    /// Anchor of the document's section in the HTML report.
    pub anchor: String,
    /// The feature.
    pub feature: &'a AiFeature,
}

/// A gap and the document it is in.
#[derive(Debug, Serialize)]
pub struct LeadGap<'a> {
    /// Document path.
    pub path: &'a str,
    /// Anchor of the document's section in the HTML report.
    pub anchor: String,
    /// The verdict.
    pub verdict: &'a ClauseVerdict,
}

/// A contradicted rule of a family.
#[derive(Debug, Serialize)]
pub struct LeadFamilyGap<'a> {
    /// The family's name.
    pub name: &'a str,
    /// Anchor of the family in the HTML report.
    pub anchor: String,
    /// The verdict.
    pub verdict: &'a FamilyClause,
}

/// An undisclosed AI feature of a family.
#[derive(Debug, Serialize)]
pub struct LeadFamilyFeature<'a> {
    /// The family's name.
    pub name: &'a str,
    /// Anchor of the family in the HTML report.
    pub anchor: String,
    /// The feature.
    pub feature: &'a FamilyFeature,
}

/// One document as the readable formats show it.
#[derive(Debug, Serialize)]
pub struct DocView<'a> {
    /// The document's part of the report.
    pub doc: &'a DocumentReport,
    /// HTML anchor (`doc-1`, `doc-2`, ... in report order).
    pub anchor: String,
    /// Rules not present: contradicted, missing, weak; required before recommended.
    pub gaps: Vec<GapView<'a>>,
    /// Rules found present.
    pub present: Vec<&'a ClauseVerdict>,
    /// Gap counts.
    pub counts: Gaps,
    /// AI features no disclosure covers.
    pub undisclosed: usize,
    /// AI features the document names (an AI word, technique or product).
    pub named: Vec<&'a AiFeature>,
    /// Functions usually done by a trained model, described without AI words: "likely AI: ask
    /// the bidder".
    pub inferred: Vec<&'a AiFeature>,
    /// "read by OCR (tesseract 5.3.0, eng): 2 page(s), confidence 91%: check the original", when
    /// pages were read by OCR.
    pub ocr_note: Option<String>,
}

/// A gap with the rule's documentation.
#[derive(Debug, Serialize)]
pub struct GapView<'a> {
    /// The verdict.
    pub verdict: &'a ClauseVerdict,
    /// One entry per quote of the verdict: "read by OCR, confidence 91%: check the original"
    /// when the quote's page was read by OCR.
    pub evidence_ocr: Vec<Option<String>>,
    /// The rule's documentation (title, why, model wording), when the report carries it.
    pub rule: Option<&'a RuleInfo>,
    /// "Contradicted", "Missing" or "Weak", for headings.
    pub label: &'static str,
}

/// The portfolio view.
#[derive(Debug, Serialize)]
pub struct Portfolio {
    /// One bar per rule with gaps, most gaps first.
    pub rules: Vec<RuleBar>,
    /// Height of the chart in pixels.
    pub chart_height: usize,
    /// Analysed documents, worst first.
    pub worst: Vec<DocRank>,
}

/// One bar of the portfolio chart: a rule and its gaps across documents.
#[derive(Debug, Serialize)]
pub struct RuleBar {
    /// Rule id.
    pub id: String,
    /// Rule title.
    pub title: String,
    /// Documents the rule applies to.
    pub applies: usize,
    /// Documents where it is contradicted, missing or weak.
    pub gaps: usize,
    /// Top of the row in the chart.
    pub y: usize,
    /// Baseline of the row's text.
    pub text_y: usize,
    /// Bar segments, contradicted then missing then weak.
    pub segments: Vec<Segment>,
    /// Where the count after the bar goes.
    pub end_x: f64,
}

/// A segment of a bar.
#[derive(Debug, Serialize)]
pub struct Segment {
    /// "contradicted", "missing" or "weak" (also the CSS class).
    pub status: &'static str,
    /// Documents in this segment.
    pub count: usize,
    /// Left edge in pixels.
    pub x: f64,
    /// Width in pixels.
    pub width: f64,
}

/// A document's rank in the portfolio.
#[derive(Debug, Serialize)]
pub struct DocRank {
    /// Document path.
    pub path: String,
    /// HTML anchor.
    pub anchor: String,
    /// Detected document type.
    pub doc_type: DocType,
    /// Gap counts.
    pub counts: Gaps,
    /// AI features no disclosure covers.
    pub undisclosed: usize,
}

/// The bid comparison matrix: one row per bid, a column per tender rule (the declaration and the
/// vendor-assurance pack), then the AI features each bid describes and what its declaration says.
#[derive(Debug, Serialize)]
pub struct BidMatrix {
    /// Requirements compared (every rule applied to any of the tenders): the built-in tender rules
    /// in the order a bid answers them, then any other by id.
    pub columns: Vec<Column>,
    /// One row per tender, in report order.
    pub rows: Vec<BidRow>,
}

/// A requirement column.
#[derive(Debug, Serialize)]
pub struct Column {
    /// Rule id.
    pub id: String,
    /// Rule title.
    pub title: String,
    /// A short heading for a table ("Testing", "Data flows"); the title when there is none.
    pub short: String,
}

/// One bidder's row.
#[derive(Debug, Serialize)]
pub struct BidRow {
    /// Document path.
    pub path: String,
    /// HTML anchor.
    pub anchor: String,
    /// Verdict per column ("present", "weak", "contradicted", "missing"), or "n/a".
    pub cells: Vec<&'static str>,
    /// The same verdicts with where the bid answers each one.
    pub verdicts: Vec<BidCell>,
    /// AI features described.
    pub features: usize,
    /// Of which no disclosure covers.
    pub undisclosed: usize,
    /// Each AI feature as the comparison lists it: its name, and whether the bid declares it.
    pub feature_list: Vec<BidFeature>,
    /// "AI used", "no AI" or "none" (no declaration found).
    pub declaration: &'static str,
    /// Where the declaration is ("Q3", "4.1, p. 2"), when there is one.
    pub declaration_at: Option<String>,
}

/// One verdict in the bid comparison.
#[derive(Debug, Serialize)]
pub struct BidCell {
    /// "present", "weak", "contradicted", "missing", or "n/a" when the rule was not applied.
    pub status: &'static str,
    /// What the cell says: the status, or "n/a (no AI)" for a pack rule left out of a bid that
    /// neither describes nor declares AI.
    pub label: &'static str,
    /// Where the answer relied on is ("Q4", "3.2, p. 2"), when there is one.
    pub at: Option<String>,
}

/// One AI feature in the bid comparison.
#[derive(Debug, Serialize)]
pub struct BidFeature {
    /// Feature name.
    pub name: String,
    /// Covered by the bid's declaration.
    pub disclosed: bool,
    /// Inferred from a described function ("likely AI: ask the bidder").
    pub inferred: bool,
}

/// Short headings for the built-in tender rules, for tables and letters; a custom library's rules
/// use their titles.
const SHORT_TITLES: &[(&str, &str)] = &[
    ("tender-ai-declaration", "Declares its AI"),
    ("tender-ai-model-provenance", "Models and providers"),
    ("tender-ai-training-data", "Training data"),
    ("tender-ai-testing", "Testing"),
    ("tender-ai-data-flows", "Data flows"),
    ("tender-ai-human-oversight", "Human oversight"),
    ("tender-ai-change-and-incident", "Changes and incidents"),
];

/// A rule's short heading (`SHORT_TITLES`), or its title.
pub fn short_title(id: &str, title: &str) -> String {
    SHORT_TITLES
        .iter()
        .find(|(i, _)| *i == id)
        .map_or_else(|| title.to_string(), |(_, t)| (*t).to_string())
}

/// Where a quote is, briefly: "Q4", "3.2, p. 2", "p. 2"; `None` when the document gives neither.
pub fn brief_location(e: &Evidence) -> Option<String> {
    match (&e.section, e.page) {
        (Some(s), Some(p)) => Some(format!("{s}, p. {p}")),
        (Some(s), None) => Some(s.clone()),
        (None, Some(p)) => Some(format!("p. {p}")),
        (None, None) => None,
    }
}

impl<'a> View<'a> {
    /// Derives the view of a report.
    pub fn of(report: &'a Report) -> View<'a> {
        let rules: BTreeMap<&str, &RuleInfo> =
            report.rules.iter().map(|r| (r.id.as_str(), r)).collect();
        let mut undisclosed = Vec::new();
        let mut contradicted = Vec::new();
        let mut documents = Vec::new();
        let members: std::collections::BTreeSet<&str> = report
            .families
            .iter()
            .flat_map(|f| f.members.iter().map(String::as_str))
            .collect();
        for (i, d) in report.documents.iter().enumerate() {
            let anchor = anchor(i);
            if members.contains(d.path.as_str()) {
                documents.push(doc_view(d, anchor, &rules));
                continue;
            }
            for f in d.ai_features.iter().filter(|f| !f.disclosed) {
                undisclosed.push(LeadFeature {
                    path: &d.path,
                    anchor: anchor.clone(),
                    feature: f,
                });
            }
            for c in &d.clauses {
                if c.status == ClauseStatus::Contradicted {
                    contradicted.push(LeadGap {
                        path: &d.path,
                        anchor: anchor.clone(),
                        verdict: c,
                    });
                }
            }
            documents.push(doc_view(d, anchor, &rules));
        }
        contradicted.sort_by_key(|g| g.verdict.severity);
        let gaps = |severity: Severity| {
            report
                .documents
                .iter()
                .flat_map(|d| &d.clauses)
                .filter(|c| c.severity == severity && c.status != ClauseStatus::Present)
                .count()
        };
        let families: Vec<FamilyView<'a>> = report
            .families
            .iter()
            .enumerate()
            .map(|(i, f)| family_view(f, i, &rules))
            .collect();
        let waived = report
            .documents
            .iter()
            .flat_map(|d| {
                d.clauses
                    .iter()
                    .map(|c| (c.status, c.review.waiver.is_some()))
            })
            .chain(report.families.iter().flat_map(|f| {
                f.clauses
                    .iter()
                    .map(|c| (c.status, c.review.waiver.is_some()))
            }))
            .filter(|(s, w)| *s != ClauseStatus::Present && *w)
            .count();
        let family_contradicted = families
            .iter()
            .flat_map(|f| {
                f.family
                    .clauses
                    .iter()
                    .filter(|c| c.status == ClauseStatus::Contradicted)
                    .map(|c| LeadFamilyGap {
                        name: &f.family.name,
                        anchor: f.anchor.clone(),
                        verdict: c,
                    })
            })
            .collect();
        let family_undisclosed = families
            .iter()
            .flat_map(|f| {
                f.family
                    .ai_features
                    .iter()
                    .filter(|x| !x.disclosed)
                    .map(|x| LeadFamilyFeature {
                        name: &f.family.name,
                        anchor: f.anchor.clone(),
                        feature: x,
                    })
            })
            .collect();
        View {
            changes: changes(report),
            family_contradicted,
            family_undisclosed,
            families,
            waived,
            report,
            undisclosed,
            contradicted,
            required_gaps: gaps(Severity::Required),
            recommended_gaps: gaps(Severity::Recommended),
            unreadable: report
                .documents
                .iter()
                .filter(|d| d.status != Status::Analysed)
                .collect(),
            portfolio: portfolio(report),
            bids: bids(report),
            documents,
        }
    }
}

fn anchor(index: usize) -> String {
    format!("doc-{}", index + 1)
}

fn family_view<'a>(
    f: &'a FamilyReport,
    index: usize,
    rules: &BTreeMap<&str, &'a RuleInfo>,
) -> FamilyView<'a> {
    let mut gaps: Vec<FamilyGapView<'a>> = f
        .clauses
        .iter()
        .filter(|c| c.status != ClauseStatus::Present)
        .map(|c| FamilyGapView {
            verdict: c,
            rule: rules.get(c.id.as_str()).copied(),
            label: status_label(c.status),
        })
        .collect();
    let rank = |c: &FamilyClause| (c.severity, gap_weight(c.status));
    gaps.sort_by(|a, b| {
        rank(a.verdict)
            .cmp(&rank(b.verdict))
            .then_with(|| a.verdict.id.cmp(&b.verdict.id))
    });
    let mut counts = Gaps::default();
    for c in &f.clauses {
        match c.status {
            ClauseStatus::Missing => counts.missing += 1,
            ClauseStatus::Weak => counts.weak += 1,
            ClauseStatus::Contradicted => counts.contradicted += 1,
            ClauseStatus::Present => {}
        }
    }
    FamilyView {
        family: f,
        anchor: format!("family-{}", index + 1),
        gaps,
        present: f
            .clauses
            .iter()
            .filter(|c| c.status == ClauseStatus::Present)
            .collect(),
        counts,
        undisclosed: f.ai_features.iter().filter(|x| !x.disclosed).count(),
        order: match &f.order_of_precedence {
            Some(o) if o.source == crate::model::OrderSource::FamilyToml => o.path.clone(),
            Some(o) => format!("the clause in {}", o.path),
            None => "none".to_string(),
        },
    }
}

/// Lower sorts first: contradicted, missing, weak, present.
fn gap_weight(s: ClauseStatus) -> u8 {
    match s {
        ClauseStatus::Contradicted => 0,
        ClauseStatus::Missing => 1,
        ClauseStatus::Weak => 2,
        ClauseStatus::Present => 3,
    }
}

/// The changes since the baseline, of families and of documents judged on their own.
fn changes(report: &Report) -> Option<Changes<'_>> {
    let summary = report.baseline.as_ref()?;
    let members: std::collections::BTreeSet<&str> = report
        .families
        .iter()
        .flat_map(|f| f.members.iter().map(String::as_str))
        .collect();
    let shown = |c: Option<Change>| match c {
        Some(Change::New) => Some("new"),
        Some(Change::Worse) => Some("worse"),
        Some(Change::Better) => Some("better"),
        Some(Change::Fixed) => Some("fixed"),
        _ => None,
    };
    let undisclosed = |disclosed: bool| {
        if disclosed {
            "disclosed"
        } else {
            "undisclosed"
        }
    };
    let mut items = Vec::new();
    for (i, f) in report.families.iter().enumerate() {
        let anchor = format!("family-{}", i + 1);
        for c in &f.clauses {
            if let Some(change) = shown(c.review.baseline) {
                items.push(ChangeItem {
                    change,
                    path: f.name.clone(),
                    family: true,
                    anchor: anchor.clone(),
                    id: c.id.clone(),
                    title: c.title.clone(),
                    status: c.status.as_str(),
                });
            }
        }
        for x in &f.ai_features {
            // A disclosed feature that is new is no change to act on.
            if let Some(change) =
                shown(x.baseline).filter(|_| !x.disclosed || x.baseline == Some(Change::Fixed))
            {
                items.push(ChangeItem {
                    change,
                    path: f.name.clone(),
                    family: true,
                    anchor: anchor.clone(),
                    id: super::sarif::UNDISCLOSED_RULE.to_string(),
                    title: x.name.clone(),
                    status: undisclosed(x.disclosed),
                });
            }
        }
    }
    for (i, d) in report.documents.iter().enumerate() {
        if members.contains(d.path.as_str()) {
            continue;
        }
        for c in &d.clauses {
            if let Some(change) = shown(c.review.baseline) {
                items.push(ChangeItem {
                    change,
                    path: d.path.clone(),
                    family: false,
                    anchor: anchor(i),
                    id: c.id.clone(),
                    title: c.title.clone(),
                    status: c.status.as_str(),
                });
            }
        }
        for x in &d.ai_features {
            if let Some(change) =
                shown(x.baseline).filter(|_| !x.disclosed || x.baseline == Some(Change::Fixed))
            {
                items.push(ChangeItem {
                    change,
                    path: d.path.clone(),
                    family: false,
                    anchor: anchor(i),
                    id: super::sarif::UNDISCLOSED_RULE.to_string(),
                    title: x.name.clone(),
                    status: undisclosed(x.disclosed),
                });
            }
        }
    }
    let order = |c: &str| {
        ["new", "worse", "better", "fixed"]
            .iter()
            .position(|x| *x == c)
    };
    items.sort_by_key(|i| order(i.change));
    Some(Changes { summary, items })
}

/// How serious a gap is: lower sorts first.
pub fn gap_rank(c: &ClauseVerdict) -> (Severity, u8) {
    let status = match c.status {
        ClauseStatus::Contradicted => 0,
        ClauseStatus::Missing => 1,
        ClauseStatus::Weak => 2,
        ClauseStatus::Present => 3,
    };
    (c.severity, status)
}

/// The word for a status, capitalised for headings.
pub fn status_label(s: ClauseStatus) -> &'static str {
    match s {
        ClauseStatus::Present => "Present",
        ClauseStatus::Weak => "Weak",
        ClauseStatus::Contradicted => "Contradicted",
        ClauseStatus::Missing => "Missing",
    }
}

/// Gap counts of one document.
pub fn counts(d: &DocumentReport) -> Gaps {
    let mut g = Gaps::default();
    for c in &d.clauses {
        match c.status {
            ClauseStatus::Missing => g.missing += 1,
            ClauseStatus::Weak => g.weak += 1,
            ClauseStatus::Contradicted => g.contradicted += 1,
            ClauseStatus::Present => {}
        }
    }
    g
}

fn doc_view<'a>(
    d: &'a DocumentReport,
    anchor: String,
    rules: &BTreeMap<&str, &'a RuleInfo>,
) -> DocView<'a> {
    let mut gaps: Vec<GapView<'a>> = d
        .clauses
        .iter()
        .filter(|c| c.status != ClauseStatus::Present)
        .map(|c| GapView {
            verdict: c,
            evidence_ocr: c.evidence.iter().map(|e| evidence_note(d, e)).collect(),
            rule: rules.get(c.id.as_str()).copied(),
            label: status_label(c.status),
        })
        .collect();
    gaps.sort_by(|a, b| {
        gap_rank(a.verdict)
            .cmp(&gap_rank(b.verdict))
            .then_with(|| a.verdict.id.cmp(&b.verdict.id))
    });
    DocView {
        doc: d,
        anchor,
        gaps,
        present: d
            .clauses
            .iter()
            .filter(|c| c.status == ClauseStatus::Present)
            .collect(),
        counts: counts(d),
        undisclosed: d.ai_features.iter().filter(|f| !f.disclosed).count(),
        named: d
            .ai_features
            .iter()
            .filter(|f| f.basis == FeatureBasis::Named)
            .collect(),
        inferred: d
            .ai_features
            .iter()
            .filter(|f| f.basis == FeatureBasis::Inferred)
            .collect(),
        ocr_note: d.ocr.as_ref().map(ocr_note),
    }
}

fn portfolio(report: &Report) -> Option<Portfolio> {
    let analysed: Vec<(usize, &DocumentReport)> = report
        .documents
        .iter()
        .enumerate()
        .filter(|(_, d)| d.status == Status::Analysed)
        .collect();
    if analysed.len() < PORTFOLIO_MIN_DOCUMENTS {
        return None;
    }
    // rule id -> (title, applies, [contradicted, missing, weak])
    let mut per_rule: BTreeMap<&str, (&str, usize, [usize; 3])> = BTreeMap::new();
    for (_, d) in &analysed {
        for c in &d.clauses {
            let e = per_rule.entry(&c.id).or_insert((&c.title, 0, [0; 3]));
            e.1 += 1;
            match c.status {
                ClauseStatus::Contradicted => e.2[0] += 1,
                ClauseStatus::Missing => e.2[1] += 1,
                ClauseStatus::Weak => e.2[2] += 1,
                ClauseStatus::Present => {}
            }
        }
    }
    let mut bars: Vec<(&str, &str, usize, [usize; 3])> = per_rule
        .into_iter()
        .map(|(id, (title, applies, n))| (id, title, applies, n))
        .filter(|(_, _, _, n)| n.iter().sum::<usize>() > 0)
        .collect();
    bars.sort_by(|a, b| {
        let (ta, tb) = (a.3.iter().sum::<usize>(), b.3.iter().sum::<usize>());
        tb.cmp(&ta).then_with(|| b.3.cmp(&a.3)).then(a.0.cmp(b.0))
    });
    let max = bars
        .iter()
        .map(|b| b.3.iter().sum::<usize>())
        .max()
        .unwrap_or(1)
        .max(1);
    #[allow(clippy::cast_precision_loss)] // counts of documents are small
    let scale = CHART_BAR_WIDTH / max as f64;
    let rules = bars
        .into_iter()
        .enumerate()
        .map(|(row, (id, title, applies, n))| {
            let mut x = CHART_LABEL_WIDTH;
            let mut segments = Vec::new();
            for (status, count) in ["contradicted", "missing", "weak"].into_iter().zip(n) {
                if count == 0 {
                    continue;
                }
                #[allow(clippy::cast_precision_loss)]
                let width = (count as f64 * scale).round();
                segments.push(Segment {
                    status,
                    count,
                    x,
                    width,
                });
                x += width;
            }
            RuleBar {
                id: id.to_string(),
                title: title.to_string(),
                applies,
                gaps: n.iter().sum(),
                y: row * CHART_ROW,
                text_y: row * CHART_ROW + CHART_ROW * 2 / 3,
                segments,
                end_x: x + 6.0,
            }
        })
        .collect::<Vec<_>>();
    let mut worst: Vec<DocRank> = analysed
        .iter()
        .map(|(i, d)| DocRank {
            path: d.path.clone(),
            anchor: anchor(*i),
            doc_type: d.doc_type,
            counts: counts(d),
            undisclosed: d.ai_features.iter().filter(|f| !f.disclosed).count(),
        })
        .collect();
    worst.sort_by(|a, b| {
        let key = |r: &DocRank| {
            (
                r.counts.contradicted,
                r.counts.missing,
                r.counts.weak,
                r.undisclosed,
            )
        };
        key(b).cmp(&key(a)).then_with(|| a.path.cmp(&b.path))
    });
    Some(Portfolio {
        chart_height: rules.len() * CHART_ROW,
        rules,
        worst,
    })
}

/// The bid comparison, when at least `BIDS_MIN_TENDERS` tenders were scanned together.
pub fn bids(report: &Report) -> Option<BidMatrix> {
    let tenders: Vec<(usize, &DocumentReport)> = report
        .documents
        .iter()
        .enumerate()
        .filter(|(_, d)| d.doc_type == DocType::Tender)
        .collect();
    if tenders.len() < BIDS_MIN_TENDERS {
        return None;
    }
    // Each rule once: the built-in tender rules in the order a bid answers them (the declaration,
    // then the pack, as [`SHORT_TITLES`] lists them), then any other rule by id.
    let mut columns: Vec<Column> = Vec::new();
    for (_, d) in &tenders {
        for c in &d.clauses {
            if !columns.iter().any(|col| col.id == c.id) {
                columns.push(Column {
                    id: c.id.clone(),
                    title: c.title.clone(),
                    short: short_title(&c.id, &c.title),
                });
            }
        }
    }
    columns.sort_by_key(|c| {
        (
            SHORT_TITLES
                .iter()
                .position(|(id, _)| *id == c.id)
                .unwrap_or(SHORT_TITLES.len()),
            c.id.clone(),
        )
    });
    let rows = tenders
        .iter()
        .map(|(i, d)| {
            let verdicts: Vec<BidCell> = columns
                .iter()
                .map(|col| match d.clauses.iter().find(|c| c.id == col.id) {
                    Some(c) => BidCell {
                        status: c.status.as_str(),
                        label: c.status.as_str(),
                        at: c.evidence.first().and_then(brief_location),
                    },
                    // Every tender gets the same rules but the pack, which a bid gets only when
                    // it describes or declares AI: a rule left out of a tender is left out for that.
                    None => BidCell {
                        status: "n/a",
                        label: "n/a (no AI)",
                        at: None,
                    },
                })
                .collect();
            BidRow {
                path: d.path.clone(),
                anchor: anchor(*i),
                cells: verdicts.iter().map(|v| v.status).collect(),
                verdicts,
                features: d.ai_features.len(),
                undisclosed: d.ai_features.iter().filter(|f| !f.disclosed).count(),
                feature_list: d
                    .ai_features
                    .iter()
                    .map(|f| BidFeature {
                        name: f.name.clone(),
                        disclosed: f.disclosed,
                        inferred: f.basis == FeatureBasis::Inferred,
                    })
                    .collect(),
                declaration: match &d.ai_declaration {
                    Some(decl) if decl.says_ai_used => "AI used",
                    Some(_) => "no AI",
                    None => "none",
                },
                declaration_at: d
                    .ai_declaration
                    .as_ref()
                    .and_then(|decl| brief_location(&decl.evidence)),
            }
        })
        .collect();
    Some(BidMatrix { columns, rows })
}
