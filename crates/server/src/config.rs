//! Settings of the HTTP layer.

use chrono::Duration;

/// Settings of the HTTP layer; [`ServerConfig::new`] gives the defaults below.
#[derive(Clone)]
pub struct ServerConfig {
    /// HS256 key for access tokens, at least 32 bytes.
    pub jwt_secret: Vec<u8>,
    /// `iss` claim written and required. Default `wisdomos`.
    pub jwt_issuer: String,
    /// `aud` claim written and required. Default `wisdomos-api`.
    pub jwt_audience: String,
    /// Access-token lifetime; at most 15 minutes. Default 15 minutes.
    pub access_ttl: Duration,
    /// Refresh-token lifetime. Default 30 days.
    pub refresh_ttl: Duration,
    /// Failures within [`ServerConfig::lockout_window`] that lock an account. Default 10.
    pub lockout_failures: i64,
    /// Default 15 minutes.
    pub lockout_window: Duration,
    /// Auth requests one IP may make in a burst. Default 20.
    pub auth_rate_burst: u32,
    /// One more auth request is allowed per this many milliseconds. Default 1,000.
    pub auth_rate_period_ms: u64,
    /// Largest request body in bytes. Default 64 KiB.
    pub body_limit: usize,
    /// Reverse proxies whose `X-Forwarded-For` is believed for the per-IP limit; empty (the
    /// default): the limit is keyed on the TCP peer.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// When set, `GET /metrics` requires `Authorization: Bearer <this>`. Default unset (serve
    /// `/metrics` only to the monitoring network then).
    pub metrics_token: Option<String>,
    /// Imports of one tenant that may run at once; more answer 429 `rate_limited`, so one
    /// tenant's imports cannot take every database connection. Default 2.
    pub imports_per_tenant: usize,
    /// Password hashes computed at once on the blocking pool. Default: the number of CPUs.
    pub hash_concurrency: usize,
    /// The semantic engine (its model, if loaded) and the knowledge-search indexes. Default: no
    /// model, so knowledge search ranks by words only.
    pub knowledge: wisdomos_app::knowledge::KnowledgeEngine,
    /// Who writes the assistant's answers. Default: extractive (offline).
    pub assistant: wisdomos_app::generation::Provider,
}

impl std::fmt::Debug for ServerConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerConfig")
            .field("jwt_secret", &"**redacted**")
            .field("jwt_issuer", &self.jwt_issuer)
            .finish_non_exhaustive()
    }
}

impl ServerConfig {
    /// Defaults with the given signing secret.
    pub fn new(jwt_secret: Vec<u8>) -> Self {
        Self {
            jwt_secret,
            jwt_issuer: "wisdomos".into(),
            jwt_audience: "wisdomos-api".into(),
            access_ttl: Duration::minutes(15),
            refresh_ttl: Duration::days(30),
            lockout_failures: 10,
            lockout_window: Duration::minutes(15),
            auth_rate_burst: 20,
            auth_rate_period_ms: 1000,
            body_limit: 64 * 1024,
            trusted_proxies: Vec::new(),
            metrics_token: None,
            imports_per_tenant: 2,
            hash_concurrency: std::thread::available_parallelism().map_or(2, |n| n.get()),
            knowledge: wisdomos_app::knowledge::KnowledgeEngine::default(),
            assistant: wisdomos_app::generation::Provider::default(),
        }
    }
}
