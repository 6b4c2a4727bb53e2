//! What the index knows about each file it holds (size, modification time, sha256, settings, and
//! the stored report), read from the document entries of the last commit. It decides which files
//! changed, and serves as the [`Cache`] through which a scan reuses stored reports.

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use tantivy::collector::DocSetCollector;
use tantivy::query::TermQuery;
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::{DocAddress, Index, Searcher, TantivyDocument, Term};

use super::IndexError;
use super::schema::{Fields, KIND_DOCUMENT};
use crate::model::{DocumentReport, Source, sha256_hex};
use crate::sink::{Cache, FileStat};

/// What the index holds about one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFile {
    /// sha256 of the file's bytes when indexed (empty when it could not be read).
    pub sha256: String,
    /// Size and time when indexed.
    pub stat: FileStat,
    /// Whether `stat` alone proves the file unchanged.
    pub stat_trusted: bool,
    /// Settings the report was computed with.
    pub settings: String,
    /// Where the document entry is, to read the report when it is reused.
    address: DocAddress,
}

/// What the index holds about every file, keyed by path, and the settings of the current run.
/// Reports are read from the index only when reused, so memory does not grow with them.
pub struct StoredFiles {
    files: HashMap<String, StoredFile>,
    settings: String,
    reused: AtomicUsize,
    /// The last commit, as loaded.
    searcher: Searcher,
    /// The field holding the report JSON.
    report_field: Field,
}

impl std::fmt::Debug for StoredFiles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredFiles")
            .field("files", &self.files.len())
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl StoredFiles {
    /// Opens the index in `dir` read-only and loads what it holds, for a run with `settings`
    /// (the scan options' `settings_key`).
    pub fn open(dir: &Path, settings: String) -> Result<StoredFiles, IndexError> {
        let (index, fields) = super::store::open_for_reading(dir)?;
        StoredFiles::load(&index, &fields, settings)
    }

    /// Loads the document entries of the last commit of `index`.
    pub fn load(
        index: &Index,
        fields: &Fields,
        settings: String,
    ) -> Result<StoredFiles, IndexError> {
        let reader = index.reader()?;
        let searcher = reader.searcher();
        let query = TermQuery::new(
            Term::from_field_text(fields.kind, KIND_DOCUMENT),
            IndexRecordOption::Basic,
        );
        let mut files = HashMap::new();
        // In storage order, so each compressed block of the document store is read once.
        let mut addresses: Vec<DocAddress> = searcher
            .search(&query, &DocSetCollector)?
            .into_iter()
            .collect();
        addresses.sort_unstable();
        for address in addresses {
            let doc: TantivyDocument = searcher.doc(address)?;
            let text = |f| {
                doc.get_first(f)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_string()
            };
            let number = |f| doc.get_first(f).and_then(|v| v.as_u64()).unwrap_or(0);
            files.insert(
                text(fields.path),
                StoredFile {
                    sha256: text(fields.sha256),
                    stat: FileStat {
                        size: number(fields.size),
                        mtime: number(fields.mtime),
                    },
                    stat_trusted: number(fields.stat_trusted) == 1,
                    settings: text(fields.settings),
                    address,
                },
            );
        }
        Ok(StoredFiles {
            files,
            settings,
            reused: AtomicUsize::new(0),
            searcher,
            report_field: fields.report,
        })
    }

    /// The stored file at this path.
    pub fn get(&self, path: &str) -> Option<&StoredFile> {
        self.files.get(path)
    }

    /// Paths of every stored file.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }

    /// Number of stored files.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// True when the index holds no file.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// True when the stored report of `path` was computed with other settings than this run's.
    pub fn settings_changed(&self, path: &str) -> bool {
        self.files
            .get(path)
            .is_some_and(|f| f.settings != self.settings)
    }

    /// True when the file at `path` is stored under this run's settings with this size and time,
    /// and that time can be trusted: it is unchanged without reading it.
    pub fn unchanged_by_stat(&self, path: &str, stat: FileStat) -> bool {
        self.files
            .get(path)
            .is_some_and(|f| f.settings == self.settings && f.stat_trusted && f.stat == stat)
    }

    /// How many reports [`Cache::lookup`] has handed out.
    pub fn reused(&self) -> usize {
        self.reused.load(Ordering::Relaxed)
    }

    fn report(&self, file: &StoredFile) -> Option<DocumentReport> {
        let doc: TantivyDocument = self.searcher.doc(file.address).ok()?;
        let json = doc.get_first(self.report_field)?.as_str()?;
        let report = serde_json::from_str(json).ok()?;
        self.reused.fetch_add(1, Ordering::Relaxed);
        Some(report)
    }
}

impl Cache for StoredFiles {
    /// The stored report when the file is unchanged: same size and time (when trusted), else same
    /// sha256 (the file is read and hashed, not analysed).
    fn lookup(&self, source: &Source) -> Option<DocumentReport> {
        let file = self.files.get(&source.display)?;
        if file.settings != self.settings || file.sha256.is_empty() {
            return None;
        }
        let stat = FileStat::of(&source.path).ok()?;
        if file.stat_trusted && stat == file.stat {
            return self.report(file);
        }
        if stat.size != file.stat.size {
            return None; // a different size is different content: no need to read it
        }
        let bytes = std::fs::read(&source.path).ok()?;
        if sha256_hex(&bytes) == file.sha256 {
            self.report(file)
        } else {
            None
        }
    }
}
