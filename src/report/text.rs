//! The terminal report: plain text, at most 80 columns, no colour.
//!
//! It leads with what needs action first (AI features no disclosure covers, contradicted rules),
//! then gives each document's gaps from most to least serious with section and page, and ends
//! with a one-line summary.

use std::io::{self, Write};

use crate::model::{
    Change, DocumentReport, Evidence, FeatureBasis, Report, Review, Severity, Status,
};

use super::view::{Changes, DocView, FamilyView, View};
use super::{evidence_note, ocr_note};

/// Lines are wrapped to this width.
const WIDTH: usize = 80;
/// Quotes longer than this many characters are shortened with an ellipsis.
const QUOTE_MAX: usize = 200;

/// Writes the terminal report.
pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let view = View::of(report);
    writeln!(
        out,
        "aiassure {} - clause library {} {}",
        report.tool.version, report.library.name, report.library.version
    )?;
    if let Some(c) = &view.changes {
        changes(out, c)?;
    }
    if !view.undisclosed.is_empty() || !view.family_undisclosed.is_empty() {
        writeln!(
            out,
            "\nAI features not covered by the document's disclosure ({}):",
            view.undisclosed.len() + view.family_undisclosed.len()
        )?;
        for u in &view.undisclosed {
            let line = format!(
                "{} ({}{}) in {}{}",
                u.feature.name,
                u.feature.category.as_str(),
                if u.feature.basis == FeatureBasis::Inferred {
                    ", likely AI: ask the bidder"
                } else {
                    ""
                },
                u.path,
                location(&u.feature.evidence)
            );
            wrap_into(out, &line, "  ! ", "    ")?;
        }
        for u in &view.family_undisclosed {
            let line = format!(
                "{} in family {}: {}{}",
                u.feature.name,
                u.name,
                u.feature.evidence.path,
                location(&u.feature.evidence.evidence)
            );
            wrap_into(out, &line, "  ! ", "    ")?;
        }
    }
    let contradicted = view.contradicted.len() + view.family_contradicted.len();
    if contradicted > 0 {
        writeln!(out, "\nRules contradicted ({contradicted}):")?;
        for g in &view.family_contradicted {
            let at = g
                .verdict
                .evidence
                .first()
                .map(|e| format!(": {}{}", e.path, location(&e.evidence)))
                .unwrap_or_default();
            let line = format!(
                "{} ({}) in family {}{at}",
                g.verdict.title, g.verdict.id, g.name
            );
            wrap_into(out, &line, "  x ", "    ")?;
        }
        for g in &view.contradicted {
            let at = g.verdict.evidence.first().map(location).unwrap_or_default();
            let line = format!("{} ({}) in {}{}", g.verdict.title, g.verdict.id, g.path, at);
            wrap_into(out, &line, "  x ", "    ")?;
        }
    }
    for f in &view.families {
        family(out, f)?;
    }
    for d in &view.documents {
        document(out, d)?;
    }
    writeln!(out)?;
    summary(out, report, &view)
}

/// What changed since the baseline, first.
fn changes(out: &mut dyn Write, c: &Changes<'_>) -> io::Result<()> {
    let s = c.summary;
    writeln!(out)?;
    wrap_into(
        out,
        &format!(
            "Changes since the baseline ({}): {} new, {} worse, {} better, {} fixed, {} unchanged:",
            s.path, s.new, s.worse, s.better, s.fixed, s.unchanged
        ),
        "",
        "  ",
    )?;
    for i in &c.items {
        let line = format!(
            "{} {} ({}) in {}{}: now {}",
            i.change.to_uppercase(),
            i.title,
            i.id,
            if i.family { "family " } else { "" },
            i.path,
            i.status
        );
        wrap_into(out, &line, "  ", "    ")?;
    }
    for g in &s.gone {
        let what = g
            .feature
            .as_ref()
            .map_or_else(|| g.rule.clone(), |f| format!("{} ({f})", g.rule));
        let line = format!(
            "GONE {what} in {}{}: was {}, and is no longer in the report",
            if g.family { "family " } else { "" },
            g.path,
            g.was
        );
        wrap_into(out, &line, "  ", "    ")?;
    }
    if c.items.is_empty() && s.gone.is_empty() {
        writeln!(out, "  nothing changed")?;
    }
    Ok(())
}

