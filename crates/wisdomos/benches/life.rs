#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Life-domain benchmarks against a real PostgreSQL (`WISDOMOS_TEST_DATABASE_URL`, as the tests):
//!
//! 1. importing `BENCH_IMPORT_ROWS` (default 10,000) rows of our CSV through `POST /import/events`;
//! 2. `POST /events` on that tenant (10,000 events) from 8 concurrent clients for
//!    `BENCH_SECONDS` (default 10) s: throughput, p50, p99; then, in the same run, pgbench with 8
//!    clients doing a one-row insert transaction against the same server for the same time, and
//!    the ratio of the two rates; and, to show where the time goes, the HTTP ceiling (`GET
//!    /healthz`, same clients) and the bare minimum of a `POST /events` as SQL without HTTP
//!    (pgbench: membership check, scoped BEGIN, area lookup, insert, COMMIT), the event row's
//!    insert alone, and a group-commit prototype as SQL (8 events with their scores per
//!    transaction). The load's events are dated over the past year, like the 10,000 held;
//! 3. `GET /dashboard` on that tenant, sequential: p50, p99.
//!
//! Run: `scripts/bench.sh life` (or `cargo bench -p wisdomos --bench life` with a database URL).

mod common;

use std::time::{Duration, Instant};

use common::{env_u64, ms};

use serde_json::{json, Value};
use wisdomos_db::testing::TestDatabase;

