//! OCR: scanned pages and image files read with Tesseract, where it is installed.
//!
//! This is the one part of extraction that runs other programs and writes files: each file being
//! read gets a [`Session`], a private temporary folder (mode 0700, removed when the session ends)
//! and a deadline. Pages are recognised one after another by one `tesseract` process at a time
//! (with `OMP_THREAD_LIMIT=1`, so a batch of `-j N` files runs at most N single-threaded
//! processes). Tesseract's TSV output gives every word with its box and confidence ([`tsv`]);
//! the words become positioned lines, which the PDF reader's own assembly turns into blocks
//! (paragraphs, running headers and page numbers removed, hyphenated line ends joined), each with
//! its page, position and mean confidence.
//!
//! A PDF page that is one scanned image is read from the image itself ([`image`]: JPEG and JPEG
//! 2000 streams as they are, raw samples as PNM); any other page needing OCR is rendered at
//! [`RENDER_DPI`] by `pdftoppm` (poppler-utils). Nothing is run through a shell, and nothing is
//! sent anywhere: Tesseract runs on this machine with the language data installed here.

pub mod image;
pub mod tsv;

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::extract::{ExtractError, Limit, OcrFailure, Unreadable};

/// Resolution at which pages without a usable image are rendered for OCR (dots per inch).
pub const RENDER_DPI: u32 = 300;

/// The environment variable that names the Tesseract program to use instead of `tesseract` on
/// the `PATH` (an empty or missing path means "not installed").
pub const TESSERACT_ENV: &str = "AIASSURE_TESSERACT";

/// The command that installs Tesseract with English on Debian and Ubuntu.
pub const INSTALL: &str = "sudo apt-get install tesseract-ocr tesseract-ocr-eng";

/// When to read pages by OCR (the values of `--ocr`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OcrMode {
    /// PDF pages without a text layer, and image files, when Tesseract is installed.
    Auto,
    /// Every PDF page (ignoring any text layer) and image files; fails if Tesseract is missing.
    Always,
    /// Never: scans are reported as needing OCR.
    Never,
}

/// What the user asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OcrOptions {
    /// When to OCR.
    pub mode: OcrMode,
    /// Tesseract language(s), as `-l` takes them ("eng", "eng+cym").
    pub language: String,
    /// Most pages read by OCR in one file.
    pub max_pages: usize,
    /// Most seconds spent on OCR (rendering and recognition) for one file.
    pub max_seconds: u64,
}

impl Default for OcrOptions {
    fn default() -> Self {
        OcrOptions {
            mode: OcrMode::Auto,
            language: "eng".into(),
            max_pages: 200,
            max_seconds: 600,
        }
    }
}

/// Why OCR cannot be set up as asked: a configuration error (exit code 2).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OcrSetupError {
    /// Tesseract is not installed, or does not run.
    #[error(
        "OCR needs Tesseract, which is not installed or does not run (or {TESSERACT_ENV} names \
         no program); install it with `{INSTALL}`, or use --ocr never"
    )]
    NotInstalled,
    /// A language whose data is not installed.
    #[error(
        "Tesseract has no data for the language \"{0}\" (installed: {1}); install its package \
         (Debian: tesseract-ocr-{0}) or choose another with --ocr-lang"
    )]
    Language(String, String),
    /// An empty or malformed `--ocr-lang`.
    #[error(
        "--ocr-lang takes Tesseract language codes joined by '+', such as eng or eng+cym (got \
         \"{0}\")"
    )]
    BadLanguage(String),
}

/// The Tesseract program found on this machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Engine {
    /// The program.
    pub program: PathBuf,
    /// "tesseract 5.3.0".
    pub version: String,
}

/// OCR as configured for a run: the options, the Tesseract program found and, once OCR is first
/// needed, the engine it answered as. Tesseract is only located (not run) until a scan needs it,
/// so a batch without scans starts no other program; `--ocr always` checks it at once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ocr {
    /// The options asked for.
    pub options: OcrOptions,
    /// The Tesseract program, or `None` when OCR is off or Tesseract is not installed.
    program: Option<PathBuf>,
    /// The engine's version and languages, asked once.
    engine: OnceLock<Result<Engine, OcrSetupError>>,
}

