//! Configuration from the environment and the data directory: logging and generated secrets.

use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use anyhow::Context;
use serde::{Deserialize, Serialize};
use tracing_subscriber::EnvFilter;

/// Logs go to stderr: JSON for `serve` (or `WISDOMOS_LOG_FORMAT=json`), plain text otherwise.
/// The level comes from `WISDOMOS_LOG` (default `info`; `warn` for operator commands).
pub fn init_tracing(serving: bool) {
    let default = if serving { "info" } else { "warn" };
    let filter =
        EnvFilter::try_from_env("WISDOMOS_LOG").unwrap_or_else(|_| EnvFilter::new(default));
    let json = std::env::var("WISDOMOS_LOG_FORMAT").map_or(serving, |f| f == "json");
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
