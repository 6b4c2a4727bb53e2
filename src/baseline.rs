//! Baselines (`--baseline OLD.json`): what changed since an earlier scan.
//!
//! [`Baseline::read`] keeps, from an earlier JSON report, each document's and family's clause
//! statuses and AI features (nothing else). A [`Comparison`] then marks every clause and AI
//! feature of the new report `new`, `unchanged`, `worse`, `better` or `fixed`, matched by path
//! (or family name) and rule (or feature name), counts the changes, and lists the gaps of the
//! baseline that have nothing left to compare with (`gone`: a document no longer scanned, a rule
//! that no longer applies).
//!
//! A gap is more serious the further along weak, missing, contradicted it is; a gap where the
//! baseline had the rule met, or had no such document or rule, is new. A present clause is
//! `fixed` when the baseline had a gap there, else `unchanged`. An undisclosed AI feature is new
//! when the baseline did not have it, worse when the baseline had it disclosed; a disclosed one is
//! fixed when the baseline had it undisclosed.

use std::collections::{BTreeMap, BTreeSet};
use std::io::BufReader;
use std::path::Path;

use serde::Deserialize;

use crate::model::{
    BaselineSummary, Change, ClauseStatus, DocumentReport, FamilyReport, GoneGap, Status,
};
use crate::report::sarif::UNDISCLOSED_RULE;

/// What one document or family was in the baseline.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Old {
    unreadable: bool,
    clauses: BTreeMap<String, ClauseStatus>,
    /// Lower-case feature name -> (name as written, disclosed).
    features: BTreeMap<String, (String, bool)>,
}

/// An earlier report, as far as comparing needs it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Baseline {
    path: String,
    documents: BTreeMap<String, Old>,
    families: BTreeMap<String, Old>,
}

/// A baseline that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    /// It could not be read.
    #[error("could not read the baseline report {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// It is not an aiassure JSON report.
    #[error(
        "the baseline {path} is not an aiassure JSON report ({message}); give the file an earlier `aiassure scan --format json -o FILE` wrote"
    )]
    NotAReport {
        /// The file.
        path: String,
        /// What is wrong, with the line.
        message: String,
    },
}

#[derive(Deserialize)]
struct RawReport {
    schema_version: String,
    #[serde(default)]
    documents: Vec<RawUnit>,
    #[serde(default)]
    families: Vec<RawUnit>,
}

#[derive(Deserialize)]
struct RawUnit {
    #[serde(alias = "name")]
    path: String,
    #[serde(default)]
    status: Option<Status>,
    #[serde(default)]
    clauses: Vec<RawClause>,
    #[serde(default)]
    ai_features: Vec<RawFeature>,
}

#[derive(Deserialize)]
struct RawClause {
    id: String,
    status: ClauseStatus,
}

#[derive(Deserialize)]
struct RawFeature {
    name: String,
    disclosed: bool,
}

impl From<RawUnit> for Old {
    fn from(u: RawUnit) -> Old {
        Old {
            unreadable: u.status.is_some_and(|s| s != Status::Analysed),
            clauses: u.clauses.into_iter().map(|c| (c.id, c.status)).collect(),
            features: u
                .ai_features
                .into_iter()
                .map(|f| (f.name.to_lowercase(), (f.name, f.disclosed)))
                .collect(),
        }
    }
}

/// How serious a status is as a gap: 0 for present.
fn weight(s: ClauseStatus) -> u8 {
    match s {
        ClauseStatus::Present => 0,
        ClauseStatus::Weak => 1,
        ClauseStatus::Missing => 2,
        ClauseStatus::Contradicted => 3,
    }
}

/// A clause's change from its status in the baseline (`None`: not there).
pub fn clause_change(old: Option<ClauseStatus>, now: ClauseStatus) -> Change {
    let was = old.map_or(0, weight);
    let is = weight(now);
    match (was, is) {
        (0, 0) => Change::Unchanged,
        (_, 0) => Change::Fixed,
        (0, _) => Change::New,
        (w, i) if w == i => Change::Unchanged,
        (w, i) if i > w => Change::Worse,
        _ => Change::Better,
    }
}

