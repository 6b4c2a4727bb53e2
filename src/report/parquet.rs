//! The Parquet report (`scan --format parquet -o DIR`): the [`tables`](super::tables) as one
//! Parquet file each, `DIR/documents/PART.parquet`, `DIR/verdicts/PART.parquet` and
//! `DIR/features/PART.parquet`, so that `DIR/verdicts` is a dataset that pandas, pyarrow, DuckDB
//! and Spark read whole, however many runs or shards wrote parts into it.
//!
//! Rows are written as they come, a row group at a time ([`ROW_GROUP_ROWS`]), so memory does not
//! grow with the number of documents. Each part is written under a name starting with `_` (which
//! those readers skip) and renamed when complete: a run that is stopped leaves no half-written
//! part to break a reader. Columns are snappy-compressed, as Spark writes them.
//!
//! [`document_hashes`] reads back the `sha256` column of every `documents` part under a folder
//! (this writer's or the Spark job's, partitioned by `doc_type`), for `--skip-known`.
//!
//! The schema is documented column by column in `docs/parquet.md`.

use std::collections::HashSet;
use std::fs::File;
use std::io::BufWriter;
use std::marker::PhantomData;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use parquet::basic::{Compression, LogicalType, Repetition, Type as PhysicalType};
use parquet::data_type::{BoolType, ByteArray, ByteArrayType, Int64Type};
use parquet::file::properties::WriterProperties;
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::file::writer::SerializedFileWriter;
use parquet::record::RowAccessor;
use parquet::schema::types::Type;

use super::tables::{Cell, DocumentRow, FeatureRow, Kind, Row, Rows, Tiers, VerdictRow};
use crate::model::DocumentReport;

/// Rows buffered per table before they are written as one row group.
pub const ROW_GROUP_ROWS: usize = 16 * 1024;

/// A Parquet table that could not be written or read.
#[derive(Debug, thiserror::Error)]
pub enum TableError {
    /// A folder or file could not be created, renamed or listed.
    #[error("could not write {}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The Parquet library refused to write.
    #[error("could not write the Parquet table {}: {source}", path.display())]
    Write {
        /// The part being written.
        path: PathBuf,
        /// Why.
        source: parquet::errors::ParquetError,
    },
    /// A results file could not be read back.
    #[error(
        "could not read the Parquet results {}: {reason}; give the folder `scan --format parquet -o` or the Spark job wrote",
        path.display()
    )]
    Read {
        /// The file or folder.
        path: PathBuf,
        /// Why.
        reason: String,
    },
}

/// Writes documents' reports as the three tables.
pub struct ParquetWriter {
    documents: TableWriter<DocumentRow>,
    verdicts: TableWriter<VerdictRow>,
    features: TableWriter<FeatureRow>,
    tiers: Tiers,
    library_version: String,
}

impl std::fmt::Debug for ParquetWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ParquetWriter")
            .field("documents", &self.documents.done)
            .finish_non_exhaustive()
    }
}

/// What a finished [`ParquetWriter`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// The three parts, in the order documents, verdicts, features.
    pub files: [PathBuf; 3],
    /// Rows of each, in the same order.
    pub rows: [usize; 3],
}

impl ParquetWriter {
    /// Starts a part named `part` (`part-1-of-1`, `part-3-of-8`, ...) of each table under `dir`,
    /// creating the folders. A part of that name already there is not replaced: a number is
    /// added (`part-1-of-1.2`), so a later run adds to the dataset instead of overwriting it.
    pub fn create(
        dir: &Path,
        part: &str,
        tiers: Tiers,
        library_version: &str,
    ) -> Result<ParquetWriter, TableError> {
        let name = free_part_name(dir, part)?;
        Ok(ParquetWriter {
            documents: TableWriter::create(dir, &name)?,
            verdicts: TableWriter::create(dir, &name)?,
            features: TableWriter::create(dir, &name)?,
            tiers,
            library_version: library_version.into(),
        })
    }

    /// Adds one document's rows.
    pub fn document(&mut self, d: &DocumentReport) -> Result<(), TableError> {
        let rows = Rows::of(d, &self.tiers, &self.library_version);
        self.documents.push(&rows.documents)?;
        self.verdicts.push(&rows.verdicts)?;
        self.features.push(&rows.features)?;
        Ok(())
    }

