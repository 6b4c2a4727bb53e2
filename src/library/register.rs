//! The buyer's register of approved AI tools (`--register FILE.csv`), and each AI feature's
//! standing in it: approved, prohibited, or not in the register.
//!
//! The CSV has a header row naming its columns (any order, any case): `name` (required),
//! `vendor`, `status` (required: `approved` or `prohibited`) and `aliases` (other names,
//! separated by `;` or `|`). Lines starting with `#` are comments. See docs/register.md.

use crate::library::lexicon::{Lexicon, normalise};
use crate::model::RegisterStatus;

/// Largest register accepted, in bytes.
pub const MAX_REGISTER_BYTES: usize = 10 * 1024 * 1024;

/// A register that could not be read; the message names the line and says what to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct RegisterError(pub String);

/// One tool in the register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterEntry {
    /// The tool's name.
    pub name: String,
    /// Its vendor, if given.
    pub vendor: Option<String>,
    /// Approved or prohibited.
    pub status: RegisterStatus,
    /// Other names it goes by.
    pub aliases: Vec<String>,
    /// Line of the CSV file (1-based).
    pub line: usize,
}

/// Approved and prohibited AI tools.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Register {
    /// The tools, in file order.
    pub entries: Vec<RegisterEntry>,
}

impl Register {
    /// A digest of the register's rows: the same fingerprint gives the same statuses.
    pub fn fingerprint(&self) -> String {
        super::fingerprint(self.entries.iter().flat_map(|e| {
            [
                e.name.as_str(),
                e.vendor.as_deref().unwrap_or(""),
                if e.status == RegisterStatus::Approved {
                    "approved"
                } else {
                    "prohibited"
                },
            ]
            .into_iter()
            .chain(e.aliases.iter().map(String::as_str))
            .chain(["\n"])
        }))
    }

    /// Reads a register from CSV text.
    pub fn from_csv(text: &str) -> Result<Register, RegisterError> {
        if text.len() > MAX_REGISTER_BYTES {
            return Err(RegisterError(format!(
                "the register is larger than {} MB; split it or remove unused rows",
                MAX_REGISTER_BYTES / (1024 * 1024)
            )));
        }
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(true)
            .trim(csv::Trim::All)
            .comment(Some(b'#'))
            .from_reader(text.as_bytes());
        let headers = reader
            .headers()
            .map_err(|e| {
                RegisterError(format!("the register's header row could not be read: {e}"))
            })?
            .clone();
        let column = |want: &str| {
            headers
                .iter()
                .position(|h| h.trim().eq_ignore_ascii_case(want))
        };
        let (Some(name_col), Some(status_col)) = (column("name"), column("status")) else {
            return Err(RegisterError(format!(
                "line 1: the header row must name the columns `name` and `status` (and optionally \
                 `vendor` and `aliases`); found: {}",
                headers.iter().collect::<Vec<_>>().join(", ")
            )));
        };
        let vendor_col = column("vendor");
        let aliases_col = column("aliases");
        let mut entries = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| {
                let line = e.position().map_or(0, |p| p.line());
                RegisterError(format!("line {line}: this row could not be read: {e}"))
            })?;
            let line = record.position().map_or(0, |p| p.line() as usize);
            if record.iter().all(|f| f.trim().is_empty()) {
                continue;
            }
            let field = |col: Option<usize>| {
                col.and_then(|c| record.get(c))
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
            };
            let Some(name) = field(Some(name_col)) else {
                return Err(RegisterError(format!(
                    "line {line}: the tool has no name; fill in the `name` column or delete the row"
                )));
            };
            let status = match field(Some(status_col))
                .map(str::to_ascii_lowercase)
                .as_deref()
            {
                Some("approved") => RegisterStatus::Approved,
                Some("prohibited") => RegisterStatus::Prohibited,
                Some(other) => {
                    return Err(RegisterError(format!(
                        "line {line}: the status of \"{name}\" is \"{other}\"; use approved or prohibited"
                    )));
                }
                None => {
                    return Err(RegisterError(format!(
                        "line {line}: \"{name}\" has no status; use approved or prohibited"
                    )));
                }
            };
            let aliases = field(aliases_col)
                .map(|a| {
                    a.split([';', '|'])
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(String::from)
                        .collect()
                })
                .unwrap_or_default();
            entries.push(RegisterEntry {
                name: name.to_string(),
                vendor: field(vendor_col).map(String::from),
                status,
                aliases,
                line,
            });
        }
        Ok(Register { entries })
    }

    /// The standing of a feature known by `names` (its label, and for a product every alias the
    /// vocabulary lists): prohibited if any row naming it prohibits it, else approved if a row
    /// approves it, else not in the register. A register row also names a product when the
    /// vocabulary knows the row's name or alias as one of that product's names.
    pub fn status_of(&self, lexicon: &Lexicon, names: &[&str]) -> RegisterStatus {
        let wanted: Vec<String> = names.iter().map(|n| normalise(n)).collect();
        let products: Vec<usize> = names
            .iter()
            .filter_map(|n| lexicon.product_named(n))
            .collect();
        let mut status = RegisterStatus::NotInRegister;
        for e in &self.entries {
            let matches = std::iter::once(&e.name).chain(&e.aliases).any(|n| {
                wanted.contains(&normalise(n))
                    || lexicon
                        .product_named(n)
                        .is_some_and(|p| products.contains(&p))
            });
            if matches {
                match e.status {
                    RegisterStatus::Prohibited => return RegisterStatus::Prohibited,
                    RegisterStatus::Approved => status = RegisterStatus::Approved,
                    RegisterStatus::NotInRegister => {}
                }
            }
        }
        status
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_rows_and_matches_aliases() {
        let csv = "\u{feff}Name,Vendor,Status,Aliases\n# comment\nMicrosoft 365 Copilot,Microsoft,approved,Copilot|M365 Copilot\nChatGPT,OpenAI,Prohibited,\nMagic Notes,Beam,approved,\n";
        let reg = Register::from_csv(csv).unwrap();
        assert_eq!(reg.entries.len(), 3);
        assert_eq!(reg.entries[0].aliases, ["Copilot", "M365 Copilot"]);
        let lex = Lexicon::builtin();
        assert_eq!(
            reg.status_of(&lex, &["Microsoft Copilot"]),
            RegisterStatus::Approved
        );
        assert_eq!(
            reg.status_of(&lex, &["ChatGPT Enterprise"]),
            RegisterStatus::Prohibited
        );
        assert_eq!(
            reg.status_of(&lex, &["Amazon Bedrock"]),
            RegisterStatus::NotInRegister
        );
    }

    #[test]
    fn errors_name_the_line() {
        let err = Register::from_csv("name,status\nA,approved\nB,maybe\n").unwrap_err();
        assert_eq!(
            err.0,
            "line 3: the status of \"B\" is \"maybe\"; use approved or prohibited"
        );
        let err = Register::from_csv("tool,vendor\nA,B\n").unwrap_err();
        assert!(err.0.starts_with("line 1: the header row"), "{}", err.0);
        let err = Register::from_csv("name,status\n,approved\n").unwrap_err();
        assert!(
            err.0.starts_with("line 2: the tool has no name"),
            "{}",
            err.0
        );
    }
}
