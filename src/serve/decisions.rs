//! Officers' decisions on gaps: accept with a reason (a waiver pinned to the file's sha256, with
//! who approved it and until when), ask the bidder, or reject. Checked here before they are
//! stored, and exported as a waivers file for `scan --waivers FILE.toml`, written by
//! [`crate::waiver`] (`[[waiver]]` with rule, document, sha256, reason, approved_by, expires), so
//! the decisions travel with the report.

use serde::{Deserialize, Serialize};

use super::store::{Decision, NewDecision, Review, StoredFile};
use crate::model::{ClauseStatus, DocumentReport, Pinned};
use crate::waiver::{Target, Waiver, Waivers};

/// The decisions an officer can make on a gap.
pub const KINDS: [&str; 3] = ["accept", "ask", "reject"];

/// Longest reason kept, in characters.
const MAX_REASON_CHARS: usize = 4000;
/// Longest name of who decided, in characters.
const MAX_BY_CHARS: usize = 200;

/// A decision as the API receives it.
#[derive(Debug, Clone, Deserialize)]
pub struct DecisionRequest {
    /// The document's name in the review.
    pub document: String,
    /// The rule id.
    pub rule: String,
    /// `accept`, `ask` or `reject`.
    pub decision: String,
    /// Why (for `ask`: what to ask the bidder).
    pub reason: String,
    /// Who decided.
    pub by: String,
    /// For `accept`: the last day the acceptance holds (YYYY-MM-DD).
    #[serde(default)]
    pub expires: Option<String>,
}

/// True for a date written YYYY-MM-DD that exists.
fn is_date(s: &str) -> bool {
    s.len() == 10 && crate::waiver::parse_date(s).is_some() && plausible(s)
}

/// True for a date written YYYY-MM-DD with a plausible month and day.
fn plausible(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let [y, m, d] = parts[..] else {
        return false;
    };
    let num = |p: &str, len: usize| {
        (p.len() == len && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse::<u32>().ok())
            .flatten()
    };
    matches!(
        (num(y, 4), num(m, 2), num(d, 2)),
        (Some(_), Some(1..=12), Some(1..=31))
    )
}

/// Checks a decision against the review's files and their reports; the decision to store, or
/// what is wrong with it in plain words.
pub fn validate<'a>(
    request: &'a DecisionRequest,
    file: Option<&'a StoredFile>,
    report: Option<&'a DocumentReport>,
) -> Result<NewDecision<'a>, String> {
    let decision = request.decision.as_str();
    if !KINDS.contains(&decision) {
        return Err(format!(
            "the decision must be one of accept, ask or reject (not \"{decision}\")"
        ));
    }
    let (Some(file), Some(report)) = (file, report) else {
        return Err(format!(
            "this review has no analysed document named \"{}\"; wait for its analysis to finish",
            request.document
        ));
    };
    let Some(verdict) = report.clauses.iter().find(|c| c.id == request.rule) else {
        return Err(format!(
            "the rule \"{}\" was not applied to {}",
            request.rule, request.document
        ));
    };
    if verdict.status == ClauseStatus::Present {
        return Err(format!(
            "{} is met in {}: there is no gap to decide on",
            request.rule, request.document
        ));
    }
    let reason = request.reason.trim();
    if reason.is_empty() {
        return Err(match decision {
            "ask" => "write the question to ask the bidder".into(),
            _ => "write the reason for the decision".into(),
        });
    }
    if reason.chars().count() > MAX_REASON_CHARS {
        return Err(format!(
            "the reason is longer than {MAX_REASON_CHARS} characters; shorten it"
        ));
    }
    let by = request.by.trim();
    if by.is_empty() || by.chars().count() > MAX_BY_CHARS {
        return Err("say who made the decision (your name or role)".into());
    }
    let expires = match (decision, request.expires.as_deref().map(str::trim)) {
        ("accept", Some(d)) if is_date(d) => Some(d),
        ("accept", _) => {
            return Err(
                "an acceptance needs the date it lapses (YYYY-MM-DD), as a waiver does".into(),
            );
        }
        _ => None,
    };
    Ok(NewDecision {
        document: &file.name,
        sha256: &file.sha256,
        rule: &verdict.id,
        decision,
        reason,
        decided_by: by,
        expires,
    })
}

/// A decision as the pages and the API show it: whether it still applies to the file as it is
/// now (same sha256, not expired).
#[derive(Debug, Clone, Serialize)]
pub struct DecisionView {
    /// The decision.
    #[serde(flatten)]
    pub decision: Decision,
    /// "Accepted", "Ask the bidder", "Rejected".
    pub label: &'static str,
    /// The file was replaced since the decision: it was made on other bytes.
    pub stale: bool,
    /// The acceptance's date has passed.
    pub expired: bool,
}