/// Runs `script` with pgbench (`clients` clients, 2 threads, `seconds`) against `url`; its tps.
fn pgbench(url: &str, script: &str, seconds: u64, clients: u32) -> Option<f64> {
    let path = std::env::temp_dir().join(format!(
        "wisdomos-pgbench-{}-{}.sql",
        std::process::id(),
        uuid::Uuid::new_v4().simple()
    ));
    std::fs::write(&path, script).ok()?;
    let out = std::process::Command::new(pgbench_bin())
        .args([
            "-n",
            "-M",
            "prepared",
            "-c",
            &clients.to_string(),
            "-j",
            "2",
            "-T",
            &seconds.to_string(),
            "-f",
        ])
        .arg(&path)
        .arg(url)
        .output();
    let _ = std::fs::remove_file(&path);
    let out = out.ok()?;
    if !out.status.success() {
        println!("pgbench failed: {}", String::from_utf8_lossy(&out.stderr));
        return None;
    }
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find(|l| l.starts_with("tps ="))
        .and_then(|l| l.split_whitespace().nth(2))
        .and_then(|v| v.parse::<f64>().ok())
}

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
    let cpu_before = common::cpu_seconds();
    let mut tasks = Vec::new();
    for c in 0..8 {
        let (http, base, token) = (http.clone(), base.clone(), token.clone());
        let area = slugs[c * 3];
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut i = 0;
            while Instant::now() < deadline {
                // Dated over the past year like the 10,000 already held, so the tenant stays one
                // that holds a year of events rather than thousands in the last minute.
                let at = chrono::Utc::now() - chrono::Duration::minutes((i * 7919 + c as i64 * 131) % 525_600);
                let body = json!({ "lifeAreaId": area, "type": "PROGRESS", "category": "PERSONAL", "tone": "POSITIVE",
                    "title": format!("Client {c} event {i}"), "emotionalCharge": (i % 11) - 5, "tags": ["load"],
                    "occurredAt": at.to_rfc3339() });
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
    let cpu_after = common::cpu_seconds();
    let n = lat.len().max(1) as f64;
    let per_request = |before: f64, after: f64| (after - before) * 1000.0 / n;
    lat.sort();
    println!("POST /events, 8 clients, {seconds} s, tenant with {rows}+ events: {ours:.0} req/s, p50 {:.1} ms, p99 {:.1} ms (n={})", ms(&lat, 0.5), ms(&lat, 0.99), lat.len());
    let own = per_request(cpu_before.0, cpu_after.0);
    println!(
        "  CPU per request: this process (server and its 8 clients) {own:.3} ms, the rest of the machine (PostgreSQL) {:.3} ms",
        per_request(cpu_before.1, cpu_after.1) - own
    );

    // pgbench: one-row insert transactions, 8 clients, same server and database.
    use sqlx::Connection;
    let mut admin = sqlx::PgConnection::connect(&tdb.url()).await.unwrap();
    sqlx::query("CREATE TABLE public.pgbench_rows (id bigserial PRIMARY KEY, payload text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())")
        .execute(&mut admin)
        .await
        .unwrap();
    let tps = pgbench(
        &tdb.url(),
        "INSERT INTO public.pgbench_rows (payload) VALUES ('one row');\n",
        seconds,
        8,
    );

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

    // The bare minimum of a `POST /events` as SQL, without HTTP, as a pgbench script over the
    // same tenant with prepared statements as sqlx uses them: the membership check, the scoped
    // BEGIN (four round trips here, one in the app: pgbench cannot prepare a compound
    // statement), the area lookup, the insert, COMMIT — no score, no suggestions. It bounds what
    // any request that records an event as the issue asks (checked, scoped, indexed for search)
    // can reach on this machine.
    let (schema, tenant, user): (String, uuid::Uuid, uuid::Uuid) = sqlx::query_as(
        "SELECT t.schema_name, t.id, m.user_id FROM platform.tenants t JOIN platform.memberships m ON m.tenant_id = t.id LIMIT 1",
    )
    .fetch_one(&mut admin)
    .await
    .unwrap();
    let family: uuid::Uuid = sqlx::query_scalar(
        "SELECT family_id FROM platform.sessions WHERE user_id = $1 AND revoked_at IS NULL LIMIT 1",
    )
    .bind(user)
    .fetch_one(&mut admin)
    .await
    .unwrap();
    let authorize = format!(
        "SELECT m.role FROM platform.memberships m JOIN platform.tenants t ON t.id = m.tenant_id WHERE m.user_id = '{user}' AND m.tenant_id = '{tenant}' AND t.status <> 'DELETED' AND EXISTS (SELECT 1 FROM platform.sessions s WHERE s.family_id = '{family}' AND s.user_id = '{user}' AND s.revoked_at IS NULL);\n\
         BEGIN;\nSET LOCAL ROLE {schema};\nSET LOCAL search_path = {schema};\nSELECT set_config('app.tenant_id', '{tenant}', true);\n\
         SELECT id AS area FROM life_areas WHERE sort_order = :client_id * 3 + 2 \\gset\n\
         INSERT INTO events (life_area_id, type, category, tone, title, description, narrative, occurred_at, emotional_charge, tags, created_at, updated_at) VALUES (:area, 'PROGRESS', 'PERSONAL', 'POSITIVE', 'Client event', 'Something happened today', NULL, now() - random() * interval '365 days', 2, '{{load}}', now(), now()) RETURNING *;\n"
    );
    let bare_cpu = common::cpu_seconds();
    let bare = pgbench(&tdb.url(), &format!("{authorize}COMMIT;\n"), seconds, 8);
    let bare_cpu = {
        let after = common::cpu_seconds();
        (after.1 - bare_cpu.1) - (after.0 - bare_cpu.0)
    };
    // And the event row alone: the same insert into the tenant's events table in autocommit as
    // the database owner, with no membership check, no scoping and no score: what storing one
    // searchable event costs next to pgbench's one-row insert.
    let row_only = pgbench(
        &tdb.url(),
        &format!(
            "INSERT INTO {schema}.events (tenant_id, life_area_id, type, category, tone, title, description, narrative, occurred_at, emotional_charge, tags, created_at, updated_at) SELECT '{tenant}', id, 'PROGRESS', 'PERSONAL', 'POSITIVE', 'Client event', 'Something happened today', NULL, now() - random() * interval '365 days', 2, '{{load}}', now(), now() FROM {schema}.life_areas WHERE tenant_id = '{tenant}' AND sort_order = :client_id * 3 + 2;\n"
        ),
        seconds,
        8,
    );

    // A prototype of group commit, as SQL: 8 events of 8 areas per transaction, set-based (the 8
    // requests' membership checks, one scoped BEGIN, one insert, one lock and one sums query for
    // the 8 areas, one update, one insight query, COMMIT), from 2 connections, as a per-tenant
    // batching writer would run it. Events dated over the past year, like the bare minimum.
    let check = authorize.lines().next().unwrap_or_default().to_owned();
    let batch = format!(
        "{checks}BEGIN;\nSET LOCAL ROLE {schema};\nSET LOCAL search_path = {schema};\nSELECT set_config('app.tenant_id', '{tenant}', true);\n\
         SELECT array_agg(id ORDER BY id) AS areas FROM life_areas WHERE sort_order IN (SELECT ((:client_id * 8 + g) % 30) + 1 FROM generate_series(0, 7) g) \\gset\n\
         INSERT INTO events (life_area_id, type, category, tone, title, description, narrative, occurred_at, emotional_charge, tags, created_at, updated_at) SELECT a, 'PROGRESS', 'PERSONAL', 'POSITIVE', 'Batched event', 'Something happened today', NULL, now() - random() * interval '365 days', 2, '{{load}}', now(), now() FROM unnest(:areas::uuid[]) a RETURNING *;\n\
         SELECT 1 FROM life_areas WHERE id = ANY(:areas::uuid[]) ORDER BY id FOR NO KEY UPDATE;\n\
         SELECT la.id, la.current_score, ev.* FROM life_areas la, LATERAL (SELECT coalesce(sum(w * greatest(-5, least(5, e.emotional_charge)) / 5.0), 0)::float8, coalesce(sum(w), 0)::float8, count(*), count(*) FILTER (WHERE e.type = 'UPSET'), count(*) FILTER (WHERE e.type = 'BREAKTHROUGH'), (SELECT count(*) FROM boundary_violations v JOIN boundaries b ON b.tenant_id = v.tenant_id AND b.id = v.boundary_id WHERE b.life_area_id = la.id AND v.occurred_at > now() - interval '30 days'), (SELECT count(*) FROM commitments c WHERE c.life_area_id = la.id AND c.status IN ('COMPLETED', 'INTEGRATED')), (SELECT count(*) FROM commitments c WHERE c.life_area_id = la.id) FROM events e, LATERAL (SELECT power(0.5::float8, (extract(epoch FROM (now() - e.occurred_at)) / 86400.0 / 14)::float8) AS w) d WHERE e.life_area_id = la.id AND e.occurred_at > now() - interval '30 days' AND e.occurred_at <= now()) ev WHERE la.id = ANY(:areas::uuid[]);\n\
         UPDATE life_areas SET current_score = 50, status = 'BALANCED', updated_at = now() WHERE id = ANY(:areas::uuid[]);\n\
         SELECT * FROM insights ORDER BY created_at DESC, id DESC LIMIT 200;\n\
         COMMIT;\n",
        checks = format!("{check}\n").repeat(8),
    );
    let batched = pgbench(&tdb.url(), &batch, seconds, 2);

    match tps {
        Some(tps) => {
            println!("pgbench one-row insert, 8 clients, {seconds} s: {tps:.0} tps; POST /events / pgbench = {:.2}", ours / tps.max(1.0));
            println!("GET /healthz (HTTP only, no database), 8 clients, {seconds} s: {ceiling:.0} req/s; / pgbench = {:.2}", ceiling / tps.max(1.0));
            if let Some(bare) = bare {
                println!("the bare minimum of POST /events as SQL without HTTP (membership check, scoped BEGIN, area lookup, insert, COMMIT; no score, no suggestions), 8 clients: {bare:.0} tps; / pgbench = {:.2}", bare / tps.max(1.0));
                println!("  CPU per bare-minimum transaction outside this process (PostgreSQL and pgbench): {:.3} ms; POST /events / bare minimum = {:.2}", bare_cpu * 1000.0 / (bare * seconds as f64).max(1.0), ours / bare.max(1.0));
            }
            if let Some(row_only) = row_only {
                println!("one event row alone (the insert in autocommit as the owner: no check, no scoping, no score), 8 clients: {row_only:.0} tps; / pgbench = {:.2}", row_only / tps.max(1.0));
            }
            if let Some(batched) = batched {
                println!("group commit prototype as SQL (8 events with their scores per transaction, 2 connections): {batched:.0} tps = {:.0} events/s; / pgbench = {:.2}", batched * 8.0, batched * 8.0 / tps.max(1.0));
            }
        }
        None => println!("pgbench not runnable; GET /healthz {ceiling:.0} req/s"),
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
