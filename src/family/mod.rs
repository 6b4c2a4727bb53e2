//! Contract families: the documents that together make one contract (a master agreement, its
//! data processing addendum, order form and schedules), judged as one document.
//!
//! - [`plan`] groups the discovered files into families before anything is read: the files listed
//!   by a folder's `family.toml` (in their order of precedence, which wins over `--family-by`),
//!   then, with `--family-by folder`, the other files of each folder.
//! - [`precedence::stated_order`] finds an order-of-precedence clause in a document's text (run by
//!   the scan on every document, as it needs the text).
//! - [`judge::judge`] turns the members' own verdicts into the family's: a rule met in any member
//!   is met; a contrary clause in any member makes it contradicted unless the order of precedence
//!   puts a compliant member above it.
//!
//! Members keep their own verdicts in the report; the family is added beside them.

pub mod judge;
pub mod precedence;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::discover::Discovered;

/// The file in a folder that names its family's members.
pub const MANIFEST: &str = "family.toml";

/// Largest `family.toml` read.
const MAX_MANIFEST_BYTES: u64 = 1024 * 1024;

/// How files are grouped into families when no `family.toml` says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FamilyBy {
    /// The files of each folder form one family.
    Folder,
}

/// One family as planned before reading: its name and members.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FamilyPlan {
    /// `name` in the `family.toml`, else the folder as scanned.
    pub name: String,
    /// Member paths as the report gives them: in the `family.toml`'s order (highest precedence
    /// first), else sorted by path.
    pub members: Vec<String>,
    /// Members the `family.toml` lists that were not found.
    pub missing: Vec<String>,
    /// The `family.toml` that names the members, as a path for messages; `None` for a folder
    /// family.
    pub manifest: Option<String>,
}

/// The families of a scan.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// Families, sorted by name.
    pub families: Vec<FamilyPlan>,
    /// Things the user should know (a listed member not found, a file left out of its folder's
    /// `family.toml`).
    pub warnings: Vec<String>,
}

impl Plan {
    /// The family a document belongs to, by its path.
    pub fn family_of(&self, path: &str) -> Option<&FamilyPlan> {
        self.families
            .iter()
            .find(|f| f.members.iter().any(|m| m == path))
    }

    /// True when there are no families.
    pub fn is_empty(&self) -> bool {
        self.families.is_empty()
    }
}

/// A `family.toml` that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum FamilyError {
    /// It could not be read.
    #[error("could not read {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// It is not valid TOML or has a missing or unknown field.
    #[error(
        "{at}: {message} (a family.toml has `members = [\"agreement.pdf\", ...]`, highest precedence first, and an optional `name`; see docs/families.md)"
    )]
    Syntax {
        /// "file:line".
        at: String,
        /// What is wrong.
        message: String,
    },
    /// It says something impossible.
    #[error("{at}: {message}")]
    Invalid {
        /// "file" or "file:line".
        at: String,
        /// What is wrong and what to do.
        message: String,
    },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    #[serde(default)]
    name: Option<String>,
    members: Vec<toml::Spanned<String>>,
}

fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset.min(text.len()))
        .map_or(1, |t| t.matches('\n').count() + 1)
}

