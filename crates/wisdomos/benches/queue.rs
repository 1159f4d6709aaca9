#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The job queue side by side with graphile-worker (issue 15), on the same PostgreSQL and the
//! same throw-away database: executing 20,000 and 100,000 queued no-op jobs with 4 and 16 slots,
//! and the time from enqueue to the handler's start with an idle worker. Rounds interleave the
//! two systems (their order alternating); medians and ratios are printed.
//!
//! graphile-worker is installed from npm by `bench/graphile/install.sh` (the newest version
//! that runs on this Node) and driven by `bench/graphile/bench.mjs`. Each system runs with its
//! defaults: WisdomOS's `WorkerConfig::with_concurrency(n)` (a local queue of 2n, LISTEN/NOTIFY,
//! 1 s poll), graphile-worker's `run({concurrency})`. Before each measurement both queues are
//! emptied and vacuumed, so neither inherits the other's dead rows.
//!
//! Run: `scripts/bench.sh queue`. Sizes: `BENCH_QUEUE_JOBS` (default "20000,100000"),
//! `BENCH_QUEUE_ROUNDS` (3), `BENCH_PICKUP_SAMPLES` (200).

mod common;

use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use serde_json::json;
use tokio::sync::mpsc;
use wisdomos_db::jobs;
use wisdomos_db::testing::TestDatabase;
use wisdomos_jobs::{Registry, Worker, WorkerConfig};

#[tokio::main]
async fn main() {
    let sizes: Vec<usize> = std::env::var("BENCH_QUEUE_JOBS")
        .unwrap_or_else(|_| "20000,100000".into())
        .split(',')
        .map(|s| s.trim().parse().expect("BENCH_QUEUE_JOBS: numbers"))
        .collect();
    let rounds = common::env_u64("BENCH_QUEUE_ROUNDS", 3) as usize;
    let samples = common::env_u64("BENCH_PICKUP_SAMPLES", 200) as usize;
    let version = install_graphile();
    let tdb = TestDatabase::create().await;
    let url = tdb.url();
    println!(
        "graphile-worker {version}; {rounds} rounds; PostgreSQL at {}",
        redact(&url)
    );

    let mut cases: Vec<(usize, usize)> = Vec::new();
    for n in &sizes {
        for c in [4usize, 16] {
            cases.push((*n, c));
        }
    }
    let mut ours = vec![Vec::new(); cases.len()];
    let mut theirs = vec![Vec::new(); cases.len()];
    let (mut our_pickup, mut their_pickup) = (Vec::new(), Vec::new());
    for round in 0..rounds {
        for (i, (n, c)) in cases.iter().enumerate() {
            let we_first = (round + i) % 2 == 0;
            for turn in 0..2 {
                if (turn == 0) == we_first {
                    let rate = execute(&tdb, *n, *c).await;
                    println!("  round {round}: WisdomOS        {n:>7} jobs, {c:>2} slots: {rate:>7.0} jobs/s");
                    ours[i].push(rate);
                } else {
                    let out = node(&["execute", &url, &n.to_string(), &c.to_string()]);
                    let rate = out["jobsPerSec"].as_f64().unwrap();
                    println!("  round {round}: graphile-worker {n:>7} jobs, {c:>2} slots: {rate:>7.0} jobs/s");
                    theirs[i].push(rate);
                }
            }
        }
        let (a, b) = if round % 2 == 0 {
            (pickup(&tdb, samples).await, node_pickup(&url, samples))
        } else {
            let b = node_pickup(&url, samples);
            (pickup(&tdb, samples).await, b)
        };
        println!("  round {round}: pickup p50 WisdomOS {a:.2} ms, graphile-worker {b:.2} ms");
        our_pickup.push(a);
        their_pickup.push(b);
    }

    println!(
        "\n| measure (median of {rounds} rounds) | WisdomOS | graphile-worker {version} | ratio |"
    );
    println!("| --- | ---: | ---: | ---: |");
    for (i, (n, c)) in cases.iter().enumerate() {
        let (a, b) = (median(&mut ours[i]), median(&mut theirs[i]));
        println!(
            "| execute {n} queued jobs, concurrency {c} | {a:.0} jobs/s | {b:.0} jobs/s | {:.2}× |",
            a / b
        );
    }
    let (a, b) = (median(&mut our_pickup), median(&mut their_pickup));
    println!(
        "| enqueue → handler start, idle worker, p50 | {a:.2} ms | {b:.2} ms | {:.2}× faster |",
        b / a
    );
}

