#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Life-domain benchmarks against a real PostgreSQL (`WISDOMOS_TEST_DATABASE_URL`, as the tests):
//!
//! 1. importing `BENCH_IMPORT_ROWS` (default 10,000) rows of our CSV through `POST /import/events`;
//! 2. `POST /events` on that tenant (10,000 events) from 8 concurrent clients for
//!    `BENCH_SECONDS` (default 10) s: throughput, p50, p99; then, in the same run, pgbench with 8
//!    clients doing a one-row insert transaction against the same server for the same time, and
//!    the ratio of the two rates;
//! 3. `GET /dashboard` on that tenant, sequential: p50, p99.
//!
//! Run: `scripts/bench.sh life` (or `cargo bench -p wisdomos --bench life` with a database URL).

mod common;

use std::time::{Duration, Instant};

use common::{env_u64, ms};

use serde_json::{json, Value};
use wisdomos_db::testing::TestDatabase;

fn pgbench_bin() -> std::path::PathBuf {
    let out = std::process::Command::new("pg_config")
        .arg("--bindir")
        .output()
        .ok();
    let dir = out
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    let p = std::path::Path::new(&dir).join("pgbench");
    if p.exists() {
        p
    } else {
        "pgbench".into()
    }
}

#[tokio::main]
async fn main() {
    let rows = env_u64("BENCH_IMPORT_ROWS", 10_000);
    let seconds = env_u64("BENCH_SECONDS", 10);
    let tdb = TestDatabase::create().await;
    let base = common::serve(&tdb.db).await;
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(16)
        .build()
        .unwrap();
    let reg: Value = http
        .post(format!("{base}/api/v1/auth/register"))
        .json(&json!({ "email": "bench@example.org", "password": "correct horse battery staple", "workspaceName": "Bench" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = reg["tokens"]["accessToken"].as_str().unwrap().to_owned();

    // 1. Import.
    let slugs: Vec<&str> = wisdomos_core::life_area::SEED_LIFE_AREAS
        .iter()
        .map(|a| a.slug)
        .collect();
    let mut csv = String::from("occurredAt,title,lifeArea,type,emotionalCharge,tags,description\n");
    let now = chrono::Utc::now();
    for i in 0..rows {
        let at = now - chrono::Duration::minutes((i * 53) as i64);
        let charge = (i % 11) as i64 - 5;
        csv.push_str(&format!(
            "{},Entry {i} about the day,{},{},{charge},bench;t{},\"Something happened on day {i}, with some words to index\"\n",
            at.to_rfc3339(),
            slugs[i as usize % slugs.len()],
            if charge < 0 { "SETBACK" } else { "PROGRESS" },
            i % 7
        ));
    }
    let t = Instant::now();
    let r: Value = http
        .post(format!("{base}/api/v1/import/events?format=csv"))
        .bearer_auth(&token)
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let import_secs = t.elapsed().as_secs_f64();
    assert_eq!(r["accepted"].as_u64(), Some(rows), "{r}");
    println!(
        "import {rows} rows (our CSV, one request): {import_secs:.2} s ({:.0} rows/s)",
        rows as f64 / import_secs
    );

    // 2. POST /events with 8 clients.
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..8 {
        let (http, base, token) = (http.clone(), base.clone(), token.clone());
        let area = slugs[c * 3];
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut i = 0;
            while Instant::now() < deadline {
                let body = json!({ "lifeAreaId": area, "type": "PROGRESS", "category": "PERSONAL", "tone": "POSITIVE",
                    "title": format!("Client {c} event {i}"), "emotionalCharge": (i % 11) - 5, "tags": ["load"] });
                let t = Instant::now();
                let resp = http.post(format!("{base}/api/v1/events")).bearer_auth(&token).json(&body).send().await.unwrap();
                assert_eq!(resp.status(), 201);
                let _ = resp.bytes().await;
                lat.push(t.elapsed());
                i += 1;
            }
            lat
        }));
    }
    let mut lat = Vec::new();
    for t in tasks {
        lat.extend(t.await.unwrap());
    }
    let ours = lat.len() as f64 / started.elapsed().as_secs_f64();
    lat.sort();
    println!("POST /events, 8 clients, {seconds} s, tenant with {rows}+ events: {ours:.0} req/s, p50 {:.1} ms, p99 {:.1} ms (n={})", ms(&lat, 0.5), ms(&lat, 0.99), lat.len());

    // pgbench: one-row insert transactions, 8 clients, same server and database.
    {
        use sqlx::Connection;
        let mut admin = sqlx::PgConnection::connect(&tdb.url()).await.unwrap();
        sqlx::query("CREATE TABLE public.pgbench_rows (id bigserial PRIMARY KEY, payload text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())")
            .execute(&mut admin)
            .await
            .unwrap();
    }
    let script = std::env::temp_dir().join(format!("wisdomos-pgbench-{}.sql", std::process::id()));
    std::fs::write(
        &script,
        "INSERT INTO public.pgbench_rows (payload) VALUES ('one row');\n",
    )
    .unwrap();
    let out = std::process::Command::new(pgbench_bin())
        .args([
            "-n",
            "-c",
            "8",
            "-j",
            "2",
            "-T",
            &seconds.to_string(),
            "-f",
            script.to_str().unwrap(),
            &tdb.url(),
        ])
        .output();
    let _ = std::fs::remove_file(&script);
    // The HTTP ceiling: the same 8 in-process clients against `GET /healthz` (no database), so
    // the ratio's bound on this machine is visible next to it.
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let (http, base) = (http.clone(), base.clone());
        tasks.push(tokio::spawn(async move {
            let mut n = 0u64;
            while Instant::now() < deadline {
                let resp = http.get(format!("{base}/healthz")).send().await.unwrap();
                assert_eq!(resp.status(), 200);
                let _ = resp.bytes().await;
                n += 1;
            }
            n
        }));
    }
    let mut n = 0;
    for t in tasks {
        n += t.await.unwrap();
    }
    let ceiling = n as f64 / started.elapsed().as_secs_f64();
    match out {
        Ok(o) if o.status.success() => {
            let text = String::from_utf8_lossy(&o.stdout);
            let tps = text
                .lines()
                .find(|l| l.starts_with("tps ="))
                .and_then(|l| l.split_whitespace().nth(2))
                .and_then(|v| v.parse::<f64>().ok())
                .unwrap_or(0.0);
            println!("pgbench one-row insert, 8 clients, {seconds} s: {tps:.0} tps; POST /events / pgbench = {:.2}", ours / tps.max(1.0));
            println!("GET /healthz (HTTP only, no database), 8 clients, {seconds} s: {ceiling:.0} req/s; / pgbench = {:.2}", ceiling / tps.max(1.0));
        }
        Ok(o) => println!("pgbench failed: {}", String::from_utf8_lossy(&o.stderr)),
        Err(e) => println!("pgbench not runnable: {e}"),
    }

    // 3. GET /dashboard, sequential.
    let mut lat = Vec::new();
    for i in 0..(seconds * 100).max(200) {
        let t = Instant::now();
        let resp = http
            .get(format!("{base}/api/v1/dashboard"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
        let _ = resp.bytes().await;
        if i >= 20 {
            lat.push(t.elapsed());
        }
    }
    lat.sort();
    println!(
        "GET /dashboard, sequential: p50 {:.2} ms, p99 {:.2} ms (n={})",
        ms(&lat, 0.5),
        ms(&lat, 0.99),
        lat.len()
    );
}
