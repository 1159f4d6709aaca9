//! Web sessions: the session cookie, CSRF tokens, and the extractors of signed-in pages.
//!
//! The session cookie holds a refresh token of the same session family the API's sign-in
//! starts (only its SHA-256 is stored), presented on every request instead of rotated; sign-out
//! revokes the family. Every form carries a CSRF token, the HMAC-SHA256 of the session cookie
//! (or, before sign-in, of a random pre-session cookie) under the server secret, checked on
//! every POST (OWASP CSRF cheat sheet, "signed double-submit cookie").

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::HeaderMap;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use base64::Engine;
use hmac::{Hmac, Mac};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use sha2::Sha256;
use uuid::Uuid;
use wisdomos_db::memberships::Access;
use wisdomos_db::sessions::{self, SessionOwner};
use wisdomos_db::{web_frame, TenantTx};

use super::error::WebError;
use crate::auth::token::hash_refresh_token;
use crate::extract::{Need, TenantCtx};
use crate::{ApiError, AppState};

/// Name of the HttpOnly session cookie.
pub const SESSION_COOKIE: &str = "wisdomos_session";
/// Name of the cookie that keys CSRF tokens of the sign-in and sign-up forms.
pub const PRE_COOKIE: &str = "wisdomos_pre";
/// Form field carrying the CSRF token.
pub const CSRF_FIELD: &str = "_csrf";
/// Header carrying the CSRF token on htmx requests.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// Whether cookies must be `Secure`: the request reached us over TLS (a TLS-terminating proxy
/// says so with `X-Forwarded-Proto: https`).
pub fn over_tls(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

/// An HttpOnly, SameSite=Lax cookie for the whole site, `Secure` when `tls`.
pub fn cookie(name: &'static str, value: String, tls: bool, max_age_secs: i64) -> Cookie<'static> {
    Cookie::build((name, value))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(tls)
        .max_age(time_duration(max_age_secs))
        .build()
}

/// A cookie that makes the browser forget `name`.
pub fn removal(name: &'static str) -> Cookie<'static> {
    Cookie::build((name, ""))
        .path("/")
        .max_age(time_duration(0))
        .build()
}

fn time_duration(secs: i64) -> cookie::time::Duration {
    cookie::time::Duration::seconds(secs)
}

type HmacSha256 = Hmac<Sha256>;

fn mac(secret: &[u8], basis: &str) -> Option<HmacSha256> {
    let mut m = HmacSha256::new_from_slice(secret).ok()?;
    m.update(b"wisdomos-csrf\0");
    m.update(basis.as_bytes());
    Some(m)
}

/// The CSRF token for forms of the browser holding cookie value `basis`: base64url of
/// HMAC-SHA256(secret, "wisdomos-csrf\0" ‖ basis), 43 characters.
pub fn csrf_token(secret: &[u8], basis: &str) -> String {
    mac(secret, basis)
        .map(|m| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(m.finalize().into_bytes()))
        .unwrap_or_default()
}

/// Whether `presented` is the CSRF token for `basis` (compared in constant time).
pub fn csrf_valid(secret: &[u8], basis: &str, presented: &str) -> bool {
    let Ok(bytes) = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(presented.trim())
    else {
        return false;
    };
    mac(secret, basis).is_some_and(|m| m.verify_slice(&bytes).is_ok())
}

/// The cookie value CSRF tokens are keyed to: the session cookie, else the pre-session cookie.
pub fn csrf_basis(jar: &CookieJar) -> Option<String> {
    jar.get(SESSION_COOKIE)
        .or_else(|| jar.get(PRE_COOKIE))
        .map(|c| c.value().to_owned())
        .filter(|v| !v.is_empty())
}

/// A signed-in browser: its session cookie names a live session.
#[derive(Debug, Clone)]
pub struct WebUser {
    pub owner: SessionOwner,
    /// CSRF token for this session's forms.
    pub csrf: String,
}

/// The session cookie's value in `headers`, when it has a plausible one.
fn session_token(headers: &HeaderMap) -> Option<String> {
    CookieJar::from_headers(headers)
        .get(SESSION_COOKIE)
        .map(|c| c.value().to_owned())
        .filter(|v| !v.is_empty() && v.len() <= 256)
}

impl WebUser {
    /// The live session named by the cookie in `headers`; [`WebError::SignIn`] when there is none.
    pub async fn from_headers(headers: &HeaderMap, st: &AppState) -> Result<Self, WebError> {
        let token = session_token(headers).ok_or(WebError::SignIn)?;
        let owner = sessions::live_owner(st.db.app(), &hash_refresh_token(&token), st.clock.now())
            .await
            .map_err(ApiError::from)?
            .ok_or(WebError::SignIn)?;
        Ok(Self::signed_in(st, owner, &token))
    }

    fn signed_in(st: &AppState, owner: SessionOwner, token: &str) -> Self {
        tracing::Span::current().record("user_id", tracing::field::display(owner.user_id));
        WebUser {
            owner,
            csrf: csrf_token(&st.config.jwt_secret, token),
        }
    }
}

impl FromRequestParts<AppState> for WebUser {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, WebError> {
        WebUser::from_headers(&parts.headers, st).await
    }
}

/// A workspace the user can switch to, for the header's switcher.
#[derive(Debug, Clone)]
pub struct NavTenant {
    pub id: Uuid,
    pub name: String,
    pub current: bool,
}

/// What the page frame shows: who is signed in, where, the workspace switcher and the CSRF
/// token of the session.
#[derive(Debug, Clone)]
pub struct Nav {
    pub email: String,
    pub tenant_name: String,
    pub role: String,
    pub tenants: Vec<NavTenant>,
    pub csrf: String,
    /// Request path, to mark the current section.
    pub path: String,
    /// The confirmation of the form just sent (`flash`), shown once.
    pub flash: Option<String>,
}

impl Nav {
    /// Whether the page is in the section starting at `prefix` (`/` only for the home page).
    pub fn at(&self, prefix: &str) -> bool {
        if prefix == "/" {
            self.path == "/"
        } else {
            self.path.starts_with(prefix)
        }
    }
}

/// A signed-in page's user, frame and standing in the session's workspace, from the one query
/// of [`web_frame::load`]; [`WebError::SignIn`] when the cookie names no live session.
pub async fn signed_in_frame(
    st: &AppState,
    headers: &HeaderMap,
    path: &str,
) -> Result<(WebUser, Nav, Option<Access>), WebError> {
    let token = session_token(headers).ok_or(WebError::SignIn)?;
    let frame = web_frame::load(st.db.app(), &hash_refresh_token(&token), st.clock.now())
        .await
        .map_err(ApiError::from)?
        .ok_or(WebError::SignIn)?;
    let user = WebUser::signed_in(st, frame.owner, &token);
    let current = frame.access.as_ref();
    let nav = Nav {
        email: frame.email,
        tenant_name: current.map(|a| a.tenant.name.clone()).unwrap_or_default(),
        role: current.map(|a| a.role.clone()).unwrap_or_default(),
        tenants: frame
            .tenants
            .iter()
            .map(|m| NavTenant {
                current: m.tenant.id == frame.owner.tenant_id,
                id: m.tenant.id,
                name: m.tenant.name.clone(),
            })
            .collect(),
        csrf: user.csrf.clone(),
        path: path.to_owned(),
        flash: super::flash::read(headers),
    };
    Ok((user, nav, frame.access))
}

/// A page of the signed-in user's current workspace, for a role allowed `N`. The extractor
/// makes one query on the app pool ([`signed_in_frame`]: session, user, switcher and the
/// membership check at once, where there were four queries), and the handler opens its
/// transaction with [`Web::begin`].
pub struct Web<N: Need> {
    pub ctx: TenantCtx<N>,
    pub user: WebUser,
    pub nav: Nav,
}

impl<N: Need> FromRequestParts<AppState> for Web<N> {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, WebError> {
        let (user, nav, access) = signed_in_frame(st, &parts.headers, parts.uri.path()).await?;
        // A live session without a membership in its workspace: sign in again (the answer
        // `TenantCtx::authorize` gives for a session's own tenant).
        let ctx = TenantCtx::<N>::admitted(access.ok_or(WebError::SignIn)?)?;
        ctx.migrate_if_lagging(st).await?;
        Ok(Web { ctx, user, nav })
    }
}

impl<N: Need> Web<N> {
    /// The same page with the role checked for `M` instead (a write handler showing its read
    /// page again with the form's errors).
    pub fn to<M: Need>(self) -> Result<Web<M>, WebError> {
        Ok(Web {
            ctx: self.ctx.to::<M>()?,
            user: self.user,
            nav: self.nav,
        })
    }

    /// Opens the page's tenant transaction. The membership was checked by the frame's query
    /// of this request; checking it again inside the BEGIN (as the JSON API's `Scoped` does,
    /// where it saves a round trip) was measured here to add 0.3–0.7 ms to every page
    /// (docs/benchmarks.md), for a window of a millisecond.
    pub async fn begin(&self, st: &AppState) -> Result<TenantTx, WebError> {
        Ok(TenantTx::begin(&st.db, &self.ctx.scope)
            .await
            .map_err(ApiError::from)?)
    }
}

#[derive(Deserialize)]
struct CsrfOnly {
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
}

/// A URL-encoded form whose CSRF token (field `_csrf` or header `X-CSRF-Token`) matches the
/// browser's cookie; anything else is refused with 403 before the handler runs. Repeated
/// fields fill `Vec`s (checkbox groups).
pub struct CsrfForm<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for CsrfForm<T> {
    type Rejection = WebError;

    async fn from_request(req: Request, st: &AppState) -> Result<Self, WebError> {
        let jar = CookieJar::from_headers(req.headers());
        let header = req
            .headers()
            .get(CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = axum::body::Bytes::from_request(req, st)
            .await
            .map_err(|_| WebError::Api(ApiError::PayloadTooLarge))?;
        let presented = serde_html_form::from_bytes::<CsrfOnly>(&body)
            .ok()
            .and_then(|c| c.csrf)
            .or(header);
        check_csrf(st, &jar, presented.as_deref())?;
        if let Some(name) = std::str::from_utf8(&body)
            .ok()
            .and_then(crate::json::forbidden_in_query)
        {
            let message = format!("{name} must not contain control characters");
            return Err(ApiError::field(wisdomos_core::FieldError::new(
                &name,
                "invalid_characters",
                message,
            ))
            .into());
        }
        let value = serde_html_form::from_bytes::<T>(&body)
            .map_err(|e| WebError::BadForm(e.to_string()))?;
        Ok(CsrfForm(value))
    }
}

/// Refuses (403 `csrf_failed`) unless `presented` is the token for this browser's cookie.
pub fn check_csrf(st: &AppState, jar: &CookieJar, presented: Option<&str>) -> Result<(), WebError> {
    let basis = csrf_basis(jar).ok_or(WebError::Csrf)?;
    match presented {
        Some(p) if csrf_valid(&st.config.jwt_secret, &basis, p) => Ok(()),
        _ => Err(WebError::Csrf),
    }
}

/// The form of handlers that take no fields besides the CSRF token.
#[derive(Debug, Default, Deserialize)]
pub struct NoFields {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csrf_tokens_are_bound_to_the_cookie() {
        let secret = b"0123456789abcdef0123456789abcdef";
        let t = csrf_token(secret, "cookie-a");
        assert_eq!(t.len(), 43);
        assert!(csrf_valid(secret, "cookie-a", &t));
        assert!(!csrf_valid(secret, "cookie-b", &t));
        assert!(!csrf_valid(
            b"another secret another secret!!!",
            "cookie-a",
            &t
        ));
        assert!(!csrf_valid(secret, "cookie-a", ""));
        assert!(!csrf_valid(secret, "cookie-a", "not base64 !"));
    }
}
