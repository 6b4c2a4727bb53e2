//! `aiassure rules` (list the library, or check a custom one) and `aiassure explain RULE`.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use serde::Serialize;

use super::{Outcome, TextOrJson, open_output};
use crate::check::clauses::examples;
use crate::library::{Library, Rule};
use crate::model::{DocType, Severity};

/// Arguments of `aiassure rules`.
#[derive(Debug, Args)]
pub(crate) struct RulesArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    format: TextOrJson,
    /// Validate a custom clause library in this folder and run its examples.
    #[arg(long, value_name = "DIR")]
    check: Option<PathBuf>,
}

/// Arguments of `aiassure explain`.
#[derive(Debug, Args)]
pub(crate) struct ExplainArgs {
    /// Rule id, e.g. no-training-on-buyer-data.
    rule: String,
}

/// A rule as `aiassure rules --format json` lists it.
#[derive(Serialize)]
struct RuleJson<'a> {
    id: &'a str,
    title: &'a str,
    tier: &'a str,
    severity: Severity,
    applies_to: &'a [DocType],
    requires: &'a str,
    why: &'a str,
    sources: &'a [String],
    weakened_by: &'a [String],
    contradicted_by: &'a [String],
    model_wording: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    question: Option<&'a str>,
}

fn applies(rule: &Rule) -> String {
    rule.applies_to
        .iter()
        .map(|d| d.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn severity(rule: &Rule) -> &'static str {
    match (rule.tier, rule.severity) {
        (crate::library::rules::Tier::B, _) => "required if AI",
        (_, Severity::Required) => "required",
        (_, Severity::Recommended) => "recommended",
    }
}

pub(crate) fn run_rules(args: &RulesArgs) -> anyhow::Result<Outcome> {
    if let Some(dir) = &args.check {
        return check_library(dir);
    }
    let lib = Library::builtin();
    let mut out = open_output(None)?;
    match args.format {
        TextOrJson::Json => {
            let rules: Vec<RuleJson<'_>> = lib
                .rules
                .iter()
                .map(|r| RuleJson {
                    id: &r.id,
                    title: &r.title,
                    tier: r.tier.as_str(),
                    severity: r.severity,
                    applies_to: &r.applies_to,
                    requires: &r.requires,
                    why: &r.why,
                    sources: &r.sources,
                    weakened_by: &r.weakened_by,
                    contradicted_by: &r.contradicted_by,
                    model_wording: &r.model_wording,
                    question: r.question.as_deref(),
                })
                .collect();
            serde_json::to_writer_pretty(
                &mut out,
                &serde_json::json!({
                    "library": { "name": lib.name, "version": lib.version },
                    "rules": rules,
                }),
            )?;
            writeln!(out)?;
        }
        TextOrJson::Text => {
            writeln!(out, "Clause library {} {}", lib.name, lib.version)?;
            writeln!(out)?;
            let mut rules: Vec<&Rule> = lib.rules.iter().collect();
            rules.sort_by_key(|r| (r.tier, r.id.clone()));
            let w = rules.iter().map(|r| r.id.len()).max().unwrap_or(0);
            writeln!(
                out,
                "{:<w$}  {:<4}  {:<14}  {:<9}  TITLE",
                "ID", "TIER", "SEVERITY", "APPLIES"
            )?;
            for r in rules {
                writeln!(
                    out,
                    "{:<w$}  {:<4}  {:<14}  {:<9}  {}",
                    r.id,
                    match r.tier {
                        crate::library::rules::Tier::Recommended => "rec",
                        t => t.as_str(),
                    },
                    severity(r),
                    applies(r),
                    r.title
                )?;
            }
            writeln!(out)?;
            writeln!(
                out,
                "Run `aiassure explain RULE` for what a rule requires, why, and wording to add."
            )?;
        }
    }
    out.flush()?;
    Ok(Outcome::Clean)
}

/// Validates a custom library and runs the examples of its rules.
fn check_library(dir: &std::path::Path) -> anyhow::Result<Outcome> {
    let lib = Library::load(dir).map_err(|e| {
        anyhow::anyhow!(
            "the clause library in {} is invalid; nothing was run:\n{e}",
            dir.display()
        )
    })?;
    let custom: Vec<&Rule> = lib
        .rules
        .iter()
        .filter(|r| !r.location.starts_with("clause-library/"))
        .collect();
    let (total, failures) = examples::run(&lib, custom.iter().copied());
    let mut out = open_output(None)?;
    for f in &failures {
        writeln!(
            out,
            "{}: example of {} expected {}, got {}: {}",
            f.location,
            f.rule,
            f.expected.as_str(),
            f.got.as_str(),
            f.explanation
        )?;
    }
    writeln!(
        out,
        "{}: {} rule(s) valid; {} of {} example(s) passed",
        dir.display(),
        custom.len(),
        total - failures.len(),
        total
    )?;
    out.flush()?;
    Ok(if failures.is_empty() {
        Outcome::Clean
    } else {
        Outcome::Gaps
    })
}

/// Levenshtein distance between two short strings.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Rule ids close to what the user typed.
fn suggestions<'a>(lib: &'a Library, asked: &str) -> Vec<&'a str> {
    let asked = asked.to_ascii_lowercase();
    let mut scored: Vec<(usize, &str)> = lib
        .rules
        .iter()
        .map(|r| {
            let d = distance(&asked, &r.id);
            let words = asked
                .split(|c: char| !c.is_ascii_alphanumeric())
                .filter(|w| w.len() >= 3)
                .filter(|w| r.id.contains(w) || r.title.to_ascii_lowercase().contains(w))
                .count();
            let score = if r.id.contains(asked.as_str()) {
                0
            } else {
                d.saturating_sub(words * 6).max(1)
            };
            (score, r.id.as_str())
        })
        .collect();
    scored.sort();
    scored
        .into_iter()
        .filter(|(d, _)| *d <= asked.len().max(8) / 2 + 4)
        .take(3)
        .map(|(_, id)| id)
        .collect()
}

