#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The assistant through the API with the extractive provider: answers cite only passages the
//! search found and decline without any; prohibited topics; conversations, phases, feedback;
//! API keys by slug and by domain, revoked keys, isolation; the plan's monthly limit exactly
//! under concurrent requests; streaming as server-sent events.

mod common;

use common::{code, fields, Account, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const ESTATE: &str = "# Our approach to estate planning\n\nEvery family starts with a will. \
A will names who inherits your property and who cares for your children if you cannot. \
We review each will with the whole family in one meeting, so nobody is surprised later.\n\n\
## Trusts\n\nA living trust keeps property out of probate. A trust costs more to set up than a \
will but settles faster and stays private.";

const OFFICE: &str = "Our office opens at nine on weekdays. Parking is behind the building and \
visitors sign in at the front desk.";

async fn workspace_with_knowledge(app: &TestApp, email: &str) -> Account {
    let a = app.register(email).await;
    for (title, content) in [("Estate planning", ESTATE), ("Visiting us", OFFICE)] {
        let (s, d) = app
            .add_knowledge(
                &a,
                json!({"title": title, "content": content, "elementalTags": ["earth"]}),
            )
            .await;
        assert_eq!(s, StatusCode::ACCEPTED, "{d}");
    }
    a
}

async fn ask(app: &TestApp, a: &Account, body: Value) -> (StatusCode, Value) {
    app.post("/api/v1/oracle", Some(&a.access), body).await
}

#[tokio::test]
async fn the_answer_cites_only_passages_found_and_declines_without_any() {
    let app = TestApp::spawn().await;
    let a = workspace_with_knowledge(&app, "a@example.org").await;
    let (s, r) = ask(
        &app,
        &a,
        json!({"input": "Who cares for my children in a will?"}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let answer = r["response"].as_str().unwrap();
    assert!(
        answer.contains("A will names who inherits your property and who cares for your children"),
        "{answer}"
    );
    let sources = r["knowledgeSources"].as_array().unwrap();
    assert!(!sources.is_empty());
    assert!(
        sources.iter().all(|s| s["title"] == "Estate planning"),
        "{r}"
    );
    for s in sources {
        assert!(
            answer.contains(&format!("[{}]", s["n"])),
            "{answer} does not cite {s}"
        );
    }
    assert_eq!(r["provider"], "extractive");
    assert_eq!(r["phase"], 1);
    assert!(["fire", "water", "earth", "air", "aether"].contains(&r["element"].as_str().unwrap()));
    assert_eq!(r["usage"]["conversationsThisMonth"], 1);
    assert_eq!(r["usage"]["conversationsPerMonth"], 100);

    // Nothing in the knowledge base on it: says so, cites nothing.
    let (s, r) = ask(&app, &a, json!({"input": "What is the capital of Peru?"})).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert!(
        r["response"]
            .as_str()
            .unwrap()
            .contains("I don't have anything on that"),
        "{r}"
    );
    assert_eq!(r["knowledgeSources"], json!([]));
    assert_eq!(r["flags"], json!(["no_knowledge"]));

    // Bad input: every field named, nothing kept.
    let before = app
        .count("SELECT count(*) FROM platform.audit_events")
        .await;
    let (s, v) = ask(&app, &a, json!({"input": " ", "conversationDepth": 2})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&v), vec!["input", "conversationDepth"]);
    assert_eq!(
        app.count("SELECT count(*) FROM platform.audit_events")
            .await,
        before
    );
}

#[tokio::test]
async fn conversations_move_through_phases_keep_messages_and_take_feedback() {
    let app = TestApp::spawn().await;
    let a = workspace_with_knowledge(&app, "a@example.org").await;
    let (_, first) = ask(&app, &a, json!({"input": "I need a will for my family"})).await;
    let id = first["conversationId"].as_str().unwrap();
    let (s, second) = ask(
        &app,
        &a,
        json!({"input": "Why do I always put the will off? I feel afraid of it", "conversationId": id}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{second}");
    assert_eq!(
        (second["conversationId"].as_str(), second["phase"].as_u64()),
        (Some(id), Some(2))
    );
    let (_, third) = ask(
        &app,
        &a,
        json!({"input": "I see now. I'll book the family meeting about the will, thank you", "conversationId": id}),
    )
    .await;
    assert_eq!(third["phase"], 3, "{third}");
    // One conversation counted, six messages kept.
    assert_eq!(third["usage"]["conversationsThisMonth"], 1);
    let schema: String =
        sqlx::query_scalar("SELECT schema_name FROM platform.tenants WHERE id = $1::uuid")
            .bind(&a.tenant_id)
            .fetch_one(app.tdb.db.owner())
            .await
            .unwrap();
    let mut tx = app.tdb.db.owner().begin().await.unwrap();
    sqlx::query("SELECT set_config('app.tenant_id', $1, true)")
        .bind(&a.tenant_id)
        .execute(&mut *tx)
        .await
        .unwrap();
    let (count, phase): (i32, Option<i16>) = sqlx::query_as(&format!(
        "SELECT message_count, detected_phase FROM {schema}.conversations WHERE id = $1::uuid"
    ))
    .bind(id)
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    drop(tx);
    assert_eq!((count, phase), (6, Some(3)));

    // Feedback on one's own answer; someone else's conversation is not found.
    let msg = third["messageId"].as_str().unwrap();
    let path = format!("/api/v1/oracle/messages/{msg}/feedback");
    let (s, _) = app
        .post(&path, Some(&a.access), json!({"value": "up"}))
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, v) = app
        .post(&path, Some(&a.access), json!({"value": "sideways"}))
        .await;
    assert_eq!(
        (s, fields(&v)),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["value"])
    );
    let b = app.register("b@example.org").await;
    let (s, _) = app
        .post(&path, Some(&b.access), json!({"value": "down"}))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = ask(&app, &b, json!({"input": "hello", "conversationId": id})).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn prohibited_topics_are_declined_before_any_answer() {
    let app = TestApp::spawn().await;
    let a = workspace_with_knowledge(&app, "a@example.org").await;
    let (s, _) = app
        .call(
            Method::PUT,
            &format!("/api/v1/tenants/{}/assistant", a.tenant_id),
            Some(&a.access),
            Some(
                json!({"maiaPersonality": {"prohibitedTopics": ["medical advice", "tax advice"]}}),
            ),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, r) = ask(
        &app,
        &a,
        json!({"input": "Can you give me medical guidance about my will?"}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert!(
        r["response"]
            .as_str()
            .unwrap()
            .contains("can't help with medical advice"),
        "{r}"
    );
    assert_eq!(r["flags"], json!(["declined_prohibited"]));
    assert_eq!(r["knowledgeSources"], json!([]));
    let (_, r) = ask(&app, &a, json!({"input": "Does a will help my children?"})).await;
    assert_eq!(r["flags"], json!([]), "{r}");
}

#[tokio::test]
async fn api_keys_reach_their_own_workspace_by_slug_and_domain_only() {
    let app = TestApp::spawn().await;
    let op = app.operator("ops@example.org").await;
    let a = workspace_with_knowledge(&app, "a@example.org").await;
    let b = workspace_with_knowledge(&app, "b@example.org").await;
    app.set_plan(&op, &a.tenant_id, json!({"domain": "maia.a-law.test"}))
        .await;
    let (_, key) = app
        .post(
            &format!("/api/v1/tenants/{}/api-keys", a.tenant_id),
            Some(&a.access),
            json!({"name": "site"}),
        )
        .await;
    let key = key["secret"].as_str().unwrap().to_owned();
    let key_id = app.count("SELECT count(*) FROM platform.api_keys").await;
    assert_eq!(key_id, 1);
    let body = json!({"input": "Who cares for my children in a will?", "userId": "visitor-7"});
    let (s, r) = app
        .post(
            &format!("/api/tenant/{}/oracle", a.slug),
            Some(&key),
            body.clone(),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert!(!r["knowledgeSources"].as_array().unwrap().is_empty());
    // By the custom domain, without the slug.
    let resp = app
        .client
        .post(format!("{}/api/oracle", app.base))
        .header("Host", "maia.a-law.test:443")
        .bearer_auth(&key)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    // A's key at B's slug, or on a host that is not A's: not found. No key or a wrong one: 401.
    let (s, _) = app
        .post(
            &format!("/api/tenant/{}/oracle", b.slug),
            Some(&key),
            body.clone(),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let resp = app
        .client
        .post(format!("{}/api/oracle", app.base))
        .bearer_auth(&key)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    let (s, _) = app
        .post(
            &format!("/api/tenant/{}/oracle", a.slug),
            Some("wos_nope"),
            body.clone(),
        )
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, _) = app
        .post(
            &format!("/api/tenant/{}/oracle", a.slug),
            Some(&b.access),
            body.clone(),
        )
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    // End users are kept apart: another userId cannot continue visitor-7's conversation.
    let conv = r["conversationId"].as_str().unwrap();
    let (s, _) = app
        .post(
            &format!("/api/tenant/{}/oracle", a.slug),
            Some(&key),
            json!({"input": "and trusts?", "userId": "visitor-8", "conversationId": conv}),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // B's assistant never cites A's documents, even asked in A's words.
    let (_, rb) = ask(
        &app,
        &b,
        json!({"input": "Who cares for my children in a will?"}),
    )
    .await;
    let a_docs: Vec<Value> = r["knowledgeSources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["documentId"].clone())
        .collect();
    assert!(rb["knowledgeSources"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| !a_docs.contains(&s["documentId"])));
    // Revoked: 401 from then on.
    let (_, keys) = app
        .get(
            &format!("/api/v1/tenants/{}/api-keys", a.tenant_id),
            &a.access,
        )
        .await;
    let id = keys[0]["id"].as_str().unwrap();
    let (s, _) = app
        .call(
            Method::DELETE,
            &format!("/api/v1/tenants/{}/api-keys/{id}", a.tenant_id),
            Some(&a.access),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, _) = app
        .post(&format!("/api/tenant/{}/oracle", a.slug), Some(&key), body)
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_monthly_limit_holds_exactly_under_concurrent_requests() {
    let app = TestApp::spawn().await;
    let op = app.operator("ops@example.org").await;
    let a = workspace_with_knowledge(&app, "a@example.org").await;
    app.set_plan(
        &op,
        &a.tenant_id,
        json!({"planTier": "starter", "limits": {"conversationsPerMonth": 5}}),
    )
    .await;
    let (s, first) = ask(&app, &a, json!({"input": "Tell me about trusts"})).await;
    assert_eq!(s, StatusCode::OK);
    let calls = (0..12).map(|i| {
        let (app, a) = (&app, &a);
        async move {
            ask(
                app,
                a,
                json!({"input": format!("Question {i} about a will")}),
            )
            .await
        }
    });
    let results = futures::future::join_all(calls).await;
    let ok = results.iter().filter(|(s, _)| *s == StatusCode::OK).count();
    let limited: Vec<&Value> = results
        .iter()
        .filter(|(s, _)| *s == StatusCode::TOO_MANY_REQUESTS)
        .map(|(_, v)| v)
        .collect();
    assert_eq!((ok, limited.len()), (4, 8), "{results:?}");
    assert!(limited.iter().all(|v| code(v) == "usage_limit_exceeded"));
    assert!(
        limited[0]["error"]["details"]["retryAfterSeconds"]
            .as_u64()
            .unwrap()
            > 0
    );
    // Continuing a conversation is not a new one.
    let (s, _) = ask(
        &app,
        &a,
        json!({"input": "and wills?", "conversationId": first["conversationId"]}),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let (s, usage) = app
        .get(&format!("/api/v1/tenants/{}/usage", a.tenant_id), &a.access)
        .await;
    assert_eq!(s, StatusCode::OK, "{usage}");
    assert_eq!(usage["conversations"], 5);
    assert_eq!(usage["messages"], 12);
    assert_eq!(usage["limits"]["conversationsPerMonth"], 5);
    assert!(usage["knowledgeBytes"].as_i64().unwrap() > 300);
    let today: i64 = usage["days"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["conversations"].as_i64().unwrap())
        .sum();
    assert_eq!(today, 5);
    let resp = app
        .client
        .post(format!("{}/api/v1/oracle", app.base))
        .bearer_auth(&a.access)
        .json(&json!({"input": "one more"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(resp.headers().get("retry-after").is_some());
}

#[tokio::test]
async fn knowledge_past_the_plans_storage_is_refused() {
    let app = TestApp::spawn().await;
    let op = app.operator("ops@example.org").await;
    let a = workspace_with_knowledge(&app, "a@example.org").await;
    app.set_plan(
        &op,
        &a.tenant_id,
        json!({"limits": {"knowledgeBytes": 700}}),
    )
    .await;
    let before = app.count("SELECT count(*) FROM platform.audit_events WHERE event_type = 'knowledge.document_added'").await;
    let (s, v) = app
        .add_knowledge(&a, json!({"title": "More", "content": "x ".repeat(200)}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["details"]["fields"][0]["code"], "knowledge_full");
    assert_eq!(app.count("SELECT count(*) FROM platform.audit_events WHERE event_type = 'knowledge.document_added'").await, before);
}

#[tokio::test]
async fn an_answer_streams_as_server_sent_events() {
    let app = TestApp::spawn().await;
    let a = workspace_with_knowledge(&app, "a@example.org").await;
    let resp = app
        .client
        .post(format!("{}/api/v1/oracle", app.base))
        .bearer_auth(&a.access)
        .json(&json!({"input": "Who cares for my children in a will?", "stream": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(resp.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/event-stream"));
    let body = resp.text().await.unwrap();
    let mut text = String::new();
    let mut done = None;
    for event in body.split("\n\n").filter(|e| !e.trim().is_empty()) {
        let kind = event
            .lines()
            .find_map(|l| l.strip_prefix("event:"))
            .map(str::trim);
        let data: String = event
            .lines()
            .filter_map(|l| l.strip_prefix("data:"))
            .map(str::trim)
            .collect();
        let v: Value = serde_json::from_str(&data).unwrap();
        match kind {
            Some("delta") => text.push_str(v["text"].as_str().unwrap()),
            Some("done") => done = Some(v),
            other => panic!("unexpected event {other:?}"),
        }
    }
    let done = done.expect("a done event");
    assert_eq!(text, done["response"].as_str().unwrap());
    assert!(!done["knowledgeSources"].as_array().unwrap().is_empty());
}
