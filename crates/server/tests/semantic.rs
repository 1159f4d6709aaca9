#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Knowledge search with the MiniLM model: passages found by meaning where no word is shared,
//! hybrid fusion, the match threshold turning away an off-topic query, filters, HTML
//! ingestion, and workspaces kept apart with embeddings too.

mod common;

use common::{fields, Account, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

const SLEEP: &str = "# Sleep hygiene\n\nKeep the bedroom dark and cool, put screens away an hour \
before bed, and wake at the same time every day, weekends included.";
const STRENGTH: &str = "# Strength training\n\nThree sessions a week of squats, deadlifts and \
presses build muscle; add weight slowly and rest a day between sessions.";
const NEGOTIATION: &str = "# Negotiating a raise\n\nBring evidence of your results, name a \
number first, and be ready to discuss title, scope and flexibility as well as pay.";

async fn add(app: &TestApp, a: &Account, body: Value) -> Value {
    let (s, d) = app
        .post("/api/v1/knowledge/documents", Some(&a.access), body)
        .await;
    assert_eq!(s, StatusCode::ACCEPTED, "{d}");
    let (s, p) = app
        .post("/api/v1/jobs/process", Some(&a.access), json!({}))
        .await;
    assert_eq!(s, StatusCode::OK, "{p}");
    let (_, d) = app
        .get(
            &format!("/api/v1/knowledge/documents/{}", d["id"].as_str().unwrap()),
            &a.access,
        )
        .await;
    assert_eq!(d["status"], "ready", "{d}");
    d
}

async fn search(app: &TestApp, a: &Account, body: Value) -> Value {
    let (s, v) = app
        .post("/api/v1/knowledge/search", Some(&a.access), body)
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v
}

fn titles(v: &Value) -> Vec<&str> {
    v["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["title"].as_str().unwrap())
        .collect()
}

async fn library(app: &TestApp, a: &Account) {
    for (title, text, category) in [
        ("Sleep hygiene", SLEEP, "health"),
        ("Strength training", STRENGTH, "health"),
        ("Negotiating a raise", NEGOTIATION, "career"),
    ] {
        add(app, a, json!({ "title": title, "content": text, "category": category, "mediaType": "text/markdown" })).await;
    }
}

#[tokio::test]
async fn passages_are_found_by_meaning_and_off_topic_queries_find_nothing() {
    let app = TestApp::spawn_semantic().await;
    let a = app.register("a@example.org").await;
    library(&app, &a).await;

    // No word of the query is in the document it should find.
    let q = "how can I rest better at night";
    let lexical = search(&app, &a, json!({ "query": q, "mode": "lexical" })).await;
    assert!(!titles(&lexical).contains(&"Sleep hygiene"), "{lexical}");
    let semantic = search(&app, &a, json!({ "query": q, "mode": "semantic" })).await;
    assert_eq!(semantic["mode"], "semantic");
    assert_eq!(titles(&semantic)[0], "Sleep hygiene", "{semantic}");
    let top = &semantic["results"][0];
    assert_eq!(top["score"], top["semanticScore"]);
    let hybrid = search(
        &app,
        &a,
        json!({ "query": "asking my boss for more money" }),
    )
    .await;
    assert_eq!(
        (hybrid["mode"].as_str(), hybrid["fallback"].as_str()),
        (Some("hybrid"), None)
    );
    assert_eq!(titles(&hybrid)[0], "Negotiating a raise", "{hybrid}");
    // Fused scores: Σ 1/(60 + rank), so at most 2/61.
    let s = hybrid["results"][0]["score"].as_f64().unwrap();
    assert!(s > 0.0 && s <= 2.0 / 61.0 + 1e-9, "{s}");

    // Off-topic: nothing reaches the default threshold; a threshold of -1 lets all through.
    let off = json!({ "query": "the orbital period of Jupiter's moons", "mode": "semantic" });
    assert!(search(&app, &a, off.clone()).await["results"]
        .as_array()
        .unwrap()
        .is_empty());
    let mut all = off;
    all["matchThreshold"] = json!(-1);
    assert_eq!(
        search(&app, &a, all).await["results"]
            .as_array()
            .unwrap()
            .len(),
        3
    );

    // Filters narrow to the documents they name.
    let v = search(&app, &a, json!({ "query": "exercise and sleep", "filters": { "category": "career" }, "matchThreshold": -1 })).await;
    assert_eq!(titles(&v), ["Negotiating a raise"]);

    // A new document is searchable as soon as it is ready; a deleted one is gone at once.
    let d = add(&app, &a, json!({ "title": "Meditation", "content": "Sit quietly, follow the breath, and return to it whenever the mind wanders." })).await;
    let v = search(
        &app,
        &a,
        json!({ "query": "calming an anxious mind", "mode": "semantic" }),
    )
    .await;
    assert_eq!(titles(&v)[0], "Meditation", "{v}");
    let (s, _) = app
        .call(
            reqwest::Method::DELETE,
            &format!("/api/v1/knowledge/documents/{}", d["id"].as_str().unwrap()),
            Some(&a.access),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let v = search(
        &app,
        &a,
        json!({ "query": "calming an anxious mind", "mode": "semantic", "matchThreshold": -1 }),
    )
    .await;
    assert!(!titles(&v).contains(&"Meditation"));

    // Bad choices are named.
    let (s, v) = app
        .post(
            "/api/v1/knowledge/search",
            Some(&a.access),
            json!({ "query": "x", "mode": "fuzzy", "matchThreshold": 2 }),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&v), ["matchThreshold", "mode"]);
}

#[tokio::test]
async fn html_is_read_as_its_visible_text_and_workspaces_stay_apart() {
    let app = TestApp::spawn_semantic().await;
    let a = app.register("a@example.org").await;
    let b = app.register("b@example.org").await;
    let page =
        "<html><head><title>Onboarding</title><script>var secret = 'tracking pixel';</script>\
        <style>.x{color:red}</style></head><body><h1>First week</h1><p>Pair every new hire with a \
        mentor who meets them daily.</p></body></html>";
    let d = add(
        &app,
        &a,
        json!({ "title": "Onboarding", "content": page, "mediaType": "text/html" }),
    )
    .await;
    assert_eq!(d["chunks"], 1);
    let v = search(
        &app,
        &a,
        json!({ "query": "tracking pixel", "mode": "lexical" }),
    )
    .await;
    assert!(
        v["results"].as_array().unwrap().is_empty(),
        "scripts are not text: {v}"
    );
    let v = search(
        &app,
        &a,
        json!({ "query": "who helps a new employee settle in" }),
    )
    .await;
    assert_eq!(v["results"][0]["heading"], "First week");
    assert!(v["results"][0]["snippet"]
        .as_str()
        .unwrap()
        .starts_with("Pair every new hire"));

    // B holds its own document; A's exact sentence finds only B's, in every mode.
    library(&app, &b).await;
    for mode in ["hybrid", "semantic", "lexical"] {
        let v = search(&app, &b, json!({ "query": "Pair every new hire with a mentor who meets them daily.", "mode": mode, "matchThreshold": -1 })).await;
        assert!(!titles(&v).contains(&"Onboarding"), "{mode}: {v}");
        let v = search(
            &app,
            &a,
            json!({ "query": "squats deadlifts", "mode": mode, "matchThreshold": -1 }),
        )
        .await;
        assert!(titles(&v).iter().all(|t| *t == "Onboarding"), "{mode}: {v}");
    }
}

#[tokio::test]
async fn passages_read_in_without_a_model_are_embedded_once_one_arrives() {
    // A server without the model reads a document in: words only.
    let app = TestApp::spawn().await;
    let a = app.register("backfill@example.org").await;
    let (s, d) = app
        .add_knowledge(
            &a,
            json!({ "title": "Onboarding", "content": "Pair every new hire with a mentor who meets them daily during the first week." }),
        )
        .await;
    assert_eq!(
        (s, d["status"].as_str()),
        (StatusCode::ACCEPTED, Some("ready")),
        "{d}"
    );
    // A server with the model on the same database says the passages are not embedded yet,
    // and queues their embedding.
    let other = app.semantic_beside().await;
    let ask = |body: Value| {
        let (client, other, token) = (app.client.clone(), other.clone(), a.access.clone());
        async move {
            let r = client
                .post(format!("{other}/api/v1/knowledge/search"))
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::OK);
            r.json::<Value>().await.unwrap()
        }
    };
    let v = ask(json!({ "query": "how do newcomers get support?", "mode": "semantic" })).await;
    assert_eq!(
        (v["mode"].as_str(), v["fallback"].as_str()),
        (Some("lexical"), Some("not_embedded")),
        "{v}"
    );
    let r = app
        .client
        .post(format!("{other}/api/v1/jobs/process"))
        .bearer_auth(&a.access)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    let done: Value = r.json().await.unwrap();
    assert!(done["processed"].as_u64() >= Some(1), "{done}");
    // Now it answers by meaning, with no word in common.
    let v = ask(json!({ "query": "how do newcomers get support?", "mode": "semantic" })).await;
    assert_eq!(
        (v["mode"].as_str(), v["fallback"].as_str()),
        (Some("semantic"), None),
        "{v}"
    );
    assert_eq!(v["results"][0]["title"], "Onboarding", "{v}");
}
