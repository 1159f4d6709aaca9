//! Prometheus metrics for operators (`GET /metrics`, OpenMetrics text format): HTTP requests by
//! route template and status, their latency, the database pools and the job queue.
//!
//! Labels name route templates (`/api/v1/events/{id}`), never a concrete path, id, tenant or
//! user: no personal data leaves through metrics, and the number of series stays bounded.

use std::sync::atomic::AtomicU64;
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;
use wisdomos_db::jobs::QueueStats;
use wisdomos_db::PoolStats;

use crate::AppState;

/// Content type of the OpenMetrics text format that [`Telemetry::encode`] writes.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: &'static str,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: &'static str,
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PoolLabels {
    pool: &'static str,
    state: &'static str,
}

/// The method as a label: one of the nine methods of RFC 9110 §9 and RFC 5789, else `other`,
/// so arbitrary method names cannot grow the label set.
fn method_label(method: &str) -> &'static str {
    const KNOWN: [&str; 9] = [
        "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT",
    ];
    KNOWN.into_iter().find(|m| *m == method).unwrap_or("other")
}

/// Latency buckets in seconds: 0.25 ms doubling to about 16 s.
fn latency_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.000_25, 2.0, 17))
}

/// The process's metrics and their registry; one per [`AppState`].
pub struct Telemetry {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram, fn() -> Histogram>,
    pool_connections: Family<PoolLabels, Gauge>,
    jobs_pending: Gauge,
    jobs_processing: Gauge,
    jobs_oldest_due: Gauge<f64, AtomicU64>,
}

impl Default for Telemetry {
    fn default() -> Self {
        Self::new()
    }
}

impl Telemetry {
    /// A registry holding every WisdomOS metric (names prefixed `wisdomos_`).
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("wisdomos");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by method, route template and status",
            requests.clone(),
        );
        let latency = Family::<RouteLabels, Histogram, fn() -> Histogram>::new_with_constructor(
            latency_histogram,
        );
        registry.register(
            "http_request_duration_seconds",
            "Time from request to response head, by method and route template",
            latency.clone(),
        );
        let pool_connections = Family::<PoolLabels, Gauge>::default();
        registry.register(
            "db_pool_connections",
            "Open database connections of each pool (app, owner), idle or in use",
            pool_connections.clone(),
        );
        let jobs_pending = Gauge::default();
        registry.register(
            "jobs_pending",
            "Jobs waiting in the queue (due or scheduled)",
            jobs_pending.clone(),
        );
        let jobs_processing = Gauge::default();
        registry.register(
            "jobs_processing",
            "Jobs a worker holds a lease on",
            jobs_processing.clone(),
        );
        let jobs_oldest_due = Gauge::<f64, AtomicU64>::default();
        registry.register(
            "jobs_oldest_due_seconds",
            "How long the longest-waiting due job has waited (0 when none is due)",
            jobs_oldest_due.clone(),
        );
        Self {
            registry,
            requests,
            latency,
            pool_connections,
            jobs_pending,
            jobs_processing,
            jobs_oldest_due,
        }
    }

    /// Counts one answered request of `route` (a template) and its latency.
    pub fn observe(&self, method: &str, route: &str, status: StatusCode, elapsed: Duration) {
        self.requests
            .get_or_create(&RequestLabels {
                method: method_label(method),
                route: route.to_owned(),
                status: status.as_u16(),
            })
            .inc();
        self.latency
            .get_or_create(&RouteLabels {
                method: method_label(method),
                route: route.to_owned(),
            })
            .observe(elapsed.as_secs_f64());
    }

    /// Counts a request no route matched (answered 404) under the route `unmatched`: scans and
    /// stale links show up without their paths becoming labels.
    pub fn count_unmatched(&self, method: &str) {
        self.requests
            .get_or_create(&RequestLabels {
                method: method_label(method),
                route: "unmatched".to_owned(),
                status: StatusCode::NOT_FOUND.as_u16(),
            })
            .inc();
    }

    /// The metrics in the OpenMetrics text format, with the pools and the queue as given.
    /// `queue` is `None` when it could not be read; its gauges then keep their last values.
    pub fn encode(&self, pools: &[PoolStats], queue: Option<QueueStats>) -> String {
        for p in pools {
            for (state, n) in [("idle", p.idle), ("in_use", p.size.saturating_sub(p.idle))] {
                self.pool_connections
                    .get_or_create(&PoolLabels {
                        pool: p.name,
                        state,
                    })
                    .set(i64::from(n));
            }
        }
        if let Some(q) = queue {
            self.jobs_pending.set(q.pending);
            self.jobs_processing.set(q.processing);
            self.jobs_oldest_due.set(q.oldest_due_secs);
        }
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }
}

/// Middleware (a route layer, so the route template is known): times each request of a matched
/// route and counts it by status.
pub async fn track(State(st): State<AppState>, req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_owned());
    let method = req.method().as_str().to_owned();
    let started = Instant::now();
    let response = next.run(req).await;
    if let Some(route) = route {
        st.telemetry
            .observe(&method, &route, response.status(), started.elapsed());
    }
    response
}

/// `GET /metrics`: every metric, the pools and the job queue read now. A queue that cannot be
/// read is logged and left out; the rest is still served. With
/// [`crate::ServerConfig::metrics_token`] set, only `Authorization: Bearer <token>` is served
/// (401 otherwise; the comparison takes the same time wherever the tokens differ).
pub async fn metrics(State(st): State<AppState>, headers: axum::http::HeaderMap) -> Response {
    if let Some(token) = &st.config.metrics_token {
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or("");
        if !crate::auth::constant_time_eq(given.as_bytes(), token.as_bytes()) {
            return crate::ApiError::Unauthorized.into_response();
        }
    }
    let queue = match wisdomos_db::jobs::queue_stats(st.db.worker(), st.clock.now()).await {
        Ok(q) => Some(q),
        Err(e) => {
            tracing::warn!(error = %e, "metrics: the job queue could not be read");
            None
        }
    };
    let body = st.telemetry.encode(&st.db.pool_stats(), queue);
    (
        [(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE))],
        body,
    )
        .into_response()
}