/// Empties and vacuums the queue, enqueues `n` no-op jobs (untimed), then times one worker of
/// `slots` slots from its start until no job is pending or running.
async fn execute(tdb: &TestDatabase, n: usize, slots: usize) -> f64 {
    reset(tdb).await;
    let tenant = uuid::Uuid::new_v4();
    let payloads = vec![json!({}); 1000];
    for done in (0..n).step_by(1000) {
        let k = (n - done).min(1000);
        jobs::enqueue_batch(tdb.db.worker(), tenant, "noop", &payloads[..k], Utc::now())
            .await
            .unwrap();
    }
    let worker = Worker::new(
        tdb.db.clone(),
        Registry::standard(),
        WorkerConfig::with_concurrency(slots),
    );
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let t = Instant::now();
    let handle = tokio::spawn(async move {
        worker
            .run(async {
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
    n as f64 / secs
}

/// p50 in ms from just before an enqueue (its own transaction) to the handler's start, with an
/// idle worker of 4 slots; a job every 20 ms.
async fn pickup(tdb: &TestDatabase, samples: usize) -> f64 {
    reset(tdb).await;
    let (tx, mut rx) = mpsc::unbounded_channel::<Instant>();
    let tx = Arc::new(tx);
    let mut registry = Registry::new();
    registry.register("ping", move |_, _| {
        let tx = tx.clone();
        async move {
            let _ = tx.send(Instant::now());
            Ok(json!({}))
        }
    });
    let worker = Worker::new(tdb.db.clone(), registry, WorkerConfig::with_concurrency(4));
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let handle = tokio::spawn(async move {
        worker
            .run(async {
                let _ = stop_rx.await;
            })
            .await
    });
    tokio::time::sleep(Duration::from_millis(500)).await;
    let tenant = uuid::Uuid::new_v4();
    let mut ms = Vec::with_capacity(samples);
    for _ in 0..samples {
        let t0 = Instant::now();
        jobs::enqueue_for(
            tdb.db.worker(),
            tenant,
            &jobs::NewJob::new("ping", json!({}), Utc::now()),
            Utc::now(),
        )
        .await
        .unwrap();
        let started = rx.recv().await.unwrap();
        ms.push(started.duration_since(t0).as_secs_f64() * 1000.0);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let _ = stop_tx.send(());
    handle.await.unwrap();
    median(&mut ms)
}

async fn reset(tdb: &TestDatabase) {
    let admin = sqlx::PgPool::connect(&tdb.url()).await.unwrap();
    sqlx::query("DELETE FROM platform.jobs")
        .execute(&admin)
        .await
        .unwrap();
    sqlx::query("VACUUM ANALYZE platform.jobs")
        .execute(&admin)
        .await
        .unwrap();
    admin.close().await;
}

fn install_graphile() -> String {
    let out = Command::new("bash")
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../bench/graphile/install.sh"
        ))
        .output()
        .expect("run bench/graphile/install.sh");
    assert!(
        out.status.success(),
        "installing graphile-worker failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

fn node(args: &[&str]) -> serde_json::Value {
    let out = Command::new("node")
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../bench/graphile/bench.mjs"
        ))
        .args(args)
        .output()
        .expect("run node");
    assert!(
        out.status.success(),
        "graphile-worker bench failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    serde_json::from_str(stdout.lines().last().unwrap_or("")).expect("a JSON line")
}

fn node_pickup(url: &str, samples: usize) -> f64 {
    node(&["pickup", url, &samples.to_string()])["p50Ms"]
        .as_f64()
        .unwrap()
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn redact(url: &str) -> String {
    match url.split_once('@') {
        Some((_, host)) => format!("…@{host}"),
        None => url.to_owned(),
    }
}
