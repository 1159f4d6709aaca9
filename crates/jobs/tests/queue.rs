#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The queue against a real PostgreSQL: transactional enqueue, retries, failure, lease recovery,
//! dedup, and fairness across tenants.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration as StdDuration, Instant};

use chrono::{Duration, Utc};
use serde_json::json;
use uuid::Uuid;
use wisdomos_db::jobs::{self, NewJob};
use wisdomos_db::provision::{self, NewTenant};
use wisdomos_db::testing::TestDatabase;
use wisdomos_db::users::NewUser;
use wisdomos_db::{tenants, Database, TenantTx};
use wisdomos_jobs::{Registry, Worker, WorkerConfig};

async fn tenant(db: &Database, n: usize) -> tenants::Tenant {
    let email = format!("t{n}@example.org");
    let user = NewUser {
        email: &email,
        password_hash: "x",
        first_name: None,
        last_name: None,
    };
    provision::register(
        db,
        &user,
        &NewTenant {
            name: "T",
            slug: None,
            timezone: "UTC",
        },
        Utc::now(),
    )
    .await
    .unwrap()
    .1
}

fn fast() -> WorkerConfig {
    WorkerConfig {
        concurrency: 8,
        lease: Duration::seconds(30),
        heartbeat: StdDuration::from_millis(200),
        idle_poll: StdDuration::from_millis(20),
        backoff_scale: 0.001,
        ..WorkerConfig::with_concurrency(8)
    }
}

async fn status(db: &Database, id: Uuid) -> (String, i32, Option<String>) {
    sqlx::query_as("SELECT status, attempts, error FROM platform.jobs WHERE id = $1")
        .bind(id)
        .fetch_one(db.worker())
        .await
        .unwrap()
}

#[tokio::test]
async fn enqueue_is_transactional_and_deduplicated() {
    let t = TestDatabase::create().await;
    let a = tenant(&t.db, 1).await;
    let scope = tenants::operator_scope(&a);
    let now = Utc::now();
    let mut tx = TenantTx::begin(&t.db, &scope).await.unwrap();
    jobs::enqueue(&mut tx, &NewJob::new("noop", json!({}), now), now)
        .await
        .unwrap();
    drop(tx); // rolled back
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM platform.jobs")
        .fetch_one(t.db.worker())
        .await
        .unwrap();
    assert_eq!(n, 0, "a rolled-back write leaves no job");
    let mut job = NewJob::new("noop", json!({}), now);
    job.dedup_key = Some("snapshot:2026-11-21".into());
    let mut tx = TenantTx::begin(&t.db, &scope).await.unwrap();
    assert!(jobs::enqueue(&mut tx, &job, now).await.unwrap().is_some());
    assert!(
        jobs::enqueue(&mut tx, &job, now).await.unwrap().is_none(),
        "same key: not enqueued again"
    );
    tx.commit().await.unwrap();
    assert!(jobs::enqueue_for(t.db.worker(), a.id, &job, now)
        .await
        .unwrap()
        .is_none());
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM platform.jobs")
        .fetch_one(t.db.worker())
        .await
        .unwrap();
    assert_eq!(n, 1);
    // Another tenant sees nothing of it.
    let b = tenant(&t.db, 2).await;
    let mut tx = TenantTx::begin(&t.db, &tenants::operator_scope(&b))
        .await
        .unwrap();
    assert!(jobs::list(&mut tx, None, None, 10)
        .await
        .unwrap()
        .items
        .is_empty());
}

#[tokio::test]
async fn retries_then_success_and_terminal_failure() {
    let t = TestDatabase::create().await;
    let a = tenant(&t.db, 1).await;
    let calls = Arc::new(AtomicU32::new(0));
    let mut registry = Registry::standard();
    let c = calls.clone();
    registry.register("flaky", move |_db, _job| {
        let c = c.clone();
        async move {
            if c.fetch_add(1, Ordering::SeqCst) < 2 {
                Err("transient failure".to_owned())
            } else {
                Ok(json!({ "ok": true }))
            }
        }
    });
    registry.register("broken", |_db, _job| async {
        Err::<serde_json::Value, _>("always broken".to_owned())
    });
    let now = Utc::now();
    let flaky = jobs::enqueue_for(
        t.db.worker(),
        a.id,
        &NewJob::new("flaky", json!({}), now),
        now,
    )
    .await
    .unwrap()
    .unwrap();
    let broken = jobs::enqueue_for(
        t.db.worker(),
        a.id,
        &NewJob::new("broken", json!({}), now),
        now,
    )
    .await
    .unwrap()
    .unwrap();
    let unknown = jobs::enqueue_for(
        t.db.worker(),
        a.id,
        &NewJob::new("nobody-handles-this", json!({}), now),
        now,
    )
    .await
    .unwrap()
    .unwrap();
    let worker = Worker::new(t.db.clone(), registry, fast());
    let deadline = Instant::now() + StdDuration::from_secs(20);
    loop {
        worker.run_due(None).await.unwrap();
        let done = [flaky, broken, unknown].len()
            == futures::future::join_all([flaky, broken, unknown].map(|id| status(&t.db, id)))
                .await
                .iter()
                .filter(|s| s.0 == "completed" || s.0 == "failed")
                .count();
        if done {
            break;
        }
        assert!(Instant::now() < deadline, "jobs did not settle");
        tokio::time::sleep(StdDuration::from_millis(20)).await;
    }
    assert_eq!(status(&t.db, flaky).await, ("completed".into(), 3, None));
    assert_eq!(
        status(&t.db, broken).await,
        ("failed".into(), 3, Some("always broken".into()))
    );
    let (s, _, e) = status(&t.db, unknown).await;
    assert_eq!(s, "failed");
    assert!(e.unwrap().contains("no handler"));
}

