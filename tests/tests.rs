//! The integration tests: one binary (ripgrep's layout), one module per area.
//!
//! - `cli`: runs the real `aiassure` binary in a temporary folder and checks output and exit codes.
//!
//! Tests that read the shared corpus (`../shared/corpus`, or `$AIASSURE_CORPUS`) skip with a
//! message when it is absent.

#![allow(clippy::print_stdout, clippy::print_stderr)] // tests print their measurements

mod cli;
mod common;
mod library;
