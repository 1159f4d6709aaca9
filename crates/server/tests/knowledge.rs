#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The knowledge base through the API: adding texts (idempotent, ingested by a job), BM25
//! search without a model, roles, deletion taking the chunks with it, and isolation between
//! workspaces. Semantic and hybrid search: tests/semantic.rs.

mod common;

use common::{code, fields, Account, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const CASE_STUDY: &str =
    "# Acme turnaround\n\nAcme cut customer churn by thirty percent in one year. \
The leadership team met every Monday to review the retention dashboard.\n\n\
## What worked\n\nA mentoring programme paired each new hire with a veteran. \
Quarterly offsites rebuilt trust between sales and engineering.";

async fn add(app: &TestApp, a: &Account, title: &str, content: &str) -> (StatusCode, Value) {
    app.add_knowledge(
        a,
        json!({ "title": title, "content": content, "category": "case-study", "tags": ["Retention"] }),
    )
    .await
}

async fn search(app: &TestApp, a: &Account, q: &str) -> Value {
    let (s, v) = app
        .post(
            "/api/v1/knowledge/search",
            Some(&a.access),
            json!({ "query": q }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v
}

async fn schema_of(app: &TestApp, a: &Account) -> String {
    sqlx::query_scalar("SELECT schema_name FROM platform.tenants WHERE id = $1::uuid")
        .bind(&a.tenant_id)
        .fetch_one(app.tdb.db.owner())
        .await
        .unwrap()
}

#[tokio::test]
async fn texts_are_added_once_found_by_words_and_deleted_with_their_chunks() {
    let app = TestApp::spawn().await;
    let a = app.register("a@example.org").await;
    let (s, d) = add(&app, &a, "Acme case study", CASE_STUDY).await;
    assert_eq!(s, StatusCode::ACCEPTED, "{d}");
    assert_eq!(
        (d["status"].as_str(), d["chunks"].as_i64()),
        (Some("ready"), Some(2))
    );
    assert_eq!(d["tags"], json!(["retention"]));
    let (s, again) = add(&app, &a, "Same text, other title", CASE_STUDY).await;
    assert_eq!(
        (s, again["id"].clone()),
        (StatusCode::OK, d["id"].clone()),
        "same bytes, same document"
    );
    add(
        &app,
        &a,
        "Recipes",
        "Bake the bread at 220 degrees for thirty minutes.",
    )
    .await;

    let v = search(&app, &a, "mentoring new hires").await;
    assert_eq!(
        (v["mode"].as_str(), v["fallback"].as_str()),
        (Some("lexical"), Some("no_model"))
    );
    assert_eq!(v["results"][0]["semanticScore"], Value::Null);
    let top = &v["results"][0];
    assert_eq!(top["title"], "Acme case study");
    assert_eq!(top["heading"], "What worked");
    assert!(top["snippet"]
        .as_str()
        .unwrap()
        .contains("mentoring programme"));
    assert_eq!(top["lexicalRank"], 1);
    assert!(top["score"].as_f64().unwrap() > 0.0);
    // Stems match: "reviews" finds "review".
    let v = search(&app, &a, "reviews").await;
    assert_eq!(v["results"][0]["position"], 0);
    // A rarer word outranks a common one: "thirty" is in both documents, "churn" in one.
    let v = search(&app, &a, "thirty churn").await;
    assert_eq!(v["results"][0]["title"], "Acme case study");
    assert_eq!(v["results"].as_array().unwrap().len(), 2);
    assert!(search(&app, &a, "zebra").await["results"]
        .as_array()
        .unwrap()
        .is_empty());

    let (s, list) = app
        .get("/api/v1/knowledge/documents?tag=retention", &a.access)
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(list["items"].as_array().unwrap().len(), 2);
    let (_, list) = app
        .get("/api/v1/knowledge/documents?q=ACME", &a.access)
        .await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    let (_, list) = app
        .get("/api/v1/knowledge/documents?q=%25", &a.access)
        .await;
    assert!(
        list["items"].as_array().unwrap().is_empty(),
        "% is a character, not a wildcard"
    );

    // Deleting takes the chunks with it and moves the index on.
    let id = d["id"].as_str().unwrap();
    let (s, _) = app
        .call(
            Method::DELETE,
            &format!("/api/v1/knowledge/documents/{id}"),
            Some(&a.access),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    // Adding and deleting are audited with the document's id, never its title.
    let (_, audit) = app
        .get(
            &format!("/api/v1/tenants/{}/audit-events", a.tenant_id),
            &a.access,
        )
        .await;
    for kind in ["knowledge.document_added", "knowledge.document_deleted"] {
        let row = audit["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["eventType"] == kind && e["targetId"] == id)
            .unwrap_or_else(|| panic!("no {kind} for {id}: {audit}"));
        assert_eq!(row["targetType"], "knowledge_document", "{row}");
        assert!(!row.to_string().contains("Acme case study"), "{row}");
    }
    assert!(search(&app, &a, "mentoring").await["results"]
        .as_array()
        .unwrap()
        .is_empty());
    let schema = schema_of(&app, &a).await;
    let mut tx = app.tdb.db.owner().begin().await.unwrap();
    sqlx::query("SELECT set_config('app.tenant_id', $1, true)")
        .bind(&a.tenant_id)
        .execute(&mut *tx)
        .await
        .unwrap();
    let (chunks, generation): (i64, i64) = sqlx::query_as(&format!(
        "SELECT (SELECT count(*) FROM {schema}.knowledge_chunks),
                (SELECT generation FROM {schema}.knowledge_index_state)"
    ))
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    assert_eq!(
        (chunks, generation),
        (1, 3),
        "only the recipe is left; two documents made ready, one deleted"
    );
    tx.rollback().await.unwrap();
}

#[tokio::test]
async fn admins_manage_documents_everyone_searches_and_workspaces_stay_apart() {
    let app = TestApp::spawn().await;
    let a = app.register("a@example.org").await;
    let b = app.register("b@example.org").await;
    app.register("m@example.org").await;
    app.post(
        &format!("/api/v1/tenants/{}/members", a.tenant_id),
        Some(&a.access),
        json!({ "email": "m@example.org", "role": "MEMBER" }),
    )
    .await;
    let (s, _) = add(&app, &a, "Acme case study", CASE_STUDY).await;
    assert_eq!(s, StatusCode::ACCEPTED);

    let m = app.login("m@example.org", Some(&a.tenant_id)).await;
    let (s, v) = add(&app, &m, "Mine", "A member's note.").await;
    assert_eq!((s, code(&v)), (StatusCode::FORBIDDEN, "forbidden"));
    assert_eq!(
        search(&app, &m, "mentoring").await["results"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // B searches for A's exact sentence and finds nothing; A's document is not B's to see.
    let exact = "A mentoring programme paired each new hire with a veteran.";
    assert!(search(&app, &b, exact).await["results"]
        .as_array()
        .unwrap()
        .is_empty());
    let (_, list) = app.get("/api/v1/knowledge/documents", &a.access).await;
    let id = list["items"][0]["id"].as_str().unwrap().to_owned();
    let (s, _) = app
        .get(&format!("/api/v1/knowledge/documents/{id}"), &b.access)
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = app
        .call(
            Method::DELETE,
            &format!("/api/v1/knowledge/documents/{id}"),
            Some(&b.access),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // The same bytes in B are B's own document, not a duplicate of A's.
    let (s, _) = add(&app, &b, "Acme case study", CASE_STUDY).await;
    assert_eq!(s, StatusCode::ACCEPTED);

    // With no workspace set, the tables show nothing even to their owner.
    let schema = schema_of(&app, &a).await;
    let n = app
        .count(&format!("SELECT count(*) FROM {schema}.knowledge_chunks"))
        .await;
    assert_eq!(n, 0);

    // Bad input is named.
    let (s, v) = app
        .post(
            "/api/v1/knowledge/documents",
            Some(&a.access),
            json!({ "title": " ", "content": "" }),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&v), ["title", "content"]);
    let (s, v) = app
        .post(
            "/api/v1/knowledge/search",
            Some(&a.access),
            json!({ "query": "x", "limit": 500 }),
        )
        .await;
    assert_eq!(
        (s, v["error"]["details"]["fields"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("limit"))
    );
}

#[tokio::test]
async fn a_long_document_is_cut_into_many_passages() {
    let app = TestApp::spawn().await;
    let a = app.register("a@example.org").await;
    // About 600 KiB: ten times the API's usual body limit.
    let para =
        "Resilience grows when teams reflect together after every project, naming what helped. ";
    let text: String = (0..70)
        .map(|i| format!("## Part {i}\n\n{}\n\n", para.repeat(100)))
        .collect();
    assert!(text.len() > 600_000);
    let (s, d) = add(&app, &a, "Handbook", &text).await;
    assert_eq!(s, StatusCode::ACCEPTED, "{d}");
    assert!(d["chunks"].as_i64().unwrap() >= 140, "{}", d["chunks"]);
    let v = search(&app, &a, "reflect together").await;
    assert_eq!(v["results"].as_array().unwrap().len(), 10);
}