/// OCR switched off (`--ocr never`); what readers use when no options are given.
pub static OCR_OFF: Ocr = Ocr {
    options: OcrOptions {
        mode: OcrMode::Never,
        language: String::new(),
        max_pages: 0,
        max_seconds: 0,
    },
    program: None,
    engine: OnceLock::new(),
};

impl Ocr {
    /// Locates Tesseract (unless the mode is `never`); with `always`, also checks it runs and has
    /// the languages asked for.
    pub fn new(options: OcrOptions) -> Result<Ocr, OcrSetupError> {
        let valid = !options.language.is_empty()
            && options.language.split('+').all(|l| {
                !l.is_empty()
                    && l.chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            });
        if options.mode != OcrMode::Never && !valid {
            return Err(OcrSetupError::BadLanguage(options.language));
        }
        let program = match options.mode {
            OcrMode::Never => None,
            _ => find_program(),
        };
        let ocr = Ocr {
            options,
            program,
            engine: OnceLock::new(),
        };
        if ocr.options.mode == OcrMode::Always {
            ocr.engine()?;
        }
        Ok(ocr)
    }

    /// True when pages will be read by OCR.
    pub fn active(&self) -> bool {
        self.program.is_some() && self.options.mode != OcrMode::Never
    }

    /// True when every PDF page is read by OCR, text layer or not.
    pub fn always(&self) -> bool {
        self.active() && self.options.mode == OcrMode::Always
    }

