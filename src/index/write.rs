//! Writing the index: one [`Indexer`] per run, owning the single tantivy `IndexWriter`.
//!
//! The indexer consumes scan results; it does not drive the scan. As the [`Sink`] of the scan's
//! `update`, it says which files it holds unchanged (same size and trusted time,
//! under the same settings), serves stored reports as the [`Cache`] for files whose content proves
//! unchanged, replaces the entries of every file analysed (`delete_term(path)` then re-added),
//! and deletes the files no longer found. It commits every few thousand files and at the end; the
//! state that says what is indexed is part of each commit.

use std::collections::HashSet;
use std::path::Path;
use std::time::{Duration, Instant, SystemTime};

use tantivy::{IndexWriter, TantivyDocument, Term};

use super::IndexError;
use super::cache::StoredFiles;
use super::schema::{Fields, KIND_BLOCK, KIND_DOCUMENT, term_text};
use super::store::{Opened, open_for_writing};
use crate::model::{Document, DocumentReport, Evidence, Source, Status};
use crate::sink::{Cache, FileStat, Scanned, Sink};

/// Memory the tantivy writer may use before it flushes a segment.
const WRITER_HEAP_BYTES: usize = 64 * 1024 * 1024;

/// Files written between commits: what an interrupted run loses at most.
const COMMIT_EVERY: usize = 2_000;

/// What a run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IndexSummary {
    /// Files indexed for the first time.
    pub added: usize,
    /// Files whose content or settings changed, re-analysed and replaced.
    pub updated: usize,
    /// Files no longer found, deleted from the index.
    pub removed: usize,
    /// Files left as they were.
    pub unchanged: usize,
    /// Of the unchanged files, those read to compare their sha256 (their size or time changed).
    pub hashed: usize,
    /// Files added or updated that could not be read (unreadable or error).
    pub unreadable: usize,
    /// Files re-analysed because the settings (aiassure version, library, options, limits)
    /// changed.
    pub settings_changed: usize,
    /// Files in the index after the run.
    pub total: usize,
    /// Why the index was rebuilt from scratch, if it was.
    pub rebuilt: Option<String>,
    /// Time taken, from opening the index to the last commit.
    pub elapsed: Duration,
}

/// A writing run on one index: holds the lock and the single writer until dropped. Dropping it
/// without [`Indexer::finish`] or [`Indexer::commit`] discards what was written since the last
/// commit.
pub struct Indexer {
    opened: Opened,
    writer: IndexWriter,
    settings: String,
    started: SystemTime,
    clock: Instant,
    uncommitted: usize,
    /// What the last commit held when the run began; `None` when opened with
    /// [`Indexer::open_appending`].
    stored: Option<StoredFiles>,
    summary: IndexSummary,
}

impl Indexer {
    /// Opens (or creates) the index in `dir` for a run whose reports are computed with
    /// `settings` (the scan options' `settings_key`), and loads what it holds about each file, to
    /// be brought up to date by the scan's `update`. Fails with [`IndexError::Busy`] when
    /// another run holds the index.
    pub fn open(dir: &Path, settings: String) -> Result<Indexer, IndexError> {
        let mut indexer = Indexer::open_appending(dir, settings)?;
        indexer.stored = Some(StoredFiles::load(
            &indexer.opened.index,
            &indexer.opened.fields,
            indexer.settings.clone(),
        )?);
        Ok(indexer)
    }

    /// Opens the index for writing entries one at a time with [`Indexer::replace`] (the local
    /// web page), without loading what it holds: as a [`Sink`] it would know of no stored file.
    pub fn open_appending(dir: &Path, settings: String) -> Result<Indexer, IndexError> {
        let opened = open_for_writing(dir)?;
        let writer = opened.index.writer(WRITER_HEAP_BYTES)?;
        let summary = IndexSummary {
            rebuilt: opened.rebuilt.clone(),
            ..IndexSummary::default()
        };
        Ok(Indexer {
            opened,
            writer,
            settings,
            started: SystemTime::now(),
            clock: Instant::now(),
            uncommitted: 0,
            stored: None,
            summary,
        })
    }

    /// Why the index was rebuilt when opened, if it was.
    pub fn rebuilt(&self) -> Option<&str> {
        self.opened.rebuilt.as_deref()
    }

    /// Replaces everything indexed for `report.path` with this report and, when given, the blocks
    /// of its located text. `stat` is the file's size and time, read before the file was.
    pub fn replace(
        &mut self,
        report: &DocumentReport,
        document: Option<&Document>,
        stat: FileStat,
    ) -> Result<(), IndexError> {
        let f = self.opened.fields;
        self.writer
            .delete_term(Term::from_field_text(f.path, &report.path));
        let mut uncited = Vec::new();
        if let Some(doc) = document {
            for entry in block_entries(&f, report, doc, &mut uncited) {
                self.writer.add_document(entry)?;
            }
        } else {
            uncited.extend(
                report
                    .clauses
                    .iter()
                    .map(|c| (c.id.as_str(), c.status.as_str())),
            );
        }
        let entry = self.document_entry(report, stat, &uncited)?;
        self.writer.add_document(entry)?;
        self.uncommitted += 1;
        Ok(())
    }

