#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Foundation benchmarks against a real PostgreSQL (`WISDOMOS_TEST_DATABASE_URL`, as the tests):
//!
//! 1. provisioning: milliseconds per tenant over `BENCH_TENANTS` (default 1,000) tenants;
//! 2. tenant migration of an additive migration over those tenants (the function
//!    `wisdomos migrate` runs), and a second run with nothing to do;
//! 3. registration end to end over HTTP (argon2id included), `BENCH_REGISTRATIONS` (default 50).
//!
//! Run: `scripts/bench.sh` (or `cargo bench -p wisdomos --bench foundation` with a database URL).

mod common;

use std::time::{Duration, Instant};

use common::ms;

use serde_json::json;
use wisdomos_db::migrate::{self, Migration};
use wisdomos_db::provision::{self, NewTenant};
use wisdomos_db::testing::TestDatabase;
use wisdomos_db::users::{self, NewUser};

fn report(what: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let total: Duration = samples.iter().sum();
    println!(
        "{what}: n={} p50={:.1} ms p95={:.1} ms p99={:.1} ms max={:.1} ms total={:.2} s",
        samples.len(),
        ms(&samples, 0.50),
        ms(&samples, 0.95),
        ms(&samples, 0.99),
        ms(&samples, 1.0),
        total.as_secs_f64()
    );
}

/// Creates `n` tenants named `<prefix> <i>` for `owner`, one after another; each one's time.
async fn create_tenants(
    db: &wisdomos_db::Database,
    owner: uuid::Uuid,
    prefix: &str,
    n: usize,
    now: chrono::DateTime<chrono::Utc>,
) -> Vec<Duration> {
    let mut samples = Vec::with_capacity(n);
    for i in 0..n {
        let name = format!("{prefix} {i}");
        let t = Instant::now();
        provision::create_tenant(
            db,
            owner,
            &NewTenant {
                name: &name,
                slug: None,
                timezone: "UTC",
            },
            None,
            now,
        )
        .await
        .unwrap();
        samples.push(t.elapsed());
    }
    samples
}

const ADDITIVE: Migration = Migration {
    version: migrate::TENANT.len() as i32 + 1,
    name: "bench_additive",
    sql: "ALTER TABLE life_areas ADD COLUMN bench_note text; CREATE INDEX life_areas_bench_idx ON life_areas (tenant_id, bench_note);",
};

#[tokio::main]
async fn main() {
    let tenants = common::env_u64("BENCH_TENANTS", 1000) as usize;
    let registrations = common::env_u64("BENCH_REGISTRATIONS", 50) as usize;
    let tdb = TestDatabase::create().await;
    let db = &tdb.db;
    let now = chrono::Utc::now();

    // 1. Provisioning.
    let owner = {
        let mut conn = db.owner().acquire().await.unwrap();
        users::create(
            &mut conn,
            &NewUser {
                email: "bench@example.org",
                password_hash: "x",
                first_name: None,
                last_name: None,
            },
            now,
        )
        .await
        .unwrap()
    };
    // Warm up connections and plans.
    create_tenants(db, owner.id, "Warm", 5, now).await;
    // Building a tenant schema (role, schema, every table, indexes, RLS, seeds): what a spare
    // costs the background keeper, and what provisioning costs when no spare is ready.
    let mut builds = Vec::with_capacity(tenants);
    for _ in 0..tenants {
        let t = Instant::now();
        provision::create_spare(db, chrono::Utc::now())
            .await
            .unwrap();
        builds.push(t.elapsed());
    }
    report(
        &format!("build one tenant schema ({tenants} spares, sequential)"),
        builds,
    );
    // Provisioning as registration meets it: claiming a ready spare.
    let samples = create_tenants(db, owner.id, "Bench tenant", tenants, now).await;
    report(
        &format!("provision one tenant from a spare ({tenants} tenants, sequential)"),
        samples,
    );
    // And without a spare, building the schema in the same transaction.
    let cold = create_tenants(db, owner.id, "Cold tenant", (tenants / 5).max(10), now).await;
    report(
        "provision one tenant without a spare (builds its schema)",
        cold,
    );

    // 2. Migration of an additive change over every tenant, then a run with nothing to do.
    let with_extra: Vec<Migration> = migrate::TENANT.iter().copied().chain([ADDITIVE]).collect();
    for jobs in [4usize] {
        let t = Instant::now();
        let r = migrate::migrate_all_tenants(db.owner(), &with_extra, jobs, &|_, _| {})
            .await
            .unwrap();
        let secs = t.elapsed().as_secs_f64();
        assert!(r.failed.is_empty());
        println!(
            "migrate additive over {} tenants (--jobs {jobs}): {secs:.2} s ({:.1} tenants/s)",
            r.migrated,
            r.migrated as f64 / secs
        );
    }
    let t = Instant::now();
    let r = migrate::migrate_all_tenants(db.owner(), &with_extra, 4, &|_, _| {})
        .await
        .unwrap();
    println!(
        "migrate with nothing to do over {} tenants: {:.3} s ({} behind)",
        tenants + 5 + (tenants / 5).max(10),
        t.elapsed().as_secs_f64(),
        r.behind
    );

    // The same no-op run through the real binary, process start and connection included.
    let data = std::env::temp_dir().join(format!("wisdomos-bench-{}", std::process::id()));
    let mut runs = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_wisdomos"))
            .args(["migrate", "--jobs", "4"])
            .env("DATABASE_URL", tdb.url())
            .env(
                "WISDOMOS_DB_ROLE_PASSWORD",
                wisdomos_db::testing::TEST_ROLE_PASSWORD,
            )
            .env("WISDOMOS_DATA_DIR", &data)
            .output()
            .unwrap();
        runs.push(t.elapsed());
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let _ = std::fs::remove_dir_all(&data);
    report(
        &format!(
            "`wisdomos migrate` process with nothing to do over {} tenants",
            tenants + 5 + (tenants / 5).max(10)
        ),
        runs,
    );

    // 3. Registration end to end over HTTP, with spares ready as `serve` keeps them.
    for _ in 0..registrations + 3 {
        provision::create_spare(db, chrono::Utc::now())
            .await
            .unwrap();
    }
    let base = common::serve(db).await;
    let http = reqwest::Client::new();
    let mut samples = Vec::with_capacity(registrations);
    for i in 0..registrations + 3 {
        let body = json!({ "email": format!("user{i}@example.org"), "password": "correct horse battery staple", "workspaceName": format!("Space {i}") });
        let t = Instant::now();
        let resp = http
            .post(format!("{base}/api/v1/auth/register"))
            .json(&body)
            .send()
            .await
            .unwrap();
        let took = t.elapsed();
        assert_eq!(resp.status(), 201);
        if i >= 3 {
            samples.push(took);
        }
    }
    report(
        "POST /auth/register end to end (argon2id m=19456 t=2 p=1 included)",
        samples,
    );
}
