#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Importing journals through the API, the real ISEAR corpus, and the classifier's accuracy on
//! its hand-labelled rows (printed, not asserted to a tuned number).

mod common;

use std::path::PathBuf;

use common::{code, Account, TestApp};
use reqwest::StatusCode;
use serde_json::Value;
use wisdomos_core::classify::{Classifier, DEFAULT_THRESHOLD};

async fn upload(
    app: &TestApp,
    a: &Account,
    query: &str,
    content_type: &str,
    body: Vec<u8>,
) -> (StatusCode, Value) {
    let resp = app
        .client
        .post(format!("{}/api/v1/import/events{query}", app.base))
        .bearer_auth(&a.access)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    let s = resp.status();
    (s, resp.json().await.unwrap_or(Value::Null))
}

async fn event_count(app: &TestApp, a: &Account) -> usize {
    let (_, v) = app.get("/api/v1/events?limit=100", &a.access).await;
    v["items"].as_array().unwrap().len()
}

fn shared(path: &str) -> PathBuf {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data")
        .join(path);
    assert!(
        p.exists(),
        "{} is missing: the tests need ../shared beside the repository",
        p.display()
    );
    p
}

const DAYLIO: &str = "full_date,date,weekday,time,mood,activities,note_title,note
2026-01-05,January 5,Monday,8:30 pm,rad,friends | games,,Board games with Sam and Alex
2026-01-06,January 6,Tuesday,07:15,awful,work,Deadline,Missed the project deadline and my boss was angry
2026-01-07,January 7,Wednesday,12:00,meh,,,
";

#[tokio::test]
async fn a_daylio_export_imports_after_a_dry_run() {
    let app = TestApp::spawn().await;
    let a = app.register("a@example.org").await;
    let (s, r) = upload(&app, &a, "?dryRun=true", "text/csv", DAYLIO.into()).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(
        (
            r["format"].as_str(),
            r["total"].as_u64(),
            r["accepted"].as_u64(),
            r["written"].as_bool()
        ),
        (Some("daylio"), Some(3), Some(3), Some(false))
    );
    assert_eq!(event_count(&app, &a).await, 0, "a dry run writes nothing");
    let (s, r) = upload(&app, &a, "", "text/csv", DAYLIO.into()).await;
    assert_eq!(
        (s, r["written"].as_bool()),
        (StatusCode::OK, Some(true)),
        "{r}"
    );
    assert_eq!(r["byArea"]["work"], 1, "{r}");
    let (_, v) = app.get("/api/v1/events?tag=friends", &a.access).await;
    let e = &v["items"][0];
    assert_eq!(
        (
            e["emotionalCharge"].as_i64(),
            e["tone"].as_str(),
            e["title"].as_str()
        ),
        (
            Some(4),
            Some("POSITIVE"),
            Some("Board games with Sam and Alex")
        )
    );
    assert_eq!(e["tags"], serde_json::json!(["friends", "games"]));
    let (_, v) = app.get("/api/v1/events?tag=work", &a.access).await;
    assert_eq!(
        (
            v["items"][0]["title"].as_str(),
            v["items"][0]["emotionalCharge"].as_i64()
        ),
        (Some("Deadline"), Some(-4))
    );
    let (_, audit) = app
        .get(
            &format!("/api/v1/tenants/{}/audit-events", a.tenant_id),
            &a.access,
        )
        .await;
    assert!(
        audit["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["eventType"] == "events.imported"),
        "{audit}"
    );
}

#[tokio::test]
async fn a_day_one_export_and_our_json_import() {
    let app = TestApp::spawn().await;
    let a = app.register("a@example.org").await;
    let dayone = r##"{"metadata":{"version":"1.0"},"entries":[
        {"uuid":"1","creationDate":"2025-11-02T09:00:00Z","text":"# Long run\nTwenty kilometres along the river, my knee held up.","tags":["running"]},
        {"uuid":"2","creationDate":"2025-11-03T21:00:00Z","text":"Dinner with my sister and her kids","tags":[]}]}"##;
    let (s, r) = upload(&app, &a, "", "application/json", dayone.into()).await;
    assert_eq!(
        (s, r["format"].as_str(), r["accepted"].as_u64()),
        (StatusCode::OK, Some("dayone"), Some(2)),
        "{r}"
    );
    let ours = r#"{"events":[{"occurredAt":"2025-10-01","title":"Signed the lease","lifeArea":"living-environment","emotionalCharge":3,"tags":["home"]}]}"#;
    let (s, r) = upload(&app, &a, "?format=json", "application/json", ours.into()).await;
    assert_eq!(
        (s, r["accepted"].as_u64()),
        (StatusCode::OK, Some(1)),
        "{r}"
    );
    let (_, v) = app
        .get("/api/v1/life-areas/living-environment", &a.access)
        .await;
    assert!(v["currentScore"].as_f64().is_some());
    assert_eq!(event_count(&app, &a).await, 3);
}