    /// Updates only the stored size and time of a file found unchanged by its sha256.
    fn refresh(&mut self, report: &DocumentReport, stat: FileStat) -> Result<(), IndexError> {
        let f = self.opened.fields;
        self.writer
            .delete_term(Term::from_field_text(f.doc_key, &report.path));
        let uncited = uncited_verdicts(report);
        let entry = self.document_entry(report, stat, &uncited)?;
        self.writer.add_document(entry)?;
        self.uncommitted += 1;
        Ok(())
    }

    /// Deletes everything indexed for `path`.
    pub fn remove(&mut self, path: &str) {
        let f = self.opened.fields;
        self.writer.delete_term(Term::from_field_text(f.path, path));
        self.uncommitted += 1;
    }

    /// Makes everything written so far durable and visible to searches.
    pub fn commit(&mut self) -> Result<(), IndexError> {
        self.writer.commit()?;
        self.uncommitted = 0;
        Ok(())
    }

    /// Commits, waits for background segment merges (so the folder is left tidy) and says what
    /// the run did.
    pub fn finish(mut self) -> Result<IndexSummary, IndexError> {
        self.commit()?;
        self.writer.wait_merging_threads()?;
        let stored = self.stored.as_ref().map_or(0, StoredFiles::len);
        let mut summary = self.summary;
        summary.total = (stored + summary.added).saturating_sub(summary.removed);
        summary.elapsed = self.clock.elapsed();
        Ok(summary)
    }

    /// The document entry of a report.
    fn document_entry(
        &self,
        report: &DocumentReport,
        stat: FileStat,
        uncited: &[(&str, &str)],
    ) -> Result<TantivyDocument, IndexError> {
        let f = &self.opened.fields;
        let json = serde_json::to_string(report).map_err(|e| IndexError::Io {
            path: report.path.clone().into(),
            source: std::io::Error::other(e),
        })?;
        let mut doc = TantivyDocument::default();
        doc.add_text(f.kind, KIND_DOCUMENT);
        doc.add_text(f.path, &report.path);
        doc.add_text(f.doc_key, &report.path);
        doc.add_text(f.doc_type, report.doc_type.as_str());
        doc.add_text(f.format, report.format.as_str());
        add_verdicts(f, &mut doc, uncited.iter().copied());
        doc.add_text(f.sha256, &report.sha256);
        doc.add_u64(f.size, stat.size);
        doc.add_u64(f.mtime, stat.mtime);
        doc.add_u64(f.stat_trusted, u64::from(stat.trustworthy(self.started)));
        doc.add_text(f.settings, &self.settings);
        doc.add_text(f.report, json);
        Ok(doc)
    }
}

impl Cache for Indexer {
    fn lookup(&self, source: &Source) -> Option<DocumentReport> {
        self.stored.as_ref()?.lookup(source)
    }
}

impl Sink for Indexer {
    type Error = IndexError;

    fn unchanged(&mut self, source: &Source, stat: FileStat) -> bool {
        let unchanged = self
            .stored
            .as_ref()
            .is_some_and(|s| s.unchanged_by_stat(&source.display, stat));
        self.summary.unchanged += usize::from(unchanged);
        unchanged
    }

    fn put(&mut self, scanned: Scanned, stat: FileStat) -> Result<(), IndexError> {
        let path = scanned.report.path.as_str();
        if scanned.reused {
            self.summary.unchanged += 1;
            self.summary.hashed += 1;
            return self.refresh(&scanned.report, stat);
        }
        let stored = self.stored.as_ref();
        if stored.and_then(|s| s.get(path)).is_some() {
            self.summary.updated += 1;
            if stored.is_some_and(|s| s.settings_changed(path)) {
                self.summary.settings_changed += 1;
            }
        } else {
            self.summary.added += 1;
        }
        if scanned.report.status != Status::Analysed {
            self.summary.unreadable += 1;
        }
        self.replace(&scanned.report, scanned.document.as_ref(), stat)
    }

    fn checkpoint(&mut self) -> Result<(), IndexError> {
        if self.uncommitted >= COMMIT_EVERY {
            self.commit()?;
        }
        Ok(())
    }

    fn retain(&mut self, kept: &dyn Fn(&str) -> bool) -> Result<(), IndexError> {
        let gone: Vec<String> = self
            .stored
            .iter()
            .flat_map(StoredFiles::paths)
            .filter(|p| !kept(p))
            .map(str::to_string)
            .collect();
        for path in &gone {
            self.remove(path);
        }
        self.summary.removed += gone.len();
        Ok(())
    }
}

/// Verdicts whose evidence cites no text (missing rules), as (rule id, status).
fn uncited_verdicts(report: &DocumentReport) -> Vec<(&str, &str)> {
    report
        .clauses
        .iter()
        .filter(|c| c.evidence.is_empty())
        .map(|c| (c.id.as_str(), c.status.as_str()))
        .collect()
}

