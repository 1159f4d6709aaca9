#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The operator console's participants and relationships through the API (seed 003 paths under
//! `/orgs/{orgId}/`): validation, roles, every view and write audited, isolation between
//! organisations.

mod common;

use common::{code, fields, Account, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

async fn participant(app: &TestApp, a: &Account, name: &str) -> Value {
    let (s, p) = app
        .post(
            &format!("/api/v1/orgs/{}/participants", a.tenant_id),
            Some(&a.access),
            json!({"displayName": name, "email": format!("{}@example.org", name.to_lowercase()), "lastActivityAt": "2026-01-01T00:00:00Z"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    p
}

async fn audited(app: &TestApp, event_type: &str) -> i64 {
    app.count(&format!(
        "SELECT count(*) FROM platform.audit_events WHERE event_type = '{event_type}'"
    ))
    .await
}

#[tokio::test]
async fn participants_and_relationships_are_validated_audited_and_viewed() {
    let app = TestApp::spawn().await;
    let a = app.register("op@example.org").await;
    let ada = participant(&app, &a, "Ada").await;
    let bo = participant(&app, &a, "Bo").await;
    assert_eq!(ada["role"], "member");
    assert_eq!(ada["lifecycleStage"], "active");
    let org = format!("/api/v1/orgs/{}", a.tenant_id);

    // Bad fields, each named; nothing written.
    let (s, v) = app
        .post(
            &format!("{org}/participants"),
            Some(&a.access),
            json!({"displayName": "", "role": "upline", "lifecycleStage": "gold", "email": "x"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        fields(&v),
        vec!["displayName", "email", "role", "lifecycleStage"]
    );
    let (s, v) = app
        .post(
            &format!("{org}/participants"),
            Some(&a.access),
            json!({"displayName": "Ada 2", "email": "ADA@example.org"}),
        )
        .await;
    assert_eq!(
        (s, code(&v)),
        (StatusCode::CONFLICT, "participant_email_taken")
    );

    let rel = json!({"fromParticipantId": ada["id"], "toParticipantId": bo["id"], "type": "mentor", "confidenceScore": 0.8});
    let (s, r) = app
        .post(
            &format!("{org}/relationships"),
            Some(&a.access),
            rel.clone(),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    let (s, v) = app
        .post(&format!("{org}/relationships"), Some(&a.access), rel)
        .await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "relationship_exists"));
    let (s, v) = app
        .post(
            &format!("{org}/relationships"),
            Some(&a.access),
            json!({"fromParticipantId": ada["id"], "toParticipantId": ada["id"], "type": "peer", "confidenceScore": 1.5}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&v), vec!["confidenceScore", "toParticipantId"]);

    // The participant with their relationships; the view is audited.
    let before = audited(&app, "participant.viewed").await;
    let (s, d) = app
        .get(
            &format!("{org}/participants/{}", ada["id"].as_str().unwrap()),
            &a.access,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!(d["relationships"][0]["type"], "mentor");
    assert_eq!(audited(&app, "participant.viewed").await, before + 1);
    assert_eq!(audited(&app, "participant.created").await, 2);
    assert_eq!(audited(&app, "relationship.created").await, 1);

    let (s, _) = app
        .call(
            Method::DELETE,
            &format!("{org}/relationships/{}", r["id"].as_str().unwrap()),
            Some(&a.access),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert_eq!(audited(&app, "relationship.deleted").await, 1);
}

#[tokio::test]
async fn another_organisation_is_not_found_and_members_only_read() {
    let app = TestApp::spawn().await;
    let a = app.register("a@example.org").await;
    let b = app.register("b@example.org").await;
    let ada = participant(&app, &a, "Ada").await;
    let bea = participant(&app, &b, "Bea").await;
    let id = ada["id"].as_str().unwrap();
    // B asks for A's participant in A's org (not a member) and in its own org: 404 both.
    let (s, _) = app
        .get(
            &format!("/api/v1/orgs/{}/participants/{id}", a.tenant_id),
            &b.access,
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = app
        .get(
            &format!("/api/v1/orgs/{}/participants/{id}", b.tenant_id),
            &b.access,
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // Relating B's participant to A's: A's id is unknown in B's org.
    let (s, v) = app
        .post(
            &format!("/api/v1/orgs/{}/relationships", b.tenant_id),
            Some(&b.access),
            json!({"fromParticipantId": bea["id"], "toParticipantId": id, "type": "peer"}),
        )
        .await;
    assert_eq!(
        (s, fields(&v)),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["toParticipantId"])
    );
    // A MEMBER of A's org reads but does not write.
    app.register("m@example.org").await;
    app.post(
        &format!("/api/v1/tenants/{}/members", a.tenant_id),
        Some(&a.access),
        json!({"email": "m@example.org", "role": "MEMBER"}),
    )
    .await;
    let m = app.login("m@example.org", Some(&a.tenant_id)).await;
    let (s, _) = app
        .get(
            &format!("/api/v1/orgs/{}/participants/{id}", a.tenant_id),
            &m.access,
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = app
        .post(
            &format!("/api/v1/orgs/{}/participants", a.tenant_id),
            Some(&m.access),
            json!({"displayName": "X"}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}
