//! What operators scrape: `/metrics` counts requests by route template and status, times them,
//! and reports the pools and the job queue — without ids, tenants or users in any label.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::Duration;
use common::TestApp;
use reqwest::{Method, StatusCode};

/// The value of the sample whose name and labels start with `series` (`name{labels`).
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find(|l| l.starts_with(series))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}

async fn scrape(app: &TestApp) -> String {
    let r = app
        .client
        .get(format!("{}/metrics", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/openmetrics-text"));
    r.text().await.unwrap()
}

#[tokio::test]
async fn metrics_count_requests_by_route_template_and_report_pools_and_queue() {
    let app = TestApp::spawn().await;
    let a = app.register("ops@example.org").await;
    for _ in 0..3 {
        let (s, _) = app.get("/api/v1/life-areas", &a.access).await;
        assert_eq!(s, StatusCode::OK);
    }
    let missing = uuid::Uuid::new_v4();
    let (s, _) = app
        .get(&format!("/api/v1/events/{missing}"), &a.access)
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = app
        .call(Method::GET, "/api/v1/life-areas", None, None)
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);

    let (s, _) = app.call(Method::GET, "/wp-login.php", None, None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // Two jobs waiting: one due 90 s ago, one due tomorrow.
    let now = wisdomos_server::Clock::now(app.clock.as_ref());
    let tenant = uuid::Uuid::parse_str(&a.tenant_id).unwrap();
    for run_at in [now - Duration::seconds(90), now + Duration::days(1)] {
        wisdomos_db::jobs::enqueue_for(
            app.tdb.db.worker(),
            tenant,
            &wisdomos_db::jobs::NewJob::new("noop", serde_json::json!({}), run_at),
            now,
        )
        .await
        .unwrap();
    }

    let text = scrape(&app).await;
    let ok =
        r#"wisdomos_http_requests_total{method="GET",route="/api/v1/life-areas",status="200"}"#;
    assert_eq!(sample(&text, ok), Some(3.0), "{text}");
    assert_eq!(
        sample(
            &text,
            r#"wisdomos_http_requests_total{method="GET",route="/api/v1/life-areas",status="401"}"#
        ),
        Some(1.0)
    );
    assert_eq!(
        sample(
            &text,
            r#"wisdomos_http_requests_total{method="GET",route="/api/v1/events/{id}",status="404"}"#
        ),
        Some(1.0),
        "the template, not the id"
    );
    assert_eq!(
        sample(
            &text,
            r#"wisdomos_http_requests_total{method="POST",route="/api/v1/auth/register",status="201"}"#
        ),
        Some(1.0)
    );
    assert_eq!(
        sample(
            &text,
            r#"wisdomos_http_request_duration_seconds_count{method="GET",route="/api/v1/life-areas"}"#
        ),
        Some(4.0)
    );
    assert_eq!(
        sample(
            &text,
            r#"wisdomos_http_request_duration_seconds_bucket{le="+Inf",method="GET",route="/api/v1/life-areas"}"#,
        ),
        Some(4.0),
        "{text}"
    );
    assert_eq!(
        sample(
            &text,
            r#"wisdomos_http_requests_total{method="GET",route="unmatched",status="404"}"#
        ),
        Some(1.0)
    );
    for leak in [
        "wp-login".to_owned(),
        missing.to_string(),
        a.tenant_id.clone(),
        a.user_id.clone(),
        "ops@example.org".into(),
    ] {
        assert!(!text.contains(&leak), "{leak} in the metrics");
    }

    assert_eq!(sample(&text, "wisdomos_jobs_pending "), Some(2.0));
    assert_eq!(sample(&text, "wisdomos_jobs_processing "), Some(0.0));
    assert_eq!(
        sample(&text, "wisdomos_jobs_oldest_due_seconds "),
        Some(90.0)
    );
    let app_pool = sample(
        &text,
        r#"wisdomos_db_pool_connections{pool="app",state="idle"}"#,
    )
    .unwrap()
        + sample(
            &text,
            r#"wisdomos_db_pool_connections{pool="app",state="in_use"}"#,
        )
        .unwrap();
    assert!(app_pool >= 1.0, "the app pool has served requests: {text}");
    assert!(text.trim_end().ends_with("# EOF"));

    // A second scrape counts the first.
    let text = scrape(&app).await;
    assert_eq!(
        sample(
            &text,
            r#"wisdomos_http_requests_total{method="GET",route="/metrics",status="200"}"#
        ),
        Some(1.0)
    );
}

#[tokio::test]
async fn random_method_names_do_not_grow_the_metrics() {
    let app = TestApp::spawn().await;
    // One odd method on each path first, so the series they rightly add exist before.
    for path in ["/api/v1/events", "/nope"] {
        let method = Method::from_bytes(b"WARMUP").unwrap();
        app.client
            .request(method, format!("{}{path}", app.base))
            .send()
            .await
            .unwrap();
    }
    scrape(&app).await;
    let before = scrape(&app).await.len();
    for i in 0..1000 {
        let method = Method::from_bytes(format!("M{i}X").as_bytes()).unwrap();
        let path = if i % 2 == 0 {
            "/api/v1/events"
        } else {
            "/nope"
        };
        app.client
            .request(method, format!("{}{path}", app.base))
            .send()
            .await
            .unwrap();
    }
    let text = scrape(&app).await;
    // Only counters grow, by a few digits.
    assert!(
        text.len() < before + 256,
        "{} bytes before, {} after",
        before,
        text.len()
    );
    assert!(text.contains(r#"method="other""#));
}

#[tokio::test]
async fn metrics_can_require_a_bearer_token() {
    let app = TestApp::spawn_with(|c| c.metrics_token = Some("scrape-secret".into())).await;
    let url = format!("{}/metrics", app.base);
    let r = app.client.get(&url).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = app
        .client
        .get(&url)
        .bearer_auth("wrong")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = app
        .client
        .get(&url)
        .bearer_auth("scrape-secret")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}

#[tokio::test]
async fn an_exhausted_pool_answers_503_quickly_and_readyz_answers_within_a_second() {
    let app =
        TestApp::spawn_with_db(|c| c.acquire_timeout = std::time::Duration::from_millis(500)).await;
    let a = app.register("a@example.org").await;
    // Hold every connection of the app pool.
    let mut held = Vec::new();
    for _ in 0..10 {
        held.push(app.tdb.db.app().acquire().await.unwrap());
    }
    // A request of the signed-in tenant no longer needs the app pool: its membership check
    // rides in its tenant transaction's BEGIN (issue 15).
    let (s, _) = app.get("/api/v1/life-areas", &a.access).await;
    assert_eq!(s, StatusCode::OK);
    let started = std::time::Instant::now();
    let r = app
        .client
        .get(format!("{}/api/v1/tenants", app.base))
        .bearer_auth(&a.access)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(r.headers().contains_key("retry-after"));
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["error"]["code"], "service_unavailable");
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
    let started = std::time::Instant::now();
    let r = app
        .client
        .get(format!("{}/readyz", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(started.elapsed() < std::time::Duration::from_secs(1));
    drop(held);
    let (s, _) = app.get("/api/v1/tenants", &a.access).await;
    assert_eq!(s, StatusCode::OK, "recovers once connections are free");
}
