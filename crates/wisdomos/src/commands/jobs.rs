//! `wisdomos jobs work|list|retry|cancel`.

use clap::Subcommand;
use uuid::Uuid;
use wisdomos_db::{jobs, tenants, Database};
use wisdomos_jobs::{Registry, Worker, WorkerConfig};

/// Job subcommands.
#[derive(Debug, Subcommand)]
pub enum JobsCommand {
    /// Run a worker and the scheduler until Ctrl-C or SIGTERM (several may share the queue, with
    /// `serve --no-jobs`).
    Work {
        /// Jobs run at once.
        #[arg(long, default_value_t = 8)]
        concurrency: usize,
        /// Seconds a claim holds without a heartbeat (a dead worker's jobs return after this).
        #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u32).range(2..=3600))]
        lease_secs: u32,
    },
    /// List jobs, newest first.
    List {
        /// Only this tenant's (id or slug).
        #[arg(long)]
        tenant: Option<String>,
        /// pending, processing, completed, failed or cancelled.
        #[arg(long)]
        status: Option<String>,
        /// Show at most this many jobs.
        #[arg(long, default_value_t = 50)]
        limit: i64,
    },
    /// Put a failed or cancelled job back in the queue with fresh attempts.
    Retry {
        /// The job's id (from `jobs list`).
        id: Uuid,
    },
    /// Cancel a pending or running job.
    Cancel {
        /// The job's id (from `jobs list`).
        id: Uuid,
    },
}

/// Runs a jobs subcommand.
pub async fn run(
    cmd: JobsCommand,
    db: &Database,
    data_dir: &std::path::Path,
) -> anyhow::Result<()> {
    let now = chrono::Utc::now();
    match cmd {
        JobsCommand::Work {
            concurrency,
            lease_secs,
        } => {
            let config = WorkerConfig {
                lease: chrono::Duration::seconds(i64::from(lease_secs)),
                heartbeat: std::time::Duration::from_secs(u64::from(lease_secs).div_ceil(3)),
                ..WorkerConfig::with_concurrency(concurrency)
            };
            let engine = super::models::load_engine(data_dir).await?;
            let worker = Worker::new(db.clone(), Registry::standard_with(engine), config);
            println!("worker {} running with {concurrency} slots", worker.id());
            let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
            let scheduler = wisdomos_jobs::Scheduler::new(db.clone());
            let mut stop = stop_rx.clone();
            let scheduling = scheduler.run(async move {
                let _ = stop.wait_for(|s| *s).await;
            });
            let mut stop = stop_rx;
            let working = worker.run(async move {
                let _ = stop.wait_for(|s| *s).await;
            });
            tokio::spawn(async move {
                super::serve::shutdown_signal().await;
                let _ = stop_tx.send(true);
            });
            tokio::join!(scheduling, working);
        }
        JobsCommand::List {
            tenant,
            status,
            limit,
        } => {
            let tenant_id = match tenant {
                Some(t) => Some(
                    tenants::find(db.owner(), &t)
                        .await
                        .map_err(|_| anyhow::anyhow!("no tenant {t}"))?
                        .id,
                ),
                None => None,
            };
            println!(
                "{:<36}  {:<36}  {:<18}  {:<10}  {:>8}  ERROR",
                "ID", "TENANT", "TYPE", "STATUS", "ATTEMPTS"
            );
            for j in jobs::list_all(db.worker(), status.as_deref(), tenant_id, limit).await? {
                println!(
                    "{:<36}  {:<36}  {:<18}  {:<10}  {:>4}/{:<3}  {}",
                    j.id,
                    j.tenant_id,
                    j.job_type,
                    j.status,
                    j.attempts,
                    j.max_attempts,
                    j.error.unwrap_or_default()
                );
            }
        }
        JobsCommand::Retry { id } => {
            let j = jobs::retry(db.worker(), id, now)
                .await
                .map_err(|e| anyhow::anyhow!("cannot retry {id}: {e}"))?;
            println!("job {} is {} again", j.id, j.status);
        }
        JobsCommand::Cancel { id } => {
            let j = jobs::cancel_any(db.worker(), id, now)
                .await
                .map_err(|e| anyhow::anyhow!("cannot cancel {id}: {e}"))?;
            println!("job {} is {}", j.id, j.status);
        }
    }
    Ok(())
}
