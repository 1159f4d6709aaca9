#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Job-queue benchmarks against a real PostgreSQL: enqueue rate in batches, jobs executed per
//! second with no-op handlers by workers of 4 and 16 slots (`BENCH_JOBS`, default 20,000), and
//! pattern detection (`insights.detect`) over a tenant with `BENCH_PATTERN_EVENTS` (default
//! 10,000) events in 90 days.
//!
//! Run: `scripts/bench.sh jobs`.

mod common;

use std::time::{Duration, Instant};

use chrono::Utc;
use serde_json::json;
use wisdomos_db::jobs;
use wisdomos_db::testing::TestDatabase;
use wisdomos_jobs::{Registry, Worker, WorkerConfig};

#[tokio::main]
async fn main() {
    let n: usize = common::env_u64("BENCH_JOBS", 20_000) as usize;
    let tdb = TestDatabase::create().await;
    let tenant = uuid::Uuid::new_v4();
    for slots in [4usize, 16] {
        let payloads = vec![json!({}); 1000];
        let t = Instant::now();
        for _ in 0..n / 1000 {
            jobs::enqueue_batch(tdb.db.worker(), tenant, "noop", &payloads, Utc::now())
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
            .fetch_one(tdb.db.worker())
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

    // Pattern detection over 10,000 events in 90 days, written from a small vocabulary of
    // recurring themes plus noise so that groups exist.
    let events: usize = common::env_u64("BENCH_PATTERN_EVENTS", 10_000) as usize;
    let user = wisdomos_db::users::NewUser {
        email: "p@example.org",
        password_hash: "x",
        first_name: None,
        last_name: None,
    };
    let new = wisdomos_db::provision::NewTenant {
        name: "P",
        slug: None,
        timezone: "UTC",
    };
    let (_, tenant) = wisdomos_db::provision::register(&tdb.db, &user, &new, Utc::now())
        .await
        .unwrap();
    let scope = wisdomos_db::tenants::operator_scope(&tenant);
    let mut tx = wisdomos_db::TenantTx::begin(&tdb.db, &scope).await.unwrap();
    let area = wisdomos_db::life_areas::get(&mut tx, "work").await.unwrap();
    let themes = [
        "late night before the deadline",
        "call with mum on sunday",
        "long run by the river",
        "argument about money",
        "board games with friends",
        "exam at the university",
        "meditation in the morning",
        "budget and savings review",
    ];
    let noise = [
        "apple", "bridge", "candle", "drum", "engine", "feather", "garden", "harbor", "island",
        "jacket", "kettle", "lantern", "meadow", "needle", "orchard", "pepper",
    ];
    let rows: Vec<wisdomos_db::events::EventFields> = (0..events)
        .map(|i| wisdomos_db::events::EventFields {
            life_area_id: area.id,
            event_type: "PROGRESS",
            category: "OTHER",
            tone: "NEUTRAL",
            title: format!(
                "{} {} {}",
                themes[i % themes.len()],
                noise[i % 13 % noise.len()],
                noise[(i * 7) % noise.len()]
            ),
            description: format!("entry {i} {}", noise[(i * 3) % noise.len()]),
            narrative: None,
            occurred_at: Utc::now() - chrono::Duration::minutes((i * 12) as i64),
            emotional_charge: 0,
            tags: vec![format!("t{}", i % 40)],
        })
        .collect();
    wisdomos_db::events::create_many(&mut tx, &rows, Utc::now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    jobs::enqueue_for(
        tdb.db.worker(),
        tenant.id,
        &jobs::NewJob::new("insights.detect", json!({}), Utc::now()),
        Utc::now(),
    )
    .await
    .unwrap();
    let worker = Worker::new(
        tdb.db.clone(),
        Registry::standard(),
        WorkerConfig::default(),
    );
    let t = Instant::now();
    worker.run_due(Some(tenant.id)).await.unwrap();
    let secs = t.elapsed().as_secs_f64();
    let result: serde_json::Value =
        sqlx::query_scalar("SELECT result FROM platform.jobs WHERE job_type = 'insights.detect'")
            .fetch_one(tdb.db.worker())
            .await
            .unwrap();
    println!("pattern detection over {events} events in 90 days: {secs:.2} s ({result})");
}
