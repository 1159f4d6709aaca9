#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Metric definitions: seeds, versions, deprecation, evaluation at an older version, bad formulas.

mod common;

use chrono::Duration;
use common::{code, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn versions_deprecation_and_evaluation() {
    let app = TestApp::spawn().await;
    let a = app.register("a@example.org").await;
    let (_, v) = app.get("/api/v1/metrics/definitions", &a.access).await;
    let codes: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        vec![
            "areas_in_crisis",
            "commitments_overdue_for_review",
            "upsets_last_30_days"
        ]
    );

    // Seeded metrics evaluate over real data.
    for _ in 0..2 {
        app.post("/api/v1/events", Some(&a.access), json!({ "lifeAreaId": "family", "type": "UPSET", "category": "RELATIONAL", "tone": "NEGATIVE", "title": "Row at dinner", "emotionalCharge": -3, "tags": ["family"] })).await;
    }
    let (_, v) = app
        .get(
            "/api/v1/metrics/definitions/upsets_last_30_days/evaluate",
            &a.access,
        )
        .await;
    assert_eq!(
        (v["count"].as_i64(), v["version"].as_i64()),
        (Some(2), Some(1)),
        "{v}"
    );
    app.post(
        "/api/v1/commitments",
        Some(&a.access),
        json!({ "statement": "Weekly review" }),
    )
    .await;
    let (_, v) = app
        .get(
            "/api/v1/metrics/definitions/commitments_overdue_for_review/evaluate",
            &a.access,
        )
        .await;
    assert_eq!(v["count"], 0);
    app.clock.advance(Duration::days(8));
    let a = app.login("a@example.org", None).await;
    let (_, v) = app
        .get(
            "/api/v1/metrics/definitions/commitments_overdue_for_review/evaluate",
            &a.access,
        )
        .await;
    assert_eq!(
        (v["count"].as_i64(), v["rows"][0]["label"].as_str()),
        (Some(1), Some("Weekly review")),
        "{v}"
    );

    // A new definition, then a new version; the old version still evaluates.
    let f1 = json!({ "entity": "events", "where": { "field": "tags", "operator": "contains", "value": "family" } });
    let (s, d) = app
        .post(
            "/api/v1/metrics/definitions",
            Some(&a.access),
            json!({ "code": "family_events", "name": "Family events", "formula": f1 }),
        )
        .await;
    assert_eq!(
        (s, d["version"].as_i64()),
        (StatusCode::CREATED, Some(1)),
        "{d}"
    );
    let (s, v) = app
        .post(
            "/api/v1/metrics/definitions",
            Some(&a.access),
            json!({ "code": "family_events", "name": "again", "formula": f1 }),
        )
        .await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "metric_exists"));
    app.clock.advance(Duration::minutes(5));
    let a = app.login("a@example.org", None).await;
    let f2 = json!({ "entity": "events", "where": { "and": [ { "field": "tags", "operator": "contains", "value": "family" }, { "field": "emotionalCharge", "operator": ">", "value": 0 } ] } });
    let (s, d2) = app
        .call(
            Method::PATCH,
            "/api/v1/metrics/definitions/family_events",
            Some(&a.access),
            Some(json!({ "formula": f2 })),
        )
        .await;
    assert_eq!(
        (s, d2["version"].as_i64(), d2["name"].as_str()),
        (StatusCode::OK, Some(2), Some("Family events")),
        "{d2}"
    );
    let (_, now) = app
        .get(
            "/api/v1/metrics/definitions/family_events/evaluate",
            &a.access,
        )
        .await;
    let (_, old) = app
        .get(
            "/api/v1/metrics/definitions/family_events/evaluate?version=1",
            &a.access,
        )
        .await;
    assert_eq!(
        (now["count"].as_i64(), old["count"].as_i64()),
        (Some(0), Some(2))
    );
    let at = d["effectiveAt"].as_str().unwrap().replace('+', "%2B");
    let (_, v) = app
        .get(
            &format!("/api/v1/metrics/definitions/family_events?at={at}"),
            &a.access,
        )
        .await;
    assert_eq!(v["version"], 1, "the version in effect at that time");
    assert_eq!(v["createdById"].as_str(), Some(a.user_id.as_str()));

    // Deprecation keeps history and stops changes.
    let (s, v) = app
        .call(
            Method::DELETE,
            "/api/v1/metrics/definitions/family_events",
            Some(&a.access),
            None,
        )
        .await;
    assert_eq!((s, v["deprecatedAt"].is_string()), (StatusCode::OK, true));
    let (s, v) = app
        .call(
            Method::PATCH,
            "/api/v1/metrics/definitions/family_events",
            Some(&a.access),
            Some(json!({ "name": "x" })),
        )
        .await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "metric_deprecated"));
    let (s, _) = app
        .get(
            "/api/v1/metrics/definitions/family_events/evaluate?version=1",
            &a.access,
        )
        .await;
    assert_eq!(s, StatusCode::OK);

    // Bad formulas are refused with the reason.
    for (formula, field) in [
        (json!({ "entity": "customers" }), "formula.entity"),
        (
            json!({ "entity": "events", "where": { "field": "revenue", "operator": "=", "value": 1 } }),
            "formula.where.field",
        ),
        (
            json!({ "entity": "events", "where": { "field": "occurredAt", "operator": "within", "value": "soon" } }),
            "formula.where.value",
        ),
    ] {
        let (s, v) = app
            .post(
                "/api/v1/metrics/definitions",
                Some(&a.access),
                json!({ "code": "bad_one", "name": "Bad", "formula": formula }),
            )
            .await;
        assert_eq!(
            (s, v["error"]["details"]["fields"][0]["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some(field)),
            "{v}"
        );
        assert_eq!(
            v["error"]["details"]["fields"][0]["code"],
            "invalid_formula"
        );
    }
    let (s, _) = app
        .get("/api/v1/metrics/definitions/bad_one", &a.access)
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "nothing written");
}

#[tokio::test]
async fn only_admins_define_metrics_and_tenants_stay_apart() {
    let app = TestApp::spawn().await;
    let a = app.register("a@example.org").await;
    let b = app.register("b@example.org").await;
    let f = json!({ "entity": "life_areas", "result": "rows" });
    app.post(
        "/api/v1/metrics/definitions",
        Some(&b.access),
        json!({ "code": "all_areas", "name": "All", "formula": f }),
    )
    .await;
    let (s, _) = app
        .get("/api/v1/metrics/definitions/all_areas", &a.access)
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "B's metric is not A's");
    app.post(
        &format!("/api/v1/tenants/{}/members", b.tenant_id),
        Some(&b.access),
        json!({ "email": "a@example.org", "role": "MEMBER" }),
    )
    .await;
    let member = app.login("a@example.org", Some(&b.tenant_id)).await;
    let (s, v) = app
        .get(
            "/api/v1/metrics/definitions/all_areas/evaluate",
            &member.access,
        )
        .await;
    assert_eq!((s, v["count"].as_i64()), (StatusCode::OK, Some(30)));
    let (s, _) = app
        .post(
            "/api/v1/metrics/definitions",
            Some(&member.access),
            json!({ "code": "x_y", "name": "X", "formula": f }),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}
