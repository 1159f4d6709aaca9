//! Proposing a life area for a text with the classifier of `wisdomos_core::classify`, over the
//! workspace's own areas (their names and descriptions, custom areas included).

use wisdomos_core::classify::{AreaProfile, Classifier};
use wisdomos_core::FieldError;
use wisdomos_db::life_areas::{self, LifeArea};
use wisdomos_db::TenantTx;

use crate::AppError;

/// Longest text the classifier is asked about, in characters.
pub const TEXT_MAX: usize = 10_000;

/// The classifier over `areas`.
pub fn classifier(areas: &[LifeArea]) -> Classifier {
    let profiles: Vec<AreaProfile> = areas
        .iter()
        .map(|a| AreaProfile {
            slug: a.slug.clone(),
            name: a.name.clone(),
            description: a.description.clone().unwrap_or_default(),
        })
        .collect();
    Classifier::new(&profiles)
}

/// Up to `n` of the workspace's active areas for `text`, best first, each with its confidence
/// 0–1 (docs/import.md). Errors: `text` `too_long` past [`TEXT_MAX`] characters.
pub async fn suggest_areas(
    tx: &mut TenantTx,
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
    Ok(classifier(&areas)
        .suggest(text, n)
        .into_iter()
        .filter_map(|s| {
            let a = areas.iter().find(|a| a.slug == s.slug)?;
            Some((a.clone(), s.confidence))
        })
        .collect())
}
