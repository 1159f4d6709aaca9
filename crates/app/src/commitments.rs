//! Commitments (seed 001 `Commitment`): promises with a status lifecycle. Making, changing the
//! status of, moving or deleting one recomputes the area(s) it counts in, in the same
//! transaction.

use chrono::{DateTime, Utc};
use uuid::Uuid;
use wisdomos_core::event::{rules, CommitmentStatus};
use wisdomos_core::validation::bounded_text;
use wisdomos_core::{FieldError, ValidationErrors};
use wisdomos_db::commitments::{self, Commitment, CommitmentFields};
use wisdomos_db::{insights, life_areas, DbError, TenantTx};

use crate::areas;
use crate::AppError;

/// Longest statement, in characters.
pub const STATEMENT_MAX: usize = 2000;

/// A new commitment as given; `area` is an id or slug.
#[derive(Debug, Clone, Default)]
pub struct NewCommitment {
    pub area: Option<String>,
    pub event_id: Option<Uuid>,
    /// Making a commitment of an insight marks the insight applied (seed 001
    /// `InsightIntegrationFlow`).
    pub insight_id: Option<Uuid>,
    /// 1–2,000 characters.
    pub statement: String,
    pub intention: Option<String>,
    pub measurable: Option<String>,
}

/// Changes to a commitment; `None` keeps a field. An empty `measurable` clears it, an empty
/// `area` detaches the commitment from its area.
#[derive(Debug, Clone, Default)]
pub struct CommitmentChanges {
    pub statement: Option<String>,
    pub intention: Option<String>,
    pub measurable: Option<String>,
    pub area: Option<String>,
    /// Allowed moves: `CommitmentStatus::can_become`; others are refused with the conflict
    /// `invalid_transition`.
    pub status: Option<CommitmentStatus>,
}

fn statement(s: &str) -> Result<String, FieldError> {
    bounded_text("statement", s, 1, STATEMENT_MAX)
}

/// Records an ACTIVE commitment and recomputes its area. Errors: validation of `statement`,
/// `intention`, `measurable`, `lifeAreaId`, and `eventId` when it or `insightId` names
/// nothing in this workspace.
pub async fn create(
    tx: &mut TenantTx,
    req: &NewCommitment,
    now: DateTime<Utc>,
) -> Result<Commitment, AppError> {
    let mut errs = ValidationErrors::default();
    let stmt = errs.check(statement(&req.statement));
    let intention = errs.check(rules::text(
        "intention",
        req.intention.as_deref().unwrap_or(""),
        rules::TEXT_MAX,
    ));
    let measurable = errs.optional(
        req.measurable
            .as_deref()
            .map(|m| rules::text("measurable", m, rules::TEXT_MAX)),
    );
    errs.finish()?;
    let (Some(stmt), Some(intention)) = (stmt, intention) else {
        return Err(AppError::Internal(
            "validation passed without values".into(),
        ));
    };
    let life_area_id = areas::resolve(tx, "lifeAreaId", req.area.as_deref()).await?;
    let f = CommitmentFields {
        life_area_id,
        event_id: req.event_id,
        insight_id: req.insight_id,
        statement: stmt,
        intention,
        measurable: measurable.filter(|m| !m.is_empty()),
    };
    let c = commitments::create(tx, &f, now)
        .await
        .map_err(|e| match e {
            DbError::NotFound => FieldError::new(
                "eventId",
                "unknown_reference",
                "eventId or insightId names nothing in this workspace",
            )
            .into(),
            other => AppError::from(other),
        })?;
    if let Some(a) = c.life_area_id {
        life_areas::recompute(tx, a, now).await?;
    }
    if let Some(insight_id) = c.insight_id {
        let mut i = insights::get(tx, insight_id).await?;
        if !i.applied {
            i.applied = true;
            i.applied_at = Some(now);
            insights::save(tx, &i, now).await?;
        }
    }
    Ok(c)
}

/// Changes commitment `id`; a status change sets `reviewed_at` (and `completed_at`) and every
/// change recomputes the old and the new area. Errors: not found; validation;
/// `AppError::Conflict("invalid_transition")`.
pub async fn update(
    tx: &mut TenantTx,
    id: Uuid,
    req: &CommitmentChanges,
    now: DateTime<Utc>,
) -> Result<Commitment, AppError> {
    let mut errs = ValidationErrors::default();
    let stmt = errs.optional(req.statement.as_deref().map(statement));
    let intention = errs.optional(
        req.intention
            .as_deref()
            .map(|i| rules::text("intention", i, rules::TEXT_MAX)),
    );
    let measurable = errs.optional(
        req.measurable
            .as_deref()
            .map(|m| rules::text("measurable", m, rules::TEXT_MAX)),
    );
    errs.finish()?;
    let mut c = commitments::get(tx, id, true).await?;
    let old_area = c.life_area_id;
    if let Some(s) = stmt {
        c.statement = s;
    }
    if let Some(i) = intention {
        c.intention = i;
    }
    if let Some(m) = measurable {
        c.measurable = (!m.is_empty()).then_some(m);
    }
    match req.area.as_deref().map(str::trim) {
        Some("") => c.life_area_id = None,
        Some(a) => c.life_area_id = areas::resolve(tx, "lifeAreaId", Some(a)).await?,
        None => {}
    }
    if let Some(to) = req.status {
        let from = CommitmentStatus::parse(&c.status)
            .ok_or_else(|| AppError::Internal(format!("stored status {} unreadable", c.status)))?;
        if !from.can_become(to) {
            return Err(AppError::Conflict("invalid_transition"));
        }
        if from != to {
            c.status = to.as_str().to_owned();
            c.reviewed_at = Some(now);
            if to.is_completed() {
                c.completed_at = c.completed_at.or(Some(now));
            } else {
                c.completed_at = None;
            }
        }
    }
    let c = commitments::save(tx, &c, now).await?;
    for area in [old_area, c.life_area_id]
        .into_iter()
        .flatten()
        .collect::<std::collections::BTreeSet<_>>()
    {
        life_areas::recompute(tx, area, now).await?;
    }
    Ok(c)
}

/// Marks commitment `id` reviewed now (its next review falls due 7 days later).
pub async fn review(
    tx: &mut TenantTx,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<Commitment, AppError> {
    let mut c = commitments::get(tx, id, true).await?;
    c.reviewed_at = Some(now);
    Ok(commitments::save(tx, &c, now).await?)
}

/// Deletes commitment `id` and recomputes its area; returns it. Errors: not found.
pub async fn delete(
    tx: &mut TenantTx,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<Commitment, AppError> {
    let c = commitments::delete(tx, id).await?;
    if let Some(a) = c.life_area_id {
        life_areas::recompute(tx, a, now).await?;
    }
    Ok(c)
}