/// Wraps text to a width, with an indent.
fn wrap(text: &str, indent: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && indent.len() + line.len() + 1 + word.len() > width {
            out.push_str(indent);
            out.push_str(&line);
            out.push('\n');
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        out.push_str(indent);
        out.push_str(&line);
        out.push('\n');
    }
    out
}

pub(crate) fn run_explain(args: &ExplainArgs) -> anyhow::Result<Outcome> {
    let lib = Library::builtin();
    let Some(r) = lib.rule(args.rule.trim()) else {
        let near = suggestions(&lib, &args.rule);
        let hint = if near.is_empty() {
            "run `aiassure rules` for the list".to_string()
        } else {
            format!("did you mean: {}?", near.join(", "))
        };
        anyhow::bail!(
            "there is no rule \"{}\" in the clause library; {hint}",
            args.rule
        );
    };
    let mut out = open_output(None)?;
    let w = 96;
    writeln!(out, "{}: {}", r.id, r.title)?;
    let tier = match r.tier {
        crate::library::rules::Tier::A => {
            "Tier A: required in every supplier contract or template".to_string()
        }
        crate::library::rules::Tier::B => {
            "Tier B: required when the contract brings AI into scope (defines or describes AI), otherwise recommended".to_string()
        }
        crate::library::rules::Tier::Recommended => "Recommended good practice".to_string(),
        crate::library::rules::Tier::Tender => "Tender stage: checked in bids and tender responses".to_string(),
    };
    writeln!(out, "{tier}; applies to: {}.", applies(r))?;
    writeln!(out)?;
    writeln!(out, "What it requires")?;
    write!(out, "{}", wrap(&r.requires, "  ", w))?;
    writeln!(out)?;
    writeln!(out, "Why")?;
    write!(out, "{}", wrap(&r.why, "  ", w))?;
    writeln!(out)?;
    writeln!(out, "Sources")?;
    for s in &r.sources {
        write!(out, "{}", wrap(&format!("- {s}"), "  ", w))?;
    }
    writeln!(out)?;
    writeln!(out, "Weak when")?;
    for s in &r.weakened_by {
        write!(out, "{}", wrap(&format!("- {s}"), "  ", w))?;
    }
    writeln!(out)?;
    writeln!(out, "Contradicted when")?;
    for s in &r.contradicted_by {
        write!(out, "{}", wrap(&format!("- {s}"), "  ", w))?;
    }
    writeln!(out)?;
    writeln!(out, "Suggested wording")?;
    for para in r.model_wording.split("\n\n") {
        write!(out, "{}", wrap(para, "  ", w))?;
    }
    writeln!(out)?;
    if let Some(q) = &r.question {
        writeln!(
            out,
            "Clarification question (sent when a bid's answer is weak, contrary or missing)"
        )?;
        write!(out, "{}", wrap(q, "  ", w))?;
        writeln!(out)?;
    }
    let scope = if r.detect.ai_scope {
        ", is about AI"
    } else {
        ""
    };
    writeln!(
        out,
        "A clause counts only when it binds the supplier (not the buyer){scope}, and is not \
         softened by effort qualifiers, deemed consent or carve-outs."
    )?;
    out.flush()?;
    Ok(Outcome::Clean)
}