/// The waiver and baseline lines under a gap.
fn review_lines(out: &mut dyn Write, review: &Review) -> io::Result<()> {
    if let Some(w) = &review.waiver {
        wrap_into(
            out,
            &format!(
                "WAIVED: {} (approved by {}, until {}{})",
                w.reason,
                w.approved_by,
                w.expires,
                if w.at.is_empty() {
                    String::new()
                } else {
                    format!("; {}", w.at)
                }
            ),
            "      ",
            "        ",
        )?;
    }
    if let Some(l) = &review.waiver_lapsed {
        wrap_into(
            out,
            &format!("Waiver no longer applies: {}", l.message),
            "      ",
            "        ",
        )?;
    }
    Ok(())
}

/// " (new since the baseline)" for a gap that changed.
fn change_mark(change: Option<Change>) -> String {
    match change {
        Some(c @ (Change::New | Change::Worse | Change::Better)) => {
            format!(" ({} since the baseline)", c.as_str())
        }
        _ => String::new(),
    }
}

fn family(out: &mut dyn Write, v: &FamilyView<'_>) -> io::Result<()> {
    let f = v.family;
    writeln!(out)?;
    wrap_into(
        out,
        &format!(
            "family {} ({}, {} member{}; order of precedence: {})",
            f.name,
            f.doc_type.as_str(),
            f.members.len(),
            if f.members.len() == 1 { "" } else { "s" },
            v.order
        ),
        "== ",
        "   ",
    )?;
    wrap_into(
        out,
        &format!("members: {}", f.members.join(", ")),
        "   ",
        "     ",
    )?;
    if !f.missing_members.is_empty() {
        wrap_into(
            out,
            &format!("NOT FOUND: {}", f.missing_members.join(", ")),
            "   ",
            "     ",
        )?;
    }
    if !f.unreadable_members.is_empty() {
        wrap_into(
            out,
            &format!("COULD NOT BE READ: {}", f.unreadable_members.join(", ")),
            "   ",
            "     ",
        )?;
    }
    for g in &v.gaps {
        let c = g.verdict;
        let sev = match c.severity {
            Severity::Required => "required",
            Severity::Recommended => "recommended",
        };
        let at = c
            .evidence
            .first()
            .map(|e| format!(" in {}{}", e.path, location(&e.evidence)))
            .unwrap_or_default();
        let line = format!(
            "{} [{sev}] {} ({}){at}{}",
            g.label.to_uppercase(),
            c.title,
            c.id,
            change_mark(c.review.baseline)
        );
        wrap_into(out, &line, "  - ", "    ")?;
        wrap_into(out, &c.explanation, "      ", "      ")?;
        review_lines(out, &c.review)?;
        for e in &c.evidence {
            wrap_into(
                out,
                &format!(
                    "\"{}\" ({}{})",
                    shorten(&e.evidence.quote),
                    e.path,
                    location(&e.evidence)
                ),
                "      > ",
                "        ",
            )?;
        }
    }
    if !v.present.is_empty() {
        let ids: Vec<String> = v
            .present
            .iter()
            .map(|c| {
                if c.by_precedence {
                    format!("{} (by precedence)", c.id)
                } else {
                    c.id.clone()
                }
            })
            .collect();
        wrap_into(
            out,
            &format!("present ({}): {}", ids.len(), ids.join(", ")),
            "  + ",
            "    ",
        )?;
    }
    for x in &f.ai_features {
        let line = format!(
            "AI feature: {} in {}{}, {}",
            x.name,
            x.evidence.path,
            location(&x.evidence.evidence),
            if x.disclosed {
                "disclosed"
            } else {
                "NOT disclosed"
            }
        );
        wrap_into(out, &line, "  * ", "    ")?;
    }
    Ok(())
}

