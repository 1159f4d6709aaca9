#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Accounts, tokens and abuse protection through the API.

mod common;

use base64::Engine;
use chrono::Duration;
use common::{code, TestApp, PASSWORD, SECRET};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::StatusCode;
use serde_json::{json, Value};

fn b64(v: &Value) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(serde_json::to_vec(v).unwrap())
}

fn sign(claims: &Value, secret: &[u8]) -> String {
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(secret),
    )
    .unwrap()
}

#[tokio::test]
async fn forged_and_expired_tokens_are_refused() {
    let app = TestApp::spawn().await;
    let a = app.register("a@example.org").await;
    let (s, _) = app.get("/api/v1/life-areas", &a.access).await;
    assert_eq!(s, StatusCode::OK);
    let body = a.access.split('.').nth(1).unwrap();
    let claims: Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(body)
            .unwrap(),
    )
    .unwrap();
    for k in [
        "sub", "tid", "sid", "role", "iat", "nbf", "exp", "aud", "iss", "typ",
    ] {
        assert!(claims.get(k).is_some(), "claim {k} missing");
    }
    assert!(claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap() <= 900);
    let with = |k: &str, v: Value| {
        let mut c = claims.clone();
        c[k] = v;
        c
    };
    let now = claims["iat"].as_i64().unwrap();
    let forged = vec![
        (
            "wrong aud",
            sign(&with("aud", json!("someone-else")), SECRET),
        ),
        ("wrong iss", sign(&with("iss", json!("evil")), SECRET)),
        ("wrong typ", sign(&with("typ", json!("refresh")), SECRET)),
        (
            "other secret",
            sign(&claims, b"another-secret-another-secret-another"),
        ),
        (
            "exp as string",
            sign(&with("exp", json!((now + 600).to_string())), SECRET),
        ),
        ("expired", sign(&with("exp", json!(now - 60)), SECRET)),
        (
            "not yet valid",
            sign(&with("nbf", json!(now + 3600)), SECRET),
        ),
        (
            "alg none",
            format!(
                "{}.{}.",
                b64(&json!({ "alg": "none", "typ": "JWT" })),
                b64(&claims)
            ),
        ),
        (
            "alg none, signature kept",
            format!(
                "{}.{}.{}",
                b64(&json!({ "alg": "none" })),
                body,
                a.access.split('.').nth(2).unwrap()
            ),
        ),
        ("garbage", "not-a-token".to_owned()),
    ];
    for (what, token) in forged {
        let (s, v) = app.get("/api/v1/life-areas", &token).await;
        assert_eq!(
            (s, code(&v)),
            (StatusCode::UNAUTHORIZED, "unauthorized"),
            "{what}"
        );
    }
    let (s, _) = app
        .call(reqwest::Method::GET, "/api/v1/life-areas", None, None)
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "no token");
    // Our own token expires with the (injected) clock.
    app.clock.advance(Duration::minutes(16));
    let (s, _) = app.get("/api/v1/life-areas", &a.access).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "expired after 15 minutes");
}

