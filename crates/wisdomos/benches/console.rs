#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The operator console at scale (issue 14): an organisation of `BENCH_PARTICIPANTS` (default
//! 10,000) participants and about five relationships per participant (50,000), in planted
//! communities of 200 (90% of ties inside), imported through the CSV endpoints. Measures:
//! the imports; `GET /graph` of a 2,000-node page (p50/p99 over `BENCH_REQUESTS`, default 50,
//! served in-process over loopback, each view audited); the segment recomputation and the
//! recommendation job (median of 3, in one tenant transaction each, as the jobs run them);
//! chained audit appends, 10 per transaction as a busy request writes them, and `audit verify`
//! (rows/s) over `BENCH_AUDIT_ROWS` (default 50,000) rows. Run: `scripts/bench.sh console`.

mod common;

use std::time::{Duration, Instant};

use chrono::{Duration as Days, Utc};
use common::{env_u64, ms};
use serde_json::{json, Value};
use wisdomos_db::testing::TestDatabase;

struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

#[tokio::main]
async fn main() {
    let n = env_u64("BENCH_PARTICIPANTS", 10_000);
    let requests = env_u64("BENCH_REQUESTS", 50) as usize;
    let audit_rows = env_u64("BENCH_AUDIT_ROWS", 50_000);
    let tdb = TestDatabase::create().await;
    let base = common::serve(&tdb.db).await;
    let http = reqwest::Client::new();
    let reg: Value = http
        .post(format!("{base}/api/v1/auth/register"))
        .json(&json!({ "email": "op@example.org", "password": "correct horse battery staple", "workspaceName": "Big Org" }))
        .send().await.unwrap().json().await.unwrap();
    let token = reg["tokens"]["accessToken"].as_str().unwrap().to_owned();
    let org = reg["tenant"]["id"].as_str().unwrap().to_owned();

    // Participants, then edges in planted communities of 200.
    let mut rng = Lcg(14);
    let now = Utc::now();
    let mut people = String::from("name,email,lastActivityAt\n");
    for i in 0..n {
        let days = rng.next(120) as i64;
        people.push_str(&format!(
            "P{i},p{i}@example.org,{}\n",
            (now - Days::days(days) - Days::hours(1)).to_rfc3339()
        ));
    }
    let community = 200u64;
    let mut edges = String::from("from,to,weight\n");
    let mut count = 0u64;
    for i in 0..n {
        for _ in 0..5 {
            let j = if rng.next(10) < 9 {
                (i / community) * community
                    + rng.next(community.min(n - (i / community) * community))
            } else {
                rng.next(n)
            };
            if j != i {
                edges.push_str(&format!(
                    "p{i}@example.org,p{j}@example.org,{:.2}\n",
                    0.3 + rng.next(70) as f64 / 100.0
                ));
                count += 1;
            }
        }
    }
    let import = |what: &'static str, body: String| {
        let (http, base, org, token) = (http.clone(), base.clone(), org.clone(), token.clone());
        async move {
            let t = Instant::now();
            let r = http
                .post(format!("{base}/api/v1/orgs/{org}/{what}/import"))
                .bearer_auth(&token)
                .header("content-type", "text/csv")
                .body(body)
                .send()
                .await
                .unwrap();
            assert!(r.status().is_success(), "{}", r.text().await.unwrap());
            let v: Value = r.json().await.unwrap();
            (t.elapsed(), v)
        }
    };
    let (t, v) = import("participants", people).await;
    println!(
        "import {} participants: {:.2} s",
        v["created"],
        t.as_secs_f64()
    );
    let (t, v) = import("relationships", edges).await;
    println!(
        "import {count} edge rows: {} relationships in {:.2} s ({} duplicates)",
        v["created"],
        t.as_secs_f64(),
        v["duplicates"]
    );

    let tenant = wisdomos_db::tenants::get(tdb.db.owner(), org.parse().unwrap())
        .await
        .unwrap();
    let scope = wisdomos_db::tenants::operator_scope(&tenant);
    let mut seg = Vec::new();
    let mut recs = Vec::new();
    let mut made = (0, 0);
    for _ in 0..3 {
        let mut tx = wisdomos_db::TenantTx::begin(&tdb.db, &scope).await.unwrap();
        let t = Instant::now();
        let s = wisdomos_app::segments::recompute(&mut tx, Utc::now())
            .await
            .unwrap();
        seg.push(t.elapsed().as_secs_f64());
        tx.commit().await.unwrap();
        made.0 = s.iter().filter(|s| s.kind == "community").count();
        let mut tx = wisdomos_db::TenantTx::begin(&tdb.db, &scope).await.unwrap();
        let t = Instant::now();
        let g = wisdomos_app::recommendations::generate(&mut tx, Utc::now())
            .await
            .unwrap();
        recs.push(t.elapsed().as_secs_f64());
        tx.commit().await.unwrap();
        made.1 = g.created + g.kept;
    }
    println!(
        "segment recomputation: median {:.2} s of 3 ({} communities; goal ≤ 5 s)",
        median(seg),
        made.0
    );
    println!(
        "recommendation job: median {:.2} s of 3 ({} live recommendations)",
        median(recs),
        made.1
    );

    let mut times: Vec<Duration> = Vec::with_capacity(requests);
    let mut nodes = 0;
    for _ in 0..requests {
        let t = Instant::now();
        let r = http
            .get(format!("{base}/api/v1/orgs/{org}/graph?limit=2000"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success());
        let v: Value = r.json().await.unwrap();
        times.push(t.elapsed());
        nodes = v["nodes"].as_array().unwrap().len();
    }
    times.sort();
    println!(
        "GET /graph?limit=2000 ({nodes} nodes): p50 {:.1} ms, p99 {:.1} ms over {requests} (goal p50 ≤ 50 ms)",
        ms(&times, 0.5),
        ms(&times, 0.99)
    );

    // Chained audit appends, 10 rows per transaction (requests write one to three), then
    // verification of every chain.
    let t = Instant::now();
    for _ in 0..audit_rows.div_ceil(10) {
        sqlx::query(
            "INSERT INTO platform.audit_events (id, tenant_id, event_type, metadata, created_at)
             SELECT gen_random_uuid(), $1, 'bench.viewed', jsonb_build_object('i', i), now() FROM generate_series(1, 10) i",
        )
        .bind(tenant.id)
        .execute(tdb.db.owner())
        .await
        .unwrap();
    }
    let audit_rows = audit_rows.div_ceil(10) * 10;
    let append = t.elapsed().as_secs_f64();
    println!(
        "chained audit appends: {audit_rows} rows in {append:.2} s ({:.0} rows/s)",
        audit_rows as f64 / append
    );
    let mut rates = Vec::new();
    let mut rows = 0;
    for _ in 0..3 {
        let t = Instant::now();
        let reports = wisdomos_db::audit_chain::verify(tdb.db.owner(), None)
            .await
            .unwrap();
        let secs = t.elapsed().as_secs_f64();
        assert!(reports.iter().all(|r| r.ok()), "{reports:?}");
        rows = reports.iter().map(|r| r.rows).sum::<i64>();
        rates.push(rows as f64 / secs);
    }
    println!(
        "audit verify: {rows} rows, median {:.0} rows/s of 3",
        median(rates)
    );
}
