#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Tenant isolation and roles through the API.

mod common;

use common::{code, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn registration_provisions_thirty_areas_in_six_clusters() {
    let app = TestApp::spawn().await;
    let a = app.register("ada@example.org").await;
    let (s, v) = app.get("/api/v1/life-areas", &a.access).await;
    assert_eq!(s, StatusCode::OK);
    let areas = v["lifeAreas"].as_array().unwrap();
    assert_eq!(areas.len(), 30);
    for cluster in [
        "SYSTEMIC_STRUCTURAL",
        "RELATIONAL_HUMAN",
        "INNER_PERSONAL",
        "CREATIVE_EXPRESSIVE",
        "EXPLORATORY_EXPANSIVE",
        "INTEGRATIVE_LEGACY",
    ] {
        assert_eq!(
            areas.iter().filter(|a| a["cluster"] == cluster).count(),
            5,
            "{cluster}"
        );
    }
    assert!(areas
        .iter()
        .all(|a| a["currentScore"] == 50.0 && a["status"] == "BALANCED"));
}

#[tokio::test]
async fn another_tenants_ids_answer_404_on_every_tenant_route() {
    let app = TestApp::spawn().await;
    let a = app.register("a@example.org").await;
    let b = app.register("b@example.org").await;
    let missing = uuid::Uuid::new_v4().to_string();
    let routes: Vec<(Method, String, Option<serde_json::Value>)> = vec![
        (Method::GET, "/api/v1/tenants/{t}".into(), None),
        (
            Method::PATCH,
            "/api/v1/tenants/{t}".into(),
            Some(json!({ "name": "Mine now" })),
        ),
        (
            Method::DELETE,
            "/api/v1/tenants/{t}".into(),
            Some(json!({ "slug": b.slug })),
        ),
        (Method::POST, "/api/v1/tenants/{t}/suspend".into(), None),
        (Method::POST, "/api/v1/tenants/{t}/resume".into(), None),
        (Method::GET, "/api/v1/tenants/{t}/members".into(), None),
        (
            Method::POST,
            "/api/v1/tenants/{t}/members".into(),
            Some(json!({ "email": "a@example.org", "role": "ADMIN" })),
        ),
        (
            Method::PATCH,
            format!("/api/v1/tenants/{{t}}/members/{}", b.user_id),
            Some(json!({ "role": "VIEWER" })),
        ),
        (
            Method::DELETE,
            format!("/api/v1/tenants/{{t}}/members/{}", b.user_id),
            None,
        ),
        (Method::GET, "/api/v1/tenants/{t}/audit-events".into(), None),
    ];
    for (method, path, body) in &routes {
        let (s_other, v_other) = app
            .call(
                method.clone(),
                &path.replace("{t}", &b.tenant_id),
                Some(&a.access),
                body.clone(),
            )
            .await;
        let (s_missing, v_missing) = app
            .call(
                method.clone(),
                &path.replace("{t}", &missing),
                Some(&a.access),
                body.clone(),
            )
            .await;
        assert_eq!(s_other, StatusCode::NOT_FOUND, "{method} {path}: {v_other}");
        assert_eq!(
            (s_other, &v_other),
            (s_missing, &v_missing),
            "{method} {path}: other tenant and missing tenant differ"
        );
    }
    let (s, _) = app
        .post(
            "/api/v1/auth/switch-tenant",
            Some(&a.access),
            json!({ "tenantId": b.tenant_id }),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = app
        .post(
            "/api/v1/auth/login",
            None,
            json!({ "email": a.email, "password": common::PASSWORD, "tenantId": b.tenant_id }),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // B's data is untouched and B's life areas are B's own.
    let (s, v) = app
        .get(&format!("/api/v1/tenants/{}", b.tenant_id), &b.access)
        .await;
    assert_eq!(
        (s, v["name"].as_str()),
        (StatusCode::OK, Some("Space of b@example.org"))
    );
    let (_, va) = app.get("/api/v1/life-areas", &a.access).await;
    let (_, vb) = app.get("/api/v1/life-areas", &b.access).await;
    let ids = |v: &serde_json::Value| {
        v["lifeAreas"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["id"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert!(ids(&va).iter().all(|id| !ids(&vb).contains(id)));
}

#[tokio::test]
async fn roles_are_enforced() {
    let app = TestApp::spawn().await;
    let owner = app.register("owner@example.org").await;
    let viewer = app.register("viewer@example.org").await;
    let member = app.register("member@example.org").await;
    let t = &owner.tenant_id;
    for (who, role) in [(&viewer, "VIEWER"), (&member, "MEMBER")] {
        let (s, v) = app
            .post(
                &format!("/api/v1/tenants/{t}/members"),
                Some(&owner.access),
                json!({ "email": who.email, "role": role }),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
    }
    let viewer_in = app.login("viewer@example.org", Some(t)).await;
    let member_in = app.login("member@example.org", Some(t)).await;
    let (s, _) = app.get("/api/v1/life-areas", &viewer_in.access).await;
    assert_eq!(s, StatusCode::OK, "a viewer reads");
    let (s, v) = app
        .call(
            Method::PATCH,
            &format!("/api/v1/tenants/{t}"),
            Some(&viewer_in.access),
            Some(json!({ "name": "x" })),
        )
        .await;
    assert_eq!(
        (s, code(&v)),
        (StatusCode::FORBIDDEN, "forbidden"),
        "a viewer's write"
    );
    let (s, _) = app
        .post(
            &format!("/api/v1/tenants/{t}/members"),
            Some(&member_in.access),
            json!({ "email": "owner@example.org", "role": "VIEWER" }),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "a member cannot manage members");
    let (s, _) = app
        .get(
            &format!("/api/v1/tenants/{t}/audit-events"),
            &member_in.access,
        )
        .await;
    assert_eq!(
        s,
        StatusCode::FORBIDDEN,
        "a member cannot read the audit log"
    );
    let (s, _) = app
        .post(
            &format!("/api/v1/tenants/{t}/suspend"),
            Some(&member_in.access),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // The name did not change.
    let (_, v) = app
        .get(&format!("/api/v1/tenants/{t}"), &owner.access)
        .await;
    assert_eq!(v["name"], "Space of owner@example.org");
}

#[tokio::test]
async fn a_suspended_tenant_answers_403_tenant_suspended() {
    let app = TestApp::spawn().await;
    let a = app.register("a@example.org").await;
    let t = &a.tenant_id;
    let (s, v) = app
        .post(
            &format!("/api/v1/tenants/{t}/suspend"),
            Some(&a.access),
            json!({}),
        )
        .await;
    assert_eq!(
        (s, v["status"].as_str()),
        (StatusCode::OK, Some("SUSPENDED"))
    );
    let (s, v) = app.get("/api/v1/life-areas", &a.access).await;
    assert_eq!((s, code(&v)), (StatusCode::FORBIDDEN, "tenant_suspended"));
    let (s, v) = app
        .get(&format!("/api/v1/tenants/{t}/members"), &a.access)
        .await;
    assert_eq!((s, code(&v)), (StatusCode::FORBIDDEN, "tenant_suspended"));
    let (s, _) = app
        .get(&format!("/api/v1/tenants/{t}/audit-events"), &a.access)
        .await;
    assert_eq!(s, StatusCode::OK, "the audit log stays readable");
    let (s, _) = app
        .post(
            &format!("/api/v1/tenants/{t}/resume"),
            Some(&a.access),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = app.get("/api/v1/life-areas", &a.access).await;
    assert_eq!(s, StatusCode::OK);
}

#[tokio::test]
async fn memberships_keep_an_owner() {
    let app = TestApp::spawn().await;
    let owner = app.register("owner@example.org").await;
    let other = app.register("admin@example.org").await;
    let t = &owner.tenant_id;
    let members = format!("/api/v1/tenants/{t}/members");
    let (s, v) = app
        .post(
            &members,
            Some(&owner.access),
            json!({ "email": "ADMIN@example.org", "role": "ADMIN" }),
        )
        .await;
    assert_eq!(
        (s, v["role"].as_str()),
        (StatusCode::CREATED, Some("ADMIN"))
    );
    let (s, v) = app
        .post(
            &members,
            Some(&owner.access),
            json!({ "email": "admin@example.org", "role": "MEMBER" }),
        )
        .await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "already_member"));
    let (s, v) = app
        .post(
            &members,
            Some(&owner.access),
            json!({ "email": "nobody@example.org", "role": "MEMBER" }),
        )
        .await;
    assert_eq!(
        (s, v["error"]["details"]["fields"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("email"))
    );
    let me = format!("{members}/{}", owner.user_id);
    let (s, v) = app
        .call(
            Method::PATCH,
            &me,
            Some(&owner.access),
            Some(json!({ "role": "ADMIN" })),
        )
        .await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "last_owner"));
    let (s, v) = app
        .call(Method::DELETE, &me, Some(&owner.access), None)
        .await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "last_owner"));
    // An admin cannot touch the owner or make owners.
    let admin = app.login("admin@example.org", Some(t)).await;
    let (s, _) = app
        .call(
            Method::PATCH,
            &me,
            Some(&admin.access),
            Some(json!({ "role": "VIEWER" })),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = app
        .call(
            Method::PATCH,
            &format!("{members}/{}", other.user_id),
            Some(&admin.access),
            Some(json!({ "role": "OWNER" })),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // With a second owner the first may step down.
    let (s, _) = app
        .call(
            Method::PATCH,
            &format!("{members}/{}", other.user_id),
            Some(&owner.access),
            Some(json!({ "role": "OWNER" })),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, v) = app
        .call(
            Method::PATCH,
            &me,
            Some(&owner.access),
            Some(json!({ "role": "MEMBER" })),
        )
        .await;
    assert_eq!((s, v["role"].as_str()), (StatusCode::OK, Some("MEMBER")));
    // A removed member loses access at once.
    let (s, _) = app
        .call(
            Method::DELETE,
            &format!("{members}/{}", owner.user_id),
            Some(&admin.access),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, _) = app
        .get(&format!("/api/v1/tenants/{t}"), &owner.access)
        .await;
    assert_eq!(
        s,
        StatusCode::UNAUTHORIZED,
        "their session in this tenant ended"
    );
    let (s, v) = app
        .post(
            "/api/v1/auth/login",
            None,
            json!({ "email": "owner@example.org", "password": common::PASSWORD }),
        )
        .await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "no_workspace"));
    let (_, v) = app
        .get(&format!("/api/v1/tenants/{t}/audit-events"), &admin.access)
        .await;
    let types: Vec<&str> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["eventType"].as_str().unwrap())
        .collect();
    for t in [
        "membership.added",
        "membership.role_changed",
        "membership.removed",
    ] {
        assert!(types.contains(&t), "{t} missing from {types:?}");
    }
}

#[tokio::test]
async fn deleting_a_tenant_drops_its_data_and_keeps_its_audit() {
    let app = TestApp::spawn().await;
    let a = app.register("a@example.org").await;
    let (s, v) = app
        .post(
            "/api/v1/tenants",
            Some(&a.access),
            json!({ "name": "Second", "timezone": "America/St_Johns" }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (id, slug, schema) = (
        v["id"].as_str().unwrap().to_owned(),
        v["slug"].as_str().unwrap().to_owned(),
        v["schemaName"].as_str().unwrap().to_owned(),
    );
    let (s, v) = app
        .call(
            Method::DELETE,
            &format!("/api/v1/tenants/{id}"),
            Some(&a.access),
            Some(json!({ "slug": "wrong" })),
        )
        .await;
    assert_eq!(
        (s, v["error"]["details"]["fields"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("slug"))
    );
    let (s, _) = app
        .call(
            Method::DELETE,
            &format!("/api/v1/tenants/{id}"),
            Some(&a.access),
            Some(json!({ "slug": slug })),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM pg_namespace WHERE nspname = '{schema}'"
        ))
        .await,
        0
    );
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM pg_roles WHERE rolname = '{schema}'"
        ))
        .await,
        0
    );
    assert!(
        app.count(&format!(
            "SELECT count(*) FROM platform.audit_events WHERE tenant_id = '{id}'"
        ))
        .await
            >= 2
    );
    let (s, _) = app.get(&format!("/api/v1/tenants/{id}"), &a.access).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (_, v) = app.get("/api/v1/tenants", &a.access).await;
    assert_eq!(v["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn tenant_lists_paginate_without_gaps_or_repeats() {
    let app = TestApp::spawn().await;
    let a = app.register("a@example.org").await;
    for i in 0..4 {
        let (s, _) = app
            .post(
                "/api/v1/tenants",
                Some(&a.access),
                json!({ "name": format!("Space {i}") }),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED);
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/tenants?limit=2&cursor={c}"),
            None => "/api/v1/tenants?limit=2".into(),
        };
        let (s, v) = app.get(&path, &a.access).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        seen.extend(
            v["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t["id"].as_str().unwrap().to_owned()),
        );
        match v["nextCursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    let mut dedup = seen.clone();
    dedup.sort();
    dedup.dedup();
    assert_eq!((seen.len(), dedup.len()), (5, 5));
    let (s, v) = app.get("/api/v1/tenants?limit=0", &a.access).await;
    assert_eq!(
        (s, v["error"]["details"]["fields"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("limit"))
    );
    let (s, _) = app.get("/api/v1/tenants?cursor=nonsense", &a.access).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
}
