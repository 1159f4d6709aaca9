//! Boundaries of a tenant and their violations (seed 001 `Boundary`), through a [`TenantTx`].

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::events::fk_as_not_found;
use crate::{DbError, Keyset, Page, TenantTx};

/// A stored boundary; `status` is a `BoundaryStatus` name.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Boundary {
    pub id: Uuid,
    pub life_area_id: Uuid,
    pub statement: String,
    pub reason: String,
    pub consequence: Option<String>,
    pub status: String,
    pub last_violated_at: Option<DateTime<Utc>>,
    pub violation_count: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One logged violation.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Violation {
    pub id: Uuid,
    pub boundary_id: Uuid,
    pub occurred_at: DateTime<Utc>,
    pub note: Option<String>,
    pub created_at: DateTime<Utc>,
}

const COLUMNS: &str =
    "id, life_area_id, statement, reason, consequence, status, last_violated_at, violation_count, created_at, updated_at";

/// Inserts an ACTIVE boundary. Errors: [`DbError::NotFound`] for an unknown area.
pub async fn create(
    tx: &mut TenantTx,
    life_area_id: Uuid,
    statement: &str,
    reason: &str,
    consequence: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Boundary, DbError> {
    let r = sqlx::query_as(&format!(
        "INSERT INTO boundaries (life_area_id, statement, reason, consequence, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $5) RETURNING {COLUMNS}"
    ))
    .bind(life_area_id)
    .bind(statement)
    .bind(reason)
    .bind(consequence)
    .bind(now)
    .fetch_one(tx.conn())
    .await;
    fk_as_not_found(r)
}

/// One boundary. Errors: [`DbError::NotFound`].
pub async fn get(tx: &mut TenantTx, id: Uuid) -> Result<Boundary, DbError> {
    Ok(
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM boundaries WHERE id = $1"))
            .bind(id)
            .fetch_one(tx.conn())
            .await?,
    )
}

/// Stores a boundary's editable fields.
pub async fn save(
    tx: &mut TenantTx,
    b: &Boundary,
    now: DateTime<Utc>,
) -> Result<Boundary, DbError> {
    Ok(sqlx::query_as(&format!(
        "UPDATE boundaries SET statement = $2, reason = $3, consequence = $4, status = $5, updated_at = $6
         WHERE id = $1 RETURNING {COLUMNS}"
    ))
    .bind(b.id)
    .bind(&b.statement)
    .bind(&b.reason)
    .bind(&b.consequence)
    .bind(&b.status)
    .bind(now)
    .fetch_one(tx.conn())
    .await?)
}

/// Deletes a boundary with its violations and returns it. Errors: [`DbError::NotFound`].
pub async fn delete(tx: &mut TenantTx, id: Uuid) -> Result<Boundary, DbError> {
    Ok(sqlx::query_as(&format!(
        "DELETE FROM boundaries WHERE id = $1 RETURNING {COLUMNS}"
    ))
    .bind(id)
    .fetch_one(tx.conn())
    .await?)
}

/// Boundaries, newest first, optionally of one area.
pub async fn list(
    tx: &mut TenantTx,
    life_area_id: Option<Uuid>,
    before: Option<Keyset>,
    limit: i64,
) -> Result<Page<Boundary>, DbError> {
    let (at, id) = before.map_or((None, None), |(a, i)| (Some(a), Some(i)));
    let rows = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM boundaries
         WHERE ($1::uuid IS NULL OR life_area_id = $1) AND ($2::timestamptz IS NULL OR (created_at, id) < ($2, $3))
         ORDER BY created_at DESC, id DESC LIMIT $4"
    ))
    .bind(life_area_id)
    .bind(at)
    .bind(id)
    .bind(limit + 1)
    .fetch_all(tx.conn())
    .await?;
    Ok(Page::from_overfetch(rows, limit))
}