#[tokio::test]
async fn a_dead_workers_job_is_claimed_again_after_its_lease() {
    let t = TestDatabase::create().await;
    let a = tenant(&t.db, 1).await;
    let now = Utc::now();
    let id = jobs::enqueue_for(
        t.db.worker(),
        a.id,
        &NewJob::new("noop", json!({}), now),
        now,
    )
    .await
    .unwrap()
    .unwrap();
    // A worker claims it with a 300 ms lease and "dies" (never heartbeats or finishes).
    let claimed = jobs::claim(
        t.db.worker(),
        &jobs::Claim {
            worker: "dead-worker",
            limit: 10,
            per_tenant: 10,
            lease: Duration::milliseconds(300),
            only_tenant: None,
            from_tenant: Uuid::new_v4(),
        },
        Utc::now(),
    )
    .await
    .unwrap();
    assert_eq!(claimed.len(), 1);
    assert_eq!(
        jobs::reap(t.db.worker(), Utc::now()).await.unwrap(),
        0,
        "lease still running"
    );
    tokio::time::sleep(StdDuration::from_millis(400)).await;
    assert_eq!(jobs::reap(t.db.worker(), Utc::now()).await.unwrap(), 1);
    let worker = Worker::new(t.db.clone(), Registry::standard(), fast());
    assert_eq!(worker.run_due(None).await.unwrap(), 1);
    assert_eq!(status(&t.db, id).await, ("completed".into(), 2, None));
    // The dead worker's late completion is refused: it no longer holds the job.
    assert!(
        !jobs::complete(t.db.worker(), id, "dead-worker", &json!({}), Utc::now())
            .await
            .unwrap()
    );
}

#[tokio::test]
async fn one_tenants_backlog_does_not_starve_the_others() {
    let t = TestDatabase::create().await;
    let big = tenant(&t.db, 0).await;
    let mut small = Vec::new();
    for i in 1..=9 {
        small.push(tenant(&t.db, i).await);
    }
    let now = Utc::now();
    jobs::enqueue_batch(t.db.worker(), big.id, "noop", &vec![json!({}); 10_000], now)
        .await
        .unwrap();
    for s in &small {
        jobs::enqueue_batch(t.db.worker(), s.id, "noop", &vec![json!({}); 10], now)
            .await
            .unwrap();
    }
    let worker = Worker::new(
        t.db.clone(),
        Registry::standard(),
        WorkerConfig {
            concurrency: 16,
            ..fast()
        },
    );
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let w = worker.clone();
    let handle = tokio::spawn(async move {
        w.run(async {
            let _ = stop_rx.await;
        })
        .await
    });
    let ids: Vec<Uuid> = small.iter().map(|s| s.id).collect();
    let started = Instant::now();
    loop {
        let left: i64 = sqlx::query_scalar("SELECT count(*) FROM platform.jobs WHERE tenant_id = ANY($1) AND status <> 'completed'")
            .bind(&ids)
            .fetch_one(t.db.worker())
            .await
            .unwrap();
        if left == 0 {
            break;
        }
        assert!(
            started.elapsed() < StdDuration::from_secs(60),
            "the small tenants were starved"
        );
        tokio::time::sleep(StdDuration::from_millis(20)).await;
    }
    let big_done: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM platform.jobs WHERE tenant_id = $1 AND status = 'completed'",
    )
    .bind(big.id)
    .fetch_one(t.db.worker())
    .await
    .unwrap();
    let _ = stop_tx.send(());
    handle.await.unwrap();
    println!("the nine small tenants' 90 jobs finished after {:?}, when the big tenant had {big_done} of 10,000 done", started.elapsed());
    assert!(
        big_done < 2_000,
        "the big tenant ran {big_done} jobs before the small ones finished"
    );
}

