#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The life domain through the API: events, commitments and violations move scores exactly as
//! the formula says; the dashboard follows; tenants stay apart.

mod common;

use chrono::{Duration, Utc};
use common::{code, Account, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

async fn area(app: &TestApp, a: &Account, slug: &str) -> Value {
    let (s, v) = app
        .get(&format!("/api/v1/life-areas/{slug}"), &a.access)
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v
}

fn event(area: &str, t: &str, charge: i64, title: &str) -> Value {
    json!({ "lifeAreaId": area, "type": t, "category": "PROFESSIONAL", "tone": "POSITIVE", "title": title, "emotionalCharge": charge, "tags": ["Career"] })
}

#[tokio::test]
async fn events_move_scores_exactly_as_the_formula_says() {
    let app = TestApp::spawn().await;
    let a = app.register("a@example.org").await;
    let (s, v) = app
        .post(
            "/api/v1/events",
            Some(&a.access),
            event("work", "PROGRESS", 5, "Shipped the release"),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(
        (
            v["previousScore"].as_f64(),
            v["updatedScore"].as_f64(),
            v["status"].as_str()
        ),
        (Some(50.0), Some(70.0), Some("THRIVING"))
    );
    assert_eq!(v["event"]["tags"], json!(["career"]));
    let id = v["event"]["id"].as_str().unwrap().to_owned();
    let w = area(&app, &a, "work").await;
    assert_eq!(
        (w["currentScore"].as_f64(), w["status"].as_str()),
        (Some(70.0), Some("THRIVING"))
    );
    assert_eq!(w["factors"]["momentum"].as_f64(), Some(20.0));

    // A breakthrough: momentum of two +5 events stays 20, bonus 15 → 85.
    let (_, v) = app
        .post(
            "/api/v1/events",
            Some(&a.access),
            event("work", "BREAKTHROUGH", 5, "Promoted"),
        )
        .await;
    assert_eq!(v["updatedScore"].as_f64(), Some(85.0));

    // Change the first to an upset of −5: momentum 0, upset −5, breakthrough +15 → 60.
    let (s, v) = app
        .call(
            Method::PATCH,
            &format!("/api/v1/events/{id}"),
            Some(&a.access),
            Some(json!({ "type": "UPSET", "emotionalCharge": -5 })),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["areas"][0]["updatedScore"].as_f64(), Some(60.0));
    // Move it to finance: work 50 + 20 + 15 = 85; finance 50 − 20 − 5 = 25 STRUGGLING.
    let (_, v) = app
        .call(
            Method::PATCH,
            &format!("/api/v1/events/{id}"),
            Some(&a.access),
            Some(json!({ "lifeAreaId": "finance" })),
        )
        .await;
    let scores: Vec<(f64, &str)> = v["areas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["updatedScore"].as_f64().unwrap(),
                x["status"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(scores, vec![(85.0, "THRIVING"), (25.0, "STRUGGLING")]);
    // The dashboard follows.
    let (_, d) = app.get("/api/v1/dashboard", &a.access).await;
    assert_eq!(d["needsAttention"][0]["slug"], "finance");
    assert_eq!(d["topAreas"][0]["slug"], "work");
    assert_eq!(d["distribution"]["struggling"], 1);
    assert_eq!(d["distribution"]["thriving"], 1);
    assert_eq!(d["distribution"]["balanced"], 28);
    assert_eq!(
        d["overallScore"].as_f64(),
        Some(((85.0 + 25.0 + 28.0 * 50.0) / 30.0 * 10.0_f64).round() / 10.0)
    );
    assert_eq!(d["recentActivity"].as_array().unwrap().len(), 2);
    // Delete it: finance back to 50.
    let (s, v) = app
        .call(
            Method::DELETE,
            &format!("/api/v1/events/{id}"),
            Some(&a.access),
            None,
        )
        .await;
    assert_eq!(
        (s, v["areas"][0]["updatedScore"].as_f64()),
        (StatusCode::OK, Some(50.0))
    );
    let (s, _) = app.get(&format!("/api/v1/events/{id}"), &a.access).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // Time passes: after 31 days the breakthrough leaves the window.
    app.clock.advance(Duration::days(31));
    let a = app.login("a@example.org", None).await;
    let (_, v) = app
        .post(
            "/api/v1/life-areas/work/refresh",
            Some(&a.access),
            json!({}),
        )
        .await;
    assert_eq!(
        (v["previousScore"].as_f64(), v["updatedScore"].as_f64()),
        (Some(85.0), Some(50.0))
    );
}

#[tokio::test]
async fn commitments_and_violations_move_scores() {
    let app = TestApp::spawn().await;
    let a = app.register("a@example.org").await;
    let mut ids = Vec::new();
    for s in ["Walk daily", "Sleep by 23:00"] {
        let (st, v) = app.post("/api/v1/commitments", Some(&a.access), json!({ "lifeAreaId": "physical-health", "statement": s, "intention": "feel better" })).await;
        assert_eq!(st, StatusCode::CREATED, "{v}");
        assert_eq!(v["status"], "ACTIVE");
        ids.push(v["id"].as_str().unwrap().to_owned());
    }
    let (s, v) = app
        .call(
            Method::PATCH,
            &format!("/api/v1/commitments/{}", ids[0]),
            Some(&a.access),
            Some(json!({ "status": "COMPLETED" })),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(v["completedAt"].is_string() && v["reviewedAt"].is_string());
    assert_eq!(
        area(&app, &a, "physical-health").await["currentScore"].as_f64(),
        Some(57.5)
    );
    let (s, v) = app
        .call(
            Method::PATCH,
            &format!("/api/v1/commitments/{}", ids[0]),
            Some(&a.access),
            Some(json!({ "status": "PAUSED" })),
        )
        .await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "invalid_transition"));
    app.call(
        Method::PATCH,
        &format!("/api/v1/commitments/{}", ids[1]),
        Some(&a.access),
        Some(json!({ "status": "INTEGRATED" })),
    )
    .await;
    let (_, v) = app
        .call(
            Method::PATCH,
            &format!("/api/v1/commitments/{}", ids[1]),
            Some(&a.access),
            Some(json!({ "status": "COMPLETED" })),
        )
        .await;
    assert_eq!(v["status"], "COMPLETED");
    let (_, v) = app
        .call(
            Method::PATCH,
            &format!("/api/v1/commitments/{}", ids[1]),
            Some(&a.access),
            Some(json!({ "status": "INTEGRATED" })),
        )
        .await;
    assert_eq!(v["status"], "INTEGRATED");
    assert_eq!(
        area(&app, &a, "physical-health").await["currentScore"].as_f64(),
        Some(65.0)
    );
    let (s, _) = app
        .call(
            Method::DELETE,
            &format!("/api/v1/commitments/{}", ids[1]),
            Some(&a.access),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert_eq!(
        area(&app, &a, "physical-health").await["currentScore"].as_f64(),
        Some(65.0),
        "1 of 1 kept"
    );

    let (s, b) = app.post("/api/v1/boundaries", Some(&a.access), json!({ "lifeAreaId": "physical-health", "statement": "No screens in bed", "reason": "sleep" })).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let bid = b["id"].as_str().unwrap();
    let (s, v) = app
        .post(
            &format!("/api/v1/boundaries/{bid}/violations"),
            Some(&a.access),
            json!({ "note": "scrolled till 2am" }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(
        (
            v["score"]["previousScore"].as_f64(),
            v["score"]["updatedScore"].as_f64()
        ),
        (Some(65.0), Some(55.0))
    );
    assert_eq!(v["boundary"]["violationCount"], 1);
    for _ in 0..4 {
        app.call(
            Method::POST,
            &format!("/api/v1/boundaries/{bid}/violations"),
            Some(&a.access),
            None,
        )
        .await;
    }
    let (_, v) = app
        .get(&format!("/api/v1/boundaries/{bid}"), &a.access)
        .await;
    assert_eq!(
        (
            v["violationCount"].as_i64(),
            v["violations"].as_array().unwrap().len()
        ),
        (Some(5), 5)
    );
    assert_eq!(
        area(&app, &a, "physical-health").await["currentScore"].as_f64(),
        Some(35.0),
        "penalty caps at 30"
    );
    let (s, v) = app
        .post(
            &format!("/api/v1/boundaries/{bid}/violations"),
            Some(&a.access),
            json!({ "occurredAt": (Utc::now() + Duration::days(3)).to_rfc3339() }),
        )
        .await;
    assert_eq!(
        (s, v["error"]["details"]["fields"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("occurredAt"))
    );
}

#[tokio::test]
async fn dashboard_counts_commitments_and_due_reviews() {
    let app = TestApp::spawn().await;
    let a = app.register("a@example.org").await;
    let (_, c1) = app
        .post(
            "/api/v1/commitments",
            Some(&a.access),
            json!({ "lifeAreaId": "work", "statement": "Weekly planning" }),
        )
        .await;
    app.clock.advance(Duration::days(3));
    let a = app.login("a@example.org", None).await;
    let (_, c2) = app
        .post(
            "/api/v1/commitments",
            Some(&a.access),
            json!({ "statement": "Call mum on Sundays" }),
        )
        .await;
    let (_, d) = app.get("/api/v1/dashboard", &a.access).await;
    assert_eq!(d["activeCommitments"], 2);
    assert_eq!(
        d["upcomingReviews"].as_array().unwrap().len(),
        2,
        "both due within 7 days: {d}"
    );
    assert_eq!(d["upcomingReviews"][0]["id"], c1["id"], "soonest first");
    // Reviewed a minute after c2 was created, c1 now falls due after c2.
    app.clock.advance(Duration::minutes(1));
    app.post(
        &format!("/api/v1/commitments/{}/review", c1["id"].as_str().unwrap()),
        Some(&a.access),
        json!({}),
    )
    .await;
    let (_, d) = app.get("/api/v1/dashboard", &a.access).await;
    let order: Vec<&Value> = d["upcomingReviews"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["id"])
        .collect();
    assert_eq!(order, vec![&c2["id"], &c1["id"]], "{d}");
    // Completed commitments are neither active nor due.
    app.call(
        Method::PATCH,
        &format!("/api/v1/commitments/{}", c2["id"].as_str().unwrap()),
        Some(&a.access),
        Some(json!({ "status": "COMPLETED" })),
    )
    .await;
    let (_, d) = app.get("/api/v1/dashboard", &a.access).await;
    assert_eq!(
        (
            d["activeCommitments"].as_i64(),
            d["upcomingReviews"].as_array().unwrap().len()
        ),
        (Some(1), 1)
    );
}

#[tokio::test]
async fn lists_filter_search_and_paginate_under_concurrent_inserts() {
    let app = TestApp::spawn().await;
    let a = app.register("a@example.org").await;
    let base = Utc::now() - Duration::days(40);
    for i in 0..30 {
        let mut e = event(
            if i % 2 == 0 { "work" } else { "family" },
            "PROGRESS",
            1,
            &format!("Entry number {i}"),
        );
        e["occurredAt"] = json!((base + Duration::hours(i)).to_rfc3339());
        if i == 7 {
            e["description"] = json!("A long hike through the mountains with my brother");
            e["tags"] = json!(["Hiking"]);
        }
        let (s, v) = app.post("/api/v1/events", Some(&a.access), e).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
    }
    let (_, v) = app
        .get("/api/v1/events?q=mountains%20hike", &a.access)
        .await;
    assert_eq!(v["items"].as_array().unwrap().len(), 1, "{v}");
    let (_, v) = app.get("/api/v1/events?tag=HIKING", &a.access).await;
    assert_eq!(v["items"].as_array().unwrap().len(), 1);
    let (_, v) = app
        .get("/api/v1/events?lifeArea=family&limit=100", &a.access)
        .await;
    assert_eq!(v["items"].as_array().unwrap().len(), 15);
    let (s, v) = app.get("/api/v1/events?lifeArea=nowhere", &a.access).await;
    assert_eq!(
        (s, v["error"]["details"]["fields"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("lifeArea"))
    );
    let (s, _) = app.get("/api/v1/events?type=NOPE", &a.access).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);

    // Page through while other events arrive (dated now, so newer than every page).
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let mut page_no = 0;
    loop {
        let path = match &cursor {
            Some(c) => format!(
                "/api/v1/events?limit=7&to={}&cursor={c}",
                urlencode(&(base + Duration::days(2)).to_rfc3339())
            ),
            None => format!(
                "/api/v1/events?limit=7&to={}",
                urlencode(&(base + Duration::days(2)).to_rfc3339())
            ),
        };
        let (writer, (s, v)) = tokio::join!(
            app.post(
                "/api/v1/events",
                Some(&a.access),
                event("work", "LEARNING", 0, &format!("Concurrent {page_no}"))
            ),
            app.get(&path, &a.access)
        );
        assert_eq!(writer.0, StatusCode::CREATED);
        assert_eq!(s, StatusCode::OK, "{v}");
        seen.extend(
            v["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["title"].as_str().unwrap().to_owned()),
        );
        page_no += 1;
        match v["nextCursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!((seen.len(), sorted.len()), (30, 30), "no skips, no repeats");
    assert_eq!(seen[0], "Entry number 29", "newest first");
}

fn urlencode(s: &str) -> String {
    s.replace('+', "%2B").replace(':', "%3A")
}

#[tokio::test]
async fn bad_event_input_names_the_field() {
    let app = TestApp::spawn().await;
    let a = app.register("a@example.org").await;
    let ok = event("work", "PROGRESS", 1, "Fine");
    let with = |k: &str, v: Value| {
        let mut b = ok.clone();
        b[k] = v;
        b
    };
    let cases = vec![
        (
            "emotionalCharge",
            with("emotionalCharge", json!(6)),
            "validation_failed",
        ),
        (
            "emotionalCharge",
            with("emotionalCharge", json!(2.5)),
            "invalid_type",
        ),
        (
            "title",
            with("title", json!("t".repeat(201))),
            "validation_failed",
        ),
        ("title", with("title", json!("")), "validation_failed"),
        (
            "tags",
            with("tags", json!(vec!["x"; 21])),
            "validation_failed",
        ),
        (
            "tags[0]",
            with("tags", json!(["y".repeat(51)])),
            "validation_failed",
        ),
        (
            "occurredAt",
            with(
                "occurredAt",
                json!((Utc::now() + Duration::hours(25)).to_rfc3339()),
            ),
            "validation_failed",
        ),
        (
            "occurredAt",
            with("occurredAt", json!("yesterday")),
            "invalid_type",
        ),
        ("type", with("type", json!("EPIPHANY")), "invalid_type"),
        (
            "lifeAreaId",
            with("lifeAreaId", json!("not-an-area")),
            "validation_failed",
        ),
        (
            "description",
            with("description", json!("d".repeat(10_001))),
            "validation_failed",
        ),
    ];
    for (field, body, want) in cases {
        let (s, v) = app.post("/api/v1/events", Some(&a.access), body).await;
        let got = v["error"]["details"]["field"]
            .as_str()
            .or(v["error"]["details"]["fields"][0]["field"].as_str())
            .unwrap_or("");
        assert_eq!(
            (s, code(&v), got),
            (StatusCode::UNPROCESSABLE_ENTITY, want, field),
            "{v}"
        );
    }
    // An unknown area is reported with the other fields' errors, not instead of them.
    let mut body = with("lifeAreaId", json!("not-an-area"));
    body["title"] = json!("");
    let (s, v) = app.post("/api/v1/events", Some(&a.access), body).await;
    let fields: Vec<(&str, &str)> = v["error"]["details"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["field"].as_str().unwrap(), f["code"].as_str().unwrap()))
        .collect();
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        fields,
        vec![("lifeAreaId", "unknown_life_area"), ("title", "required")],
        "{v}"
    );
    let (_, v) = app.get("/api/v1/events", &a.access).await;
    assert_eq!(v["items"].as_array().unwrap().len(), 0, "nothing written");
    assert_eq!(
        area(&app, &a, "work").await["currentScore"].as_f64(),
        Some(50.0)
    );
}

#[tokio::test]
async fn other_tenants_and_viewers_are_kept_out() {
    let app = TestApp::spawn().await;
    let a = app.register("a@example.org").await;
    let b = app.register("b@example.org").await;
    let (_, e) = app
        .post(
            "/api/v1/events",
            Some(&b.access),
            event("work", "PROGRESS", 3, "B's secret"),
        )
        .await;
    let (_, c) = app
        .post(
            "/api/v1/commitments",
            Some(&b.access),
            json!({ "statement": "B's promise" }),
        )
        .await;
    let (_, bd) = app
        .post(
            "/api/v1/boundaries",
            Some(&b.access),
            json!({ "lifeAreaId": "work", "statement": "B's line" }),
        )
        .await;
    let (_, i) = app
        .post(
            "/api/v1/insights",
            Some(&b.access),
            json!({ "type": "TRUTH_REVEALED", "title": "B's truth" }),
        )
        .await;
    let (_, eras) = app.get("/api/v1/autobiography/eras", &b.access).await;
    let (s, en) = app.post("/api/v1/autobiography/entries", Some(&b.access), json!({ "eraId": eras[0]["id"], "year": 2001, "month": 5, "title": "B's year", "eventIds": [e["event"]["id"]] })).await;
    assert_eq!(s, StatusCode::CREATED, "{en}");
    let b_area = area(&app, &b, "work").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for path in [
        format!("/api/v1/events/{}", e["event"]["id"].as_str().unwrap()),
        format!("/api/v1/commitments/{}", c["id"].as_str().unwrap()),
        format!("/api/v1/boundaries/{}", bd["id"].as_str().unwrap()),
        format!("/api/v1/insights/{}", i["id"].as_str().unwrap()),
        format!(
            "/api/v1/autobiography/entries/{}",
            en["id"].as_str().unwrap()
        ),
        format!("/api/v1/life-areas/{b_area}"),
    ] {
        let (s, v) = app.get(&path, &a.access).await;
        assert_eq!(
            (s, code(&v)),
            (StatusCode::NOT_FOUND, "not_found"),
            "GET {path}"
        );
        let (s, _) = app.call(Method::DELETE, &path, Some(&a.access), None).await;
        assert!(
            s == StatusCode::NOT_FOUND || s == StatusCode::METHOD_NOT_ALLOWED,
            "DELETE {path}: {s}"
        );
    }
    let (s, v) = app.post("/api/v1/events", Some(&a.access), json!({ "lifeAreaId": b_area, "type": "PROGRESS", "category": "OTHER", "tone": "NEUTRAL", "title": "x", "emotionalCharge": 0 })).await;
    assert_eq!(
        (s, v["error"]["details"]["fields"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("lifeAreaId"))
    );
    let (s, _) = app
        .post(
            &format!(
                "/api/v1/boundaries/{}/violations",
                bd["id"].as_str().unwrap()
            ),
            Some(&a.access),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (_, v) = app.get("/api/v1/events", &a.access).await;
    assert!(v["items"].as_array().unwrap().is_empty());
    // B's event is intact.
    let (s, _) = app
        .get(
            &format!("/api/v1/events/{}", e["event"]["id"].as_str().unwrap()),
            &b.access,
        )
        .await;
    assert_eq!(s, StatusCode::OK);

    // A viewer of B reads but cannot write.
    app.post(
        &format!("/api/v1/tenants/{}/members", b.tenant_id),
        Some(&b.access),
        json!({ "email": "a@example.org", "role": "VIEWER" }),
    )
    .await;
    let viewer = app.login("a@example.org", Some(&b.tenant_id)).await;
    let (s, _) = app.get("/api/v1/events", &viewer.access).await;
    assert_eq!(s, StatusCode::OK);
    for (m, p, body) in [
        (
            Method::POST,
            "/api/v1/events".to_owned(),
            Some(event("work", "PROGRESS", 1, "x")),
        ),
        (
            Method::DELETE,
            format!("/api/v1/events/{}", e["event"]["id"].as_str().unwrap()),
            None,
        ),
        (
            Method::POST,
            "/api/v1/commitments".to_owned(),
            Some(json!({ "statement": "x" })),
        ),
        (
            Method::POST,
            format!(
                "/api/v1/boundaries/{}/violations",
                bd["id"].as_str().unwrap()
            ),
            Some(json!({})),
        ),
        (
            Method::POST,
            "/api/v1/snapshots".to_owned(),
            Some(json!({})),
        ),
        (
            Method::PATCH,
            "/api/v1/life-areas/work".to_owned(),
            Some(json!({ "name": "x" })),
        ),
        (
            Method::POST,
            "/api/v1/life-areas/refresh".to_owned(),
            Some(json!({})),
        ),
    ] {
        let (s, v) = app.call(m.clone(), &p, Some(&viewer.access), body).await;
        assert_eq!(
            (s, code(&v)),
            (StatusCode::FORBIDDEN, "forbidden"),
            "{m} {p}"
        );
    }
}

#[tokio::test]
async fn snapshots_autobiography_and_custom_areas() {
    let app = TestApp::spawn().await;
    let a = app.register("a@example.org").await;
    let (s, v) = app
        .post("/api/v1/snapshots", Some(&a.access), json!({}))
        .await;
    assert_eq!((s, v.as_array().unwrap().len()), (StatusCode::CREATED, 30));
    app.post(
        "/api/v1/events",
        Some(&a.access),
        event("work", "PROGRESS", 5, "Good day"),
    )
    .await;
    let (_, v) = app
        .post("/api/v1/snapshots", Some(&a.access), json!({}))
        .await;
    assert_eq!(v.as_array().unwrap().len(), 30, "a repeat updates");
    let (_, v) = app
        .get("/api/v1/life-areas/work/snapshots", &a.access)
        .await;
    assert_eq!(v.as_array().unwrap().len(), 1);
    assert_eq!(
        (v[0]["score"].as_f64(), v[0]["eventCount"].as_i64()),
        (Some(70.0), Some(1))
    );

    let (_, eras) = app.get("/api/v1/autobiography/eras", &a.access).await;
    let years: Vec<(i64, i64)> = eras
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["startYear"].as_i64().unwrap(),
                e["endYear"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        years,
        vec![(1975, 2025), (2025, 2050), (2050, 2075), (2075, 2100)]
    );
    let era = eras[0]["id"].as_str().unwrap();
    let (s, v) = app
        .post(
            "/api/v1/autobiography/entries",
            Some(&a.access),
            json!({ "eraId": era, "year": 2030, "title": "Too late" }),
        )
        .await;
    assert_eq!(
        (s, v["error"]["details"]["fields"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("year"))
    );
    let (s, v) = app
        .post(
            "/api/v1/autobiography/entries",
            Some(&a.access),
            json!({ "eraId": era, "year": 2000, "month": 13, "title": "x" }),
        )
        .await;
    assert_eq!(
        (s, v["error"]["details"]["fields"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("month"))
    );
    let (s, v) = app
        .post(
            "/api/v1/autobiography/entries",
            Some(&a.access),
            json!({ "eraId": era, "year": 2000, "title": "x", "eventIds": [uuid::Uuid::new_v4()] }),
        )
        .await;
    assert_eq!(
        (s, v["error"]["details"]["fields"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("eventIds"))
    );
    let work = area(&app, &a, "work").await["id"].clone();
    let (s, v) = app.post("/api/v1/autobiography/entries", Some(&a.access), json!({ "eraId": era, "year": 2000, "month": 6, "title": "Graduation", "lifeAreaIds": [work] })).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (s, v) = app
        .call(
            Method::PATCH,
            &format!(
                "/api/v1/autobiography/entries/{}",
                v["id"].as_str().unwrap()
            ),
            Some(&a.access),
            Some(json!({ "month": null, "isPublic": true })),
        )
        .await;
    assert_eq!(
        (s, v["month"].is_null(), v["isPublic"].as_bool()),
        (StatusCode::OK, true, Some(true))
    );

    let (s, v) = app
        .post(
            "/api/v1/life-areas",
            Some(&a.access),
            json!({ "name": "Sailing", "cluster": "EXPLORATORY_EXPANSIVE" }),
        )
        .await;
    assert_eq!(
        (s, v["slug"].as_str(), v["sortOrder"].as_i64()),
        (StatusCode::CREATED, Some("sailing"), Some(31))
    );
    let (s, v) = app
        .post(
            "/api/v1/life-areas",
            Some(&a.access),
            json!({ "name": "Sailing", "cluster": "EXPLORATORY_EXPANSIVE" }),
        )
        .await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "slug_taken"));
    let (_, v) = app
        .get(
            "/api/v1/life-areas?cluster=EXPLORATORY_EXPANSIVE",
            &a.access,
        )
        .await;
    assert_eq!(v["lifeAreas"].as_array().unwrap().len(), 6);
    let (_, v) = app
        .call(
            Method::PATCH,
            "/api/v1/life-areas/sailing",
            Some(&a.access),
            Some(json!({ "isActive": false })),
        )
        .await;
    assert_eq!(v["isActive"], false);
    let (_, v) = app.get("/api/v1/life-areas?isActive=true", &a.access).await;
    assert_eq!(v["lifeAreas"].as_array().unwrap().len(), 30);
}

#[tokio::test]
async fn suggested_insights_share_tags_or_terms() {
    let app = TestApp::spawn().await;
    let a = app.register("a@example.org").await;
    let (_, i1) = app.post("/api/v1/insights", Some(&a.access), json!({ "type": "PATTERN_RECOGNIZED", "title": "Overwork before deadlines", "tags": ["career"] })).await;
    app.post(
        "/api/v1/insights",
        Some(&a.access),
        json!({ "type": "VALUE_CLARIFIED", "title": "Family dinners matter" }),
    )
    .await;
    let (_, v) = app
        .post(
            "/api/v1/events",
            Some(&a.access),
            event("work", "UPSET", -3, "Another deadline crunch"),
        )
        .await;
    let s = v["suggestedInsights"].as_array().unwrap();
    assert_eq!(s.len(), 1, "{v}");
    assert_eq!(s[0]["id"], i1["id"]);
}

#[tokio::test]
async fn concurrent_writes_to_one_area_neither_fail_nor_lose_events() {
    let app = std::sync::Arc::new(TestApp::spawn().await);
    let a = app.register("busy@example.org").await;
    let mut tasks = Vec::new();
    for i in 0..24 {
        let (app, token) = (app.clone(), a.access.clone());
        tasks.push(tokio::spawn(async move {
            let t = if i % 6 == 0 { "UPSET" } else { "PROGRESS" };
            let body = event("work", t, (i % 11) - 5, &format!("Concurrent {i}"));
            app.post("/api/v1/events", Some(&token), body).await
        }));
    }
    for t in tasks {
        let (s, v) = t.await.unwrap();
        assert_eq!(s, StatusCode::CREATED, "{v}");
    }
    // The stored score is the one a fresh computation over all 24 events gives.
    let stored = area(&app, &a, "work").await;
    let (s, fresh) = app
        .post(
            "/api/v1/life-areas/work/refresh",
            Some(&a.access),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{fresh}");
    assert_eq!(
        stored["currentScore"], fresh["updatedScore"],
        "{stored} {fresh}"
    );
    assert_eq!(stored["factors"]["eventCount"], 24);
}
