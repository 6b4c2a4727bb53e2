//! The DOCX package: a zip of XML parts. Tells apart what is not a DOCX at all (a password-protected
//! file, an old Word .doc, a PDF), counts entries, and reads parts without trusting their declared
//! sizes, against one decompression budget for the whole package (zip bombs).

use std::io::{Cursor, Read};

use zip::ZipArchive;
use zip::result::ZipError;

use super::xml::{Node, XmlReader, attr, local};
use crate::extract::{ExtractError, Limits};

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
}

/// Says what a file that is not a zip package is, in plain English.
fn not_a_package(bytes: &[u8]) -> ExtractError {
    if bytes.is_empty() {
        return ExtractError::Unreadable(crate::extract::EMPTY_FILE.into());
    }
    if bytes.starts_with(&CFB_MAGIC) {
        if contains_utf16(bytes, "EncryptedPackage") || contains_utf16(bytes, "EncryptionInfo") {
            return ExtractError::Unreadable(
                "encrypted: this document is password-protected; ask the supplier for an \
                 unprotected copy (or open it in Word with the password and save it without one)"
                    .into(),
            );
        }
        if contains_utf16(bytes, "WordDocument") {
            return ExtractError::Unreadable(
                "this is an old Word 97-2003 document (.doc) with a .docx name; open it in Word or \
                 LibreOffice and save it as .docx"
                    .into(),
            );
        }
        return ExtractError::Unreadable(
            "this is an OLE compound file (an older Office format), not a .docx; open it in its \
             program and save it as .docx"
                .into(),
        );
    }
    if bytes.starts_with(b"%PDF") {
        return ExtractError::Unreadable(
            "this is a PDF file with a .docx name; rename it to .pdf".into(),
        );
    }
    if bytes.starts_with(b"{\\rtf") {
        return ExtractError::Unreadable(
            "this is an RTF document with a .docx name; open it in Word or LibreOffice and save it \
             as .docx"
                .into(),
        );
    }
    let head = bytes.get(..bytes.len().min(512)).unwrap_or_default();
    if String::from_utf8_lossy(head).contains("<?mso-application") {
        return ExtractError::Unreadable(
            "this is a Word 2003 XML document with a .docx name; open it in Word or LibreOffice \
             and save it as .docx"
                .into(),
        );
    }
    ExtractError::Failed(
        "not a DOCX file: it is not a zip package (it may be damaged, or another format with a \
         .docx name); open it in Word or LibreOffice and save it as .docx, or ask the supplier for \
         a new copy"
            .into(),
    )
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
        ZipError::UnsupportedArchive(m) if m.contains("assword") => ExtractError::Unreadable(
            "encrypted: the package is protected with a password; ask for an unprotected copy"
                .into(),
        ),
        ZipError::UnsupportedArchive(_) | ZipError::CompressionMethodNotSupported(_) => {
            ExtractError::Unreadable(format!(
                "the package uses a zip feature this tool does not read ({e}); open it in Word \
                 or LibreOffice and save a new copy"
            ))
        }
        _ => ExtractError::Failed(format!(
            "the file is damaged or incomplete: its zip package cannot be read ({e}); ask for a \
             new copy"
        )),
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
        file.take(self.remaining.saturating_add(1))
            .read_to_end(&mut out)
            .map_err(|e| {
                ExtractError::Failed(format!(
                    "the file is damaged: the part {want} cannot be decompressed ({e}); ask for a \
                     new copy"
                ))
            })?;
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

/// The message for a package whose parts expand beyond the decompression limit (in bytes).
fn over_budget(limit: u64) -> ExtractError {
    ExtractError::Failed(format!(
        "the document's parts decompress to more than the limit of {} MB (a sign of a zip bomb); \
         raise it with --max-decompressed-mb if the file is genuine",
        limit / (1024 * 1024)
    ))
}

fn too_many_entries(n: u64) -> ExtractError {
    ExtractError::Failed(format!(
        "the package holds {n} entries, over the limit of {MAX_ENTRIES} (a sign of a malicious \
         file, as a real DOCX has a few dozen); ask the supplier for a new copy"
    ))
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
        let mut cfb = CFB_MAGIC.to_vec();
        cfb.extend("EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes));
        assert!(
            matches!(not_a_package(&cfb), ExtractError::Unreadable(m) if m.starts_with("encrypted"))
        );
        let mut doc = CFB_MAGIC.to_vec();
        doc.extend("WordDocument".encode_utf16().flat_map(u16::to_le_bytes));
        assert!(
            matches!(not_a_package(&doc), ExtractError::Unreadable(m) if m.contains("97-2003"))
        );
        assert!(
            matches!(not_a_package(b"hello"), ExtractError::Failed(m) if m.contains("not a zip"))
        );
        assert!(matches!(not_a_package(b""), ExtractError::Unreadable(m) if m.contains("empty")));
    }
}
