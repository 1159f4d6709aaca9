//! Insights of a tenant (seed 001 `Insight`), through a [`TenantTx`].

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::events::fk_as_not_found;
use crate::{DbError, Keyset, Page, TenantTx};

/// A stored insight; `insight_type` is an `InsightType` name.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Insight {
    pub id: Uuid,
    pub event_id: Option<Uuid>,
    #[sqlx(rename = "type")]
    pub insight_type: String,
    pub title: String,
    pub description: String,
    pub is_recurring: bool,
    pub frequency: i32,
    pub related_events: Vec<Uuid>,
    pub tags: Vec<String>,
    pub applied: bool,
    pub applied_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Fields of an insight, validated by the caller.
#[derive(Debug, Clone)]
pub struct InsightFields {
    pub event_id: Option<Uuid>,
    pub insight_type: &'static str,
    pub title: String,
    pub description: String,
    pub is_recurring: bool,
    pub frequency: i32,
    pub related_events: Vec<Uuid>,
    pub tags: Vec<String>,
}

const COLUMNS: &str =
    "id, event_id, type, title, description, is_recurring, frequency, related_events, tags, applied, applied_at, created_at, updated_at";

/// Inserts an insight. Errors: [`DbError::NotFound`] for an unknown event.
pub async fn create(
    tx: &mut TenantTx,
    f: &InsightFields,
    now: DateTime<Utc>,
) -> Result<Insight, DbError> {
    fk_as_not_found(
        sqlx::query_as(&format!(
            "INSERT INTO insights (event_id, type, title, description, is_recurring, frequency, related_events, tags, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING {COLUMNS}"
        ))
        .bind(f.event_id)
        .bind(f.insight_type)
        .bind(&f.title)
        .bind(&f.description)
        .bind(f.is_recurring)
        .bind(f.frequency)
        .bind(&f.related_events)
        .bind(&f.tags)
        .bind(now)
        .fetch_one(tx.conn())
        .await,
    )
}

/// One insight. Errors: [`DbError::NotFound`].
pub async fn get(tx: &mut TenantTx, id: Uuid) -> Result<Insight, DbError> {
    Ok(
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM insights WHERE id = $1"))
            .bind(id)
            .fetch_one(tx.conn())
            .await?,
    )
}

/// Replaces an insight's fields and its applied flag.
pub async fn save(tx: &mut TenantTx, i: &Insight, now: DateTime<Utc>) -> Result<Insight, DbError> {
    fk_as_not_found(
        sqlx::query_as(&format!(
            "UPDATE insights SET event_id = $2, type = $3, title = $4, description = $5, is_recurring = $6, frequency = $7,
                    related_events = $8, tags = $9, applied = $10, applied_at = $11, updated_at = $12
             WHERE id = $1 RETURNING {COLUMNS}"
        ))
        .bind(i.id)
        .bind(i.event_id)
        .bind(&i.insight_type)
        .bind(&i.title)
        .bind(&i.description)
        .bind(i.is_recurring)
        .bind(i.frequency)
        .bind(&i.related_events)
        .bind(&i.tags)
        .bind(i.applied)
        .bind(i.applied_at)
        .bind(now)
        .fetch_one(tx.conn())
        .await,
    )
}

/// Deletes an insight and returns it. Errors: [`DbError::NotFound`].
pub async fn delete(tx: &mut TenantTx, id: Uuid) -> Result<Insight, DbError> {
    Ok(sqlx::query_as(&format!(
        "DELETE FROM insights WHERE id = $1 RETURNING {COLUMNS}"
    ))
    .bind(id)
    .fetch_one(tx.conn())
    .await?)
}

/// Insights newest first, optionally only recurring ones.
pub async fn list(
    tx: &mut TenantTx,
    recurring: Option<bool>,
    before: Option<Keyset>,
    limit: i64,
) -> Result<Page<Insight>, DbError> {
    let (at, id) = before.map_or((None, None), |(a, i)| (Some(a), Some(i)));
    let rows = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM insights
         WHERE ($1::boolean IS NULL OR is_recurring = $1) AND ($2::timestamptz IS NULL OR (created_at, id) < ($2, $3))
         ORDER BY created_at DESC, id DESC LIMIT $4"
    ))
    .bind(recurring)
    .bind(at)
    .bind(id)
    .bind(limit + 1)
    .fetch_all(tx.conn())
    .await?;
    Ok(Page::from_overfetch(rows, limit))
}

/// The `n` most recent insights (candidates for suggestions).
pub async fn recent(tx: &mut TenantTx, n: i64) -> Result<Vec<Insight>, DbError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM insights ORDER BY created_at DESC, id DESC LIMIT $1"
    ))
    .bind(n)
    .fetch_all(tx.conn())
    .await?)
}

/// The recurring PATTERN_RECOGNIZED insights (for matching re-detected patterns).
pub async fn patterns(tx: &mut TenantTx) -> Result<Vec<Insight>, DbError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM insights WHERE type = 'PATTERN_RECOGNIZED' AND is_recurring ORDER BY created_at"
    ))
    .fetch_all(tx.conn())
    .await?)
}
