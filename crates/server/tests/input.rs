#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Bad input is refused with a 4xx naming the field, and nothing is written.

mod common;

use common::{code, TestApp, PASSWORD};
use reqwest::StatusCode;
use serde_json::{json, Value};

fn field(v: &Value) -> String {
    v["error"]["details"]["field"]
        .as_str()
        .or_else(|| v["error"]["details"]["fields"][0]["field"].as_str())
        .unwrap_or("")
        .to_owned()
}

async fn raw(app: &TestApp, path: &str, content_type: &str, body: &str) -> (StatusCode, Value) {
    let resp = app
        .client
        .post(format!("{}{path}", app.base))
        .header("content-type", content_type)
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    (resp.status(), resp.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn bad_registrations_name_the_field_and_write_nothing() {
    let app = TestApp::spawn().await;
    let ok = json!({ "email": "a@example.org", "password": PASSWORD, "workspaceName": "Mine" });
    let with = |k: &str, v: Value| {
        let mut b = ok.clone();
        b[k] = v;
        b
    };
    let without = |k: &str| {
        let mut b = ok.clone();
        b.as_object_mut().unwrap().remove(k);
        b
    };
    let cases: Vec<(&str, Value, StatusCode, &str, &str)> = vec![
        (
            "missing email",
            without("email"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "missing_field",
            "email",
        ),
        (
            "missing workspace",
            without("workspaceName"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "missing_field",
            "workspaceName",
        ),
        (
            "unknown field",
            with("isAdmin", json!(true)),
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_field",
            "isAdmin",
        ),
        (
            "email not a string",
            with("email", json!(42)),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_type",
            "email",
        ),
        (
            "timezone not a string",
            with("timezone", json!({"tz": 1})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_type",
            "timezone",
        ),
        (
            "invalid email",
            with("email", json!("not-an-email")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            "email",
        ),
        (
            "short password",
            with("password", json!("short")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            "password",
        ),
        (
            "common password",
            with("password", json!("iloveyou123")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            "password",
        ),
        (
            "overlong password",
            with("password", json!("x".repeat(1025))),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            "password",
        ),
        (
            "overlong workspace",
            with("workspaceName", json!("w".repeat(121))),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            "workspaceName",
        ),
        (
            "blank workspace",
            with("workspaceName", json!("   ")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            "workspaceName",
        ),
        (
            "overlong first name",
            with("firstName", json!("f".repeat(101))),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            "firstName",
        ),
        (
            "invalid timezone",
            with("timezone", json!("Mars/Olympus_Mons")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            "timezone",
        ),
        (
            "invalid slug",
            with("slug", json!("Not A Slug")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            "slug",
        ),
    ];
    for (what, body, status, want_code, want_field) in cases {
        let (s, v) = app.post("/api/v1/auth/register", None, body).await;
        assert_eq!(
            (s, code(&v), field(&v).as_str()),
            (status, want_code, want_field),
            "{what}: {v}"
        );
        assert!(
            v["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "{what}"
        );
    }
    let (s, v) = raw(
        &app,
        "/api/v1/auth/register",
        "application/json",
        r#"{"email": "a@example.org", "password""#,
    )
    .await;
    assert_eq!((s, code(&v)), (StatusCode::BAD_REQUEST, "malformed_json"));
    let (s, v) = raw(&app, "/api/v1/auth/register", "text/plain", &ok.to_string()).await;
    assert_eq!(
        (s, code(&v)),
        (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
    );
    let huge = json!({ "email": "a@example.org", "password": PASSWORD, "workspaceName": "x".repeat(100_000) });
    let (s, v) = raw(
        &app,
        "/api/v1/auth/register",
        "application/json",
        &huge.to_string(),
    )
    .await;
    assert_eq!(
        (s, code(&v)),
        (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large")
    );
    assert_eq!(
        app.count("SELECT count(*) FROM platform.users").await,
        0,
        "nothing written"
    );
    assert_eq!(
        app.count("SELECT count(*) FROM platform.tenants").await,
        0,
        "nothing written"
    );
    assert_eq!(
        app.count("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 't\\_%'")
            .await,
        0,
        "no schema left behind"
    );
    // The same e-mail twice: 409, and the first account is intact.
    let (s, _) = app.post("/api/v1/auth/register", None, ok.clone()).await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, v) = app
        .post(
            "/api/v1/auth/register",
            None,
            with("email", json!(" A@Example.org ")),
        )
        .await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "email_taken"));
    assert_eq!(app.count("SELECT count(*) FROM platform.tenants").await, 1);
    assert_eq!(
        app.count("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 't\\_%'")
            .await,
        1,
        "the failed registration rolled back its schema"
    );
}

#[tokio::test]
async fn bad_tenant_updates_name_the_field() {
    let app = TestApp::spawn().await;
    let a = app.register("a@example.org").await;
    let path = format!("/api/v1/tenants/{}", a.tenant_id);
    let (s, v) = app
        .call(
            reqwest::Method::PATCH,
            &path,
            Some(&a.access),
            Some(json!({ "timezone": "Nowhere/Land" })),
        )
        .await;
    assert_eq!(
        (s, field(&v).as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "timezone")
    );
    let (s, v) = app
        .call(
            reqwest::Method::PATCH,
            &path,
            Some(&a.access),
            Some(json!({ "name": 7 })),
        )
        .await;
    assert_eq!(
        (s, code(&v), field(&v).as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_type", "name")
    );
    let (s, v) = app
        .call(
            reqwest::Method::PATCH,
            &path,
            Some(&a.access),
            Some(json!({ "timezone": "Asia/Kathmandu", "name": "Renamed" })),
        )
        .await;
    assert_eq!(
        (s, v["timezone"].as_str(), v["name"].as_str()),
        (StatusCode::OK, Some("Asia/Kathmandu"), Some("Renamed"))
    );
    let (s, v) = app
        .post(
            &format!("/api/v1/tenants/{}/members", a.tenant_id),
            Some(&a.access),
            json!({ "email": "x@example.org", "role": "KING" }),
        )
        .await;
    assert_eq!(
        (s, field(&v).as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "role")
    );
}

#[tokio::test]
async fn api_conventions() {
    let app = TestApp::spawn().await;
    let resp = app
        .client
        .get(format!("{}/healthz", app.base))
        .header("x-request-id", "abc-123")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()["x-request-id"], "abc-123");
    let resp = app
        .client
        .get(format!("{}/readyz", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(
        resp.headers().contains_key("x-request-id"),
        "a request id is generated"
    );
    let (s, doc) = app
        .call(reqwest::Method::GET, "/api/v1/openapi.json", None, None)
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    for p in [
        "/api/v1/auth/register",
        "/api/v1/auth/login",
        "/api/v1/life-areas",
        "/api/v1/tenants/{tenantId}/members/{userId}",
        "/api/v1/tenants/{tenantId}/audit-events",
    ] {
        assert!(doc["paths"].get(p).is_some(), "{p} missing from the spec");
    }
    let html = app
        .client
        .get(format!("{}/api/docs", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("/api/v1/auth/register") && !html.contains("<script src=\"http"));
    let (s, v) = app
        .call(reqwest::Method::GET, "/api/v1/nothing-here", None, None)
        .await;
    assert_eq!((s, code(&v)), (StatusCode::NOT_FOUND, "not_found"));
}

#[tokio::test]
async fn a_nul_byte_in_any_position_answers_4xx() {
    let app = TestApp::spawn().await;
    let a = app.register("nul@example.org").await;
    let t = a.tenant_id.as_str();
    let paths = [
        "/api/v1/events?q=%00".to_owned(),
        "/api/v1/events?lifeAreaId=%00".to_owned(),
        "/api/v1/events?tag=a%00b".to_owned(),
        "/api/v1/events/%00".to_owned(),
        "/api/v1/life-areas/%00".to_owned(),
        "/api/v1/life-areas/work%00/snapshots".to_owned(),
        "/api/v1/metrics/definitions/%00".to_owned(),
        "/api/v1/metrics/definitions/%00/evaluate".to_owned(),
        "/api/v1/insights/%00".to_owned(),
        "/api/v1/boundaries?lifeAreaId=%00".to_owned(),
        format!("/api/v1/tenants/{t}/audit-events?before=%00"),
        "/api/v1/jobs?status=%00".to_owned(),
        "/areas/%00".to_owned(),
        "/events?q=%00".to_owned(),
    ];
    for p in &paths {
        let (s, v) = app.get(p, &a.access).await;
        assert!(s.is_client_error(), "GET {p}: {s} {v}");
    }
    let bodies = [
        (
            "/api/v1/boundaries",
            json!({ "lifeAreaId": "\u{0}", "statement": "x" }),
            "lifeAreaId",
        ),
        (
            "/api/v1/events",
            json!({ "lifeAreaId": "work", "title": "a\u{0}b", "occurredAt": "2026-01-01T00:00:00Z", "emotionalCharge": 1 }),
            "title",
        ),
        (
            "/api/v1/insights",
            json!({ "title": "x", "body": "\u{0}" }),
            "body",
        ),
        (
            "/api/v1/life-areas",
            json!({ "slug": "a\u{0}", "name": "A", "cluster": "SYSTEMIC" }),
            "slug",
        ),
        (
            "/api/v1/metrics/definitions",
            json!({ "code": "a\u{0}", "name": "x" }),
            "code",
        ),
        (
            "/api/v1/life-areas/suggest",
            json!({ "text": "gym\u{1b}" }),
            "text",
        ),
        (
            "/api/v1/auth/login",
            json!({ "email": "nul@example.org\u{0}", "password": PASSWORD }),
            "email",
        ),
    ];
    for (path, body, name) in bodies {
        let (s, v) = app.post(path, Some(&a.access), body).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "POST {path}: {v}");
        assert_eq!(code(&v), "invalid_character", "POST {path}: {v}");
        assert_eq!(field(&v), name, "POST {path}: {v}");
    }
    let (s, v) = app
        .call(
            reqwest::Method::PATCH,
            "/api/v1/metrics/definitions/x",
            Some(&a.access),
            Some(json!([null, null, null])),
        )
        .await;
    assert_eq!(
        s,
        StatusCode::UNPROCESSABLE_ENTITY,
        "an array is not an object: {v}"
    );
    let (s, _) = app.get("/api/v1/events?q=line", &a.access).await;
    assert_eq!(s, StatusCode::OK, "ordinary input still works");
}

#[tokio::test]
async fn every_answer_is_error_json_with_safe_headers() {
    let app = TestApp::spawn().await;
    let a = app.register("headers@example.org").await;
    let send = |req: reqwest::RequestBuilder| async move { req.send().await.unwrap() };
    let json_error = |resp: reqwest::Response, status: StatusCode, code_: &'static str| async move {
        assert_eq!(resp.status(), status);
        for (h, v) in [
            ("x-content-type-options", "nosniff"),
            (
                "content-security-policy",
                "default-src 'none'; frame-ancestors 'none'",
            ),
            ("cache-control", "no-store"),
        ] {
            assert_eq!(resp.headers()[h], v, "{h} on {status}");
        }
        let v: Value = resp.json().await.unwrap();
        assert_eq!(code(&v), code_, "{v}");
    };
    // Over the body limit on a route reading raw bytes.
    let big = "x".repeat(100 * 1024);
    let r = send(
        app.client
            .post(format!("{}/api/v1/auth/logout", app.base))
            .body(big),
    )
    .await;
    json_error(r, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
    // A method the route lacks keeps `Allow`.
    let r = send(
        app.client
            .put(format!("{}/api/v1/events", app.base))
            .bearer_auth(&a.access),
    )
    .await;
    assert!(r.headers().contains_key("allow"));
    json_error(r, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed").await;
    // Unmatched routes.
    let r = send(app.client.get(format!("{}/api/v1/nothing-here", app.base))).await;
    json_error(r, StatusCode::NOT_FOUND, "not_found").await;
    // A plain API answer carries the same headers.
    let r = send(
        app.client
            .get(format!("{}/api/v1/me", app.base))
            .bearer_auth(&a.access),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["cache-control"], "no-store");
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    // The docs page allows its own inline style by hash and nothing else.
    let r = send(app.client.get(format!("{}/api/docs", app.base))).await;
    let csp = r.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.starts_with("default-src 'none'; style-src 'sha256-"),
        "{csp}"
    );
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    // Assets keep their public cache time.
    let r = send(app.client.get(format!("{}/assets/app.css", app.base))).await;
    assert_eq!(r.headers()["cache-control"], "public, max-age=3600");
    // Eight spaces are no password.
    let (s, v) = app
        .post(
            "/api/v1/auth/register",
            None,
            json!({ "email": "blank@example.org", "password": "        ", "workspaceName": "W" }),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field(&v), "password", "{v}");
}
