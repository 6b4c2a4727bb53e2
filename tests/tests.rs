//! The integration tests: one binary (ripgrep's layout), one module per area.
//!
//! - `common`: helpers (the repository root, the shared corpus, skipping or failing under CI).
//! - `cli`: runs the real `aiassure` binary in a temporary folder and checks output and exit codes;
//!   the README's limits table against the program's defaults.
//! - `evaluation`: clause verdicts on the labelled documents of `fixtures/eval/clauses` and the real corpus.
//! - `features`: AI features and disclosure on `fixtures/eval/features` (precision, recall) and the
//!   real contracts of the shared corpus.
//! - `pdf`: the PDF reader against real documents (CUAD text) and the robustness corpus.
//! - `hostile`: generated hostile files (bombs, cycles, nesting, odd encodings) and the robustness
//!   corpus through the binary: a status and reason for each, bounded time and memory.
//! - `security`: no network, no stray files, escaping in reports, custom libraries validated.
//! - `families`: contract families, waivers and baselines through the binary: JSON, exit code, SARIF.
//! - `extract`: snapshots of every extraction fixture, what is kept and left out, hostile input.
//! - `library`: the clause library's invariants and examples; `rules`, `explain`, `rules --check`.
//! - `index`: `aiassure index`, `search` and `scan --index` on small repositories in temporary
//!   folders; stored reports reused only under the same settings (library, register, limits).
//! - `questions`: `aiassure questions` on the example bids: the letters, DOCX read back and Markdown.
//! - `report`: every report format from one fixture report (snapshots), escaping, schema, redline.
//! - `serve`: `aiassure serve` on a random local port: uploads, progress, reports equal to `scan`'s,
//!   decisions across a restart, token, cookie and CSRF, upload limits, hostile names and text, and
//!   an officer's whole review in Chromium through chromedriver.
//! - `ocr`: scans of a contract of our own (200 and 300 dpi, rotated, noisy; image-only PDF, PNG,
//!   TIFF) read by Tesseract: word accuracy, verdicts equal to the source's, OCR marks, no Tesseract.
//! - `scale`: results as data and input in parts: `scan --format jsonl|parquet` (Parquet read back),
//!   `--files-from`, `--shard`, `--skip-known`, and `aiassure worker` (order, bad requests as data).
//! - `spark`: the Spark job of `deploy/spark/` in local mode on the shared corpus: the same verdicts
//!   as `scan`, tables read by pyarrow (needs Java, pyspark and pyarrow).
//! - `realworld`: the real development corpus (`../shared/corpus/realworld-dev`): clause passages,
//!   whole documents and product descriptions, with floors that ratchet up as the checker improves.
//!
//! Tests that read the shared corpus (`../shared/corpus`, or `$AIASSURE_CORPUS`) or the shared spec
//! (`../shared/spec`, or `$AIASSURE_SPEC`), both only through the helpers in `common`, or need a
//! tool (chromium, LibreOffice, pdftotext, strace, Tesseract, Java with pyspark) skip with a
//! message when it is absent; under CI (`CI=true`) they fail instead (`common` tests that rule
//! itself).

#![allow(clippy::print_stdout, clippy::print_stderr)] // tests print their measurements

mod cli;
mod common;
mod evaluation;
mod extract;
mod families;
mod features;
mod hostile;
mod index;
mod library;
mod ocr;
mod pdf;
mod questions;
mod realworld;
mod report;
mod scale;
mod security;
mod serve;
mod spark;
