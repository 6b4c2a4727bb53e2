//! aiassure checks supplier contracts and tender responses for AI assurance.
//!
//! Data flows one way, one module per job:
//!
//! ```text
//! discover ──► extract ──► segment ──► check ──► Report ──► report (text/json/markdown/html/csv/sarif)
//!                                        ▲          └─────► index (tantivy)
//!                                     library
//! ```
//!
//! [`scan`] runs the first four stages per file, in parallel, and sorts the results into a
//! [`model::Report`]. [`check`] is pure: it never reads files or starts threads. [`serve`] is the
//! local web page: it runs the same pipeline on uploaded files and renders the same reports.

pub mod check;
pub mod cli;
pub mod discover;
pub mod extract;
pub mod index;
pub mod library;
pub mod model;
pub mod redline;
pub mod report;
pub mod scan;
pub mod segment;
pub mod serve;
