//! `aiassure serve`: the local web page for procurement officers, and the JSON API it uses
//! (`docs/http-api.md`).
//!
//! An axum server on a tokio runtime, listening on loopback unless told otherwise. It never opens
//! a connection itself. The parts, one job each:
//!
//! - [`store`]: the workspace (SQLite database of reviews, files and decisions; uploaded bytes
//!   stored by sha256);
//! - [`auth`]: the access token, session cookie, CSRF token and security headers;
//! - [`upload`]: multipart uploads streamed to disk within the per-file, per-request and
//!   per-review limits;
//! - [`analysis`]: each uploaded file through the scan pipeline ([`crate::scan`]) in a bounded
//!   pool of blocking threads, so a huge upload never starves the page; results stored and
//!   indexed (tantivy, for search across the workspace);
//! - [`api`]: the JSON API; [`pages`]: the server-rendered pages (minijinja templates compiled
//!   into the binary, a little plain JavaScript served from here, no external requests);
//! - [`decisions`]: officers' decisions on gaps, and their export as a waivers file.
//!
//! This module never prints: the command line prints the address [`Server::url`] returns.

pub mod analysis;
pub mod api;
pub mod auth;
pub mod decisions;
pub mod pages;
pub mod store;
pub mod upload;

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{delete, get, post};
use tokio::sync::Semaphore;

use crate::extract::Limits;
use crate::extract::ocr::Ocr;
use crate::index::{IndexError, Indexer};
use crate::library::Choice;
use store::{Store, StoreError};

/// Default folder of the workspace.
pub const DEFAULT_WORKSPACE: &str = "aiassure-workspace";

/// Limits on uploads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UploadLimits {
    /// Largest file, in bytes (the scan's `--max-file-mb`).
    pub per_file: u64,
    /// Largest upload request (all its files together), in bytes.
    pub per_request: u64,
    /// Most bytes of files in one review.
    pub per_review: u64,
    /// Most files in one upload request.
    pub files_per_request: usize,
}

/// How to run the server.
pub struct ServeConfig {
    /// The workspace folder (created when absent).
    pub workspace: PathBuf,
    /// Address to listen on (loopback unless the user asked otherwise).
    pub bind: IpAddr,
    /// Port (0: any free port).
    pub port: u16,
    /// The clause library.
    pub library: Choice,
    /// OCR of scans.
    pub ocr: Ocr,
    /// Extraction limits, as `scan` applies them.
    pub limits: Limits,
    /// Upload limits.
    pub uploads: UploadLimits,
    /// Files analysed at once.
    pub jobs: usize,
}

/// Why the server could not start or stopped.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The workspace could not be opened.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The workspace's search index is held by another server.
    #[error(
        "another aiassure serve is already using the workspace {}; stop it first, or start this one with --workspace OTHER_FOLDER",
        .0.display()
    )]
    Busy(PathBuf),
    /// The search index could not be opened.
    #[error("the workspace's search index could not be opened: {0}")]
    Index(IndexError),
    /// The address could not be listened on.
    #[error(
        "could not listen on {addr}: {source}; if the port is in use, choose another with --port N (0 picks a free one)"
    )]
    Listen {
        /// The address.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// The runtime could not start, or the server failed.
    #[error("the server failed: {0}")]
    Runtime(std::io::Error),
    /// No random numbers for the access token.
    #[error("could not draw a random access token from the operating system: {0}")]
    Random(getrandom::Error),
}

/// What every request handler shares.
pub struct App {
    store: Mutex<Store>,
    indexer: Mutex<Indexer>,
    index_dir: PathBuf,
    library: Choice,
    ocr: Ocr,
    limits: Limits,
    uploads: UploadLimits,
    pool: Semaphore,
    secrets: auth::Secrets,
    pages: pages::Pages,
}

