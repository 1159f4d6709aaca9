//! The recorder: one task per running worker that writes what its jobs did and keeps their
//! leases alive. Successes that arrive while a write is in flight are completed together in one
//! statement (no waiting to fill a batch: an idle queue completes each job at once); failures
//! are recorded one by one with their backoff. Heartbeats run in the same task, so a heartbeat
//! and a completion of the same rows never run at once and cannot deadlock each other.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration as StdDuration;

use chrono::{Duration, Utc};
use rand::Rng;
use tokio::sync::mpsc;
use uuid::Uuid;
use wisdomos_db::jobs;
use wisdomos_db::Database;

use crate::HandlerResult;

/// Most completions written in one statement.
const BATCH: usize = 512;

/// What a run of one job came to.
pub(crate) struct Outcome {
    pub id: Uuid,
    pub attempts: i32,
    pub job_type: String,
    pub result: HandlerResult,
}

/// The ids of the jobs a worker holds (claimed, waiting or running) until their outcome is
/// written: what the heartbeat extends.
pub(crate) type Held = Arc<Mutex<HashSet<Uuid>>>;

pub(crate) struct Recorder {
    pub db: Database,
    pub worker: String,
    pub lease: Duration,
    pub heartbeat: StdDuration,
    pub backoff_scale: f64,
    pub held: Held,
}

impl Recorder {
    /// Runs until every sender of `outcomes` is dropped and what they sent is written.
    pub(crate) async fn run(self, mut outcomes: mpsc::UnboundedReceiver<Outcome>) {
        let mut beat = tokio::time::interval(self.heartbeat);
        beat.tick().await;
        let mut batch = Vec::with_capacity(BATCH);
        loop {
            tokio::select! {
                n = outcomes.recv_many(&mut batch, BATCH) => {
                    if n == 0 {
                        return;
                    }
                    self.write(std::mem::take(&mut batch)).await;
                }
                _ = beat.tick() => self.beat().await,
            }
        }
    }

    async fn beat(&self) {
        let ids: Vec<Uuid> = lock(&self.held).iter().copied().collect();
        if ids.is_empty() {
            return;
        }
        if let Err(e) =
            jobs::heartbeat(self.db.worker(), &self.worker, &ids, self.lease, Utc::now()).await
        {
            tracing::warn!(error = %e, jobs = ids.len(), "heartbeat failed");
        }
    }

    async fn write(&self, batch: Vec<Outcome>) {
        let now = Utc::now();
        let mut done = Vec::new();
        for o in batch {
            match o.result {
                Ok(value) => done.push((o.id, value)),
                Err(error) => {
                    let kept = record_failure(
                        &self.db,
                        &self.worker,
                        o.id,
                        o.attempts,
                        &o.job_type,
                        &error,
                        self.backoff_scale,
                    )
                    .await;
                    report(o.id, kept);
                    lock(&self.held).remove(&o.id);
                }
            }
        }
        if done.is_empty() {
            return;
        }
        match jobs::complete_many(self.db.worker(), &self.worker, &done, now).await {
            Ok(kept) => {
                if kept.len() < done.len() {
                    let kept: HashSet<Uuid> = kept.into_iter().collect();
                    for (id, _) in done.iter().filter(|(id, _)| !kept.contains(id)) {
                        report(*id, Ok(false));
                    }
                }
            }
            Err(e) => {
                tracing::error!(error = %e, jobs = done.len(), "recording completed jobs failed; their leases will expire and they will run again")
            }
        }
        let mut held = lock(&self.held);
        for (id, _) in &done {
            held.remove(id);
        }
    }
}

/// Records a failed attempt of job `id` with the backoff of `wisdomos_core::jobs::backoff`
/// (scaled); `Ok(false)` when the worker no longer held it.
pub(crate) async fn record_failure(
    db: &Database,
    worker: &str,
    id: Uuid,
    attempts: i32,
    job_type: &str,
    error: &str,
    backoff_scale: f64,
) -> Result<bool, wisdomos_db::DbError> {
    let now = Utc::now();
    let jitter: f64 = rand::rng().random();
    let delay = wisdomos_core::jobs::backoff(attempts, jitter);
    let delay = Duration::milliseconds((delay.num_milliseconds() as f64 * backoff_scale) as i64);
    tracing::warn!(job = %id, %job_type, attempts, %error, "job failed");
    jobs::fail(db.worker(), id, worker, error, now + delay, now).await
}

/// Logs an outcome that could not be recorded as the worker's.
pub(crate) fn report(id: Uuid, recorded: Result<bool, wisdomos_db::DbError>) {
    match recorded {
        Ok(true) => {}
        Ok(false) => {
            tracing::warn!(job = %id, "the job was taken from this worker (lease lost or cancelled); outcome dropped")
        }
        Err(e) => tracing::error!(job = %id, error = %e, "recording the job's outcome failed"),
    }
}

pub(crate) fn lock(held: &Held) -> std::sync::MutexGuard<'_, HashSet<Uuid>> {
    held.lock().unwrap_or_else(|p| p.into_inner())
}
