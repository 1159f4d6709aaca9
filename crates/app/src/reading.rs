//! Reading a message with the semantic engine for the assistant: its element (similarity to
//! each element's written descriptions, `wisdomos_core::element_detect`) and its closeness to
//! each prohibited topic (`wisdomos_core::prohibited`). The descriptions and topic sentences
//! are embedded once per process ([`crate::classify::PrototypeCache`]).

use wisdomos_core::classify_semantic::best_two_mean;
use wisdomos_core::element::Element;
use wisdomos_core::element_detect::descriptions;
use wisdomos_core::prohibited;

use crate::knowledge::KnowledgeEngine;
use crate::AppError;

/// The message's embedding, or `None` without a model.
pub async fn embed(ke: &KnowledgeEngine, text: &str) -> Result<Option<Vec<f32>>, AppError> {
    if !ke.engine.has_model() {
        return Ok(None);
    }
    ke.engine
        .embed_one(text)
        .await
        .map(Some)
        .map_err(|e| AppError::Internal(format!("embedding a message: {e}")))
}

/// Each element's similarity (mean of the two best description cosines), in
/// [`Element::ALL`] order.
pub async fn element_similarities(
    ke: &KnowledgeEngine,
    embedding: &[f32],
) -> Result<[f32; 5], AppError> {
    let texts: Vec<String> = Element::ALL
        .iter()
        .flat_map(|e| descriptions(*e).iter().map(|d| (*d).to_owned()))
        .collect();
    let vectors = ke.prototypes.embed(&ke.engine, texts).await?;
    let mut out = [0.0f32; 5];
    let mut rest = vectors.as_slice();
    for (i, e) in Element::ALL.iter().enumerate() {
        let n = descriptions(*e).len();
        let (mine, tail) = rest.split_at(n.min(rest.len()));
        out[i] = best_two_mean(mine, embedding) as f32;
        rest = tail;
    }
    Ok(out)
}

/// The cosine between the message and each topic's sentence
/// ([`prohibited::prototype`]), in order.
pub async fn topic_similarities(
    ke: &KnowledgeEngine,
    embedding: &[f32],
    topics: &[String],
) -> Result<Vec<f32>, AppError> {
    if topics.is_empty() {
        return Ok(Vec::new());
    }
    let texts: Vec<String> = topics.iter().map(|t| prohibited::prototype(t)).collect();
    let vectors = ke.prototypes.embed(&ke.engine, texts).await?;
    Ok(vectors
        .iter()
        .map(|v| v.iter().zip(embedding).map(|(a, b)| a * b).sum())
        .collect())
}