impl App {
    /// The workspace database, for one short piece of work.
    fn store(&self) -> MutexGuard<'_, Store> {
        // A panic while holding the lock leaves the database consistent (SQLite is
        // transactional), so the lock is taken again.
        self.store
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// A server bound to its address, ready to run.
pub struct Server {
    runtime: tokio::runtime::Runtime,
    listener: tokio::net::TcpListener,
    app: Arc<App>,
    addr: SocketAddr,
}

impl Server {
    /// Opens the workspace and listens on the address; nothing is served until [`Server::run`].
    pub fn bind(config: ServeConfig) -> Result<Server, ServeError> {
        let store = Store::open(&config.workspace)?;
        let index_dir = config.workspace.join("index");
        // The index only serves search here (analyses are stored in the workspace), so the key
        // names the server's own options.
        let settings = crate::scan::ScanOptions {
            library: &config.library,
            doc_type: None,
            register: None,
            limits: config.limits,
            ocr: &config.ocr,
            jobs: None,
        }
        .settings_key();
        let indexer = Indexer::open_appending(&index_dir, settings).map_err(|e| match e {
            IndexError::Busy(_) => ServeError::Busy(config.workspace.clone()),
            e => ServeError::Index(e),
        })?;
        let secrets = auth::Secrets::new().map_err(ServeError::Random)?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_io()
            .thread_name("aiassure-serve")
            .build()
            .map_err(ServeError::Runtime)?;
        let addr = SocketAddr::new(config.bind, config.port);
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind(addr))
            .map_err(|source| ServeError::Listen { addr, source })?;
        let addr = listener.local_addr().map_err(ServeError::Runtime)?;
        let app = Arc::new(App {
            store: Mutex::new(store),
            indexer: Mutex::new(indexer),
            index_dir,
            library: config.library,
            ocr: config.ocr,
            limits: config.limits,
            uploads: config.uploads,
            pool: Semaphore::new(config.jobs.max(1)),
            secrets,
            pages: pages::Pages::new(),
        });
        Ok(Server {
            runtime,
            listener,
            app,
            addr,
        })
    }

    /// The address to open, with this run's access token.
    pub fn url(&self) -> String {
        format!("http://{}/?token={}", self.addr, self.app.secrets.token)
    }

    /// The address listened on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The workspace's reviews count, for the start message.
    pub fn reviews(&self) -> Result<usize, ServeError> {
        Ok(self.app.store().reviews()?.len())
    }

    /// Serves until the process is stopped. Analyses left queued or running by an earlier run
    /// are queued again first.
    pub fn run(self) -> Result<(), ServeError> {
        let Server {
            runtime,
            listener,
            app,
            ..
        } = self;
        runtime.block_on(async move {
            for id in app.store().pending()? {
                analysis::queue(&app, id);
            }
            axum::serve(listener, router(app))
                .await
                .map_err(ServeError::Runtime)
        })
    }
}

/// Every route. The upload route alone accepts large bodies (up to the per-request limit).
fn router(app: Arc<App>) -> Router {
    let upload_limit = usize::try_from(app.uploads.per_request)
        .unwrap_or(usize::MAX)
        .saturating_add(64 * 1024);
    Router::new()
        .route("/", get(pages::reviews))
        .route("/reviews/{id}", get(pages::review))
        .route("/reviews/{id}/documents/{file}", get(pages::document))
        .route("/search", get(pages::search))
        .route("/assets/app.js", get(pages::script))
        .route("/assets/app.css", get(pages::style))
        .route(
            "/api/reviews",
            get(api::list_reviews).post(api::create_review),
        )
        .route("/api/reviews/{id}", get(api::review_status))
        .route(
            "/api/reviews/{id}/files",
            post(upload::upload).layer(DefaultBodyLimit::max(upload_limit)),
        )
        .route("/api/reviews/{id}/files/{file}", get(api::file))
        .route("/api/reviews/{id}/files/{file}/redline", get(api::redline))
        .route("/api/reviews/{id}/report", get(api::report))
        .route(
            "/api/reviews/{id}/decisions",
            get(api::decisions).post(api::decide),
        )
        .route(
            "/api/reviews/{id}/decisions/{decision}",
            delete(api::undecide),
        )
        .route("/api/search", get(api::search))
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            auth::require,
        ))
        .layer(axum::middleware::from_fn(auth::headers))
        .with_state(app)
}

/// The workspace folder named in messages.
pub fn describe_workspace(dir: &Path) -> String {
    dir.canonicalize()
        .unwrap_or_else(|_| dir.to_path_buf())
        .display()
        .to_string()
}
