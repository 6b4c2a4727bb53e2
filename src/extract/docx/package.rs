//! The DOCX package: a zip of XML parts. Tells apart what is not a DOCX at all (a password-protected
//! file, an old Word .doc, a PDF), counts entries, and reads parts without trusting their declared
//! sizes, against one decompression budget for the whole package (zip bombs).

use std::io::{Cursor, Read};

use zip::ZipArchive;
use zip::result::ZipError;

use super::xml::{Node, XmlReader, attr, local};
use crate::extract::budget;
use crate::extract::{Damaged, ExtractError, Limit, Limits, Misnamed, Unreadable};

/// Most entries accepted in one package; a real DOCX has a few dozen.
pub(super) const MAX_ENTRIES: usize = 10_000;

/// Magic number of an OLE compound file (password-protected OOXML, Word 97-2003 .doc).
const CFB_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// An open package with its remaining decompression budget.
pub(super) struct Package<'a> {
    zip: ZipArchive<Cursor<&'a [u8]>>,
    names: Vec<String>,
    remaining: u64,
    limit: u64,
    /// The package is read within the shared allowance while it is open.
    _file: budget::Scope,
}

/// Says what a file that is not a zip package is.
fn not_a_package(bytes: &[u8]) -> ExtractError {
    if bytes.is_empty() {
        return Unreadable::Empty.into();
    }
    if bytes.starts_with(&CFB_MAGIC) {
        if contains_utf16(bytes, "EncryptedPackage") || contains_utf16(bytes, "EncryptionInfo") {
            return Unreadable::OfficePassword.into();
        }
        if contains_utf16(bytes, "WordDocument") {
            return Unreadable::from(Misnamed::Word97).into();
        }
        return Unreadable::from(Misnamed::Ole).into();
    }
    if bytes.starts_with(b"%PDF") {
        return Unreadable::from(Misnamed::Pdf).into();
    }
    if bytes.starts_with(b"{\\rtf") {
        return Unreadable::from(Misnamed::Rtf).into();
    }
    let head = bytes.get(..bytes.len().min(512)).unwrap_or_default();
    if String::from_utf8_lossy(head).contains("<?mso-application") {
        return Unreadable::from(Misnamed::Word2003Xml).into();
    }
    Damaged::NotZip.into()
}

fn contains_utf16(bytes: &[u8], needle: &str) -> bool {
    let pattern: Vec<u8> = needle.encode_utf16().flat_map(u16::to_le_bytes).collect();
    bytes
        .windows(pattern.len())
        .any(|w| w == pattern.as_slice())
}

/// Number of entries the end-of-central-directory record declares, read before the zip library
/// allocates anything for them. `None` when the record is not found (the zip library then says why).
fn declared_entries(bytes: &[u8]) -> Option<u64> {
    let tail_start = bytes.len().saturating_sub(65_557);
    let tail = bytes.get(tail_start..)?;
    let pos = tail
        .windows(4)
        .rposition(|w| w == [0x50, 0x4B, 0x05, 0x06])?;
    let rec = tail.get(pos..pos + 22)?;
    let total = u16::from_le_bytes([*rec.get(10)?, *rec.get(11)?]);
    Some(u64::from(total))
}

fn damaged(e: &ZipError) -> ExtractError {
    match e {
        ZipError::UnsupportedArchive(m) if m.contains("assword") => Unreadable::ZipPassword.into(),
        ZipError::UnsupportedArchive(_) | ZipError::CompressionMethodNotSupported(_) => {
            Unreadable::ZipFeature {
                detail: e.to_string(),
            }
            .into()
        }
        _ => Damaged::Zip {
            detail: e.to_string(),
        }
        .into(),
    }
}

