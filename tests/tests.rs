//! The integration tests: one binary (ripgrep's layout), one module per area.
//!
//! - `cli`: runs the real `aiassure` binary in a temporary folder and checks output and exit codes.
//! - `extract`: snapshots of every extraction fixture, what is kept and left out, hostile input.
//! - `index`: `aiassure index`, `search` and `scan --index` on small repositories in temporary folders.
//! - `report`: every report format from one fixture report (snapshots), escaping, schema, redline.
//!
//! Tests that read the shared corpus (`../shared/corpus`, or `$AIASSURE_CORPUS`) skip with a
//! message when it is absent.

#![allow(clippy::print_stdout, clippy::print_stderr)] // tests print their measurements

mod cli;
mod common;
mod extract;
mod features;
mod index;
mod pdf;
mod report;