/// ", section 14.3, page 2" (whatever is known).
fn location(e: &Evidence) -> String {
    let mut s = String::new();
    if let Some(sec) = &e.section {
        s.push_str(", section ");
        s.push_str(sec);
    }
    if let Some(p) = e.page {
        s.push_str(&format!(", page {p}"));
    }
    s
}

/// " (read by OCR, confidence 91%: check the original)" after a quote read by OCR.
fn ocr_mark(doc: &DocumentReport, e: &Evidence) -> String {
    evidence_note(doc, e).map_or_else(String::new, |n| format!(" ({n})"))
}

fn document(out: &mut dyn Write, d: &DocView<'_>) -> io::Result<()> {
    let doc: &DocumentReport = d.doc;
    writeln!(out)?;
    let mut head = format!(
        "{} ({}, {}",
        doc.path,
        doc.format.as_str(),
        doc.doc_type.as_str()
    );
    if let Some(p) = doc.pages {
        head.push_str(&format!(", {p} page{}", if p == 1 { "" } else { "s" }));
    }
    head.push(')');
    wrap_into(out, &head, "== ", "   ")?;
    if let Some(o) = &doc.ocr {
        wrap_into(out, &ocr_note(o), "   ", "   ")?;
    }
    if doc.status != Status::Analysed {
        let why = doc.error.as_deref().unwrap_or("no reason given");
        let label = if doc.status == Status::Unreadable {
            "UNREADABLE"
        } else {
            "ERROR"
        };
        return wrap_into(
            out,
            &format!("{label}: {why}. Not analysed: no verdicts for this document."),
            "   ",
            "   ",
        );
    }
    for g in &d.gaps {
        let v = g.verdict;
        let sev = match v.severity {
            Severity::Required => "required",
            Severity::Recommended => "recommended",
        };
        let at = v.evidence.first().map(location).unwrap_or_default();
        let line = format!(
            "{} [{sev}] {} ({}){at}{}",
            g.label.to_uppercase(),
            v.title,
            v.id,
            change_mark(v.review.baseline)
        );
        wrap_into(out, &line, "  - ", "    ")?;
        wrap_into(out, &v.explanation, "      ", "      ")?;
        review_lines(out, &v.review)?;
        for e in &v.evidence {
            wrap_into(
                out,
                &format!(
                    "\"{}\"{}{}",
                    shorten(&e.quote),
                    location(e),
                    ocr_mark(doc, e)
                ),
                "      > ",
                "        ",
            )?;
        }
    }
    if !d.present.is_empty() {
        let ids: Vec<&str> = d.present.iter().map(|c| c.id.as_str()).collect();
        wrap_into(
            out,
            &format!("present ({}): {}", ids.len(), ids.join(", ")),
            "  + ",
            "    ",
        )?;
    }
    if doc.clauses.is_empty() {
        writeln!(out, "  (no rules apply to this document type)")?;
    }
    for f in d.named.iter().chain(&d.inferred) {
        let kind = match f.basis {
            FeatureBasis::Named => "AI feature",
            FeatureBasis::Inferred => "Likely AI, ask the bidder",
        };
        let mut line = format!(
            "{kind}: {} ({}), {}",
            f.name,
            f.category.as_str(),
            if f.disclosed {
                "disclosed"
            } else {
                "NOT disclosed"
            }
        );
        if let Some(r) = f.register {
            line.push_str(&format!(", register: {}", r.as_str()));
        }
        line.push_str(&location(&f.evidence));
        wrap_into(out, &line, "  * ", "    ")?;
        if !f.reason.is_empty() {
            wrap_into(out, &format!("why: {}", f.reason), "    ", "    ")?;
        }
        wrap_into(
            out,
            &format!(
                "\"{}\"{}",
                shorten(&f.evidence.quote),
                ocr_mark(doc, &f.evidence)
            ),
            "    ",
            "    ",
        )?;
    }
    if let Some(decl) = &doc.ai_declaration {
        let says = if decl.says_ai_used {
            "says AI is used"
        } else {
            "says no AI is used"
        };
        wrap_into(
            out,
            &format!("AI declaration {says}{}", location(&decl.evidence)),
            "  * ",
            "    ",
        )?;
    }
    Ok(())
}

