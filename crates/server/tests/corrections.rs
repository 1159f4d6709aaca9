#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Corrections through the API: a violation logged by mistake is corrected or removed and the
//! boundary's count and the area's score follow; insights, boundaries, commitment text and
//! autobiography entries are edited and deleted.

mod common;

use common::browser::Browser;
use common::{code, Account, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

async fn score(app: &TestApp, a: &Account, slug: &str) -> f64 {
    let (s, v) = app
        .get(&format!("/api/v1/life-areas/{slug}"), &a.access)
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["currentScore"].as_f64().unwrap()
}

async fn boundary(app: &TestApp, a: &Account, id: &str) -> Value {
    let (s, v) = app
        .get(&format!("/api/v1/boundaries/{id}"), &a.access)
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v
}

#[tokio::test]
async fn a_violation_is_corrected_or_removed_and_the_score_follows() {
    let app = TestApp::spawn().await;
    let a = app.register("a@example.org").await;
    let before = score(&app, &a, "physical-health").await;
    let (s, b) = app
        .post(
            "/api/v1/boundaries",
            Some(&a.access),
            json!({ "lifeAreaId": "physical-health", "statement": "No work e-mail after 20:00" }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let bid = b["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/boundaries/{bid}/violations");
    let (s, first) = app
        .post(&path, Some(&a.access), json!({ "note": "late reply" }))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{first}");
    let (_, second) = app.post(&path, Some(&a.access), json!({})).await;
    let after_two = score(&app, &a, "physical-health").await;
    assert_eq!(after_two, before - 20.0);
    assert_eq!(second["boundary"]["violationCount"], 2);

    // Moved to 40 days ago: outside the 30-day window, so it no longer counts.
    let vid = first["violation"]["id"].as_str().unwrap();
    let long_ago = (chrono::Utc::now() - chrono::Duration::days(40)).to_rfc3339();
    let (s, v) = app
        .call(
            Method::PATCH,
            &format!("{path}/{vid}"),
            Some(&a.access),
            Some(json!({ "occurredAt": long_ago, "note": "" })),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["violation"]["note"], Value::Null);
    assert_eq!(v["score"]["previousScore"].as_f64(), Some(after_two));
    assert_eq!(v["score"]["updatedScore"].as_f64(), Some(before - 10.0));
    assert_eq!(v["boundary"]["violationCount"], 2);

    // The other one was a mistake: removed, the score is back where it started.
    let vid2 = second["violation"]["id"].as_str().unwrap();
    let (s, v) = app
        .call(
            Method::DELETE,
            &format!("{path}/{vid2}"),
            Some(&a.access),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["score"]["updatedScore"].as_f64(), Some(before));
    assert_eq!(score(&app, &a, "physical-health").await, before);
    let b = boundary(&app, &a, &bid).await;
    assert_eq!(b["violationCount"], 1);
    assert_eq!(b["violations"].as_array().unwrap().len(), 1);
    let last = b["lastViolatedAt"].as_str().unwrap();
    assert_eq!(
        chrono::DateTime::parse_from_rfc3339(last)
            .unwrap()
            .timestamp(),
        chrono::DateTime::parse_from_rfc3339(&long_ago)
            .unwrap()
            .timestamp()
    );

    // Removing it twice, a bad time, or a violation of another boundary: refused.
    let (s, _) = app
        .call(
            Method::DELETE,
            &format!("{path}/{vid2}"),
            Some(&a.access),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let far = (chrono::Utc::now() + chrono::Duration::days(3)).to_rfc3339();
    let (s, v) = app
        .call(
            Method::PATCH,
            &format!("{path}/{vid}"),
            Some(&a.access),
            Some(json!({ "occurredAt": far })),
        )
        .await;
    assert_eq!(
        (s, code(&v)),
        (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed")
    );
    assert_eq!(
        v["error"]["details"]["fields"][0]["field"], "occurredAt",
        "{v}"
    );
    let (_, other) = app
        .post(
            "/api/v1/boundaries",
            Some(&a.access),
            json!({ "lifeAreaId": "work", "statement": "Lunch away from the desk" }),
        )
        .await;
    let oid = other["id"].as_str().unwrap();
    let (s, _) = app
        .call(
            Method::DELETE,
            &format!("/api/v1/boundaries/{oid}/violations/{vid}"),
            Some(&a.access),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(boundary(&app, &a, &bid).await["violationCount"], 1);

    // Another workspace cannot see or remove it.
    let b2 = app.register("b@example.org").await;
    let (s, _) = app
        .call(
            Method::DELETE,
            &format!("{path}/{vid}"),
            Some(&b2.access),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(boundary(&app, &a, &bid).await["violationCount"], 1);
}

fn id_after(html: &str, marker: &str) -> String {
    let at = html.find(marker).expect(marker) + marker.len();
    html[at..at + 36].to_owned()
}

#[tokio::test]
async fn pages_edit_and_delete_with_a_confirmation_shown_once() {
    let app = TestApp::spawn().await;
    let b = Browser::signed_up(&app, "fix@example.org").await;

    // An insight: recorded, edited, deleted; each answer is confirmed once.
    let (s, to, _) = b
        .submit(
            "/insights",
            &[
                ("type", "TRUTH_REVEALED"),
                ("title", "I rest badly"),
                ("description", ""),
                ("tags", ""),
            ],
        )
        .await;
    assert_eq!((s, to.as_str()), (StatusCode::SEE_OTHER, "/insights"));
    let (_, page) = b.get("/insights").await;
    assert!(page.contains("Insight saved: “I rest badly”."), "{page}");
    let (_, again) = b.get("/insights").await;
    assert!(
        !again.contains("Insight saved"),
        "a confirmation shows once"
    );
    let iid = id_after(&page, "data-insight-id=\"");
    let (s, form) = b.get(&format!("/insights/{iid}/edit")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(form.contains("I rest badly") && form.contains("Yes, delete the insight"));
    let (s, _, refused) = b
        .submit(
            &format!("/insights/{iid}"),
            &[
                ("type", "TRUTH_REVEALED"),
                ("title", " "),
                ("description", ""),
                ("tags", ""),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.contains("id=\"title-error\""), "{refused}");
    b.submit(
        &format!("/insights/{iid}"),
        &[
            ("type", "BELIEF_SHIFTED"),
            ("title", "I rest well after walks"),
            ("description", "noticed"),
            ("tags", "sleep"),
        ],
    )
    .await;
    let (_, page) = b.get("/insights").await;
    assert!(page.contains("I rest well after walks") && page.contains("Insight saved."));
    let (s, to, _) = b.submit(&format!("/insights/{iid}/delete"), &[]).await;
    assert_eq!((s, to.as_str()), (StatusCode::SEE_OTHER, "/insights"));
    let (_, page) = b.get("/insights").await;
    assert!(page.contains("Deleted the insight “I rest well after walks”."));
    assert!(!page.contains("data-insight-id="));

    // A commitment's text and area, then deleted.
    b.submit(
        "/commitments",
        &[
            ("statement", "Walk daily"),
            ("intention", ""),
            ("measurable", ""),
            ("lifeAreaId", "physical-health"),
        ],
    )
    .await;
    let (_, page) = b.get("/commitments").await;
    let cid = id_after(&page, "data-commitment-id=\"");
    let (s, _, _) = b
        .submit(
            &format!("/commitments/{cid}"),
            &[
                ("statement", "Walk 30 minutes daily"),
                ("intention", "energy"),
                ("measurable", "steps"),
                ("lifeAreaId", ""),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, page) = b.get("/commitments").await;
    assert!(page.contains("Walk 30 minutes daily") && page.contains("Commitment saved."));
    b.submit(&format!("/commitments/{cid}/delete"), &[]).await;
    let (_, page) = b.get("/commitments").await;
    assert!(!page.contains("data-commitment-id=") && page.contains("Deleted the commitment"));

    // A boundary's violation: logged, a refused correction names the field, removed.
    let (s, to, _) = b
        .submit(
            "/boundaries",
            &[
                ("lifeAreaId", "work"),
                ("statement", "No calls at dinner"),
                ("reason", ""),
                ("consequence", ""),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let bpath = to.clone();
    b.submit(
        &format!("{bpath}/violations"),
        &[("occurredAt", ""), ("note", "oops")],
    )
    .await;
    let (_, page) = b.get(&bpath).await;
    assert!(
        page.contains("Violation logged; the area&#39;s score went from"),
        "{page}"
    );
    assert!(page.contains("1 violation ·"), "singular: {page}");
    let vid = id_after(&page, "data-violation-id=\"");
    let (s, _, refused) = b
        .submit(
            &format!("{bpath}/violations/{vid}"),
            &[("occurredAt", "yesterday"), ("note", "")],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.contains("When: enter a date and time"), "{refused}");
    b.submit(&format!("{bpath}/violations/{vid}/delete"), &[])
        .await;
    let (_, page) = b.get(&bpath).await;
    assert!(
        page.contains("Violation removed; the area&#39;s score went from"),
        "{page}"
    );
    assert!(page.contains("0 violations") && !page.contains("data-violation-id="));
    b.submit(&format!("{bpath}/delete"), &[]).await;
    let (_, page) = b.get("/boundaries").await;
    assert!(page.contains("Deleted the boundary “No calls at dinner”"));
}
