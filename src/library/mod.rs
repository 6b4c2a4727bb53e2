//! The clause library: rules and the AI-feature lexicon, read from data files and validated once.
//!
//! The default library (`clause-library/` in the repository) is compiled into the binary;
//! `--library DIR` adds or overrides rules. Nothing downstream sees an unvalidated rule.
//!
//! A library folder holds `library.toml` (name and version, optional in a custom library),
//! `concepts.toml` (the concept vocabulary: actors, modality, AI subject, qualifiers; a custom
//! library may add terms to concepts or define new ones), `reading.toml` (the words the reading
//! relies on, see [`words`]; a custom library adds words) and rule files (`rules/*.toml` or `*.toml`,
//! each an array of `[[rule]]`). A custom rule with the id of a default rule replaces it.

pub mod diag;
pub mod lazy;
pub mod lexicon;
pub mod matcher;
pub mod register;
pub mod rules;
pub mod words;
pub mod wordstart;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use serde::Deserialize;
use sha2::{Digest, Sha256};
use toml::Spanned;

use crate::model::RuleInfo;

pub use diag::{Diagnostic, Span};
pub use lexicon::Lexicon;
pub use matcher::Matcher;
pub use register::Register;
pub use rules::{Core, Rule};
pub use words::Words;

use matcher::MatcherBuilder;

/// Largest library file read, in bytes.
const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// A library that could not be loaded: a folder or file that could not be read, or the problems
/// found in its files, each with file and line.
#[derive(Debug, thiserror::Error)]
pub enum LibraryError {
    /// The library folder could not be listed.
    #[error("could not read the library folder {}: {error}", path.display())]
    Folder {
        /// The folder.
        path: PathBuf,
        /// Why.
        error: std::io::Error,
    },
    /// A library file could not be read.
    #[error("could not read {}: {error}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        error: std::io::Error,
    },
    /// A library file is not UTF-8 text.
    #[error("could not read {} as UTF-8 text: {error}", path.display())]
    NotText {
        /// The file.
        path: PathBuf,
        /// Why.
        error: std::io::Error,
    },
    /// A library file is over the size limit.
    #[error("{}: library files are at most {} MB", path.display(), max_bytes / (1024 * 1024))]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// The limit, in bytes.
        max_bytes: u64,
    },
    /// The folder holds no library file.
    #[error(
        "{} holds no library files (*.toml); see clause-library/README.md for the format",
        dir.display()
    )]
    NoFiles {
        /// The folder.
        dir: PathBuf,
    },
    /// The files were read, and these problems found in them.
    #[error("{}", diag::render(.0))]
    Invalid(Vec<Diagnostic>),
}

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
    /// The compiled vocabulary of concepts and rule terms.
    pub matcher: Matcher,
    /// The concepts the checker relies on.
    pub core: Core,
    /// The words the reading relies on (`reading.toml`).
    pub words: Words,
    /// A digest of every file the library was compiled from (built-in, custom and the AI
    /// vocabulary): two libraries with the same fingerprint give the same verdicts.
    pub fingerprint: String,
}

/// The default library's files, compiled in: (path inside `clause-library/`, contents).
const BUILTIN_FILES: &[(&str, &str)] = &[
    (
        "library.toml",
        include_str!("../../clause-library/library.toml"),
    ),
    (
        "concepts.toml",
        include_str!("../../clause-library/concepts.toml"),
    ),
    (
        "reading.toml",
        include_str!("../../clause-library/reading.toml"),
    ),
    (
        "rules/tier-a.toml",
        include_str!("../../clause-library/rules/tier-a.toml"),
    ),
    (
        "rules/tier-b.toml",
        include_str!("../../clause-library/rules/tier-b.toml"),
    ),
    (
        "rules/recommended.toml",
        include_str!("../../clause-library/rules/recommended.toml"),
    ),
    (
        "rules/tender.toml",
        include_str!("../../clause-library/rules/tender.toml"),
    ),
];

static BUILTIN: LazyLock<Result<Library, LibraryError>> =
    LazyLock::new(|| compile(&builtin_files(), &[], false));

/// The built-in library's name, version and fingerprint, read without compiling it.
static BUILTIN_IDENTITY: LazyLock<(String, String, String)> = LazyLock::new(|| {
    let manifest = BUILTIN_FILES
        .iter()
        .find(|(path, _)| *path == "library.toml")
        .and_then(|(_, text)| toml::from_str::<Manifest>(text).ok());
    let (name, version) = manifest.map_or_else(Default::default, |m| (m.name, m.version));
    (
        name,
        version,
        files_fingerprint(BUILTIN_FILES.iter().copied()),
    )
});

/// The built-in library, compiled on first use and shared by every caller.
fn builtin_ref() -> &'static Library {
    match &*BUILTIN {
        Ok(lib) => lib,
        // The default library is validated by the test suite; this cannot happen in a release.
        Err(e) => panic!("the built-in clause library is invalid:\n{e}"),
    }
}

