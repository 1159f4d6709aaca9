//! Relationships between an organisation's participants (seed 003 `relationships`), through
//! its [`TenantTx`].

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::{DbError, TenantTx};

/// A stored relationship.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Relationship {
    pub id: Uuid,
    pub from_participant_id: Uuid,
    pub to_participant_id: Uuid,
    #[sqlx(rename = "type")]
    pub kind: String,
    pub source: String,
    pub confidence_score: f32,
    pub created_at: DateTime<Utc>,
}

const COLUMNS: &str =
    "id, from_participant_id, to_participant_id, type, source, confidence_score, created_at";

/// Inserts a relationship. Errors: [`DbError::NotFound`] when either participant is unknown;
/// [`DbError::Conflict`]`("relationship_exists")` for the same pair and type again.
pub async fn create(
    tx: &mut TenantTx,
    from: Uuid,
    to: Uuid,
    kind: &str,
    source: &str,
    confidence: f64,
    now: DateTime<Utc>,
) -> Result<Relationship, DbError> {
    insert(
        tx,
        &Relationship {
            id: Uuid::new_v4(),
            from_participant_id: from,
            to_participant_id: to,
            kind: kind.to_owned(),
            source: source.to_owned(),
            confidence_score: confidence as f32,
            created_at: now,
        },
    )
    .await
}

/// Inserts `r` as it is, id and time included (a removed relationship restored by reversing
/// an intervention). Errors: as [`create`].
pub async fn insert(tx: &mut TenantTx, r: &Relationship) -> Result<Relationship, DbError> {
    sqlx::query_as(&format!(
        "INSERT INTO relationships (id, from_participant_id, to_participant_id, type, source, confidence_score, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {COLUMNS}"
    ))
    .bind(r.id)
    .bind(r.from_participant_id)
    .bind(r.to_participant_id)
    .bind(&r.kind)
    .bind(&r.source)
    .bind(r.confidence_score)
    .bind(r.created_at)
    .fetch_one(tx.conn())
    .await
    .map_err(|e| {
        let db = e.as_database_error();
        match (db.and_then(|d| d.code()).as_deref(), db.and_then(|d| d.constraint())) {
            (Some("23503"), _) => DbError::NotFound,
            (_, Some("relationships_edge_key" | "relationships_pkey")) => {
                DbError::Conflict("relationship_exists")
            }
            _ => e.into(),
        }
    })
}

/// Relationship `id`, locked until the transaction ends; `None` when there is none.
pub async fn lock(tx: &mut TenantTx, id: Uuid) -> Result<Option<Relationship>, DbError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM relationships WHERE id = $1 FOR UPDATE"
    ))
    .bind(id)
    .fetch_optional(tx.conn())
    .await?)
}

/// Every relationship of the organisation.
pub async fn all(tx: &mut TenantTx) -> Result<Vec<Relationship>, DbError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM relationships ORDER BY created_at, id"
    ))
    .fetch_all(tx.conn())
    .await?)
}

/// The relationships touching participant `id`.
pub async fn of(tx: &mut TenantTx, id: Uuid) -> Result<Vec<Relationship>, DbError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM relationships WHERE from_participant_id = $1 OR to_participant_id = $1
         ORDER BY created_at, id"
    ))
    .bind(id)
    .fetch_all(tx.conn())
    .await?)
}

/// Deletes relationship `id`, returning it. Errors: [`DbError::NotFound`].
pub async fn delete(tx: &mut TenantTx, id: Uuid) -> Result<Relationship, DbError> {
    Ok(sqlx::query_as(&format!(
        "DELETE FROM relationships WHERE id = $1 RETURNING {COLUMNS}"
    ))
    .bind(id)
    .fetch_one(tx.conn())
    .await?)
}
