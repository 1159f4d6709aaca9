//! The life-area classifier by meaning: zero-shot nearest prototypes over sentence embeddings,
//! blended with the keyword model of [`crate::classify`].
//!
//! Every area has prototype texts ([`prototype_texts`]): its name, its name with its
//! description, and for the seeded areas the everyday sentences of [`crate::area_examples`].
//! The caller embeds them once (any unit-length sentence embedding; WisdomOS uses MiniLM) and
//! embeds each text to classify. An area's similarity is the mean of its two most similar
//! prototypes' cosines (one stray example cannot carry an area alone). Its score adds the
//! keyword model's score: `s = sim + KEYWORD_WEIGHT × keyword_score`.
//!
//! Confidence is a softmax over the areas' scores at temperature [`TEMPERATURE`] (temperature
//! scaling, Guo et al., "On Calibration of Modern Neural Networks", ICML 2017), so it reads as
//! the probability that the best area is right; the temperature was fitted on half of the
//! labelled ISEAR rows by log-likelihood and checked on the other half (docs/import.md). A text
//! like nothing any area is about (best similarity under [`MIN_SIMILARITY`]) gets no suggestion.

use crate::area_examples::examples;
use crate::classify::{AreaProfile, Classifier, Suggestion};

/// Weight of the keyword model's score in the blend.
pub const KEYWORD_WEIGHT: f64 = 0.2;
/// Softmax temperature of the confidence.
pub const TEMPERATURE: f64 = 0.09;
/// Best similarity under which a text is about no area.
pub const MIN_SIMILARITY: f64 = 0.15;

/// The texts that stand for `area`, in a fixed order (the embeddings passed to
/// [`SemanticClassifier::new`] follow it).
pub fn prototype_texts(area: &AreaProfile) -> Vec<String> {
    let mut texts = vec![area.name.clone()];
    if !area.description.trim().is_empty() {
        texts.push(format!("{}: {}", area.name, area.description));
    }
    texts.extend(examples(&area.slug).iter().map(|e| (*e).to_owned()));
    texts
}

/// Tunable parts of the blend (the defaults are the constants above).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Blend {
    pub keyword_weight: f64,
    pub temperature: f64,
    pub min_similarity: f64,
}

impl Default for Blend {
    fn default() -> Self {
        Self {
            keyword_weight: KEYWORD_WEIGHT,
            temperature: TEMPERATURE,
            min_similarity: MIN_SIMILARITY,
        }
    }
}

/// The classifier over a workspace's areas with their prototype embeddings.
#[derive(Debug, Clone)]
pub struct SemanticClassifier {
    keywords: Classifier,
    slugs: Vec<String>,
    /// Per area, its prototypes' unit vectors.
    prototypes: Vec<Vec<Vec<f32>>>,
    blend: Blend,
}

fn dot(a: &[f32], b: &[f32]) -> f64 {
    a.iter().zip(b).map(|(x, y)| f64::from(x * y)).sum()
}

/// The mean of the two best cosines between `embedding` and `prototypes` (unit vectors); the
/// best alone when there is one prototype, `f64::MIN` when there is none.
pub fn best_two_mean(prototypes: &[Vec<f32>], embedding: &[f32]) -> f64 {
    let (mut a, mut b) = (f64::MIN, f64::MIN);
    for p in prototypes {
        let c = dot(p, embedding);
        if c > a {
            (a, b) = (c, a);
        } else if c > b {
            b = c;
        }
    }
    if b == f64::MIN {
        a
    } else {
        (a + b) / 2.0
    }
}

impl SemanticClassifier {
    /// `embeddings` holds, area after area, one unit vector per text of [`prototype_texts`].
    /// Returns `None` when their number does not match.
    pub fn new(areas: &[AreaProfile], embeddings: Vec<Vec<f32>>, blend: Blend) -> Option<Self> {
        let mut rest = embeddings.into_iter();
        let mut prototypes = Vec::with_capacity(areas.len());
        for a in areas {
            let n = prototype_texts(a).len();
            let v: Vec<Vec<f32>> = rest.by_ref().take(n).collect();
            if v.len() != n {
                return None;
            }
            prototypes.push(v);
        }
        if rest.next().is_some() {
            return None;
        }
        Some(Self {
            keywords: Classifier::new(areas),
            slugs: areas.iter().map(|a| a.slug.clone()).collect(),
            prototypes,
            blend,
        })
    }

    /// The keyword model this classifier blends in.
    pub fn keywords(&self) -> &Classifier {
        &self.keywords
    }

    /// Each area's similarity to `embedding`: the mean of its two best prototype cosines.
    pub fn similarities(&self, embedding: &[f32]) -> Vec<f64> {
        self.prototypes
            .iter()
            .map(|protos| best_two_mean(protos, embedding))
            .collect()
    }

    /// Areas for `text` (whose embedding is `embedding`), best first, at most `n`, each with
    /// its score and calibrated confidence (softmax probability, 0–1, rounded to 0.001).
    /// Empty when the text is about no area.
    pub fn suggest(&self, text: &str, embedding: &[f32], n: usize) -> Vec<Suggestion> {
        let sims = self.similarities(embedding);
        if sims.iter().all(|s| *s < self.blend.min_similarity) {
            return Vec::new();
        }
        let mut scores = sims;
        for k in self.keywords.suggest(text, self.slugs.len()) {
            if let Some(i) = self.slugs.iter().position(|s| *s == k.slug) {
                scores[i] += self.blend.keyword_weight * k.score;
            }
        }
        let top = scores.iter().copied().fold(f64::MIN, f64::max);
        let weights: Vec<f64> = scores
            .iter()
            .map(|s| ((s - top) / self.blend.temperature).exp())
            .collect();
        let total: f64 = weights.iter().sum();
        let mut ranked: Vec<usize> = (0..scores.len()).collect();
        ranked.sort_by(|a, b| scores[*b].total_cmp(&scores[*a]).then(a.cmp(b)));
        ranked
            .into_iter()
            .take(n)
            .map(|i| Suggestion {
                slug: self.slugs[i].clone(),
                score: (scores[i] * 1000.0).round() / 1000.0,
                confidence: (weights[i] / total * 1000.0).round() / 1000.0,
            })
            .collect()
    }

    /// The best area for `text` when its confidence reaches `threshold`.
    pub fn classify(&self, text: &str, embedding: &[f32], threshold: f64) -> Option<Suggestion> {
        self.suggest(text, embedding, 1)
            .into_iter()
            .next()
            .filter(|s| s.confidence >= threshold)
    }
}
