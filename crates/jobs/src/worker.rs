//! The worker loop: reap expired leases, claim due jobs fairly in batches into a small local
//! queue, run them with at most `concurrency` at once, and hand their outcomes to the recorder
//! (batched completion, heartbeats). An idle worker sleeps until a notification of an enqueue
//! (LISTEN/NOTIFY) or its poll interval, whichever comes first (docs/jobs.md).

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::{Duration, Utc};
use tokio::sync::{mpsc, Notify, Semaphore};
use uuid::Uuid;
use wisdomos_db::jobs::{self, Job};
use wisdomos_db::{Database, DbError};

use crate::recorder::{self, lock, Held, Outcome, Recorder};
use crate::wakeup::Wakeups;
use crate::Registry;

/// Tuning of a worker.
#[derive(Debug, Clone)]
pub struct WorkerConfig {
    /// Jobs run at once.
    pub concurrency: usize,
    /// Jobs claimed ahead of free slots and held in the local queue (0 = claim only for free
    /// slots). Claiming in batches saves a claim per job; the held jobs' leases run meanwhile.
    pub prefetch: usize,
    /// How long a claim holds without a heartbeat; a dead worker's job is claimed again after it.
    pub lease: Duration,
    /// How often held jobs' leases are extended.
    pub heartbeat: StdDuration,
    /// Longest sleep when nothing is due: the fallback when a wake-up notification is lost, and
    /// how jobs scheduled for later (retries) are noticed.
    pub idle_poll: StdDuration,
    /// Multiplies the retry backoff (1.0 in production; tests make it small).
    pub backoff_scale: f64,
}

impl WorkerConfig {
    /// The defaults with `concurrency` slots and a local queue of twice as many.
    pub fn with_concurrency(concurrency: usize) -> Self {
        Self {
            concurrency,
            prefetch: 2 * concurrency,
            ..Self::default()
        }
    }
}

