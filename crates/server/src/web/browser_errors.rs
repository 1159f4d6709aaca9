//! Errors a browser meets outside the pages' own handlers — an address nothing serves, a method
//! an address does not take, too many sign-in attempts, a body too large — arrive as the API's
//! JSON or as an empty body. A person navigating gets an HTML page in plain words instead (in
//! their page frame when signed in); the status and the `Retry-After` and `Allow` headers stay.
//! Requests under `/api/` and requests that do not accept HTML keep the JSON.

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

use super::error::{error_page, framed, ErrorShown};
use crate::AppState;

/// Whether the client asked for HTML (a browser's navigation does).
fn accepts_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"))
}

fn is_html(r: &Response) -> bool {
    r.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"))
}

/// The page's stable code and plain words for `status`; `retry` is `Retry-After` in seconds.
pub fn words_for(status: StatusCode, retry: Option<u64>) -> (&'static str, String) {
    match status {
        StatusCode::NOT_FOUND => (
            "not_found",
            "There is nothing at this address. It may have been moved or deleted, or the link may be mistyped.".into(),
        ),
        StatusCode::METHOD_NOT_ALLOWED => (
            "method_not_allowed",
            "This address cannot be used that way. Go back and use the page's own buttons and links.".into(),
        ),
        StatusCode::TOO_MANY_REQUESTS => (
            "rate_limited",
            match retry {
                Some(s) if s > 1 => format!("Too many attempts from here in a short time. Wait {s} seconds, then try again."),
                _ => "Too many attempts from here in a short time. Wait a moment, then try again.".into(),
            },
        ),
        StatusCode::PAYLOAD_TOO_LARGE => (
            "payload_too_large",
            "That was too large to accept. Try a smaller file or shorter text.".into(),
        ),
        StatusCode::UNAUTHORIZED => (
            "unauthorized",
            "You need to sign in to see this.".into(),
        ),
        StatusCode::FORBIDDEN => ("forbidden", "You are not allowed to do this.".into()),
        s if s.is_server_error() => (
            "unavailable",
            "Something went wrong on our side, and it has been logged. Try again in a moment.".into(),
        ),
        _ => (
            "bad_request",
            "That request could not be handled. Go back and try again.".into(),
        ),
    }
}

/// Middleware over the whole router: non-HTML error answers to a browser become HTML pages.
pub async fn html_for_browsers(State(st): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let wants_html = !path.starts_with("/api/") && accepts_html(req.headers());
    let cookie = req.headers().get(header::COOKIE).cloned();
    let response = next.run(req).await;
    let status = response.status();
    if !wants_html || !(status.is_client_error() || status.is_server_error()) || is_html(&response)
    {
        return response;
    }
    let retry = response
        .headers()
        .get(header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let (code, message) = words_for(status, retry);
    let shown = ErrorShown {
        status,
        code,
        message,
    };
    let mut page = match framed(&st, cookie, &path, &shown).await {
        Some(p) => p,
        None => error_page(&shown, None),
    };
    for h in [header::RETRY_AFTER, header::ALLOW] {
        if let Some(v) = response.headers().get(&h) {
            page.headers_mut().insert(h, v.clone());
        }
    }
    // A page's policy, or the API's default (no style sheet at all) would be added outside.
    page.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        header::HeaderValue::from_static(super::CONTENT_SECURITY_POLICY),
    );
    page
}