/// Adds (rule id, status) pairs to the filter fields of an entry.
fn add_verdicts<'a>(
    f: &Fields,
    doc: &mut TantivyDocument,
    verdicts: impl IntoIterator<Item = (&'a str, &'a str)>,
) {
    let mut rules = HashSet::new();
    let mut statuses = HashSet::new();
    for (id, status) in verdicts {
        doc.add_text(f.verdict, term_text(&format!("{id}={status}")));
        doc.add_text(f.cites, format!("{id}={status}"));
        if rules.insert(id) {
            doc.add_text(f.rule, term_text(id));
        }
        if statuses.insert(status) {
            doc.add_text(f.status, status);
        }
    }
}

/// Indexes of the blocks that `evidence` overlaps (character offsets; blocks are in order).
fn cited_blocks(doc: &Document, evidence: &Evidence) -> std::ops::Range<usize> {
    let end = evidence.end.max(evidence.start + 1);
    let first = doc.blocks.partition_point(|b| b.end <= evidence.start);
    let last = doc.blocks.partition_point(|b| b.start < end);
    first..last.max(first)
}

/// The block entries of a document. Verdicts whose evidence cites no block are added to
/// `uncited`, for the document entry.
fn block_entries<'r>(
    f: &Fields,
    report: &'r DocumentReport,
    doc: &Document,
    uncited: &mut Vec<(&'r str, &'r str)>,
) -> Vec<TantivyDocument> {
    let mut verdicts: Vec<Vec<(&str, &str)>> = vec![Vec::new(); doc.blocks.len()];
    let mut features: Vec<Vec<usize>> = vec![Vec::new(); doc.blocks.len()];
    for clause in &report.clauses {
        let cited: Vec<usize> = clause
            .evidence
            .iter()
            .flat_map(|e| cited_blocks(doc, e))
            .collect();
        if cited.is_empty() {
            uncited.push((clause.id.as_str(), clause.status.as_str()));
        }
        for i in cited {
            if let Some(v) = verdicts.get_mut(i) {
                v.push((clause.id.as_str(), clause.status.as_str()));
            }
        }
    }
    for (n, feature) in report.ai_features.iter().enumerate() {
        for i in cited_blocks(doc, &feature.evidence) {
            if let Some(v) = features.get_mut(i) {
                v.push(n);
            }
        }
    }
    let mut out = Vec::with_capacity(doc.blocks.len());
    for (i, block) in doc.blocks.iter().enumerate() {
        if block.text.trim().is_empty() {
            continue;
        }
        let mut entry = TantivyDocument::default();
        entry.add_text(f.kind, KIND_BLOCK);
        entry.add_text(f.path, &report.path);
        entry.add_text(f.doc_type, report.doc_type.as_str());
        entry.add_text(f.format, report.format.as_str());
        if let Some(page) = block.page {
            entry.add_u64(f.page, u64::from(page));
        }
        if let Some(section) = &block.section {
            entry.add_text(f.section, section);
        }
        entry.add_text(f.text, &block.text);
        let mut cited = verdicts.get(i).cloned().unwrap_or_default();
        cited.sort_unstable();
        cited.dedup();
        add_verdicts(f, &mut entry, cited);
        let mut seen: HashSet<String> = HashSet::new();
        for &n in features.get(i).map(Vec::as_slice).unwrap_or_default() {
            let Some(feature) = report.ai_features.get(n) else {
                continue;
            };
            if seen.insert(feature.name.clone()) {
                entry.add_text(f.feature, term_text(&feature.name));
                entry.add_text(f.feature_name, &feature.name);
            }
            let category = feature.category.as_str();
            if !seen.contains(category) {
                entry.add_text(f.feature, category);
                seen.insert(category.to_string());
            }
        }
        out.push(entry);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Block, BlockKind};

    fn doc(spans: &[(usize, usize)]) -> Document {
        Document {
            blocks: spans
                .iter()
                .map(|&(start, end)| Block {
                    page: None,
                    section: None,
                    kind: BlockKind::Paragraph,
                    text: "x".repeat(end - start),
                    start,
                    end,
                    heading: None,
                })
                .collect(),
            sentences: Vec::new(),
            pages: None,
        }
    }

    fn ev(start: usize, end: usize) -> Evidence {
        Evidence {
            page: None,
            section: None,
            quote: String::new(),
            start,
            end,
        }
    }

    #[test]
    fn evidence_cites_the_blocks_it_overlaps() {
        let d = doc(&[(0, 10), (11, 20), (21, 30)]);
        assert_eq!(cited_blocks(&d, &ev(2, 5)), 0..1);
        assert_eq!(cited_blocks(&d, &ev(8, 15)), 0..2);
        assert_eq!(cited_blocks(&d, &ev(11, 30)), 1..3);
        // The newline between blocks belongs to none; an empty quote cites its position.
        assert_eq!(cited_blocks(&d, &ev(10, 11)), 1..1);
        assert_eq!(cited_blocks(&d, &ev(12, 12)), 1..2);
        // Offsets past the end cite nothing.
        assert_eq!(cited_blocks(&d, &ev(40, 50)), 3..3);
    }
}
