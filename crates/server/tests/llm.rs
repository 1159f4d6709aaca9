#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The assistant with the OpenAI-compatible provider, against an in-process server speaking
//! the chat-completions protocol (whole answers and server-sent-event streams): the prompt it
//! receives, token counts, citations checked, streaming, a failing model (retried, then 502 and
//! nothing kept) and a model too slow to answer.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use common::{code, Account, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};
use wisdomos_engine::llm::{LlmClient, LlmConfig};

/// How the fake model behaves.
#[derive(Clone, Copy)]
enum Mode {
    /// Answers citing passage 1.
    Cites,
    /// Answers citing passage 9, which it was not given.
    CitesUnknown,
    /// 500 every time.
    Fails,
    /// Waits longer than the client's timeout.
    Slow,
}

#[derive(Clone)]
struct Fake {
    mode: Mode,
    calls: Arc<AtomicUsize>,
    last: Arc<Mutex<Value>>,
}

async fn completions(State(f): State<Fake>, axum::Json(body): axum::Json<Value>) -> Response {
    f.calls.fetch_add(1, Ordering::SeqCst);
    *f.last.lock().unwrap() = body.clone();
    let text = match f.mode {
        Mode::Fails => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        Mode::Slow => {
            tokio::time::sleep(Duration::from_secs(3)).await;
            "late"
        }
        Mode::Cites => "A will names who cares for your children [1].",
        Mode::CitesUnknown => "Trusts settle faster [9].",
    };
    if body["stream"] == json!(true) {
        let mut sse = String::new();
        for piece in text.split_inclusive(' ') {
            let ev = json!({"choices": [{"index": 0, "delta": {"content": piece}}]});
            sse.push_str(&format!("data: {ev}\n\n"));
        }
        let usage =
            json!({"choices": [], "usage": {"prompt_tokens": 321, "completion_tokens": 12}});
        sse.push_str(&format!("data: {usage}\n\ndata: [DONE]\n\n"));
        return ([("content-type", "text/event-stream")], sse).into_response();
    }
    axum::Json(json!({
        "id": "chatcmpl-1", "object": "chat.completion", "model": body["model"],
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 321, "completion_tokens": 12, "total_tokens": 333}
    }))
    .into_response()
}

/// A fake model on a random port and a WisdomOS server using it.
async fn setup(mode: Mode) -> (TestApp, Fake) {
    let fake = Fake {
        mode,
        calls: Arc::default(),
        last: Arc::new(Mutex::new(Value::Null)),
    };
    let router = axum::Router::new()
        .route("/v1/chat/completions", axum::routing::post(completions))
        .with_state(fake.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/v1", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    let client = LlmClient::new(LlmConfig {
        url,
        api_key: Some("sk-test-secret".into()),
        model: "tiny".into(),
        timeout: Duration::from_millis(800),
        retries: 2,
    })
    .unwrap();
    let app = TestApp::spawn_with(move |c| {
        c.assistant = wisdomos_app::generation::Provider::OpenAi(client);
    })
    .await;
    (app, fake)
}

async fn with_knowledge(app: &TestApp) -> Account {
    let a = app.register("a@example.org").await;
    let (s, d) = app
        .add_knowledge(
            &a,
            json!({"title": "Wills", "content": "A will names who inherits your property and who cares for your children."}),
        )
        .await;
    assert_eq!(s, StatusCode::ACCEPTED, "{d}");
    a
}

/// Asks the one question these tests ask.
async fn ask(app: &TestApp, a: &Account) -> (StatusCode, Value) {
    app.post(
        "/api/v1/oracle",
        Some(&a.access),
        json!({"input": "Who cares for my children?"}),
    )
    .await
}

#[tokio::test]
async fn the_model_gets_the_prompt_and_its_answer_is_kept_with_its_token_counts() {
    let (app, fake) = setup(Mode::Cites).await;
    let a = with_knowledge(&app).await;
    let (s, r) = ask(&app, &a).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(
        r["response"],
        "A will names who cares for your children [1]."
    );
    assert_eq!(r["provider"], "openai");
    assert_eq!(r["flags"], json!([]));
    assert_eq!(
        (
            r["usage"]["promptTokens"].as_i64(),
            r["usage"]["completionTokens"].as_i64()
        ),
        (Some(321), Some(12))
    );
    let sent = fake.last.lock().unwrap().clone();
    assert_eq!(sent["model"], "tiny");
    let system = sent["messages"][0]["content"].as_str().unwrap();
    assert!(
        system.contains("Spiralogic") && system.contains("[1] Wills: A will names"),
        "{system}"
    );
    assert_eq!(
        sent["messages"].as_array().unwrap().last().unwrap()["content"],
        "Who cares for my children?"
    );
}

#[tokio::test]
async fn an_answer_citing_a_passage_it_was_not_given_is_flagged() {
    let (app, _) = setup(Mode::CitesUnknown).await;
    let a = with_knowledge(&app).await;
    let (_, r) = ask(&app, &a).await;
    assert_eq!(r["flags"], json!(["cites_unknown_source"]), "{r}");
}

#[tokio::test]
async fn the_models_stream_reaches_the_client_as_it_is_written() {
    let (app, _) = setup(Mode::Cites).await;
    let a = with_knowledge(&app).await;
    let body = app
        .client
        .post(format!("{}/api/v1/oracle", app.base))
        .bearer_auth(&a.access)
        .json(&json!({"input": "Who cares for my children?", "stream": true}))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let deltas = body.matches("event: delta").count();
    assert!(deltas >= 5, "{body}");
    assert!(body.contains("event: done"), "{body}");
    assert!(body.contains("\"promptTokens\":321"), "{body}");
}

#[tokio::test]
async fn a_failing_model_is_retried_then_answers_502_and_nothing_is_kept() {
    let (app, fake) = setup(Mode::Fails).await;
    let a = with_knowledge(&app).await;
    let (s, v) = ask(&app, &a).await;
    assert_eq!(
        (s, code(&v)),
        (StatusCode::BAD_GATEWAY, "assistant_unavailable"),
        "{v}"
    );
    assert_eq!(
        fake.calls.load(Ordering::SeqCst),
        3,
        "one try and two retries"
    );
    assert!(!v.to_string().contains("sk-test-secret"));
    let (_, usage) = app
        .get(&format!("/api/v1/tenants/{}/usage", a.tenant_id), &a.access)
        .await;
    assert_eq!(
        (usage["conversations"].as_i64(), usage["messages"].as_i64()),
        (Some(0), Some(0)),
        "{usage}"
    );
}

#[tokio::test]
async fn a_model_too_slow_times_out() {
    let (app, _) = setup(Mode::Slow).await;
    let a = with_knowledge(&app).await;
    let started = std::time::Instant::now();
    let (s, v) = ask(&app, &a).await;
    assert_eq!(
        (s, code(&v)),
        (StatusCode::BAD_GATEWAY, "assistant_unavailable"),
        "{v}"
    );
    // Three attempts of 0.8 s and two back-offs, well before the model's 3 s.
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}
