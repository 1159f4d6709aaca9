//! The MiniLM embedder against reference values from the Python stack (onnxruntime 1.32 with
//! the same int8 model and tokenizer, mean pooling, L2 normalisation).

use wisdomos_engine::{vector::dot, Engine, DIMS};

#[tokio::test]
async fn embeddings_match_the_reference_and_rank_by_meaning() {
    let engine = Engine::load_minilm(&wisdomos_engine::testing::model_dir(), 2).unwrap();
    let v = engine
        .embed(vec![
            "Went to the gym before work".into(),
            "Physical exercise and fitness".into(),
            "Got promoted at the office".into(),
        ])
        .await
        .unwrap();
    assert_eq!(v.len(), 3);
    assert!(v.iter().all(|e| e.len() == DIMS));
    assert!(v.iter().all(|e| (dot(e, e) - 1.0).abs() < 1e-4));
    let reference = [-0.0200, 0.0193, 0.0220, 0.1037, -0.0065];
    for (got, want) in v[0].iter().zip(reference) {
        assert!((got - want).abs() < 2e-3, "{:?}", &v[0][..5]);
    }
    let (fit, work) = (dot(&v[0], &v[1]), dot(&v[0], &v[2]));
    assert!((fit - 0.393).abs() < 0.01, "{fit}");
    assert!((work - 0.298).abs() < 0.01, "{work}");
    // A batch gives what one text alone gives, whatever the padding around it.
    let alone = engine
        .embed_one("Got promoted at the office")
        .await
        .unwrap();
    assert!(dot(&alone, &v[2]) > 0.9999);
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
