//! The index folder: the tantivy files, a small `aiassure-index.json` naming the format and the
//! tantivy version that wrote them, and the lock a writing run holds.
//!
//! A writing run first takes an OS file lock (`aiassure-index.lock`, released by the OS if the
//! process dies), so a second run is refused at once instead of corrupting anything. It then
//! checks the format file: a folder written by another format or tantivy version is emptied and
//! rebuilt, with the reason returned for the user. The format file is written before tantivy
//! creates its files, so a run interrupted between the two leaves a folder that the next run
//! recognises and rebuilds.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tantivy::Index;
use tantivy::directory::error::LockError;
use tantivy::directory::{Directory, DirectoryLock, Lock, MmapDirectory};

use super::IndexError;
use super::schema::Fields;
use super::stem;

/// Version of the index layout (schema and entries). Bump it when either changes: older indexes
/// are then rebuilt.
pub const FORMAT: u32 = 1;

/// Name of the format file.
pub const META_FILE: &str = "aiassure-index.json";

/// Name of the lock file a writing run holds.
const LOCK_FILE: &str = "aiassure-index.lock";

/// Contents of the format file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Meta {
    /// [`FORMAT`].
    format: u32,
    /// The tantivy version that wrote the index.
    tantivy: String,
    /// The text tokenizer.
    tokenizer: String,
}

impl Meta {
    fn current() -> Meta {
        Meta {
            format: FORMAT,
            tantivy: tantivy_version(),
            tokenizer: super::schema::TOKENIZER.into(),
        }
    }
}

/// The tantivy version compiled in ("tantivy v0.27.0, index_format v7").
fn tantivy_version() -> String {
    tantivy::version_string().to_string()
}

fn io_error(path: &Path, source: std::io::Error) -> IndexError {
    IndexError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn read_meta(dir: &Path) -> Result<Option<Meta>, IndexError> {
    let path = dir.join(META_FILE);
    match std::fs::read(&path) {
        Ok(bytes) => Ok(serde_json::from_slice(&bytes).ok()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io_error(&path, e)),
    }
}

/// Writes the format file atomically (a temporary file renamed over it).
fn write_meta(dir: &Path) -> Result<(), IndexError> {
    let path = dir.join(META_FILE);
    let tmp = dir.join(format!("{META_FILE}.tmp"));
    let json = serde_json::to_vec_pretty(&Meta::current())
        .map_err(|e| io_error(&path, std::io::Error::other(e)))?;
    std::fs::write(&tmp, json).map_err(|e| io_error(&tmp, e))?;
    std::fs::rename(&tmp, &path).map_err(|e| io_error(&path, e))
}

/// Names in the folder other than the lock file (and, when `tmp` is false, the format file being
/// written by another run).
fn entries(dir: &Path, tmp: bool) -> Result<Vec<PathBuf>, IndexError> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).map_err(|e| io_error(dir, e))? {
        let e = e.map_err(|e| io_error(dir, e))?;
        let name = e.file_name();
        if name != LOCK_FILE && (tmp || name.to_string_lossy() != format!("{META_FILE}.tmp")) {
            out.push(e.path());
        }
    }
    Ok(out)
}

/// An index open for writing: the lock is held until this is dropped.
pub struct Opened {
    /// The tantivy index.
    pub index: Index,
    /// Its fields.
    pub fields: Fields,
    /// Why the index was rebuilt from scratch, if it was.
    pub rebuilt: Option<String>,
    /// Held for the life of the run.
    _lock: DirectoryLock,
}

/// Opens the index in `dir` for writing, creating it (and the folder) when absent.
pub fn open_for_writing(dir: &Path) -> Result<Opened, IndexError> {
    std::fs::create_dir_all(dir).map_err(|e| io_error(dir, e))?;
    if read_meta(dir)?.is_none() && !entries(dir, false)?.is_empty() {
        return Err(IndexError::NotAnIndex(dir.to_path_buf()));
    }
    let directory = MmapDirectory::open(dir)
        .map_err(|e| io_error(dir, std::io::Error::other(e.to_string())))?;
    let lock = directory
        .acquire_lock(&Lock {
            filepath: PathBuf::from(LOCK_FILE),
            is_blocking: false,
        })
        .map_err(|e| match e {
            LockError::LockBusy => IndexError::Busy(dir.to_path_buf()),
            LockError::IoError(io) => IndexError::Io {
                path: dir.join(LOCK_FILE),
                source: std::io::Error::new(io.kind(), io.to_string()),
            },
        })?;
    // Read again under the lock: another run may have finished meanwhile.
    let meta = read_meta(dir)?;
    let (schema, fields) = Fields::build();
    let mut rebuilt = None;
    let current = Meta::current();
    if let Some(found) = &meta {
        if *found == current {
            match Index::open_in_dir(dir) {
                Ok(index) if index.schema() == schema => {
                    stem::register(&index);
                    return Ok(Opened {
                        index,
                        fields,
                        rebuilt: None,
                        _lock: lock,
                    });
                }
                Ok(_) => {
                    rebuilt = Some("its layout does not match this version of aiassure".into())
                }
                Err(e) => rebuilt = Some(format!("it could not be opened ({e})")),
            }
        } else {
            rebuilt = Some(format!(
                "it was written by index format {} with {}, and this aiassure uses format {} with {}",
                found.format, found.tantivy, current.format, current.tantivy
            ));
        }
    }
    if meta.is_some() || !entries(dir, true)?.is_empty() {
        for path in entries(dir, true)? {
            let removed = if path.is_dir() {
                std::fs::remove_dir_all(&path)
            } else {
                std::fs::remove_file(&path)
            };
            removed.map_err(|e| io_error(&path, e))?;
        }
    }
    write_meta(dir)?;
    let index = Index::create_in_dir(dir, schema)?;
    stem::register(&index);
    Ok(Opened {
        index,
        fields,
        rebuilt,
        _lock: lock,
    })
}

/// Opens the index in `dir` for reading (searching, or reusing verdicts). Needs no lock: a reader
/// sees the last commit of a run that may be going on.
pub fn open_for_reading(dir: &Path) -> Result<(Index, Fields), IndexError> {
    let Some(meta) = read_meta(dir)? else {
        return Err(IndexError::Missing(dir.to_path_buf()));
    };
    let current = Meta::current();
    if meta != current {
        return Err(IndexError::Outdated {
            dir: dir.to_path_buf(),
            found: format!("format {} with {}", meta.format, meta.tantivy),
            current: format!("format {} with {}", current.format, current.tantivy),
        });
    }
    let (schema, fields) = Fields::build();
    let index = Index::open_in_dir(dir)?;
    if index.schema() != schema {
        return Err(IndexError::Outdated {
            dir: dir.to_path_buf(),
            found: "another layout".into(),
            current: format!("format {}", current.format),
        });
    }
    stem::register(&index);
    Ok((index, fields))
}
