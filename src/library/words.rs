//! The words the reading of a document relies on, from `reading.toml`: which capitalised words
//! are not names, which open a subordinate clause, which negations make a statement rather than a
//! modal duty, which verbs follow a subject. Kept as data beside the concepts so that the
//! language knowledge lives in the library, not in the code; a custom library's `reading.toml`
//! adds words to the lists.

use std::sync::OnceLock;

use rustc_hash::FxHashSet;
use serde::Deserialize;

/// The reading's word lists.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Words {
    /// Capitalised words that open sentences or describe AI rather than name an organisation
    /// (compared as written).
    #[serde(default)]
    not_names: Vec<String>,
    /// Capitalised defined terms for things, not parties ("Outputs", "Data"), compared as written.
    #[serde(default)]
    things: Vec<String>,
    /// Words that open a subordinate clause closed by a comma ("if", "when").
    #[serde(default)]
    subordinators: Vec<String>,
    /// Negations that make a statement, not a modal duty ("does not", "never").
    #[serde(default)]
    statement_negations: Vec<String>,
    /// Plain verbs that follow a subject in the first or second person ("use", "own").
    #[serde(default)]
    verbs_after_subject: Vec<String>,
    /// Verbs of a party using something ("use", "rely").
    #[serde(default)]
    use_verbs: Vec<String>,
    /// Words that end a noun phrase read backwards from its noun ("using", "the").
    #[serde(default)]
    phrase_stops: Vec<String>,
    /// The people a decision or a service is about, neither party ("individual", "data
    /// subjects"): what they may do is their right, not a permission of the supplier.
    #[serde(default)]
    affected_people: Vec<String>,
    /// The lists compared without case, hashed (built when first asked).
    #[serde(skip)]
    folded: OnceLock<Folded>,
}

/// The lists compared without case, as hashed sets of their lower-cased words: the reading asks
/// them about most words of a clause, where a scan of a list costs more than a lookup.
#[derive(Debug, Clone, Default)]
struct Folded {
    subordinators: FoldedSet,
    statement_negations: FoldedSet,
    verbs_after_subject: FoldedSet,
    use_verbs: FoldedSet,
    phrase_stops: FoldedSet,
    affected_people: FoldedSet,
}

/// A set of words compared without ASCII case (as `eq_ignore_ascii_case` compares).
#[derive(Debug, Clone, Default)]
struct FoldedSet {
    words: FxHashSet<Vec<u8>>,
    /// The length of the longest word: a longer word is in no list.
    longest: usize,
}

impl FoldedSet {
    fn new(list: &[String]) -> Self {
        FoldedSet {
            words: list
                .iter()
                .map(|w| w.as_bytes().to_ascii_lowercase())
                .collect(),
            longest: list.iter().map(String::len).max().unwrap_or(0),
        }
    }

    fn contains(&self, word: &str) -> bool {
        let w = word.as_bytes();
        if w.len() > self.longest {
            return false;
        }
        // (Lower-cased in a buffer on the stack: most words are short.)
        let mut buf = [0u8; 32];
        match buf.get_mut(..w.len()) {
            Some(b) => {
                b.copy_from_slice(w);
                b.make_ascii_lowercase();
                self.words.contains(&*b)
            }
            None => self.words.contains(&w.to_ascii_lowercase()),
        }
    }
}

/// The file: one `[words]` table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct WordsFile {
    pub(super) words: Words,
}

fn has(list: &[String], word: &str) -> bool {
    list.iter().any(|w| w == word)
}

impl Words {
    fn folded(&self) -> &Folded {
        self.folded.get_or_init(|| Folded {
            subordinators: FoldedSet::new(&self.subordinators),
            statement_negations: FoldedSet::new(&self.statement_negations),
            verbs_after_subject: FoldedSet::new(&self.verbs_after_subject),
            use_verbs: FoldedSet::new(&self.use_verbs),
            phrase_stops: FoldedSet::new(&self.phrase_stops),
            affected_people: FoldedSet::new(&self.affected_people),
        })
    }

    /// Adds another file's words to these.
    pub(super) fn extend(&mut self, other: Words) {
        self.not_names.extend(other.not_names);
        self.things.extend(other.things);
        self.subordinators.extend(other.subordinators);
        self.statement_negations.extend(other.statement_negations);
        self.verbs_after_subject.extend(other.verbs_after_subject);
        self.use_verbs.extend(other.use_verbs);
        self.phrase_stops.extend(other.phrase_stops);
        self.affected_people.extend(other.affected_people);
        self.folded = OnceLock::new();
    }

