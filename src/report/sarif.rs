//! SARIF 2.1.0, for code scanning of template repositories (GitHub, GitLab, Azure DevOps).
//!
//! - `tool.driver.rules`: every rule the report cites, with its title, what it requires, why, and
//!   the model wording to add (in `help`), plus `undisclosed-ai-feature`;
//! - `results`: one per gap (contradicted, missing or weak rule) and one per undisclosed AI
//!   feature. Level: `error` for a required rule contradicted or missing; `warning` for a required
//!   rule that is weak, a recommended rule contradicted or missing, and an undisclosed feature;
//!   `note` for a recommended rule that is weak. The message is the verdict's explanation.
//! - Locations: the document's path (relative, URI-encoded). Plain-text and Markdown documents get
//!   `charOffset`/`charLength` of the first evidence in the extracted text; PDF, DOCX and HTML
//!   have no lines of their own, so their results point at line 1 and carry page and section in
//!   `properties` and in the message.
//! - `partialFingerprints."aiassure/v1"`: a hash of path and rule (or feature), stable across runs
//!   so a code-scanning service tracks one alert per gap.
//! - `artifacts`: every document scanned, with its sha-256.
//! - Documents that could not be read are `toolExecutionNotifications` (not results: an
//!   unreadable document has no verdicts).
//! - Contract families: their gaps are results (message "Contract family NAME: ...", located in
//!   the member the evidence is from, `properties.family`), in place of their members' own.
//! - A waived gap carries `suppressions` (`external`, `accepted`, the reason, approver and expiry
//!   as justification); a waiver that no longer applies is said in the message and in
//!   `properties.waiver_lapsed`. With a baseline, each result has `baselineState` (`new`,
//!   `unchanged`, or `updated` for worse or better) and the run's `properties.baseline` holds the
//!   totals; fixed gaps are not results.

use std::collections::BTreeSet;
use std::io::{self, Write};

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::{evidence_confidence, evidence_note};

use crate::model::{
    Change, ClauseStatus, DocumentReport, Evidence, FamilyReport, FeatureBasis, Format, Report,
    Review, RuleInfo, Severity, Status,
};

/// The rule id of results for AI features no disclosure covers.
pub const UNDISCLOSED_RULE: &str = "undisclosed-ai-feature";

/// Writes the report as a SARIF 2.1.0 log.
pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &log(report))?;
    writeln!(out)
}