#[tokio::test]
async fn two_schedulers_fire_each_occurrence_once_and_catch_up_after_downtime() {
    let t = TestDatabase::create().await;
    let a = tenant(&t.db, 1).await;
    let now = Utc::now();
    // The last pass was three days ago: the next one catches up three daily snapshots.
    wisdomos_db::scheduler::set_checked_until(
        t.db.worker(),
        wisdomos_jobs::scheduler::SCHEDULE,
        now - Duration::days(3),
    )
    .await
    .unwrap();
    let s1 = wisdomos_jobs::Scheduler::new(t.db.clone());
    let s2 = wisdomos_jobs::Scheduler::new(t.db.clone());
    let (r1, r2) = tokio::join!(s1.tick(now), s2.tick(now));
    let total = r1.unwrap() + r2.unwrap();
    let snapshots: Vec<String> = sqlx::query_scalar(
        "SELECT dedup_key FROM platform.jobs WHERE tenant_id = $1 AND job_type = 'snapshots.record' ORDER BY run_at",
    )
    .bind(a.id)
    .fetch_all(t.db.worker())
    .await
    .unwrap();
    assert_eq!(snapshots.len(), 3, "{snapshots:?}");
    let refreshes: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM platform.jobs WHERE tenant_id = $1 AND job_type = 'scores.refresh'",
    )
    .bind(a.id)
    .fetch_one(t.db.worker())
    .await
    .unwrap();
    assert!(
        (11..=13).contains(&refreshes),
        "every 6 hours for 3 days: {refreshes}"
    );
    let detections: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM platform.jobs WHERE tenant_id = $1 AND job_type = 'insights.detect'",
    )
    .bind(a.id)
    .fetch_one(t.db.worker())
    .await
    .unwrap();
    assert!(
        (2..=4).contains(&detections),
        "nightly at 02:00 UTC for 3 days: {detections}"
    );
    let console: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM platform.jobs WHERE tenant_id = $1 AND job_type = 'console.segments'",
    )
    .bind(a.id)
    .fetch_one(t.db.worker())
    .await
    .unwrap();
    assert!(
        (2..=4).contains(&console),
        "nightly at 03:00 UTC for 3 days: {console}"
    );
    assert_eq!(
        total as i64,
        3 + refreshes + detections + console,
        "each occurrence enqueued once by the two schedulers together"
    );
    // A later pass up to the same instant adds nothing; running the caught-up jobs writes
    // snapshots dated by the tenant's local days.
    assert_eq!(s1.tick(now).await.unwrap(), 0);
    let worker = Worker::new(t.db.clone(), Registry::standard(), fast());
    worker.run_due(Some(a.id)).await.unwrap();
    let mut tx = TenantTx::begin(&t.db, &tenants::operator_scope(&a))
        .await
        .unwrap();
    let work = wisdomos_db::life_areas::get(&mut tx, "work").await.unwrap();
    let dates = wisdomos_db::snapshots::list(&mut tx, work.id, None, None)
        .await
        .unwrap();
    assert_eq!(dates.len(), 3);
}