/// Logs a violation and updates `last_violated_at` (the latest violation) and
/// `violation_count`. Errors: [`DbError::NotFound`].
pub async fn add_violation(
    tx: &mut TenantTx,
    boundary_id: Uuid,
    occurred_at: DateTime<Utc>,
    note: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(Boundary, Violation), DbError> {
    let v: Violation = fk_as_not_found(
        sqlx::query_as(
            "INSERT INTO boundary_violations (boundary_id, occurred_at, note, created_at) VALUES ($1, $2, $3, $4)
             RETURNING id, boundary_id, occurred_at, note, created_at",
        )
        .bind(boundary_id)
        .bind(occurred_at)
        .bind(note)
        .bind(now)
        .fetch_one(tx.conn())
        .await,
    )?;
    let b = sqlx::query_as(&format!(
        "UPDATE boundaries SET violation_count = violation_count + 1,
                last_violated_at = greatest(coalesce(last_violated_at, $2), $2), updated_at = $3
         WHERE id = $1 RETURNING {COLUMNS}"
    ))
    .bind(boundary_id)
    .bind(occurred_at)
    .bind(now)
    .fetch_one(tx.conn())
    .await?;
    Ok((b, v))
}

const VIOLATION_COLUMNS: &str = "id, boundary_id, occurred_at, note, created_at";

/// One violation of `boundary_id`. Errors: [`DbError::NotFound`].
pub async fn violation(
    tx: &mut TenantTx,
    boundary_id: Uuid,
    id: Uuid,
) -> Result<Violation, DbError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {VIOLATION_COLUMNS} FROM boundary_violations WHERE boundary_id = $1 AND id = $2"
    ))
    .bind(boundary_id)
    .bind(id)
    .fetch_one(tx.conn())
    .await?)
}

/// Corrects a violation's time and note, then restates the boundary's count and latest
/// violation from the log. Errors: [`DbError::NotFound`].
pub async fn save_violation(
    tx: &mut TenantTx,
    v: &Violation,
    now: DateTime<Utc>,
) -> Result<(Boundary, Violation), DbError> {
    let saved: Violation = sqlx::query_as(&format!(
        "UPDATE boundary_violations SET occurred_at = $3, note = $4
         WHERE boundary_id = $1 AND id = $2 RETURNING {VIOLATION_COLUMNS}"
    ))
    .bind(v.boundary_id)
    .bind(v.id)
    .bind(v.occurred_at)
    .bind(&v.note)
    .fetch_one(tx.conn())
    .await?;
    let b = restate(tx, v.boundary_id, now).await?;
    Ok((b, saved))
}

/// Removes a logged violation (a mistake) and restates the boundary from the log.
/// Errors: [`DbError::NotFound`].
pub async fn delete_violation(
    tx: &mut TenantTx,
    boundary_id: Uuid,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<(Boundary, Violation), DbError> {
    let gone: Violation = sqlx::query_as(&format!(
        "DELETE FROM boundary_violations WHERE boundary_id = $1 AND id = $2 RETURNING {VIOLATION_COLUMNS}"
    ))
    .bind(boundary_id)
    .bind(id)
    .fetch_one(tx.conn())
    .await?;
    let b = restate(tx, boundary_id, now).await?;
    Ok((b, gone))
}

/// Sets `violation_count` and `last_violated_at` from the violations that remain.
async fn restate(
    tx: &mut TenantTx,
    boundary_id: Uuid,
    now: DateTime<Utc>,
) -> Result<Boundary, DbError> {
    Ok(sqlx::query_as(&format!(
        "UPDATE boundaries b SET
            violation_count = (SELECT count(*) FROM boundary_violations v WHERE v.boundary_id = b.id),
            last_violated_at = (SELECT max(occurred_at) FROM boundary_violations v WHERE v.boundary_id = b.id),
            updated_at = $2
         WHERE id = $1 RETURNING {COLUMNS}"
    ))
    .bind(boundary_id)
    .bind(now)
    .fetch_one(tx.conn())
    .await?)
}

/// A boundary's violations, newest first.
pub async fn violations(
    tx: &mut TenantTx,
    boundary_id: Uuid,
    limit: i64,
) -> Result<Vec<Violation>, DbError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {VIOLATION_COLUMNS} FROM boundary_violations
         WHERE boundary_id = $1 ORDER BY occurred_at DESC, id DESC LIMIT $2"
    ))
    .bind(boundary_id)
    .bind(limit)
    .fetch_all(tx.conn())
    .await?)
}