/// The SARIF log as JSON.
pub fn log(report: &Report) -> Value {
    let mut rules: Vec<Value> = Vec::new();
    let mut ids: Vec<String> = Vec::new();
    for r in &report.rules {
        ids.push(r.id.clone());
        rules.push(rule_descriptor(r));
    }
    // Verdicts of rules the report carries no documentation for (a custom library).
    for d in &report.documents {
        for c in &d.clauses {
            if !ids.contains(&c.id) {
                ids.push(c.id.clone());
                rules.push(json!({
                    "id": c.id,
                    "shortDescription": { "text": c.title },
                    "help": { "text": c.title },
                }));
            }
        }
    }
    ids.push(UNDISCLOSED_RULE.to_string());
    rules.push(json!({
        "id": UNDISCLOSED_RULE,
        "name": "UndisclosedAiFeature",
        "shortDescription": { "text": "AI feature not covered by the document's AI disclosure" },
        "fullDescription": { "text": "The document describes an AI capability (a technique, product or AI-powered function) that its AI declaration or disclosure does not name or cover." },
        "help": {
            "text": "Ask the supplier to add this feature to its AI disclosure (name, provider, what it does, what data it uses, how people check its output), or to confirm in writing that it will not be used in the service.",
            "markdown": "Ask the supplier to add this feature to its AI disclosure (name, provider, what it does, what data it uses, how people check its output), or to confirm in writing that it will not be used in the service."
        },
        "defaultConfiguration": { "level": "warning" },
    }));

    let members: BTreeSet<&str> = report
        .families
        .iter()
        .flat_map(|f| f.members.iter().map(String::as_str))
        .collect();
    let mut results = Vec::new();
    let mut notifications = Vec::new();
    for d in &report.documents {
        if d.status != Status::Analysed {
            notifications.push(json!({
                "level": "error",
                "message": { "text": format!("{} could not be analysed: {}", d.path, d.error.as_deref().unwrap_or("no reason given")) },
                "locations": [ { "physicalLocation": { "artifactLocation": { "uri": uri(&d.path) } } } ],
            }));
            continue;
        }
        if members.contains(d.path.as_str()) {
            // Judged as part of its family (below).
            continue;
        }
        for c in d
            .clauses
            .iter()
            .filter(|c| c.status != ClauseStatus::Present)
        {
            results.push(clause_result(
                &ids,
                d,
                Gap {
                    id: &c.id,
                    title: &c.title,
                    severity: c.severity,
                    status: c.status,
                    evidence: c.evidence.first(),
                    explanation: &c.explanation,
                    review: &c.review,
                },
                &[&d.path, &c.id],
                None,
            ));
        }
        for f in d.ai_features.iter().filter(|f| !f.disclosed) {
            let mut result = json!({
                "ruleId": UNDISCLOSED_RULE,
                "ruleIndex": ids.len() - 1,
                "kind": "fail",
                "level": "warning",
                "message": { "text": match f.basis {
                    FeatureBasis::Named => format!("The document describes the AI feature \"{}\"{} but its AI disclosure does not cover it.", f.name, place(Some(&f.evidence))),
                    FeatureBasis::Inferred => format!("The document describes \"{}\"{}, likely AI (ask the bidder), and its AI disclosure does not cover it.", f.name, place(Some(&f.evidence))),
                } },
                "locations": [ location(d, Some(&f.evidence)) ],
                "partialFingerprints": { "aiassure/v1": fingerprint(&[&d.path, UNDISCLOSED_RULE, &f.name]) },
                "properties": {
                    "basis": f.basis,
                    "category": f.category,
                    "register": f.register,
                    "page": f.evidence.page,
                    "section": f.evidence.section,
                    "quote": f.evidence.quote,
                },
            });
            if let Some(state) = f.baseline.and_then(baseline_state) {
                result["baselineState"] = json!(state);
            }
            results.push(result);
        }
    }
    for fam in &report.families {
        family_results(report, fam, &ids, &mut results);
    }

    let mut log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [ {
            "tool": { "driver": {
                "name": report.tool.name,
                "version": report.tool.version,
                "semanticVersion": report.tool.version,
                "rules": rules,
                "properties": { "library": report.library },
            } },
            "invocations": [ {
                "executionSuccessful": true,
                "toolExecutionNotifications": notifications,
            } ],
            "artifacts": report.documents.iter().map(|d| {
                let mut a = json!({ "location": { "uri": uri(&d.path) } });
                if !d.sha256.is_empty() {
                    a["hashes"] = json!({ "sha-256": d.sha256 });
                }
                a
            }).collect::<Vec<_>>(),
            "results": results,
            "columnKind": "unicodeCodePoints",
        } ],
    });
    if let Some(b) = &report.baseline {
        // The totals, and the baseline's gaps with nothing left to compare (fixed gaps are no
        // results: code scanning closes an alert whose fingerprint no longer appears).
        log["runs"][0]["properties"] = json!({ "baseline": b });
    }
    log
}

/// One gap, of a document or a family.
struct Gap<'a> {
    id: &'a str,
    title: &'a str,
    severity: Severity,
    status: ClauseStatus,
    evidence: Option<&'a Evidence>,
    explanation: &'a str,
    review: &'a Review,
}

/// SARIF's `baselineState` for a change (a fixed gap is no result at all).
fn baseline_state(change: Change) -> Option<&'static str> {
    match change {
        Change::New => Some("new"),
        Change::Unchanged => Some("unchanged"),
        Change::Worse | Change::Better => Some("updated"),
        Change::Fixed => None,
    }
}

