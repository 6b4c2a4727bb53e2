//! The long-lived worker (`aiassure worker`): requests in as JSON lines, one line of results out
//! per request, in order, for Spark, Ray or any program that keeps a process per core.
//!
//! A request is `{"path": "..."}` (a file the worker can read) or `{"name": "...", "bytes_b64":
//! "..."}` (the file's bytes, base64, reported under `name`, whose extension gives the format).
//! The answer is the document's object of the JSON report, as `scan --format jsonl` writes it;
//! with [`Emit::Rows`], its rows of the three tables instead ([`crate::report::tables`]).
//!
//! Every request gets exactly one line, so the caller pairs answers with requests by position.
//! A request that is not valid (not JSON, no path, bad base64, too large, a folder) is answered
//! by a document with status `error` saying why, and the worker goes on: one bad request never
//! costs the others. The library and its vocabulary are compiled once, when the worker starts
//! (by the caller, who builds the [`ScanOptions`]); each request then costs only its own
//! reading and checking. Requests are handled one at a time: run one worker per core.

use std::io::{self, BufRead, Write};
use std::path::PathBuf;

use base64::Engine;
use serde::Deserialize;

use crate::discover::{self, UNSUPPORTED_TYPE};
use crate::model::{DocumentReport, Format, Status};
use crate::report::jsonl;
use crate::report::tables::{Rows, Tiers};
use crate::scan::{self, ScanOptions};

/// What the worker writes for each request (the values of `worker --emit`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Emit {
    /// The document's object of the JSON report (as `scan --format jsonl` writes it).
    Documents,
    /// The document's rows of the tables documents, verdicts and features (docs/parquet.md), as
    /// `{"documents": [...], "verdicts": [...], "features": [...]}`.
    Rows,
}

/// A request as sent.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Request {
    path: Option<String>,
    name: Option<String>,
    bytes_b64: Option<String>,
}

/// What a worker has done.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Served {
    /// Requests answered.
    pub requests: usize,
    /// Requests that were not valid (answered with status `error`).
    pub invalid: usize,
}

/// A worker: the scan options, compiled once, and what to write.
#[derive(Debug)]
pub struct Worker<'a> {
    /// How files are read and checked.
    pub options: ScanOptions<'a>,
    /// What to write per request.
    pub emit: Emit,
    /// Each rule's tier, for [`Emit::Rows`].
    pub tiers: Tiers,
}

impl Worker<'_> {
    /// Answers every request of `input` on `output`, one line each, flushing after each so a
    /// caller reading answers as it sends requests never waits. Blank lines are not requests.
    /// Stops at the end of `input`, or when `output` fails (the caller has gone).
    pub fn run(&self, input: &mut dyn BufRead, output: &mut dyn Write) -> io::Result<Served> {
        let mut served = Served::default();
        // A request carries a file's bytes in base64: 4 characters per 3 bytes, and room for
        // the JSON around them.
        let longest = self.options.limits.max_file_bytes.saturating_mul(4) / 3 + 64 * 1024;
        let mut line = Vec::new();
        loop {
            line.clear();
            let read = read_line(input, &mut line, longest)?;
            if read == Line::End {
                break;
            }
            if read == Line::Complete && line.trim_ascii().is_empty() {
                continue;
            }
            served.requests += 1;
            let answer = match read {
                Line::TooLong => Err(format!(
                    "the request is longer than the file-size limit allows ({} MB of file); \
                     raise --max-file-mb or send the file's path instead",
                    self.options.limits.max_file_bytes / (1024 * 1024)
                )),
                _ => self.answer(&line),
            };
            let document = answer.unwrap_or_else(|reason| {
                served.invalid += 1;
                scan::not_analysed(
                    format!("request {}", served.requests),
                    Status::Error,
                    format!("request {} is not valid: {reason}", served.requests),
                )
            });
            self.write(output, &document)?;
            output.flush()?;
        }
        Ok(served)
    }

    /// The document a request asks for, or why the request is not valid.
    fn answer(&self, line: &[u8]) -> Result<DocumentReport, String> {
        let request: Request = serde_json::from_slice(line).map_err(|e| {
            format!(
                "{e}; send one JSON object per line, {{\"path\": ...}} or {{\"name\": ..., \"bytes_b64\": ...}}"
            )
        })?;
        match request {
            Request {
                bytes_b64: Some(b64),
                name,
                path,
            } => {
                let name = name.or(path).ok_or(
                    "a request with \"bytes_b64\" needs a \"name\" (its extension gives the format)",
                )?;
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(b64.as_bytes())
                    .map_err(|e| format!("\"bytes_b64\" is not base64: {e}"))?;
                Ok(match Format::from_path(std::path::Path::new(&name)) {
                    Some(format) => scan::scan_bytes(&name, format, &bytes, &self.options),
                    None => scan::not_analysed(name, Status::Unreadable, UNSUPPORTED_TYPE.into()),
                })
            }
            Request {
                path: Some(path),
                name: None,
                bytes_b64: None,
            } => Ok(self.read_path(path)),
            Request { name: Some(_), .. } => {
                Err("a request with \"name\" needs \"bytes_b64\" (or send \"path\" alone)".into())
            }
            Request { .. } => Err("a request needs \"path\", or \"name\" and \"bytes_b64\"".into()),
        }
    }

    /// The document of a file on disk, found as discovery finds a file named on the command line.
    fn read_path(&self, path: String) -> DocumentReport {
        let found = discover::discover(&[PathBuf::from(&path)]);
        if let Some(p) = found.unsupported.first().or(found.problems.first()) {
            let status = if found.unsupported.is_empty() {
                Status::Error
            } else {
                Status::Unreadable
            };
            return scan::not_analysed(path, status, p.message.clone());
        }
        match found.sources.as_slice() {
            [source] if source.display == path => scan::scan_one(source, &self.options),
            _ => scan::not_analysed(
                path,
                Status::Error,
                "a folder: send one request per file".into(),
            ),
        }
    }

    fn write(&self, output: &mut dyn Write, document: &DocumentReport) -> io::Result<()> {
        match self.emit {
            Emit::Documents => jsonl::write_document(output, document),
            Emit::Rows => {
                let rows = Rows::of(document, &self.tiers, &self.options.library.version);
                serde_json::to_writer(&mut *output, &rows)?;
                output.write_all(b"\n")
            }
        }
    }
}

