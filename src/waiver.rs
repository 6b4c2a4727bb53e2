//! Waivers (`--waivers FILE.toml`): gaps a legal team accepted on purpose, each pinned to the
//! sha256 of the exact file(s) accepted, with a reason, an approver and an expiry date.
//!
//! [`Waivers::parse`] reads a waivers file (every error names the file and line);
//! [`Waivers::judge`] says whether a waiver applies to one gap; [`Waivers::apply_document`] and
//! [`Waivers::apply_family`] mark a report's gaps as waived (`waiver`) or say why a waiver that
//! names them no longer applies (`waiver_lapsed`). Statuses never change. The date is always the
//! caller's ([`today`] gives the real one, in UTC), so matching is testable.
//! [`Waiver::to_toml`] writes an entry (`aiassure waive`). The format is in `docs/waivers.md`.

use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Serialize};
use time::{Date, Month};

use crate::model::{
    ClauseStatus, DocumentReport, FamilyReport, Lapse, LapsedWaiver, Pinned, Report, Review,
    WaiverRecord, upper_first,
};

/// Largest waivers file read.
pub const MAX_WAIVERS_BYTES: u64 = 4 * 1024 * 1024;

/// What a waiver covers: one document (its path as scanned) or a contract family (its name).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Target {
    /// A document, by its path as the report gives it.
    Document(String),
    /// A contract family, by name.
    Family(String),
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Document(p) => write!(f, "{p}"),
            Target::Family(n) => write!(f, "the family {n}"),
        }
    }
}

/// One accepted gap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiver {
    /// Rule id.
    pub rule: String,
    /// The document or family.
    pub target: Target,
    /// The hash of the document, or of each member of the family, accepted.
    pub sha256: Pinned,
    /// Why the gap was accepted.
    pub reason: String,
    /// Who approved it.
    pub approved_by: String,
    /// The last day it applies.
    pub expires: Date,
    /// Where it is written ("waivers.toml:12"); empty for a waiver not read from a file.
    pub at: String,
}

/// A waivers file that cannot be used. Each names the file and, where it can, the line.
#[derive(Debug, thiserror::Error)]
pub enum WaiverError {
    /// The file could not be read.
    #[error("could not read the waivers file {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The file is too large to be a waivers file.
    #[error(
        "the waivers file {path} is larger than {mb} MB; is it the right file?",
        mb = MAX_WAIVERS_BYTES / (1024 * 1024)
    )]
    TooLarge {
        /// The file.
        path: String,
    },
    /// The file is not valid TOML, or an entry has a missing or unknown field.
    #[error("{at}: {message} (see docs/waivers.md for the format)")]
    Syntax {
        /// "file:line".
        at: String,
        /// What is wrong.
        message: String,
    },
    /// An entry is well-formed TOML but says something impossible.
    #[error("{at}: {message}")]
    Invalid {
        /// "file:line".
        at: String,
        /// What is wrong and how to fix it.
        message: String,
    },
}

/// An entry as written in the file.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWaiver {
    rule: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    document: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    family: Option<String>,
    sha256: Pinned,
    reason: String,
    approved_by: String,
    expires: toml::Value,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    waiver: Vec<toml::Spanned<RawWaiver>>,
}

#[derive(Serialize)]
struct OutFile<'a> {
    waiver: [&'a RawWaiver; 1],
}

/// Whether a waiver covers a gap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Judgement<'a> {
    /// This waiver applies: the gap is waived.
    Applies(&'a Waiver),
    /// This waiver names the gap but does not apply, for this reason.
    Lapsed(&'a Waiver, Lapse),
    /// No waiver names the gap.
    None,
}

/// The gap being judged: what it is in, and the hash of each file it rests on.
#[derive(Debug, Clone, Copy)]
pub struct Subject<'a> {
    /// The document or family.
    pub target: &'a Target,
    /// (path, sha256) of the document, or of each member of the family.
    pub files: &'a [(String, String)],
}

