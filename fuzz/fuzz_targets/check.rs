//! The checker on arbitrary text: read as Markdown (so headings, lists and tables vary), segmented
//! and checked against the built-in library, as a contract, a tender and detected.
#![no_main]

use std::sync::OnceLock;

use aiassure::check::{CheckOptions, check};
use aiassure::extract::{Limits, extract};
use aiassure::library::Library;
use aiassure::model::{DocType, Format};
use aiassure::segment::segment;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    static LIBRARY: OnceLock<Library> = OnceLock::new();
    let library = LIBRARY.get_or_init(Library::builtin);
    let Ok(extracted) = extract(Format::Markdown, data, &Limits::default()) else {
        return;
    };
    let doc = segment(extracted);
    let doc_type = match data.first().map(|b| b % 3) {
        Some(0) => Some(DocType::Contract),
        Some(1) => Some(DocType::Tender),
        _ => None,
    };
    let analysis = check(
        library,
        &doc,
        &CheckOptions {
            doc_type,
            register: None,
        },
    );
    // Every verdict quotes at most a few sentences, each of bounded length.
    for c in &analysis.clauses {
        assert!(c.evidence.len() <= 8);
        for e in &c.evidence {
            assert!(e.quote.chars().count() <= 2000);
        }
    }
});
