#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The Assistant pages as a browser meets them without JavaScript: asking and reading the
//! answer with its sources, element and phase in words; feedback; the streamed form the
//! page's script uses; settings (validation beside the fields, saved voice used in answers);
//! an API key shown once and revoked; usage against the plan.

mod common;

use common::browser::Browser;
use common::TestApp;
use reqwest::StatusCode;
use serde_json::json;

const GUIDE: &str = "# Our coaching programme\n\nThe programme runs for twelve weeks. Each week \
you meet your coach for one hour and keep a short journal of what moved you. In the last week \
you write a letter to yourself about what you will keep doing.";

#[tokio::test]
async fn a_member_asks_reads_sources_and_gives_feedback_in_the_page() {
    let app = TestApp::spawn().await;
    let b = Browser::signed_up(&app, "coach@example.org").await;
    let a = app.login("coach@example.org", None).await;
    let (s, d) = app
        .add_knowledge(&a, json!({"title": "Programme guide", "content": GUIDE}))
        .await;
    assert_eq!(s, StatusCode::ACCEPTED, "{d}");

    let (s, page) = b.get("/assistant").await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains(r#"data-testid="empty-chat""#));
    let (s, location, _) = b
        .submit(
            "/assistant",
            &[
                ("input", "How long does the coaching programme run?"),
                ("conversation", ""),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{location}");
    assert!(location.starts_with("/assistant?c="), "{location}");
    let (_, page) = b.get(location.split('#').next().unwrap()).await;
    assert!(page.contains("How long does the coaching programme run?"));
    assert!(
        page.contains("The programme runs for twelve weeks. [1]"),
        "{page}"
    );
    assert!(page.contains("[1] Programme guide"), "sources you can open");
    assert!(page.contains("Read as "), "element and phase in words");
    assert!(page.contains("opening up the question"));

    // Feedback, then it shows as pressed.
    let start = page.find("/assistant/messages/").unwrap() + "/assistant/messages/".len();
    let message = &page[start..start + 36];
    let conversation = location
        .split("c=")
        .nth(1)
        .unwrap()
        .split('#')
        .next()
        .unwrap();
    let (s, back, _) = b
        .submit(
            &format!("/assistant/messages/{message}/feedback"),
            &[("value", "up"), ("conversation", conversation)],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, page) = b.get(back.split('#').next().unwrap()).await;
    assert!(page.contains("marked as helpful"));
    assert!(page.contains(r#"aria-pressed="true""#));

    // An empty question is refused beside the form, nothing asked.
    let (s, _, body) = b
        .submit(
            "/assistant",
            &[("input", " "), ("conversation", conversation)],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains(r#"data-testid="chat-error""#));

    // The page's script: the same question as server-sent events.
    let (s, _, body) = b
        .submit(
            "/assistant/stream",
            &[
                ("input", "What do I write in the last week?"),
                ("conversation", conversation),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        body.contains("event: delta") && body.contains("event: done"),
        "{body}"
    );
    assert!(body.contains(conversation));
    // Without the CSRF token: refused.
    let (s, _, _) = b.post("/assistant/stream", &[("input", "x")]).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn an_admin_sets_the_voice_makes_a_key_and_sees_usage() {
    let app = TestApp::spawn().await;
    let b = Browser::signed_up(&app, "owner@example.org").await;
    let (s, page) = b.get("/assistant/settings").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        page.contains(r#"value="warm, clear, encouraging""#),
        "the default voice"
    );

    let (s, _, body) = b
        .submit(
            "/assistant/settings",
            &[
                ("tone", ""),
                ("primary", "water"),
                ("secondary", "water"),
                ("prohibited_topics", "medical advice"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body.contains(r#"id="brandVoice.tone-error""#),
        "error beside the tone"
    );
    assert!(body.contains(r#"id="elementalSignature.secondary-error""#));
    let (s, location, _) = b
        .submit(
            "/assistant/settings",
            &[
                ("tone", "professional, precise"),
                ("language", "plain English"),
                ("values", "care, clarity"),
                ("primary", "water"),
                ("secondary", "earth"),
                ("prohibited_topics", "medical advice\nlegal advice"),
                ("earth", "Give one clear next step."),
            ],
        )
        .await;
    assert_eq!(
        (s, location.as_str()),
        (StatusCode::SEE_OTHER, "/assistant/settings")
    );
    let (_, page) = b.get("/assistant/settings").await;
    assert!(page.contains("Assistant settings saved."));
    assert!(page.contains("medical advice\nlegal advice"));

    // A key: shown once on the page that made it, listed by its prefix afterwards.
    let (s, _, body) = b.submit("/assistant/keys", &[("name", "Website")]).await;
    assert_eq!(s, StatusCode::OK);
    let at = body.find(r#"<code class="secret">"#).unwrap() + r#"<code class="secret">"#.len();
    let secret = &body[at..at + 47];
    assert!(secret.starts_with("wos_"));
    let (_, page) = b.get("/assistant/settings").await;
    assert!(!page.contains(secret) && page.contains(&secret[..10]));
    let start = page.find("/assistant/keys/").unwrap() + "/assistant/keys/".len();
    let id = page[start..start + 36].to_owned();
    let (s, _, _) = b.submit(&format!("/assistant/keys/{id}/revoke"), &[]).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, page) = b.get("/assistant/settings").await;
    assert!(page.contains("revoked: it no longer works") && page.contains("Revoked"));

    let (s, usage) = b.get("/assistant/usage").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        usage.contains("0 of 100"),
        "conversations against the free plan"
    );
    assert!(usage.contains("on the Free plan"));
}
