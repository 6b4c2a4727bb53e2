//! A family's verdicts from its members' own: the family judged as one document.
//!
//! Per rule: a contrary clause in any member makes the rule contradicted, unless the order of
//! precedence (the `family.toml`'s, else an order-of-precedence clause a member states) puts a
//! member that meets the rule above every member that contradicts it, and then the rule is met
//! and the explanation says so. Otherwise a rule met in any member is met; weak in any member is
//! weak; else missing. Evidence names the member it is from. AI features are gathered from every
//! member, each name once, disclosed when any member discloses it.

use std::collections::BTreeMap;

use super::FamilyPlan;
use super::precedence;
use crate::model::{
    ClauseStatus, ClauseVerdict, DocType, DocumentReport, Evidence, FamilyClause, FamilyFeature,
    FamilyOrder, FamilyReport, MemberEvidence, OrderSource, Review, Severity, Status,
};

/// The order of precedence a family uses: each ranked member's rank (0 = highest).
struct Order {
    report: FamilyOrder,
    ranks: BTreeMap<String, usize>,
    /// "family.toml at c/acme/family.toml", "the clause in c/acme/agreement.pdf, section 2.1".
    described: String,
}

fn find_order(plan: &FamilyPlan, members: &[&DocumentReport]) -> Option<Order> {
    if let Some(manifest) = &plan.manifest {
        return Some(Order {
            report: FamilyOrder {
                source: OrderSource::FamilyToml,
                path: manifest.clone(),
                evidence: None,
                ranked: plan.members.clone(),
            },
            ranks: plan
                .members
                .iter()
                .enumerate()
                .map(|(i, m)| (m.clone(), i))
                .collect(),
            described: format!("listed in {manifest}"),
        });
    }
    let paths: Vec<String> = members.iter().map(|d| d.path.clone()).collect();
    members.iter().find_map(|d| {
        let stated = d.order_of_precedence.as_ref()?;
        let ranked = precedence::rank(&stated.names, &d.path, &paths);
        if ranked.len() < 2 {
            return None;
        }
        let at = match (&stated.evidence.section, stated.evidence.page) {
            (Some(s), Some(p)) => format!(", section {s}, page {p}"),
            (Some(s), None) => format!(", section {s}"),
            (None, Some(p)) => format!(", page {p}"),
            (None, None) => String::new(),
        };
        Some(Order {
            report: FamilyOrder {
                source: OrderSource::Clause,
                path: d.path.clone(),
                evidence: Some(stated.evidence.clone()),
                ranked: ranked.iter().map(|(m, _)| m.clone()).collect(),
            },
            ranks: ranked.into_iter().collect(),
            described: format!("stated in {}{at}", d.path),
        })
    })
}

fn member_evidence(path: &str, evidence: &[Evidence]) -> impl Iterator<Item = MemberEvidence> {
    evidence.iter().map(move |e| MemberEvidence {
        path: path.to_string(),
        evidence: e.clone(),
    })
}

fn at(v: &ClauseVerdict) -> String {
    v.evidence
        .first()
        .map(|e| match (&e.section, e.page) {
            (Some(s), Some(p)) => format!(" (section {s}, page {p})"),
            (Some(s), None) => format!(" (section {s})"),
            (None, Some(p)) => format!(" (page {p})"),
            (None, None) => String::new(),
        })
        .unwrap_or_default()
}

