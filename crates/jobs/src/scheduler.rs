//! The scheduler: turns each tenant's recurring occurrences (`wisdomos_core::schedule`) into
//! jobs. Every server may run it; a pass holds the schedule's state row (others skip), and every
//! job carries its occurrence's key as dedup key, so no occurrence is ever enqueued twice. A
//! server that was down catches up the occurrences it missed on its first pass (up to 90 days).

use std::time::Duration as StdDuration;

use chrono::{DateTime, Utc};
use serde_json::json;
use wisdomos_core::schedule::{occurrences, Occurrence};
use wisdomos_db::jobs::NewJob;
use wisdomos_db::{scheduler, Database, DbError};

/// Name of the schedule set in `platform.scheduler_state`.
pub const SCHEDULE: &str = "tenant-recurring";

/// Enqueues due occurrences, and keeps doing so every `every`.
#[derive(Clone)]
pub struct Scheduler {
    db: Database,
    every: StdDuration,
}

impl Scheduler {
    /// A scheduler ticking every 30 seconds.
    pub fn new(db: Database) -> Self {
        Self {
            db,
            every: StdDuration::from_secs(30),
        }
    }

    /// One pass up to `now`; returns how many jobs it enqueued (0 when another server holds the
    /// pass).
    pub async fn tick(&self, now: DateTime<Utc>) -> Result<usize, DbError> {
        let Some(mut run) = scheduler::begin(self.db.worker(), SCHEDULE, now).await? else {
            return Ok(0);
        };
        let from = run.checked_until;
        let mut enqueued = 0;
        for (tenant, tz) in run.tenants().await? {
            let tz: chrono_tz::Tz = tz.parse().unwrap_or(chrono_tz::UTC);
            for occ in occurrences(tz, from, now) {
                let job = match &occ {
                    Occurrence::Snapshot { date, at, periods } => NewJob::new(
                        "snapshots.record",
                        json!({ "date": date.to_string(), "at": at, "periods": periods.iter().map(|p| p.as_str()).collect::<Vec<_>>() }),
                        *at,
                    ),
                    Occurrence::ScoreRefresh { at } => {
                        NewJob::new("scores.refresh", json!({}), *at)
                    }
                    Occurrence::Patterns { at } => NewJob::new("insights.detect", json!({}), *at),
                    Occurrence::Console { at } => NewJob::new(
                        wisdomos_app::segments::SEGMENTS_JOB,
                        json!({ "nightly": true }),
                        *at,
                    ),
                };
                let job = NewJob {
                    dedup_key: Some(occ.key()),
                    ..job
                };
                if run.enqueue(tenant, &job, now).await? {
                    enqueued += 1;
                }
            }
        }
        run.finish(now).await?;
        Ok(enqueued)
    }

    /// Ticks until `shutdown` completes, the first time at once (catching up missed occurrences).
    pub async fn run(&self, shutdown: impl std::future::Future<Output = ()>) {
        tokio::pin!(shutdown);
        loop {
            match self.tick(Utc::now()).await {
                Ok(n) if n > 0 => tracing::info!(enqueued = n, "scheduled recurring jobs"),
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "scheduler pass failed"),
            }
            tokio::select! {
                () = &mut shutdown => break,
                () = tokio::time::sleep(self.every) => {}
            }
        }
    }
}
