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

/// Inserts many relationships `(from, to, type, confidence)` with `source` in one statement,
/// leaving out any the organisation already has (same from, to and type); returns how many
/// were written. Errors: [`DbError::NotFound`] when a participant is unknown.
pub async fn create_many(
    tx: &mut TenantTx,
    edges: &[(Uuid, Uuid, &str, f64)],
    source: &str,
    now: DateTime<Utc>,
) -> Result<u64, DbError> {
    let ids: Vec<Uuid> = edges.iter().map(|_| Uuid::new_v4()).collect();
    let from: Vec<Uuid> = edges.iter().map(|e| e.0).collect();
    let to: Vec<Uuid> = edges.iter().map(|e| e.1).collect();
    let kind: Vec<&str> = edges.iter().map(|e| e.2).collect();
    let conf: Vec<f32> = edges.iter().map(|e| e.3 as f32).collect();
    let done = sqlx::query(
        "INSERT INTO relationships (id, from_participant_id, to_participant_id, type, source, confidence_score, created_at)
         SELECT i, f, t, k, $5, c, $6 FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $7::real[]) AS e(i, f, t, k, c)
         ON CONFLICT ON CONSTRAINT relationships_edge_key DO NOTHING",
    )
    .bind(&ids)
    .bind(&from)
    .bind(&to)
    .bind(&kind)
    .bind(source)
    .bind(now)
    .bind(&conf)
    .execute(tx.conn())
    .await
    .map_err(|e| match e.as_database_error().and_then(|d| d.code()).as_deref() {
        Some("23503") => DbError::NotFound,
        _ => e.into(),
    })?;
    Ok(done.rows_affected())
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