    /// A capitalised word that is not a name ("The", "Generative").
    pub fn not_name(&self, word: &str) -> bool {
        has(&self.not_names, word)
    }

    /// A capitalised defined term for a thing ("Outputs").
    pub fn thing(&self, word: &str) -> bool {
        has(&self.things, word)
    }

    /// Whether a name ends with a defined term for a thing ("Customer Data").
    pub fn ends_with_thing(&self, name: &str) -> bool {
        self.things.iter().any(|t| name.ends_with(t.as_str()))
    }

    /// Where the people a decision is about are named at the very end of `text` ("... and that
    /// the individual", "data subjects"): the byte offset of that name, with the determiner or
    /// adjective before it ("the", "any affected"). A name is one to three words, as listed.
    pub fn affected_people_at_end(&self, text: &str) -> Option<usize> {
        let set = &self.folded().affected_people;
        let t = text.trim_end();
        // Word starts, from the last word back.
        let starts: Vec<usize> = t
            .char_indices()
            .filter(|&(i, c)| {
                !c.is_whitespace() && (i == 0 || t[..i].ends_with(char::is_whitespace))
            })
            .map(|(i, _)| i)
            .collect();
        let found = (1..=3).rev().find_map(|n| {
            let at = *starts.len().checked_sub(n).and_then(|k| starts.get(k))?;
            let phrase: String = t[at..].split_whitespace().collect::<Vec<_>>().join(" ");
            set.contains(&phrase).then_some(at)
        })?;
        // Take in a determiner or "affected" before it.
        let before = t[..found].trim_end();
        let word_start = before.rfind(char::is_whitespace).map_or(0, |i| i + 1);
        let word = &before[word_start..];
        // "our people", "the Supplier's staff": someone's own people, not the public.
        let possessive = ["our", "its", "their", "your", "his", "her"]
            .iter()
            .any(|d| word.eq_ignore_ascii_case(d))
            || word.ends_with("'s")
            || word.ends_with("’s");
        if possessive {
            return None;
        }
        let leading = [
            "the", "a", "an", "any", "each", "every", "affected", "such", "that",
        ];
        Some(if leading.iter().any(|d| word.eq_ignore_ascii_case(d)) {
            word_start
        } else {
            found
        })
    }

    /// A word opening a subordinate clause ("if").
    pub fn subordinator(&self, word: &str) -> bool {
        self.folded().subordinators.contains(word)
    }

    /// A negation that makes a statement ("does not").
    pub fn statement_negation(&self, words: &str) -> bool {
        self.folded().statement_negations.contains(words)
    }

    /// A plain verb after a subject ("own").
    pub fn verb_after_subject(&self, word: &str) -> bool {
        self.folded().verbs_after_subject.contains(word)
    }

    /// A verb of using something ("use").
    pub fn use_verb(&self, word: &str) -> bool {
        self.folded().use_verbs.contains(word)
    }

    /// A word ending a noun phrase read backwards ("using").
    pub fn phrase_stop(&self, word: &str) -> bool {
        self.folded().phrase_stops.contains(word)
    }
}

#[cfg(test)]
mod tests {
    use crate::library::Library;

    #[test]
    fn a_custom_reading_file_adds_words_and_is_validated() {
        let lib = Library::from_files(&[(
            "custom/reading.toml".into(),
            "[words]\nnot_names = [\"Zeta\"]\n".into(),
        )])
        .expect("a valid custom reading file");
        assert!(lib.words.not_name("Zeta"), "the custom word is added");
        assert!(lib.words.not_name("The"), "the built-in words stay");
        assert!(
            lib.words.statement_negation("DOES NOT"),
            "compared without case"
        );
        let err = Library::from_files(&[(
            "custom/reading.toml".into(),
            "[words]\nnot_name = [\"Zeta\"]\n".into(),
        )])
        .expect_err("an unknown list is an error");
        let crate::library::LibraryError::Invalid(problems) = &err else {
            panic!("not a validation error: {err}");
        };
        assert_eq!(
            problems.first().and_then(|d| d.file.as_deref()),
            Some("custom/reading.toml")
        );
        assert_eq!(
            problems.first().and_then(|d| d.span).map(|s| s.line),
            Some(2)
        );
        assert!(err.to_string().contains("custom/reading.toml:2"), "{err}");
    }
}
