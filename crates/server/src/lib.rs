//! HTTP for WisdomOS: the axum router under `/api/v1`, extractors for identity, tenant and
//! role, the error type, authentication and the OpenAPI document.
//!
//! A request flows one way: extractor (who, which tenant, which role) → handler (parse into
//! domain types) → repository inside one transaction → response.

pub mod asking;
pub mod auth;
pub mod client_ip;
pub mod clock;
pub mod config;
pub mod download;
pub mod error;
pub mod extract;
pub mod guard;
pub mod importing;
pub mod json;
pub mod pagination;
pub mod routes;
pub mod scoped;
pub mod slots;
pub mod state;
pub mod telemetry;
pub mod web;

pub use clock::{Clock, SystemClock};
pub use config::ServerConfig;
pub use error::ApiError;
pub use state::AppState;

use std::net::SocketAddr;
use std::time::Duration;

use axum::http::{HeaderName, Request};
use axum::Router;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{
    MakeRequestUuid, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// Header carrying the request id (taken from the client when present, else a new UUID).
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// The whole HTTP application: API routes, docs, health checks and the middleware stack.
pub fn app(state: AppState) -> Router {
    let request_id = HeaderName::from_static(REQUEST_ID_HEADER);
    let routes = routes::router(state)
        .layer(axum::middleware::from_fn(guard::refuse_control_characters))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            Duration::from_secs(30),
        ))
        .layer(CatchPanicLayer::custom(|_| {
            axum::response::IntoResponse::into_response(ApiError::Internal(
                "handler panicked".into(),
            ))
        }))
        .layer(axum::middleware::from_fn(guard::uniform_errors));
    guard::security_headers(routes)
        .layer(
            tower_http::compression::CompressionLayer::new()
                .gzip(true)
                .br(true),
        )
        .layer(
            TraceLayer::new_for_http()
                .on_response(
                    // One line per request is for debugging; the terminal shows what matters.
                    tower_http::trace::DefaultOnResponse::new().level(tracing::Level::DEBUG),
                )
                .on_failure(tower_http::trace::DefaultOnFailure::new().level(tracing::Level::ERROR))
                .make_span_with(|req: &Request<_>| {
                    let id = req
                        .extensions()
                        .get::<RequestId>()
                        .and_then(|r| r.header_value().to_str().ok())
                        .unwrap_or("-");
                    tracing::info_span!(
                        "request",
                        request_id = %id,
                        method = %req.method(),
                        path = %req.uri().path(),
                        user_id = tracing::field::Empty,
                        tenant_id = tracing::field::Empty,
                    )
                }),
        )
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
}

/// Serves `app` on `listener` until `shutdown` completes, then lets requests in flight finish.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