    /// The engine: Tesseract's version, once it has been asked and found to have the languages.
    pub fn engine(&self) -> Result<&Engine, OcrSetupError> {
        self.engine
            .get_or_init(|| {
                let program = self.program.as_ref().ok_or(OcrSetupError::NotInstalled)?;
                let engine = probe(program).ok_or(OcrSetupError::NotInstalled)?;
                let installed = languages(program);
                if let Some(missing) = self
                    .options
                    .language
                    .split('+')
                    .find(|l| !installed.iter().any(|i| i == l))
                {
                    return Err(OcrSetupError::Language(
                        missing.into(),
                        installed.join(", "),
                    ));
                }
                Ok(engine)
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    /// What to add to "needs OCR" when OCR is wanted but Tesseract is missing: the install command.
    pub fn missing_hint(&self) -> &'static str {
        if self.options.mode == OcrMode::Auto && self.program.is_none() {
            " (aiassure reads scans itself with Tesseract, which is not installed here: install it \
             with `sudo apt-get install tesseract-ocr tesseract-ocr-eng` on Debian or Ubuntu)"
        } else {
            ""
        }
    }
}

/// Tesseract from [`TESSERACT_ENV`] or the `PATH`.
fn find_program() -> Option<PathBuf> {
    match std::env::var_os(TESSERACT_ENV) {
        Some(p) if p.is_empty() => None,
        Some(p) => Some(PathBuf::from(p)),
        None => on_path("tesseract"),
    }
}

/// Tesseract's answer to `--version`, when it runs.
fn probe(program: &Path) -> Option<Engine> {
    let out = Command::new(program)
        .arg("--version")
        .stdin(Stdio::null())
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    // Tesseract 4 printed its version on stderr, 5 on stdout.
    let text = String::from_utf8_lossy(if out.stdout.is_empty() {
        &out.stderr
    } else {
        &out.stdout
    })
    .into_owned();
    let version = text
        .lines()
        .next()
        .filter(|l| l.to_ascii_lowercase().starts_with("tesseract"))?
        .trim()
        .to_string();
    Some(Engine {
        program: program.to_path_buf(),
        version,
    })
}

/// The languages Tesseract has data for.
fn languages(program: &Path) -> Vec<String> {
    let Ok(out) = Command::new(program)
        .arg("--list-langs")
        .stdin(Stdio::null())
        .output()
    else {
        return Vec::new();
    };
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    text.lines()
        .skip_while(|l| !l.starts_with("List of available languages"))
        .skip(1)
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

/// The system's temporary folder, as the officer would type it.
fn temp_dir() -> String {
    std::env::temp_dir().display().to_string()
}

/// A program found on the `PATH`.
pub fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// A private temporary folder, removed with everything in it when dropped.
#[derive(Debug)]
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> std::io::Result<TempDir> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let base = std::env::temp_dir();
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let mut last = None;
        for _ in 0..16 {
            let n = COUNTER.fetch_add(1, Ordering::Relaxed);
            let dir = base.join(format!("aiassure-ocr-{}-{nanos:x}-{n}", std::process::id()));
            let mut builder = std::fs::DirBuilder::new();
            #[cfg(unix)]
            std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
            match builder.create(&dir) {
                Ok(()) => return Ok(TempDir(dir)),
                Err(e) => last = Some(e),
            }
        }
        Err(last.unwrap_or_else(|| std::io::Error::other("no temporary folder")))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The OCR of one file: its temporary folder, its deadline and its page budget.
pub struct Session<'o> {
    ocr: &'o Ocr,
    engine: &'o Engine,
    dir: TempDir,
    deadline: Instant,
    /// What this thread had waited for the heavy memory turn when the session began: time spent
    /// waiting for another file's turn since then does not count against the deadline.
    waited: Duration,
    pdf: Option<PathBuf>,
    files: usize,
}

/// The words of one page as Tesseract read them.
pub type PageWords = Vec<tsv::OcrLine>;

impl<'o> Session<'o> {
    /// A session for one file, or `None` when OCR is not active.
    pub fn start(ocr: &'o Ocr) -> Result<Option<Session<'o>>, ExtractError> {
        if !ocr.active() {
            return Ok(None);
        }
        let engine = ocr.engine().map_err(|e| OcrFailure::Setup(e.clone()))?;
        let dir = TempDir::new().map_err(|e| OcrFailure::TempFolder {
            detail: e.to_string(),
            dir: temp_dir(),
        })?;
        Ok(Some(Session {
            ocr,
            engine,
            dir,
            deadline: Instant::now() + Duration::from_secs(ocr.options.max_seconds),
            waited: crate::extract::budget::waited(),
            pdf: None,
            files: 0,
        }))
    }

    /// The engine's name and version and the language, for the OCR summary.
    pub fn engine(&self) -> (&str, &str) {
        (&self.engine.version, &self.ocr.options.language)
    }

    /// Fails when `pages` pages would be over the page limit.
    pub fn check_pages(&self, pages: usize) -> Result<(), ExtractError> {
        if pages > self.ocr.options.max_pages {
            return Err(Limit::OcrPages {
                pages,
                max: self.ocr.options.max_pages,
            }
            .into());
        }
        Ok(())
    }

    /// Writes bytes to a new file of the session with this extension.
    pub fn write(&mut self, ext: &str, bytes: &[u8]) -> Result<PathBuf, ExtractError> {
        self.files += 1;
        let path = self.dir.0.join(format!("in-{}.{ext}", self.files));
        std::fs::write(&path, bytes).map_err(|e| OcrFailure::TempFile {
            detail: e.to_string(),
            dir: temp_dir(),
        })?;
        Ok(path)
    }

    /// Renders page `page` (1-based) of the PDF `bytes` to a grey image at [`RENDER_DPI`] with
    /// `pdftoppm`.
    pub fn render(&mut self, bytes: &[u8], page: u32) -> Result<PathBuf, ExtractError> {
        let Some(pdftoppm) = on_path("pdftoppm") else {
            return Err(Unreadable::NeedsPdftoppm { page }.into());
        };
        let pdf = match &self.pdf {
            Some(p) => p.clone(),
            None => {
                let p = self.write("pdf", bytes)?;
                self.pdf = Some(p.clone());
                p
            }
        };
        self.files += 1;
        let prefix = self.dir.0.join(format!("page-{}", self.files));
        let n = page.to_string();
        let mut cmd = Command::new(pdftoppm);
        cmd.args([
            "-r",
            &RENDER_DPI.to_string(),
            "-gray",
            "-singlefile",
            "-f",
            &n,
            "-l",
            &n,
        ])
        .arg(&pdf)
        .arg(&prefix);
        self.run(&mut cmd, &format!("rendering page {page} for OCR"))?;
        let out = prefix.with_extension("pgm");
        if !out.is_file() {
            return Err(OcrFailure::NotRendered { page }.into());
        }
        Ok(out)
    }

    /// Recognises the text of an image file; `dpi` when the image's resolution is known. Returns
    /// the lines of each page (a multi-page TIFF has several), in pixels.
    pub fn recognise(
        &mut self,
        image: &Path,
        dpi: Option<u32>,
        what: &str,
    ) -> Result<Vec<PageWords>, ExtractError> {
        self.files += 1;
        let base = self.dir.0.join(format!("ocr-{}", self.files));
        let mut cmd = Command::new(&self.engine.program);
        cmd.arg(image)
            .arg(&base)
            .args(["-l", &self.ocr.options.language, "--psm", "3"])
            .env("OMP_THREAD_LIMIT", "1");
        if let Some(dpi) = dpi {
            cmd.args(["--dpi", &dpi.clamp(70, 2400).to_string()]);
        }
        cmd.arg("tsv");
        self.run(&mut cmd, what)?;
        let out = base.with_extension("tsv");
        let mut text = String::new();
        File::open(&out)
            .and_then(|f| f.take(512 * 1024 * 1024).read_to_string(&mut text))
            .map_err(|_| OcrFailure::NoResult {
                what: what.to_string(),
            })?;
        let _ = std::fs::remove_file(&out);
        Ok(tsv::lines(&text))
    }

    /// Whether the session's time is up, not counting time spent waiting for the heavy memory
    /// turn while another file held it.
    fn past_deadline(&self) -> bool {
        let waiting = crate::extract::budget::waited().saturating_sub(self.waited);
        Instant::now() >= self.deadline + waiting
    }

    /// Runs a program to completion within the session's deadline; its error output goes to a
    /// file of the session, and its last line is quoted if it fails.
    fn run(&mut self, cmd: &mut Command, what: &str) -> Result<(), ExtractError> {
        self.files += 1;
        let log_path = self.dir.0.join(format!("log-{}.txt", self.files));
        let log = File::create(&log_path).map_err(|e| OcrFailure::Start {
            detail: e.to_string(),
        })?;
        let name = cmd
            .get_program()
            .to_string_lossy()
            .rsplit('/')
            .next()
            .unwrap_or("")
            .to_string();
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .map_err(|e| OcrFailure::Run {
                program: name.clone(),
                what: what.to_string(),
                detail: e.to_string(),
            })?;
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) if self.past_deadline() => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(Limit::OcrSeconds {
                        what: what.to_string(),
                        max: self.ocr.options.max_seconds,
                    }
                    .into());
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(10)),
                Err(e) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(OcrFailure::Watch {
                        program: name,
                        what: what.to_string(),
                        detail: e.to_string(),
                    }
                    .into());
                }
            }
        };
        if status.success() {
            return Ok(());
        }
        let mut log = String::new();
        let _ = File::open(&log_path).and_then(|f| f.take(64 * 1024).read_to_string(&mut log));
        let last = log
            .lines()
            .map(str::trim)
            .rfind(|l| !l.is_empty())
            .unwrap_or("no message");
        Err(OcrFailure::Failed {
            program: name,
            what: what.to_string(),
            said: last.to_string(),
        }
        .into())
    }
}

/// The extension Tesseract needs to see for an image file of this format.
pub fn extension(format: crate::model::Format) -> &'static str {
    use crate::model::Format;
    match format {
        Format::Png => "png",
        Format::Jpeg => "jpg",
        _ => "tif",
    }
}
