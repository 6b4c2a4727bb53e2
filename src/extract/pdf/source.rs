//! The loaded document as the text layer sees it: object lookup that follows references safely,
//! and stream decompression charged against the file's budget.

use std::cell::Cell;

use lopdf::{Dictionary, Document, Object, Stream};

use crate::extract::budget;
use crate::extract::{Limit, Limits};

/// Most references followed to reach one object (a longer chain is treated as missing).
const MAX_HOPS: usize = 32;

/// A document with its limits and the decompression budget spent so far.
pub struct Source<'a> {
    /// The parsed document.
    pub doc: &'a Document,
    /// Limits for this file.
    pub limits: &'a Limits,
    decompressed: Cell<u64>,
}

impl<'a> Source<'a> {
    /// A source over `doc` with nothing spent yet.
    pub fn new(doc: &'a Document, limits: &'a Limits) -> Self {
        Source {
            doc,
            limits,
            decompressed: Cell::new(0),
        }
    }

    /// Follows references from `obj` to a direct object; `None` when missing or cyclic.
    pub fn resolve(&self, obj: &'a Object) -> Option<&'a Object> {
        let mut cur = obj;
        for _ in 0..MAX_HOPS {
            match cur {
                Object::Reference(id) => cur = self.doc.objects.get(id)?,
                other => return Some(other),
            }
        }
        None
    }

    /// The value of `key` in `dict`, references followed.
    pub fn get(&self, dict: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
        self.resolve(dict.get(key).ok()?)
    }

    /// The dictionary under `key` in `dict` (a stream's dictionary counts).
    pub fn dict(&self, dict: &'a Dictionary, key: &[u8]) -> Option<&'a Dictionary> {
        match self.get(dict, key)? {
            Object::Dictionary(d) => Some(d),
            Object::Stream(s) => Some(&s.dict),
            _ => None,
        }
    }

    /// A number under `key` in `dict`.
    pub fn number(&self, dict: &'a Dictionary, key: &[u8]) -> Option<f32> {
        self.get(dict, key).and_then(number)
    }

    /// The decoded bytes of a stream, charged against the file's decompression budget (and
    /// decoded within the allowance the jobs share, [`crate::extract::budget`]).
    /// A stream that cannot be decoded reads as empty (the rest of the file is still read).
    pub fn stream_data(&self, stream: &Stream) -> Result<Vec<u8>, Limit> {
        let max = self.limits.max_decompressed_bytes;
        let decoded = budget::within(
            self.decompressed.get(),
            max,
            |allowed| stream.decompressed_content_with_limit(to_usize(allowed)),
            over_limit,
        );
        let data = match decoded {
            Ok(d) => d,
            Err(e) if over_limit(&e) => return Err(Limit::PdfDecompressed { max_bytes: max }),
            // Unfiltered streams and unsupported filters: use what is there if it fits.
            Err(_) if stream.filters().map_or(true, |f| f.is_empty()) => stream.content.clone(),
            Err(_) => Vec::new(),
        };
        let used = self.decompressed.get().saturating_add(data.len() as u64);
        if used > max {
            return Err(Limit::PdfDecompressed { max_bytes: max });
        }
        if budget::allowance(used, max) == 0 && used < max {
            // An unfiltered stream is taken as it is, whatever the allowance: past the mark, the
            // file goes on only with the heavy turn.
            budget::wait();
        }
        self.decompressed.set(used);
        Ok(data)
    }
}

/// Whether lopdf refused to decompress past the limit it was given.
pub fn over_limit(e: &lopdf::Error) -> bool {
    matches!(
        e,
        lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded { .. })
    )
}

/// A byte count as lopdf takes it.
pub fn to_usize(bytes: u64) -> usize {
    usize::try_from(bytes).unwrap_or(usize::MAX)
}

/// A finite number from an integer or real object, bounded to a sane magnitude.
pub fn number(obj: &Object) -> Option<f32> {
    match obj {
        Object::Integer(i) => in_range(*i as f32),
        Object::Real(r) => in_range(*r),
        _ => None,
    }
}

/// A number the reader uses: finite and below 10^9 in size (larger ones are damage or attack).
pub fn in_range(v: f32) -> Option<f32> {
    (v.is_finite() && v.abs() < 1.0e9).then_some(v)
}
