//! `/api/v1/openapi.json` and a self-contained docs page at `/api/docs` (no external scripts).

use std::fmt::Write;
use std::sync::Arc;

use axum::response::Html;
use axum::routing::get;
use axum::{Json, Router};
use utoipa::openapi::OpenApi;

use crate::AppState;

/// Docs routes: `published` as JSON, and a page rendered from the generated document `doc`.
pub fn router(published: Arc<serde_json::Value>, doc: &OpenApi) -> Router<AppState> {
    let page = Arc::new(render(doc));
    let policy = axum::http::HeaderValue::from_str(&page_policy())
        .unwrap_or_else(|_| axum::http::HeaderValue::from_static("default-src 'none'"));
    Router::new()
        .route(
            "/api/v1/openapi.json",
            get(move || {
                let doc = published.clone();
                async move { Json((*doc).clone()) }
            }),
        )
        .route(
            "/api/docs",
            get(move || {
                let (page, policy) = (page.clone(), policy.clone());
                async move {
                    (
                        [(axum::http::header::CONTENT_SECURITY_POLICY, policy)],
                        Html((*page).clone()),
                    )
                }
            }),
        )
}

/// The page's only style, inline so the page needs nothing else; allowed by its hash.
const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.5}\
.op{border:1px solid #ccc;border-radius:6px;padding:.5rem 1rem;margin:1rem 0}.m{font-weight:700;text-transform:uppercase;margin-right:.5rem}\
code{background:#f4f4f4;padding:0 .2rem}";

/// The docs page's Content-Security-Policy: nothing loads but its own inline style (CSP Level 3
/// hash source).
fn page_policy() -> String {
    use base64::Engine;
    use sha2::{Digest, Sha256};
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(STYLE.as_bytes()));
    format!("default-src 'none'; style-src 'sha256-{hash}'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Renders every operation with its summary, description, parameters and responses.
fn render(doc: &OpenApi) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} — API</title><style>{STYLE}</style></head><body><h1>{title} {version}</h1><p>{desc}</p>\
         <p>Machine-readable: <a href=\"/api/v1/openapi.json\">/api/v1/openapi.json</a> (OpenAPI 3.1), which also lists the error statuses every operation shares (400, 401, 403, 404, 409, 413, 415, 422, 429, 503; body <code>{{\"error\": {{\"code\", \"message\", \"details\"}}}}</code>).</p>",
        title = esc(&doc.info.title),
        version = esc(&doc.info.version),
        desc = esc(doc.info.description.as_deref().unwrap_or("")),
    );
    for (path, item) in &doc.paths.paths {
        let ops = [
            ("get", &item.get),
            ("post", &item.post),
            ("put", &item.put),
            ("patch", &item.patch),
            ("delete", &item.delete),
        ];
        for (method, op) in ops {
            let Some(op) = op else { continue };
            let _ = write!(
                out,
                "<section class=\"op\"><h2><span class=\"m\">{method}</span><code>{}</code></h2>",
                esc(path)
            );
            if let Some(s) = &op.summary {
                let _ = write!(out, "<p><strong>{}</strong></p>", esc(s));
            }
            if let Some(d) = &op.description {
                let _ = write!(out, "<p>{}</p>", esc(d));
            }
            if let Some(params) = &op.parameters {
                out.push_str("<p>Parameters: ");
                let names: Vec<String> = params
                    .iter()
                    .map(|p| format!("<code>{}</code>", esc(&p.name)))
                    .collect();
                out.push_str(&names.join(", "));
                out.push_str("</p>");
            }
            out.push_str("<ul>");
            for (status, resp) in &op.responses.responses {
                let text = match resp {
                    utoipa::openapi::RefOr::T(r) => r.description.clone(),
                    utoipa::openapi::RefOr::Ref(r) => r.ref_location.clone(),
                };
                let _ = write!(out, "<li><code>{}</code> {}</li>", esc(status), esc(&text));
            }
            out.push_str("</ul></section>");
        }
    }
    out.push_str("</body></html>");
    out
}
