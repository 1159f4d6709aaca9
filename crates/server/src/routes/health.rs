//! `/healthz` (the process answers), `/readyz` (the database answers) and `/metrics`
//! (Prometheus, see [`crate::telemetry`]).

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;

use crate::AppState;

/// Health routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/healthz",
            get(|| async { Json(json!({ "status": "ok" })) }),
        )
        .route("/readyz", get(ready))
        .route("/metrics", get(crate::telemetry::metrics))
}

/// Answers within a second: a database that does not answer by then counts as down. The
/// details say whether the semantic engine has a model (without one the server is still
/// ready: knowledge search ranks by words only).
async fn ready(State(st): State<AppState>) -> (StatusCode, Json<serde_json::Value>) {
    let engine = &st.config.knowledge.engine;
    let semantic = match engine.model() {
        Some(model) => json!({ "status": "ready", "model": model }),
        None => json!({
            "status": "no model",
            "detail": "knowledge search ranks by words only; run `wisdomos models fetch` or set WISDOMOS_MODEL_DIR"
        }),
    };
    if st.db.ping(std::time::Duration::from_millis(800)).await {
        (
            StatusCode::OK,
            Json(json!({ "status": "ready", "semanticSearch": semantic })),
        )
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({ "status": "database unreachable", "semanticSearch": semantic })),
        )
    }
}