/// An AI feature's change from whether the baseline had it disclosed (`None`: not there).
pub fn feature_change(old: Option<bool>, disclosed: bool) -> Change {
    match (old, disclosed) {
        (None, _) => Change::New,
        (Some(false), true) => Change::Fixed,
        (Some(true), false) => Change::Worse,
        _ => Change::Unchanged,
    }
}

impl Baseline {
    /// Reads an earlier JSON report; `path` names it in messages and in the report.
    pub fn read(path: &Path) -> Result<Baseline, BaselineError> {
        let shown = path.display().to_string();
        let file = std::fs::File::open(path).map_err(|source| BaselineError::Read {
            path: shown.clone(),
            source,
        })?;
        let raw: RawReport = serde_json::from_reader(BufReader::new(file)).map_err(|e| {
            BaselineError::NotAReport {
                path: shown.clone(),
                message: e.to_string(),
            }
        })?;
        Baseline::from_raw(raw, shown)
    }

    /// Reads an earlier JSON report from its text.
    pub fn parse(text: &str, shown: &str) -> Result<Baseline, BaselineError> {
        let raw: RawReport = serde_json::from_str(text).map_err(|e| BaselineError::NotAReport {
            path: shown.to_string(),
            message: e.to_string(),
        })?;
        Baseline::from_raw(raw, shown.to_string())
    }

    fn from_raw(raw: RawReport, shown: String) -> Result<Baseline, BaselineError> {
        if raw.schema_version != crate::model::SCHEMA_VERSION {
            return Err(BaselineError::NotAReport {
                path: shown,
                message: format!(
                    "its schema_version is {}, this aiassure reads {}",
                    raw.schema_version,
                    crate::model::SCHEMA_VERSION
                ),
            });
        }
        Ok(Baseline {
            path: shown,
            documents: raw
                .documents
                .into_iter()
                .map(|d| (d.path.clone(), Old::from(d)))
                .collect(),
            families: raw
                .families
                .into_iter()
                .map(|f| (f.path.clone(), Old::from(f)))
                .collect(),
        })
    }

    /// True when the baseline had this document and could not read it either.
    pub fn was_unreadable(&self, path: &str) -> bool {
        self.documents.get(path).is_some_and(|d| d.unreadable)
    }
}

/// Marks a report against a baseline, a document or family at a time, and counts the changes.
#[derive(Debug)]
pub struct Comparison<'a> {
    baseline: &'a Baseline,
    summary: BaselineSummary,
    /// (family?, path or name, rule id or lower-case feature name) met in the new report.
    seen: BTreeSet<(bool, String, String)>,
}

