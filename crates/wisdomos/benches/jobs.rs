#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Pattern detection (`insights.detect`) over a tenant with `BENCH_PATTERN_EVENTS` (default
//! 10,000) events in 90 days.
//!
//! Run: `scripts/bench.sh jobs`. The queue itself (execution and pick-up, side by side with
//! graphile-worker) is `scripts/bench.sh queue`.

mod common;

use std::time::Instant;

use chrono::Utc;
use serde_json::json;
use wisdomos_db::jobs;
use wisdomos_db::testing::TestDatabase;
use wisdomos_jobs::{Registry, Worker, WorkerConfig};

#[tokio::main]
async fn main() {
    let tdb = TestDatabase::create().await;

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
