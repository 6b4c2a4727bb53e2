//! `aiassure serve` over real HTTP: the real binary started on a random local port with a
//! workspace in a temporary folder, driven through its JSON API and pages (ureq), and, in
//! `browser`, by Chromium through chromedriver (fantoccini).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::root;

/// A running server; stopped when dropped.
pub(crate) struct Served {
    child: Child,
    _stdout: BufReader<ChildStdout>,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// This run's access token.
    pub token: String,
    /// The address printed, with `?token=`.
    pub url: String,
    agent: ureq::Agent,
}

/// A response: status, headers we look at, body.
pub(crate) struct Got {
    pub status: u16,
    pub body: String,
    pub csp: Option<String>,
    pub set_cookie: Option<String>,
    pub location: Option<String>,
    pub disposition: Option<String>,
}

impl Got {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

fn got(mut r: ureq::http::Response<ureq::Body>) -> Got {
    let header = |name: &str| {
        r.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let (csp, set_cookie, location, disposition) = (
        header("content-security-policy"),
        header("set-cookie"),
        header("location"),
        header("content-disposition"),
    );
    let body = r
        .body_mut()
        .with_config()
        .limit(200 * 1024 * 1024)
        .read_to_string()
        .unwrap_or_default();
    Got {
        status: r.status().as_u16(),
        body,
        csp,
        set_cookie,
        location,
        disposition,
    }
}

/// A multipart body of files in fields named `files`, and its content type.
pub(crate) fn multipart(files: &[(&str, &[u8])]) -> (Vec<u8>, String) {
    let boundary = "aiassure-test-boundary-7f3a9c";
    let mut body = Vec::new();
    for (name, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (body, format!("multipart/form-data; boundary={boundary}"))
}

impl Served {
    /// Starts `aiassure serve --port 0 --workspace DIR EXTRA...`.
    pub fn start(workspace: &Path, extra: &[&str]) -> Served {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_aiassure"));
        cmd.args(["serve", "--port", "0", "--workspace"])
            .arg(workspace)
            .args(extra);
        Served::spawn(cmd)
    }

    /// Starts a command that runs the server and prints its address first.
    pub fn spawn(mut cmd: Command) -> Served {
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the server starts");
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
        let mut line = String::new();
        stdout.read_line(&mut line).expect("the address is printed");
        let url = line.trim().to_string();
        assert!(
            url.starts_with("http://127.0.0.1:") && url.contains("/?token="),
            "first line: {url:?}"
        );
        let (base, token) = url.split_once("/?token=").expect("token");
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_global(Some(Duration::from_secs(120)))
            .build()
            .into();
        Served {
            base: base.to_string(),
            token: token.to_string(),
            url: url.clone(),
            child,
            _stdout: stdout,
            agent,
        }
    }

    /// Waits for the server process to end (after it was told to stop), at most `timeout`.
    pub fn wait_exit(&mut self, timeout: Duration) {
        let start = Instant::now();
        while self.child.try_wait().ok().flatten().is_none() {
            assert!(start.elapsed() < timeout, "the server did not stop");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn auth(&self) -> String {
        format!("Bearer {}", self.token)
    }

    /// GET with the bearer token.
    pub fn get(&self, path: &str) -> Got {
        got(self
            .agent
            .get(format!("{}{path}", self.base))
            .header("Authorization", self.auth())
            .call()
            .expect("GET"))
    }

    /// GET with the given headers only (no token).
    pub fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> Got {
        let mut req = self.agent.get(format!("{}{path}", self.base));
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        got(req.call().expect("GET"))
    }

    /// POST JSON with the given headers only.
    pub fn post_with(&self, path: &str, body: &Value, headers: &[(&str, &str)]) -> Got {
        let mut req = self
            .agent
            .post(format!("{}{path}", self.base))
            .header("Content-Type", "application/json");
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        got(req.send(body.to_string()).expect("POST"))
    }

    /// POST JSON with the bearer token.
    pub fn post(&self, path: &str, body: &Value) -> Got {
        let auth = self.auth();
        self.post_with(path, body, &[("Authorization", &auth)])
    }

    /// Uploads files to a review with the bearer token.
    pub fn upload(&self, review: i64, files: &[(&str, &[u8])]) -> Got {
        let (body, content_type) = multipart(files);
        got(self
            .agent
            .post(format!("{}/api/reviews/{review}/files", self.base))
            .header("Authorization", self.auth())
            .header("Content-Type", content_type)
            // As curl does for large bodies: a refusal comes before the body is sent.
            .header("Expect", "100-continue")
            .send(&body[..])
            .expect("upload"))
    }

    /// Creates a review; returns its number.
    pub fn create_review(&self, name: &str, doc_type: &str) -> i64 {
        let r = self.post(
            "/api/reviews",
            &serde_json::json!({ "name": name, "doc_type": doc_type }),
        );
        assert_eq!(r.status, 201, "{}", r.body);
        r.json()["review"]["id"].as_i64().expect("id")
    }

    /// Waits until every file of the review is analysed; returns the last status, and every
    /// state seen on the way.
    pub fn wait_done(&self, review: i64) -> (Value, Vec<String>) {
        let start = Instant::now();
        let mut seen = Vec::new();
        loop {
            let s = self.get(&format!("/api/reviews/{review}")).json();
            for f in s["files"].as_array().into_iter().flatten() {
                let state = f["state"].as_str().unwrap_or_default().to_string();
                if !seen.contains(&state) {
                    seen.push(state);
                }
            }
            if s["progress"]["finished"] == Value::Bool(true) {
                return (s, seen);
            }
            assert!(
                start.elapsed() < Duration::from_secs(180),
                "the analysis did not finish: {s}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The bundled example bids: (name, bytes).
pub(crate) fn example_bids() -> Vec<(String, Vec<u8>)> {
    let dir = root().join("fixtures/examples/bids");
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .expect("bids")
        .flatten()
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).expect("bid"),
            )
        })
        .collect();
    out.sort();
    out
}

/// `aiassure scan` on copies of files in a fresh folder, named as given, in that folder.
fn scan_copies(files: &[(String, Vec<u8>)], format: &str, doc_type: &str) -> String {
    let dir = tempfile::tempdir().expect("scratch");
    for (name, bytes) in files {
        std::fs::write(dir.path().join(name), bytes).expect("write");
    }
    let mut names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    names.sort_unstable();
    let o = Command::new(env!("CARGO_BIN_EXE_aiassure"))
        .arg("scan")
        .args(&names)
        .args([
            "--format",
            format,
            "--doc-type",
            doc_type,
            "--fail-on",
            "never",
        ])
        .current_dir(dir.path())
        .output()
        .expect("scan runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).expect("UTF-8")
}

fn workspace() -> tempfile::TempDir {
    tempfile::tempdir().expect("scratch")
}

/// Upload the example bids, see them queued and read, and get the same reports as `aiassure
/// scan` gives on the same files, in every format; the pages show the analysis.
#[test]
fn uploads_are_read_and_reported_as_scan_reports_them() {
    let ws = workspace();
    let s = Served::start(ws.path(), &[]);
    let review = s.create_review("Example tender", "tender");
    let bids = example_bids();
    let files: Vec<(&str, &[u8])> = bids.iter().map(|(n, b)| (n.as_str(), &b[..])).collect();
    let up = s.upload(review, &files);
    assert_eq!(up.status, 200, "{}", up.body);
    let up = up.json();
    assert_eq!(up["files"].as_array().map(Vec::len), Some(3));
    assert!(
        up["files"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["state"] == "queued")
    );
    let (status, states) = s.wait_done(review);
    assert!(states.contains(&"done".to_string()), "{states:?}");
    assert_eq!(status["progress"]["done"], 3);
    assert!(
        status["files"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["status"] == "analysed"),
        "{status}"
    );
    // Stored by sha256, not by name.
    for f in status["files"].as_array().unwrap() {
        let sha = f["sha256"].as_str().unwrap();
        assert!(ws.path().join("files").join(&sha[..2]).join(sha).is_file());
    }
    for format in ["json", "html", "csv", "sarif", "markdown"] {
        let r = s.get(&format!("/api/reviews/{review}/report?format={format}"));
        assert_eq!(r.status, 200, "{format}: {}", r.body);
        assert_eq!(
            r.body,
            scan_copies(&bids, format, "tender"),
            "the {format} report differs from aiassure scan's"
        );
    }
    let dl = s.get(&format!(
        "/api/reviews/{review}/report?format=html&download=1"
    ));
    assert!(
        dl.disposition
            .as_deref()
            .is_some_and(|d| d.starts_with("attachment")),
        "{:?}",
        dl.disposition
    );
    // The review page: bid comparison, AI features, gaps worst first.
    let page = s.get(&format!("/reviews/{review}"));
    assert_eq!(page.status, 200);
    for text in [
        "Bid comparison",
        "AI features",
        "Gaps, worst first",
        "Azure OpenAI",
        "brightpath-digital-response.pdf",
    ] {
        assert!(page.body.contains(text), "the review page lacks {text}");
    }
    let first = page
        .body
        .find("badge b-contradicted")
        .expect("a contradicted gap");
    let gaps_at = page.body.find("id=\"gaps\"").expect("gap table");
    let weak_in_gaps = page.body[gaps_at..]
        .find("badge b-weak")
        .map(|i| i + gaps_at);
    let contradicted_in_gaps = page.body[gaps_at..]
        .find("badge b-contradicted")
        .map(|i| i + gaps_at);
    assert!(first > 0);
    assert!(
        contradicted_in_gaps < weak_in_gaps,
        "contradicted gaps come before weak ones"
    );
    // A document page: the text with the evidence highlighted, the rule's wording.
    let northgate = status["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "northgate-care-response.docx")
        .expect("northgate")["id"]
        .as_i64()
        .unwrap();
    let doc = s.get(&format!("/reviews/{review}/documents/{northgate}"));
    assert_eq!(doc.status, 200);
    assert!(
        doc.body.contains("<mark class=\"hl-contradicted\""),
        "highlighted contradiction"
    );
    assert!(
        doc.body.contains("<mark class=\"hl-undisclosed\""),
        "highlighted undeclared AI"
    );
    assert!(doc.body.contains("Wording to add") || doc.body.contains("Question for the bidder"));
    assert!(
        doc.body.contains("B1"),
        "the clause number where the evidence sits"
    );
    // The API's view of the same file.
    let file = s
        .get(&format!("/api/reviews/{review}/files/{northgate}"))
        .json();
    assert_eq!(file["report"]["status"], "analysed");
    assert!(!file["blocks"].as_array().unwrap().is_empty());
    // The redlined copy of a DOCX is a DOCX (a zip).
    let red = s.get(&format!("/api/reviews/{review}/files/{northgate}/redline"));
    assert_eq!(red.status, 200, "{}", red.body);
    // Search across the workspace.
    let hits = s.get("/api/search?q=Azure").json();
    assert!(
        hits["hits"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["document"] == "northgate-care-response.docx" && h["review"] == review),
        "{hits}"
    );
    let page = s.get("/search?q=Azure");
    assert!(
        page.body.contains("<mark>Azure</mark>"),
        "highlighted search hit"
    );
}

/// Decisions are checked, stored in the workspace, exported as a waivers file pinned to the
/// file's sha256, and still there after the server is stopped and started again (with a new
/// token; the old one no longer works).
#[test]
fn decisions_survive_a_restart() {
    let ws = workspace();
    let bids = example_bids();
    let (name, bytes) = bids
        .iter()
        .find(|(n, _)| n == "northgate-care-response.docx")
        .expect("northgate");
    let (review, sha, rule, old_token) = {
        let s = Served::start(ws.path(), &[]);
        let review = s.create_review("Restart tender", "tender");
        assert_eq!(s.upload(review, &[(name, bytes)]).status, 200);
        let (status, _) = s.wait_done(review);
        let sha = status["files"][0]["sha256"].as_str().unwrap().to_string();
        let report = s.get(&format!("/api/reviews/{review}/report")).json();
        let gap = report["documents"][0]["clauses"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["status"] != "present")
            .expect("a gap")["id"]
            .as_str()
            .unwrap()
            .to_string();
        let present = report["documents"][0]["clauses"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["status"] == "present")
            .map(|c| c["id"].as_str().unwrap().to_string());
        let path = format!("/api/reviews/{review}/decisions");
        let decide = |rule: &str, decision: &str, expires: Option<&str>| {
            s.post(
                &path,
                &serde_json::json!({"document": name, "rule": rule, "decision": decision,
                    "reason": "Covered by the framework's AI schedule", "by": "Head of Procurement",
                    "expires": expires}),
            )
        };
        // An acceptance needs its expiry date; a met rule has no gap to decide; unknown kinds.
        let r = decide(&gap, "accept", None);
        assert_eq!(r.status, 422);
        assert!(
            r.json()["error"]
                .as_str()
                .unwrap()
                .contains("the date it lapses")
        );
        if let Some(p) = present {
            assert_eq!(decide(&p, "reject", None).status, 422);
        }
        assert_eq!(decide(&gap, "ignore", None).status, 422);
        let r = decide(&gap, "accept", Some("2099-03-31"));
        assert_eq!(r.status, 201, "{}", r.body);
        assert_eq!(r.json()["decision"]["sha256"], sha.as_str());
        (review, sha, gap, s.token.clone())
    };
    let s = Served::start(ws.path(), &[]);
    assert_ne!(s.token, old_token, "a restart draws a new token");
    let stale = s.get_with(
        "/api/reviews",
        &[("Authorization", &format!("Bearer {old_token}"))],
    );
    assert_eq!(stale.status, 401);
    let d = s.get(&format!("/api/reviews/{review}/decisions")).json();
    let d = &d["decisions"][0];
    assert_eq!(d["rule"], rule.as_str());
    assert_eq!(d["decision"], "accept");
    assert_eq!(d["stale"], false);
    assert_eq!(d["expired"], false);
    // The waivers file, in the format of --waivers.
    let toml_text = s
        .get(&format!("/api/reviews/{review}/decisions?format=toml"))
        .body;
    let parsed: toml::Value = toml::from_str(&toml_text).expect("waivers TOML");
    let w = &parsed["waiver"][0];
    assert_eq!(w["rule"].as_str(), Some(rule.as_str()));
    assert_eq!(w["document"].as_str(), Some(name.as_str()));
    assert_eq!(w["sha256"].as_str(), Some(sha.as_str()));
    assert_eq!(w["approved_by"].as_str(), Some("Head of Procurement"));
    assert_eq!(w["expires"].as_str(), Some("2099-03-31"));
    // `aiassure scan --waivers` on the same file applies it.
    let dir = tempfile::tempdir().expect("scratch");
    std::fs::write(dir.path().join(name), bytes).expect("write");
    std::fs::write(dir.path().join("waivers.toml"), &toml_text).expect("write");
    let o = Command::new(env!("CARGO_BIN_EXE_aiassure"))
        .args([
            "scan",
            name,
            "--format",
            "json",
            "--doc-type",
            "tender",
            "--fail-on",
            "never",
        ])
        .args(["--waivers", "waivers.toml"])
        .current_dir(dir.path())
        .output()
        .expect("scan runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let scanned: Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let clause = scanned["documents"][0]["clauses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == rule.as_str())
        .expect("the rule");
    assert_eq!(
        clause["waiver"]["approved_by"], "Head of Procurement",
        "the exported waiver applies in scan: {clause}"
    );
    // Files and reports survive too.
    let status = s.get(&format!("/api/reviews/{review}")).json();
    assert_eq!(status["progress"]["done"], 1);
    let file = status["files"][0]["id"].as_i64().unwrap();
    let page = s.get(&format!("/reviews/{review}/documents/{file}"));
    assert!(
        page.body.contains("data-decided=\"accept\""),
        "the decision shows on the page"
    );
    // A revised file (new bytes, same name): the decision no longer applies to it.
    let revised = std::fs::read(root().join("fixtures/examples/bids/civic-systems-response.txt"))
        .expect("another file");
    let renamed = s.upload(review, &[(name, &revised)]);
    assert_eq!(renamed.status, 200);
    s.wait_done(review);
    let d = s.get(&format!("/api/reviews/{review}/decisions")).json();
    assert_eq!(d["decisions"][0]["stale"], true);
    // A decision can be withdrawn.
    let id = d["decisions"][0]["id"].as_i64().unwrap();
    let gone = got(s
        .agent
        .delete(format!("{}/api/reviews/{review}/decisions/{id}", s.base))
        .header("Authorization", s.auth())
        .call()
        .expect("DELETE"));
    assert_eq!(gone.status, 204);
    let d = s.get(&format!("/api/reviews/{review}/decisions")).json();
    assert_eq!(d["decisions"].as_array().map(Vec::len), Some(0));
}

/// Without the token or cookie every request gets 401; the token in the address becomes a
/// session cookie; changes made with the cookie need the CSRF token; pages carry a strict CSP.
#[test]
fn the_token_cookie_and_csrf_are_required() {
    let ws = workspace();
    let s = Served::start(ws.path(), &[]);
    for path in [
        "/",
        "/api/reviews",
        "/assets/app.js",
        "/reviews/1",
        "/nothing-here",
    ] {
        let r = s.get_with(path, &[]);
        assert_eq!(r.status, 401, "{path}");
        assert!(r.body.contains("access token"), "{path}: {}", r.body);
    }
    let wrong = s.get_with("/api/reviews", &[("Authorization", "Bearer not-the-token")]);
    assert_eq!(wrong.status, 401);
    let wrong = s.get_with("/?token=not-the-token", &[]);
    assert_eq!(wrong.status, 401);
    let created = s.post_with("/api/reviews", &serde_json::json!({"name": "x"}), &[]);
    assert_eq!(created.status, 401);
    // The token in the address: a cookie, and a redirect to the address without it.
    let first = s.get_with(&format!("/?token={}", s.token), &[]);
    assert_eq!(first.status, 303);
    assert_eq!(first.location.as_deref(), Some("/"));
    let cookie = first.set_cookie.expect("a session cookie");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let cookie = cookie.split(';').next().unwrap().to_string();
    let page = s.get_with("/", &[("Cookie", &cookie)]);
    assert_eq!(page.status, 200);
    let csp = page.csp.expect("a CSP");
    assert!(csp.starts_with("default-src 'self'"), "{csp}");
    assert!(!csp.contains("unsafe"), "{csp}");
    assert!(
        !page.body.contains("http://") && !page.body.contains("https://"),
        "no external references"
    );
    let csrf = page
        .body
        .split("name=\"csrf-token\" content=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("the CSRF token in the page")
        .to_string();
    // A change with the cookie but without the CSRF token (another site's form) is refused.
    let body = serde_json::json!({"name": "Forged"});
    let r = s.post_with("/api/reviews", &body, &[("Cookie", &cookie)]);
    assert_eq!(r.status, 403, "{}", r.body);
    assert!(r.json()["error"].as_str().unwrap().contains("CSRF"));
    let r = s.post_with(
        "/api/reviews",
        &body,
        &[("Cookie", &cookie), ("X-CSRF-Token", "0000")],
    );
    assert_eq!(r.status, 403);
    let r = s.post_with(
        "/api/reviews",
        &body,
        &[("Cookie", &cookie), ("X-CSRF-Token", &csrf)],
    );
    assert_eq!(r.status, 201, "{}", r.body);
    // Bearer clients need no CSRF token.
    assert_eq!(s.post("/api/reviews", &body).status, 201);
    assert_eq!(
        s.get("/api/reviews").json()["reviews"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
}

/// Uploads over the per-file, per-request and per-review limits are refused with messages that
/// name the limit and the option that raises it; the other files of the upload are kept.
#[test]
fn oversize_uploads_are_refused_with_a_clear_message() {
    let ws = workspace();
    let s = Served::start(
        ws.path(),
        &[
            "--max-file-mb",
            "1",
            "--max-upload-mb",
            "3",
            "--max-review-mb",
            "2",
        ],
    );
    let review = s.create_review("Limits", "tender");
    let big = vec![b'a'; 1024 * 1024 + 10];
    let small = b"The Supplier shall not use Buyer Data to train AI models.".to_vec();
    let r = s.upload(review, &[("big.txt", &big)]);
    assert_eq!(r.status, 413, "{}", r.body);
    let reason = r.json()["refused"][0]["reason"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        reason.contains("larger than the limit of 1 MB per file")
            && reason.contains("--max-file-mb"),
        "{reason}"
    );
    let r = s.upload(review, &[("big.txt", &big), ("small.txt", &small)]);
    assert_eq!(r.status, 200, "{}", r.body);
    let j = r.json();
    assert_eq!(j["files"][0]["name"], "small.txt");
    assert_eq!(j["refused"][0]["name"], "big.txt");
    let huge = vec![b'b'; 4 * 1024 * 1024];
    let r = s.upload(review, &[("huge.txt", &huge)]);
    assert_eq!(r.status, 413, "{}", r.body);
    let error = r.json()["error"].as_str().unwrap().to_string();
    assert!(
        error.contains("3 MB for one upload") && error.contains("--max-upload-mb"),
        "{error}"
    );
    // Per review: two files of 0.9 MB fit under 2 MB, a third does not.
    let part = vec![b'c'; 900 * 1024];
    assert_eq!(
        s.upload(review, &[("a.txt", &part), ("b.txt", &part)])
            .status,
        200
    );
    let r = s.upload(review, &[("c.txt", &part)]);
    assert_eq!(r.status, 413, "{}", r.body);
    assert!(r.body.contains("--max-review-mb"), "{}", r.body);
    // A type aiassure does not read.
    let r = s.upload(review, &[("tool.exe", b"MZ")]);
    assert_eq!(r.status, 422);
    assert!(r.body.contains("aiassure reads PDF"), "{}", r.body);
    // Unreadable files are results with their reason, not broken pages.
    let r = s.upload(review, &[("empty.pdf", b""), ("broken.docx", b"not a zip")]);
    assert_eq!(r.status, 200);
    let (status, _) = s.wait_done(review);
    for f in status["files"].as_array().unwrap() {
        if f["name"] == "empty.pdf" || f["name"] == "broken.docx" {
            assert_ne!(f["status"], "analysed");
            assert!(!f["error"].as_str().unwrap_or_default().is_empty(), "{f}");
            let page = s.get(&format!("/reviews/{review}/documents/{}", f["id"]));
            assert_eq!(page.status, 200);
            assert!(page.body.contains("could not be read"));
        }
    }
    assert_eq!(s.get(&format!("/reviews/{review}")).status, 200);
}

/// Hostile file names and document text stay text: escaped in every page, never used as paths.
#[test]
fn hostile_names_and_text_are_inert() {
    let ws = workspace();
    let s = Served::start(ws.path(), &[]);
    let review = s.create_review("<script>alert('review')</script>", "tender");
    let text = b"<script>alert('bid')</script> Our <img src=x onerror=alert(1)> chatbot uses a large language model. We do not use AI.\n";
    let names = [
        "../../outside-<b>bold</b>.txt",
        "<img src=x onerror=alert(2)>.md",
        "rev\u{202e}txt.exe.txt",
    ];
    let files: Vec<(&str, &[u8])> = names.iter().map(|n| (*n, &text[..])).collect();
    let r = s.upload(review, &files);
    assert_eq!(r.status, 200, "{}", r.body);
    let stored: Vec<String> = r.json()["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap().to_string())
        .collect();
    let mut sorted = stored.clone();
    sorted.sort();
    // Folders are cut off at the last slash (even one inside "</b>"); direction marks are spaces.
    assert_eq!(
        sorted,
        [
            "<img src=x onerror=alert(2)>.md",
            "b>.txt",
            "rev txt.exe.txt"
        ],
        "{stored:?}"
    );
    let parent = ws.path().parent().unwrap();
    assert!(!parent.join("outside-<b>bold</b>.txt").exists());
    let (status, _) = s.wait_done(review);
    let mut pages = vec![s.get("/").body, s.get(&format!("/reviews/{review}")).body];
    for f in status["files"].as_array().unwrap() {
        pages.push(
            s.get(&format!("/reviews/{review}/documents/{}", f["id"]))
                .body,
        );
    }
    pages.push(s.get("/search?q=chatbot").body);
    for page in &pages {
        assert!(!page.contains("<script>alert"), "unescaped script");
        assert!(!page.contains("<img src=x"), "unescaped image");
        assert!(!page.contains("<b>bold"), "unescaped markup in a name");
        // The only script is the server's own.
        assert_eq!(page.matches("<script").count(), 1, "{page}");
    }
    assert!(
        pages[1].contains("&lt;script&gt;alert("),
        "the review name is shown, escaped"
    );
    assert!(
        pages[2].contains("&lt;script&gt;alert("),
        "the bid's text is shown, escaped"
    );
}

// A real browser.

/// chromedriver on a free port, stopped when dropped.
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Starts chromedriver, or skips (fails under CI) when it is not installed.
fn chromedriver() -> Option<(Driver, String)> {
    let Some(exe) = ["chromedriver", "/usr/lib/chromium/chromedriver"]
        .into_iter()
        .find(|c| {
            Command::new(c)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
    else {
        crate::common::skip("chromedriver is not installed (apt-get install chromium-driver)");
        return None;
    };
    let port = free_port();
    let child = Command::new(exe)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let url = format!("http://127.0.0.1:{port}");
    let start = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "chromedriver did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    Some((Driver(child), url))
}

/// Where screenshots go: `AIASSURE_SCREENSHOTS=DIR` (docs/ when refreshing the README's).
fn screenshot_dir() -> Option<PathBuf> {
    std::env::var_os("AIASSURE_SCREENSHOTS").map(PathBuf::from)
}

/// Chromium, driven through WebDriver, does what an officer does: create a review, upload the
/// example bids with the file picker, wait for the analysis, open a gap, record a decision,
/// download the report. Set `AIASSURE_SCREENSHOTS=docs` to write the README's screenshots.
#[test]
fn an_officer_reviews_the_example_tender_in_chromium() {
    let Some((_driver, driver_url)) = chromedriver() else {
        return;
    };
    let ws = workspace();
    let downloads = tempfile::tempdir().expect("scratch");
    let profile = tempfile::tempdir().expect("scratch");
    let s = Served::start(ws.path(), &[]);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        use fantoccini::{ClientBuilder, Locator};
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1360,1500",
                         "--disable-background-networking", "--disable-component-update",
                         "--disable-sync", "--no-first-run", "--hide-scrollbars",
                         format!("--user-data-dir={}", profile.path().display())],
                "prefs": {"download.default_directory": downloads.path().to_string_lossy(),
                          "download.prompt_for_download": false},
            }),
        );
        let c = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&driver_url)
            .await
            .expect("a Chromium session");
        let shot = |name: &'static str| {
            let c = c.clone();
            async move {
                let png = c.screenshot().await.expect("screenshot");
                assert!(png.starts_with(b"\x89PNG"));
                if let Some(dir) = screenshot_dir() {
                    std::fs::write(dir.join(name), &png).expect("write screenshot");
                }
            }
        };
        // The printed address: the token becomes a cookie.
        c.goto(&s.url).await.expect("open");
        assert_eq!(c.current_url().await.unwrap().query(), None, "the token left the address");
        c.find(Locator::Id("review-name"))
            .await
            .unwrap()
            .send_keys("Care records system 2027")
            .await
            .unwrap();
        c.find(Locator::Id("create-review")).await.unwrap().click().await.unwrap();
        let picker = c.wait().at_most(Duration::from_secs(120)).for_element(Locator::Id("picker")).await.expect("the review page");
        let bids = root().join("fixtures/examples/bids");
        let paths: Vec<String> = ["brightpath-digital-response.pdf", "civic-systems-response.txt", "northgate-care-response.docx"]
            .iter()
            .map(|n| bids.join(n).display().to_string())
            .collect();
        picker.send_keys(&paths.join("\n")).await.expect("choose files");
        // The page follows the analysis and reloads with the results.
        let start = Instant::now();
        loop {
            if c.find(Locator::Id("gaps")).await.is_ok() {
                break;
            }
            assert!(start.elapsed() < Duration::from_secs(120), "the analysis did not show");
            tokio::task::yield_now().await;
            std::thread::sleep(Duration::from_millis(200));
        }
        let body = c.find(Locator::Css("main")).await.unwrap().text().await.unwrap();
        assert!(body.contains("Bid comparison") && body.contains("Azure OpenAI"), "{body}");
        shot("serve-review.png").await;
        // Open the worst gap: its document, at the rule.
        let gap = c.find(Locator::Css("a.gap-link")).await.unwrap();
        let gap_href = gap.attr("href").await.unwrap().unwrap();
        gap.click().await.unwrap();
        let rule = gap_href.split("#rule-").nth(1).unwrap().to_string();
        let article = c
            .wait().at_most(Duration::from_secs(120)).for_element(Locator::Css(&format!("article[id=\"rule-{rule}\"]")))
            .await
            .unwrap();
        let marks = c.find_all(Locator::Css("mark[id]")).await.unwrap();
        assert!(!marks.is_empty(), "the evidence is highlighted");
        shot("serve-document.png").await;
        // Record a decision: ask the bidder (the question is filled in), by whom.
        article
            .find(Locator::Css("input[value=ask]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let reason = article.find(Locator::Css("textarea")).await.unwrap();
        if reason.prop("value").await.unwrap().unwrap_or_default().is_empty() {
            reason.send_keys("Please send your test report.").await.unwrap();
        }
        article
            .find(Locator::Css("input[name=by]"))
            .await
            .unwrap()
            .send_keys("A. Officer")
            .await
            .unwrap();
        article.find(Locator::Css("button")).await.unwrap().click().await.unwrap();
        let start = Instant::now();
        loop {
            let out = article.find(Locator::Css(".form-status")).await.unwrap();
            let text = out.text().await.unwrap();
            if text.starts_with("Recorded") {
                break;
            }
            assert!(
                start.elapsed() < Duration::from_secs(20) && !text.contains("error"),
                "the decision was not recorded: {text}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        // Back to the review; download the JSON report.
        c.goto(&format!("{}/reviews/1", s.base)).await.unwrap();
        let decided = c.find(Locator::Id("gaps")).await.unwrap().text().await.unwrap();
        assert!(decided.contains("Ask the bidder"), "{decided}");
        c.find(Locator::Id("dl-json")).await.unwrap().click().await.unwrap();
        let file = downloads.path().join("aiassure-review-1.json");
        let start = Instant::now();
        while !file.is_file() {
            assert!(start.elapsed() < Duration::from_secs(30), "no report downloaded");
            std::thread::sleep(Duration::from_millis(100));
        }
        // The home page, for the README.
        c.goto(&format!("{}/", s.base)).await.unwrap();
        shot("serve-reviews.png").await;
        c.close().await.unwrap();
        let start = Instant::now();
        let downloaded = loop {
            let text = std::fs::read_to_string(&file).unwrap_or_default();
            if text.ends_with("}\n") {
                break text;
            }
            assert!(start.elapsed() < Duration::from_secs(30), "the download did not finish");
            std::thread::sleep(Duration::from_millis(100));
        };
        assert_eq!(downloaded, s.get("/api/reviews/1/report?format=json").body);
    });
    let d = s.get("/api/reviews/1/decisions").json();
    assert_eq!(d["decisions"][0]["decision"], "ask");
    assert_eq!(d["decisions"][0]["decided_by"], "A. Officer");
}

/// Analyses run in a bounded pool apart from the threads serving pages: with `--jobs 1`, while a
/// large file is being read the next one waits its turn, and pages and the API still answer at
/// once.
#[test]
fn a_large_analysis_does_not_hold_up_the_page() {
    let ws = workspace();
    let s = Served::start(ws.path(), &["--jobs", "1"]);
    let review = s.create_review("Large", "contract");
    let line = "The Supplier shall not use Buyer Data to train any artificial intelligence model, and a chatbot predicts risk scores for human review.\n";
    let large = line.repeat(3 * 1024 * 1024 / line.len());
    let small = b"The Supplier shall notify the Buyer of any AI incident within 24 hours.\n";
    let r = s.upload(
        review,
        &[("large.txt", large.as_bytes()), ("small.txt", small)],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let mut checked = 0;
    let start = Instant::now();
    loop {
        let status = s.get(&format!("/api/reviews/{review}")).json();
        let p = &status["progress"];
        if p["finished"] == Value::Bool(true) {
            break;
        }
        assert!(
            p["reading"].as_u64() <= Some(1),
            "one file at a time with --jobs 1: {p}"
        );
        if p["reading"] == 1 {
            let asked = Instant::now();
            assert_eq!(s.get("/").status, 200);
            assert_eq!(s.get(&format!("/reviews/{review}")).status, 200);
            let took = asked.elapsed();
            assert!(
                took < Duration::from_secs(2),
                "the pages took {took:?} during an analysis"
            );
            checked += 1;
        }
        assert!(
            start.elapsed() < Duration::from_secs(300),
            "the analysis did not finish"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    assert!(
        checked > 0,
        "the large file was read too fast to check the page meanwhile"
    );
    println!("pages answered {checked} times during the analysis of a 3 MB file");
}

/// Listening beyond loopback needs `--bind` and says on start that others can reach the page;
/// the default says it is reachable only from this computer.
#[test]
fn binding_beyond_loopback_is_announced() {
    let ws = workspace();
    for (bind, expect) in [
        (None, "reachable only from this computer"),
        (Some("0.0.0.0"), "WARNING: listening on 0.0.0.0"),
    ] {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_aiassure"));
        cmd.args(["serve", "--port", "0", "--workspace"])
            .arg(ws.path());
        if let Some(b) = bind {
            cmd.args(["--bind", b]);
        }
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("starts");
        let mut out = BufReader::new(child.stdout.take().expect("stdout"));
        let mut text = String::new();
        for _ in 0..4 {
            out.read_line(&mut text).expect("start message");
        }
        let _ = child.kill();
        let _ = child.wait();
        assert!(text.contains(expect), "{text}");
        assert!(
            text.lines().next().unwrap_or_default().contains("/?token="),
            "{text}"
        );
    }
}
