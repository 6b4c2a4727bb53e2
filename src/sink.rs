//! The seam between a scan and a store of its results (the index): what the scan asks before it
//! reads a file ([`Cache`]) and what it hands over after ([`Sink`]).
//!
//! The scan drives: [`crate::scan::update`] stats each file, asks the sink whether it is already
//! stored as it is, analyses the rest in parallel (reusing a stored report when the content proves
//! unchanged), hands every result over in path order and, at the end, tells the sink which files
//! are still there. The store only consumes: it never reads a file for analysis nor starts a
//! thread. Both sides depend on this module and [`crate::model`], not on each other.

use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::model::{Document, DocumentReport, Source};

/// Size and modification time of a file: the cheap test of whether it changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FileStat {
    /// Size in bytes.
    pub size: u64,
    /// Modification time, in nanoseconds since 1970 (0 when unknown).
    pub mtime: u64,
}

impl FileStat {
    /// The size and modification time of the file at `path`.
    pub fn of(path: &Path) -> std::io::Result<FileStat> {
        let meta = std::fs::metadata(path)?;
        Ok(FileStat {
            size: meta.len(),
            mtime: meta.modified().map_or(0, nanos_since_epoch),
        })
    }

    /// True when the time is old enough, compared with `now`, that a later change of the file
    /// within the file system's time resolution cannot go unnoticed (the "racy" case: a file
    /// changed in the same second it was indexed keeps its size and time).
    pub fn trustworthy(&self, now: SystemTime) -> bool {
        const MARGIN: Duration = Duration::from_secs(2);
        self.mtime != 0
            && self.mtime.saturating_add(duration_nanos(MARGIN)) < nanos_since_epoch(now)
    }
}

fn duration_nanos(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

fn nanos_since_epoch(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).map_or(0, duration_nanos)
}

/// Earlier results, consulted before a file is read: `scan --index` and `index` reuse the report
/// the index holds for a file that has not changed.
pub trait Cache: Sync {
    /// The stored report for this file, when the file has not changed since it was stored.
    fn lookup(&self, source: &Source) -> Option<DocumentReport>;
}

/// One file's result, with what a store needs besides the report.
#[derive(Debug, Clone)]
pub struct Scanned {
    /// The report (its path is the source's display path).
    pub report: DocumentReport,
    /// The located text, when the file was analysed now; `None` when it could not be read or
    /// when the report came from the cache.
    pub document: Option<Document>,
    /// True when the report came from the cache.
    pub reused: bool,
}

/// A store a scan keeps up to date ([`crate::scan::update`]): it answers for what it holds and
/// takes each new result. Implemented by the index's writer.
pub trait Sink: Cache {
    /// Why the store could not take a result.
    type Error;

    /// True when the store holds this file, under this run's settings, with this size and time
    /// and that time can be trusted: the file is not read at all.
    fn unchanged(&mut self, source: &Source, stat: FileStat) -> bool;

    /// Takes one file's result (analysed now, or found unchanged by its content), in path order;
    /// `stat` is the file's size and time, taken before it was read.
    fn put(&mut self, scanned: Scanned, stat: FileStat) -> Result<(), Self::Error>;

    /// Called after each batch of results: the moment to make them durable.
    fn checkpoint(&mut self) -> Result<(), Self::Error>;

    /// Forgets every stored file for which `kept` is false (no longer found). Called once, last.
    fn retain(&mut self, kept: &dyn Fn(&str) -> bool) -> Result<(), Self::Error>;
}
