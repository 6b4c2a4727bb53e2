//! The text, Markdown and HTML readers (with encoding detection) on arbitrary bytes; the first
//! byte chooses the format.
#![no_main]

use aiassure::extract::{Limits, extract};
use aiassure::model::Format;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let format = match first % 3 {
        0 => Format::Text,
        1 => Format::Markdown,
        _ => Format::Html,
    };
    let _ = extract(format, rest, &Limits::default());
});
