//! Full-text index of a contract repository (tantivy): `aiassure index` builds and updates it,
//! `aiassure search` queries it, and `aiassure scan --index` reuses the reports it stores.
//!
//! One tantivy index holds an entry per block of text (path, document type, page, section, text,
//! and the verdicts and AI features whose evidence cites the block) and one entry per document
//! (path, sha256, size, modification time, status, and the whole [`DocumentReport`](crate::model::DocumentReport) as JSON). See
//! [`schema`] for the fields.
//!
//! Updates are incremental: the scan drives them and the index consumes the results, through
//! the [`crate::sink`] traits its [`Indexer`] implements ([`write`](mod@write)). A file whose size and
//! modification time are those stored is not read; one whose size or time changed is hashed and
//! re-analysed only if its content changed; files no longer found are deleted. The state that
//! decides this lives in the document entries themselves, so it is committed atomically with the
//! entries it describes: a run that is interrupted leaves the index as of its last commit, and
//! the next run picks up from there. Reports are reused only when the settings they were computed
//! with (aiassure version, clause library, register, document type, limits, OCR options: the key
//! the scan's options give) are those of the run.
//!
//! This module never prints; the CLI reports what it returns.

pub mod cache;
pub mod schema;
pub mod search;
mod stem;
pub mod store;
pub mod write;

use std::path::PathBuf;

pub use cache::StoredFiles;
pub use search::{Hit, HitVerdict, SearchRequest, SearchResults, search};
pub use write::{IndexSummary, Indexer};

/// Why the index could not be used.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    /// Another run holds the writer lock.
    #[error(
        "another aiassure index run is updating this index; wait for it to finish (index folder: {})",
        .0.display()
    )]
    Busy(PathBuf),
    /// No index in the folder.
    #[error(
        "no index at {dir}: build one with `aiassure index PATH... --index {dir}`",
        dir = .0.display()
    )]
    Missing(PathBuf),
    /// The folder holds other files.
    #[error(
        "{} is not an aiassure index and is not empty: give --index a new or empty folder",
        .0.display()
    )]
    NotAnIndex(PathBuf),
    /// The index was written by another version.
    #[error(
        "the index at {dir} was written by another version of aiassure ({found}; this one uses {current}): update it with `aiassure index PATH... --index {dir}`, which rebuilds it",
        dir = .dir.display()
    )]
    Outdated {
        /// The index folder.
        dir: PathBuf,
        /// What wrote it.
        found: String,
        /// What this program writes.
        current: String,
    },
    /// The query could not be parsed.
    #[error(
        "could not understand the query `{query}`: {reason}. Use words, \"exact phrases\", AND, OR, -word to exclude, and parentheses"
    )]
    Query {
        /// The query as given.
        query: String,
        /// The parser's reason.
        reason: String,
    },
    /// A file of the index could not be read or written.
    #[error("could not read or write {}: {source}", .path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// tantivy failed.
    #[error("the index could not be read or written: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
}