impl<'a> Comparison<'a> {
    /// Starts comparing with a baseline.
    pub fn new(baseline: &'a Baseline) -> Comparison<'a> {
        Comparison {
            baseline,
            summary: BaselineSummary {
                path: baseline.path.clone(),
                ..BaselineSummary::default()
            },
            seen: BTreeSet::new(),
        }
    }

    fn count(&mut self, change: Change, gap: bool) {
        let s = &mut self.summary;
        match (change, gap) {
            (Change::Fixed, _) => s.fixed += 1,
            (_, false) => {}
            (Change::New, true) => s.new += 1,
            (Change::Unchanged, true) => s.unchanged += 1,
            (Change::Worse, true) => s.worse += 1,
            (Change::Better, true) => s.better += 1,
        }
    }

    /// Marks a document's clauses and AI features. `counted` is false for a member of a family
    /// (the family's changes are counted instead).
    pub fn mark_document(&mut self, doc: &mut DocumentReport, counted: bool) {
        let old = self.baseline.documents.get(&doc.path);
        for c in &mut doc.clauses {
            let change = clause_change(old.and_then(|o| o.clauses.get(&c.id).copied()), c.status);
            c.review.baseline = Some(change);
            self.seen.insert((false, doc.path.clone(), c.id.clone()));
            if counted {
                self.count(change, c.status != ClauseStatus::Present);
            }
        }
        for f in &mut doc.ai_features {
            let key = f.name.to_lowercase();
            let change = feature_change(
                old.and_then(|o| o.features.get(&key)).map(|x| x.1),
                f.disclosed,
            );
            f.baseline = Some(change);
            self.seen.insert((false, doc.path.clone(), key));
            if counted {
                self.count(change, !f.disclosed);
            }
        }
    }

    /// Marks a family's clauses and AI features, and counts them.
    pub fn mark_family(&mut self, family: &mut FamilyReport) {
        let old = self.baseline.families.get(&family.name);
        for c in &mut family.clauses {
            let change = clause_change(old.and_then(|o| o.clauses.get(&c.id).copied()), c.status);
            c.review.baseline = Some(change);
            self.seen.insert((true, family.name.clone(), c.id.clone()));
            self.count(change, c.status != ClauseStatus::Present);
        }
        for f in &mut family.ai_features {
            let key = f.name.to_lowercase();
            let change = feature_change(
                old.and_then(|o| o.features.get(&key)).map(|x| x.1),
                f.disclosed,
            );
            f.baseline = Some(change);
            self.seen.insert((true, family.name.clone(), key));
            self.count(change, !f.disclosed);
        }
    }

    /// The totals, with the baseline's gaps that nothing in the new report matched.
    pub fn finish(mut self) -> BaselineSummary {
        let units = self
            .baseline
            .documents
            .iter()
            .map(|(p, o)| (false, p, o))
            .chain(self.baseline.families.iter().map(|(n, o)| (true, n, o)));
        for (family, path, old) in units {
            for (rule, status) in &old.clauses {
                if *status != ClauseStatus::Present
                    && !self.seen.contains(&(family, path.clone(), rule.clone()))
                {
                    self.summary.gone.push(GoneGap {
                        path: path.clone(),
                        family,
                        rule: rule.clone(),
                        feature: None,
                        was: status.as_str().to_string(),
                    });
                }
            }
            for (key, (name, disclosed)) in &old.features {
                if !disclosed && !self.seen.contains(&(family, path.clone(), key.clone())) {
                    self.summary.gone.push(GoneGap {
                        path: path.clone(),
                        family,
                        rule: UNDISCLOSED_RULE.to_string(),
                        feature: Some(name.clone()),
                        was: "undisclosed".to_string(),
                    });
                }
            }
        }
        self.summary
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_follow_the_seriousness_of_gaps() {
        use ClauseStatus::*;
        assert_eq!(clause_change(None, Missing), Change::New);
        assert_eq!(clause_change(Some(Present), Weak), Change::New);
        assert_eq!(clause_change(Some(Weak), Weak), Change::Unchanged);
        assert_eq!(clause_change(Some(Weak), Contradicted), Change::Worse);
        assert_eq!(clause_change(Some(Contradicted), Missing), Change::Better);
        assert_eq!(clause_change(Some(Missing), Present), Change::Fixed);
        assert_eq!(clause_change(None, Present), Change::Unchanged);
        assert_eq!(feature_change(None, false), Change::New);
        assert_eq!(feature_change(Some(true), false), Change::Worse);
        assert_eq!(feature_change(Some(false), true), Change::Fixed);
        assert_eq!(feature_change(Some(false), false), Change::Unchanged);
    }

    #[test]
    fn a_report_that_is_not_one_is_refused() {
        let err = Baseline::parse("{\"documents\": []}", "old.json").unwrap_err();
        assert!(
            err.to_string().contains("missing field `schema_version`"),
            "{err}"
        );
        let err = Baseline::parse("{\"schema_version\": \"9\"}", "old.json").unwrap_err();
        assert!(err.to_string().contains("schema_version is 9"), "{err}");
    }
}