#[tokio::test]
async fn refresh_tokens_rotate_and_reuse_revokes_the_family() {
    let app = TestApp::spawn().await;
    let a = app.register("a@example.org").await;
    let (s, t1) = app
        .post(
            "/api/v1/auth/refresh",
            None,
            json!({ "refreshToken": a.refresh }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{t1}");
    let (access1, refresh1) = (
        t1["accessToken"].as_str().unwrap(),
        t1["refreshToken"].as_str().unwrap(),
    );
    assert_ne!(refresh1, a.refresh);
    let (s, _) = app.get("/api/v1/me", access1).await;
    assert_eq!(s, StatusCode::OK);
    // Only a hash is stored.
    assert_eq!(app.count(&format!("SELECT count(*) FROM platform.sessions WHERE convert_to('{refresh1}', 'UTF8') = token_hash")).await, 0);
    // The first token again: reuse. The whole family dies, including the newer tokens.
    let (s, v) = app
        .post(
            "/api/v1/auth/refresh",
            None,
            json!({ "refreshToken": a.refresh }),
        )
        .await;
    assert_eq!(
        (s, code(&v)),
        (StatusCode::UNAUTHORIZED, "invalid_refresh_token")
    );
    let (s, _) = app
        .post(
            "/api/v1/auth/refresh",
            None,
            json!({ "refreshToken": refresh1 }),
        )
        .await;
    assert_eq!(
        s,
        StatusCode::UNAUTHORIZED,
        "the rotated token is revoked too"
    );
    let (s, _) = app.get("/api/v1/me", access1).await;
    assert_eq!(
        s,
        StatusCode::UNAUTHORIZED,
        "access tokens of the family end too"
    );
    assert_eq!(app.count("SELECT count(*) FROM platform.audit_events WHERE event_type = 'auth.refresh_token_reused'").await, 1);
    // A new sign-in is unaffected.
    let b = app.login("a@example.org", None).await;
    let (s, _) = app.get("/api/v1/me", &b.access).await;
    assert_eq!(s, StatusCode::OK);
}

#[tokio::test]
async fn logout_ends_the_session() {
    let app = TestApp::spawn().await;
    let a = app.register("a@example.org").await;
    let other = app.login("a@example.org", None).await;
    let (s, _) = app
        .post(
            "/api/v1/auth/logout",
            Some(&a.access),
            json!({ "refreshToken": a.refresh }),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, _) = app.get("/api/v1/me", &a.access).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, _) = app.get("/api/v1/life-areas", &a.access).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, _) = app
        .post(
            "/api/v1/auth/refresh",
            None,
            json!({ "refreshToken": a.refresh }),
        )
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, _) = app.get("/api/v1/me", &other.access).await;
    assert_eq!(s, StatusCode::OK, "other sign-ins stay");
    // A refresh token alone also logs out.
    let (s, _) = app
        .call(
            reqwest::Method::POST,
            "/api/v1/auth/logout",
            None,
            Some(json!({ "refreshToken": other.refresh })),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, _) = app.get("/api/v1/me", &other.access).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(
        app.count("SELECT count(*) FROM platform.audit_events WHERE event_type = 'auth.logout'")
            .await,
        2
    );
}

#[tokio::test]
async fn unknown_email_and_wrong_password_answer_identically() {
    let app = TestApp::spawn().await;
    app.register("a@example.org").await;
    let wrong = app
        .call(
            reqwest::Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({ "email": "a@example.org", "password": "not the password" })),
        )
        .await;
    let unknown = app
        .call(
            reqwest::Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({ "email": "z@example.org", "password": "not the password" })),
        )
        .await;
    assert_eq!(wrong.0, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong, unknown);
    assert_eq!(code(&wrong.1), "invalid_credentials");
    assert_eq!(
        app.count(
            "SELECT count(*) FROM platform.audit_events WHERE event_type = 'auth.login_failed'"
        )
        .await,
        2
    );
}

#[tokio::test]
async fn ten_failures_lock_the_account_for_fifteen_minutes() {
    let app = TestApp::spawn().await;
    app.register("a@example.org").await;
    let bad = json!({ "email": "a@example.org", "password": "not the password" });
    for i in 0..10 {
        let (s, _) = app.post("/api/v1/auth/login", None, bad.clone()).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "attempt {i}");
    }
    let resp = app
        .client
        .post(format!("{}/api/v1/auth/login", app.base))
        .json(&json!({ "email": "A@example.org", "password": PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(
        resp.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "locked even with the right password"
    );
    let retry: i64 = resp.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=900).contains(&retry), "{retry}");
    let v: Value = resp.json().await.unwrap();
    assert_eq!(code(&v), "account_locked");
    // Unknown addresses lock the same way, so lock-outs reveal nothing.
    let ghost = json!({ "email": "ghost@example.org", "password": "not the password" });
    for _ in 0..10 {
        app.post("/api/v1/auth/login", None, ghost.clone()).await;
    }
    let (s, _) = app.post("/api/v1/auth/login", None, ghost).await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
    app.clock
        .advance(Duration::minutes(15) + Duration::seconds(1));
    app.login("a@example.org", None).await;
}

