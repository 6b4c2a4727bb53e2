//! The real binary: arguments, output and exit codes.

use crate::common::aiassure;

#[test]
fn version_and_help() {
    let out = aiassure(&["--version"]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("aiassure "));
    let out = aiassure(&["scan", "--help"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("--fail-on"));
}

#[test]
fn missing_path_is_a_usage_error() {
    let out = aiassure(&["scan", "no/such/folder"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nothing to analyse"));
}

/// The README's and the hostile-input guide's sentences on the shared memory allowance give the
/// marks the program uses (`extract::budget`).
#[test]
fn the_readme_gives_the_shared_allowances_marks() {
    use aiassure::extract::budget::{LIGHT_BYTES, LIGHT_TEXT_BYTES};

    let readme = std::fs::read_to_string(crate::common::root().join("README.md")).unwrap();
    let flat = readme.split_whitespace().collect::<Vec<_>>().join(" ");
    let mb = 1024 * 1024;
    let sentence = format!(
        "a file may decompress up to {} MB and hold up to {} MB of text",
        LIGHT_BYTES / mb,
        LIGHT_TEXT_BYTES / mb
    );
    assert!(flat.contains(&sentence), "README.md should say: {sentence}");
    let doc = std::fs::read_to_string(crate::common::root().join("docs/hostile-input.md")).unwrap();
    let flat = doc.split_whitespace().collect::<Vec<_>>().join(" ");
    let sentence = format!(
        "a file may decompress {} MB and hold {} MB of text",
        LIGHT_BYTES / mb,
        LIGHT_TEXT_BYTES / mb
    );
    assert!(
        flat.contains(&sentence),
        "docs/hostile-input.md should say: {sentence}"
    );
}

/// The README's table of limits: every `--max-*` flag of `scan --help` is in it, with the default
/// the program uses (`Limits::default()` and `OcrOptions::default()`, from which the flags take
/// theirs).
#[test]
fn the_readme_limits_table_is_the_programs_defaults() {
    use aiassure::extract::Limits;
    use aiassure::extract::ocr::OcrOptions;

    let readme = std::fs::read_to_string(crate::common::root().join("README.md")).unwrap();
    let section = readme
        .split("\n## Limits\n")
        .nth(1)
        .and_then(|s| s.split("\n## ").next())
        .expect("the README has a Limits section");
    // "| File size | `--max-file-mb` | 200 MB |" -> ("--max-file-mb", 200)
    let table: Vec<(String, u64)> = section
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let flag = cells.get(2)?.strip_prefix('`')?.strip_suffix('`')?;
            let digits: String = cells
                .get(3)?
                .chars()
                .filter(|c| *c != ',')
                .take_while(char::is_ascii_digit)
                .collect();
            Some((flag.to_string(), digits.parse().ok()?))
        })
        .collect();
    let limits = Limits::default();
    let ocr = OcrOptions::default();
    let mb = 1024 * 1024;
    let to_u64 = |n: usize| u64::try_from(n).unwrap();
    let expected = [
        ("--max-file-mb", limits.max_file_bytes / mb),
        ("--max-decompressed-mb", limits.max_decompressed_bytes / mb),
        ("--max-xml-depth", to_u64(limits.max_xml_depth)),
        ("--max-pdf-objects", to_u64(limits.max_pdf_objects)),
        ("--max-pdf-depth", to_u64(limits.max_pdf_depth)),
        ("--max-pdf-operations", limits.max_pdf_operations),
        ("--max-text-chars", to_u64(limits.max_text_chars)),
        ("--max-ocr-pages", to_u64(ocr.max_pages)),
        ("--max-ocr-seconds", ocr.max_seconds),
    ];
    let expected: Vec<(String, u64)> = expected
        .iter()
        .map(|(f, v)| ((*f).to_string(), *v))
        .collect();
    assert_eq!(table, expected, "README.md's Limits table");
    // Every limit flag of the program is in the table (a new limit must be documented there).
    let help = String::from_utf8(aiassure(&["scan", "--help"]).stdout).unwrap();
    let flags: Vec<&str> = help
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|w| w.starts_with("--max-"))
        .collect();
    assert_eq!(
        flags.len(),
        expected.len(),
        "limit flags of scan: {flags:?}"
    );
    for flag in flags {
        assert!(
            table.iter().any(|(f, _)| f == flag),
            "{flag} is not in README.md's Limits table"
        );
    }
}
