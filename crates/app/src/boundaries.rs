//! Boundaries and their violation log (seed 001 `Boundary`): set, change, remove, and log or
//! correct violations. Every change to the log recomputes the area's score in the same
//! transaction, so a violation logged by mistake and then removed leaves the score as it was.

use chrono::{DateTime, Utc};
use uuid::Uuid;
use wisdomos_core::event::{rules, BoundaryStatus};
use wisdomos_core::validation::bounded_text;
use wisdomos_core::ValidationErrors;
use wisdomos_db::boundaries::{self, Boundary, Violation};
use wisdomos_db::TenantTx;

use crate::areas::{self, ScoreChange};
use crate::AppError;

/// Longest statement, in characters.
pub const STATEMENT_MAX: usize = 2000;
/// Longest violation note, in characters.
pub const NOTE_MAX: usize = 2000;

/// A new boundary as typed: `area` is an id or slug; empty optional texts are absent.
#[derive(Debug, Clone, Default)]
pub struct NewBoundary {
    pub area: String,
    pub statement: String,
    pub reason: Option<String>,
    pub consequence: Option<String>,
}

/// Changes to a boundary; `None` keeps a field, an empty `consequence` clears it.
#[derive(Debug, Clone, Default)]
pub struct BoundaryChanges {
    pub statement: Option<String>,
    pub reason: Option<String>,
    pub consequence: Option<String>,
    pub status: Option<BoundaryStatus>,
}

/// A violation as typed; `occurred_at` defaults to now and may be at most 24 hours ahead.
#[derive(Debug, Clone, Default)]
pub struct ViolationInput {
    pub occurred_at: Option<DateTime<Utc>>,
    pub note: Option<String>,
}

/// The outcome of a change to the violation log.
#[derive(Debug, Clone)]
pub struct ViolationOutcome {
    pub boundary: Boundary,
    /// The violation written, corrected or removed.
    pub violation: Violation,
    pub score: ScoreChange,
}

/// Sets an ACTIVE boundary. Errors: validation of `statement`, `reason`, `consequence`,
/// `lifeAreaId` (`unknown_life_area`).
pub async fn create(
    tx: &mut TenantTx,
    b: &NewBoundary,
    now: DateTime<Utc>,
) -> Result<Boundary, AppError> {
    let mut errs = ValidationErrors::default();
    let stmt = errs.check(bounded_text("statement", &b.statement, 1, STATEMENT_MAX));
    let reason = errs.check(rules::text(
        "reason",
        b.reason.as_deref().unwrap_or(""),
        rules::TEXT_MAX,
    ));
    let consequence = errs.optional(
        b.consequence
            .as_deref()
            .map(|c| rules::text("consequence", c, rules::TEXT_MAX)),
    );
    let area = if b.area.trim().is_empty() {
        errs.check::<()>(Err(wisdomos_core::FieldError::new(
            "lifeAreaId",
            "required",
            "lifeAreaId is required",
        )));
        None
    } else {
        Some(b.area.trim())
    };
    errs.finish()?;
    let (Some(stmt), Some(reason), Some(area)) = (stmt, reason, area) else {
        return Err(AppError::Internal(
            "validation passed without values".into(),
        ));
    };
    let area = areas::resolve(tx, "lifeAreaId", Some(area))
        .await?
        .ok_or_else(|| areas::unknown_life_area("lifeAreaId"))?;
    let consequence = consequence.filter(|c| !c.is_empty());
    Ok(boundaries::create(tx, area, &stmt, &reason, consequence.as_deref(), now).await?)
}

