//! The worker loop: reap expired leases, claim due jobs fairly, run them with heartbeats, and
//! record the outcome.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::{Duration, Utc};
use rand::Rng;
use tokio::sync::Semaphore;
use uuid::Uuid;
use wisdomos_db::jobs::{self, Job};
use wisdomos_db::{Database, DbError};

use crate::Registry;

/// Tuning of a worker.
#[derive(Debug, Clone)]
pub struct WorkerConfig {
    /// Jobs run at once.
    pub concurrency: usize,
    /// How long a claim holds without a heartbeat; a dead worker's job is claimed again after it.
    pub lease: Duration,
    /// How often running jobs' leases are extended.
    pub heartbeat: StdDuration,
    /// Pause when nothing is due.
    pub idle_poll: StdDuration,
    /// Multiplies the retry backoff (1.0 in production; tests make it small).
    pub backoff_scale: f64,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        Self {
            concurrency: 8,
            lease: Duration::seconds(30),
            heartbeat: StdDuration::from_secs(10),
            idle_poll: StdDuration::from_millis(250),
            backoff_scale: 1.0,
        }
    }
}

/// A worker: one process may run several tasks of it; several processes may share the queue.
#[derive(Clone)]
pub struct Worker {
    db: Database,
    registry: Arc<Registry>,
    config: WorkerConfig,
    id: String,
}

impl Worker {
    /// A worker with a fresh id (`host-pid-random`).
    pub fn new(db: Database, registry: Registry, config: WorkerConfig) -> Self {
        let id = format!(
            "{}-{}",
            std::process::id(),
            &Uuid::new_v4().simple().to_string()[..8]
        );
        Self {
            db,
            registry: Arc::new(registry),
            config,
            id,
        }
    }

    /// This worker's id, as stored in `locked_by`.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Runs until `shutdown` completes, then lets running jobs finish.
    pub async fn run(&self, shutdown: impl std::future::Future<Output = ()>) {
        let permits = Arc::new(Semaphore::new(self.config.concurrency.max(1)));
        let mut last_reap = std::time::Instant::now() - StdDuration::from_secs(60);
        tokio::pin!(shutdown);
        loop {
            if last_reap.elapsed() >= StdDuration::from_secs(5) {
                match jobs::reap(self.db.worker(), Utc::now()).await {
                    Ok(n) if n > 0 => {
                        tracing::warn!(recovered = n, "recovered jobs of dead workers")
                    }
                    Ok(_) => {}
                    Err(e) => tracing::error!(error = %e, "reaping expired leases failed"),
                }
                last_reap = std::time::Instant::now();
            }
            let free = permits.available_permits();
            let claimed = if free == 0 {
                Ok(Vec::new())
            } else {
                self.claim(free, None).await
            };
            let idle = match claimed {
                Ok(batch) if !batch.is_empty() => {
                    for job in batch {
                        let Ok(permit) = permits.clone().acquire_owned().await else {
                            return;
                        };
                        let me = self.clone();
                        tokio::spawn(async move {
                            me.execute(job).await;
                            drop(permit);
                        });
                    }
                    false
                }
                Ok(_) => true,
                Err(e) => {
                    tracing::error!(error = %e, "claiming jobs failed");
                    true
                }
            };
            if idle {
                tokio::select! {
                    () = &mut shutdown => break,
                    () = tokio::time::sleep(self.config.idle_poll) => {}
                }
            } else if permits.available_permits() == 0 {
                // Every slot is busy: wait for one to free instead of polling.
                tokio::select! {
                    () = &mut shutdown => break,
                    p = permits.acquire() => drop(p),
                }
            }
        }
        let _ = permits
            .acquire_many(self.config.concurrency.max(1) as u32)
            .await;
    }

    /// Claims and runs, to completion, the jobs due now (only `tenant`'s when given), batch after
    /// batch until none is due; returns how many ran. Used by `POST /jobs/process` and tests.
    pub async fn run_due(&self, tenant: Option<Uuid>) -> Result<usize, DbError> {
        let mut ran = 0;
        loop {
            let batch = self.claim(self.config.concurrency.max(1), tenant).await?;
            if batch.is_empty() {
                return Ok(ran);
            }
            ran += batch.len();
            futures::future::join_all(batch.into_iter().map(|j| self.execute(j))).await;
        }
    }

    async fn claim(&self, free: usize, tenant: Option<Uuid>) -> Result<Vec<Job>, DbError> {
        // At most a quarter of the free slots per tenant per claim: a tenant's backlog shares
        // the workers with everyone else's jobs instead of filling them.
        let per_tenant = (free / 4).max(1) as i64;
        jobs::claim(
            self.db.worker(),
            &self.id,
            free as i64,
            per_tenant,
            self.config.lease,
            tenant,
            Utc::now(),
        )
        .await
    }

    /// Runs one claimed job with heartbeats and records the outcome.
    async fn execute(&self, job: Job) {
        let (id, attempts, job_type) = (job.id, job.attempts, job.job_type.clone());
        let run = self.registry.run(self.db.clone(), job);
        tokio::pin!(run);
        let mut beat = tokio::time::interval(self.config.heartbeat);
        beat.tick().await;
        let outcome = loop {
            tokio::select! {
                r = &mut run => break r,
                _ = beat.tick() => {
                    if let Err(e) = jobs::heartbeat(self.db.worker(), &self.id, &[id], self.config.lease, Utc::now()).await {
                        tracing::warn!(error = %e, job = %id, "heartbeat failed");
                    }
                }
            }
        };
        let now = Utc::now();
        let recorded = match &outcome {
            Ok(result) => jobs::complete(self.db.worker(), id, &self.id, result, now).await,
            Err(error) => {
                let jitter: f64 = rand::rng().random();
                let delay = wisdomos_core::jobs::backoff(attempts, jitter);
                let delay = Duration::milliseconds(
                    (delay.num_milliseconds() as f64 * self.config.backoff_scale) as i64,
                );
                tracing::warn!(job = %id, %job_type, attempts, %error, "job failed");
                jobs::fail(self.db.worker(), id, &self.id, error, now + delay, now).await
            }
        };
        match recorded {
            Ok(true) => {}
            Ok(false) => {
                tracing::warn!(job = %id, "the job was taken from this worker (lease lost or cancelled); outcome dropped")
            }
            Err(e) => tracing::error!(job = %id, error = %e, "recording the job's outcome failed"),
        }
    }
}
