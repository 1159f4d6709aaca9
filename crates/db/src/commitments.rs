//! Commitments of a tenant (seed 001 `Commitment`), through a [`TenantTx`].

use chrono::{DateTime, Utc};
use sqlx::{Postgres, QueryBuilder};
use uuid::Uuid;

use crate::events::fk_as_not_found;
use crate::{DbError, Keyset, Page, TenantTx};

/// A stored commitment; `status` is a `CommitmentStatus` name.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Commitment {
    pub id: Uuid,
    pub life_area_id: Option<Uuid>,
    pub event_id: Option<Uuid>,
    pub insight_id: Option<Uuid>,
    pub statement: String,
    pub intention: String,
    pub measurable: Option<String>,
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
    pub reviewed_at: Option<DateTime<Utc>>,
}

/// Fields of a commitment, validated by the caller.
#[derive(Debug, Clone)]
pub struct CommitmentFields {
    pub life_area_id: Option<Uuid>,
    pub event_id: Option<Uuid>,
    pub insight_id: Option<Uuid>,
    pub statement: String,
    pub intention: String,
    pub measurable: Option<String>,
}

const COLUMNS: &str =
    "id, life_area_id, event_id, insight_id, statement, intention, measurable, status, created_at, updated_at, completed_at, reviewed_at";

/// Inserts an ACTIVE commitment. Errors: [`DbError::NotFound`] when a referenced area, event or
/// insight does not exist.
pub async fn create(
    tx: &mut TenantTx,
    f: &CommitmentFields,
    now: DateTime<Utc>,
) -> Result<Commitment, DbError> {
    let r = sqlx::query_as(&format!(
        "INSERT INTO commitments (life_area_id, event_id, insight_id, statement, intention, measurable, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING {COLUMNS}"
    ))
    .bind(f.life_area_id)
    .bind(f.event_id)
    .bind(f.insight_id)
    .bind(&f.statement)
    .bind(&f.intention)
    .bind(&f.measurable)
    .bind(now)
    .fetch_one(tx.conn())
    .await;
    fk_as_not_found(r)
}

/// One commitment, locked for update when `lock`. Errors: [`DbError::NotFound`].
pub async fn get(tx: &mut TenantTx, id: Uuid, lock: bool) -> Result<Commitment, DbError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM commitments WHERE id = $1{}",
        if lock { " FOR UPDATE" } else { "" }
    );
    Ok(sqlx::query_as(&sql).bind(id).fetch_one(tx.conn()).await?)
}

/// Stores the new text fields, status and timestamps of a commitment.
pub async fn save(
    tx: &mut TenantTx,
    c: &Commitment,
    now: DateTime<Utc>,
) -> Result<Commitment, DbError> {
    let r = sqlx::query_as(&format!(
        "UPDATE commitments SET life_area_id = $2, statement = $3, intention = $4, measurable = $5, status = $6,
                completed_at = $7, reviewed_at = $8, updated_at = $9
         WHERE id = $1 RETURNING {COLUMNS}"
    ))
    .bind(c.id)
    .bind(c.life_area_id)
    .bind(&c.statement)
    .bind(&c.intention)
    .bind(&c.measurable)
    .bind(&c.status)
    .bind(c.completed_at)
    .bind(c.reviewed_at)
    .bind(now)
    .fetch_one(tx.conn())
    .await;
    fk_as_not_found(r)
}

/// Deletes a commitment and returns it. Errors: [`DbError::NotFound`].
pub async fn delete(tx: &mut TenantTx, id: Uuid) -> Result<Commitment, DbError> {
    Ok(sqlx::query_as(&format!(
        "DELETE FROM commitments WHERE id = $1 RETURNING {COLUMNS}"
    ))
    .bind(id)
    .fetch_one(tx.conn())
    .await?)
}

/// Commitments, newest first, optionally of one status and/or area.
pub async fn list(
    tx: &mut TenantTx,
    status: Option<&'static str>,
    life_area_id: Option<Uuid>,
    before: Option<Keyset>,
    limit: i64,
) -> Result<Page<Commitment>, DbError> {
    let mut qb: QueryBuilder<Postgres> =
        QueryBuilder::new(format!("SELECT {COLUMNS} FROM commitments WHERE true"));
    if let Some(s) = status {
        qb.push(" AND status = ").push_bind(s);
    }
    if let Some(a) = life_area_id {
        qb.push(" AND life_area_id = ").push_bind(a);
    }
    if let Some((at, id)) = before {
        qb.push(" AND (created_at, id) < (")
            .push_bind(at)
            .push(", ")
            .push_bind(id)
            .push(")");
    }
    qb.push(" ORDER BY created_at DESC, id DESC LIMIT ")
        .push_bind(limit + 1);
    Ok(Page::from_overfetch(
        qb.build_query_as().fetch_all(tx.conn()).await?,
        limit,
    ))
}
