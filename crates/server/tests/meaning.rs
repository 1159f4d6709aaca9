#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Life areas and patterns by meaning, through the API of a server with the semantic model:
//! everyday phrases get their area (as the event form asks while the user types), imports
//! classify rows by meaning, and pattern detection groups events worded differently and
//! describes them.

mod common;

use common::{Account, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn best_area(app: &TestApp, a: &Account, text: &str) -> (String, f64) {
    let (s, v) = app
        .post(
            "/api/v1/life-areas/suggest",
            Some(&a.access),
            json!({ "text": text }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let best = &v["suggestions"][0];
    (
        best["slug"].as_str().unwrap_or("").to_owned(),
        best["confidence"].as_f64().unwrap_or(0.0),
    )
}

#[tokio::test]
async fn everyday_phrases_get_their_life_area() {
    let app = TestApp::spawn_semantic().await;
    let a = app.register("everyday@example.org").await;
    // The issue's own examples, which keywords got wrong or left without a suggestion.
    for (text, want) in [
        ("Went to the gym", &["physical-health"][..]),
        (
            "Slept badly again",
            &["physical-health", "time-energy-management"],
        ),
        ("Got promoted", &["work"]),
        (
            "Read a book about stoicism",
            &[
                "learning-education",
                "wisdom-integration",
                "personal-growth",
            ],
        ),
        (
            "Meditated for half an hour",
            &["spirituality-meaning", "mental-health"],
        ),
    ] {
        let (slug, confidence) = best_area(&app, &a, text).await;
        assert!(
            want.contains(&slug.as_str()),
            "{text}: {slug} ({confidence})"
        );
        assert!((0.0..=1.0).contains(&confidence));
    }
    // Our phrase set (testdata/everyday-areas.csv): the label or its runner-up, most of the time.
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/everyday-areas.csv");
    let (mut n, mut right) = (0, 0);
    for rec in csv::Reader::from_path(path).unwrap().records() {
        let rec = rec.unwrap();
        let (slug, _) = best_area(&app, &a, &rec[0]).await;
        n += 1;
        right += usize::from(slug == rec[1] || (!rec[2].is_empty() && slug == rec[2]));
    }
    println!("everyday phrases: {right}/{n} right");
    assert!(n >= 50);
    assert!(right * 100 >= n * 80, "{right}/{n}");
}

#[tokio::test]
async fn imported_rows_without_an_area_are_classified_by_meaning() {
    let app = TestApp::spawn_semantic().await;
    let a = app.register("import-meaning@example.org").await;
    let body = json!({ "events": [
        { "occurredAt": "2026-11-01T08:00:00Z", "title": "Went to the gym", "emotionalCharge": 2 },
        { "occurredAt": "2026-11-02T08:00:00Z", "title": "Got promoted", "emotionalCharge": 4 },
        { "occurredAt": "2026-11-03T08:00:00Z", "title": "Argued with my girlfriend about the holidays", "emotionalCharge": -2 }
    ]});
    let resp = app
        .client
        .post(format!("{}/api/v1/import/events", app.base))
        .bearer_auth(&a.access)
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let r: Value = resp.json().await.unwrap();
    assert_eq!(r["classifier"], "meaning", "{r}");
    assert_eq!(r["accepted"], 3, "{r}");
    assert_eq!(r["byArea"]["physical-health"], 1, "{r}");
    assert_eq!(r["byArea"]["work"], 1, "{r}");
    assert_eq!(r["byArea"]["romantic-intimacy"], 1, "{r}");
}

#[tokio::test]
async fn patterns_join_events_by_meaning_and_describe_them() {
    let app = TestApp::spawn_semantic().await;
    let a = app.register("patterns-meaning@example.org").await;
    let now = chrono::Utc::now();
    let day = |d: i64| (now - chrono::Duration::days(d)).to_rfc3339();
    // Four evenings at the office worded four ways (no word all share), three sleepless nights,
    // and unrelated events, two of which share a word with each other only.
    let events = [
        (
            "work",
            "UPSET",
            "NEGATIVE",
            "Stayed at the office until ten to finish the report",
            3,
        ),
        (
            "work",
            "UPSET",
            "NEGATIVE",
            "Another late night at the office before the release",
            10,
        ),
        (
            "work",
            "SETBACK",
            "NEGATIVE",
            "Worked overtime again and missed dinner",
            17,
        ),
        (
            "work",
            "UPSET",
            "NEGATIVE",
            "My manager kept me at the office past nine",
            24,
        ),
        (
            "physical-health",
            "SETBACK",
            "NEGATIVE",
            "Could not fall asleep until 3am",
            5,
        ),
        (
            "physical-health",
            "SETBACK",
            "NEGATIVE",
            "Insomnia again, awake half the night",
            12,
        ),
        (
            "physical-health",
            "SETBACK",
            "NEGATIVE",
            "Slept badly, tossing and turning",
            19,
        ),
        (
            "sensuality-pleasure",
            "PROGRESS",
            "POSITIVE",
            "Old coffee shop reopened",
            2,
        ),
        (
            "learning-education",
            "PROGRESS",
            "POSITIVE",
            "Old course certificate arrived",
            8,
        ),
        (
            "nature-environment",
            "PROGRESS",
            "POSITIVE",
            "Saw a heron by the canal",
            14,
        ),
        (
            "finance",
            "PROGRESS",
            "POSITIVE",
            "Filed the insurance claim",
            20,
        ),
    ];
    for (area, t, tone, title, ago) in events {
        let (s, v) = app
            .post(
                "/api/v1/events",
                Some(&a.access),
                json!({ "lifeAreaId": area, "type": t, "category": "PERSONAL", "tone": tone,
                        "title": title, "emotionalCharge": if tone == "NEGATIVE" { -2 } else { 2 },
                        "occurredAt": day(ago) }),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
    }
    let (s, v) = app
        .post("/api/v1/insights/detect", Some(&a.access), json!({}))
        .await;
    assert_eq!(s, StatusCode::ACCEPTED, "{v}");
    let job = v["jobId"].as_str().unwrap().to_owned();
    app.post("/api/v1/jobs/process", Some(&a.access), json!({}))
        .await;
    let (_, v) = app.get(&format!("/api/v1/jobs/{job}"), &a.access).await;
    assert_eq!(v["result"]["method"], "meaning", "{v}");
    assert_eq!(v["result"]["patterns"], 2, "{v}");
    let (_, v) = app.get("/api/v1/insights?recurring=true", &a.access).await;
    let items = v["items"].as_array().unwrap();
    let described = |area: &str| {
        items
            .iter()
            .filter_map(|i| i["description"].as_str())
            .find(|d| d.contains(area))
            .unwrap_or_else(|| panic!("no pattern in {area}: {v}"))
            .to_owned()
    };
    // At least three of the four evenings at the office, however they were worded.
    let office = described("Work & Purpose");
    assert!(
        office.contains("upset") && office.contains("all negative"),
        "{office}"
    );
    assert!(office.contains(" in the past 2"), "{office}");
    // The three sleepless nights share no word, only a meaning.
    let sleep = described("Physical Health (3)");
    assert!(
        sleep.starts_with("3 setbacks in the past 20 days about "),
        "{sleep}"
    );
    assert!(sleep.contains("all negative"), "{sleep}");
    for i in items {
        let title = i["title"].as_str().unwrap();
        assert!(
            !title.contains("old") && !title.contains("coffee"),
            "{title}"
        );
        assert!(i["relatedEvents"].as_array().unwrap().len() >= 3, "{i}");
    }
}
