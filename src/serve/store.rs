//! The workspace on disk: an SQLite database (`aiassure.sqlite`) of reviews, uploaded files with
//! their analysis, and officers' decisions; the uploaded bytes under `files/`, named by their
//! sha256 and never by the name they were uploaded with.
//!
//! Every write is one SQLite statement or transaction, so a server stopped at any moment (even
//! killed) restarts with everything it had acknowledged. Analyses that were queued or running
//! when it stopped are queued again on start ([`Store::pending`]).

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use crate::model::{Block, DocumentReport};

/// Why the workspace could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database failed.
    #[error("the workspace database could not be read or written: {0}")]
    Db(#[from] rusqlite::Error),
    /// A file of the workspace could not be read or written.
    #[error("could not read or write {}: {source}", .path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A stored analysis could not be decoded (written by another version).
    #[error("a stored analysis could not be read ({0}); upload the file again")]
    Decode(String),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> StoreError + '_ {
    move |source| StoreError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Name of the database file in the workspace.
pub const DATABASE: &str = "aiassure.sqlite";

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS reviews (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    doc_type TEXT NOT NULL,
    register_name TEXT,
    register_csv TEXT,
    created TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE TABLE IF NOT EXISTS files (
    id INTEGER PRIMARY KEY,
    review_id INTEGER NOT NULL REFERENCES reviews(id),
    name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    state TEXT NOT NULL,
    report TEXT,
    blocks TEXT,
    uploaded TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    UNIQUE (review_id, name)
);
CREATE TABLE IF NOT EXISTS decisions (
    id INTEGER PRIMARY KEY,
    review_id INTEGER NOT NULL REFERENCES reviews(id),
    document TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    rule TEXT NOT NULL,
    decision TEXT NOT NULL,
    reason TEXT NOT NULL,
    decided_by TEXT NOT NULL,
    expires TEXT,
    decided TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    UNIQUE (review_id, document, rule)
);
";

/// Where a file's analysis is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FileState {
    /// Waiting for a place in the analysis pool.
    Queued,
    /// Being read and checked.
    Reading,
    /// Analysed (the report says whether it could be read).
    Done,
}

impl FileState {
    fn as_str(self) -> &'static str {
        match self {
            FileState::Queued => "queued",
            FileState::Reading => "reading",
            FileState::Done => "done",
        }
    }

    fn parse(s: &str) -> FileState {
        match s {
            "queued" => FileState::Queued,
            "reading" => FileState::Reading,
            _ => FileState::Done,
        }
    }
}

/// A review: one tender (or set of contracts) and the files uploaded to it.
#[derive(Debug, Clone, Serialize)]
pub struct Review {
    /// Its number.
    pub id: i64,
    /// The tender's name, as the officer typed it.
    pub name: String,
    /// `auto`, `tender` or `contract`.
    pub doc_type: String,
    /// The name of the approved-tools register uploaded with it, if any.
    pub register_name: Option<String>,
    /// When it was created (UTC, ISO 8601).
    pub created: String,
    /// Files uploaded.
    pub files: usize,
}

/// An uploaded file.
#[derive(Debug, Clone, Serialize)]
pub struct StoredFile {
    /// Its number.
    pub id: i64,
    /// The review it belongs to.
    pub review_id: i64,
    /// The name it was uploaded with (cleaned: no folders, no control characters); reports use it.
    pub name: String,
    /// sha256 of its bytes.
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
    /// Where its analysis is.
    pub state: FileState,
    /// When it was uploaded (UTC, ISO 8601).
    pub uploaded: String,
}

/// An officer's decision on one gap of one document.
#[derive(Debug, Clone, Serialize)]
pub struct Decision {
    /// Its number.
    pub id: i64,
    /// The review.
    pub review_id: i64,
    /// The document's name in the review.
    pub document: String,
    /// sha256 of the file the decision was made on.
    pub sha256: String,
    /// The rule id.
    pub rule: String,
    /// `accept`, `ask` or `reject`.
    pub decision: String,
    /// Why.
    pub reason: String,
    /// Who decided.
    pub decided_by: String,
    /// For `accept`: the date (YYYY-MM-DD) after which the acceptance lapses.
    pub expires: Option<String>,
    /// When it was recorded (UTC, ISO 8601).
    pub decided: String,
}

