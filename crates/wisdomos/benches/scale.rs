#![allow(clippy::unwrap_used, clippy::expect_used)]
//! 10,000 workspaces on one PostgreSQL (issue 15). On a throw-away database with the app served
//! in-process over loopback HTTP:
//! 1. 10 workspaces (registered over HTTP): `GET /dashboard` and `POST /events` from 8 clients,
//!    each request to a random one of them; PostgreSQL memory while it runs.
//! 2. Grow to `BENCH_WORKSPACES` (default 10,000): spare schemas built 4 at a time, then
//!    provisioned (timed: what registration does), and `BENCH_ACTIVE` (default 1,000) of them
//!    registered over HTTP (timed end to end).
//! 3. The same loads across random active workspaces, then across 10 of them (the catalog's
//!    size without the connection starts of a large active set); the ratios to step 1.
//! 4. `migrate_all_tenants` of an additive change over all of them (4 at a time) and with nothing
//!    to do; `pg_dump` of one workspace.
//!
//! Run: `scripts/bench.sh scale`. `BENCH_SECONDS` (default 8) per load.

mod common;

use std::time::{Duration, Instant};

use common::{env_u64, ms};
use serde_json::{json, Value};
use wisdomos_db::migrate::{self, Migration};
use wisdomos_db::provision::{self, NewTenant};
use wisdomos_db::testing::TestDatabase;

const PASSWORD: &str = "correct horse battery staple";

