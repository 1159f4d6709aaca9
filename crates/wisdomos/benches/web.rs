#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Web UI page latency on the demo workspace (issue 5: "pages respond within 100 ms
//! server-side"). Fills a throw-away database with `wisdomos demo` (the real binary), serves the
//! app in-process, signs in through the sign-in form with a cookie-keeping client, then requests
//! each page `BENCH_PAGE_REPEATS` (default 50) times in turn on loopback and prints p50 and p99 of
//! the full round trip (an upper bound of the server-side time).
//!
//! Run: `scripts/bench.sh web`.

mod common;

use std::time::{Duration, Instant};

use common::ms;

use wisdomos_db::testing::{TestDatabase, TEST_ROLE_PASSWORD};

fn csrf_of(html: &str) -> String {
    let key = r#"name="_csrf" value=""#;
    let rest = &html[html.find(key).expect("a CSRF field") + key.len()..];
    rest[..rest.find('"').unwrap()].to_owned()
}

#[tokio::main]
async fn main() {
    let repeats = common::env_u64("BENCH_PAGE_REPEATS", 50) as usize;
    let tdb = TestDatabase::create().await;
    let data = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_wisdomos"))
        .arg("demo")
        .env("DATABASE_URL", tdb.url())
        .env("WISDOMOS_DATA_DIR", data.path())
        .env("WISDOMOS_DB_ROLE_PASSWORD", TEST_ROLE_PASSWORD)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed = String::from_utf8_lossy(&out.stdout);
    let password = printed
        .lines()
        .find_map(|l| l.trim().strip_prefix("password:"))
        .unwrap()
        .trim()
        .to_owned();

    let base = common::serve(&tdb.db).await;
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let signin = http
        .get(format!("{base}/signin"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let r = http
        .post(format!("{base}/signin"))
        .form(&[
            ("_csrf", csrf_of(&signin).as_str()),
            ("email", "demo@wisdomos.local"),
            ("password", &password),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "signed in");

    let pages = [
        "/",
        "/areas/work",
        "/events",
        "/events?q=deadline",
        "/events/new",
        "/insights",
        "/commitments",
        "/boundaries",
        "/autobiography",
        "/import",
        "/settings",
    ];
    let mut lat: Vec<Vec<Duration>> = vec![Vec::new(); pages.len()];
    for round in 0..=repeats {
        for (i, p) in pages.iter().enumerate() {
            let t = Instant::now();
            let r = http.get(format!("{base}{p}")).send().await.unwrap();
            assert_eq!(r.status(), 200, "{p}");
            let _ = r.bytes().await.unwrap();
            // Round 0 warms connections and caches and is not counted.
            if round > 0 {
                lat[i].push(t.elapsed());
            }
        }
    }
    println!("web pages on the demo workspace, {repeats} requests each, sequential, loopback:");
    println!("{:<22} {:>9} {:>9}", "page", "p50 ms", "p99 ms");
    let mut worst: f64 = 0.0;
    for (p, l) in pages.iter().zip(lat.iter_mut()) {
        l.sort();
        worst = worst.max(ms(l, 0.99));
        println!("{p:<22} {:>9.2} {:>9.2}", ms(l, 0.5), ms(l, 0.99));
    }
    println!("slowest p99 over all pages: {worst:.2} ms (goal: each page within 100 ms)");
}
