#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Tenant migration 11 (the engine's model changed): a workspace's passages lose their old
//! embeddings, search says so and answers by words, and the backfill job embeds them again.

mod common;

use common::TestApp;
use reqwest::StatusCode;
use serde_json::{json, Value};

#[tokio::test]
async fn passages_embedded_by_the_old_model_are_embedded_again_after_the_migration() {
    let app = TestApp::spawn_semantic().await;
    let a = app.register("reembed@example.org").await;
    let (s, d) = app
        .add_knowledge(
            &a,
            json!({ "title": "Onboarding", "content": "Pair every new hire with a mentor who meets them daily during the first week." }),
        )
        .await;
    assert_eq!(s, StatusCode::ACCEPTED, "{d}");
    let query = json!({ "query": "how do newcomers get support?", "mode": "semantic" });
    let search = || async {
        let (s, v) = app
            .post("/api/v1/knowledge/search", Some(&a.access), query.clone())
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        v
    };
    let modes = |v: &Value| {
        (
            v["mode"].as_str().map(str::to_owned),
            v["fallback"].as_str().map(str::to_owned),
        )
    };
    let v = search().await;
    assert_eq!(modes(&v), (Some("semantic".into()), None), "{v}");

    // The workspace's schema set back one version, then migrated as a deploy would.
    let owner = app.tdb.db.owner();
    let id: uuid::Uuid = a.tenant_id.parse().unwrap();
    sqlx::query("UPDATE platform.tenants SET schema_version = 10 WHERE id = $1")
        .bind(id)
        .execute(owner)
        .await
        .unwrap();
    let outcome = wisdomos_db::migrate::migrate_tenant(owner, id, wisdomos_db::migrate::TENANT)
        .await
        .unwrap();
    assert_eq!(
        outcome,
        wisdomos_db::migrate::TenantOutcome::Migrated { from: 10, to: 11 }
    );

    let v = search().await;
    assert_eq!(
        modes(&v),
        (Some("lexical".into()), Some("not_embedded".into())),
        "{v}"
    );
    let (s, done) = app
        .post("/api/v1/jobs/process", Some(&a.access), json!({}))
        .await;
    assert_eq!(s, StatusCode::OK, "{done}");
    let v = search().await;
    assert_eq!(modes(&v), (Some("semantic".into()), None), "{v}");
    assert_eq!(v["results"][0]["title"], "Onboarding", "{v}");
}

#[tokio::test]
async fn a_passage_awaiting_its_embedding_is_still_found_by_its_words() {
    let app = TestApp::spawn_semantic().await;
    let a = app.register("partial@example.org").await;
    for (title, content) in [
        (
            "Onboarding",
            "Pair every new hire with a mentor who meets them daily during the first week.",
        ),
        (
            "Expenses",
            "Submit receipts for travel within thirty days through the finance portal.",
        ),
    ] {
        let (s, d) = app
            .add_knowledge(&a, json!({ "title": title, "content": content }))
            .await;
        assert_eq!(s, StatusCode::ACCEPTED, "{d}");
    }
    // The expenses passage loses its embedding, as after a model change mid-backfill.
    let owner = app.tdb.db.owner();
    let id: uuid::Uuid = a.tenant_id.parse().unwrap();
    let schema: String =
        sqlx::query_scalar("SELECT schema_name FROM platform.tenants WHERE id = $1")
            .bind(id)
            .fetch_one(owner)
            .await
            .unwrap();
    let mut tx = owner.begin().await.unwrap();
    sqlx::query("SELECT set_config('app.tenant_id', $1, true)")
        .bind(id.to_string())
        .execute(&mut *tx)
        .await
        .unwrap();
    let cleared = sqlx::query(&format!(
        "UPDATE {schema}.knowledge_chunks c SET embedding = NULL FROM {schema}.knowledge_documents d
         WHERE d.id = c.document_id AND d.title = 'Expenses'"
    ))
    .execute(&mut *tx)
    .await
    .unwrap();
    assert_eq!(cleared.rows_affected(), 1);
    sqlx::query(&format!(
        "UPDATE {schema}.knowledge_index_state SET epoch = epoch + 1"
    ))
    .execute(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();

    let (s, v) = app
        .post(
            "/api/v1/knowledge/search",
            Some(&a.access),
            json!({ "query": "travel receipts finance portal", "mode": "hybrid" }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["fallback"], Value::Null, "{v}");
    let r = &v["results"][0];
    assert_eq!(
        (
            r["title"].as_str(),
            r["lexicalRank"].as_u64(),
            r["semanticScore"].is_null()
        ),
        (Some("Expenses"), Some(1), true),
        "{v}"
    );
    // The embedded passage is still found by meaning alone.
    let (_, v) = app
        .post(
            "/api/v1/knowledge/search",
            Some(&a.access),
            json!({ "query": "how do newcomers get support?", "mode": "hybrid" }),
        )
        .await;
    assert_eq!(v["results"][0]["title"], "Onboarding", "{v}");
}