#[tokio::test]
async fn pattern_detection_creates_and_then_updates_recurring_insights() {
    let t = TestDatabase::create().await;
    let a = tenant(&t.db, 1).await;
    let scope = tenants::operator_scope(&a);
    let now = Utc::now();
    let add = |title: &'static str, tags: &'static [&'static str], days: i64| {
        let db = t.db.clone();
        let scope = scope.clone();
        async move {
            let mut tx = TenantTx::begin(&db, &scope).await.unwrap();
            let area = wisdomos_db::life_areas::get(&mut tx, "work").await.unwrap();
            let f = wisdomos_db::events::EventFields {
                life_area_id: area.id,
                event_type: "SETBACK",
                category: "PROFESSIONAL",
                tone: "NEGATIVE",
                title: title.into(),
                description: String::new(),
                narrative: None,
                occurred_at: now - Duration::days(days),
                emotional_charge: -2,
                tags: tags.iter().map(|s| s.to_string()).collect(),
            };
            wisdomos_db::events::create(&mut tx, &f, now).await.unwrap();
            tx.commit().await.unwrap();
        }
    };
    add("Stayed late before the deadline", &["overwork"], 3).await;
    add(
        "Late night again before the release deadline",
        &["overwork"],
        10,
    )
    .await;
    add("Weekend lost to the deadline", &["overwork"], 20).await;
    add("Bought new running shoes", &[], 5).await;
    add("Old deadline crunch long ago", &["overwork"], 200).await;
    let worker = Worker::new(t.db.clone(), Registry::standard(), fast());
    let detect = || async {
        jobs::enqueue_for(
            t.db.worker(),
            a.id,
            &NewJob::new("insights.detect", json!({}), Utc::now()),
            Utc::now(),
        )
        .await
        .unwrap();
        worker.run_due(Some(a.id)).await.unwrap();
        let mut tx = TenantTx::begin(&t.db, &scope).await.unwrap();
        wisdomos_db::insights::patterns(&mut tx).await.unwrap()
    };
    let first = detect().await;
    assert_eq!(first.len(), 1, "{first:?}");
    assert!(
        first[0].title.starts_with("Recurring: overwork"),
        "{}",
        first[0].title
    );
    assert_eq!(
        (first[0].frequency, first[0].related_events.len()),
        (3, 3),
        "the 200-day-old event is outside the 90 days"
    );
    let again = detect().await;
    assert_eq!(again.len(), 1, "re-running adds no duplicate");
    assert_eq!(again[0].id, first[0].id);
    add("Stayed late before the deadline", &["overwork"], 1).await;
    let grown = detect().await;
    assert_eq!(
        (grown.len(), grown[0].id),
        (1, first[0].id),
        "the same pattern, updated in place"
    );
    assert!(grown[0].related_events.len() >= 3);
    assert_ne!(
        grown[0].related_events, first[0].related_events,
        "it now holds the new event"
    );
}

#[test]
fn patterns_in_the_isear_corpus() {
    use wisdomos_core::patterns::{detect, PatternInput};
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/isear/isear-events.csv");
    assert!(
        path.exists(),
        "{} is missing: the tests need ../shared beside the repository",
        path.display()
    );
    let mut rdr = csv::Reader::from_path(&path).unwrap();
    let headers = rdr.headers().unwrap().clone();
    let (emotion, text) = (
        headers.iter().position(|h| h == "emotion").unwrap(),
        headers.iter().position(|h| h == "text").unwrap(),
    );
    let mut labels = Vec::new();
    let mut inputs = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.unwrap();
        labels.push(rec[emotion].to_owned());
        // No tags: the emotion must not leak into the grouping it is measured against.
        inputs.push(PatternInput {
            id: i,
            text: rec[text].to_owned(),
            tags: vec![],
            area: None,
        });
    }
    if let Ok(grid) = std::env::var("PATTERN_GRID") {
        for cfg in grid.split(';') {
            let (sim, min) = cfg.split_once(',').unwrap();
            let g = wisdomos_core::patterns::detect_with(
                &inputs,
                sim.parse().unwrap(),
                min.parse().unwrap(),
            );
            let grouped: usize = g.iter().map(|g| g.events.len()).sum();
            let largest = g.iter().map(|g| g.events.len()).max().unwrap_or(0);
            let majority: usize = g
                .iter()
                .map(|g| {
                    let mut c = std::collections::HashMap::new();
                    for &e in &g.events {
                        *c.entry(labels[e].as_str()).or_insert(0usize) += 1;
                    }
                    c.values().copied().max().unwrap_or(0)
                })
                .sum();
            println!("sim {sim} min {min}: {} groups, {grouped} grouped, largest {largest}, purity {:.1}%", g.len(), 100.0 * majority as f64 / grouped.max(1) as f64);
        }
    }
    let started = std::time::Instant::now();
    let groups = detect(&inputs);
    let took = started.elapsed();
    let grouped: usize = groups.iter().map(|g| g.events.len()).sum();
    let majority: usize = groups
        .iter()
        .map(|g| {
            let mut counts = std::collections::HashMap::new();
            for &e in &g.events {
                *counts.entry(labels[e].as_str()).or_insert(0usize) += 1;
            }
            counts.values().copied().max().unwrap_or(0)
        })
        .sum();
    let mut by_size = groups.clone();
    by_size.sort_by_key(|g| std::cmp::Reverse(g.events.len()));
    println!(
        "ISEAR: {} events, {} groups holding {grouped} events ({:.1}%), purity against the emotion labels {:.1}% (7 emotions; chance about 14%), in {took:?}",
        inputs.len(),
        groups.len(),
        100.0 * grouped as f64 / inputs.len() as f64,
        100.0 * majority as f64 / grouped.max(1) as f64
    );
    for g in by_size.iter().take(12) {
        println!("  {:>4} events: {}", g.events.len(), g.theme.join(", "));
    }
    assert!(!groups.is_empty());
}