impl<'a> Package<'a> {
    /// The zip archive itself (to copy parts unchanged when writing an amended package).
    pub(super) fn zip(&mut self) -> &mut ZipArchive<Cursor<&'a [u8]>> {
        &mut self.zip
    }

    /// Opens a package, refusing what is not one and packages with too many entries.
    pub(super) fn open(bytes: &'a [u8], limits: &Limits) -> Result<Self, ExtractError> {
        if !bytes.starts_with(b"PK") {
            return Err(not_a_package(bytes));
        }
        if let Some(n) = declared_entries(bytes)
            && n > MAX_ENTRIES as u64
            && n != u64::from(u16::MAX)
        {
            return Err(too_many_entries(n));
        }
        let zip = ZipArchive::new(Cursor::new(bytes)).map_err(|e| damaged(&e))?;
        if zip.len() > MAX_ENTRIES {
            return Err(too_many_entries(zip.len() as u64));
        }
        let names = zip.file_names().map(str::to_string).collect();
        Ok(Package {
            zip,
            names,
            remaining: limits.max_decompressed_bytes,
            limit: limits.max_decompressed_bytes,
            _file: budget::Scope::enter(),
        })
    }

    /// Reads one part by name (case-insensitive, leading `/` ignored), or `None` when absent. The
    /// bytes read count against the package's decompression budget, whatever size the entry claims.
    pub(super) fn read(&mut self, name: &str) -> Result<Option<Vec<u8>>, ExtractError> {
        let want = name.trim_start_matches('/');
        let Some(index) = self
            .names
            .iter()
            .position(|n| n.trim_start_matches('/').eq_ignore_ascii_case(want))
            .and_then(|i| self.zip.index_for_name(self.names.get(i)?))
        else {
            return Ok(None);
        };
        let file = self.zip.by_index(index).map_err(|e| damaged(&e))?;
        // A part that declares more than the budget left is refused before anything is
        // inflated; one that declares less is still read only up to the budget (declared sizes
        // can lie), so memory stays within the limit either way.
        if file.size() > self.remaining {
            return Err(over_budget(self.limit));
        }
        let mut out = Vec::with_capacity(usize::try_from(file.size()).unwrap_or(0).min(1 << 24));
        let broken = |e: std::io::Error| Damaged::Part {
            part: want.to_string(),
            detail: e.to_string(),
        };
        // Read one byte past the budget to see it exceeded; past the shared allowance's light
        // mark, only with the heavy turn ([`crate::extract::budget`]).
        let cap = self.remaining.saturating_add(1);
        let light = budget::allowance(self.limit - self.remaining, self.limit).min(cap);
        let mut part = file.take(light);
        part.read_to_end(&mut out).map_err(broken)?;
        if out.len() as u64 == light && light < cap {
            budget::wait();
            part.into_inner()
                .take(cap - light)
                .read_to_end(&mut out)
                .map_err(broken)?;
        }
        let used = out.len() as u64;
        if used > self.remaining {
            return Err(over_budget(self.limit));
        }
        self.remaining -= used;
        Ok(Some(out))
    }

    /// Relationships of a part: (type's last segment, target resolved to a part name), from the
    /// part's `_rels/NAME.rels`; external targets are left out.
    pub(super) fn relationships(
        &mut self,
        part: &str,
        limits: &Limits,
    ) -> Result<Vec<(String, String)>, ExtractError> {
        let (dir, file) = match part.rfind('/') {
            Some(i) => (
                part.get(..i).unwrap_or_default(),
                part.get(i + 1..).unwrap_or_default(),
            ),
            None => ("", part),
        };
        let rels_name = if dir.is_empty() {
            format!("_rels/{file}.rels")
        } else {
            format!("{dir}/_rels/{file}.rels")
        };
        let Some(xml) = self.read(&rels_name)? else {
            return Ok(Vec::new());
        };
        let mut reader = XmlReader::new(&xml, &rels_name, limits.max_xml_depth);
        let mut out = Vec::new();
        loop {
            match reader.next()? {
                Node::Open(e, _) | Node::Empty(e)
                    if local(e.name().as_ref()) == b"Relationship" =>
                {
                    if attr(&e, b"TargetMode").is_some_and(|m| m.eq_ignore_ascii_case("External")) {
                        continue;
                    }
                    let (Some(kind), Some(target)) = (attr(&e, b"Type"), attr(&e, b"Target"))
                    else {
                        continue;
                    };
                    let kind = kind.rsplit('/').next().unwrap_or_default().to_string();
                    out.push((kind, resolve(dir, &target)));
                }
                Node::Eof => return Ok(out),
                _ => {}
            }
        }
    }
}

/// The error of a package whose parts expand beyond the decompression limit (in bytes).
fn over_budget(limit: u64) -> ExtractError {
    Limit::DocxDecompressed { max_bytes: limit }.into()
}

/// The error of a package with more entries than [`MAX_ENTRIES`].
fn too_many_entries(entries: u64) -> ExtractError {
    Limit::ZipEntries {
        entries,
        max: MAX_ENTRIES as u64,
    }
    .into()
}

/// Resolves a relationship target against the folder of its source part.
fn resolve(dir: &str, target: &str) -> String {
    let mut parts: Vec<&str> = if target.starts_with('/') {
        Vec::new()
    } else {
        dir.split('/').filter(|s| !s.is_empty()).collect()
    };
    for seg in target.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_resolve_like_paths() {
        assert_eq!(resolve("word", "styles.xml"), "word/styles.xml");
        assert_eq!(resolve("word", "/word/x.xml"), "word/x.xml");
        assert_eq!(resolve("word/sub", "../a.xml"), "word/a.xml");
        assert_eq!(resolve("", "word/document.xml"), "word/document.xml");
    }

    #[test]
    fn what_is_not_a_package_is_named() {
        let unreadable = |e: ExtractError| match e {
            ExtractError::Unreadable(u) => Some(u),
            _ => None,
        };
        let mut cfb = CFB_MAGIC.to_vec();
        cfb.extend("EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(
            unreadable(not_a_package(&cfb)),
            Some(Unreadable::OfficePassword)
        );
        let mut doc = CFB_MAGIC.to_vec();
        doc.extend("WordDocument".encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(
            unreadable(not_a_package(&doc)),
            Some(Unreadable::Misnamed(Misnamed::Word97))
        );
        assert_eq!(
            not_a_package(b"hello"),
            ExtractError::Damaged(Damaged::NotZip)
        );
        assert_eq!(unreadable(not_a_package(b"")), Some(Unreadable::Empty));
    }
}
