//! Proposing a life area for a text over the workspace's own areas (their names and
//! descriptions, custom areas included): by meaning with the semantic engine when a model is
//! loaded (`wisdomos_core::classify_semantic`), else by keywords (`wisdomos_core::classify`).

use std::collections::HashMap;
use std::sync::Mutex;

use wisdomos_core::classify::{AreaProfile, Classifier, Suggestion};
use wisdomos_core::classify_semantic::{prototype_texts, Blend, SemanticClassifier};
use wisdomos_core::FieldError;
use wisdomos_db::life_areas::{self, LifeArea};
use wisdomos_db::TenantTx;
use wisdomos_engine::Engine;

use crate::knowledge::KnowledgeEngine;
use crate::AppError;

/// Longest text the classifier is asked about, in characters.
pub const TEXT_MAX: usize = 10_000;
/// Most prototype embeddings the process keeps (about 1.5 KiB each).
const PROTOTYPES_MAX: usize = 20_000;

/// Embeddings of prototype texts (area names, descriptions and examples; element descriptions;
/// prohibited topics) by text, shared by the process so a request embeds only its own text.
#[derive(Debug, Default)]
pub struct PrototypeCache {
    known: Mutex<HashMap<String, Vec<f32>>>,
    /// Held while missing texts are embedded, so requests arriving together embed them once.
    filling: tokio::sync::Mutex<()>,
}

impl PrototypeCache {
    fn missing(&self, texts: &[String]) -> Result<Vec<String>, AppError> {
        let known = self.known.lock().map_err(|_| poisoned())?;
        // Two areas may share a text (a custom area named like a seeded one): once.
        let distinct: std::collections::BTreeSet<&String> =
            texts.iter().filter(|t| !known.contains_key(*t)).collect();
        Ok(distinct.into_iter().cloned().collect())
    }

    /// The embeddings of `texts`, embedding only those not yet known.
    pub(crate) async fn embed(
        &self,
        engine: &Engine,
        texts: Vec<String>,
    ) -> Result<Vec<Vec<f32>>, AppError> {
        if !self.missing(&texts)?.is_empty() {
            let _filling = self.filling.lock().await;
            let missing = self.missing(&texts)?;
            if !missing.is_empty() {
                let vectors = engine
                    .embed(missing.clone())
                    .await
                    .map_err(|e| AppError::Internal(format!("embedding prototypes: {e}")))?;
                let mut known = self.known.lock().map_err(|_| poisoned())?;
                if known.len() + missing.len() > PROTOTYPES_MAX {
                    known.clear();
                }
                known.extend(missing.into_iter().zip(vectors));
            }
        }
        let known = self.known.lock().map_err(|_| poisoned())?;
        texts
            .iter()
            .map(|t| known.get(t).cloned().ok_or_else(poisoned))
            .collect()
    }
}

fn poisoned() -> AppError {
    AppError::Internal("prototype cache unavailable".into())
}

/// The classifier a workspace's areas get: by meaning when the engine has a model.
#[derive(Debug, Clone)]
pub enum AreaClassifier {
    Keywords(Classifier),
    Meaning(SemanticClassifier),
}

fn profiles(areas: &[LifeArea]) -> Vec<AreaProfile> {
    areas
        .iter()
        .map(|a| AreaProfile {
            slug: a.slug.clone(),
            name: a.name.clone(),
            description: a.description.clone().unwrap_or_default(),
        })
        .collect()
}

/// The keyword classifier over `areas`.
pub fn keyword_classifier(areas: &[LifeArea]) -> Classifier {
    Classifier::new(&profiles(areas))
}

