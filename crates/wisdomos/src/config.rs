//! Configuration from the environment, an optional TOML file and the data directory: logging
//! and generated secrets.

use std::io::{IsTerminal, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::{Deserialize, Serialize};
use tracing_subscriber::EnvFilter;

/// Logs go to stderr: JSON for `serve` when stderr is not a terminal (or with
/// `WISDOMOS_LOG_FORMAT=json`), plain text otherwise. The level comes from `WISDOMOS_LOG`
/// (default `info`, with one line per request at `debug`; `warn` for operator commands).
pub fn init_tracing(serving: bool) {
    // PostgreSQL's NOTICEs ("schema already exists, skipping") are not news for an operator.
    let default = if serving {
        "info,sqlx::postgres::notice=warn"
    } else {
        "warn"
    };
    let filter =
        EnvFilter::try_from_env("WISDOMOS_LOG").unwrap_or_else(|_| EnvFilter::new(default));
    // JSON lines for log collectors; a person at a terminal reads plain text.
    let json = std::env::var("WISDOMOS_LOG_FORMAT")
        .map_or(serving && !std::io::stderr().is_terminal(), |f| f == "json");
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if json {
        builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .init();
    } else {
        builder.init();
    }
}

/// Secrets generated on first start and kept in `<data-dir>/secrets.json` (mode 0600). The
/// environment (`WISDOMOS_JWT_SECRET`, `WISDOMOS_DB_ROLE_PASSWORD`) overrides them.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Secrets {
    pub jwt_secret: String,
    pub db_role_password: String,
}

fn random_hex() -> String {
    // Two v4 UUIDs from the OS generator: 244 random bits.
    format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    )
}

impl Secrets {
    /// Loads the secrets file, creating it when missing, and applies environment overrides.
    pub fn load(data_dir: &Path) -> anyhow::Result<Self> {
        std::fs::create_dir_all(data_dir)
            .with_context(|| format!("cannot create data directory {}", data_dir.display()))?;
        let path = data_dir.join("secrets.json");
        let mut secrets = match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .with_context(|| format!("{} is not a valid secrets file", path.display()))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let s = Secrets {
                    jwt_secret: random_hex(),
                    db_role_password: random_hex(),
                };
                let mut f = std::fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .mode(0o600)
                    .open(&path)
                    .with_context(|| format!("cannot create {}", path.display()))?;
                f.write_all(&serde_json::to_vec_pretty(&s)?)?;
                s
            }
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
        };
        if let Ok(v) = std::env::var("WISDOMOS_JWT_SECRET") {
            anyhow::ensure!(
                v.len() >= 32,
                "WISDOMOS_JWT_SECRET must be at least 32 bytes"
            );
            secrets.jwt_secret = v;
        }
        if let Ok(v) = std::env::var("WISDOMOS_DB_ROLE_PASSWORD") {
            secrets.db_role_password = v;
        }
        Ok(secrets)
    }
}

/// An environment variable parsed as `T`, or `default` when unset.
pub fn env_or<T: std::str::FromStr>(name: &str, default: T) -> anyhow::Result<T> {
    match std::env::var(name) {
        Ok(v) => v
            .parse()
            .map_err(|_| anyhow::anyhow!("{name}={v} is not valid")),
        Err(_) => Ok(default),
    }
}

/// The optional configuration file (`--config FILE` or `WISDOMOS_CONFIG`): every key stands for
/// the environment variable of the same name (`listen` for `WISDOMOS_LISTEN`, `database_url`
/// for `DATABASE_URL`) and is used only where that variable is unset, so precedence is flag >
/// environment > file > default. Unknown keys and wrongly typed values are refused.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub database_url: Option<String>,
    pub data_dir: Option<PathBuf>,
    pub listen: Option<String>,
    pub jwt_secret: Option<String>,
    pub db_role_password: Option<String>,
    pub db_max_connections: Option<u32>,
    pub db_acquire_timeout_ms: Option<u64>,
    pub metrics_token: Option<String>,
    pub trusted_proxies: Option<String>,
    pub spare_schemas: Option<u32>,
    pub auth_rate_burst: Option<u32>,
    pub auth_rate_period_ms: Option<u64>,
    pub pg_bin: Option<PathBuf>,
    pub log: Option<String>,
    pub log_format: Option<String>,
    pub model_dir: Option<PathBuf>,
    pub model_fetch: Option<bool>,
    pub package_index: Option<String>,
    pub embed_sessions: Option<u32>,
    pub knowledge_cache_mb: Option<u32>,
}