/// The result of a gap located in `d` (for a family, the member the evidence is from).
fn clause_result(
    ids: &[String],
    d: &DocumentReport,
    g: Gap<'_>,
    fingerprint_parts: &[&str],
    family: Option<&FamilyReport>,
) -> Value {
    let index = ids.iter().position(|i| i == g.id).unwrap_or(0);
    let level = match (g.severity, g.status) {
        (Severity::Required, ClauseStatus::Contradicted | ClauseStatus::Missing) => "error",
        (Severity::Recommended, ClauseStatus::Weak) => "note",
        _ => "warning",
    };
    let e = g.evidence;
    let lead = family.map_or_else(String::new, |f| format!("Contract family {}: ", f.name));
    let lapsed = g
        .review
        .waiver_lapsed
        .as_ref()
        .map_or_else(String::new, |l| format!(" {}", l.message));
    let mut result = json!({
        "ruleId": g.id,
        "ruleIndex": index,
        "kind": "fail",
        "level": level,
        "message": { "text": format!("{lead}{} ({}{}): {}{}{lapsed}", g.title, g.status.as_str(), place(e), g.explanation, ocr_mark(d, e)) },
        "locations": [ location(d, e) ],
        "partialFingerprints": { "aiassure/v1": fingerprint(fingerprint_parts) },
        "properties": {
            "status": g.status.as_str(),
            "severity": g.severity,
            "page": e.and_then(|e| e.page),
            "section": e.and_then(|e| e.section.clone()),
            "quote": e.map(|e| e.quote.clone()),
        },
    });
    if let Some(confidence) = e.and_then(|e| evidence_confidence(d, e)) {
        result["properties"]["ocr_confidence"] = json!(confidence);
    }
    if let Some(f) = family {
        result["properties"]["family"] = json!(f.name);
        result["properties"]["members"] = json!(f.members);
    }
    if let Some(w) = &g.review.waiver {
        result["suppressions"] = json!([{
            "kind": "external",
            "status": "accepted",
            "justification": format!("{} (approved by {}, until {}; {})", w.reason, w.approved_by, w.expires, w.at),
            "properties": { "approved_by": w.approved_by, "expires": w.expires, "sha256": w.sha256, "at": w.at },
        }]);
    }
    if let Some(l) = &g.review.waiver_lapsed {
        result["properties"]["waiver_lapsed"] = json!(l);
    }
    if let Some(state) = g.review.baseline.and_then(baseline_state) {
        result["baselineState"] = json!(state);
    }
    result
}

/// The results of a family's gaps and undisclosed AI features, each located in the member its
/// evidence is from (a missing rule: the highest-precedence member).
fn family_results(report: &Report, fam: &FamilyReport, ids: &[String], results: &mut Vec<Value>) {
    let member = |path: &str| report.documents.iter().find(|d| d.path == path);
    let Some(first) = fam.members.first().and_then(|m| member(m)) else {
        return;
    };
    for c in fam
        .clauses
        .iter()
        .filter(|c| c.status != ClauseStatus::Present)
    {
        let e = c.evidence.first();
        let d = e.and_then(|e| member(&e.path)).unwrap_or(first);
        results.push(clause_result(
            ids,
            d,
            Gap {
                id: &c.id,
                title: &c.title,
                severity: c.severity,
                status: c.status,
                evidence: e.map(|e| &e.evidence),
                explanation: &c.explanation,
                review: &c.review,
            },
            &["family", &fam.name, &c.id],
            Some(fam),
        ));
    }
    for f in fam.ai_features.iter().filter(|f| !f.disclosed) {
        let d = member(&f.evidence.path).unwrap_or(first);
        let e = &f.evidence.evidence;
        let mut result = json!({
            "ruleId": UNDISCLOSED_RULE,
            "ruleIndex": ids.len() - 1,
            "kind": "fail",
            "level": "warning",
            "message": { "text": format!("Contract family {}: {} describes the AI feature \"{}\"{} but no member's AI disclosure covers it.", fam.name, f.evidence.path, f.name, place(Some(e))) },
            "locations": [ location(d, Some(e)) ],
            "partialFingerprints": { "aiassure/v1": fingerprint(&["family", &fam.name, UNDISCLOSED_RULE, &f.name]) },
            "properties": {
                "family": fam.name,
                "basis": f.basis,
                "category": f.category,
                "register": f.register,
                "page": e.page,
                "section": e.section,
                "quote": e.quote,
            },
        });
        if let Some(state) = f.baseline.and_then(baseline_state) {
            result["baselineState"] = json!(state);
        }
        results.push(result);
    }
}

