#![allow(clippy::unwrap_used, clippy::expect_used)]
//! `/jobs` through the API: per-tenant visibility, processing on demand, cancellation.

mod common;

use chrono::Utc;
use common::{code, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::json;
use wisdomos_db::jobs::{self, NewJob};

#[tokio::test]
async fn tenants_see_run_and_cancel_only_their_jobs() {
    let app = TestApp::spawn().await;
    let a = app.register("a@example.org").await;
    let b = app.register("b@example.org").await;
    let now = Utc::now();
    let ta: uuid::Uuid = a.tenant_id.parse().unwrap();
    let tb: uuid::Uuid = b.tenant_id.parse().unwrap();
    let refresh = jobs::enqueue_for(
        app.tdb.db.worker(),
        ta,
        &NewJob::new("scores.refresh", json!({}), now),
        now,
    )
    .await
    .unwrap()
    .unwrap();
    let later = jobs::enqueue_for(
        app.tdb.db.worker(),
        ta,
        &NewJob::new("noop", json!({}), now + chrono::Duration::hours(1)),
        now,
    )
    .await
    .unwrap()
    .unwrap();
    let theirs = jobs::enqueue_for(
        app.tdb.db.worker(),
        tb,
        &NewJob::new("noop", json!({}), now),
        now,
    )
    .await
    .unwrap()
    .unwrap();

    let (s, v) = app.get("/api/v1/jobs", &a.access).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["items"].as_array().unwrap().len(), 2);
    let (s, _) = app.get(&format!("/api/v1/jobs/{theirs}"), &a.access).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "another tenant's job");
    let (s, _) = app
        .post(
            &format!("/api/v1/jobs/{theirs}/cancel"),
            Some(&a.access),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    let (s, v) = app
        .post("/api/v1/jobs/process", Some(&a.access), json!({}))
        .await;
    assert_eq!(
        (s, v["processed"].as_u64()),
        (StatusCode::OK, Some(1)),
        "only A's due job: {v}"
    );
    let (_, v) = app.get(&format!("/api/v1/jobs/{refresh}"), &a.access).await;
    assert_eq!(
        (
            v["status"].as_str(),
            v["attempts"].as_i64(),
            v["type"].as_str()
        ),
        (Some("completed"), Some(1), Some("scores.refresh"))
    );
    assert!(v["result"]["changed"].is_number());
    let (_, v) = app.get(&format!("/api/v1/jobs/{theirs}"), &b.access).await;
    assert_eq!(v["status"], "pending", "B's job was not run by A's request");

    let (s, v) = app
        .post(
            &format!("/api/v1/jobs/{later}/cancel"),
            Some(&a.access),
            json!({}),
        )
        .await;
    assert_eq!(
        (s, v["status"].as_str()),
        (StatusCode::OK, Some("cancelled"))
    );
    let (s, v) = app
        .post(
            &format!("/api/v1/jobs/{refresh}/cancel"),
            Some(&a.access),
            json!({}),
        )
        .await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "job_finished"));
    let (_, v) = app.get("/api/v1/jobs?status=cancelled", &a.access).await;
    assert_eq!(v["items"].as_array().unwrap().len(), 1);

    // Pattern detection runs as a job of the tenant.
    for t in [
        "Late again before the deadline",
        "Deadline crunch, late night",
        "Stayed late for the deadline",
    ] {
        let body = json!({ "lifeAreaId": "work", "type": "SETBACK", "category": "PROFESSIONAL", "tone": "NEGATIVE", "title": t, "emotionalCharge": -2, "tags": ["overwork"] });
        app.post("/api/v1/events", Some(&a.access), body).await;
    }
    let (s, v) = app
        .post("/api/v1/insights/detect", Some(&a.access), json!({}))
        .await;
    assert_eq!(s, StatusCode::ACCEPTED, "{v}");
    let job = v["jobId"].as_str().unwrap().to_owned();
    app.post("/api/v1/jobs/process", Some(&a.access), json!({}))
        .await;
    let (_, v) = app.get(&format!("/api/v1/jobs/{job}"), &a.access).await;
    assert_eq!(
        (v["status"].as_str(), v["result"]["patterns"].as_u64()),
        (Some("completed"), Some(1)),
        "{v}"
    );
    let (_, v) = app.get("/api/v1/insights?recurring=true", &a.access).await;
    assert!(
        v["items"][0]["title"]
            .as_str()
            .unwrap()
            .starts_with("Recurring: overwork"),
        "{v}"
    );
    let (_, v) = app.post("/api/v1/events", Some(&a.access), json!({ "lifeAreaId": "work", "type": "SETBACK", "category": "PROFESSIONAL", "tone": "NEGATIVE", "title": "Deadline again", "emotionalCharge": -2, "tags": ["overwork"] })).await;
    assert!(
        v["suggestedInsights"][0]["title"]
            .as_str()
            .unwrap()
            .starts_with("Recurring"),
        "the pattern is suggested: {v}"
    );

    // A viewer may look but not run.
    app.post(
        &format!("/api/v1/tenants/{}/members", a.tenant_id),
        Some(&a.access),
        json!({ "email": "b@example.org", "role": "VIEWER" }),
    )
    .await;
    let viewer = app.login("b@example.org", Some(&a.tenant_id)).await;
    let (s, _) = app.get("/api/v1/jobs", &viewer.access).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = app
        .call(
            Method::POST,
            "/api/v1/jobs/process",
            Some(&viewer.access),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}
