#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The operator console's interventions and recommendations through the API: reversal restores
//! exactly and refuses a conflicting one; the job regenerates recommendations without
//! duplicates, expires those no longer true, and applying one makes its intervention.

mod common;

use chrono::{Duration, Utc};
use common::{code, fields, Account, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

async fn participant(
    app: &TestApp,
    a: &Account,
    name: &str,
    active_days_ago: Option<i64>,
) -> String {
    let mut body = json!({"displayName": name});
    if let Some(d) = active_days_ago {
        body["lastActivityAt"] = json!(Utc::now() - Duration::days(d) - Duration::hours(1));
    }
    let (s, p) = app
        .post(
            &format!("/api/v1/orgs/{}/participants", a.tenant_id),
            Some(&a.access),
            body,
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    p["id"].as_str().unwrap().to_owned()
}

async fn get_participant(app: &TestApp, a: &Account, id: &str) -> Value {
    let (s, v) = app
        .get(
            &format!("/api/v1/orgs/{}/participants/{id}", a.tenant_id),
            &a.access,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v
}

#[tokio::test]
async fn interventions_apply_reverse_once_and_refuse_a_conflicting_reversal() {
    let app = TestApp::spawn().await;
    let a = app.register("op@example.org").await;
    let org = format!("/api/v1/orgs/{}", a.tenant_id);
    let ada = participant(&app, &a, "Ada", Some(1)).await;
    let bo = participant(&app, &a, "Bo", Some(1)).await;

    // Bad requests name their field; nothing is written.
    for (body, field) in [
        (json!({"type": "delete", "reason": "x"}), "type"),
        (
            json!({"type": "archive", "participantIds": [ada], "reason": ""}),
            "reason",
        ),
        (
            json!({"type": "lifecycle_change", "participantIds": [ada], "reason": "x"}),
            "lifecycleStage",
        ),
        (
            json!({"type": "lifecycle_change", "participantIds": [ada], "lifecycleStage": "gold", "reason": "x"}),
            "lifecycleStage",
        ),
        (
            json!({"type": "role_change", "participantIds": [], "role": "coach", "reason": "x"}),
            "participantIds",
        ),
        (
            json!({"type": "archive", "participantIds": [uuid::Uuid::new_v4()], "reason": "x"}),
            "participantIds",
        ),
        (
            json!({"type": "relationship_remove", "reason": "x"}),
            "relationshipId",
        ),
    ] {
        let (s, v) = app
            .post(&format!("{org}/interventions"), Some(&a.access), body)
            .await;
        assert_eq!(
            (s, fields(&v)),
            (StatusCode::UNPROCESSABLE_ENTITY, vec![field]),
            "{v}"
        );
    }
    assert_eq!(app.audited("intervention.created").await, 0);

    // Pause both; Bo is moved on to alumni by hand; reversing would overwrite that: 409.
    let (s, iv) = app
        .post(
            &format!("{org}/interventions"),
            Some(&a.access),
            json!({"type": "lifecycle_change", "participantIds": [ada, bo], "lifecycleStage": "paused", "reason": "Programme break"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{iv}");
    assert_eq!(iv["scope"], "participant");
    assert_eq!(iv["previousState"][&ada]["lifecycleStage"], "active");
    assert_eq!(iv["newState"][&bo]["lifecycleStage"], "paused");
    assert_eq!(iv["operatorRole"], "OWNER");
    let id = iv["id"].as_str().unwrap();
    let (s, _) = app
        .call(
            Method::PATCH,
            &format!("{org}/participants/{bo}"),
            Some(&a.access),
            Some(json!({"lifecycleStage": "alumni"})),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, v) = app
        .post(
            &format!("{org}/interventions/{id}/reverse"),
            Some(&a.access),
            json!({"reason": "Back early"}),
        )
        .await;
    assert_eq!(
        (s, code(&v)),
        (StatusCode::CONFLICT, "intervention_conflict"),
        "{v}"
    );
    let c = &v["error"]["details"]["conflicts"][0];
    assert_eq!(
        (c["targetId"].as_str(), c["found"].as_str()),
        (Some(bo.as_str()), Some("alumni"))
    );
    assert_eq!(
        get_participant(&app, &a, &ada).await["lifecycleStage"],
        "paused",
        "nothing was reversed"
    );

    // Bo back to paused: the reversal goes through, once.
    app.call(
        Method::PATCH,
        &format!("{org}/participants/{bo}"),
        Some(&a.access),
        Some(json!({"lifecycleStage": "paused"})),
    )
    .await;
    let (s, v) = app
        .post(
            &format!("{org}/interventions/{id}/reverse"),
            Some(&a.access),
            json!({"reason": "Back early"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["reversalReason"], "Back early");
    assert_eq!(v["reversedByUserId"], json!(a.user_id));
    for p in [&ada, &bo] {
        assert_eq!(
            get_participant(&app, &a, p).await["lifecycleStage"],
            "active"
        );
    }
    let (s, v) = app
        .post(
            &format!("{org}/interventions/{id}/reverse"),
            Some(&a.access),
            json!({"reason": "again"}),
        )
        .await;
    assert_eq!(
        (s, code(&v)),
        (StatusCode::CONFLICT, "intervention_already_reversed")
    );

    // Archive and restore.
    let (s, iv) = app
        .post(
            &format!("{org}/participants/{ada}/archive"),
            Some(&a.access),
            json!({"reason": "Left"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{iv}");
    let p = get_participant(&app, &a, &ada).await;
    assert_eq!(
        (p["engagementState"].as_str(), p["archivedAt"].is_null()),
        (Some("archived"), false)
    );
    assert!(
        p["interventions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["type"] == "archive"),
        "the participant page lists it"
    );
    let (s, _) = app
        .post(
            &format!("{org}/interventions/{}/reverse", iv["id"].as_str().unwrap()),
            Some(&a.access),
            json!({"reason": "Came back"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let p = get_participant(&app, &a, &ada).await;
    assert!(p["archivedAt"].is_null());
    assert_ne!(p["engagementState"], "archived");

    // A relationship removed comes back with its id; one added goes away.
    let r = app.relate(&a, &ada, &bo, 0.7).await;
    let (s, iv) = app
        .post(
            &format!("{org}/interventions"),
            Some(&a.access),
            json!({"type": "relationship_remove", "relationshipId": r["id"], "reason": "Ended"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{iv}");
    assert!(get_participant(&app, &a, &ada).await["relationships"]
        .as_array()
        .unwrap()
        .is_empty());
    let (s, _) = app
        .post(
            &format!("{org}/interventions/{}/reverse", iv["id"].as_str().unwrap()),
            Some(&a.access),
            json!({"reason": "Mistake"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let rels = get_participant(&app, &a, &ada).await["relationships"].clone();
    assert_eq!(
        (rels[0]["id"].clone(), rels[0]["confidenceScore"].as_f64()),
        (r["id"].clone(), Some(0.7))
    );
    let (s, iv) = app
        .post(
            &format!("{org}/interventions"),
            Some(&a.access),
            json!({"type": "relationship_add", "relationship": {"fromParticipantId": bo, "toParticipantId": ada, "type": "mentor"}, "reason": "Pairing"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{iv}");
    assert_eq!(
        get_participant(&app, &a, &ada).await["relationships"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    app.post(
        &format!("{org}/interventions/{}/reverse", iv["id"].as_str().unwrap()),
        Some(&a.access),
        json!({"reason": "No"}),
    )
    .await;
    assert_eq!(
        get_participant(&app, &a, &ada).await["relationships"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // The log, filtered; every write and view audited.
    let (s, log) = app
        .get(
            &format!("{org}/interventions?targetId={ada}&reversed=true"),
            &a.access,
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(log["items"].as_array().unwrap().len(), 2, "{log}");
    assert_eq!(app.audited("intervention.created").await, 4);
    assert_eq!(app.audited("intervention.reversed").await, 4);
    assert_eq!(app.audited("interventions.viewed").await, 1);

    // Another organisation's intervention and relationship are not found, in theirs or in its
    // own org, and its graph holds none of this one's participants.
    let b = app.register("b@example.org").await;
    for org_id in [&a.tenant_id, &b.tenant_id] {
        let (s, _) = app
            .call(
                Method::DELETE,
                &format!(
                    "/api/v1/orgs/{org_id}/relationships/{}",
                    r["id"].as_str().unwrap()
                ),
                Some(&b.access),
                None,
            )
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
    }
    let (_, g) = app
        .get(&format!("/api/v1/orgs/{}/graph", b.tenant_id), &b.access)
        .await;
    assert_eq!(g["total"], 0, "{g}");
    for org_id in [&a.tenant_id, &b.tenant_id] {
        let (s, _) = app
            .post(
                &format!("/api/v1/orgs/{org_id}/interventions/{id}/reverse"),
                Some(&b.access),
                json!({"reason": "x"}),
            )
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
    }
}

async fn run_jobs(app: &TestApp, a: &Account) {
    for _ in 0..3 {
        let (s, v) = app
            .post("/api/v1/jobs/process", Some(&a.access), json!({}))
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
    }
}

async fn recommendations(app: &TestApp, a: &Account, query: &str) -> Vec<Value> {
    let (s, v) = app
        .get(
            &format!(
                "/api/v1/orgs/{}/recommendations?limit=100{query}",
                a.tenant_id
            ),
            &a.access,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["items"].as_array().unwrap().clone()
}

#[tokio::test]
async fn recommendations_are_generated_once_expire_and_apply_as_interventions() {
    let app = TestApp::spawn().await;
    let a = app.register("op@example.org").await;
    let org = format!("/api/v1/orgs/{}", a.tenant_id);
    // Two triangles joined only through X; D dormant, tied to A1; N new and alone.
    let mut ids = std::collections::BTreeMap::new();
    for name in ["A1", "A2", "A3", "X", "B1", "B2", "B3"] {
        ids.insert(name, participant(&app, &a, name, Some(1)).await);
    }
    ids.insert("D", participant(&app, &a, "D", Some(90)).await);
    ids.insert("N", participant(&app, &a, "N", None).await);
    for (x, y) in [
        ("A1", "A2"),
        ("A2", "A3"),
        ("A1", "A3"),
        ("A3", "X"),
        ("X", "B1"),
        ("B1", "B2"),
        ("B2", "B3"),
        ("B1", "B3"),
    ] {
        app.relate(&a, &ids[x], &ids[y], 1.0).await;
    }
    app.relate(&a, &ids["D"], &ids["A1"], 0.9).await;
    run_jobs(&app, &a).await;

    let pending = recommendations(&app, &a, "&status=pending").await;
    let find = |recs: &[Value], rule: &str, who: &str| {
        recs.iter()
            .find(|r| r["rule"] == rule && r["targetId"] == ids[who].as_str())
            .cloned()
    };
    let reconnect = find(&pending, "reconnect", "D").expect("D reconnected");
    assert!(
        reconnect["reason"].as_str().unwrap().contains("A1"),
        "{reconnect}"
    );
    assert_eq!(
        reconnect["proposedIntervention"]["relationship"]["type"],
        "mentor"
    );
    let intro = find(&pending, "introduce", "N").expect("N introduced");
    let bridge = find(&pending, "bridge", "X").expect("X is a bridge");
    assert!(bridge["confidence"].as_f64().unwrap() > 0.5);
    let total = pending.len();

    // Regenerated (a graph change queues it): nothing twice.
    let extra = participant(&app, &a, "Extra", Some(1)).await;
    app.relate(&a, &extra, &ids["B2"], 0.5).await;
    run_jobs(&app, &a).await;
    let again = recommendations(&app, &a, "&status=pending").await;
    let mut keys: Vec<(String, String)> = again
        .iter()
        .map(|r| {
            (
                r["rule"].as_str().unwrap().to_owned(),
                r["targetId"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    keys.sort();
    let n = keys.len();
    keys.dedup();
    assert_eq!(keys.len(), n, "no duplicates: {again:?}");
    assert!(
        find(&again, "reconnect", "D").unwrap()["id"] == reconnect["id"],
        "the same row is kept"
    );
    assert!(n >= total - 1);

    // Dismissed: not proposed again. Accepted, then applied: the mentor pairing exists.
    let rid = |r: &Value| r["id"].as_str().unwrap().to_owned();
    let (s, v) = app
        .post(
            &format!("{org}/recommendations/{}/dismiss", rid(&intro)),
            Some(&a.access),
            json!({}),
        )
        .await;
    assert_eq!(
        (s, v["recommendation"]["status"].as_str()),
        (StatusCode::OK, Some("dismissed"))
    );
    let (s, v) = app
        .post(
            &format!("{org}/recommendations/{}/accept", rid(&reconnect)),
            Some(&a.access),
            json!({}),
        )
        .await;
    assert_eq!(
        (s, v["recommendation"]["status"].as_str()),
        (StatusCode::OK, Some("accepted")),
        "{v}"
    );
    let (s, v) = app
        .post(
            &format!("{org}/recommendations/{}/accept", rid(&reconnect)),
            Some(&a.access),
            json!({}),
        )
        .await;
    assert_eq!(
        (s, code(&v)),
        (StatusCode::CONFLICT, "recommendation_not_open")
    );
    let (s, v) = app
        .post(
            &format!("{org}/recommendations/{}/apply", rid(&reconnect)),
            Some(&a.access),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["recommendation"]["status"], "applied");
    let iv = &v["intervention"];
    assert_eq!(
        (
            iv["type"].as_str(),
            iv["targetIds"].as_array().map(Vec::len)
        ),
        (Some("relationship_add"), Some(1))
    );
    let d = get_participant(&app, &a, &ids["D"]).await;
    assert!(
        d["relationships"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["type"] == "mentor" && r["fromParticipantId"] == ids["A1"].as_str()),
        "{d}"
    );
    assert_eq!(d["recommendations"][0]["status"], "applied");

    // Closing the gap between the triangles: X is no bridge any more, its recommendation expires.
    app.relate(&a, &ids["A2"], &ids["B2"], 1.0).await;
    run_jobs(&app, &a).await;
    let all = recommendations(&app, &a, "").await;
    assert_eq!(find(&all, "bridge", "X").unwrap()["status"], "expired");
    assert_eq!(
        find(&all, "introduce", "N").unwrap()["status"],
        "dismissed",
        "not brought back"
    );
    assert_eq!(
        all.iter()
            .filter(|r| r["rule"] == "introduce" && r["targetId"] == ids["N"].as_str())
            .count(),
        1
    );

    // Filters are checked; the views and decisions are audited.
    let (s, v) = app
        .get(&format!("{org}/recommendations?status=maybe"), &a.access)
        .await;
    assert_eq!(
        (s, fields(&v)),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["status"])
    );
    assert_eq!(app.audited("recommendations.viewed").await, 3);
    assert_eq!(app.audited("recommendation.applied").await, 1);
    assert_eq!(app.audited("recommendation.dismissed").await, 1);

    // Another organisation cannot see or decide them.
    let b = app.register("b@example.org").await;
    let (s, _) = app
        .post(
            &format!(
                "/api/v1/orgs/{}/recommendations/{}/dismiss",
                b.tenant_id,
                rid(&bridge)
            ),
            Some(&b.access),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, v) = app
        .get(
            &format!("/api/v1/orgs/{}/recommendations", b.tenant_id),
            &b.access,
        )
        .await;
    assert_eq!(
        (s, v["items"].as_array().map(Vec::len)),
        (StatusCode::OK, Some(0))
    );
}

#[tokio::test]
async fn the_audit_trail_filters_shows_the_chain_and_stays_in_its_organisation() {
    let app = TestApp::spawn().await;
    let a = app.register("op@example.org").await;
    let b = app.register("b@example.org").await;
    let org = format!("/api/v1/orgs/{}", a.tenant_id);
    let ada = participant(&app, &a, "Ada", Some(1)).await;
    get_participant(&app, &a, &ada).await;
    get_participant(&app, &a, &ada).await;

    let (s, v) = app
        .get(
            &format!("{org}/audit-events?eventType=participant.*&targetId={ada}"),
            &a.access,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let items = v["items"].as_array().unwrap();
    assert_eq!(items.len(), 3, "created and viewed twice: {v}");
    assert!(items
        .iter()
        .all(|e| e["hash"].as_str().unwrap().len() == 64 && e["seq"].as_i64().unwrap() > 0));
    let mut seqs: Vec<i64> = items.iter().map(|e| e["seq"].as_i64().unwrap()).collect();
    seqs.sort_unstable();
    seqs.dedup();
    assert_eq!(seqs.len(), 3, "each row its own number in the chain");
    let (_, v) = app
        .get(
            &format!(
                "{org}/audit-events?eventType=participant.viewed&actorUserId={}",
                a.user_id
            ),
            &a.access,
        )
        .await;
    assert_eq!(v["items"].as_array().unwrap().len(), 2);
    let (_, v) = app
        .get(
            &format!("{org}/audit-events?actorUserId={}", b.user_id),
            &a.access,
        )
        .await;
    assert_eq!(v["items"].as_array().unwrap().len(), 0);
    let (_, v) = app
        .get(
            &format!("{org}/audit-events?eventType=participant.viewed&from=2999-01-01T00:00:00Z"),
            &a.access,
        )
        .await;
    assert_eq!(v["items"].as_array().unwrap().len(), 0);
    let (s, v) = app
        .get(&format!("{org}/audit-events?from=yesterday"), &a.access)
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    // The trail's own views are audited.
    assert_eq!(app.audited("audit_events.viewed").await, 4);

    // One event by id; another organisation's event is not found, in either org.
    let id = items[0]["id"].as_str().unwrap();
    let (s, e) = app
        .get(&format!("{org}/audit-events/{id}"), &a.access)
        .await;
    assert_eq!((s, e["id"].as_str()), (StatusCode::OK, Some(id)));
    for org_id in [&a.tenant_id, &b.tenant_id] {
        let (s, _) = app
            .get(
                &format!("/api/v1/orgs/{org_id}/audit-events/{id}"),
                &b.access,
            )
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
    }
    let (_, v) = app
        .get(
            &format!("/api/v1/orgs/{}/audit-events", b.tenant_id),
            &b.access,
        )
        .await;
    assert!(v["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["tenantId"] == b.tenant_id.as_str()));
}

async fn import_csv(app: &TestApp, a: &Account, what: &str, csv: &str) -> (StatusCode, Value) {
    let resp = app
        .client
        .post(format!(
            "{}/api/v1/orgs/{}/{what}/import",
            app.base, a.tenant_id
        ))
        .bearer_auth(&a.access)
        .header("content-type", "text/csv")
        .body(csv.to_owned())
        .send()
        .await
        .unwrap();
    (resp.status(), resp.json().await.unwrap())
}

#[tokio::test]
async fn csv_imports_write_every_row_or_none_and_name_each_rejection() {
    let app = TestApp::spawn().await;
    let a = app.register("op@example.org").await;
    let imported = format!(
        "SELECT count(*) FROM platform.audit_events WHERE tenant_id = '{}' AND event_type = 'participants.imported'",
        a.tenant_id
    );
    // One bad row among good ones: nothing is written, each bad row named.
    let (s, v) = import_csv(
        &app,
        &a,
        "participants",
        "displayName,email,role,lastActivityAt\nAda,ada@example.org,coach,2026-01-02\nBo,bo@example.org,upline,\n,nameless@example.org,,\nCy,ADA@example.org,,\n",
    )
    .await;
    assert_eq!(
        (s, code(&v)),
        (StatusCode::UNPROCESSABLE_ENTITY, "import_rows_rejected"),
        "{v}"
    );
    let d = &v["error"]["details"];
    assert_eq!(
        (d["total"].as_u64(), d["rejected"].as_u64()),
        (Some(4), Some(3))
    );
    let named: Vec<(u64, &str)> = d["rejections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["row"].as_u64().unwrap(), r["field"].as_str().unwrap()))
        .collect();
    assert_eq!(named, vec![(3, "role"), (4, "displayName"), (5, "email")]);
    let (_, g) = app
        .get(&format!("/api/v1/orgs/{}/graph", a.tenant_id), &a.access)
        .await;
    assert_eq!(g["total"], 0, "nothing was written");
    assert_eq!(app.count(&imported).await, 0);

    // All good: written, audited once.
    let (s, v) = import_csv(
        &app,
        &a,
        "participants",
        "name,email,role,stage\nAda,ada@example.org,coach,\nBo,bo@example.org,,onboarding\nCy,cy@example.org,,\nDi,,system,\n",
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        (v["total"].as_u64(), v["created"].as_u64()),
        (Some(4), Some(4))
    );
    assert_eq!(app.count(&imported).await, 1);
    // Again: the e-mails are taken now, so the whole file is refused.
    let (s, v) = import_csv(
        &app,
        &a,
        "participants",
        "name,email\nAda Again,ada@example.org\n",
    )
    .await;
    assert_eq!(
        (s, code(&v)),
        (StatusCode::UNPROCESSABLE_ENTITY, "import_rows_rejected")
    );

    // Edges by e-mail or id; an unknown end refuses the file; repeats are duplicates.
    let (_, g) = app
        .get(&format!("/api/v1/orgs/{}/graph", a.tenant_id), &a.access)
        .await;
    let di = g["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["displayName"] == "Di")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (s, v) = import_csv(
        &app,
        &a,
        "relationships",
        "from,to,type\nada@example.org,bo@example.org,mentor\nada@example.org,zed@example.org,\n",
    )
    .await;
    assert_eq!(
        (s, code(&v)),
        (StatusCode::UNPROCESSABLE_ENTITY, "import_rows_rejected"),
        "{v}"
    );
    assert_eq!(v["error"]["details"]["rejections"][0]["field"], "to");
    let edges = format!("source,target,weight,type\nada@example.org,bo@example.org,0.9,mentor\nbo@example.org,cy@example.org,0.5,\n{di},ada@example.org,,\nada@example.org,bo@example.org,0.9,mentor\n");
    let (s, v) = import_csv(&app, &a, "relationships", &edges).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        (v["created"].as_u64(), v["duplicates"].as_u64()),
        (Some(3), Some(1))
    );
    let (s, v) = import_csv(&app, &a, "relationships", &edges).await;
    assert_eq!(
        (s, v["created"].as_u64(), v["duplicates"].as_u64()),
        (StatusCode::OK, Some(0), Some(4))
    );
    let (_, g) = app
        .get(&format!("/api/v1/orgs/{}/graph", a.tenant_id), &a.access)
        .await;
    assert_eq!(g["edges"].as_array().unwrap().len(), 3);
    let (s, v) = import_csv(&app, &a, "relationships", "\u{0}\u{1}").await;
    assert_eq!(
        (s, code(&v)),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_file"),
        "{v}"
    );
}

#[tokio::test]
async fn a_shared_summary_shows_while_live_is_audited_on_both_sides_and_goes_at_once_when_revoked()
{
    let app = TestApp::spawn().await;
    let op = app.register("coach@example.org").await;
    let client = app.register("client@example.org").await;
    let other = app.register("other@example.org").await;
    let org = format!("/api/v1/orgs/{}", op.tenant_id);
    // The client's own workspace: an event with private text, a recurring pattern.
    let (s, _) = app.post("/api/v1/events", Some(&client.access), json!({ "lifeAreaId": "work", "type": "SETBACK", "category": "PROFESSIONAL", "tone": "NEGATIVE", "title": "Private: told my boss I quit", "emotionalCharge": -3 })).await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, _) = app.post("/api/v1/insights", Some(&client.access), json!({ "type": "PATTERN_RECOGNIZED", "title": "Overwork before deadlines", "isRecurring": true })).await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, p) = app
        .post(
            &format!("{org}/participants"),
            Some(&op.access),
            json!({"displayName": "Client", "email": "Client@Example.org"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let pid = p["id"].as_str().unwrap();

    // Nothing of the client's workspace before they consent.
    let detail = || async { get_participant(&app, &op, pid).await };
    assert!(detail().await["share"].is_null());
    let (s, inv) = app
        .post(
            &format!("{org}/participants/{pid}/share-invitation"),
            Some(&op.access),
            json!({}),
        )
        .await;
    assert_eq!(
        (s, inv["status"].as_str()),
        (StatusCode::CREATED, Some("invited")),
        "{inv}"
    );
    let (s, v) = app
        .post(
            &format!("{org}/participants/{pid}/share-invitation"),
            Some(&op.access),
            json!({}),
        )
        .await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "share_exists"));
    let d = detail().await;
    assert_eq!(
        (d["share"]["status"].as_str(), d["summary"].is_null()),
        (Some("invited"), true)
    );

    // Only the invited person sees and grants it, from a workspace they administer.
    let id = inv["id"].as_str().unwrap();
    let (_, mine) = app.get("/api/v1/me/shares", &other.access).await;
    assert_eq!(mine["items"].as_array().unwrap().len(), 0);
    let (s, _) = app
        .post(
            &format!("/api/v1/me/shares/{id}/grant"),
            Some(&other.access),
            json!({"tenantId": other.tenant_id}),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (_, mine) = app.get("/api/v1/me/shares", &client.access).await;
    assert_eq!(
        mine["items"][0]["organisationName"], "Space of coach@example.org",
        "{mine}"
    );
    let (s, _) = app
        .post(
            &format!("/api/v1/me/shares/{id}/grant"),
            Some(&client.access),
            json!({"tenantId": op.tenant_id}),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "not a workspace of theirs");
    let (s, g) = app
        .post(
            &format!("/api/v1/me/shares/{id}/grant"),
            Some(&client.access),
            json!({"tenantId": client.tenant_id}),
        )
        .await;
    assert_eq!(
        (s, g["status"].as_str()),
        (StatusCode::OK, Some("live")),
        "{g}"
    );

    // Live: the summary, without any event's text; the read audited in both workspaces.
    let d = detail().await;
    let summary = &d["summary"];
    assert_eq!(summary["areas"].as_array().unwrap().len(), 30, "{d}");
    assert_eq!(summary["patterns"], json!(["Overwork before deadlines"]));
    assert!(
        !d.to_string().contains("told my boss"),
        "no event text leaks"
    );
    let seen = |tenant: &str, ev: &str| {
        format!("SELECT count(*) FROM platform.audit_events WHERE tenant_id = '{tenant}' AND event_type = '{ev}'")
    };
    assert_eq!(
        app.count(&seen(&op.tenant_id, "participant.summary_viewed"))
            .await,
        1
    );
    assert_eq!(
        app.count(&seen(&client.tenant_id, "share.summary_viewed"))
            .await,
        1
    );
    assert_eq!(
        app.count(&seen(&client.tenant_id, "share.granted")).await,
        1
    );
    assert_eq!(app.count(&seen(&op.tenant_id, "share.granted")).await, 1);

    // Revoked: gone at the next read.
    let (s, r) = app
        .post(
            &format!("/api/v1/me/shares/{id}/revoke"),
            Some(&client.access),
            json!({}),
        )
        .await;
    assert_eq!((s, r["status"].as_str()), (StatusCode::OK, Some("revoked")));
    let d = detail().await;
    assert!(d["share"].is_null() && d["summary"].is_null(), "{d}");
    assert_eq!(
        app.count(&seen(&client.tenant_id, "share.summary_viewed"))
            .await,
        1
    );
    let (s, _) = app
        .post(
            &format!("/api/v1/me/shares/{id}/revoke"),
            Some(&client.access),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}