#[tokio::test]
async fn bad_rows_are_reported_and_strict_imports_write_nothing() {
    let app = TestApp::spawn().await;
    let a = app.register("a@example.org").await;
    let csv = "occurredAt,title,lifeArea,emotionalCharge,tags\n2026-01-01,Fine,work,2,a\n2026-01-02,Bad charge,work,9,\nnot-a-date,Bad date,,,\n2026-01-03,Unknown area,atlantis,1,\n2026-01-04,,,,\n";
    let (s, r) = upload(&app, &a, "?strict=true", "text/csv", csv.into()).await;
    assert_eq!(
        (s, code(&r)),
        (StatusCode::UNPROCESSABLE_ENTITY, "import_rows_rejected"),
        "{r}"
    );
    assert_eq!(r["error"]["details"]["rejected"], 4, "{r}");
    assert_eq!(event_count(&app, &a).await, 0);
    let (s, r) = upload(&app, &a, "", "text/csv", csv.into()).await;
    assert_eq!(
        (s, r["accepted"].as_u64(), r["rejected"].as_u64()),
        (StatusCode::OK, Some(1), Some(4)),
        "{r}"
    );
    let reasons: Vec<(u64, &str)> = r["rejections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| (x["row"].as_u64().unwrap(), x["field"].as_str().unwrap()))
        .collect();
    assert_eq!(
        reasons,
        vec![
            (2, "emotionalCharge"),
            (3, "occurredAt"),
            (4, "lifeArea"),
            (5, "title")
        ]
    );
    assert_eq!(event_count(&app, &a).await, 1);
}

#[tokio::test]
async fn unreadable_files_are_refused_whole() {
    let app = TestApp::spawn().await;
    let a = app.register("a@example.org").await;
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("", vec![0xff, 0xfe, 0x41, 0x00, 0x80]),
        ("", b"just some words\nand more".to_vec()),
        ("?format=csv", b"title,mood\nx,y\n".to_vec()),
        ("?format=dayone", b"{\"entries\": 7}".to_vec()),
        ("", b"".to_vec()),
        ("?format=json", b"[{\"occurredAt\": \"2026-01-01\"".to_vec()),
    ];
    for (q, body) in cases {
        let (s, r) = upload(&app, &a, q, "text/csv", body).await;
        assert_eq!(
            (s, code(&r)),
            (StatusCode::UNPROCESSABLE_ENTITY, "invalid_file"),
            "{q}: {r}"
        );
        assert!(!r["error"]["message"].as_str().unwrap().is_empty());
    }
    let (s, r) = upload(&app, &a, "?format=xml", "text/csv", DAYLIO.into()).await;
    assert_eq!((s, code(&r)), (StatusCode::BAD_REQUEST, "invalid_query"));
    let (s, r) = upload(&app, &a, "?defaultArea=atlantis", "text/csv", DAYLIO.into()).await;
    assert_eq!(
        (s, r["error"]["details"]["fields"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("defaultArea"))
    );
    assert_eq!(event_count(&app, &a).await, 0);
}

#[tokio::test]
async fn the_isear_corpus_goes_through_the_importer() {
    let app = TestApp::spawn().await;
    let a = app.register("a@example.org").await;
    let bytes = std::fs::read(shared("isear/isear-events.csv")).unwrap();
    let lines = csv::Reader::from_reader(bytes.as_slice()).records().count();
    let (s, r) = upload(&app, &a, "", "text/csv", bytes).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let (total, accepted, rejected) = (
        r["total"].as_u64().unwrap(),
        r["accepted"].as_u64().unwrap(),
        r["rejected"].as_u64().unwrap(),
    );
    assert_eq!(total as usize, lines, "{r}");
    assert_eq!(accepted + rejected, total, "every row imported or rejected");
    assert!(r["rejections"]
        .as_array()
        .unwrap()
        .iter()
        .all(|x| !x["reason"].as_str().unwrap().is_empty()));
    // Row-level security binds the owner role too: count inside the tenant's setting.
    let mut tx = app.tdb.db.owner().begin().await.unwrap();
    sqlx::query("SELECT set_config('app.tenant_id', $1, true)")
        .bind(&a.tenant_id)
        .execute(&mut *tx)
        .await
        .unwrap();
    let stored: i64 = sqlx::query_scalar(&format!(
        "SELECT count(*) FROM t_{}.events",
        a.tenant_id.replace('-', "")
    ))
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    assert_eq!(stored as u64, accepted);
    println!(
        "ISEAR import: {total} rows, {accepted} accepted, {rejected} rejected; {} areas suggested, {} defaulted to {}",
        r["classified"], r["defaulted"], r["defaultArea"]
    );
    println!("by area: {}", r["byArea"]);
}

#[test]
fn classifier_accuracy_on_the_labelled_rows() {
    let c = Classifier::seeded();
    let mut rdr = csv::Reader::from_path(shared("isear/life-area-labels.csv")).unwrap();
    let (
        mut n,
        mut strict,
        mut lenient,
        mut confident,
        mut confident_right,
        mut none_rows,
        mut none_right,
    ) = (0, 0, 0, 0, 0, 0, 0);
    for rec in rdr.records() {
        let rec = rec.unwrap();
        let (label, alt, text) = (&rec[2], &rec[4], &rec[5]);
        let best = c.suggest(text, 1).into_iter().next();
        let slug = best.as_ref().map(|s| s.slug.as_str());
        let sure = best
            .as_ref()
            .is_some_and(|s| s.confidence >= DEFAULT_THRESHOLD);
        if label == "none" {
            none_rows += 1;
            none_right += usize::from(!sure);
            continue;
        }
        n += 1;
        strict += usize::from(slug == Some(label));
        lenient += usize::from(slug == Some(label) || (!alt.is_empty() && slug == Some(alt)));
        if sure {
            confident += 1;
            confident_right +=
                usize::from(slug == Some(label) || (!alt.is_empty() && slug == Some(alt)));
        }
    }
    let pct = |a: usize, b: usize| 100.0 * a as f64 / b.max(1) as f64;
    println!(
        "classifier on {n} labelled rows: top-1 strict {:.1}%, counting alt {:.1}%; at confidence >= {DEFAULT_THRESHOLD}: {confident} rows ({:.1}%), {:.1}% right; 'none' rows left unassigned: {none_right}/{none_rows}",
        pct(strict, n),
        pct(lenient, n),
        pct(confident, n),
        pct(confident_right, confident)
    );
    assert!(n >= 190, "the labelled file has about 200 rows");
}

#[tokio::test]
async fn suggest_proposes_areas_as_the_user_types() {
    let app = TestApp::spawn().await;
    let a = app.register("a@example.org").await;
    let (s, v) = app
        .post(
            "/api/v1/life-areas/suggest",
            Some(&a.access),
            serde_json::json!({ "text": "I failed my university exam" }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["suggestions"][0]["slug"], "learning-education");
    assert!(v["suggestions"][0]["confidence"].as_f64().unwrap() > 0.0);
    let (_, v) = app
        .post(
            "/api/v1/life-areas/suggest",
            Some(&a.access),
            serde_json::json!({ "text": "qqq" }),
        )
        .await;
    assert_eq!(v["suggestions"].as_array().unwrap().len(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn imports_under_pool_pressure_commit_with_their_audit_row_or_leave_nothing() {
    // A small pool with a short wait, several workspaces importing at once, three each.
    let app = TestApp::spawn_with_db(|c| {
        c.max_connections = 3;
        c.acquire_timeout = std::time::Duration::from_millis(300);
    })
    .await;
    let mut csv = String::from("full_date,date,weekday,time,mood,activities,note_title,note\n");
    for i in 0..300 {
        let day = chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap() + chrono::Days::new(i);
        csv.push_str(&format!(
            "{day},x,x,08:00,good,work,Day {i},Worked on the plan\n"
        ));
    }
    let mut accounts = Vec::new();
    for i in 0..5 {
        accounts.push(app.register(&format!("p{i}@example.org")).await);
    }
    let mut calls = Vec::new();
    for a in &accounts {
        for k in 0..3 {
            // Each call its own file: the same file twice would be written once.
            let csv = csv.replace("Worked on the plan", &format!("Worked on plan {k}"));
            let app = &app;
            calls.push(async move {
                let (s, r) = upload(app, a, "", "text/csv", csv.into_bytes()).await;
                if s == StatusCode::OK {
                    assert_eq!(r["written"], true, "{r}");
                }
                (a.tenant_id.clone(), s)
            });
        }
    }
    let answers = futures::future::join_all(calls).await;
    let mut committed = std::collections::HashMap::<String, i64>::new();
    for (tenant, s) in &answers {
        assert!(
            [
                StatusCode::OK,
                StatusCode::TOO_MANY_REQUESTS,
                StatusCode::SERVICE_UNAVAILABLE
            ]
            .contains(s),
            "{s}"
        );
        if *s == StatusCode::OK {
            *committed.entry(tenant.clone()).or_default() += 1;
        }
    }
    let statuses: Vec<u16> = answers.iter().map(|(_, s)| s.as_u16()).collect();
    eprintln!("answers under pressure: {statuses:?}");
    assert!(!committed.is_empty(), "some imports went through");
    for a in &accounts {
        let ok = committed.get(&a.tenant_id).copied().unwrap_or(0);
        let schema = format!("t_{}", a.tenant_id.replace('-', ""));
        // Forced row-level security applies to the tables' owner too: scope the count.
        let mut tx = app.tdb.db.owner().begin().await.unwrap();
        sqlx::query("SELECT set_config('app.tenant_id', $1, true)")
            .bind(&a.tenant_id)
            .execute(&mut *tx)
            .await
            .unwrap();
        let rows: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {schema}.events"))
            .fetch_one(&mut *tx)
            .await
            .unwrap();
        let audited = app
            .count(&format!(
                "SELECT count(*) FROM platform.audit_events WHERE tenant_id = '{}' AND event_type = 'events.imported'",
                a.tenant_id
            ))
            .await;
        assert_eq!(
            rows,
            300 * ok,
            "{}: rows of exactly the 2xx imports",
            a.email
        );
        assert_eq!(audited, ok, "{}: one audit row per 2xx import", a.email);
    }
}

#[tokio::test]
async fn a_report_quoting_the_file_stays_printable() {
    let app = TestApp::spawn().await;
    let a = app.register("a@example.org").await;
    // A key with a C1 control character: the reason quotes it, escaped.
    let body = "[{\"ti\u{85}tle\": \"x\"}]";
    let (s, v) = upload(
        &app,
        &a,
        "?dryRun=true&format=json",
        "application/json",
        body.as_bytes().to_vec(),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let reason = v["rejections"][0]["reason"].as_str().unwrap();
    assert!(reason.contains("ti\\u{85}tle"), "{reason}");
    assert!(!reason.chars().any(char::is_control));
}
