#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The extractive assistant with the MiniLM model: a question that shares no word with the
//! passage it means ("will" is a stop word) is answered from the best passage when that passage
//! is close in meaning, and declined when nothing is.

mod common;

use common::TestApp;
use reqwest::StatusCode;
use serde_json::json;

const WILLS: &str = "# Wills\n\nEvery family starts with a will. A will names who inherits your \
property and who cares for your children if you cannot.\n\n## Trusts\n\nA living trust keeps \
property out of probate. A trust costs more to set up than a will but settles faster.";

#[tokio::test]
async fn a_passage_close_in_meaning_answers_without_a_shared_word() {
    let app = TestApp::spawn_semantic().await;
    let a = app.register("meaning@example.org").await;
    let (s, d) = app
        .add_knowledge(&a, json!({"title": "Wills and trusts", "content": WILLS}))
        .await;
    assert_eq!(s, StatusCode::ACCEPTED, "{d}");
    app.post("/api/v1/jobs/process", Some(&a.access), json!({}))
        .await;

    let (s, r) = app
        .post(
            "/api/v1/oracle",
            Some(&a.access),
            json!({"input": "What is a will?"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let answer = r["response"].as_str().unwrap();
    assert!(
        answer.contains("Every family starts with a will. [1]")
            && answer.contains("A will names who inherits your property"),
        "{answer}"
    );
    assert_eq!(r["knowledgeSources"][0]["title"], "Wills and trusts", "{r}");
    assert_eq!(r["flags"], json!([]), "{r}");

    let (s, r) = app
        .post(
            "/api/v1/oracle",
            Some(&a.access),
            json!({"input": "Which football team won the league?"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["flags"], json!(["no_knowledge"]), "{r}");
    assert_eq!(r["knowledgeSources"], json!([]));
}