/// Reads a `family.toml`.
fn read_manifest(path: &Path, shown: &str) -> Result<(Manifest, String), FamilyError> {
    let read_err = |source| FamilyError::Read {
        path: shown.to_string(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(read_err)?;
    if meta.len() > MAX_MANIFEST_BYTES {
        return Err(FamilyError::Invalid {
            at: shown.to_string(),
            message: "the file is larger than 1 MB; is it the right file?".into(),
        });
    }
    let text = String::from_utf8(std::fs::read(path).map_err(read_err)?).map_err(|_| {
        FamilyError::Invalid {
            at: shown.to_string(),
            message: "the file is not UTF-8 text".into(),
        }
    })?;
    let manifest: Manifest = toml::from_str(&text).map_err(|e| FamilyError::Syntax {
        at: format!(
            "{shown}:{}",
            e.span().map_or(1, |s| line_of(&text, s.start))
        ),
        message: e.message().trim().to_string(),
    })?;
    Ok((manifest, text))
}

/// A path joined as discovery joins display paths.
fn joined(folder: &str, member: &str) -> String {
    if folder.is_empty() {
        member.to_string()
    } else {
        Path::new(folder)
            .join(member)
            .to_string_lossy()
            .into_owned()
    }
}

/// Groups discovered files into families: each folder's `family.toml`, then (with `by`) the
/// remaining files of each folder. A `family.toml` that cannot be used is an error (nothing is
/// analysed), as a bad configuration file is.
pub fn plan(found: &Discovered, by: Option<FamilyBy>) -> Result<Plan, FamilyError> {
    // display folder -> (real folder, member display paths in path order)
    let mut folders: BTreeMap<String, (PathBuf, Vec<String>)> = BTreeMap::new();
    for s in &found.sources {
        let folder = Path::new(&s.display)
            .parent()
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_default();
        let real = s.path.parent().map(Path::to_path_buf).unwrap_or_default();
        folders
            .entry(folder)
            .or_insert_with(|| (real, Vec::new()))
            .1
            .push(s.display.clone());
    }
    let scanned: BTreeSet<&str> = found.sources.iter().map(|s| s.display.as_str()).collect();
    let mut plan = Plan::default();
    let mut assigned: BTreeSet<String> = BTreeSet::new();
    for (folder, (real, _)) in &folders {
        let manifest_path = real.join(MANIFEST);
        if !manifest_path.is_file() {
            continue;
        }
        let shown = joined(folder, MANIFEST);
        let (manifest, text) = read_manifest(&manifest_path, &shown)?;
        let name = manifest
            .name
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| display_folder(folder));
        if manifest.members.is_empty() {
            return Err(FamilyError::Invalid {
                at: shown,
                message: "`members` is empty: list the family's files, highest precedence first"
                    .into(),
            });
        }
        let mut members = Vec::new();
        let mut missing = Vec::new();
        for m in &manifest.members {
            let at = format!("{shown}:{}", line_of(&text, m.span().start));
            let rel = m.get_ref().trim();
            if rel.is_empty()
                || Path::new(rel).is_absolute()
                || rel.split(['/', '\\']).any(|p| p == "..")
            {
                return Err(FamilyError::Invalid {
                    at,
                    message: format!(
                        "member \"{rel}\" must be a file name in this folder (or below it)"
                    ),
                });
            }
            let display = joined(folder, rel);
            if members.contains(&display) || missing.contains(&display) {
                return Err(FamilyError::Invalid {
                    at,
                    message: format!("member \"{rel}\" is listed twice"),
                });
            }
            if !assigned.insert(display.clone()) {
                return Err(FamilyError::Invalid {
                    at,
                    message: format!("{display} is already a member of another family"),
                });
            }
            if scanned.contains(display.as_str()) {
                members.push(display);
            } else {
                plan.warnings.push(format!(
                    "{at}: the member {rel} was not found among the files scanned; the family \
                     {name} is judged without it"
                ));
                missing.push(display);
            }
        }
        plan.families.push(FamilyPlan {
            name,
            members,
            missing,
            manifest: Some(shown),
        });
    }
    for (folder, (_, files)) in &folders {
        let rest: Vec<String> = files
            .iter()
            .filter(|f| !assigned.contains(*f))
            .cloned()
            .collect();
        if rest.is_empty() {
            continue;
        }
        let in_manifest_folder = plan
            .families
            .iter()
            .any(|f| f.manifest.as_deref() == Some(joined(folder, MANIFEST).as_str()));
        if in_manifest_folder {
            for f in &rest {
                plan.warnings.push(format!(
                    "{f} is in a folder whose {MANIFEST} does not list it: it is judged on its \
                     own"
                ));
            }
            continue;
        }
        if by == Some(FamilyBy::Folder) {
            assigned.extend(rest.iter().cloned());
            plan.families.push(FamilyPlan {
                name: display_folder(folder),
                members: rest,
                missing: Vec::new(),
                manifest: None,
            });
        }
    }
    plan.families.sort_by(|a, b| a.name.cmp(&b.name));
    for pair in plan.families.windows(2) {
        if pair[0].name == pair[1].name {
            return Err(FamilyError::Invalid {
                at: pair
                    .iter()
                    .find_map(|f| f.manifest.clone())
                    .unwrap_or_else(|| MANIFEST.to_string()),
                message: format!(
                    "two families are named \"{}\": give each `family.toml` its own `name`",
                    pair[0].name
                ),
            });
        }
    }
    Ok(plan)
}

/// A folder's name as a family name: its path as scanned ("." for files named directly).
fn display_folder(folder: &str) -> String {
    if folder.is_empty() {
        ".".to_string()
    } else {
        folder.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discover::discover;

    #[test]
    fn folders_and_manifests_make_families() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for f in [
            "acme/agreement.md",
            "acme/dpa.md",
            "beta/terms.md",
            "beta/dpa.md",
            "beta/notes.md",
            "loose.md",
        ] {
            let p = root.join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(&p, "text").unwrap();
        }
        std::fs::write(
            root.join("beta/family.toml"),
            "name = \"Beta Ltd\"\nmembers = [\"dpa.md\", \"terms.md\", \"order.md\"]\n",
        )
        .unwrap();
        let found = discover(&[root.to_path_buf()]);
        let shown = |p: &str| root.join(p).to_string_lossy().into_owned();
        // Without --family-by only the manifest's family is formed.
        let plan_none = plan(&found, None).unwrap();
        assert_eq!(plan_none.families.len(), 1);
        let beta = &plan_none.families[0];
        assert_eq!(beta.name, "Beta Ltd");
        assert_eq!(beta.members, [shown("beta/dpa.md"), shown("beta/terms.md")]);
        assert_eq!(beta.missing, [shown("beta/order.md")]);
        assert!(
            plan_none
                .warnings
                .iter()
                .any(|w| w.contains("order.md was not found"))
        );
        assert!(
            plan_none
                .warnings
                .iter()
                .any(|w| w.contains("notes.md is in a folder"))
        );
        let by_folder = plan(&found, Some(FamilyBy::Folder)).unwrap();
        let names: Vec<&str> = by_folder.families.iter().map(|f| f.name.as_str()).collect();
        let root_name = root.to_string_lossy().into_owned();
        let acme = shown("acme");
        let mut expected = vec![acme.as_str(), "Beta Ltd", root_name.as_str()];
        expected.sort_unstable();
        assert_eq!(names, expected);
        assert_eq!(
            by_folder.family_of(&shown("acme/dpa.md")).unwrap().members,
            [shown("acme/agreement.md"), shown("acme/dpa.md")]
        );
        assert!(by_folder.family_of(&shown("beta/notes.md")).is_none());
    }

    #[test]
    fn a_bad_manifest_names_its_line() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.md"), "text").unwrap();
        std::fs::write(
            dir.path().join(MANIFEST),
            "members = [\"a.md\",\n  \"../b.md\"]\n",
        )
        .unwrap();
        let found = discover(&[dir.path().to_path_buf()]);
        let err = plan(&found, None).unwrap_err().to_string();
        assert!(err.contains("family.toml:2: member \"../b.md\""), "{err}");
        std::fs::write(dir.path().join(MANIFEST), "member = [\"a.md\"]\n").unwrap();
        let err = plan(&found, None).unwrap_err().to_string();
        assert!(
            err.contains("family.toml:1: unknown field `member`"),
            "{err}"
        );
    }
}