    /// Writes what is buffered, closes the three parts and gives them their final names.
    pub fn finish(self) -> Result<Written, TableError> {
        let (d, dn) = self.documents.finish()?;
        let (v, vn) = self.verdicts.finish()?;
        let (f, fn_) = self.features.finish()?;
        Ok(Written {
            files: [d, v, f],
            rows: [dn, vn, fn_],
        })
    }
}

impl super::ReportWriter for ParquetWriter {
    fn document(&mut self, document: DocumentReport) -> std::io::Result<()> {
        ParquetWriter::document(self, &document).map_err(std::io::Error::other)
    }

    fn finish(self: Box<Self>, _tail: super::Tail) -> std::io::Result<()> {
        ParquetWriter::finish(*self)
            .map(|_| ())
            .map_err(std::io::Error::other)
    }
}

/// `part`, or `part.2`, `part.3`, ... : the first name no table under `dir` has a file of.
fn free_part_name(dir: &Path, part: &str) -> Result<String, TableError> {
    for n in 1u32.. {
        let name = if n == 1 {
            part.to_string()
        } else {
            format!("{part}.{n}")
        };
        let taken = [DocumentRow::TABLE, VerdictRow::TABLE, FeatureRow::TABLE]
            .iter()
            .any(|t| dir.join(t).join(format!("{name}.parquet")).exists());
        if !taken {
            return Ok(name);
        }
    }
    Err(TableError::Io {
        path: dir.to_path_buf(),
        source: std::io::Error::other("no free part name"),
    })
}

/// One table's part being written.
struct TableWriter<R: Row> {
    writer: SerializedFileWriter<BufWriter<File>>,
    /// Where it is written (`_NAME.parquet.tmp`), and its final name.
    temporary: PathBuf,
    path: PathBuf,
    buffers: Vec<Buffer>,
    buffered: usize,
    done: usize,
    row: PhantomData<R>,
}

impl<R: Row> TableWriter<R> {
    fn create(dir: &Path, name: &str) -> Result<TableWriter<R>, TableError> {
        let folder = dir.join(R::TABLE);
        std::fs::create_dir_all(&folder).map_err(|source| TableError::Io {
            path: folder.clone(),
            source,
        })?;
        let path = folder.join(format!("{name}.parquet"));
        let temporary = folder.join(format!("_{name}.parquet.tmp"));
        let file = File::create(&temporary).map_err(|source| TableError::Io {
            path: temporary.clone(),
            source,
        })?;
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_created_by(format!("aiassure {}", env!("CARGO_PKG_VERSION")))
            .build();
        let writer =
            SerializedFileWriter::new(BufWriter::new(file), Arc::new(schema::<R>()), props.into())
                .map_err(|source| TableError::Write {
                    path: path.clone(),
                    source,
                })?;
        Ok(TableWriter {
            writer,
            temporary,
            path,
            buffers: R::COLUMNS.iter().map(|c| Buffer::new(c.kind)).collect(),
            buffered: 0,
            done: 0,
            row: PhantomData,
        })
    }

    fn push(&mut self, rows: &[R]) -> Result<(), TableError> {
        for row in rows {
            for (buffer, cell) in self.buffers.iter_mut().zip(row.cells()) {
                buffer.push(cell);
            }
            self.buffered += 1;
        }
        if self.buffered >= ROW_GROUP_ROWS {
            self.flush()?;
        }
        Ok(())
    }