/// The label of a decision kind.
pub fn label(kind: &str) -> &'static str {
    match kind {
        "accept" => "Accepted",
        "ask" => "Ask the bidder",
        _ => "Rejected",
    }
}

/// Decisions with whether each still applies: `current` gives the sha256 of each document now,
/// `today` is YYYY-MM-DD.
pub fn views(
    decisions: Vec<Decision>,
    current: &dyn Fn(&str) -> Option<String>,
    today: &str,
) -> Vec<DecisionView> {
    decisions
        .into_iter()
        .map(|d| DecisionView {
            label: label(&d.decision),
            stale: current(&d.document).is_none_or(|sha| sha != d.sha256),
            expired: d.expires.as_deref().is_some_and(|e| e < today),
            decision: d,
        })
        .collect()
}

/// Text made safe for a TOML comment: on one line.
fn comment(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// The review's acceptances as a waivers file (`--waivers FILE.toml`): one `[[waiver]]` per
/// accepted gap, pinned to the sha256 of the file accepted. Other decisions are listed in
/// comments only, as they waive nothing.
pub fn waivers_toml(review: &Review, decisions: &[Decision], now: &str) -> String {
    // Acceptances are stored only with a valid date (see `validate`).
    let waivers = Waivers {
        entries: decisions
            .iter()
            .filter(|d| d.decision == "accept")
            .filter_map(|d| {
                Some(Waiver {
                    rule: d.rule.clone(),
                    target: Target::Document(d.document.clone()),
                    sha256: Pinned::One(d.sha256.clone()),
                    reason: d.reason.clone(),
                    approved_by: d.decided_by.clone(),
                    expires: crate::waiver::parse_date(d.expires.as_deref()?)?,
                    at: String::new(),
                })
            })
            .collect(),
    };
    let mut out = format!(
        "# Waivers from the review \"{}\" (aiassure serve, review {}), exported {now}.\n\
         # Use with: aiassure scan FILES... --waivers THIS_FILE.toml\n",
        comment(&review.name),
        review.id
    );
    for d in decisions.iter().filter(|d| d.decision != "accept") {
        out.push_str(&format!(
            "# {}: {} on {}: {}\n",
            label(&d.decision),
            comment(&d.rule),
            comment(&d.document),
            comment(&d.reason)
        ));
    }
    if waivers.entries.is_empty() {
        out.push_str("# No gap has been accepted yet.\n");
        return out;
    }
    out.push('\n');
    out.push_str(&waivers.to_toml());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decision(kind: &str, reason: &str) -> Decision {
        Decision {
            id: 1,
            review_id: 1,
            document: "bid \"one\".pdf".into(),
            sha256: "ab".repeat(32),
            rule: "tender-ai-testing".into(),
            decision: kind.into(),
            reason: reason.into(),
            decided_by: "Head of Procurement".into(),
            expires: (kind == "accept").then(|| "2027-03-31".into()),
            decided: "2026-12-02T03:00:00Z".into(),
        }
    }

    #[test]
    fn acceptances_export_as_waivers_that_parse_back() {
        let review = Review {
            id: 1,
            name: "Care\nrecords".into(),
            doc_type: "tender".into(),
            register_name: None,
            created: String::new(),
            files: 1,
        };
        let text = waivers_toml(
            &review,
            &[
                decision("accept", "Testing evidence \"seen\"\nin the annex"),
                decision("ask", "Send your test report"),
            ],
            "2026-12-02T03:00:00Z",
        );
        let parsed: toml::Value = toml::from_str(&text).unwrap();
        let w = &parsed["waiver"][0];
        assert_eq!(w["rule"].as_str(), Some("tender-ai-testing"));
        assert_eq!(w["document"].as_str(), Some("bid \"one\".pdf"));
        assert_eq!(
            w["reason"].as_str(),
            Some("Testing evidence \"seen\"\nin the annex")
        );
        assert_eq!(w["approved_by"].as_str(), Some("Head of Procurement"));
        assert_eq!(w["expires"].as_str(), Some("2027-03-31"));
        assert_eq!(parsed["waiver"].as_array().map(Vec::len), Some(1));
        assert!(text.contains("# Ask the bidder: tender-ai-testing"));
        assert!(text.starts_with("# Waivers from the review \"Care records\""));
    }

    #[test]
    fn dates_are_checked() {
        assert!(is_date("2027-03-31"));
        assert!(!is_date("2027-13-01"));
        assert!(!is_date("31/03/2027"));
        assert!(!is_date("2027-3-31"));
    }
}
