#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Element detection as the assistant does it (meaning with the MiniLM model, plus cue words),
//! measured through `POST /api/v1/oracle` on our 75 labelled messages
//! (`testdata/element-labels.csv`, 15 per element, written apart from the element
//! descriptions). The accuracy is printed; the floor asserted is far below it and far above
//! chance (20%), so the test fails when detection breaks, not when it drifts a little.

mod common;

use common::TestApp;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn element_detection_accuracy_is_printed_and_well_above_chance() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../testdata/element-labels.csv"
    );
    let rows: Vec<(String, String)> = csv::Reader::from_path(path)
        .unwrap()
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[0].to_owned(), r[1].to_owned())
        })
        .collect();
    assert_eq!(rows.len(), 75);
    let app = TestApp::spawn_semantic().await;
    let a = app.register("elements@example.org").await;
    let mut conversation: Option<String> = None;
    let (mut hits, mut per) = (0, std::collections::BTreeMap::<String, (u32, u32)>::new());
    for (text, label) in &rows {
        let mut body = json!({"input": text});
        if let Some(id) = &conversation {
            body["conversationId"] = json!(id);
        }
        let (s, r) = app.post("/api/v1/oracle", Some(&a.access), body).await;
        assert_eq!(s, StatusCode::OK, "{r}");
        conversation = r["conversationId"].as_str().map(str::to_owned);
        let hit = r["element"].as_str() == Some(label.as_str());
        hits += u32::from(hit);
        let e = per.entry(label.clone()).or_default();
        e.0 += u32::from(hit);
        e.1 += 1;
    }
    let accuracy = f64::from(hits) / rows.len() as f64;
    let by: Vec<String> = per
        .iter()
        .map(|(e, (h, n))| format!("{e} {h}/{n}"))
        .collect();
    println!(
        "element detection through the oracle: {:.1}% of {} ({}; chance 20%)",
        100.0 * accuracy,
        rows.len(),
        by.join(", ")
    );
    assert!(accuracy >= 0.6, "accuracy {accuracy}");
}