    /// Writes the buffered rows as one row group.
    fn flush(&mut self) -> Result<(), TableError> {
        if self.buffered == 0 {
            return Ok(());
        }
        let path = self.path.clone();
        let err = |source| TableError::Write {
            path: path.clone(),
            source,
        };
        let mut group = self.writer.next_row_group().map_err(err)?;
        for (buffer, column) in self.buffers.iter_mut().zip(R::COLUMNS) {
            let mut writer = group.next_column().map_err(err)?.ok_or_else(|| {
                err(parquet::errors::ParquetError::General(
                    "missing column".into(),
                ))
            })?;
            let nullable = column.nullable;
            match &*buffer {
                Buffer::Text(values, d) => {
                    writer
                        .typed::<ByteArrayType>()
                        .write_batch(values, nullable.then_some(d), None)
                }
                Buffer::Int(values, d) => {
                    writer
                        .typed::<Int64Type>()
                        .write_batch(values, nullable.then_some(d), None)
                }
                Buffer::Bool(values, d) => {
                    writer
                        .typed::<BoolType>()
                        .write_batch(values, nullable.then_some(d), None)
                }
            }
            .map_err(err)?;
            writer.close().map_err(err)?;
            buffer.clear();
        }
        group.close().map_err(err)?;
        self.done += self.buffered;
        self.buffered = 0;
        Ok(())
    }

    fn finish(mut self) -> Result<(PathBuf, usize), TableError> {
        self.flush()?;
        let path = self.path.clone();
        self.writer.close().map_err(|source| TableError::Write {
            path: path.clone(),
            source,
        })?;
        std::fs::rename(&self.temporary, &path).map_err(|source| TableError::Io {
            path: path.clone(),
            source,
        })?;
        Ok((path, self.done))
    }
}

/// A column's values buffered for the next row group, with their definition levels (1 = a
/// value, 0 = null; nulls have no value).
enum Buffer {
    Text(Vec<ByteArray>, Vec<i16>),
    Int(Vec<i64>, Vec<i16>),
    Bool(Vec<bool>, Vec<i16>),
}

impl Buffer {
    fn new(kind: Kind) -> Buffer {
        match kind {
            Kind::String => Buffer::Text(Vec::new(), Vec::new()),
            Kind::Int64 => Buffer::Int(Vec::new(), Vec::new()),
            Kind::Boolean => Buffer::Bool(Vec::new(), Vec::new()),
        }
    }

    /// Adds a cell; the tables' own test checks every cell fits its column's kind.
    fn push(&mut self, cell: Cell<'_>) {
        fn add<T>(values: &mut Vec<T>, defs: &mut Vec<i16>, v: Option<T>) {
            defs.push(i16::from(v.is_some()));
            values.extend(v);
        }
        match (self, cell) {
            (Buffer::Text(values, defs), Cell::Text(v)) => {
                add(values, defs, v.map(ByteArray::from))
            }
            (Buffer::Int(values, defs), Cell::Int(v)) => add(values, defs, v),
            (Buffer::Bool(values, defs), Cell::Bool(v)) => add(values, defs, v),
            (Buffer::Text(_, defs) | Buffer::Int(_, defs) | Buffer::Bool(_, defs), _) => {
                debug_assert!(false, "a cell of the wrong kind");
                defs.push(0);
            }
        }
    }

    fn clear(&mut self) {
        match self {
            Buffer::Text(v, d) => {
                v.clear();
                d.clear();
            }
            Buffer::Int(v, d) => {
                v.clear();
                d.clear();
            }
            Buffer::Bool(v, d) => {
                v.clear();
                d.clear();
            }
        }
    }
}

/// The Parquet schema of a table.
fn schema<R: Row>() -> Type {
    let fields = R::COLUMNS
        .iter()
        .map(|c| {
            let (physical, logical) = match c.kind {
                Kind::String => (PhysicalType::BYTE_ARRAY, Some(LogicalType::String)),
                Kind::Int64 => (PhysicalType::INT64, None),
                Kind::Boolean => (PhysicalType::BOOLEAN, None),
            };
            let repetition = if c.nullable {
                Repetition::OPTIONAL
            } else {
                Repetition::REQUIRED
            };
            Arc::new(
                Type::primitive_type_builder(c.name, physical)
                    .with_repetition(repetition)
                    .with_logical_type(logical)
                    .build()
                    .expect("the tables' columns are valid Parquet columns (tested)"),
            )
        })
        .collect();
    Type::group_type_builder(R::TABLE)
        .with_fields(fields)
        .build()
        .expect("the tables are valid Parquet groups (tested)")
}

