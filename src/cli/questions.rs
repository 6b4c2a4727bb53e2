//! `aiassure questions BIDS... -o DIR`: checks bids and writes one clarification letter per bid
//! (DOCX and Markdown) with the questions its tender verdicts and undeclared AI features raise.
//!
//! Every file is read as a bid unless `--doc-type auto` asks for detection. A bid whose tender
//! rules are all answered and whose AI is all declared gets no letter, and neither does a file
//! that could not be read or is not a bid: standard output says which, and why.

use std::collections::HashSet;
use std::convert::Infallible;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;

use super::{DocTypeArg, LimitArgs, OcrArgs, Outcome, load_library};
use crate::discover;
use crate::model::{DocType, Status};
use crate::report::letter::{self, LetterOptions, REPLY_BY_PLACEHOLDER};
use crate::scan::{self, ScanOptions};

/// Arguments of `aiassure questions`.
#[derive(Debug, Args)]
pub(crate) struct QuestionsArgs {
    /// Bids to check: files and folders (folders recursively: .pdf, .docx, .txt, .md, .html).
    #[arg(required = true, value_name = "BIDS")]
    paths: Vec<PathBuf>,
    /// The folder to write the letters to (created if needed): NAME-questions.docx and
    /// NAME-questions.md for each bid that raises a question.
    #[arg(short, long, value_name = "DIR")]
    output: PathBuf,
    /// The date replies are due, as YYYY-MM-DD; without it the letters say "[reply-by date]" for
    /// you to fill in.
    #[arg(long, value_name = "YYYY-MM-DD")]
    reply_by: Option<String>,
    /// The tender's name or reference, for the letters' subject line.
    #[arg(long, value_name = "NAME")]
    tender: Option<String>,
    /// Who the letters are from.
    #[arg(long = "from", value_name = "BUYER", default_value = "the Council")]
    buyer: String,
    /// A folder of extra or replacement rules (same format as clause-library/).
    #[arg(long, value_name = "DIR")]
    library: Option<PathBuf>,
    /// Read every file as a bid (`tender`, the default) or detect each file's type (`auto`:
    /// contracts get no letter).
    #[arg(long, value_enum, default_value_t = DocTypeArg::Tender)]
    doc_type: DocTypeArg,
    #[command(flatten)]
    limits: LimitArgs,
    #[command(flatten)]
    ocr: OcrArgs,
}

pub(crate) fn run(args: &QuestionsArgs) -> anyhow::Result<Outcome> {
    if args.doc_type == DocTypeArg::Contract {
        anyhow::bail!(
            "questions writes letters to bidders; --doc-type contract would read every file as a \
             contract, which raises no questions to a bidder (use tender or auto)"
        );
    }
    let reply_by = args
        .reply_by
        .as_deref()
        .map(letter::long_date)
        .transpose()?;
    let options = LetterOptions {
        buyer: args.buyer.trim().to_string(),
        tender: args
            .tender
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string),
        reply_by,
    };
    if options.buyer.is_empty() {
        anyhow::bail!("--from needs the name of the buying organisation, e.g. \"the Council\"");
    }
    let library = load_library(args.library.as_ref())?;
    let ocr = args.ocr.ocr()?;
    let found = discover::discover(&args.paths);
    for p in &found.problems {
        println!("{}: {}", p.path.display(), p.message);
    }
    if found.sources.is_empty() && found.unsupported.is_empty() {
        anyhow::bail!(
            "nothing to read: no .pdf, .docx, .txt, .md or .html files were found in the paths given"
        );
    }
    let scan_options = ScanOptions {
        library: &library,
        doc_type: args.doc_type.forced(),
        register: None,
        limits: args.limits.limits(),
        ocr: &ocr,
        jobs: None,
    };
    let mut documents = Vec::new();
    let Ok(()) = scan::scan_in_order(&found, &scan_options, None, &|_| {}, &mut |d| {
        documents.push(d);
        Ok::<(), Infallible>(())
    });
    std::fs::create_dir_all(&args.output)
        .with_context(|| format!("could not create the folder {}", args.output.display()))?;
    let mut used = HashSet::new();
    let mut written = 0;
    for d in &documents {
        if d.status != Status::Analysed {
            println!(
                "{}: not read ({}): no letter",
                d.path,
                d.error.as_deref().unwrap_or("no reason given")
            );
            continue;
        }
        if d.doc_type != DocType::Tender {
            println!(
                "{}: not a bid (read as a {}): no letter",
                d.path,
                d.doc_type.as_str()
            );
            continue;
        }
        let Some(l) = letter::letter(d, &options) else {
            println!(
                "{}: no questions (every tender rule that applies is answered and all its AI is declared): no letter",
                d.path
            );
            continue;
        };
        let stem = unique_stem(&d.path, &mut used);
        let docx_path = args.output.join(format!("{stem}.docx"));
        let md_path = args.output.join(format!("{stem}.md"));
        let bytes = letter::docx(&l)
            .map_err(|e| anyhow::anyhow!("could not build the letter for {}: {e}", d.path))?;
        write(&docx_path, &bytes)?;
        write(&md_path, letter::markdown(&l).as_bytes())?;
        written += 1;
        println!(
            "{}: {} {} -> {}, {}",
            d.path,
            l.questions.len(),
            if l.questions.len() == 1 {
                "question"
            } else {
                "questions"
            },
            docx_path.display(),
            md_path.display()
        );
    }
    println!(
        "{written} {} written to {}.",
        if written == 1 { "letter" } else { "letters" },
        args.output.display()
    );
    if written > 0 && options.reply_by.is_none() {
        println!(
            "The letters ask for a reply by \"{REPLY_BY_PLACEHOLDER}\": fill in the date before sending, or run again with --reply-by YYYY-MM-DD."
        );
    }
    Ok(Outcome::Clean)
}

fn write(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    std::fs::write(path, bytes).with_context(|| format!("could not write {}", path.display()))
}

/// A file name for a bid's letter, unique in this run: "NAME-questions", then
/// "NAME-EXT-questions" when two bids share a name ("acme.pdf" and "acme.docx"), then a number.
fn unique_stem(path: &str, used: &mut HashSet<String>) -> String {
    let file = path.rsplit(['/', '\\']).next().unwrap_or(path);
    let (name, ext) = match file.rsplit_once('.') {
        Some((n, e)) if !n.is_empty() => (n, e),
        _ => (file, ""),
    };
    let clean = |s: &str| -> String {
        s.chars()
            .map(|c| {
                if c.is_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '-'
                }
            })
            .collect()
    };
    let mut candidates = vec![format!("{}-questions", clean(name))];
    if !ext.is_empty() {
        candidates.push(format!("{}-{}-questions", clean(name), clean(ext)));
    }
    for c in candidates {
        if used.insert(c.clone()) {
            return c;
        }
    }
    (2..)
        .map(|n| format!("{}-questions-{n}", clean(name)))
        .find(|c| used.insert(c.clone()))
        .unwrap_or_else(|| "questions".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letter_names_are_unique_and_safe() {
        let mut used = HashSet::new();
        assert_eq!(unique_stem("bids/acme.pdf", &mut used), "acme-questions");
        assert_eq!(
            unique_stem("other/acme.docx", &mut used),
            "acme-docx-questions"
        );
        assert_eq!(
            unique_stem("third/acme.docx", &mut used),
            "acme-questions-2"
        );
        assert_eq!(unique_stem("a b&c.txt", &mut used), "a-b-c-questions");
    }
}
