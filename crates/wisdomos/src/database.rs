//! Opening the database every command uses: `DATABASE_URL` when set, else the embedded cluster
//! in the data directory (the running one, or one started for the length of the command).

use std::path::Path;
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection, PgConnection};
use wisdomos_db::embedded::{self, EmbeddedPostgres};
use wisdomos_db::{Database, DbConfig};

use crate::config::{env_or, Secrets};

/// The embedded cluster, shared by the command and `serve`'s watchdog.
pub type SharedEmbedded = Arc<Mutex<EmbeddedPostgres>>;

/// An open database and, when embedded, the cluster (stopped on drop if we started it).
pub struct Opened {
    pub db: Database,
    pub embedded: Option<SharedEmbedded>,
}

impl Opened {
    /// Closes the pools, then stops the embedded cluster if this process started it.
    pub async fn shutdown(mut self) -> anyhow::Result<()> {
        self.db.close().await;
        if let Some(pg) = self.embedded.take() {
            tokio::task::spawn_blocking(move || {
                pg.lock().unwrap_or_else(|p| p.into_inner()).stop()
            })
            .await??;
        }
        Ok(())
    }
}

/// Until `stop` turns true, checks every second that the embedded postmaster lives, and starts
/// it again when it died, with a back-off of 0.5 s doubling to 8 s between failed starts. Pools
/// drop their broken connections on their own (each is tested before use), so requests recover
/// without a restart of `serve`; while the server is down they answer 503 within the acquire
/// timeout.
pub async fn watch_embedded(pg: SharedEmbedded, mut stop: tokio::sync::watch::Receiver<bool>) {
    let mut backoff = Duration::from_millis(500);
    loop {
        let wait = tokio::time::sleep(Duration::from_secs(1));
        tokio::select! {
            _ = stop.wait_for(|s| *s) => return,
            () = wait => {}
        }
        let pg = pg.clone();
        let outcome = tokio::task::spawn_blocking(move || {
            pg.lock()
                .unwrap_or_else(|p| p.into_inner())
                .restart_if_dead()
        })
        .await;
        match outcome {
            Ok(Ok(false)) => backoff = Duration::from_millis(500),
            Ok(Ok(true)) => {
                tracing::warn!("the embedded PostgreSQL had stopped; started it again");
                backoff = Duration::from_millis(500);
            }
            Ok(Err(e)) => {
                tracing::error!(error = %e, retry_in_ms = backoff.as_millis() as u64, "restarting the embedded PostgreSQL failed");
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(8));
            }
            Err(e) => tracing::error!(error = %e, "the PostgreSQL watchdog task failed"),
        }
    }
}

/// Opens the database for a command.
pub async fn open(
    data_dir: &Path,
    database_url: Option<&str>,
    secrets: &Secrets,
) -> anyhow::Result<Opened> {
    let max_connections = env_or("WISDOMOS_DB_MAX_CONNECTIONS", 10u32)?;
    let acquire_ms = env_or(
        "WISDOMOS_DB_ACQUIRE_TIMEOUT_MS",
        wisdomos_db::bootstrap::DEFAULT_ACQUIRE_TIMEOUT.as_millis() as u64,
    )?;
    let (admin, embedded) = match database_url {
        Some(url) => (
            PgConnectOptions::from_str(url)
                .context("DATABASE_URL is not a valid PostgreSQL URL")?,
            None,
        ),
        None => {
            let dir = data_dir.to_path_buf();
            let pg = tokio::task::spawn_blocking(move || EmbeddedPostgres::start(&dir)).await??;
            if pg.started_here() {
                tracing::info!("started the embedded PostgreSQL");
            }
            ensure_database(&pg).await?;
            (
                pg.admin_options(embedded::DATABASE),
                Some(Arc::new(Mutex::new(pg))),
            )
        }
    };
    let cfg = DbConfig {
        admin,
        role_password: secrets.db_role_password.clone(),
        max_connections,
        acquire_timeout: Duration::from_millis(acquire_ms.max(1)),
    };
    let db = Database::connect(&cfg)
        .await
        .context("cannot connect to PostgreSQL")?;
    Ok(Opened { db, embedded })
}

async fn ensure_database(pg: &EmbeddedPostgres) -> anyhow::Result<()> {
    let opts = pg
        .admin_options("postgres")
        .log_statements(tracing::log::LevelFilter::Off);
    let mut conn = PgConnection::connect_with(&opts)
        .await
        .context("cannot connect to the embedded PostgreSQL")?;
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(embedded::DATABASE)
            .fetch_one(&mut conn)
            .await?;
    if !exists {
        sqlx::Executor::execute(
            &mut conn,
            format!("CREATE DATABASE {}", embedded::DATABASE).as_str(),
        )
        .await?;
    }
    conn.close().await?;
    Ok(())
}