/// A decision to record.
#[derive(Debug, Clone)]
pub struct NewDecision<'a> {
    /// The document's name in the review.
    pub document: &'a str,
    /// sha256 of the file decided on.
    pub sha256: &'a str,
    /// Rule id.
    pub rule: &'a str,
    /// `accept`, `ask` or `reject`.
    pub decision: &'a str,
    /// Why.
    pub reason: &'a str,
    /// Who decided.
    pub decided_by: &'a str,
    /// Expiry date of an acceptance.
    pub expires: Option<&'a str>,
}

/// The workspace: its folder and its open database.
pub struct Store {
    dir: PathBuf,
    db: Connection,
}

const FILE_COLUMNS: &str = "id, review_id, name, sha256, size, state, uploaded";

fn file_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<StoredFile> {
    Ok(StoredFile {
        id: r.get(0)?,
        review_id: r.get(1)?,
        name: r.get(2)?,
        sha256: r.get(3)?,
        size: r.get::<_, i64>(4)?.try_into().unwrap_or(0),
        state: FileState::parse(&r.get::<_, String>(5)?),
        uploaded: r.get(6)?,
    })
}

const DECISION_COLUMNS: &str =
    "id, review_id, document, sha256, rule, decision, reason, decided_by, expires, decided";

fn decision_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Decision> {
    Ok(Decision {
        id: r.get(0)?,
        review_id: r.get(1)?,
        document: r.get(2)?,
        sha256: r.get(3)?,
        rule: r.get(4)?,
        decision: r.get(5)?,
        reason: r.get(6)?,
        decided_by: r.get(7)?,
        expires: r.get(8)?,
        decided: r.get(9)?,
    })
}

impl Store {
    /// Opens the workspace in `dir`, creating the folder and the database when absent.
    pub fn open(dir: &Path) -> Result<Store, StoreError> {
        for sub in ["", "files", "tmp"] {
            let d = dir.join(sub);
            std::fs::create_dir_all(&d).map_err(io(&d))?;
        }
        let db = Connection::open(dir.join(DATABASE))?;
        db.execute_batch("PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON;")?;
        db.execute_batch(SCHEMA)?;
        Ok(Store {
            dir: dir.to_path_buf(),
            db,
        })
    }

    /// The folder for upload in progress (on the same file system as the stored files).
    pub fn tmp_dir(&self) -> PathBuf {
        self.dir.join("tmp")
    }

    /// Where the bytes with this sha256 are kept.
    pub fn blob_path(&self, sha256: &str) -> PathBuf {
        let prefix = sha256.get(..2).unwrap_or("xx");
        self.dir.join("files").join(prefix).join(sha256)
    }