#[tokio::main]
async fn main() {
    let total = env_u64("BENCH_WORKSPACES", 10_000) as usize;
    let active = env_u64("BENCH_ACTIVE", 1_000) as usize;
    let seconds = env_u64("BENCH_SECONDS", 8);
    let tdb = TestDatabase::create().await;
    let base = common::serve(&tdb.db).await;
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(16)
        .build()
        .unwrap();

    let (small, _) = register(&http, &base, "small", 10).await;
    let few = load(&http, &base, &small, seconds, &tdb).await;

    // Grow: build the spares, 4 at a time, then provision from them.
    let t = Instant::now();
    let target = total.saturating_sub(10 + active);
    let mut builders = Vec::new();
    for b in 0..4 {
        let db = tdb.db.clone();
        builders.push(tokio::spawn(async move {
            for _ in (b..target + active).step_by(4) {
                provision::create_spare(&db, chrono::Utc::now())
                    .await
                    .unwrap();
            }
        }));
    }
    for b in builders {
        b.await.unwrap();
    }
    println!(
        "built {} spare schemas, 4 at a time: {:.0} s",
        target + active,
        t.elapsed().as_secs_f64()
    );
    let owner = small[0].1;
    let mut provisioned = Vec::with_capacity(target);
    for i in 0..target {
        let name = format!("Quiet {i}");
        let t = Instant::now();
        provision::create_tenant(
            &tdb.db,
            owner,
            &NewTenant {
                name: &name,
                slug: None,
                timezone: "UTC",
            },
            None,
            chrono::Utc::now(),
        )
        .await
        .unwrap();
        provisioned.push(t.elapsed());
    }
    provisioned.sort();
    let (busy, registration) = register(&http, &base, "busy", active).await;
    let workspaces: i64 =
        sqlx::query_scalar("SELECT count(*) FROM platform.tenants WHERE status = 'ACTIVE'")
            .fetch_one(tdb.db.worker())
            .await
            .unwrap_or(0);
    let relations: i64 = sqlx::query_scalar("SELECT count(*) FROM pg_class")
        .fetch_one(tdb.db.app())
        .await
        .unwrap();
    println!(
        "{workspaces} workspaces, {relations} relations in pg_class; provision from a spare p50 {:.2} ms, p99 {:.2} ms (n={}); registration over HTTP p50 {:.1} ms, p99 {:.1} ms (n={active})",
        ms(&provisioned, 0.5),
        ms(&provisioned, 0.99),
        provisioned.len(),
        ms(&registration, 0.5),
        ms(&registration, 0.99)
    );
    let many = load(&http, &base, &busy, seconds, &tdb).await;
    // The same number of workspaces as step 1 but among all of them: what the catalog's size
    // costs, apart from the connection starts a large active set causes.
    let some = load(&http, &base, &busy[..10.min(busy.len())], seconds, &tdb).await;

    println!(
        "\n| measure | 10 workspaces | {workspaces} workspaces, {active} active | ratio | {workspaces} workspaces, 10 active | ratio | goal |"
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: | --- |");
    for (i, what) in ["GET /dashboard", "POST /events"].iter().enumerate() {
        for (q, name) in [(0.5, "p50"), (0.99, "p99")] {
            let (a, b, c) = (
                ms(&few.latencies[i], q),
                ms(&many.latencies[i], q),
                ms(&some.latencies[i], q),
            );
            println!(
                "| {what} {name} | {a:.2} ms | {b:.2} ms | {:.2}× | {c:.2} ms | {:.2}× | ≤ 1.5× |",
                b / a,
                c / a
            );
        }
        println!(
            "| {what} rate | {:.0} req/s | {:.0} req/s | {:.2}× | {:.0} req/s | {:.2}× | |",
            few.rates[i],
            many.rates[i],
            many.rates[i] / few.rates[i],
            some.rates[i],
            some.rates[i] / few.rates[i]
        );
        let c = |l: &Load| format!("{:.2} + {:.2} ms", l.cpu[i].0, l.cpu[i].1);
        println!(
            "| {what} CPU per request, server and clients + PostgreSQL | {} | {} | | {} | | |",
            c(&few),
            c(&many),
            c(&some)
        );
    }
    println!(
        "| PostgreSQL backends of the server (max seen) | {} | {} | | {} | | bounded |",
        few.backends, many.backends, some.backends
    );
    println!(
        "| private memory per backend, median / max | {:.1} / {:.1} MB | {:.1} / {:.1} MB | | {:.1} / {:.1} MB | | bounded |",
        few.per_backend_mb.0, few.per_backend_mb.1, many.per_backend_mb.0, many.per_backend_mb.1,
        some.per_backend_mb.0, some.per_backend_mb.1
    );
    println!(
        "| private memory of all the server's backends | {:.0} MB | {:.0} MB | | {:.0} MB | | bounded |",
        few.total_mb, many.total_mb, some.total_mb
    );

    let additive = Migration {
        version: migrate::TENANT.len() as i32 + 1,
        name: "bench_additive",
        sql: "ALTER TABLE life_areas ADD COLUMN bench_note text; CREATE INDEX life_areas_bench_idx ON life_areas (tenant_id, bench_note);",
    };
    let with_extra: Vec<Migration> = migrate::TENANT.iter().copied().chain([additive]).collect();
    let t = Instant::now();
    let r = migrate::migrate_all_tenants(tdb.db.owner(), &with_extra, 4, &|_, _| {})
        .await
        .unwrap();
    println!(
        "| migrate an additive change over {} workspaces (4 at a time) | | {:.1} s | | ≤ 60 s |",
        r.migrated,
        t.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    migrate::migrate_all_tenants(tdb.db.owner(), &with_extra, 4, &|_, _| {})
        .await
        .unwrap();
    println!(
        "| migrate with nothing to do | | {:.3} s | | ≤ 2 s |",
        t.elapsed().as_secs_f64()
    );
    let schema = wisdomos_core::tenant::schema_name(busy[0].2);
    let out = std::env::temp_dir().join(format!("wisdomos-scale-{}.sql", std::process::id()));
    let t = Instant::now();
    let status = std::process::Command::new("pg_dump")
        .args(["--schema", &schema, "--file"])
        .arg(&out)
        .arg(tdb.url())
        .status()
        .expect("pg_dump");
    let size = std::fs::metadata(&out).map(|m| m.len()).unwrap_or(0);
    let _ = std::fs::remove_file(&out);
    println!(
        "| pg_dump of one workspace (--schema) | | {:.1} s, {} KB{} | | |",
        t.elapsed().as_secs_f64(),
        size / 1024,
        if status.success() { "" } else { " (failed)" }
    );
}

/// Registers `n` people over HTTP, each with a workspace; (token, user id, tenant id) and the
/// registration latencies, sorted.
async fn register(
    http: &reqwest::Client,
    base: &str,
    prefix: &str,
    n: usize,
) -> (Vec<(String, uuid::Uuid, uuid::Uuid)>, Vec<Duration>) {
    let mut out = Vec::with_capacity(n);
    let mut lat = Vec::with_capacity(n);
    for i in 0..n {
        let t = Instant::now();
        let r: Value = http
            .post(format!("{base}/api/v1/auth/register"))
            .json(&json!({ "email": format!("{prefix}{i}@example.org"), "password": PASSWORD, "workspaceName": format!("{prefix} {i}") }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        lat.push(t.elapsed());
        let token = r["tokens"]["accessToken"]
            .as_str()
            .expect("registered")
            .to_owned();
        let user = r["user"]["id"].as_str().unwrap().parse().unwrap();
        let tenant = r["tenant"]["id"].as_str().unwrap().parse().unwrap();
        out.push((token, user, tenant));
    }
    lat.sort();
    (out, lat)
}

struct Load {
    /// Sorted latencies of the dashboard and of the event writes.
    latencies: [Vec<Duration>; 2],
    rates: [f64; 2],
    /// CPU per request (ms): this process (server and clients), the rest of the machine.
    cpu: [(f64, f64); 2],
    backends: usize,
    per_backend_mb: (f64, f64),
    total_mb: f64,
}

/// `GET /dashboard`, then `POST /events`, each from 8 clients for `seconds`, every request to a
/// random workspace of `who`; the server's PostgreSQL backends sampled during the writes.
async fn load(
    http: &reqwest::Client,
    base: &str,
    who: &[(String, uuid::Uuid, uuid::Uuid)],
    seconds: u64,
    tdb: &TestDatabase,
) -> Load {
    let slugs: Vec<&str> = wisdomos_core::life_area::SEED_LIFE_AREAS
        .iter()
        .map(|a| a.slug)
        .collect();
    let tokens: Vec<String> = who.iter().map(|w| w.0.clone()).collect();
    let mut latencies = [Vec::new(), Vec::new()];
    let mut rates = [0.0; 2];
    let mut cpu = [(0.0, 0.0); 2];
    let mut sample = (0, (0.0, 0.0), 0.0);
    for (k, latency) in latencies.iter_mut().enumerate() {
        let deadline = Instant::now() + Duration::from_secs(seconds);
        let started = Instant::now();
        let cpu_before = common::cpu_seconds();
        let mut tasks = Vec::new();
        for c in 0..8usize {
            let (http, base, tokens) = (http.clone(), base.to_owned(), tokens.clone());
            let slugs: Vec<String> = slugs.iter().map(|s| s.to_string()).collect();
            tasks.push(tokio::spawn(async move {
                let mut lat = Vec::new();
                let mut i = c * 7919;
                while Instant::now() < deadline {
                    i = i.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    let token = &tokens[(i >> 33) % tokens.len()];
                    let t = Instant::now();
                    let resp = if k == 0 {
                        http.get(format!("{base}/api/v1/dashboard")).bearer_auth(token).send().await.unwrap()
                    } else {
                        let at = chrono::Utc::now() - chrono::Duration::minutes(((i >> 20) % 525_600) as i64);
                        let body = json!({ "lifeAreaId": slugs[(i >> 40) % slugs.len()], "type": "PROGRESS", "category": "PERSONAL",
                            "tone": "POSITIVE", "title": format!("Client {c} event"), "emotionalCharge": 2, "tags": ["load"],
                            "occurredAt": at.to_rfc3339() });
                        http.post(format!("{base}/api/v1/events")).bearer_auth(token).json(&body).send().await.unwrap()
                    };
                    assert!(resp.status().is_success(), "{}", resp.status());
                    let _ = resp.bytes().await;
                    lat.push(t.elapsed());
                }
                lat
            }));
        }
        if k == 1 {
            tokio::time::sleep(Duration::from_secs(seconds / 2)).await;
            sample = backend_memory(tdb).await;
        }
        for t in tasks {
            latency.extend(t.await.unwrap());
        }
        rates[k] = latency.len() as f64 / started.elapsed().as_secs_f64();
        let cpu_after = common::cpu_seconds();
        let n = latency.len().max(1) as f64;
        let own = (cpu_after.0 - cpu_before.0) * 1000.0 / n;
        cpu[k] = (own, (cpu_after.1 - cpu_before.1) * 1000.0 / n - own);
        latency.sort();
    }
    Load {
        latencies,
        rates,
        cpu,
        backends: sample.0,
        per_backend_mb: sample.1,
        total_mb: sample.2,
    }
}

/// The server's backends on the bench database: how many, median and max private memory (MB:
/// `Private_Clean + Private_Dirty` of the private mappings in `/proc/<pid>/smaps`, so not the
/// pages of PostgreSQL's shared memory that only this backend happened to touch), and their
/// sum.
async fn backend_memory(tdb: &TestDatabase) -> (usize, (f64, f64), f64) {
    let admin = sqlx::PgPool::connect(&tdb.url()).await.unwrap();
    let pids: Vec<i32> = sqlx::query_scalar(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'",
    )
    .fetch_all(&admin)
    .await
    .unwrap();
    admin.close().await;
    let mut mb: Vec<f64> = pids
        .iter()
        .filter_map(|pid| std::fs::read_to_string(format!("/proc/{pid}/smaps")).ok())
        .map(|s| private_kb(&s) / 1024.0)
        .collect();
    mb.sort_by(|a, b| a.total_cmp(b));
    let total: f64 = mb.iter().sum();
    let median = mb.get(mb.len() / 2).copied().unwrap_or(0.0);
    let max = mb.last().copied().unwrap_or(0.0);
    (pids.len(), (median, max), total)
}

/// The private memory (kB) of the private mappings of one `smaps`: a mapping's header line has
/// its permissions second, `s` in their fourth place for a shared one (PostgreSQL's shared
/// buffers, counted as private by the kernel where one process alone touched a page).
fn private_kb(smaps: &str) -> f64 {
    let mut shared = false;
    let mut kb = 0.0;
    for line in smaps.lines() {
        let mut words = line.split_whitespace();
        let first = words.next().unwrap_or_default();
        if first.contains('-') && !first.ends_with(':') {
            shared = words
                .next()
                .is_some_and(|perms| perms.as_bytes().get(3) == Some(&b's'));
        } else if !shared && (first == "Private_Clean:" || first == "Private_Dirty:") {
            kb += words
                .next()
                .and_then(|v| v.parse::<f64>().ok())
                .unwrap_or(0.0);
        }
    }
    kb
}