#[tokio::test]
async fn concurrent_logins_from_many_addresses_check_at_most_ten_passwords() {
    // The per-IP limiter at its defaults: the account limit, not the address limit, must hold.
    let app = TestApp::spawn_with(|c| {
        c.auth_rate_burst = 20;
        c.auth_rate_period_ms = 1000;
    })
    .await;
    app.register("a@example.org").await;
    let clients: Vec<reqwest::Client> = (2..7)
        .map(|i| {
            reqwest::Client::builder()
                .local_address(std::net::IpAddr::from([127, 0, 0, i]))
                .build()
                .unwrap()
        })
        .collect();
    let url = format!("{}/api/v1/auth/login", app.base);
    let requests = (0..20).map(|i| {
        let password = if i == 13 {
            PASSWORD
        } else {
            "not the password"
        };
        clients[i % clients.len()]
            .post(&url)
            .json(&json!({ "email": "a@example.org", "password": password }))
            .send()
    });
    let answers = futures::future::join_all(requests).await;
    let mut checked = 0;
    for resp in answers {
        let resp = resp.unwrap();
        match resp.status() {
            StatusCode::OK | StatusCode::UNAUTHORIZED => checked += 1,
            StatusCode::TOO_MANY_REQUESTS => {
                assert!(resp.headers().contains_key("retry-after"));
                let v: Value = resp.json().await.unwrap();
                assert_eq!(code(&v), "account_locked");
            }
            other => panic!("unexpected {other}"),
        }
    }
    assert!(checked <= 10, "{checked} passwords checked");
    assert!(checked >= 1, "some checks ran");
    let stored = app
        .count("SELECT count(*) FROM platform.login_attempts WHERE email = 'a@example.org'")
        .await;
    assert!(stored <= 10, "{stored}");
    if checked == 10 {
        let (s, v) = app
            .post(
                "/api/v1/auth/login",
                None,
                json!({ "email": "a@example.org", "password": PASSWORD }),
            )
            .await;
        assert_eq!(
            s,
            StatusCode::TOO_MANY_REQUESTS,
            "right password refused while locked"
        );
        assert_eq!(code(&v), "account_locked");
    }
}

#[tokio::test]
async fn a_person_signing_in_often_is_never_locked_out() {
    let app = TestApp::spawn().await;
    app.register("a@example.org").await;
    for _ in 0..15 {
        app.login("a@example.org", None).await;
    }
}

#[tokio::test]
async fn the_auth_routes_are_rate_limited_per_ip() {
    let app = TestApp::spawn_with(|c| {
        c.auth_rate_burst = 3;
        c.auth_rate_period_ms = 60_000;
    })
    .await;
    let body = json!({ "email": "a@example.org", "password": "whatever-it-is" });
    for _ in 0..3 {
        let (s, _) = app.post("/api/v1/auth/login", None, body.clone()).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
    }
    let resp = app
        .client
        .post(format!("{}/api/v1/auth/login", app.base))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(resp.headers().contains_key("retry-after"));
    let v: Value = resp.json().await.unwrap();
    assert_eq!(code(&v), "rate_limited");
    let (s, _) = app.call(reqwest::Method::GET, "/healthz", None, None).await;
    assert_eq!(s, StatusCode::OK, "other routes are not limited");
}

#[tokio::test]
async fn switching_tenant_issues_tokens_for_the_other_tenant() {
    let app = TestApp::spawn().await;
    let a = app.register("a@example.org").await;
    let (s, second) = app
        .post(
            "/api/v1/tenants",
            Some(&a.access),
            json!({ "name": "Second space", "slug": "second-space" }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, v) = app
        .post(
            "/api/v1/auth/switch-tenant",
            Some(&a.access),
            json!({ "tenantId": second["id"] }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["tenant"]["slug"], "second-space");
    assert_eq!(v["tenants"].as_array().unwrap().len(), 2);
    let access = v["tokens"]["accessToken"].as_str().unwrap();
    let (_, me) = app.get("/api/v1/me", access).await;
    assert_eq!(me["currentTenantId"], second["id"]);
    let (s, v) = app
        .post(
            "/api/v1/tenants",
            Some(access),
            json!({ "name": "Third", "slug": "second-space" }),
        )
        .await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "slug_taken"));
    // Another person's slug is no oracle: their own workspace may use it too.
    let other = app.register("other@example.org").await;
    let (s, v) = app
        .post(
            "/api/v1/tenants",
            Some(&other.access),
            json!({ "name": "Mine", "slug": "second-space" }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["slug"], "second-space");
}

#[tokio::test]
async fn behind_a_trusted_proxy_the_limit_is_per_forwarded_client() {
    let app = TestApp::spawn_with(|c| {
        c.auth_rate_burst = 2;
        c.auth_rate_period_ms = 60_000;
        c.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    })
    .await;
    let body = json!({ "email": "a@example.org", "password": "whatever-it-is" });
    let from = |client: &'static str| {
        app.client
            .post(format!("{}/api/v1/auth/login", app.base))
            .header("x-forwarded-for", client)
            .json(&body)
            .send()
    };
    for _ in 0..2 {
        assert_eq!(
            from("198.51.100.1").await.unwrap().status(),
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        from("198.51.100.1").await.unwrap().status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        from("198.51.100.2").await.unwrap().status(),
        StatusCode::UNAUTHORIZED,
        "another client behind the same proxy has its own allowance"
    );
}