/// The `sha256` of every document with results under `dir`: every `.parquet` file in
/// `dir/documents` (or in `dir` itself, when it is a `documents` table), in sub-folders too
/// (Spark's `doc_type=...` partitions). Files whose names start with `_` or `.` are skipped, as
/// Spark and pyarrow skip them. Empty hashes (files that could not be read at all) are left out.
pub fn document_hashes(dir: &Path) -> Result<HashSet<String>, TableError> {
    let table = dir.join(DocumentRow::TABLE);
    let root = if table.is_dir() {
        table
    } else {
        dir.to_path_buf()
    };
    let read_err = |path: &Path, reason: String| TableError::Read {
        path: path.to_path_buf(),
        reason,
    };
    let mut hashes = HashSet::new();
    let mut parts = 0usize;
    let walker = walkdir::WalkDir::new(&root)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            e.depth() == 0 || !e.file_name().to_string_lossy().starts_with(['_', '.'])
        });
    for entry in walker {
        let entry = entry.map_err(|e| read_err(&root, e.to_string()))?;
        if !entry.file_type().is_file() || entry.path().extension().is_none_or(|x| x != "parquet") {
            continue;
        }
        let path = entry.path();
        let reader =
            SerializedFileReader::try_from(path).map_err(|e| read_err(path, e.to_string()))?;
        let schema = reader.metadata().file_metadata().schema();
        let Some(column) = schema.get_fields().iter().find(|f| f.name() == "sha256") else {
            return Err(read_err(path, "it has no sha256 column".into()));
        };
        let projection = Type::group_type_builder(schema.name())
            .with_fields(vec![column.clone()])
            .build()
            .map_err(|e| read_err(path, e.to_string()))?;
        let rows = reader
            .get_row_iter(Some(projection))
            .map_err(|e| read_err(path, e.to_string()))?;
        for row in rows {
            let row = row.map_err(|e| read_err(path, e.to_string()))?;
            let hash = row
                .get_string(0)
                .map_err(|e| read_err(path, e.to_string()))?;
            if !hash.is_empty() {
                hashes.insert(hash.clone());
            }
        }
        parts += 1;
    }
    if parts == 0 {
        return Err(read_err(
            dir,
            "it holds no documents table (no .parquet file under documents/)".into(),
        ));
    }
    Ok(hashes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DocType, Format, Status};

    #[test]
    fn every_table_schema_builds() {
        for s in [
            schema::<DocumentRow>(),
            schema::<VerdictRow>(),
            schema::<FeatureRow>(),
        ] {
            assert!(!s.get_fields().is_empty());
        }
    }

    fn doc(path: &str, sha256: &str) -> DocumentReport {
        DocumentReport {
            path: path.into(),
            format: Format::Text,
            sha256: sha256.into(),
            doc_type: DocType::Unknown,
            status: Status::Unreadable,
            error: Some("no text".into()),
            pages: None,
            clauses: Vec::new(),
            ai_features: Vec::new(),
            ai_declaration: None,
            ocr: None,
            order_of_precedence: None,
        }
    }

    #[test]
    fn parts_are_added_not_replaced_and_hashes_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let mut first =
            ParquetWriter::create(dir.path(), "part-1-of-1", Tiers::new(), "1").unwrap();
        first.document(&doc("a.txt", "aa")).unwrap();
        first.document(&doc("b.txt", "")).unwrap();
        let written = first.finish().unwrap();
        assert_eq!(written.rows, [2, 0, 0]);
        assert!(written.files[0].ends_with("documents/part-1-of-1.parquet"));
        let mut second =
            ParquetWriter::create(dir.path(), "part-1-of-1", Tiers::new(), "1").unwrap();
        second.document(&doc("c.txt", "cc")).unwrap();
        let written = second.finish().unwrap();
        assert!(written.files[2].ends_with("features/part-1-of-1.2.parquet"));
        let hashes = document_hashes(dir.path()).unwrap();
        assert_eq!(hashes, HashSet::from(["aa".to_string(), "cc".to_string()]));
        // No temporary file is left behind.
        let names: Vec<_> = std::fs::read_dir(dir.path().join("documents"))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert!(names.iter().all(|n| !n.starts_with('_')), "{names:?}");
        // A folder without a documents table is an error that says so.
        let empty = tempfile::tempdir().unwrap();
        let err = document_hashes(empty.path()).unwrap_err().to_string();
        assert!(err.contains("no documents table"), "{err}");
    }
}
