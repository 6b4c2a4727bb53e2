//! A regular expression of the library or the AI vocabulary, compiled when first used: a run
//! needs few of them (most are gated by words that rarely occur, or belong to rules a document
//! type never asks), and compiling them all at once was most of the start-up of every process (an
//! unchanged `index` re-run, a one-file scan). Copies share what has been compiled.

use std::sync::{Arc, OnceLock};

use regex::Regex;

/// How a source becomes an expression (case, size limit), or what is wrong with it.
pub type Compile = fn(&str) -> Result<Regex, String>;

/// An expression compiled on first use.
#[derive(Debug, Clone)]
pub struct LazyRegex {
    source: String,
    compile: Compile,
    compiled: Arc<OnceLock<Regex>>,
}

impl LazyRegex {
    /// An expression to compile when first used. Its source must be known to compile (the
    /// built-in files are all compiled by tests); else use [`LazyRegex::now`].
    pub fn new(source: String, compile: Compile) -> LazyRegex {
        LazyRegex {
            source,
            compile,
            compiled: Arc::default(),
        }
    }

    /// An expression compiled now (a user's file, whose errors must be reported when it is read).
    pub fn now(source: String, compile: Compile) -> Result<LazyRegex, String> {
        let re = LazyRegex::new(source, compile);
        let _ = re.compiled.set(compile(&re.source)?);
        Ok(re)
    }

    /// The compiled expression.
    pub fn get(&self) -> &Regex {
        self.compiled.get_or_init(|| {
            (self.compile)(&self.source).unwrap_or_else(|e| {
                panic!("built-in pattern {} does not compile: {e}", self.source)
            })
        })
    }

    /// Whether the expression matches somewhere in `text`.
    pub fn is_match(&self, text: &str) -> bool {
        self.get().is_match(text)
    }
}
