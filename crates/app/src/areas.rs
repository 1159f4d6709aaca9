//! Life-area lookups and score recomputations that several use cases share.

use chrono::{DateTime, Utc};
use uuid::Uuid;
use wisdomos_core::FieldError;
use wisdomos_db::{found, life_areas, TenantTx};

use crate::AppError;

/// One area's score before and after a change, 0–100 each.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreChange {
    pub life_area_id: Uuid,
    pub previous_score: f64,
    pub updated_score: f64,
    /// An `AreaStatus` name (`CRISIS` … `FLOURISHING`).
    pub status: String,
}

/// The id of the area `key` (id or slug) names; `None` when `key` is `None`.
/// Errors: validation `unknown_life_area` on `field`.
pub async fn resolve(
    tx: &mut TenantTx,
    field: &str,
    key: Option<&str>,
) -> Result<Option<Uuid>, AppError> {
    match key {
        None => Ok(None),
        Some(k) => match found(life_areas::get(tx, k).await)? {
            Some(area) => Ok(Some(area.id)),
            None => Err(unknown_life_area(field).into()),
        },
    }
}

/// The error of `field` when it names a life area the workspace lacks (`unknown_life_area`).
pub fn unknown_life_area(field: &str) -> FieldError {
    FieldError::new(
        field,
        "unknown_life_area",
        format!("{field} names no life area of this workspace"),
    )
}

/// Recomputes area `id` now and says how its score moved.
pub async fn recompute(
    tx: &mut TenantTx,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<ScoreChange, AppError> {
    let (previous, b) = life_areas::recompute(tx, id, now).await?;
    Ok(ScoreChange {
        life_area_id: id,
        previous_score: previous,
        updated_score: b.score,
        status: b.status.as_str().to_owned(),
    })
}