/// The waivers of one file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Waivers {
    /// The entries, in file order.
    pub entries: Vec<Waiver>,
}

/// Today's date in UTC.
pub fn today() -> Date {
    time::OffsetDateTime::now_utc().date()
}

/// Parses an ISO date (`2027-03-31`).
pub fn parse_date(text: &str) -> Option<Date> {
    let mut parts = text.trim().splitn(3, '-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let month = Month::try_from(m.parse::<u8>().ok()?).ok()?;
    Date::from_calendar_date(y.parse().ok()?, month, d.parse().ok()?).ok()
}

/// True for 64 hex digits.
fn is_sha256(h: &str) -> bool {
    h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit())
}

impl Waiver {
    /// A waiver of `rule` for a scanned document, pinned to the hash the report gives it.
    pub fn for_document(
        rule: &str,
        doc: &DocumentReport,
        reason: &str,
        approved_by: &str,
        expires: Date,
    ) -> Waiver {
        Waiver {
            rule: rule.to_string(),
            target: Target::Document(doc.path.clone()),
            sha256: Pinned::One(doc.sha256.clone()),
            reason: reason.to_string(),
            approved_by: approved_by.to_string(),
            expires,
            at: String::new(),
        }
    }

    /// A waiver of `rule` for a contract family, pinned to its members' hashes (`documents`: the
    /// report's documents, where the members are found).
    pub fn for_family(
        rule: &str,
        family: &FamilyReport,
        documents: &[DocumentReport],
        reason: &str,
        approved_by: &str,
        expires: Date,
    ) -> Waiver {
        let hashes = family
            .members
            .iter()
            .filter_map(|m| documents.iter().find(|d| &d.path == m))
            .map(|d| d.sha256.clone())
            .collect();
        Waiver {
            rule: rule.to_string(),
            target: Target::Family(family.name.clone()),
            sha256: Pinned::Members(hashes),
            reason: reason.to_string(),
            approved_by: approved_by.to_string(),
            expires,
            at: String::new(),
        }
    }

    /// The entry in the waivers file format, as `aiassure waive` prints it (`[[waiver]]` and its
    /// fields, ending with a newline), ready to append to a waivers file.
    pub fn to_toml(&self) -> String {
        let (document, family) = match &self.target {
            Target::Document(p) => (Some(p.clone()), None),
            Target::Family(n) => (None, Some(n.clone())),
        };
        let raw = RawWaiver {
            rule: self.rule.clone(),
            document,
            family,
            sha256: self.sha256.clone(),
            reason: self.reason.clone(),
            approved_by: self.approved_by.clone(),
            expires: toml::Value::String(self.expires.to_string()),
        };
        // Serialising plain strings and arrays of strings cannot fail.
        toml::to_string(&OutFile { waiver: [&raw] }).unwrap_or_default()
    }

    /// The record a clause carries when this waiver applies.
    pub fn record(&self) -> WaiverRecord {
        WaiverRecord {
            reason: self.reason.clone(),
            approved_by: self.approved_by.clone(),
            expires: self.expires.to_string(),
            sha256: self.sha256.clone(),
            at: self.at.clone(),
        }
    }

    /// "the waiver at waivers.toml:3 (approved by Head of Legal)".
    fn named(&self) -> String {
        if self.at.is_empty() {
            format!("the waiver approved by {}", self.approved_by)
        } else {
            format!(
                "the waiver at {} (approved by {})",
                self.at, self.approved_by
            )
        }
    }

