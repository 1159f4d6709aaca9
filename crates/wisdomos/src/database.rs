//! Opening the database every command uses: `DATABASE_URL` when set, else the embedded cluster
//! in the data directory (the running one, or one started for the length of the command).

use std::path::Path;
use std::str::FromStr;

use anyhow::Context;
use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection, PgConnection};
use wisdomos_db::embedded::{self, EmbeddedPostgres};
use wisdomos_db::{Database, DbConfig};

use crate::config::{env_or, Secrets};

/// An open database and, when embedded, the cluster (stopped on drop if we started it).
pub struct Opened {
    pub db: Database,
    pub embedded: Option<EmbeddedPostgres>,
}

impl Opened {
    /// Closes the pools, then stops the embedded cluster if this process started it.
    pub async fn shutdown(mut self) -> anyhow::Result<()> {
        self.db.close().await;
        if let Some(mut pg) = self.embedded.take() {
            tokio::task::spawn_blocking(move || pg.stop()).await??;
        }
        Ok(())
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
            (pg.admin_options(embedded::DATABASE), Some(pg))
        }
    };
    let cfg = DbConfig {
        admin,
        role_password: secrets.db_role_password.clone(),
        max_connections,
        acquire_timeout: std::time::Duration::from_millis(acquire_ms.max(1)),
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
