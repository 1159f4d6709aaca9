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
    let before = app.audited("participant.viewed").await;
    let (s, d) = app
        .get(
            &format!("{org}/participants/{}", ada["id"].as_str().unwrap()),
            &a.access,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!(d["relationships"][0]["type"], "mentor");
    assert_eq!(app.audited("participant.viewed").await, before + 1);
    assert_eq!(app.audited("participant.created").await, 2);
    assert_eq!(app.audited("relationship.created").await, 1);

    let (s, _) = app
        .call(
            Method::DELETE,
            &format!("{org}/relationships/{}", r["id"].as_str().unwrap()),
            Some(&a.access),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert_eq!(app.audited("relationship.deleted").await, 1);
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

#[tokio::test]
async fn segments_recover_communities_keep_their_ids_and_follow_graph_changes() {
    let app = TestApp::spawn().await;
    let a = app.register("op@example.org").await;
    let org = format!("/api/v1/orgs/{}", a.tenant_id);
    let mut ids = Vec::new();
    for name in ["A1", "A2", "A3", "A4", "B1", "B2", "B3", "B4"] {
        ids.push(
            participant(&app, &a, name).await["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    for group in [0, 4] {
        for x in group..group + 4 {
            for y in x + 1..group + 4 {
                app.relate(&a, &ids[x], &ids[y], 0.9).await;
            }
        }
    }
    app.relate(&a, &ids[3], &ids[4], 0.2).await;
    let (s, v) = app.get(&format!("{org}/segments"), &a.access).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let communities: Vec<&Value> = v["segments"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["kind"] == "community")
        .collect();
    assert_eq!(communities.len(), 2, "{v}");
    let members = |s: &Value| {
        let mut m: Vec<String> = s["participantIds"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_str().unwrap().to_owned())
            .collect();
        m.sort();
        m
    };
    let mut first: Vec<String> = ids[..4].to_vec();
    first.sort();
    assert!(communities.iter().any(|s| members(s) == first), "{v}");
    // Everyone was active on 1 January: dormant by now; all are members.
    assert!(v["segments"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["kind"] == "engagement" && s["name"] == "dormant" && s["size"] == 8));
    assert!(v["segments"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["kind"] == "role" && s["name"] == "member" && s["size"] == 8));
    assert_eq!(app.audited("segments.viewed").await, 1);

    // A newcomer joins group A: after the job runs, A's community keeps its id and name.
    let a_seg = communities.iter().find(|s| members(s) == first).unwrap();
    let (a_id, a_name) = (a_seg["id"].clone(), a_seg["name"].clone());
    ids.push(
        participant(&app, &a, "A5").await["id"]
            .as_str()
            .unwrap()
            .to_owned(),
    );
    app.relate(&a, &ids[8], &ids[0], 0.9).await;
    app.relate(&a, &ids[8], &ids[1], 0.9).await;
    let queued = app
        .count("SELECT count(*) FROM platform.jobs WHERE job_type = 'console.segments' AND status = 'pending'")
        .await;
    assert_eq!(queued, 1, "the graph changes queued one recomputation");
    let (s, _) = app
        .post("/api/v1/jobs/process", Some(&a.access), json!({}))
        .await;
    assert_eq!(s, StatusCode::OK);
    let (_, v) = app.get(&format!("{org}/segments"), &a.access).await;
    let kept = v["segments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == a_id)
        .expect("A's segment kept its id");
    assert_eq!(
        (kept["name"].clone(), kept["size"].as_i64()),
        (a_name, Some(5))
    );
}

#[tokio::test]
async fn the_graph_pages_filters_and_is_audited() {
    let app = TestApp::spawn().await;
    let a = app.register("op@example.org").await;
    let b = app.register("other@example.org").await;
    let org = format!("/api/v1/orgs/{}", a.tenant_id);
    let mut ids = Vec::new();
    for name in ["P1", "P2", "P3", "P4", "P5"] {
        ids.push(
            participant(&app, &a, name).await["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    for (x, y) in [(0, 1), (1, 2), (2, 0), (3, 4)] {
        app.relate(&a, &ids[x], &ids[y], 0.9).await;
    }
    participant(&app, &b, "Stranger").await;
    let (s, g) = app.get(&format!("{org}/graph"), &a.access).await;
    assert_eq!(s, StatusCode::OK, "{g}");
    assert_eq!(
        (
            g["nodes"].as_array().unwrap().len(),
            g["edges"].as_array().unwrap().len()
        ),
        (5, 4)
    );
    assert_eq!(g["total"], 5);
    assert!(g["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .all(|n| n["displayName"] != "Stranger"));
    let p1 = g["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["id"] == ids[0].as_str())
        .unwrap();
    assert_eq!(p1["degree"], 2);
    assert!(p1["segmentId"].is_string(), "P1 is in a community: {p1}");

    // Pages of two: the edges are those inside each page; the pages cover every node once.
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let path = match &after {
            Some(a) => format!("{org}/graph?limit=2&after={a}"),
            None => format!("{org}/graph?limit=2"),
        };
        let (_, page) = app.get(&path, &a.access).await;
        let nodes: Vec<String> = page["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["id"].as_str().unwrap().to_owned())
            .collect();
        for e in page["edges"].as_array().unwrap() {
            assert!(nodes.contains(&e["fromParticipantId"].as_str().unwrap().to_owned()));
            assert!(nodes.contains(&e["toParticipantId"].as_str().unwrap().to_owned()));
        }
        seen.extend(nodes);
        match page["next"].as_str() {
            Some(n) => after = Some(n.to_owned()),
            None => break,
        }
    }
    seen.sort();
    let mut all = ids.clone();
    all.sort();
    assert_eq!(seen, all);

    // Filters, bad filters, another org, and an audit row per view.
    let (_, g) = app
        .get(&format!("{org}/graph?relationshipType=mentor"), &a.access)
        .await;
    assert_eq!(g["edges"], json!([]));
    let (s, v) = app
        .get(
            &format!("{org}/graph?lifecycleStage=gold&limit=0"),
            &a.access,
        )
        .await;
    assert_eq!(
        (s, fields(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["lifecycleStage", "limit"]
        )
    );
    let (s, _) = app.get(&format!("{org}/graph"), &b.access).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(app.audited("graph.viewed").await, 5);
}

#[tokio::test]
async fn an_update_changes_fields_and_derives_the_engagement_state_again() {
    let app = TestApp::spawn().await;
    let a = app.register("op@example.org").await;
    let b = app.register("other@example.org").await;
    let ada = participant(&app, &a, "Ada").await;
    let bo = participant(&app, &a, "Bo").await;
    assert_eq!(
        ada["engagementState"], "dormant",
        "last active on 1 January"
    );
    let path = format!(
        "/api/v1/orgs/{}/participants/{}",
        a.tenant_id,
        ada["id"].as_str().unwrap()
    );
    // An hour before the server's (fixed) clock.
    let now = (chrono::Utc::now() - chrono::Duration::hours(1)).to_rfc3339();
    // Active again without any relationship: isolated.
    let (s, p) = app
        .call(
            Method::PATCH,
            &path,
            Some(&a.access),
            Some(json!({"lastActivityAt": now})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert_eq!(p["engagementState"], "isolated");
    app.relate(
        &a,
        ada["id"].as_str().unwrap(),
        bo["id"].as_str().unwrap(),
        0.7,
    )
    .await;
    let (_, p) = app
        .call(
            Method::PATCH,
            &path,
            Some(&a.access),
            Some(json!({"lastActivityAt": now, "lifecycleStage": "paused", "email": null})),
        )
        .await;
    assert_eq!(
        (
            p["engagementState"].as_str(),
            p["lifecycleStage"].as_str(),
            p["email"].clone()
        ),
        (Some("active"), Some("paused"), Value::Null)
    );
    let (s, v) = app
        .call(
            Method::PATCH,
            &path,
            Some(&a.access),
            Some(json!({"role": "upline", "displayName": ""})),
        )
        .await;
    assert_eq!(
        (s, fields(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["displayName", "role"]
        )
    );
    let (s, _) = app
        .call(
            Method::PATCH,
            &path.replace(&a.tenant_id, &b.tenant_id),
            Some(&b.access),
            Some(json!({"displayName": "X"})),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(app.audited("participant.updated").await, 2);
}
