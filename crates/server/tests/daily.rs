#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Daily use through the API: self-assessment baselines, idempotent import, the export's
//! completeness and round trip, password change and account deletion.

mod common;

use common::{code, Account, TestApp, PASSWORD};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

async fn area(app: &TestApp, a: &Account, slug: &str) -> Value {
    let (s, v) = app
        .get(&format!("/api/v1/life-areas/{slug}"), &a.access)
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v
}

async fn upload(app: &TestApp, a: &Account, body: &str) -> Value {
    let resp = app
        .client
        .post(format!("{}/api/v1/import/events", app.base))
        .bearer_auth(&a.access)
        .header("content-type", "text/csv")
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    resp.json().await.unwrap()
}

#[tokio::test]
async fn an_assessment_sets_baselines_and_moves_scores_at_once() {
    let app = TestApp::spawn().await;
    let a = app.register("a@example.org").await;
    app.register("b@example.org").await;
    let (_, list) = app.get("/api/v1/life-areas", &a.access).await;
    assert!(list["lifeAreas"]
        .as_array()
        .unwrap()
        .iter()
        .all(|l| l["baseline"] == 50.0));
    let (s, v) = app
        .post(
            "/api/v1/assessments",
            Some(&a.access),
            json!({ "ratings": { "work": 80, "finance": 0, "physical-health": 100 } }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["assessment"]["ratings"]["work"], 80);
    let work = area(&app, &a, "work").await;
    assert_eq!(
        (work["baseline"].as_f64(), work["currentScore"].as_f64()),
        (Some(80.0), Some(80.0))
    );
    assert_eq!(area(&app, &a, "finance").await["currentScore"], 0.0);
    assert_eq!(
        area(&app, &a, "family").await["baseline"],
        50.0,
        "left out, kept"
    );
    // An event moves the score from the baseline: +5 now is +20.
    let (s, e) = app.post("/api/v1/events", Some(&a.access), json!({ "lifeAreaId": "finance", "type": "PROGRESS", "category": "FINANCIAL", "tone": "POSITIVE", "title": "Paid off the card", "emotionalCharge": 5 })).await;
    assert_eq!(s, StatusCode::CREATED, "{e}");
    assert_eq!(area(&app, &a, "finance").await["currentScore"], 20.0);
    // Re-assessing later is kept as history, newest first.
    app.clock.advance(chrono::Duration::days(7));
    let a = app.login("a@example.org", None).await;
    let b = app.login("b@example.org", None).await;
    let (s, _) = app
        .post(
            "/api/v1/assessments",
            Some(&a.access),
            json!({ "ratings": { "work": 60 } }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let (_, h) = app.get("/api/v1/assessments", &a.access).await;
    let h = h["assessments"].as_array().unwrap();
    assert_eq!(h.len(), 2);
    assert_eq!(
        (
            h[0]["ratings"]["work"].as_i64(),
            h[1]["ratings"]["work"].as_i64()
        ),
        (Some(60), Some(80))
    );
    assert_eq!(area(&app, &a, "work").await["baseline"], 60.0);
    // Bad input names the field; nothing is written.
    for (body, field) in [
        (json!({ "ratings": {} }), "ratings"),
        (json!({ "ratings": { "work": 101 } }), "ratings.work"),
        (json!({ "ratings": { "work": -1 } }), "ratings.work"),
        (
            json!({ "ratings": { "no-such-area": 5 } }),
            "ratings.no-such-area",
        ),
    ] {
        let (s, v) = app.post("/api/v1/assessments", Some(&a.access), body).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(v["error"]["details"]["fields"][0]["field"], field, "{v}");
    }
    let (_, h) = app.get("/api/v1/assessments", &a.access).await;
    assert_eq!(h["assessments"].as_array().unwrap().len(), 2);
    // Another workspace sees none of it, and its baselines are untouched.
    let (_, hb) = app.get("/api/v1/assessments", &b.access).await;
    assert_eq!(hb["assessments"].as_array().unwrap().len(), 0);
    assert_eq!(area(&app, &b, "work").await["baseline"], 50.0);
}

const DAYLIO: &str = "full_date,date,weekday,time,mood,activities,note_title,note
2026-01-05,January 5,Monday,8:30 pm,rad,friends | games,,Board games with Sam and Alex
2026-01-06,January 6,Tuesday,07:15,awful,work,Deadline,Missed the project deadline and my boss was angry
2026-01-06,January 6,Tuesday,07:15,awful,work,Deadline,Missed the project deadline and my boss was angry
2026-01-07,January 7,Wednesday,12:00,meh,,,
";

#[tokio::test]
async fn importing_the_same_file_twice_writes_its_events_once() {
    let app = TestApp::spawn().await;
    let a = app.register("a@example.org").await;
    let r = upload(&app, &a, DAYLIO).await;
    assert_eq!(
        (
            r["total"].as_u64(),
            r["accepted"].as_u64(),
            r["duplicates"].as_u64()
        ),
        (Some(4), Some(3), Some(1)),
        "the repeated row of the file is a duplicate: {r}"
    );
    let r = upload(&app, &a, DAYLIO).await;
    assert_eq!(
        (r["accepted"].as_u64(), r["duplicates"].as_u64()),
        (Some(0), Some(4)),
        "{r}"
    );
    let (_, evs) = app.get("/api/v1/events?limit=100", &a.access).await;
    let n = evs["items"].as_array().unwrap().len();
    assert_eq!(n, 3);
    // Two uploads of one file at once still write it once.
    let c = app.register("c@example.org").await;
    let (r1, r2) = tokio::join!(upload(&app, &c, DAYLIO), upload(&app, &c, DAYLIO));
    assert_eq!(
        r1["accepted"].as_u64().unwrap() + r2["accepted"].as_u64().unwrap(),
        3,
        "{r1} {r2}"
    );
    // The same moment with another text is another event.
    let other = DAYLIO.replace("Board games", "Card games");
    let r = upload(&app, &a, &other).await;
    assert_eq!(
        (r["accepted"].as_u64(), r["duplicates"].as_u64()),
        (Some(1), Some(3)),
        "{r}"
    );
}

/// One of every kind of entity, then the export holds each of them, and its CSV imports back.
#[tokio::test]
async fn the_export_holds_every_entity_and_its_csv_imports_back() {
    let app = TestApp::spawn().await;
    let a = app.register("a@example.org").await;
    let (_, e) = app.post("/api/v1/events", Some(&a.access), json!({ "lifeAreaId": "work", "type": "PROGRESS", "category": "PROFESSIONAL", "tone": "POSITIVE", "title": "Shipped, \"finally\"", "description": "line one\nline two, with a comma", "emotionalCharge": 3, "tags": ["career", "launch"] })).await;
    let (s, _) = app
        .post(
            "/api/v1/insights",
            Some(&a.access),
            json!({ "type": "TRUTH_REVEALED", "title": "Rest helps" }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, _) = app
        .post(
            "/api/v1/commitments",
            Some(&a.access),
            json!({ "lifeAreaId": "work", "statement": "Weekly planning" }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let (_, b) = app
        .post(
            "/api/v1/boundaries",
            Some(&a.access),
            json!({ "lifeAreaId": "work", "statement": "No mail after 8" }),
        )
        .await;
    let (s, _) = app
        .post(
            &format!(
                "/api/v1/boundaries/{}/violations",
                b["id"].as_str().unwrap()
            ),
            Some(&a.access),
            json!({ "note": "late reply" }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let (_, eras) = app.get("/api/v1/autobiography/eras", &a.access).await;
    let (s, _) = app.post("/api/v1/autobiography/entries", Some(&a.access), json!({ "eraId": eras[0]["id"], "year": 2001, "title": "Moved city", "eventIds": [e["event"]["id"]] })).await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, _) = app
        .post(
            "/api/v1/assessments",
            Some(&a.access),
            json!({ "ratings": { "work": 70 } }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, _) = app
        .post("/api/v1/snapshots", Some(&a.access), json!({}))
        .await;
    assert!(s.is_success());
    let (s, _) = app
        .post(
            "/api/v1/dashboard/widgets",
            Some(&a.access),
            json!({ "widgetType": "recent_activity", "size": "small", "config": { "limit": 5 } }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);

    let resp = app
        .client
        .get(format!("{}/api/v1/export", app.base))
        .bearer_auth(&a.access)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(resp.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment"));
    let doc: Value = resp.json().await.unwrap();
    assert_eq!(doc["format"], "wisdomos-export");
    assert_eq!(doc["workspace"]["id"], a.tenant_id.as_str());
    for kind in [
        "lifeAreas",
        "events",
        "insights",
        "commitments",
        "boundaries",
        "boundaryViolations",
        "autobiographyEras",
        "autobiographyEntries",
        "metricSnapshots",
        "assessments",
        "assessmentRatings",
        "dashboardWidgets",
        "metricDefinitions",
    ] {
        let rows = doc[kind]
            .as_array()
            .unwrap_or_else(|| panic!("{kind} missing"));
        assert!(!rows.is_empty(), "{kind} is empty");
        assert!(rows[0].get("tenantId").is_none(), "{kind} leaks tenantId");
    }
    assert_eq!(doc["lifeAreas"].as_array().unwrap().len(), 30);
    assert_eq!(doc["events"][0]["title"], "Shipped, \"finally\"");
    assert_eq!(doc["events"][0]["lifeAreaId"], e["event"]["lifeAreaId"]);

    // The CSV imports into another workspace as the same events, and into this one as
    // duplicates only.
    let csv = app
        .client
        .get(format!("{}/api/v1/export?format=csv", app.base))
        .bearer_auth(&a.access)
        .send()
        .await
        .unwrap();
    assert!(csv.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let csv = csv.text().await.unwrap();
    let r = upload(&app, &a, &csv).await;
    assert_eq!(
        (r["accepted"].as_u64(), r["duplicates"].as_u64()),
        (Some(0), Some(1)),
        "{r}"
    );
    let c = app.register("c@example.org").await;
    let r = upload(&app, &c, &csv).await;
    assert_eq!(r["accepted"], 1, "{r}");
    let (_, evs) = app.get("/api/v1/events", &c.access).await;
    let got = &evs["items"][0];
    let want = &e["event"];
    for f in [
        "title",
        "description",
        "occurredAt",
        "emotionalCharge",
        "type",
        "category",
        "tone",
        "tags",
    ] {
        assert_eq!(got[f], want[f], "{f}");
    }
}

#[tokio::test]
async fn changing_the_password_ends_the_other_sessions() {
    let app = TestApp::spawn().await;
    let a = app.register("a@example.org").await;
    let other = app.login("a@example.org", None).await;
    let (s, v) = app
        .post(
            "/api/v1/me/password",
            Some(&a.access),
            json!({ "currentPassword": "wrong password!", "newPassword": "a new long passphrase" }),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(
        v["error"]["details"]["fields"][0]["field"],
        "currentPassword"
    );
    let (s, v) = app
        .post(
            "/api/v1/me/password",
            Some(&a.access),
            json!({ "currentPassword": PASSWORD, "newPassword": "short" }),
        )
        .await;
    assert_eq!(
        (s, v["error"]["details"]["fields"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("newPassword"))
    );
    let (s, v) = app
        .post(
            "/api/v1/me/password",
            Some(&a.access),
            json!({ "currentPassword": PASSWORD, "newPassword": "a new long passphrase" }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["sessionsEnded"], 1);
    assert_eq!(app.get("/api/v1/me", &a.access).await.0, StatusCode::OK);
    assert_eq!(
        app.get("/api/v1/me", &other.access).await.0,
        StatusCode::UNAUTHORIZED
    );
    let (s, _) = app
        .post(
            "/api/v1/auth/login",
            None,
            json!({ "email": "a@example.org", "password": PASSWORD }),
        )
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, _) = app
        .post(
            "/api/v1/auth/login",
            None,
            json!({ "email": "a@example.org", "password": "a new long passphrase" }),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
}

async fn delete_account(app: &TestApp, acc: &Account, password: &str) -> (StatusCode, Value) {
    app.call(
        Method::DELETE,
        "/api/v1/me",
        Some(&acc.access),
        Some(json!({ "password": password })),
    )
    .await
}

#[tokio::test]
async fn deleting_an_account_takes_its_own_workspace_and_spares_shared_ones() {
    let app = TestApp::spawn().await;
    let a = app.register("a@example.org").await;
    let m = app.register("m@example.org").await;
    // m joins a's workspace; a is its only OWNER.
    let (s, _) = app
        .post(
            &format!("/api/v1/tenants/{}/members", a.tenant_id),
            Some(&a.access),
            json!({ "email": "m@example.org", "role": "MEMBER" }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, v) = delete_account(&app, &a, "not my password").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["details"]["fields"][0]["field"], "password");
    let (s, v) = delete_account(&app, &a, PASSWORD).await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "last_owner"), "{v}");
    assert_eq!(app.get("/api/v1/me", &a.access).await.0, StatusCode::OK);
    // m deletes their account: their own workspace goes, a's stays.
    let (s, v) = delete_account(&app, &m, PASSWORD).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["workspacesDeleted"], json!([m.tenant_id]));
    assert_eq!(
        app.get("/api/v1/me", &m.access).await.0,
        StatusCode::UNAUTHORIZED
    );
    let (s, _) = app
        .post(
            "/api/v1/auth/login",
            None,
            json!({ "email": "m@example.org", "password": PASSWORD }),
        )
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (_, members) = app
        .get(
            &format!("/api/v1/tenants/{}/members", a.tenant_id),
            &a.access,
        )
        .await;
    assert_eq!(
        members["items"].as_array().map(Vec::len),
        Some(1),
        "{members}"
    );
    let schemas = app
        .count(&format!(
            "SELECT count(*) FROM pg_namespace WHERE nspname = 't_{}'",
            m.tenant_id.replace('-', "")
        ))
        .await;
    assert_eq!(schemas, 0, "m's workspace schema is dropped");
    let erased = app
        .count("SELECT count(*) FROM platform.users WHERE email = 'm@example.org'")
        .await;
    assert_eq!(erased, 0, "the e-mail is erased");
    // Now alone in the workspace, a may go, and the e-mail is free to sign up again.
    let (s, _) = delete_account(&app, &a, PASSWORD).await;
    assert_eq!(s, StatusCode::OK);
    app.register("m@example.org").await;
}