/// How a line was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Line {
    /// A whole line (its `\n`, if any, removed).
    Complete,
    /// Longer than allowed: what was read is dropped and the rest of the line skipped.
    TooLong,
    /// Nothing left.
    End,
}

/// Reads one line of at most `longest` bytes into `line`.
fn read_line(input: &mut dyn BufRead, line: &mut Vec<u8>, longest: u64) -> io::Result<Line> {
    let n = io::Read::take(&mut *input, longest).read_until(b'\n', line)?;
    if n == 0 {
        return Ok(Line::End);
    }
    if line.last() == Some(&b'\n') {
        line.pop();
        return Ok(Line::Complete);
    }
    if (n as u64) < longest {
        return Ok(Line::Complete); // the last line, without a newline
    }
    line.clear();
    loop {
        let (done, used) = {
            let buf = input.fill_buf()?;
            match buf.iter().position(|b| *b == b'\n') {
                Some(i) => (true, i + 1),
                None => (buf.is_empty(), buf.len()),
            }
        };
        input.consume(used);
        if done {
            return Ok(Line::TooLong);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::Limits;
    use crate::extract::ocr::OCR_OFF;
    use crate::library::Choice;

    fn answers(worker: &Worker<'_>, input: &str) -> (Vec<DocumentReport>, Served) {
        let mut out = Vec::new();
        let served = worker.run(&mut input.as_bytes(), &mut out).unwrap();
        let docs = String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        (docs, served)
    }

    #[test]
    fn one_answer_per_request_in_order_and_bad_requests_as_data() {
        let library = Choice::Builtin;
        let limits = Limits {
            max_file_bytes: 1024,
            ..Limits::default()
        };
        let worker = Worker {
            options: ScanOptions {
                library: &library,
                doc_type: None,
                register: None,
                limits,
                ocr: &OCR_OFF,
                jobs: None,
            },
            emit: Emit::Documents,
            tiers: library.tiers(),
        };
        let text = base64::engine::general_purpose::STANDARD
            .encode("The Supplier shall not use Buyer Data to train any AI model.");
        let big = "A".repeat(100_000);
        let input = [
            format!("{{\"name\": \"a.txt\", \"bytes_b64\": \"{text}\"}}"),
            "not json".into(),
            String::new(),
            "{\"name\": \"b.txt\", \"bytes_b64\": \"***\"}".into(),
            format!("{{\"name\": \"big.txt\", \"bytes_b64\": \"{big}\"}}"),
            "{\"path\": \"no/such/file.pdf\"}".into(),
            "{\"name\": \"c.xlsx\", \"bytes_b64\": \"\"}".into(),
            "{\"nme\": \"typo.txt\"}".into(),
            format!("{{\"name\": \"last.txt\", \"bytes_b64\": \"{text}\"}}"),
        ]
        .join("\n");
        let (docs, served) = answers(&worker, &input);
        let got: Vec<(&str, Status)> = docs.iter().map(|d| (d.path.as_str(), d.status)).collect();
        assert_eq!(
            got,
            [
                ("a.txt", Status::Analysed),
                ("request 2", Status::Error),
                ("request 3", Status::Error),
                ("request 4", Status::Error),
                ("no/such/file.pdf", Status::Error),
                ("c.xlsx", Status::Unreadable),
                ("request 7", Status::Error),
                ("last.txt", Status::Analysed),
            ]
        );
        assert_eq!(
            served,
            Served {
                requests: 8,
                invalid: 4
            }
        );
        assert!(docs[2].error.as_deref().unwrap().contains("not base64"));
        assert!(
            docs[3]
                .error
                .as_deref()
                .unwrap()
                .contains("longer than the file-size limit")
        );
        assert!(!docs[0].clauses.is_empty());
        assert_eq!(docs[0].clauses, docs[7].clauses);
    }
}