/// The built-in library's files, by their display paths.
fn builtin_files() -> Vec<(String, String)> {
    BUILTIN_FILES
        .iter()
        .map(|(p, t)| (format!("clause-library/{p}"), (*t).to_string()))
        .collect()
}

/// A library folder's files as read: (display path, contents).
type Files = [(String, String)];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    name: String,
    version: String,
    #[serde(default)]
    #[allow(dead_code)] // documentation for readers of the file
    description: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConceptsFile {
    concept: BTreeMap<String, RawConcept>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConcept {
    #[allow(dead_code)] // documentation for readers of the file
    about: String,
    terms: Vec<Spanned<String>>,
}

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Compiles the default files, then a custom library's files over them.
/// Compiles library files; `eager` compiles every regular expression now (a custom library, so
/// that one that does not compile is reported), else each when first used.
fn compile(base: &Files, custom: &Files, eager: bool) -> Result<Library, LibraryError> {
    let mut errors = Vec::new();
    let mut name = String::new();
    let mut version = String::new();
    let mut builder = MatcherBuilder::default();
    if eager {
        builder.compile_now();
    }
    let mut words = Words::default();
    // Manifests and concepts first: rules refer to concepts.
    for (path, text) in base.iter().chain(custom) {
        match file_name(path) {
            "library.toml" => match toml::from_str::<Manifest>(text) {
                Ok(m) => {
                    name = m.name;
                    version = m.version;
                }
                Err(e) => errors.push(Diagnostic::toml(path, text, &e)),
            },
            "concepts.toml" => match toml::from_str::<ConceptsFile>(text) {
                Ok(c) => {
                    for (cname, concept) in &c.concept {
                        for term in &concept.terms {
                            if let Err(msg) = builder.define_concept(cname, &[term.get_ref()]) {
                                errors.push(Diagnostic::at(
                                    path,
                                    text,
                                    term.span().start,
                                    format!("concept \"{cname}\": {msg}"),
                                ));
                            }
                        }
                    }
                }
                Err(e) => errors.push(Diagnostic::toml(path, text, &e)),
            },
            "reading.toml" => match toml::from_str::<words::WordsFile>(text) {
                Ok(w) => words.extend(w.words),
                Err(e) => errors.push(Diagnostic::toml(path, text, &e)),
            },
            _ => {}
        }
    }
    let core = match Core::resolve(&builder) {
        Ok(core) => Some(core),
        Err(missing) => {
            errors.push(Diagnostic::in_file(
                "concepts.toml",
                format!(
                    "the concept \"{missing}\" is not defined; the checker needs: {}",
                    Core::NAMES.join(", ")
                ),
            ));
            None
        }
    };
    let mut by_id: BTreeMap<String, Rule> = BTreeMap::new();
    for (files, is_custom) in [(base, false), (custom, true)] {
        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        for (path, text) in files {
            if matches!(
                file_name(path),
                "library.toml" | "concepts.toml" | "reading.toml"
            ) {
                continue;
            }
            for rule in rules::compile_file(path, text, &mut builder, &mut errors) {
                if let Some(first) = seen.insert(rule.id.clone(), rule.location.clone()) {
                    errors.push(Diagnostic {
                        file: Some(path.clone()),
                        span: Some(rule.span),
                        message: format!(
                            "rule id \"{}\" is defined twice (first at {first})",
                            rule.id
                        ),
                    });
                }
                if is_custom || !by_id.contains_key(&rule.id) {
                    by_id.insert(rule.id.clone(), rule);
                }
            }
        }
    }
    if name.is_empty() {
        errors.push(Diagnostic::in_file(
            "library.toml",
            "the library has no name and version",
        ));
    }
    let matcher = match builder.build() {
        Ok(m) => Some(m),
        Err(e) => {
            errors.push(Diagnostic::general(e));
            None
        }
    };
    match (core, matcher) {
        (Some(core), Some(matcher)) if errors.is_empty() => Ok(Library {
            name,
            version,
            rules: by_id.into_values().collect(),
            lexicon: Lexicon::builtin(),
            matcher,
            core,
            words,
            fingerprint: files_fingerprint(
                base.iter()
                    .chain(custom)
                    .map(|(path, text)| (path.as_str(), text.as_str())),
            ),
        }),
        _ => Err(LibraryError::Invalid(errors)),
    }
}

/// The fingerprint of a library compiled from these files (display path, contents) and the
/// built-in AI lexicon: what names it in reports and in the index's settings key.
fn files_fingerprint<'a>(files: impl Iterator<Item = (&'a str, &'a str)>) -> String {
    fingerprint(
        files
            .flat_map(|(path, text)| [file_name(path), text])
            .chain([lexicon::BUILTIN]),
    )
}

/// Short hex digest of text parts (each length-prefixed, so part boundaries count).
pub(crate) fn fingerprint<'a>(parts: impl Iterator<Item = &'a str>) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part.as_bytes());
    }
    crate::model::hex(&hasher.finalize()[..8])
}

