#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Claiming at scale (issue 15): tenants take turns round the ring, idle workers wake on a
//! notification instead of a poll, completions are batched but fenced, a graceful stop returns
//! unstarted jobs.

use std::collections::HashSet;
use std::time::{Duration as StdDuration, Instant};

use chrono::{Duration, Utc};
use serde_json::json;
use sqlx::postgres::PgListener;
use uuid::Uuid;
use wisdomos_db::jobs::{self, Claim, NewJob};
use wisdomos_db::testing::TestDatabase;
use wisdomos_jobs::{Registry, Worker, WorkerConfig};

fn claim_of(worker: &str, limit: i64, from: Uuid) -> Claim<'_> {
    Claim {
        worker,
        limit,
        per_tenant: 1,
        lease: Duration::seconds(30),
        only_tenant: None,
        from_tenant: from,
    }
}

async fn status_of(t: &TestDatabase, id: Uuid) -> (String, i32) {
    sqlx::query_as("SELECT status, attempts FROM platform.jobs WHERE id = $1")
        .bind(id)
        .fetch_one(t.db.worker())
        .await
        .unwrap()
}

#[tokio::test]
async fn tenants_take_turns_round_the_ring() {
    let t = TestDatabase::create().await;
    let tenants: Vec<Uuid> = (0..30).map(|_| Uuid::new_v4()).collect();
    for id in &tenants {
        jobs::enqueue_batch(t.db.worker(), *id, "noop", &vec![json!({}); 5], Utc::now())
            .await
            .unwrap();
    }
    // Claims of 4 from a cursor that moves on: every tenant is served within ⌈30 / 4⌉ claims,
    // although the first tenants still have jobs left.
    let mut cursor = Uuid::new_v4();
    let mut served = HashSet::new();
    for _ in 0..8 {
        let batch = jobs::claim(t.db.worker(), &claim_of("w", 4, cursor), Utc::now())
            .await
            .unwrap();
        assert_eq!(batch.len(), 4);
        let distinct: HashSet<Uuid> = batch.iter().map(|j| j.tenant_id).collect();
        assert_eq!(distinct.len(), 4, "one job per tenant when many have work");
        cursor = jobs::next_cursor(cursor, &batch);
        served.extend(distinct);
    }
    assert_eq!(served.len(), 30, "every tenant was served in 8 claims");
    // A lone tenant with work fills the whole claim.
    let lone = Uuid::new_v4();
    jobs::enqueue_batch(
        t.db.worker(),
        lone,
        "noop",
        &vec![json!({}); 50],
        Utc::now(),
    )
    .await
    .unwrap();
    let only = Claim {
        only_tenant: Some(lone),
        ..claim_of("w", 20, Uuid::new_v4())
    };
    let batch = jobs::claim(t.db.worker(), &only, Utc::now()).await.unwrap();
    assert_eq!(batch.len(), 20);
    assert!(batch.iter().all(|j| j.tenant_id == lone));
    // Jobs due later are not claimed.
    let later = Uuid::new_v4();
    let future = NewJob::new("noop", json!({}), Utc::now() + Duration::hours(1));
    jobs::enqueue_for(t.db.worker(), later, &future, Utc::now())
        .await
        .unwrap();
    let only = Claim {
        only_tenant: Some(later),
        ..claim_of("w", 20, Uuid::new_v4())
    };
    assert!(jobs::claim(t.db.worker(), &only, Utc::now())
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn one_notification_per_enqueueing_transaction() {
    let t = TestDatabase::create().await;
    let mut listener = PgListener::connect_with(t.db.worker()).await.unwrap();
    listener.listen(jobs::CHANNEL).await.unwrap();
    let tenant = Uuid::new_v4();
    let mut tx = t.db.worker().begin().await.unwrap();
    for _ in 0..3 {
        sqlx::query(
            "INSERT INTO platform.jobs (id, tenant_id, job_type, run_at, created_at, updated_at)
             SELECT gen_random_uuid(), $1, 'noop', now(), now(), now() FROM generate_series(1, 100)",
        )
        .bind(tenant)
        .execute(&mut *tx)
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    // A rolled-back enqueue notifies nobody.
    let mut tx = t.db.worker().begin().await.unwrap();
    jobs::enqueue_batch(
        &t.db.worker().clone(),
        tenant,
        "noop",
        &[json!({})],
        Utc::now(),
    )
    .await
    .unwrap();
    sqlx::query("INSERT INTO platform.jobs (id, tenant_id, job_type, run_at, created_at, updated_at) VALUES (gen_random_uuid(), $1, 'noop', now(), now(), now())")
        .bind(tenant)
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.rollback().await.unwrap();
    let mut got = 0;
    while let Ok(Ok(_)) = tokio::time::timeout(StdDuration::from_millis(300), listener.recv()).await
    {
        got += 1;
    }
    // 300 jobs in three statements of one transaction, then one job on its own.
    assert_eq!(got, 2);
}

#[tokio::test]
async fn an_idle_worker_starts_a_new_job_without_waiting_for_its_poll() {
    let t = TestDatabase::create().await;
    let worker = Worker::new(
        t.db.clone(),
        Registry::standard(),
        WorkerConfig {
            idle_poll: StdDuration::from_secs(60),
            ..WorkerConfig::with_concurrency(2)
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
    // Let the worker find the queue empty and go to sleep.
    tokio::time::sleep(StdDuration::from_millis(500)).await;
    let started = Instant::now();
    let id = jobs::enqueue_for(
        t.db.worker(),
        Uuid::new_v4(),
        &NewJob::new("noop", json!({}), Utc::now()),
        Utc::now(),
    )
    .await
    .unwrap()
    .unwrap();
    while status_of(&t, id).await.0 != "completed" {
        assert!(
            started.elapsed() < StdDuration::from_secs(10),
            "the job waited for the poll"
        );
        tokio::time::sleep(StdDuration::from_millis(5)).await;
    }
    let _ = stop_tx.send(());
    handle.await.unwrap();
}

#[tokio::test]
async fn batched_completion_keeps_the_fence_and_a_stop_returns_unstarted_jobs() {
    let t = TestDatabase::create().await;
    let tenant = Uuid::new_v4();
    jobs::enqueue_batch(
        t.db.worker(),
        tenant,
        "noop",
        &vec![json!({}); 3],
        Utc::now(),
    )
    .await
    .unwrap();
    let batch = jobs::claim(t.db.worker(), &claim_of("a", 3, tenant), Utc::now())
        .await
        .unwrap();
    assert_eq!(batch.len(), 3);
    // One job is taken from worker a (cancelled): its completion is dropped, the others kept.
    jobs::cancel_any(t.db.worker(), batch[0].id, Utc::now())
        .await
        .unwrap();
    let done: Vec<(Uuid, serde_json::Value)> =
        batch.iter().map(|j| (j.id, json!({"ok": 1}))).collect();
    let kept: HashSet<Uuid> = jobs::complete_many(t.db.worker(), "a", &done, Utc::now())
        .await
        .unwrap()
        .into_iter()
        .collect();
    assert_eq!(kept, HashSet::from([batch[1].id, batch[2].id]));
    assert_eq!(status_of(&t, batch[0].id).await.0, "cancelled");
    assert_eq!(status_of(&t, batch[1].id).await.0, "completed");
    // Another worker's ids are not its to complete.
    assert!(jobs::complete_many(t.db.worker(), "b", &done, Utc::now())
        .await
        .unwrap()
        .is_empty());

    // A worker of one slot holding four more claimed jobs, stopped while the first runs:
    // the four go back to pending with their attempt uncounted.
    let mut registry = Registry::new();
    registry.register("slow", |_, _| async {
        tokio::time::sleep(StdDuration::from_millis(400)).await;
        Ok(json!({}))
    });
    let ids: Vec<Uuid> = {
        let mut v = Vec::new();
        for _ in 0..5 {
            v.push(
                jobs::enqueue_for(
                    t.db.worker(),
                    tenant,
                    &NewJob::new("slow", json!({}), Utc::now()),
                    Utc::now(),
                )
                .await
                .unwrap()
                .unwrap(),
            );
        }
        v
    };
    let worker = Worker::new(
        t.db.clone(),
        registry,
        WorkerConfig {
            prefetch: 4,
            ..WorkerConfig::with_concurrency(1)
        },
    );
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let handle = tokio::spawn(async move {
        worker
            .run(async {
                let _ = stop_rx.await;
            })
            .await
    });
    tokio::time::sleep(StdDuration::from_millis(150)).await;
    let _ = stop_tx.send(());
    handle.await.unwrap();
    let mut states = Vec::new();
    for id in &ids {
        states.push(status_of(&t, *id).await);
    }
    let completed = states.iter().filter(|s| s.0 == "completed").count();
    let returned = states
        .iter()
        .filter(|s| s.0 == "pending" && s.1 == 0)
        .count();
    assert_eq!((completed, returned), (1, 4), "{states:?}");
}
