#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The MiniLM embedder: the float graph built from the published weights against reference
//! values from the Python stack (onnxruntime 1.32, the same weights, mean pooling, L2
//! normalisation), and the int8 graph the engine runs against the float one.

use std::sync::Arc;

use wisdomos_engine::graph::Precision;
use wisdomos_engine::minilm::MiniLm;
use wisdomos_engine::{vector::dot, Engine, DIMS};

const TEXTS: [&str; 3] = [
    "Went to the gym before work",
    "Physical exercise and fitness",
    "Got promoted at the office",
];

async fn embed(engine: &Engine) -> Vec<Vec<f32>> {
    let v = engine
        .embed(TEXTS.iter().map(|t| (*t).to_owned()).collect())
        .await
        .unwrap();
    assert_eq!(v.len(), 3);
    assert!(v.iter().all(|e| e.len() == DIMS));
    assert!(v.iter().all(|e| (dot(e, e) - 1.0).abs() < 1e-4));
    v
}

#[tokio::test]
async fn the_float_graph_matches_the_reference() {
    let dir = wisdomos_engine::testing::model_dir();
    let float = Engine::new(
        Arc::new(MiniLm::load_with(&dir, 1, Precision::Float).unwrap()),
        1,
    );
    let v = embed(&float).await;
    let reference = [-0.0178, 0.0199, 0.0204, 0.1070, -0.0070];
    for (got, want) in v[0].iter().zip(reference) {
        assert!((got - want).abs() < 1e-3, "{:?}", &v[0][..5]);
    }
    let (fit, work) = (dot(&v[0], &v[1]), dot(&v[0], &v[2]));
    assert!((fit - 0.3974).abs() < 0.002, "{fit}");
    assert!((work - 0.2962).abs() < 0.002, "{work}");
}

#[tokio::test]
async fn the_int8_graph_stays_close_to_the_float_one_and_ranks_by_meaning() {
    let dir = wisdomos_engine::testing::model_dir();
    let float = Engine::new(
        Arc::new(MiniLm::load_with(&dir, 1, Precision::Float).unwrap()),
        1,
    );
    let int8 = Engine::load_minilm(&dir, 2).unwrap();
    assert!(int8.model().unwrap().contains("int8"));
    let (f, q) = (embed(&float).await, embed(&int8).await);
    for (a, b) in f.iter().zip(&q) {
        assert!(dot(a, b) > 0.98, "int8 vs float cosine {}", dot(a, b));
    }
    let (fit, work) = (dot(&q[0], &q[1]), dot(&q[0], &q[2]));
    assert!(
        fit > work + 0.05,
        "gym is nearer exercise ({fit}) than promotion ({work})"
    );
    // A text gets the same vector alone as among others, and a list longer than one inference
    // call, spread over the two sessions, comes back in its order.
    let many: Vec<String> = (0..3 * wisdomos_engine::PIECE + 1)
        .map(|i| format!("{} (note {i})", TEXTS[i % 3]))
        .collect();
    let together = int8.embed(many.clone()).await.unwrap();
    assert_eq!(together.len(), many.len());
    for (text, among) in many.iter().zip(&together) {
        let alone = int8.embed_one(text).await.unwrap();
        assert!(dot(&alone, among) > 0.99999, "{text}");
    }
}

#[tokio::test]
async fn long_texts_are_cut_at_256_tokens_and_empty_ones_still_embed() {
    let engine = Engine::load_minilm(&wisdomos_engine::testing::model_dir(), 1).unwrap();
    let long = "meditation breathing calm ".repeat(400);
    let v = engine.embed(vec![long, String::new()]).await.unwrap();
    assert_eq!(v.len(), 2);
    assert!((dot(&v[0], &v[0]) - 1.0).abs() < 1e-4);
    assert!((dot(&v[1], &v[1]) - 1.0).abs() < 1e-4);
}

#[tokio::test]
async fn without_a_model_the_engine_says_so() {
    let e = Engine::none();
    assert!(!e.has_model());
    assert!(matches!(
        e.embed_one("x").await,
        Err(wisdomos_engine::EngineError::NoModel)
    ));
    let missing = tempfile::tempdir().unwrap();
    assert!(Engine::load_minilm(missing.path(), 1).is_err());
}
