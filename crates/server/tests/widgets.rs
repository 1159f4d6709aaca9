#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Dashboard widgets: defaults vs overrides, reorder, uniqueness, config validation.

mod common;

use common::{code, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

fn types(v: &Value) -> Vec<(String, String)> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["widgetType"].as_str().unwrap().to_owned(),
                w["scope"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn defaults_overrides_reorder_and_uniqueness() {
    let app = TestApp::spawn().await;
    let owner = app.register("owner@example.org").await;
    let member = app.register("member@example.org").await;
    app.post(
        &format!("/api/v1/tenants/{}/members", owner.tenant_id),
        Some(&owner.access),
        json!({ "email": "member@example.org", "role": "MEMBER" }),
    )
    .await;
    let member = app.login(&member.email, Some(&owner.tenant_id)).await;

    let (s, v) = app.get("/api/v1/dashboard/widgets", &member.access).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        v.as_array().unwrap().len(),
        6,
        "the tenant's default layout: {v}"
    );
    assert!(types(&v).iter().all(|(_, scope)| scope == "tenant"));

    // The member overrides one default and adds a trend of their own.
    let (s, w) = app
        .post(
            "/api/v1/dashboard/widgets",
            Some(&member.access),
            json!({ "widgetType": "recent_activity", "size": "small", "config": { "limit": 5 } }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{w}");
    let (s, v) = app
        .post(
            "/api/v1/dashboard/widgets",
            Some(&member.access),
            json!({ "widgetType": "recent_activity" }),
        )
        .await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "widget_exists"));
    let (s, trend) = app.post("/api/v1/dashboard/widgets", Some(&member.access), json!({ "widgetType": "area_trend", "position": 0, "config": { "lifeArea": "work", "days": 30 } })).await;
    assert_eq!(
        (s, trend["position"].as_i64()),
        (StatusCode::CREATED, Some(0)),
        "{trend}"
    );
    let (_, v) = app.get("/api/v1/dashboard/widgets", &member.access).await;
    let t = types(&v);
    assert_eq!(
        t.len(),
        7,
        "6 defaults, one overridden, plus the trend: {t:?}"
    );
    assert!(t.contains(&("recent_activity".into(), "user".into())));
    assert!(!t.contains(&("recent_activity".into(), "tenant".into())));
    // The owner still sees the plain defaults.
    let (_, v) = app.get("/api/v1/dashboard/widgets", &owner.access).await;
    assert!(types(&v).iter().all(|(_, scope)| scope == "tenant"));

    // Reorder the member's own widgets: the trend goes to the end, the rest renumber.
    let (s, layout) = app
        .post(
            &format!(
                "/api/v1/dashboard/widgets/{}/move",
                trend["id"].as_str().unwrap()
            ),
            Some(&member.access),
            json!({ "position": 99 }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{layout}");
    let order: Vec<(String, i64)> = layout
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["widgetType"].as_str().unwrap().to_owned(),
                w["position"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        order,
        vec![("recent_activity".into(), 0), ("area_trend".into(), 1)]
    );

    // Members cannot touch the defaults; admins can.
    let default_id = types_ids(
        &app.get("/api/v1/dashboard/widgets", &owner.access).await.1,
        "overall_score",
    );
    let (s, _) = app
        .call(
            Method::PATCH,
            &format!("/api/v1/dashboard/widgets/{default_id}"),
            Some(&member.access),
            Some(json!({ "size": "large" })),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = app
        .post(
            "/api/v1/dashboard/widgets",
            Some(&member.access),
            json!({ "widgetType": "top_areas", "scope": "tenant" }),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, v) = app
        .call(
            Method::PATCH,
            &format!("/api/v1/dashboard/widgets/{default_id}"),
            Some(&owner.access),
            Some(json!({ "size": "large", "isVisible": false })),
        )
        .await;
    assert_eq!(
        (s, v["size"].as_str(), v["isVisible"].as_bool()),
        (StatusCode::OK, Some("large"), Some(false))
    );
    // Another user's widget is invisible.
    let (s, _) = app
        .call(
            Method::DELETE,
            &format!(
                "/api/v1/dashboard/widgets/{}",
                trend["id"].as_str().unwrap()
            ),
            Some(&owner.access),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // Config is validated per type.
    for (body, field) in [
        (
            json!({ "widgetType": "top_areas", "config": { "limit": 50 } }),
            "config.limit",
        ),
        (
            json!({ "widgetType": "overall_score", "config": { "color": "red" } }),
            "config.color",
        ),
        (
            json!({ "widgetType": "area_trend", "config": { "lifeArea": "atlantis" } }),
            "config.lifeArea",
        ),
        (json!({ "widgetType": "revenue_trend" }), "widgetType"),
    ] {
        let (s, v) = app
            .post("/api/v1/dashboard/widgets", Some(&owner.access), body)
            .await;
        assert_eq!(
            (s, v["error"]["details"]["fields"][0]["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some(field)),
            "{v}"
        );
    }

    // Removing the member deletes their widgets.
    let (s, _) = app
        .call(
            Method::DELETE,
            &format!(
                "/api/v1/tenants/{}/members/{}",
                owner.tenant_id, member.user_id
            ),
            Some(&owner.access),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let left: i64 = {
        let mut tx = app.tdb.db.owner().begin().await.unwrap();
        sqlx::query("SELECT set_config('app.tenant_id', $1, true)")
            .bind(&owner.tenant_id)
            .execute(&mut *tx)
            .await
            .unwrap();
        sqlx::query_scalar(&format!(
            "SELECT count(*) FROM t_{}.dashboard_widgets WHERE user_id IS NOT NULL",
            owner.tenant_id.replace('-', "")
        ))
        .fetch_one(&mut *tx)
        .await
        .unwrap()
    };
    assert_eq!(left, 0);
}

fn types_ids(v: &Value, t: &str) -> String {
    v.as_array()
        .unwrap()
        .iter()
        .find(|w| w["widgetType"] == t)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}
