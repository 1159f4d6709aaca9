//! Request hygiene around every route: control characters refused before routing, the
//! framework's own plain-text or empty rejections turned into the error JSON, and the security
//! headers every response carries unless its route set its own.

use axum::body::Body;
use axum::http::{header, HeaderValue, Request, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Router;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::ApiError;

/// Content-Security-Policy of responses that are not pages (JSON, plain text): nothing may load.
pub const API_CONTENT_SECURITY_POLICY: &str = "default-src 'none'; frame-ancestors 'none'";

/// Refuses a request whose path or query holds a control character (400 `invalid_path` or
/// `invalid_query` naming the parameter) before any route sees it: ids, slugs and filters reach
/// PostgreSQL, which cannot store NUL, and nothing legitimate carries one.
pub async fn refuse_control_characters(req: Request<Body>, next: Next) -> Response {
    let path = req.uri().path();
    if path.contains('%')
        && percent_encoding::percent_decode_str(path)
            .decode_utf8_lossy()
            .chars()
            .any(wisdomos_core::validation::is_forbidden_char)
    {
        return ApiError::InvalidPath.into_response();
    }
    if let Some(name) = req.uri().query().and_then(crate::json::forbidden_in_query) {
        return ApiError::InvalidQuery(format!("{name} must not contain control characters"))
            .into_response();
    }
    next.run(req).await
}

/// Replaces an error answered by the framework itself (a plain-text or empty body: a path
/// parameter of the wrong type, a method the route lacks, a body over the limit, the 30-second
/// timeout) with the error JSON every other error has, keeping `Allow` on a 405.
pub async fn uniform_errors(req: Request<Body>, next: Next) -> Response {
    let resp = next.run(req).await;
    let status = resp.status();
    let described = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.contains("json") || t.contains("html"));
    if described || !(status.is_client_error() || status.is_server_error()) {
        return resp;
    }
    let error = match status {
        StatusCode::BAD_REQUEST => ApiError::BadRequest,
        StatusCode::NOT_FOUND => ApiError::NotFound,
        StatusCode::METHOD_NOT_ALLOWED => ApiError::MethodNotAllowed,
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge,
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::UnsupportedMediaType,
        StatusCode::SERVICE_UNAVAILABLE => ApiError::Unavailable("request timed out".into()),
        _ => return resp,
    };
    let allow = resp.headers().get(header::ALLOW).cloned();
    let mut out = error.into_response();
    if let Some(allow) = allow {
        out.headers_mut().insert(header::ALLOW, allow);
    }
    out
}

/// `X-Content-Type-Options: nosniff`, a Content-Security-Policy that loads nothing and
/// `Cache-Control: no-store` (answers hold personal data) on every response whose route did not
/// set its own (pages set a page policy, assets a public cache time).
pub fn security_headers(r: Router) -> Router {
    r.layer(SetResponseHeaderLayer::if_not_present(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    ))
    .layer(SetResponseHeaderLayer::if_not_present(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(API_CONTENT_SECURITY_POLICY),
    ))
    .layer(SetResponseHeaderLayer::if_not_present(
        header::CACHE_CONTROL,
        HeaderValue::from_static("no-store"),
    ))
}
