#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Job-queue benchmarks against a real PostgreSQL: enqueue rate in batches, and jobs executed per
//! second with no-op handlers by workers of 4 and 16 slots (`BENCH_JOBS`, default 20,000).
//!
//! Run: `scripts/bench.sh jobs`.

use std::time::{Duration, Instant};

use chrono::Utc;
use serde_json::json;
use wisdomos_db::jobs;
use wisdomos_db::testing::TestDatabase;
use wisdomos_jobs::{Registry, Worker, WorkerConfig};

#[tokio::main]
async fn main() {
    let n: usize = std::env::var("BENCH_JOBS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let tdb = TestDatabase::create().await;
    let tenant = uuid::Uuid::new_v4();
    for slots in [4usize, 16] {
        let payloads = vec![json!({}); 1000];
        let t = Instant::now();
        for _ in 0..n / 1000 {
            jobs::enqueue_batch(tdb.db.app(), tenant, "noop", &payloads, Utc::now())
                .await
                .unwrap();
        }
        let secs = t.elapsed().as_secs_f64();
        println!(
            "enqueue {n} jobs in batches of 1,000: {secs:.2} s ({:.0} jobs/s)",
            n as f64 / secs
        );
        let worker = Worker::new(
            tdb.db.clone(),
            Registry::standard(),
            WorkerConfig {
                concurrency: slots,
                idle_poll: Duration::from_millis(5),
                ..Default::default()
            },
        );
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let w = worker.clone();
        let t = Instant::now();
        let handle = tokio::spawn(async move {
            w.run(async {
                let _ = stop_rx.await;
            })
            .await
        });
        loop {
            let left: i64 = sqlx::query_scalar(
                "SELECT count(*) FROM platform.jobs WHERE status IN ('pending', 'processing')",
            )
            .fetch_one(tdb.db.app())
            .await
            .unwrap();
            if left == 0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let secs = t.elapsed().as_secs_f64();
        let _ = stop_tx.send(());
        handle.await.unwrap();
        println!(
            "execute {n} no-op jobs with one worker of {slots} slots: {secs:.2} s ({:.0} jobs/s)",
            n as f64 / secs
        );
    }
}