/// Reads the TOML files of a custom library folder (the folder and its `rules/` subfolder).
fn read_folder(dir: &Path) -> Result<Vec<(String, String)>, LibraryError> {
    let mut files = Vec::new();
    for sub in [dir.to_path_buf(), dir.join("rules")] {
        if !sub.is_dir() {
            continue;
        }
        let entries = std::fs::read_dir(&sub).map_err(|error| LibraryError::Folder {
            path: sub.clone(),
            error,
        })?;
        let mut paths: Vec<_> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "toml"))
            .collect();
        paths.sort();
        for p in paths {
            let meta = std::fs::metadata(&p).map_err(|error| LibraryError::Read {
                path: p.clone(),
                error,
            })?;
            if meta.len() > MAX_FILE_BYTES {
                return Err(LibraryError::TooLarge {
                    path: p,
                    max_bytes: MAX_FILE_BYTES,
                });
            }
            let text = std::fs::read_to_string(&p).map_err(|error| LibraryError::NotText {
                path: p.clone(),
                error,
            })?;
            files.push((p.display().to_string().replace('\\', "/"), text));
        }
    }
    if files.is_empty() {
        return Err(LibraryError::NoFiles {
            dir: dir.to_path_buf(),
        });
    }
    Ok(files)
}

impl Library {
    /// The default library compiled into the binary.
    pub fn builtin() -> Library {
        builtin_ref().clone()
    }

    /// The default library with the rules in `dir` (a folder in the same format as
    /// `clause-library/`) added over it.
    pub fn load(dir: &Path) -> Result<Library, LibraryError> {
        Library::from_files(&read_folder(dir)?)
    }

    /// The default library with custom files (display path, contents) over it.
    pub fn from_files(custom: &[(String, String)]) -> Result<Library, LibraryError> {
        compile(&builtin_files(), custom, true)
    }

    /// The library's name, version and fingerprint.
    pub fn identity(&self) -> Identity<'_> {
        Identity {
            name: &self.name,
            version: &self.version,
            fingerprint: &self.fingerprint,
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

    /// Each rule's tier (`A`, `B`, `recommended`, `tender`), by rule id: for the results tables.
    pub fn tiers(&self) -> std::collections::BTreeMap<String, String> {
        self.rules
            .iter()
            .map(|r| (r.id.clone(), r.tier.as_str().to_string()))
            .collect()
    }
}

/// What names a library in a report and in the index's settings key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Identity<'a> {
    /// Library name.
    pub name: &'a str,
    /// Library version.
    pub version: &'a str,
    /// Digest of every file it was compiled from.
    pub fingerprint: &'a str,
}

/// The library a run checks against. The built-in one is compiled when first used, so a run that
/// analyses nothing (an `index` re-run where no file changed) does not pay for compiling it; a
/// custom one is compiled when loaded, so that its errors stop the run before any file is read.
/// It dereferences to the compiled library, as a lazily built value does.
#[derive(Debug)]
pub enum Choice {
    /// The default library compiled into the binary.
    Builtin,
    /// The default library with a custom library's files over it.
    Custom(Box<Library>),
}

impl Choice {
    /// The default library, or `custom` (a folder in the format of `clause-library/`) over it.
    pub fn load(custom: Option<&Path>) -> Result<Choice, LibraryError> {
        match custom {
            None => Ok(Choice::Builtin),
            Some(dir) => Ok(Choice::Custom(Box::new(Library::load(dir)?))),
        }
    }

    /// The library's name, version and fingerprint, without compiling the built-in library.
    pub fn identity(&self) -> Identity<'_> {
        match self {
            Choice::Builtin => {
                let (name, version, fingerprint) = &*BUILTIN_IDENTITY;
                Identity {
                    name,
                    version,
                    fingerprint,
                }
            }
            Choice::Custom(lib) => lib.identity(),
        }
    }
}

impl From<Library> for Choice {
    fn from(library: Library) -> Choice {
        Choice::Custom(Box::new(library))
    }
}

impl std::ops::Deref for Choice {
    type Target = Library;

    fn deref(&self) -> &Library {
        match self {
            Choice::Builtin => builtin_ref(),
            Choice::Custom(lib) => lib,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The built-in library compiles its regular expressions when first used; compiled all at
    /// once, as a custom library's are, every one of them compiles.
    #[test]
    fn every_builtin_pattern_compiles() {
        if let Err(e) = compile(&builtin_files(), &[], true) {
            panic!("the built-in library does not compile:\n{e}");
        }
    }

    /// The built-in library names itself the same whether read without compiling or compiled.
    #[test]
    fn builtin_identity_is_the_compiled_one() {
        assert_eq!(Choice::Builtin.identity(), builtin_ref().identity());
        assert!(!Choice::Builtin.identity().name.is_empty());
    }
}