/// Changes a boundary's text or status. Errors: not found; validation of the texts.
pub async fn update(
    tx: &mut TenantTx,
    id: Uuid,
    c: &BoundaryChanges,
    now: DateTime<Utc>,
) -> Result<Boundary, AppError> {
    let mut errs = ValidationErrors::default();
    let stmt = errs.optional(
        c.statement
            .as_deref()
            .map(|s| bounded_text("statement", s, 1, STATEMENT_MAX)),
    );
    let reason = errs.optional(
        c.reason
            .as_deref()
            .map(|r| rules::text("reason", r, rules::TEXT_MAX)),
    );
    let consequence = errs.optional(
        c.consequence
            .as_deref()
            .map(|v| rules::text("consequence", v, rules::TEXT_MAX)),
    );
    errs.finish()?;
    let mut b = boundaries::get(tx, id).await?;
    if let Some(s) = stmt {
        b.statement = s;
    }
    if let Some(r) = reason {
        b.reason = r;
    }
    if let Some(v) = consequence {
        b.consequence = (!v.is_empty()).then_some(v);
    }
    if let Some(s) = c.status {
        b.status = s.as_str().to_owned();
    }
    Ok(boundaries::save(tx, &b, now).await?)
}

/// Removes a boundary with its violations and recomputes its area.
pub async fn delete(
    tx: &mut TenantTx,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<(Boundary, ScoreChange), AppError> {
    let b = boundaries::delete(tx, id).await?;
    let score = areas::recompute(tx, b.life_area_id, now).await?;
    Ok((b, score))
}

fn violation_fields(
    v: &ViolationInput,
    now: DateTime<Utc>,
) -> Result<(DateTime<Utc>, Option<String>), AppError> {
    let mut errs = ValidationErrors::default();
    let at = errs.check(rules::occurred_at(
        "occurredAt",
        v.occurred_at.unwrap_or(now),
        now,
    ));
    let note = errs.optional(v.note.as_deref().map(|n| rules::text("note", n, NOTE_MAX)));
    errs.finish()?;
    let at = at.ok_or_else(|| AppError::Internal("validation passed without values".into()))?;
    Ok((at, note.filter(|n| !n.is_empty())))
}

/// Logs one violation of boundary `id`; the area's score drops (10 points per violation in
/// the last 30 days, at most 30: docs/scores.md). Errors: not found; validation of
/// `occurredAt`, `note`.
pub async fn log_violation(
    tx: &mut TenantTx,
    id: Uuid,
    v: &ViolationInput,
    now: DateTime<Utc>,
) -> Result<ViolationOutcome, AppError> {
    let (at, note) = violation_fields(v, now)?;
    let (boundary, violation) = boundaries::add_violation(tx, id, at, note.as_deref(), now).await?;
    let score = areas::recompute(tx, boundary.life_area_id, now).await?;
    Ok(ViolationOutcome {
        boundary,
        violation,
        score,
    })
}

/// Corrects the time or note of violation `vid` of boundary `id`; the boundary's count and
/// latest violation and the area's score follow. Absent fields keep their value; an empty note
/// clears it. Errors: not found; validation as [`log_violation`].
pub async fn correct_violation(
    tx: &mut TenantTx,
    id: Uuid,
    vid: Uuid,
    v: &ViolationInput,
    now: DateTime<Utc>,
) -> Result<ViolationOutcome, AppError> {
    let mut current = boundaries::violation(tx, id, vid).await?;
    let (at, note) = violation_fields(
        &ViolationInput {
            occurred_at: Some(v.occurred_at.unwrap_or(current.occurred_at)),
            note: v.note.clone(),
        },
        now,
    )?;
    current.occurred_at = at;
    if v.note.is_some() {
        current.note = note;
    }
    let (boundary, violation) = boundaries::save_violation(tx, &current, now).await?;
    let score = areas::recompute(tx, boundary.life_area_id, now).await?;
    Ok(ViolationOutcome {
        boundary,
        violation,
        score,
    })
}

/// Removes violation `vid` of boundary `id` (logged by mistake); the score recovers.
pub async fn delete_violation(
    tx: &mut TenantTx,
    id: Uuid,
    vid: Uuid,
    now: DateTime<Utc>,
) -> Result<ViolationOutcome, AppError> {
    let (boundary, violation) = boundaries::delete_violation(tx, id, vid, now).await?;
    let score = areas::recompute(tx, boundary.life_area_id, now).await?;
    Ok(ViolationOutcome {
        boundary,
        violation,
        score,
    })
}
