//! Confirmation messages after a form: the handler redirects with a short-lived cookie holding
//! the message (Post/Redirect/Get), the next page shows it once in the frame, and the
//! [`forget`] layer makes the browser drop it as soon as a page has shown it.

use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use base64::Engine;

use super::session::{cookie, over_tls, removal};

/// Name of the cookie carrying the message.
pub const FLASH_COOKIE: &str = "wisdomos_flash";
/// Longest message kept, in characters; the rest is cut with an ellipsis.
const MAX_CHARS: usize = 300;

/// A 303 to `to` that shows `message` on the page it lands on (once, for up to a minute).
pub fn redirect(headers: &HeaderMap, to: &str, message: &str) -> Response {
    let mut text: String = message.chars().take(MAX_CHARS).collect();
    if message.chars().count() > MAX_CHARS {
        text.push('…');
    }
    let value = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text.as_bytes());
    let jar = CookieJar::new().add(cookie(FLASH_COOKIE, value, over_tls(headers), 60));
    (jar, Redirect::to(to)).into_response()
}

/// The message waiting in `headers`' cookies, if any.
pub fn read(headers: &HeaderMap) -> Option<String> {
    let jar = CookieJar::from_headers(headers);
    let raw = jar.get(FLASH_COOKIE)?.value().to_owned();
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(raw)
        .ok()?;
    String::from_utf8(bytes)
        .ok()
        .filter(|s| !s.trim().is_empty())
}

/// Middleware: once a page (not a redirect) answered a request that carried a message, the
/// browser forgets the message, so a reload does not show it again.
pub async fn forget(req: Request, next: Next) -> Response {
    let had = CookieJar::from_headers(req.headers())
        .get(FLASH_COOKIE)
        .is_some();
    let mut response = next.run(req).await;
    if had && !response.status().is_redirection() {
        if let Ok(v) = HeaderValue::from_str(&removal(FLASH_COOKIE).to_string()) {
            response.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_survives_the_cookie_and_long_ones_are_cut() {
        let r = redirect(&HeaderMap::new(), "/x", "Saved “Ünïcode” — 100%; done");
        let set = r.headers()[header::SET_COOKIE].to_str().unwrap().to_owned();
        let pair = set.split(';').next().unwrap().to_owned();
        let headers =
            HeaderMap::from_iter([(header::COOKIE, HeaderValue::from_str(&pair).unwrap())]);
        assert_eq!(
            read(&headers).as_deref(),
            Some("Saved “Ünïcode” — 100%; done")
        );
        assert_eq!(r.headers()[header::LOCATION], "/x");

        let long = "a".repeat(500);
        let r = redirect(&HeaderMap::new(), "/", &long);
        let set = r.headers()[header::SET_COOKIE].to_str().unwrap().to_owned();
        let pair = set.split(';').next().unwrap().to_owned();
        let headers =
            HeaderMap::from_iter([(header::COOKIE, HeaderValue::from_str(&pair).unwrap())]);
        assert_eq!(read(&headers).unwrap().chars().count(), MAX_CHARS + 1);
    }
}
