#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Human words: a browser meets HTML pages in plain language for addresses nothing serves,
//! methods an address does not take and too many attempts, while API clients keep JSON; form
//! refusals name the field by its label and keep what was typed.

mod common;

use common::browser::Browser;
use common::TestApp;
use reqwest::StatusCode;

const HTML: &str = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

async fn fetch(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    accept: &str,
) -> reqwest::Response {
    app.client
        .request(method, format!("{}{}", app.base, path))
        .header("accept", accept)
        .send()
        .await
        .unwrap()
}

fn content_type(r: &reqwest::Response) -> String {
    r.headers()["content-type"].to_str().unwrap().to_owned()
}

#[tokio::test]
async fn browsers_get_pages_and_api_clients_get_json() {
    let app = TestApp::spawn_with(|c| {
        c.auth_rate_burst = 2;
        c.auth_rate_period_ms = 60_000;
    })
    .await;
    let r = fetch(&app, reqwest::Method::GET, "/no/such/page", HTML).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert!(content_type(&r).starts_with("text/html"));
    // The pages' policy (own style sheet allowed), not the API's `default-src 'none'`.
    let csp = r.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.contains("style-src 'self'"), "{csp}");
    let body = r.text().await.unwrap();
    assert!(body.contains("There is nothing at this address"), "{body}");
    assert!(!body.contains("\"error\":"), "no JSON in the page");

    let r = fetch(&app, reqwest::Method::GET, "/api/v1/no/such", HTML).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert!(content_type(&r).contains("json"), "the API keeps JSON");
    let r = fetch(
        &app,
        reqwest::Method::GET,
        "/no/such/page",
        "application/json",
    )
    .await;
    assert!(
        content_type(&r).contains("json"),
        "so do clients that ask for JSON"
    );

    let r = fetch(&app, reqwest::Method::DELETE, "/insights", HTML).await;
    assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert!(r.headers().contains_key("allow"));
    assert!(r.text().await.unwrap().contains("cannot be used that way"));

    let mut last = None;
    for _ in 0..4 {
        let r = app
            .client
            .post(format!("{}/signin", app.base))
            .header("accept", HTML)
            .form(&[("email", "x@example.org"), ("password", "nope")])
            .send()
            .await
            .unwrap();
        last = Some(r);
    }
    let r = last.unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers().contains_key("retry-after"));
    let body = r.text().await.unwrap();
    assert!(body.contains("Too many attempts from here"), "{body}");
}

#[tokio::test]
async fn refusals_name_the_field_by_its_label_and_keep_what_was_typed() {
    let app = TestApp::spawn().await;
    let b = Browser::signed_up(&app, "words@example.org").await;

    let (s, _, page) = b
        .submit(
            "/boundaries",
            &[
                ("lifeAreaId", ""),
                ("statement", " "),
                ("reason", ""),
                ("consequence", ""),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Boundary is required."), "{page}");
    assert!(page.contains("Life area is required."), "{page}");
    assert!(!page.contains("lifeAreaId is") && !page.contains("character(s)"));

    let (s, _, page) = b
        .submit(
            "/commitments",
            &[
                ("statement", ""),
                ("intention", ""),
                ("measurable", ""),
                ("lifeAreaId", ""),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Commitment is required."), "{page}");

    // The onboarding: a value that is not a number comes back beside its slider.
    let (s, _, page) = b
        .submit("/onboarding", &[("work", "lots"), ("finance", "70")])
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("Work &#38; Purpose: choose a value from 0 to 100."),
        "{page}"
    );
    assert!(
        page.contains(r#"id="r-finance" name="finance" min="0" max="100" step="5" value="70""#),
        "{page}"
    );

    // The quick entry: a refused line keeps the area and charge chosen.
    let (s, to, _) = b
        .submit(
            "/quick",
            &[("text", "   "), ("area", "work"), ("charge", "3")],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, home) = b.get(&to).await;
    assert!(home.contains("What happened: write one line"), "{home}");
    assert!(home.contains(r#"<option value="work" selected>"#), "{home}");
    assert!(home.contains(r#"<option value="3" selected>"#), "{home}");
    let long = "x".repeat(201);
    let (_, to, _) = b
        .submit("/quick", &[("text", &long), ("area", ""), ("charge", "1")])
        .await;
    let (_, home) = b.get(&to).await;
    assert!(
        home.contains(&format!("value=\"{long}\"")),
        "the text typed is kept"
    );
}
