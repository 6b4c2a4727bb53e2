//! The clause library: rules and the AI-feature lexicon, read from data files and validated once.
//!
//! The default library (`clause-library/` in the repository) is compiled into the binary;
//! `--library DIR` adds or overrides rules. Nothing downstream sees an unvalidated rule.

pub mod lexicon;
pub mod register;
pub mod rules;

use crate::model::RuleInfo;

pub use lexicon::Lexicon;
pub use register::Register;
pub use rules::Rule;

/// A validated clause library.
#[derive(Debug, Clone)]
pub struct Library {
    /// Library name ("uk-public-sector").
    pub name: String,
    /// Library version ("2026.1").
    pub version: String,
    /// Rules, sorted by id.
    pub rules: Vec<Rule>,
    /// AI-feature vocabulary.
    pub lexicon: Lexicon,
}

impl Library {
    /// The default library compiled into the binary.
    pub fn builtin() -> Library {
        Library {
            name: "uk-public-sector".into(),
            version: "2026.1".into(),
            rules: Vec::new(),
            lexicon: Lexicon::default(),
        }
    }

    /// The rule with this id.
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// What a report needs to know about a rule.
    pub fn rule_info(&self, id: &str) -> Option<RuleInfo> {
        self.rule(id).map(Rule::info)
    }
}