    /// Moves a completely written temporary file into place as the bytes of `sha256` (kept as it
    /// is when those bytes are already stored).
    pub fn keep_blob(&self, tmp: &Path, sha256: &str) -> Result<(), StoreError> {
        let path = self.blob_path(sha256);
        if path.exists() {
            std::fs::remove_file(tmp).map_err(io(tmp))?;
            return Ok(());
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io(parent))?;
        }
        std::fs::rename(tmp, &path).map_err(io(&path))
    }

    /// The current time in UTC, `YYYY-MM-DDTHH:MM:SSZ` (from SQLite, so the database and the
    /// program agree on it).
    pub fn now(&self) -> Result<String, StoreError> {
        Ok(self
            .db
            .query_row("SELECT strftime('%Y-%m-%dT%H:%M:%SZ', 'now')", [], |r| {
                r.get(0)
            })?)
    }

    /// Creates a review and returns its number.
    pub fn create_review(
        &self,
        name: &str,
        doc_type: &str,
        register: Option<(&str, &str)>,
    ) -> Result<i64, StoreError> {
        self.db.execute(
            "INSERT INTO reviews (name, doc_type, register_name, register_csv) VALUES (?1, ?2, ?3, ?4)",
            params![name, doc_type, register.map(|r| r.0), register.map(|r| r.1)],
        )?;
        Ok(self.db.last_insert_rowid())
    }

    /// Every review, newest first.
    pub fn reviews(&self) -> Result<Vec<Review>, StoreError> {
        let mut st = self.db.prepare(
            "SELECT r.id, r.name, r.doc_type, r.register_name, r.created,
                    (SELECT COUNT(*) FROM files f WHERE f.review_id = r.id)
             FROM reviews r ORDER BY r.id DESC",
        )?;
        let rows = st.query_map([], review_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// One review.
    pub fn review(&self, id: i64) -> Result<Option<Review>, StoreError> {
        Ok(self
            .db
            .query_row(
                "SELECT r.id, r.name, r.doc_type, r.register_name, r.created,
                        (SELECT COUNT(*) FROM files f WHERE f.review_id = r.id)
                 FROM reviews r WHERE r.id = ?1",
                [id],
                review_row,
            )
            .optional()?)
    }

    /// The approved-tools register of a review (CSV text), if it has one.
    pub fn register_csv(&self, review: i64) -> Result<Option<String>, StoreError> {
        Ok(self
            .db
            .query_row(
                "SELECT register_csv FROM reviews WHERE id = ?1",
                [review],
                |r| r.get(0),
            )
            .optional()?
            .flatten())
    }

    /// Records an upload: a new file, or a new version of the file of the same name (its
    /// analysis is cleared and it is queued again). Returns the file's number.
    pub fn put_file(
        &self,
        review: i64,
        name: &str,
        sha256: &str,
        size: u64,
    ) -> Result<i64, StoreError> {
        let size = i64::try_from(size).unwrap_or(i64::MAX);
        self.db.execute(
            "INSERT INTO files (review_id, name, sha256, size, state) VALUES (?1, ?2, ?3, ?4, 'queued')
             ON CONFLICT (review_id, name) DO UPDATE SET sha256 = excluded.sha256,
                 size = excluded.size, state = 'queued', report = NULL, blocks = NULL,
                 uploaded = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')",
            params![review, name, sha256, size],
        )?;
        Ok(self.db.query_row(
            "SELECT id FROM files WHERE review_id = ?1 AND name = ?2",
            params![review, name],
            |r| r.get(0),
        )?)
    }

    /// Total size of the files of a review, in bytes.
    pub fn review_bytes(&self, review: i64) -> Result<u64, StoreError> {
        let n: i64 = self.db.query_row(
            "SELECT COALESCE(SUM(size), 0) FROM files WHERE review_id = ?1",
            [review],
            |r| r.get(0),
        )?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// The size of the file of this name in a review, if there is one (an upload of the same name
    /// replaces it).
    pub fn file_size_by_name(&self, review: i64, name: &str) -> Result<Option<u64>, StoreError> {
        let n: Option<i64> = self
            .db
            .query_row(
                "SELECT size FROM files WHERE review_id = ?1 AND name = ?2",
                params![review, name],
                |r| r.get(0),
            )
            .optional()?;
        Ok(n.map(|n| u64::try_from(n).unwrap_or(0)))
    }

    /// The files of a review, by name.
    pub fn files(&self, review: i64) -> Result<Vec<StoredFile>, StoreError> {
        let mut st = self.db.prepare(&format!(
            "SELECT {FILE_COLUMNS} FROM files WHERE review_id = ?1 ORDER BY name"
        ))?;
        let rows = st.query_map([review], file_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// One file.
    pub fn file(&self, id: i64) -> Result<Option<StoredFile>, StoreError> {
        Ok(self
            .db
            .query_row(
                &format!("SELECT {FILE_COLUMNS} FROM files WHERE id = ?1"),
                [id],
                file_row,
            )
            .optional()?)
    }

    /// Files whose analysis was queued or running (after a restart: to queue again).
    pub fn pending(&self) -> Result<Vec<i64>, StoreError> {
        let mut st = self
            .db
            .prepare("SELECT id FROM files WHERE state != 'done' ORDER BY id")?;
        let rows = st.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Files of a review not yet analysed.
    pub fn pending_in(&self, review: i64) -> Result<usize, StoreError> {
        let n: i64 = self.db.query_row(
            "SELECT COUNT(*) FROM files WHERE review_id = ?1 AND state != 'done'",
            [review],
            |r| r.get(0),
        )?;
        Ok(usize::try_from(n).unwrap_or(0))
    }

    /// Sets a file's state, when it still holds the bytes `sha256` (a newer upload wins).
    pub fn set_state(&self, id: i64, sha256: &str, state: FileState) -> Result<(), StoreError> {
        self.db.execute(
            "UPDATE files SET state = ?1 WHERE id = ?2 AND sha256 = ?3",
            params![state.as_str(), id, sha256],
        )?;
        Ok(())
    }

    /// Stores a file's analysis: its report and its located text. Ignored when the file was
    /// replaced by a newer upload meanwhile.
    pub fn set_analysis(
        &self,
        id: i64,
        sha256: &str,
        report: &DocumentReport,
        blocks: &[Block],
    ) -> Result<(), StoreError> {
        let report =
            serde_json::to_string(report).map_err(|e| StoreError::Decode(e.to_string()))?;
        let blocks =
            serde_json::to_string(blocks).map_err(|e| StoreError::Decode(e.to_string()))?;
        self.db.execute(
            "UPDATE files SET state = 'done', report = ?1, blocks = ?2 WHERE id = ?3 AND sha256 = ?4",
            params![report, blocks, id, sha256],
        )?;
        Ok(())
    }

    /// The reports of a review's analysed files, by name.
    pub fn reports(&self, review: i64) -> Result<Vec<(i64, DocumentReport)>, StoreError> {
        let mut st = self.db.prepare(
            "SELECT id, report FROM files WHERE review_id = ?1 AND state = 'done' AND report IS NOT NULL ORDER BY name",
        )?;
        let rows = st.query_map([review], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, json) = row?;
            let report: DocumentReport =
                serde_json::from_str(&json).map_err(|e| StoreError::Decode(e.to_string()))?;
            out.push((id, report));
        }
        Ok(out)
    }

    /// One file's report and located text, when analysed.
    pub fn analysis(&self, id: i64) -> Result<Option<(DocumentReport, Vec<Block>)>, StoreError> {
        let row: Option<(Option<String>, Option<String>)> = self
            .db
            .query_row(
                "SELECT report, blocks FROM files WHERE id = ?1 AND state = 'done'",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some((Some(report), blocks)) = row else {
            return Ok(None);
        };
        let report: DocumentReport =
            serde_json::from_str(&report).map_err(|e| StoreError::Decode(e.to_string()))?;
        let blocks: Vec<Block> = match blocks {
            Some(b) => serde_json::from_str(&b).map_err(|e| StoreError::Decode(e.to_string()))?,
            None => Vec::new(),
        };
        Ok(Some((report, blocks)))
    }

    /// Records a decision, replacing any earlier one on the same document and rule.
    pub fn put_decision(&self, review: i64, d: &NewDecision<'_>) -> Result<i64, StoreError> {
        self.db.execute(
            "INSERT INTO decisions (review_id, document, sha256, rule, decision, reason, decided_by, expires)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT (review_id, document, rule) DO UPDATE SET sha256 = excluded.sha256,
                 decision = excluded.decision, reason = excluded.reason,
                 decided_by = excluded.decided_by, expires = excluded.expires,
                 decided = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')",
            params![
                review,
                d.document,
                d.sha256,
                d.rule,
                d.decision,
                d.reason,
                d.decided_by,
                d.expires
            ],
        )?;
        Ok(self.db.query_row(
            "SELECT id FROM decisions WHERE review_id = ?1 AND document = ?2 AND rule = ?3",
            params![review, d.document, d.rule],
            |r| r.get(0),
        )?)
    }

    /// The decisions of a review, by document and rule.
    pub fn decisions(&self, review: i64) -> Result<Vec<Decision>, StoreError> {
        let mut st = self.db.prepare(&format!(
            "SELECT {DECISION_COLUMNS} FROM decisions WHERE review_id = ?1 ORDER BY document, rule"
        ))?;
        let rows = st.query_map([review], decision_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Deletes a decision of a review; false when there was none.
    pub fn delete_decision(&self, review: i64, id: i64) -> Result<bool, StoreError> {
        Ok(self.db.execute(
            "DELETE FROM decisions WHERE review_id = ?1 AND id = ?2",
            params![review, id],
        )? > 0)
    }
}

fn review_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Review> {
    Ok(Review {
        id: r.get(0)?,
        name: r.get(1)?,
        doc_type: r.get(2)?,
        register_name: r.get(3)?,
        created: r.get(4)?,
        files: r.get::<_, i64>(5)?.try_into().unwrap_or(0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_upload_of_the_same_name_replaces_the_file_and_queues_it() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let r = store.create_review("Tender", "tender", None).unwrap();
        let a = store.put_file(r, "bid.txt", "aa", 3).unwrap();
        store.set_state(a, "aa", FileState::Done).unwrap();
        let b = store.put_file(r, "bid.txt", "bb", 4).unwrap();
        assert_eq!(a, b);
        let f = store.file(a).unwrap().unwrap();
        assert_eq!(
            (f.sha256.as_str(), f.size, f.state),
            ("bb", 4, FileState::Queued)
        );
        // A late result for the old bytes is ignored.
        store.set_state(a, "aa", FileState::Done).unwrap();
        assert_eq!(store.file(a).unwrap().unwrap().state, FileState::Queued);
        assert_eq!(store.pending().unwrap(), vec![a]);
        assert_eq!(store.review_bytes(r).unwrap(), 4);
    }
}
