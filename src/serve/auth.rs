//! Who may use the page: the access token printed at start (`?token=` once, then a session
//! cookie; or `Authorization: Bearer TOKEN` for scripts), a CSRF token on every change made
//! with the cookie, and the security headers every response carries.
//!
//! The secrets are drawn from the operating system's random source at each start: restarting
//! the server prints a new address and ends old sessions.

use axum::extract::{Request, State};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE, COOKIE, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

use super::App;

/// Name of the session cookie.
pub const COOKIE_NAME: &str = "aiassure_session";
/// Header carrying the CSRF token on changes made from the page.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The Content-Security-Policy of every page: nothing from anywhere but this server, no inline
/// script or style, no framing.
pub const PAGE_CSP: &str = "default-src 'self'; img-src 'self' data:; object-src 'none'; \
                            base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The per-run secrets.
#[derive(Debug, Clone)]
pub struct Secrets {
    /// In the printed address; exchanged for the cookie, or sent as a bearer token.
    pub token: String,
    /// The session cookie's value.
    session: String,
    /// Sent back by the page's scripts on every change.
    pub csrf: String,
}

/// Random hex of `bytes` bytes from the operating system.
fn random_hex(bytes: usize) -> Result<String, getrandom::Error> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf)?;
    Ok(crate::model::hex(&buf))
}

impl Secrets {
    /// New secrets for this run.
    pub fn new() -> Result<Secrets, getrandom::Error> {
        Ok(Secrets {
            token: random_hex(24)?,
            session: random_hex(32)?,
            csrf: random_hex(24)?,
        })
    }
}

/// Compares secrets in time independent of where they differ.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

fn cookie_value<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
}

/// The `token` parameter of a query string, and the query without it.
fn split_token(query: &str) -> (Option<&str>, String) {
    let mut token = None;
    let rest: Vec<&str> = query
        .split('&')
        .filter(|p| match p.strip_prefix("token=") {
            Some(t) => {
                token = Some(t);
                false
            }
            None => !p.is_empty(),
        })
        .collect();
    (token, rest.join("&"))
}

/// A refusal in the form the caller reads: JSON for the API, a short page otherwise.
pub fn refusal(api: bool, status: StatusCode, message: &str) -> Response {
    if api {
        (status, axum::Json(serde_json::json!({ "error": message }))).into_response()
    } else {
        let page = super::pages::message_page("aiassure", message);
        (status, page).into_response()
    }
}

const NO_TOKEN: &str = "This page needs the access token. Open the address that `aiassure serve` \
                        printed when it started (it ends with ?token=...); a restarted server \
                        prints a new one. Scripts send `Authorization: Bearer TOKEN`.";
const NO_CSRF: &str = "This change was refused: it did not carry the page's CSRF token. Reload \
                       the page and try again; scripts use `Authorization: Bearer TOKEN` instead \
                       of the cookie.";

/// Lets a request through only with the token or the session cookie, and a change made with the
/// cookie only with the CSRF token. `?token=TOKEN` on a page sets the cookie and redirects to
/// the same address without the token, so it does not stay in the address bar or history.
pub async fn require(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    let secrets = &app.secrets;
    let api = request.uri().path().starts_with("/api/");
    let headers = request.headers();
    if let Some(b) = bearer(headers) {
        if same(b, &secrets.token) {
            return next.run(request).await;
        }
        return refusal(api, StatusCode::UNAUTHORIZED, NO_TOKEN);
    }
    if let Some(query) = request.uri().query()
        && let (Some(token), rest) = split_token(query)
    {
        if !same(token, &secrets.token) || request.method() != Method::GET {
            return refusal(api, StatusCode::UNAUTHORIZED, NO_TOKEN);
        }
        let path = request.uri().path();
        let location = if rest.is_empty() {
            path.to_string()
        } else {
            format!("{path}?{rest}")
        };
        let cookie = format!(
            "{COOKIE_NAME}={}; HttpOnly; SameSite=Strict; Path=/",
            secrets.session
        );
        let mut response = StatusCode::SEE_OTHER.into_response();
        let h = response.headers_mut();
        if let (Ok(loc), Ok(c)) = (
            HeaderValue::from_str(&location),
            HeaderValue::from_str(&cookie),
        ) {
            h.insert(header::LOCATION, loc);
            h.insert(SET_COOKIE, c);
        }
        return response;
    }
    let Some(session) = cookie_value(headers, COOKIE_NAME) else {
        return refusal(api, StatusCode::UNAUTHORIZED, NO_TOKEN);
    };
    if !same(session, &secrets.session) {
        return refusal(api, StatusCode::UNAUTHORIZED, NO_TOKEN);
    }
    let safe = matches!(*request.method(), Method::GET | Method::HEAD);
    if !safe {
        let csrf = headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
        if !csrf.is_some_and(|c| same(c, &secrets.csrf)) {
            return refusal(api, StatusCode::FORBIDDEN, NO_CSRF);
        }
    }
    next.run(request).await
}

/// Adds the security headers to every response: the page CSP (unless the response set its own,
/// as the HTML report does), no MIME sniffing, no referrer, no framing, no caching.
pub async fn headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(PAGE_CSP),
        );
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if !h.contains_key(CONTENT_TYPE) {
        h.insert(
            CONTENT_TYPE,
            HeaderValue::from_static("text/plain; charset=utf-8"),
        );
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_is_taken_out_of_the_query() {
        assert_eq!(split_token("token=abc"), (Some("abc"), String::new()));
        assert_eq!(
            split_token("q=x&token=abc&y=2"),
            (Some("abc"), "q=x&y=2".to_string())
        );
        assert_eq!(split_token("q=x"), (None, "q=x".to_string()));
    }

    #[test]
    fn secrets_compare_exactly() {
        assert!(same("abc", "abc"));
        assert!(!same("abc", "abd"));
        assert!(!same("abc", "ab"));
        let s = Secrets::new().unwrap();
        assert_eq!(s.token.len(), 48);
        assert_ne!(s.token, Secrets::new().unwrap().token);
    }

    #[test]
    fn cookies_are_found_among_others() {
        let mut h = HeaderMap::new();
        h.insert(
            COOKIE,
            HeaderValue::from_static("a=1; aiassure_session=xyz; b=2"),
        );
        assert_eq!(cookie_value(&h, COOKIE_NAME), Some("xyz"));
    }
}
