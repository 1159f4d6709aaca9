#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The assistant's settings through the API: the profile (validation, roles, audit), API keys
//! (shown once, hashed, revocable, isolated) and the platform operators' workspaces and plans.

mod common;

use common::{code, fields, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

async fn put(app: &TestApp, path: &str, token: &str, body: Value) -> (StatusCode, Value) {
    app.call(Method::PUT, path, Some(token), Some(body)).await
}

#[tokio::test]
async fn the_profile_is_validated_kept_and_audited_and_only_admins_set_it() {
    let app = TestApp::spawn().await;
    let a = app.register("owner@example.org").await;
    let path = format!("/api/v1/tenants/{}/assistant", a.tenant_id);
    let (s, v) = app.get(&path, &a.access).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["elementalSignature"]["primary"], "aether");

    let seed = json!({
        "brandVoice": {"tone": "professional, empathetic, precise", "language": "legal but accessible", "values": ["integrity", "clarity", "care"]},
        "elementalSignature": {"primary": "air", "secondary": "earth"},
        "maiaPersonality": {
            "responseStyle": "Professional yet warm.",
            "specialtyAreas": ["estate planning"],
            "prohibitedTopics": ["medical advice", "financial advice"],
            "phaseGuidance": {"earth": "Provide clear, actionable steps"}
        }
    });
    let (s, v) = put(&app, &path, &a.access, seed).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (_, v) = app.get(&path, &a.access).await;
    assert_eq!(
        v["brandVoice"]["values"],
        json!(["integrity", "clarity", "care"])
    );
    assert_eq!(
        v["maiaPersonality"]["phaseGuidance"]["earth"],
        "Provide clear, actionable steps"
    );
    assert_eq!(
        app.count("SELECT count(*) FROM platform.audit_events WHERE event_type = 'assistant.profile_updated'")
            .await,
        1
    );

    // Every bad field named; nothing changes.
    let (s, v) = put(
        &app,
        &path,
        &a.access,
        json!({"brandVoice": {"tone": ""}, "elementalSignature": {"primary": "wood"}}),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(
        fields(&v),
        vec!["brandVoice.tone", "elementalSignature.primary"]
    );
    let (_, v) = app.get(&path, &a.access).await;
    assert_eq!(v["elementalSignature"]["primary"], "air");

    // A MEMBER neither reads nor sets it; another workspace's id is not found.
    let m = app.register("member@example.org").await;
    let (s, _) = app
        .post(
            &format!("/api/v1/tenants/{}/members", a.tenant_id),
            Some(&a.access),
            json!({"email": "member@example.org", "role": "MEMBER"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let m_in_a = app.login("member@example.org", Some(&a.tenant_id)).await;
    let (s, _) = app.get(&path, &m_in_a.access).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = put(&app, &path, &m_in_a.access, json!({})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    drop(m);
    let other = app.register("other@example.org").await;
    let (s, _) = app.get(&path, &other.access).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn api_keys_are_shown_once_stored_hashed_revocable_and_per_workspace() {
    let app = TestApp::spawn().await;
    let a = app.register("a@example.org").await;
    let b = app.register("b@example.org").await;
    let keys = format!("/api/v1/tenants/{}/api-keys", a.tenant_id);
    let (s, k) = app
        .post(&keys, Some(&a.access), json!({"name": "Website"}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{k}");
    let secret = k["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("wos_") && secret.len() == 47, "{secret}");
    assert_eq!(k["prefix"].as_str().unwrap(), &secret[..10]);
    let (_, list) = app.get(&keys, &a.access).await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert!(list[0].get("secret").is_none(), "{list}");
    // Only a hash is stored.
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM platform.api_keys WHERE key_hash = sha256('{secret}'::bytea)"
        ))
        .await,
        1
    );
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM platform.api_keys WHERE encode(key_hash, 'escape') LIKE '%{}%'",
            &secret[4..20]
        ))
        .await,
        0
    );
    // B sees none of A's keys and cannot revoke them.
    let (_, list_b) = app
        .get(
            &format!("/api/v1/tenants/{}/api-keys", b.tenant_id),
            &b.access,
        )
        .await;
    assert_eq!(list_b, json!([]));
    let id = k["id"].as_str().unwrap();
    let (s, _) = app
        .call(
            Method::DELETE,
            &format!("/api/v1/tenants/{}/api-keys/{id}", b.tenant_id),
            Some(&b.access),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, v) = app.post(&keys, Some(&a.access), json!({"name": " "})).await;
    assert_eq!(
        (s, fields(&v)),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["name"])
    );
    let (s, _) = app
        .call(
            Method::DELETE,
            &format!("{keys}/{id}"),
            Some(&a.access),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (_, list) = app.get(&keys, &a.access).await;
    assert!(list[0]["revokedAt"].is_string(), "{list}");
    assert_eq!(
        app.count("SELECT count(*) FROM platform.audit_events WHERE event_type IN ('api_key.created', 'api_key.revoked')")
            .await,
        2
    );
}

#[tokio::test]
async fn platform_operators_create_workspaces_with_plans_and_nobody_else_can() {
    let app = TestApp::spawn().await;
    let op = app.operator("ops@example.org").await;
    let client = app.register("client@example.org").await;
    // Not an operator: 403; no session: 401.
    let (s, _) = app.get("/api/admin/tenants", &client.access).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = app
        .call(Method::GET, "/api/admin/tenants", None, None)
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);

    let (s, t) = app
        .post(
            "/api/admin/tenants",
            Some(&op.access),
            json!({
                "name": "Acme Law Firm", "slug": "acme-legal", "domain": "Maia.AcmeLegal.com",
                "ownerEmail": "client@example.org", "planTier": "professional",
                "brandVoice": {"tone": "professional, empathetic, precise", "values": ["integrity"]},
                "elementalSignature": {"primary": "air", "secondary": "earth"}
            }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{t}");
    assert_eq!(t["planTier"], "professional");
    assert_eq!(t["domain"], "maia.acmelegal.com");
    assert_eq!(t["ownerEmail"], "client@example.org");
    assert_eq!(
        t["limits"],
        json!({"conversationsPerMonth": 10000, "knowledgeBytes": 50i64 * 1024 * 1024 * 1024})
    );
    assert!(t["features"]
        .as_array()
        .unwrap()
        .contains(&json!("custom_domain")));
    let id = t["id"].as_str().unwrap();
    // The client owns it and finds the profile the operator set.
    let c = app.login("client@example.org", Some(id)).await;
    let (s, p) = app
        .get(&format!("/api/v1/tenants/{id}/assistant"), &c.access)
        .await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert_eq!(p["elementalSignature"]["primary"], "air");
    assert_eq!(p["brandVoice"]["values"], json!(["integrity"]));

    // The same domain for another workspace: 409; bad fields: 422 naming each; nothing made.
    let before = app.count("SELECT count(*) FROM platform.tenants").await;
    let (s, v) = app
        .post(
            "/api/admin/tenants",
            Some(&op.access),
            json!({"name": "Other", "domain": "maia.acmelegal.com"}),
        )
        .await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "domain_taken"), "{v}");
    let (s, v) = app
        .post(
            "/api/admin/tenants",
            Some(&op.access),
            json!({"name": "", "planTier": "gold", "domain": "https://x.com", "ownerEmail": "nobody@example.org",
                   "limits": {"knowledgeBytes": -5}, "elementalSignature": {"primary": "wood"}}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(
        fields(&v),
        vec![
            "name",
            "planTier",
            "limits.knowledgeBytes",
            "domain",
            "elementalSignature.primary"
        ]
    );
    let (s, v) = app
        .post(
            "/api/admin/tenants",
            Some(&op.access),
            json!({"name": "Ghost", "ownerEmail": "nobody@example.org"}),
        )
        .await;
    assert_eq!(
        (s, fields(&v)),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["ownerEmail"]),
        "{v}"
    );
    assert_eq!(
        app.count("SELECT count(*) FROM platform.tenants").await,
        before
    );

    // Changing the tier resets limits to the tier's unless given; null is unlimited.
    let path = format!("/api/admin/tenants/{id}");
    let (s, v) = put(
        &app,
        &path,
        &op.access,
        json!({"planTier": "starter", "limits": {"knowledgeBytes": null}}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        v["limits"],
        json!({"conversationsPerMonth": 1000, "knowledgeBytes": null})
    );
    let (s, v) = put(
        &app,
        &path,
        &op.access,
        json!({"domain": null, "trialEndsAt": "2027-01-31T00:00:00Z"}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        (v["domain"].clone(), v["planTier"].clone()),
        (Value::Null, json!("starter"))
    );
    assert_eq!(v["trialEndsAt"], "2027-01-31T00:00:00Z");
    let (s, _) = put(&app, &path, &c.access, json!({"planTier": "enterprise"})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = app.get("/api/admin/tenants/not-a-uuid", &op.access).await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // Listed with the self-registered ones (on the free tier).
    let (s, list) = app.get("/api/admin/tenants?limit=100", &op.access).await;
    assert_eq!(s, StatusCode::OK);
    let items = list["items"].as_array().unwrap();
    assert!(items.iter().any(|t| t["slug"] == "acme-legal"));
    assert!(items
        .iter()
        .any(|t| t["planTier"] == "free" && t["limits"]["conversationsPerMonth"] == 100));
    let kinds: i64 = app
        .count("SELECT count(*) FROM platform.audit_events WHERE event_type IN ('tenant.created', 'tenant.plan_changed') AND actor_role = 'PLATFORM_ADMIN'")
        .await;
    assert_eq!(kinds, 3);
}
