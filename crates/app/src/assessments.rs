//! Self-assessments: rating the life areas sets their baselines and moves their scores at once.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use uuid::Uuid;
use wisdomos_core::assessment;
use wisdomos_core::{FieldError, ValidationErrors};
use wisdomos_db::assessments::{self, Assessment};
use wisdomos_db::life_areas::{self, LifeArea};
use wisdomos_db::TenantTx;

use crate::AppError;

/// Records an assessment: `ratings` maps area slugs to 0–100. Areas left out keep their
/// baseline; each rated area's baseline becomes its rating and its score is recomputed in the
/// same transaction. Returns the stored assessment and every area as it now stands.
///
/// Errors: [`AppError::Validation`] naming `ratings` (empty) or `ratings.<slug>` (unknown area,
/// rating outside 0–100), every one collected.
pub async fn assess(
    tx: &mut TenantTx,
    actor: Uuid,
    ratings: &BTreeMap<String, i64>,
    now: DateTime<Utc>,
) -> Result<(Assessment, Vec<LifeArea>), AppError> {
    let areas = life_areas::list(tx, &Default::default()).await?;
    let mut errs = ValidationErrors::default();
    if ratings.is_empty() {
        errs.0.push(FieldError::new(
            "ratings",
            "required",
            "rate at least one life area",
        ));
    }
    let mut checked = Vec::with_capacity(ratings.len());
    for (slug, value) in ratings {
        let field = format!("ratings.{slug}");
        let rating = errs.check(assessment::rating(&field, *value));
        match (areas.iter().find(|a| &a.slug == slug), rating) {
            (Some(area), Some(r)) => checked.push((area.id, r)),
            (None, _) => errs.0.push(FieldError::new(
                &field,
                "unknown_life_area",
                format!("there is no life area {slug} in this workspace"),
            )),
            _ => {}
        }
    }
    errs.finish()?;
    // Lock in id order, as every multi-area recomputation does.
    checked.sort_by_key(|(id, _)| *id);
    let id = assessments::record(tx, actor, &checked, now).await?;
    for (area, _) in &checked {
        life_areas::recompute(tx, *area, now).await?;
    }
    let stored = assessments::get(tx, id).await?;
    Ok((stored, life_areas::list(tx, &Default::default()).await?))
}

/// The workspace's assessments, newest first (at most `limit`).
pub async fn history(tx: &mut TenantTx, limit: i64) -> Result<Vec<Assessment>, AppError> {
    Ok(assessments::list(tx, limit).await?)
}
