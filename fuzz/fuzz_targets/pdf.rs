//! The PDF reader on arbitrary bytes: it must return text or a reason, never panic, hang or run
//! out of memory. Limits are lowered so that one input stays cheap.
#![no_main]

use aiassure::extract::{Limits, extract};
use aiassure::model::Format;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = Limits {
        max_decompressed_bytes: 16 * 1024 * 1024,
        ..Limits::default()
    };
    let _ = extract(Format::Pdf, data, &limits);
});
