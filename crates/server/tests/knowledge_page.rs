#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The Knowledge page as a browser meets it: several files uploaded in one form (and one by
//! one as the page's script sends them), the documents listed while they are read and once
//! ready, a search by meaning showing the passage, and deletion behind a second step; a
//! member searches but cannot upload.

mod common;

use common::browser::Browser;
use common::TestApp;
use reqwest::StatusCode;
use serde_json::{json, Value};

#[tokio::test]
async fn documents_are_uploaded_searched_by_meaning_and_deleted_from_the_page() {
    let app = TestApp::spawn_semantic().await;
    let b = Browser::signed_up(&app, "k@example.org").await;
    let (s, page) = b.get("/knowledge").await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("No documents yet."), "empty state");
    assert!(
        !page.contains("Search by meaning is off"),
        "the model is loaded"
    );

    let sleep =
        b"# Sleep\n\nKeep the bedroom dark and cool and put screens away an hour before bed.";
    let money = b"<html><body><h1>Pay</h1><p>Bring evidence of your results when you ask for a raise.</p></body></html>";
    let (s, location, _) = b
        .upload(
            "/knowledge",
            &[
                ("file", Some("sleep.md"), Some("text/markdown"), sleep),
                ("file", Some("pay.html"), Some("text/html"), money),
                ("file", Some("photo.png"), Some("image/png"), b"\x89PNG"),
                ("category", None, None, b"guides"),
            ],
            &[],
        )
        .await;
    assert_eq!(
        (s, location.as_str()),
        (StatusCode::SEE_OTHER, "/knowledge")
    );
    let (_, page) = b.get("/knowledge").await;
    assert!(page.contains("Added sleep.md, pay.html"), "confirmation");
    assert!(page.contains(
        "Not added: photo.png: only .txt, .md, .html, .pdf and .docx files can be added."
    ));
    assert!(page.contains(r#"data-testid="processing""#) && page.contains("Reading 2 documents"));

    // The page's script sends one file at a time and reads the outcome as JSON.
    let (s, _, body) = b
        .upload(
            "/knowledge",
            &[("file", Some("notes/pay.html"), None, money)],
            &[("accept", "application/json")],
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let o: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(o["already"], json!(["pay.html"]), "{o}");

    let a = app.login("k@example.org", None).await;
    app.post("/api/v1/jobs/process", Some(&a.access), json!({}))
        .await;
    let (_, page) = b.get("/knowledge").await;
    assert!(!page.contains(r#"data-testid="processing""#));
    assert_eq!(
        page.matches(r#"data-status="ready""#).count(),
        2,
        "{}",
        &page[page.find("<table").unwrap_or(0)..]
    );

    let (s, results) = b
        .get("/knowledge?q=how+do+I+sleep+better%3F&mode=hybrid")
        .await;
    assert_eq!(s, StatusCode::OK);
    let first = results.find(r#"class="result""#).unwrap();
    assert!(
        results[first..].starts_with(r#"class="result">"#)
            || results[first..].contains("Keep the bedroom dark")
    );
    assert!(results.contains("Ranked by meaning and words together."));
    let (_, none) = b
        .get("/knowledge?q=orbital+mechanics+of+Jupiter%27s+moons&mode=semantic")
        .await;
    assert!(
        none.contains(r#"data-testid="no-results""#),
        "off-topic finds nothing"
    );

    // Deleting is a second step on the page; the passage is gone from search at once.
    let id = page
        .split(r#"action="/knowledge/"#)
        .nth(1)
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_owned();
    let (s, location, _) = b.submit(&format!("/knowledge/{id}/delete"), &[]).await;
    assert_eq!(
        (s, location.as_str()),
        (StatusCode::SEE_OTHER, "/knowledge")
    );
    let (_, page) = b.get("/knowledge").await;
    assert!(
        page.contains("and its passages."),
        "confirmation of the delete"
    );
    assert_eq!(page.matches(r#"data-status="ready""#).count(), 1);
}

#[tokio::test]
async fn a_member_searches_but_neither_sees_nor_may_use_the_upload_form() {
    let app = TestApp::spawn().await;
    let owner = Browser::signed_up(&app, "kowner@example.org").await;
    let (member, _) = Browser::joined(&app, &owner, "kmember@example.org", "MEMBER").await;
    let (s, page) = member.get("/knowledge").await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("An admin of this workspace can add them."));
    assert!(
        !page.contains(r#"enctype="multipart/form-data""#),
        "no upload form"
    );
    let (s, _) = member.get("/knowledge?q=sleep&mode=lexical").await;
    assert_eq!(s, StatusCode::OK, "members search");
    let (s, _, _) = member
        .upload(
            "/knowledge",
            &[(
                "file",
                Some("notes.md"),
                Some("text/markdown"),
                b"# Notes\n\nText.",
            )],
            &[],
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (_, page) = owner.get("/knowledge").await;
    assert!(page.contains("No documents yet."), "nothing was added");
}