/// One rule's verdict for the family; `verdicts` are (member path, its verdict), in member order.
fn judge_rule(
    verdicts: &[(&str, &ClauseVerdict)],
    order: Option<&Order>,
    members: &[String],
    unreadable: &[String],
) -> FamilyClause {
    let first = verdicts[0].1;
    let severity = verdicts
        .iter()
        .map(|(_, v)| v.severity)
        .min()
        .unwrap_or(Severity::Required);
    let with = |status: ClauseStatus| -> Vec<(&str, &ClauseVerdict)> {
        verdicts
            .iter()
            .filter(|(_, v)| v.status == status)
            .copied()
            .collect()
    };
    let (present, weak, contrary) = (
        with(ClauseStatus::Present),
        with(ClauseStatus::Weak),
        with(ClauseStatus::Contradicted),
    );
    let rank = |p: &str| order.and_then(|o| o.ranks.get(p).copied());
    let evidence_of = |list: &[(&str, &ClauseVerdict)]| -> Vec<MemberEvidence> {
        list.iter()
            .flat_map(|(p, v)| member_evidence(p, &v.evidence))
            .collect()
    };
    let mut by_precedence = false;
    let (status, mut evidence, mut explanation) = if contrary.is_empty() {
        if let Some((p, v)) = present.first() {
            (
                ClauseStatus::Present,
                evidence_of(&present),
                format!("Met in {p}{}: {}", at(v), v.explanation),
            )
        } else if let Some((p, v)) = weak.first() {
            (
                ClauseStatus::Weak,
                evidence_of(&weak),
                format!(
                    "Only weakly met, in {p}{}, and no other member meets it: {}",
                    at(v),
                    v.explanation
                ),
            )
        } else {
            (
                ClauseStatus::Missing,
                Vec::new(),
                format!(
                    "Not found in any of the family's {} member{}.",
                    members.len(),
                    if members.len() == 1 { "" } else { "s" }
                ),
            )
        }
    } else {
        // The best-ranked compliant member, and whether it outranks every contrary one.
        let best = present
            .iter()
            .filter_map(|(p, v)| rank(p).map(|r| (r, *p, *v)))
            .min_by_key(|(r, _, _)| *r);
        let prevails = best.is_some_and(|(r, _, _)| {
            contrary
                .iter()
                .all(|(p, _)| rank(p).is_some_and(|cr| cr > r))
        });
        let contrary_text = contrary
            .iter()
            .map(|(p, v)| format!("{p}{} contradicts it: {}", at(v), v.explanation))
            .collect::<Vec<_>>()
            .join(" ");
        let contrary_names = contrary
            .iter()
            .map(|(p, _)| *p)
            .collect::<Vec<_>>()
            .join(" and ");
        match (best, order) {
            (Some((_, p, v)), Some(o)) if prevails => {
                by_precedence = true;
                let mut e = member_evidence(p, &v.evidence).collect::<Vec<_>>();
                e.extend(evidence_of(&contrary));
                (
                    ClauseStatus::Present,
                    e,
                    format!(
                        "Met in {p}{}: {} {contrary_text} The order of precedence ({}) puts {p} \
                         above {contrary_names}, so {p} prevails; consider correcting \
                         {contrary_names} all the same.",
                        at(v),
                        v.explanation,
                        o.described
                    ),
                )
            }
            _ => {
                let mut e = evidence_of(&contrary);
                e.extend(evidence_of(&present));
                let why = match (present.first(), order) {
                    (None, _) => String::new(),
                    (Some((p, _)), None) => format!(
                        " {p} meets it, but the family states no order of precedence, so the \
                         contrary term stands: settle the conflict, or give the order in a \
                         family.toml or an order-of-precedence clause."
                    ),
                    (Some((p, _)), Some(o)) => format!(
                        " {p} meets it, but the order of precedence ({}) does not put it above \
                         {contrary_names}, so the contrary term stands.",
                        o.described
                    ),
                };
                (
                    ClauseStatus::Contradicted,
                    e,
                    format!("{contrary_text}{why}"),
                )
            }
        }
    };
    evidence.dedup();
    if status != ClauseStatus::Present && !unreadable.is_empty() {
        explanation.push_str(&format!(
            " {} could not be read, so the rule may be met there unseen.",
            unreadable.join(", ")
        ));
    }
    FamilyClause {
        id: first.id.clone(),
        title: first.title.clone(),
        severity,
        status,
        evidence,
        explanation,
        by_precedence,
        review: Review::default(),
    }
}