    /// Why this waiver does not apply to the subject, in plain English, with what to do.
    fn lapse_message(&self, why: Lapse, subject: &Subject<'_>) -> String {
        match why {
            Lapse::Expired => format!(
                "{} expired on {}, so this gap counts again. If the decision still stands, \
                 record it again with a new expiry date; otherwise fix the gap.",
                upper_first(&self.named()),
                self.expires
            ),
            Lapse::Changed => {
                let accepted = self.sha256.sorted();
                let changed: Vec<String> = subject
                    .files
                    .iter()
                    .filter(|(_, h)| !accepted.contains(&h.as_str()))
                    .map(|(p, h)| format!("{p} (now sha256 {})", short(h)))
                    .collect();
                let what = match subject.target {
                    Target::Document(p) => format!("{p} has changed since it was accepted"),
                    Target::Family(n) => {
                        format!("the family {n} has changed since it was accepted")
                    }
                };
                let which = if changed.is_empty() {
                    " (a member accepted is no longer in it)".to_string()
                } else {
                    format!(": {}", changed.join(", "))
                };
                format!(
                    "{} no longer applies: {what}{which}; the waiver was for sha256 {}. Review \
                     the new text; if the gap is still acceptable, record a new waiver with \
                     `aiassure waive`.",
                    upper_first(&self.named()),
                    accepted
                        .iter()
                        .map(|h| short(h))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }
        }
    }
}

fn short(hash: &str) -> String {
    hash.chars().take(12).collect::<String>() + "..."
}

/// 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset.min(text.len()))
        .map_or(1, |t| t.matches('\n').count() + 1)
}