fn summary(out: &mut dyn Write, report: &Report, view: &View<'_>) -> io::Result<()> {
    let s = &report.summary;
    let mut line = format!(
        "Summary: {} documents ({} analysed, {} unreadable, {} error); gaps: {} contradicted, {} missing, {} weak; {} undisclosed AI features",
        s.documents,
        s.analysed,
        s.unreadable,
        s.error,
        s.gaps.contradicted,
        s.gaps.missing,
        s.gaps.weak,
        s.undisclosed_ai_features
    );
    if view.waived > 0 {
        line.push_str(&format!("; {} gaps waived", view.waived));
    }
    if !report.families.is_empty() {
        let gaps: usize = view
            .families
            .iter()
            .map(|f| f.counts.contradicted + f.counts.missing + f.counts.weak)
            .sum();
        let n = report.families.len();
        line.push_str(&format!(
            "; {n} contract {} judged as one ({gaps} gaps)",
            if n == 1 { "family" } else { "families" }
        ));
    }
    wrap_into(out, &line, "", "  ")
}

/// A quote cut to [`QUOTE_MAX`] characters at a word boundary, on one line.
fn shorten(quote: &str) -> String {
    let one_line: String = quote.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= QUOTE_MAX {
        return one_line;
    }
    let cut: String = one_line.chars().take(QUOTE_MAX).collect();
    let cut = match cut.rfind(' ') {
        Some(i) if i > QUOTE_MAX / 2 => &cut[..i],
        _ => cut.as_str(),
    };
    format!("{cut}...")
}

/// Writes `text` wrapped at [`WIDTH`] columns, the first line after `first`, the others after
/// `rest`. Words longer than a line are put on a line of their own.
fn wrap_into(out: &mut dyn Write, text: &str, first: &str, rest: &str) -> io::Result<()> {
    for line in wrap(text, first, rest) {
        writeln!(out, "{line}")?;
    }
    Ok(())
}

fn wrap(text: &str, first: &str, rest: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = first.to_string();
    let mut empty = true;
    for word in text.split_whitespace() {
        // Control characters from a document (terminal escape sequences) are never written.
        let clean: String;
        let word = if word.chars().any(char::is_control) {
            clean = word
                .chars()
                .map(|c| if c.is_control() { '\u{fffd}' } else { c })
                .collect();
            clean.as_str()
        } else {
            word
        };
        let len = line.chars().count();
        if !empty && len + 1 + word.chars().count() > WIDTH {
            lines.push(std::mem::replace(&mut line, rest.to_string()));
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    lines.push(line);
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_at_80_columns_and_keeps_every_word() {
        let text = "word ".repeat(60);
        let lines = wrap(&text, "  - ", "    ");
        assert!(lines.iter().all(|l| l.chars().count() <= WIDTH));
        let words: usize = lines.iter().map(|l| l.split_whitespace().count()).sum();
        assert_eq!(words, 61, "60 words and the marker");
    }

    #[test]
    fn control_characters_never_reach_the_terminal() {
        let lines = wrap("evil\u{1b}[2Jtext and\u{7}bell", "", "");
        assert_eq!(lines, ["evil\u{fffd}[2Jtext and\u{fffd}bell"]);
    }

    #[test]
    fn shortens_long_quotes_on_a_char_boundary() {
        let q = "é".repeat(300);
        let s = shorten(&q);
        assert!(s.ends_with("..."));
        assert_eq!(s.chars().count(), QUOTE_MAX + 3);
    }
}