impl Default for WorkerConfig {
    fn default() -> Self {
        Self {
            concurrency: 8,
            prefetch: 16,
            lease: Duration::seconds(30),
            heartbeat: StdDuration::from_secs(10),
            idle_poll: StdDuration::from_secs(1),
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
    /// A worker with a fresh id (`pid-random`).
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

    /// Runs until `shutdown` completes, then lets running jobs finish and records them; jobs
    /// claimed but not started are left to their leases' expiry.
    pub async fn run(&self, shutdown: impl std::future::Future<Output = ()>) {
        let slots = self.config.concurrency.max(1);
        let permits = Arc::new(Semaphore::new(slots));
        let held: Held = Arc::default();
        let (outcomes, received) = mpsc::unbounded_channel();
        let recorder = tokio::spawn(
            Recorder {
                db: self.db.clone(),
                worker: self.id.clone(),
                lease: self.config.lease,
                heartbeat: self.config.heartbeat,
                backoff_scale: self.config.backoff_scale,
                held: held.clone(),
            }
            .run(received),
        );
        let wake = Arc::new(Notify::new());
        let _wakeups = Wakeups::start(self.db.clone(), wake.clone());
        let finished = Arc::new(Notify::new());
        let mut local: VecDeque<Job> = VecDeque::new();
        let mut cursor = Uuid::new_v4();
        let mut last_reap = std::time::Instant::now() - StdDuration::from_secs(60);
        // Refill the local queue once it is down to this many waiting jobs, so a claim is in
        // flight while the slots are still busy.
        let low = self.config.prefetch / 2;
        tokio::pin!(shutdown);
        loop {
            if last_reap.elapsed() >= StdDuration::from_secs(5) {
                self.reap().await;
                last_reap = std::time::Instant::now();
            }
            while let Some(job) = local.pop_front() {
                let Ok(permit) = permits.clone().try_acquire_owned() else {
                    local.push_front(job);
                    break;
                };
                let (me, tx, finished) = (self.clone(), outcomes.clone(), finished.clone());
                tokio::spawn(async move {
                    let _ = tx.send(me.execute(job).await);
                    drop(permit);
                    finished.notify_one();
                });
            }
            let running = slots - permits.available_permits();
            let room = (slots + self.config.prefetch).saturating_sub(running + local.len());
            let mut found = 0;
            if local.len() <= low && room > 0 {
                match self.claim(room, None, cursor).await {
                    Ok(batch) => {
                        cursor = jobs::next_cursor(cursor, &batch);
                        found = batch.len();
                        lock(&held).extend(batch.iter().map(|j| j.id));
                        local.extend(batch);
                    }
                    Err(e) => tracing::error!(error = %e, "claiming jobs failed"),
                }
            }
            if found > 0 && permits.available_permits() > 0 {
                continue;
            }
            // Wait for a slot to free; with nothing waiting locally, also for a wake-up or the
            // poll interval.
            tokio::select! {
                () = &mut shutdown => break,
                () = finished.notified() => {}
                () = wake.notified(), if local.is_empty() => {}
                () = tokio::time::sleep(self.config.idle_poll), if local.is_empty() => {}
            }
        }
        let _ = permits.acquire_many(slots as u32).await;
        drop(outcomes);
        let _ = recorder.await;
        // Jobs claimed but never started go back to the queue now rather than when their
        // leases expire.
        let waiting: Vec<Uuid> = local.iter().map(|j| j.id).collect();
        if !waiting.is_empty() {
            if let Err(e) = jobs::release(self.db.worker(), &self.id, &waiting, Utc::now()).await {
                tracing::warn!(error = %e, jobs = waiting.len(), "returning unstarted jobs failed; their leases will expire");
            }
        }
    }

    /// Claims and runs, to completion, the jobs due now (only `tenant`'s when given), batch after
    /// batch until none is due; returns how many ran. Used by `POST /jobs/process` and tests.
    pub async fn run_due(&self, tenant: Option<Uuid>) -> Result<usize, DbError> {
        let mut ran = 0;
        let mut cursor = Uuid::new_v4();
        loop {
            let batch = self
                .claim(self.config.concurrency.max(1), tenant, cursor)
                .await?;
            if batch.is_empty() {
                return Ok(ran);
            }
            cursor = jobs::next_cursor(cursor, &batch);
            ran += batch.len();
            let outcomes =
                futures::future::join_all(batch.into_iter().map(|j| self.execute_beating(j))).await;
            for o in outcomes {
                let recorded = match &o.result {
                    Ok(value) => {
                        jobs::complete(self.db.worker(), o.id, &self.id, value, Utc::now()).await
                    }
                    Err(error) => {
                        recorder::record_failure(
                            &self.db,
                            &self.id,
                            o.id,
                            o.attempts,
                            &o.job_type,
                            error,
                            self.config.backoff_scale,
                        )
                        .await
                    }
                };
                recorder::report(o.id, recorded);
            }
        }
    }

    async fn reap(&self) {
        match jobs::reap(self.db.worker(), Utc::now()).await {
            Ok(n) if n > 0 => tracing::warn!(recovered = n, "recovered jobs of dead workers"),
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "reaping expired leases failed"),
        }
    }

    async fn claim(&self, n: usize, tenant: Option<Uuid>, from: Uuid) -> Result<Vec<Job>, DbError> {
        // At most a quarter of a claim per tenant when several have due work: a tenant's
        // backlog shares the workers with everyone else's jobs instead of filling them.
        let claim = jobs::Claim {
            worker: &self.id,
            limit: n as i64,
            per_tenant: (n / 4).max(1) as i64,
            lease: self.config.lease,
            only_tenant: tenant,
            from_tenant: from,
        };
        jobs::claim(self.db.worker(), &claim, Utc::now()).await
    }

    /// Runs one claimed job's handler.
    async fn execute(&self, job: Job) -> Outcome {
        let (id, attempts, job_type) = (job.id, job.attempts, job.job_type.clone());
        let result = self.registry.run(self.db.clone(), job).await;
        Outcome {
            id,
            attempts,
            job_type,
            result,
        }
    }

    /// [`Self::execute`] with its own heartbeat, for [`Self::run_due`], which has no recorder.
    async fn execute_beating(&self, job: Job) -> Outcome {
        let id = job.id;
        let run = self.execute(job);
        tokio::pin!(run);
        let mut beat = tokio::time::interval(self.config.heartbeat);
        beat.tick().await;
        loop {
            tokio::select! {
                o = &mut run => return o,
                _ = beat.tick() => {
                    if let Err(e) = jobs::heartbeat(self.db.worker(), &self.id, &[id], self.config.lease, Utc::now()).await {
                        tracing::warn!(error = %e, job = %id, "heartbeat failed");
                    }
                }
            }
        }
    }
}