impl FileConfig {
    /// Reads and checks `path`. Errors name the file and, for a bad key or value, its line.
    pub fn load(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the configuration file {}", path.display()))?;
        toml::from_str(&text)
            .with_context(|| format!("{} is not a valid configuration file", path.display()))
    }

    /// The settings as (environment variable, value) pairs.
    fn variables(&self) -> Vec<(&'static str, String)> {
        let path = |p: &Option<PathBuf>| p.as_ref().map(|p| p.display().to_string());
        let num = |n: Option<u64>| n.map(|n| n.to_string());
        [
            ("DATABASE_URL", self.database_url.clone()),
            ("WISDOMOS_DATA_DIR", path(&self.data_dir)),
            ("WISDOMOS_LISTEN", self.listen.clone()),
            ("WISDOMOS_JWT_SECRET", self.jwt_secret.clone()),
            ("WISDOMOS_DB_ROLE_PASSWORD", self.db_role_password.clone()),
            (
                "WISDOMOS_DB_MAX_CONNECTIONS",
                num(self.db_max_connections.map(u64::from)),
            ),
            (
                "WISDOMOS_DB_ACQUIRE_TIMEOUT_MS",
                num(self.db_acquire_timeout_ms),
            ),
            ("WISDOMOS_METRICS_TOKEN", self.metrics_token.clone()),
            ("WISDOMOS_TRUSTED_PROXIES", self.trusted_proxies.clone()),
            (
                "WISDOMOS_SPARE_SCHEMAS",
                num(self.spare_schemas.map(u64::from)),
            ),
            (
                "WISDOMOS_AUTH_RATE_BURST",
                num(self.auth_rate_burst.map(u64::from)),
            ),
            (
                "WISDOMOS_AUTH_RATE_PERIOD_MS",
                num(self.auth_rate_period_ms),
            ),
            ("WISDOMOS_PG_BIN", path(&self.pg_bin)),
            ("WISDOMOS_LOG", self.log.clone()),
            ("WISDOMOS_LOG_FORMAT", self.log_format.clone()),
            ("WISDOMOS_MODEL_DIR", path(&self.model_dir)),
            (
                "WISDOMOS_MODEL_FETCH",
                self.model_fetch.map(|b| b.to_string()),
            ),
            ("WISDOMOS_PACKAGE_INDEX", self.package_index.clone()),
            (
                "WISDOMOS_EMBED_SESSIONS",
                num(self.embed_sessions.map(u64::from)),
            ),
            (
                "WISDOMOS_KNOWLEDGE_CACHE_MB",
                num(self.knowledge_cache_mb.map(u64::from)),
            ),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k, v)))
        .collect()
    }

    /// Sets each variable the file gives and the environment lacks. Must run before any other
    /// thread exists (the process environment is not synchronised); `main` calls it before it
    /// builds the runtime. Returns a warning when the file holds a secret and others may read it.
    pub fn apply(&self, path: &Path) -> Option<String> {
        for (name, value) in self.variables() {
            if std::env::var_os(name).is_none() {
                std::env::set_var(name, value);
            }
        }
        let secret = self.jwt_secret.is_some() || self.db_role_password.is_some();
        let open = std::fs::metadata(path).is_ok_and(|m| {
            use std::os::unix::fs::PermissionsExt;
            m.permissions().mode() & 0o077 != 0
        });
        (secret && open).then(|| {
            format!(
                "warning: {} holds a secret and is readable by other users; chmod 600 it",
                path.display()
            )
        })
    }
}