impl Waivers {
    /// The whole file's text: every entry as [`Waiver::to_toml`] writes it, a blank line between.
    pub fn to_toml(&self) -> String {
        self.entries
            .iter()
            .map(Waiver::to_toml)
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Reads a waivers file; `origin` is how messages name it.
    pub fn read(path: &std::path::Path) -> Result<Waivers, WaiverError> {
        let origin = path.display().to_string();
        let read_err = |source| WaiverError::Read {
            path: origin.clone(),
            source,
        };
        let meta = std::fs::metadata(path).map_err(read_err)?;
        if meta.len() > MAX_WAIVERS_BYTES {
            return Err(WaiverError::TooLarge { path: origin });
        }
        let bytes = std::fs::read(path).map_err(read_err)?;
        let text = String::from_utf8(bytes).map_err(|_| WaiverError::Syntax {
            at: format!("{origin}:1"),
            message: "the file is not UTF-8 text".into(),
        })?;
        Waivers::parse(&text, &origin)
    }

    /// Parses the text of a waivers file; `origin` names it in messages and in each waiver's
    /// `at`.
    pub fn parse(text: &str, origin: &str) -> Result<Waivers, WaiverError> {
        let file: RawFile = toml::from_str(text).map_err(|e| WaiverError::Syntax {
            at: format!(
                "{origin}:{}",
                e.span().map_or(1, |s| line_of(text, s.start))
            ),
            message: e.message().trim().to_string(),
        })?;
        let mut entries = Vec::with_capacity(file.waiver.len());
        for spanned in file.waiver {
            let at = format!("{origin}:{}", line_of(text, spanned.span().start));
            let raw = spanned.into_inner();
            let invalid = |message: String| WaiverError::Invalid {
                at: at.clone(),
                message,
            };
            let target = match (raw.document, raw.family) {
                (Some(d), None) if !d.trim().is_empty() => Target::Document(d),
                (None, Some(f)) if !f.trim().is_empty() => Target::Family(f),
                (Some(_), Some(_)) => {
                    return Err(invalid(
                        "a waiver names either a `document` or a `family`, not both".into(),
                    ));
                }
                _ => {
                    return Err(invalid(
                        "the waiver names no `document` (a path as scanned) or `family`".into(),
                    ));
                }
            };
            if raw.rule.trim().is_empty() {
                return Err(invalid("the waiver's `rule` is empty".into()));
            }
            let hashes: Vec<&str> = match &raw.sha256 {
                Pinned::One(h) => vec![h.as_str()],
                Pinned::Members(hs) => hs.iter().map(String::as_str).collect(),
            };
            if hashes.is_empty() || !hashes.iter().all(|h| is_sha256(h)) {
                return Err(invalid(
                    "`sha256` must be the 64 hex digits of the file's sha256 (a list of them for \
                     a family); `aiassure waive` writes it for you"
                        .into(),
                ));
            }
            let sha256 = match raw.sha256 {
                Pinned::One(h) => Pinned::One(h.to_ascii_lowercase()),
                Pinned::Members(hs) => {
                    Pinned::Members(hs.iter().map(|h| h.to_ascii_lowercase()).collect())
                }
            };
            for (field, value) in [("reason", &raw.reason), ("approved_by", &raw.approved_by)] {
                if value.trim().is_empty() {
                    return Err(invalid(format!(
                        "the waiver's `{field}` is empty: say {}",
                        if field == "reason" {
                            "why the gap is accepted"
                        } else {
                            "who approved it"
                        }
                    )));
                }
            }
            let expires_text = match &raw.expires {
                toml::Value::String(s) => s.clone(),
                toml::Value::Datetime(d) => d.to_string(),
                other => other.to_string(),
            };
            let expires = parse_date(&expires_text).ok_or_else(|| {
                invalid(format!(
                    "`expires` must be a date written YYYY-MM-DD, such as 2027-03-31 (it is \
                     {expires_text})"
                ))
            })?;
            entries.push(Waiver {
                rule: raw.rule,
                target,
                sha256,
                reason: raw.reason,
                approved_by: raw.approved_by,
                expires,
                at,
            });
        }
        Ok(Waivers { entries })
    }

    /// Whether a waiver covers the gap of `rule` in `subject` on `today`: the first waiver that
    /// applies, else the first that names the gap but does not (a changed file before an expired
    /// date), else none.
    pub fn judge(&self, subject: &Subject<'_>, rule: &str, today: Date) -> Judgement<'_> {
        let current: Vec<&str> = {
            let mut v: Vec<&str> = subject.files.iter().map(|(_, h)| h.as_str()).collect();
            v.sort_unstable();
            v
        };
        let mut lapsed: Option<(&Waiver, Lapse)> = None;
        for w in self
            .entries
            .iter()
            .filter(|w| w.rule == rule && &w.target == subject.target)
        {
            let why = if w.sha256.sorted() != current {
                Lapse::Changed
            } else if today > w.expires {
                Lapse::Expired
            } else {
                return Judgement::Applies(w);
            };
            match lapsed {
                Some((_, Lapse::Changed)) => {}
                _ if why == Lapse::Changed || lapsed.is_none() => lapsed = Some((w, why)),
                _ => {}
            }
        }
        match lapsed {
            Some((w, why)) => Judgement::Lapsed(w, why),
            None => Judgement::None,
        }
    }

    /// Marks the review of one gap.
    fn mark(&self, subject: &Subject<'_>, rule: &str, review: &mut Review, today: Date) {
        match self.judge(subject, rule, today) {
            Judgement::Applies(w) => review.waiver = Some(w.record()),
            Judgement::Lapsed(w, why) => {
                review.waiver_lapsed = Some(LapsedWaiver {
                    waiver: w.record(),
                    why,
                    message: w.lapse_message(why, subject),
                });
            }
            Judgement::None => {}
        }
    }

    /// Marks each gap of a document that a waiver names: `waiver` when it applies on `today`,
    /// `waiver_lapsed` (with why) when it does not.
    pub fn apply_document(&self, doc: &mut DocumentReport, today: Date) {
        let target = Target::Document(doc.path.clone());
        let files = [(doc.path.clone(), doc.sha256.clone())];
        let subject = Subject {
            target: &target,
            files: &files,
        };
        for c in doc
            .clauses
            .iter_mut()
            .filter(|c| c.status != ClauseStatus::Present)
        {
            self.mark(&subject, &c.id, &mut c.review, today);
        }
    }

    /// Marks each gap of a family as [`Waivers::apply_document`] does; `files` are the members'
    /// paths and hashes.
    pub fn apply_family(&self, family: &mut FamilyReport, files: &[(String, String)], today: Date) {
        let target = Target::Family(family.name.clone());
        let subject = Subject {
            target: &target,
            files,
        };
        for c in family
            .clauses
            .iter_mut()
            .filter(|c| c.status != ClauseStatus::Present)
        {
            self.mark(&subject, &c.id, &mut c.review, today);
        }
    }

    /// Waivers whose place in the file (`at`) no clause cites (see [`cited`]): they name no gap
    /// of the scan (the gap was fixed, or the path or rule is wrong) and can be removed.
    pub fn unused(&self, cited: &BTreeSet<String>) -> Vec<&Waiver> {
        self.entries
            .iter()
            .filter(|w| !cited.contains(&w.at))
            .collect()
    }

    /// As [`Waivers::unused`], for a whole report.
    pub fn unused_in(&self, report: &Report) -> Vec<&Waiver> {
        let reviews = report
            .documents
            .iter()
            .flat_map(|d| d.clauses.iter().map(|c| &c.review))
            .chain(
                report
                    .families
                    .iter()
                    .flat_map(|f| f.clauses.iter().map(|c| &c.review)),
            );
        let cited: BTreeSet<String> = reviews.filter_map(cited).map(String::from).collect();
        self.unused(&cited)
    }
}

/// Where the waiver a clause's review names (applied or lapsed) is written, if any.
pub fn cited(review: &Review) -> Option<&str> {
    review
        .waiver
        .as_ref()
        .map(|w| w.at.as_str())
        .or_else(|| review.waiver_lapsed.as_ref().map(|l| l.waiver.at.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    const B: &str = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

    fn file(expires: &str, sha: &str) -> String {
        format!(
            "# accepted gaps\n\n[[waiver]]\nrule = \"ai-output-ip\"\ndocument = \"c/a.pdf\"\n\
             sha256 = \"{sha}\"\nreason = \"Framework terms\"\napproved_by = \"Head of Legal\"\n\
             expires = {expires}\n"
        )
    }

    fn date(s: &str) -> Date {
        parse_date(s).unwrap()
    }

    #[test]
    fn parses_and_judges_by_rule_target_hash_and_date() {
        let w = Waivers::parse(&file("\"2027-03-31\"", A), "w.toml").unwrap();
        assert_eq!(w.entries.len(), 1);
        assert_eq!(w.entries[0].at, "w.toml:3");
        let target = Target::Document("c/a.pdf".into());
        let same = [("c/a.pdf".to_string(), A.to_string())];
        let subject = Subject {
            target: &target,
            files: &same,
        };
        assert!(matches!(
            w.judge(&subject, "ai-output-ip", date("2027-03-31")),
            Judgement::Applies(_)
        ));
        assert_eq!(
            w.judge(&subject, "other-rule", date("2027-03-31")),
            Judgement::None
        );
        assert!(matches!(
            w.judge(&subject, "ai-output-ip", date("2027-04-01")),
            Judgement::Lapsed(_, Lapse::Expired)
        ));
        let changed = [("c/a.pdf".to_string(), B.to_string())];
        let subject = Subject {
            target: &target,
            files: &changed,
        };
        let Judgement::Lapsed(waiver, Lapse::Changed) =
            w.judge(&subject, "ai-output-ip", date("2027-01-01"))
        else {
            panic!("a changed file lapses the waiver");
        };
        let message = waiver.lapse_message(Lapse::Changed, &subject);
        assert!(
            message.contains("c/a.pdf (now sha256 bbbbbbbbbbbb...)"),
            "{message}"
        );
        let other = Target::Family("c".into());
        let subject = Subject {
            target: &other,
            files: &same,
        };
        assert_eq!(
            w.judge(&subject, "ai-output-ip", date("2027-01-01")),
            Judgement::None
        );
    }

    #[test]
    fn a_bare_toml_date_is_accepted() {
        let w = Waivers::parse(&file("2027-03-31", A), "w.toml").unwrap();
        assert_eq!(w.entries[0].expires, date("2027-03-31"));
    }

    #[test]
    fn errors_name_the_file_and_line() {
        let bad_date = Waivers::parse(&file("\"31/03/2027\"", A), "w.toml").unwrap_err();
        assert_eq!(
            bad_date.to_string(),
            "w.toml:3: `expires` must be a date written YYYY-MM-DD, such as 2027-03-31 (it is 31/03/2027)"
        );
        let bad_hash = Waivers::parse(&file("\"2027-03-31\"", "abc"), "w.toml").unwrap_err();
        assert!(
            bad_hash
                .to_string()
                .starts_with("w.toml:3: `sha256` must be")
        );
        let unknown = Waivers::parse(
            &file("\"2027-03-31\"", A).replace("reason", "reasons"),
            "w.toml",
        )
        .unwrap_err();
        assert!(unknown.to_string().starts_with("w.toml:"), "{unknown}");
        assert!(unknown.to_string().contains("reasons"), "{unknown}");
        let syntax = Waivers::parse("[[waiver]]\nrule = \n", "w.toml").unwrap_err();
        assert!(syntax.to_string().starts_with("w.toml:2:"), "{syntax}");
        let both = Waivers::parse(
            &file("\"2027-03-31\"", A).replace("document =", "family = \"x\"\ndocument ="),
            "w.toml",
        )
        .unwrap_err();
        assert!(both.to_string().contains("not both"), "{both}");
        assert_eq!(parse_date("2027-02-30"), None);
    }

    #[test]
    fn a_document_waiver_is_pinned_to_its_report_hash_and_a_file_reads_back() {
        let doc: DocumentReport = serde_json::from_value(serde_json::json!({
            "path": "c/a.pdf", "format": "pdf", "sha256": A, "doc_type": "contract",
            "status": "analysed", "error": null, "pages": 1, "ai_declaration": null,
            "clauses": [{"id": "ai-output-ip", "title": "t", "severity": "required",
                         "status": "missing", "evidence": [], "explanation": "e"}],
            "ai_features": []
        }))
        .unwrap();
        let w = Waiver::for_document("ai-output-ip", &doc, "r", "b", date("2027-01-01"));
        let file = Waivers {
            entries: vec![
                w.clone(),
                Waiver {
                    rule: "other".into(),
                    ..w
                },
            ],
        };
        let back = Waivers::parse(&file.to_toml(), "w.toml").unwrap();
        assert_eq!(back.entries.len(), 2);
        assert_eq!(back.entries[1].at, "w.toml:9");
        let mut marked = doc.clone();
        back.apply_document(&mut marked, date("2026-12-31"));
        let record = marked.clauses[0].review.waiver.as_ref().unwrap();
        assert_eq!(record.at, "w.toml:1");
        assert_eq!(
            back.unused_in(&Report {
                schema_version: "1".into(),
                tool: crate::scan::tool(),
                library: crate::scan::tool(),
                documents: vec![marked],
                families: Vec::new(),
                summary: crate::model::Summary::default(),
                baseline: None,
                rules: Vec::new(),
            })
            .len(),
            1,
            "the waiver of another rule is unused"
        );
    }

    #[test]
    fn written_entries_read_back() {
        let w = Waiver {
            rule: "ai-output-ip".into(),
            target: Target::Family("contracts/acme".into()),
            sha256: Pinned::Members(vec![A.into(), B.into()]),
            reason: "Accepted \"as is\"".into(),
            approved_by: "Head of Legal".into(),
            expires: date("2027-03-31"),
            at: String::new(),
        };
        let text = w.to_toml();
        assert!(text.starts_with("[[waiver]]\n"), "{text}");
        let back = Waivers::parse(&text, "w.toml").unwrap();
        assert_eq!(
            back.entries[0],
            Waiver {
                at: "w.toml:1".into(),
                ..w
            }
        );
    }
}