/// The classifier over `areas`: by meaning when `ke` has a model and its prototypes embed,
/// else by keywords (an embedding failure is logged, never an error for the caller).
pub async fn classifier(ke: &KnowledgeEngine, areas: &[LifeArea]) -> AreaClassifier {
    let profiles = profiles(areas);
    if ke.engine.has_model() {
        let texts: Vec<String> = profiles.iter().flat_map(prototype_texts).collect();
        match ke.prototypes.embed(&ke.engine, texts).await {
            Ok(v) => {
                if let Some(c) = SemanticClassifier::new(&profiles, v, Blend::default()) {
                    return AreaClassifier::Meaning(c);
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "area prototypes not embedded; classifying by keywords")
            }
        }
    }
    AreaClassifier::Keywords(keyword_classifier(areas))
}

impl AreaClassifier {
    /// `"meaning"` or `"keywords"`.
    pub fn method(&self) -> &'static str {
        match self {
            AreaClassifier::Keywords(_) => "keywords",
            AreaClassifier::Meaning(_) => "meaning",
        }
    }

    /// Up to `n` areas for each of `texts`, best first, with confidences 0–1. By meaning, the
    /// texts are embedded in one batch; if that fails, keywords answer.
    pub async fn suggest_many(
        &self,
        engine: &Engine,
        texts: &[String],
        n: usize,
    ) -> Vec<Vec<Suggestion>> {
        let vectors = match self {
            AreaClassifier::Meaning(_) => embed_texts(engine, texts).await,
            AreaClassifier::Keywords(_) => None,
        };
        self.suggest_embedded(texts, vectors.as_deref(), n)
    }

    /// [`Self::suggest_many`] with the texts' embeddings already made (`None`: by keywords).
    pub fn suggest_embedded(
        &self,
        texts: &[String],
        vectors: Option<&[Vec<f32>]>,
        n: usize,
    ) -> Vec<Vec<Suggestion>> {
        match (self, vectors) {
            (AreaClassifier::Meaning(c), Some(v)) if v.len() == texts.len() => texts
                .iter()
                .zip(v)
                .map(|(t, v)| c.suggest(t, v, n))
                .collect(),
            (AreaClassifier::Meaning(c), _) => {
                texts.iter().map(|t| c.keywords().suggest(t, n)).collect()
            }
            (AreaClassifier::Keywords(k), _) => texts.iter().map(|t| k.suggest(t, n)).collect(),
        }
    }

    /// [`Self::suggest_many`] for one text.
    pub async fn suggest(&self, engine: &Engine, text: &str, n: usize) -> Vec<Suggestion> {
        self.suggest_many(engine, &[text.to_owned()], n)
            .await
            .pop()
            .unwrap_or_default()
    }
}

/// The embeddings of `texts`, or `None` without a model or when inference fails (logged).
pub async fn embed_texts(engine: &Engine, texts: &[String]) -> Option<Vec<Vec<f32>>> {
    if !engine.has_model() || texts.is_empty() {
        return None;
    }
    match engine.embed(texts.to_vec()).await {
        Ok(v) => Some(v),
        Err(e) => {
            tracing::warn!(error = %e, "texts not embedded; classifying by keywords");
            None
        }
    }
}

/// Up to `n` of the workspace's active areas for `text`, best first, each with its confidence
/// 0–1 (docs/import.md). Errors: `text` `too_long` past [`TEXT_MAX`] characters.
pub async fn suggest_areas(
    tx: &mut TenantTx,
    ke: &KnowledgeEngine,
    text: &str,
    n: usize,
) -> Result<Vec<(LifeArea, f64)>, AppError> {
    if text.chars().count() > TEXT_MAX {
        return Err(FieldError::new(
            "text",
            "too_long",
            format!("text must have at most {TEXT_MAX} characters"),
        )
        .into());
    }
    let areas = life_areas::active(tx).await?;
    let found = classifier(ke, &areas)
        .await
        .suggest(&ke.engine, text, n)
        .await;
    Ok(found
        .into_iter()
        .filter_map(|s| {
            let a = areas.iter().find(|a| a.slug == s.slug)?;
            Some((a.clone(), s.confidence))
        })
        .collect())
}
