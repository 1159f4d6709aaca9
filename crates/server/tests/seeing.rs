#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Seeing change: the Display's overall trend from nightly snapshots and its calendar of daily
//! mood, and an area's trend with event marks and its baseline history.

mod common;

use chrono::Duration;
use common::browser::Browser;
use common::TestApp;
use reqwest::StatusCode;
use serde_json::json;
use wisdomos_server::clock::Clock;

#[tokio::test]
async fn the_display_shows_the_year_and_areas_mark_their_events() {
    let app = TestApp::spawn().await;
    let b = Browser::signed_up(&app, "see@example.org").await;
    let (_, home) = b.get("/").await;
    assert!(
        home.contains("The line starts after the first nightly snapshot"),
        "empty state"
    );
    assert!(home.contains("0 days logged this year"));

    let a = app.login("see@example.org", None).await;
    let now = app.clock.now();
    let berlin = chrono_tz::Europe::Berlin;
    for (when, charge, title) in [
        (now, 4, "Shipped the release"),
        (now, 2, "Good review"),
        (now - Duration::days(1), -3, "Missed the deadline"),
    ] {
        let (s, v) = app
            .post(
                "/api/v1/events",
                Some(&a.access),
                json!({ "lifeAreaId": "work", "type": if charge > 0 { "PROGRESS" } else { "SETBACK" },
                        "category": "PROFESSIONAL", "tone": if charge > 0 { "POSITIVE" } else { "NEGATIVE" },
                        "title": title, "emotionalCharge": charge, "occurredAt": when.to_rfc3339() }),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
    }
    let (s, _) = app
        .post("/api/v1/snapshots", Some(&a.access), json!(null))
        .await;
    assert_eq!(s, StatusCode::CREATED);
    app.clock.advance(Duration::days(1));
    let a = app.login("see@example.org", None).await;
    let (s, _) = app
        .post("/api/v1/snapshots", Some(&a.access), json!(null))
        .await;
    assert_eq!(s, StatusCode::CREATED);

    let (_, home) = b.get("/").await;
    let today = now.with_timezone(&berlin).date_naive();
    let yesterday = today - Duration::days(1);
    assert!(home.contains(r#"class="day p2" x="#), "mean +3 is a p2 day");
    let cell = |date: chrono::NaiveDate| {
        let at = home.find(&format!("data-date=\"{date}\"")).unwrap();
        home[..at].rsplit("<rect class=\"day ").next().unwrap()[..2].to_owned()
    };
    assert_eq!(cell(today), "p2", "two events, mean +3.0");
    assert_eq!(cell(yesterday), "n2", "one event at −3");
    assert!(home.contains("mean charge +3.0 over 2 events"));
    assert!(home.contains("2 days logged this year"));
    let trend = &home[home.find("data-testid=\"overall-trend\"").unwrap()..];
    assert!(trend[..trend.find("</section>").unwrap()].contains("<polyline class=\"line\""));

    let (_, area) = b.get("/areas/work").await;
    assert!(area.contains("class=\"marker up\"") && area.contains("class=\"marker down\""));
    assert!(
        area.contains(": Missed the deadline (-3)</title>"),
        "{area}"
    );
    assert!(area.contains("not rated yet, so the area starts at 50"));

    let (s, _) = app
        .post(
            "/api/v1/assessments",
            Some(&a.access),
            json!({ "ratings": { "work": 80 } }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let (_, area) = b.get("/areas/work").await;
    assert!(area.contains("Baseline <strong>80</strong> of 100, from your self-assessment"));
    assert!(
        area.contains(": <strong>80</strong></li>"),
        "the rating is in the history"
    );
    assert!(area.contains("your latest self-assessment"));
}