fn rule_descriptor(r: &RuleInfo) -> Value {
    let sources = if r.sources.is_empty() {
        String::new()
    } else {
        format!(" (sources: {})", r.sources.join("; "))
    };
    let text = format!(
        "{}\n\nWhy: {}{}\n\nModel wording to add:\n{}",
        r.requires, r.why, sources, r.model_wording
    );
    let markdown = format!(
        "{}\n\n**Why:** {}{}\n\n**Model wording to add:**\n\n> {}",
        r.requires,
        r.why,
        sources,
        r.model_wording.replace('\n', "\n> ")
    );
    let level = if r.tier == "recommended" {
        "warning"
    } else {
        "error"
    };
    json!({
        "id": r.id,
        "name": pascal(&r.id),
        "shortDescription": { "text": r.title },
        "fullDescription": { "text": r.requires },
        "help": { "text": text, "markdown": markdown },
        "defaultConfiguration": { "level": level },
        "properties": {
            "tier": r.tier,
            "sources": r.sources,
            "model_wording": r.model_wording,
            "tags": ["ai-assurance"],
        },
    })
}

/// ", section 14.3, page 2" for a message.
fn place(e: Option<&Evidence>) -> String {
    let Some(e) = e else {
        return String::new();
    };
    let mut s = String::new();
    if let Some(sec) = &e.section {
        s.push_str(&format!(", section {sec}"));
    }
    if let Some(p) = e.page {
        s.push_str(&format!(", page {p}"));
    }
    s
}

/// " (Quote read by OCR, confidence 91%: check the original.)" for a quote read by OCR.
fn ocr_mark(d: &DocumentReport, e: Option<&Evidence>) -> String {
    e.and_then(|e| evidence_note(d, e))
        .map_or_else(String::new, |n| format!(" (Quote {n}.)"))
}

fn location(d: &DocumentReport, e: Option<&Evidence>) -> Value {
    let region = match (d.format, e) {
        (Format::Text | Format::Markdown, Some(e)) => json!({
            "charOffset": e.start,
            "charLength": e.end.saturating_sub(e.start),
        }),
        _ => json!({ "startLine": 1 }),
    };
    json!({ "physicalLocation": {
        "artifactLocation": { "uri": uri(&d.path) },
        "region": region,
    } })
}

/// A relative URI reference for a path: `/` separators, everything outside the unreserved set
/// percent-encoded.
pub fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.replace('\\', "/").bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// First 16 bytes of sha256 over the parts, hex.
fn fingerprint(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0]);
    }
    crate::model::hex(&h.finalize()[..16])
}

/// `no-training-on-buyer-data` -> `NoTrainingOnBuyerData`.
fn pascal(id: &str) -> String {
    id.split(['-', '_'])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_encoded() {
        assert_eq!(uri("bids/Acme bid #2.pdf"), "bids/Acme%20bid%20%232.pdf");
        assert_eq!(uri("a\\b.docx"), "a/b.docx");
        assert_eq!(uri("é.txt"), "%C3%A9.txt");
    }

    #[test]
    fn names_are_pascal_case() {
        assert_eq!(pascal("no-training-on-buyer-data"), "NoTrainingOnBuyerData");
    }

    #[test]
    fn fingerprints_are_stable_and_distinct() {
        assert_eq!(fingerprint(&["a", "b"]), fingerprint(&["a", "b"]));
        assert_ne!(fingerprint(&["a", "b"]), fingerprint(&["ab", ""]));
        assert_eq!(fingerprint(&["a"]).len(), 32);
    }
}