/// The family's report from its plan and its members' reports (`members`: the planned members
/// found in the scan, in any order).
pub fn judge(plan: &FamilyPlan, members: &[&DocumentReport]) -> FamilyReport {
    let mut found: Vec<&DocumentReport> = plan
        .members
        .iter()
        .filter_map(|m| members.iter().find(|d| &d.path == m).copied())
        .collect();
    let order = find_order(plan, &found);
    if let Some(o) = &order {
        // Highest precedence first; members the order does not rank after, by path.
        found.sort_by_key(|d| o.ranks.get(&d.path).copied().unwrap_or(usize::MAX));
    }
    let member_paths: Vec<String> = found.iter().map(|d| d.path.clone()).collect();
    let unreadable: Vec<String> = found
        .iter()
        .filter(|d| d.status != Status::Analysed)
        .map(|d| d.path.clone())
        .collect();
    let analysed: Vec<&DocumentReport> = found
        .iter()
        .copied()
        .filter(|d| d.status == Status::Analysed)
        .collect();
    let doc_type = [DocType::Contract, DocType::Tender]
        .into_iter()
        .find(|t| analysed.iter().any(|d| d.doc_type == *t))
        .unwrap_or(DocType::Unknown);
    // Rules in the order the highest-precedence member lists them, then any others.
    let mut rules: Vec<&str> = Vec::new();
    for d in &analysed {
        for c in &d.clauses {
            if !rules.contains(&c.id.as_str()) {
                rules.push(&c.id);
            }
        }
    }
    let clauses = rules
        .iter()
        .map(|id| {
            let verdicts: Vec<(&str, &ClauseVerdict)> = analysed
                .iter()
                .filter_map(|d| {
                    d.clauses
                        .iter()
                        .find(|c| c.id == *id)
                        .map(|c| (d.path.as_str(), c))
                })
                .collect();
            judge_rule(&verdicts, order.as_ref(), &member_paths, &unreadable)
        })
        .collect();
    let mut ai_features: Vec<FamilyFeature> = Vec::new();
    for d in &analysed {
        for f in &d.ai_features {
            let key = f.name.to_lowercase();
            if let Some(existing) = ai_features
                .iter_mut()
                .find(|e| e.name.to_lowercase() == key)
            {
                existing.disclosed |= f.disclosed;
                continue;
            }
            ai_features.push(FamilyFeature {
                name: f.name.clone(),
                category: f.category,
                disclosed: f.disclosed,
                register: f.register,
                evidence: MemberEvidence {
                    path: d.path.clone(),
                    evidence: f.evidence.clone(),
                },
                vendor: f.vendor.clone(),
                basis: f.basis,
                reason: f.reason.clone(),
                baseline: None,
            });
        }
    }
    FamilyReport {
        name: plan.name.clone(),
        members: member_paths,
        doc_type,
        order_of_precedence: order.map(|o| o.report),
        missing_members: plan.missing.clone(),
        unreadable_members: unreadable,
        clauses,
        ai_features,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Format, StatedOrder};

    fn verdict(status: ClauseStatus, section: &str) -> ClauseVerdict {
        ClauseVerdict {
            id: "no-training-on-buyer-data".into(),
            title: "No training".into(),
            severity: Severity::Required,
            status,
            evidence: if status == ClauseStatus::Missing {
                Vec::new()
            } else {
                vec![Evidence {
                    page: Some(1),
                    section: Some(section.into()),
                    quote: "q".into(),
                    start: 0,
                    end: 1,
                }]
            },
            explanation: format!("{} here.", status.as_str()),
            question: None,
            review: Review::default(),
        }
    }

    fn doc(path: &str, status: ClauseStatus) -> DocumentReport {
        DocumentReport {
            path: path.into(),
            format: Format::Pdf,
            sha256: "ab".into(),
            doc_type: DocType::Contract,
            status: Status::Analysed,
            error: None,
            pages: Some(1),
            clauses: vec![verdict(status, "4")],
            ai_features: Vec::new(),
            ai_declaration: None,
            ocr: None,
            order_of_precedence: None,
        }
    }

    fn plan(members: &[&str], manifest: bool) -> FamilyPlan {
        FamilyPlan {
            name: "c".into(),
            members: members.iter().map(|m| (*m).to_string()).collect(),
            missing: Vec::new(),
            manifest: manifest.then(|| "c/family.toml".to_string()),
        }
    }

    #[test]
    fn a_rule_met_in_one_member_is_met() {
        let a = doc("c/agreement.pdf", ClauseStatus::Missing);
        let b = doc("c/dpa.pdf", ClauseStatus::Present);
        let f = judge(&plan(&["c/agreement.pdf", "c/dpa.pdf"], false), &[&a, &b]);
        assert_eq!(f.clauses[0].status, ClauseStatus::Present);
        assert_eq!(f.clauses[0].evidence[0].path, "c/dpa.pdf");
        assert!(
            f.clauses[0]
                .explanation
                .starts_with("Met in c/dpa.pdf (section 4, page 1)")
        );
        assert!(f.order_of_precedence.is_none());
    }

    #[test]
    fn a_contrary_member_prevails_unless_ranked_below_a_compliant_one() {
        let a = doc("c/agreement.pdf", ClauseStatus::Present);
        let s = doc("c/schedule.pdf", ClauseStatus::Contradicted);
        let no_order = judge(
            &plan(&["c/agreement.pdf", "c/schedule.pdf"], false),
            &[&a, &s],
        );
        assert_eq!(no_order.clauses[0].status, ClauseStatus::Contradicted);
        assert!(
            no_order.clauses[0]
                .explanation
                .contains("states no order of precedence")
        );
        let agreement_first = judge(
            &plan(&["c/agreement.pdf", "c/schedule.pdf"], true),
            &[&s, &a],
        );
        assert_eq!(agreement_first.clauses[0].status, ClauseStatus::Present);
        assert!(agreement_first.clauses[0].by_precedence);
        assert_eq!(
            agreement_first.members,
            ["c/agreement.pdf", "c/schedule.pdf"]
        );
        let schedule_first = judge(
            &plan(&["c/schedule.pdf", "c/agreement.pdf"], true),
            &[&a, &s],
        );
        assert_eq!(schedule_first.clauses[0].status, ClauseStatus::Contradicted);
        assert!(
            schedule_first.clauses[0]
                .explanation
                .contains("does not put it above")
        );
    }

    #[test]
    fn a_stated_clause_gives_the_order() {
        let mut a = doc("c/agreement.pdf", ClauseStatus::Present);
        a.order_of_precedence = Some(StatedOrder {
            names: vec!["this Agreement".into(), "the Schedules".into()],
            evidence: verdict(ClauseStatus::Present, "2.1").evidence[0].clone(),
        });
        let s = doc("c/schedule-1.pdf", ClauseStatus::Contradicted);
        let f = judge(
            &plan(&["c/agreement.pdf", "c/schedule-1.pdf"], false),
            &[&a, &s],
        );
        assert_eq!(f.clauses[0].status, ClauseStatus::Present);
        let order = f.order_of_precedence.unwrap();
        assert_eq!(order.source, OrderSource::Clause);
        assert_eq!(order.ranked, ["c/agreement.pdf", "c/schedule-1.pdf"]);
        assert!(
            f.clauses[0]
                .explanation
                .contains("stated in c/agreement.pdf, section 2.1")
        );
    }
}
