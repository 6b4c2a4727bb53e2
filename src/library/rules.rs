//! Clause rules: schema and compilation (in progress).

use crate::model::RuleInfo;

/// One rule of the clause library.
#[derive(Debug, Clone)]
pub struct Rule {
    /// Stable id.
    pub id: String,
    /// Title.
    pub title: String,
}

impl Rule {
    /// What a report needs to know about the rule.
    pub fn info(&self) -> RuleInfo {
        RuleInfo {
            id: self.id.clone(),
            title: self.title.clone(),
            tier: String::new(),
            requires: String::new(),
            why: String::new(),
            sources: Vec::new(),
            model_wording: String::new(),
        }
    }
}
