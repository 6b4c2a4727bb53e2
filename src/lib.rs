//! aiassure checks supplier contracts and tender responses for AI assurance.
//!
//! Data flows one way, one module per job:
//!
//! ```text
//! discover ──► extract ──► segment ──► check ──► [family ► waiver ► baseline] ──► Report ──► report (text/json/...)
//!                                        ▲                                              └─────► index (tantivy)
//!                                     library
//! ```
//!
//! [`scan`] runs the first four stages per file, in parallel, and sorts the results into a
//! [`model::Report`]. [`check`] is pure: it never reads files or starts threads. [`serve`] is the
//! local web page: it runs the same pipeline on uploaded files and renders the same reports.
//!
//! Between check and report, three optional steps keep the judgement as a legal team keeps
//! contracts: [`family`] judges the documents of one contract (agreement, DPA, schedules) as one,
//! [`waiver`] marks gaps accepted on purpose, pinned to the exact file, and [`baseline`] marks
//! what changed since an earlier report.
//!
//! For registers too large for one run, [`select`] picks this run's files (a manifest, one shard
//! of N, only files without results yet) before discovery's list reaches [`scan`], and
//! [`worker`] answers requests one JSON line at a time for Spark or Ray (`docs/scale-out.md`).

pub mod baseline;
pub mod check;
pub mod cli;
pub mod discover;
pub mod extract;
pub mod family;
pub mod index;
pub mod library;
pub mod model;
pub mod redline;
pub mod report;
pub mod scan;
pub mod segment;
pub mod select;
pub mod serve;
pub mod sink;
pub mod waiver;
pub mod worker;
