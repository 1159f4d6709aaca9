//! Recommendations (seed 003 `recommendations`, "Atlas"), through the organisation's
//! [`TenantTx`]. Live ones (`pending`, `accepted`) are unique per `dedup_key`.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::{DbError, Keyset, Page, TenantTx};

/// A stored recommendation.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Recommendation {
    pub id: Uuid,
    /// `participant` or `segment`.
    pub target_type: String,
    pub target_id: Uuid,
    pub suggested_action: String,
    pub reason: String,
    /// 0–1.
    pub confidence: f32,
    /// pending, accepted, dismissed, applied or expired.
    pub status: String,
    pub dedup_key: String,
    /// The rule that made it (`reconnect`, `introduce`, `bridge`, `cooling_segment`).
    pub rule: String,
    /// The intervention applying it makes, as its request (`app::interventions`).
    pub action: serde_json::Value,
    pub intervention_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, target_type, target_id, suggested_action, reason, confidence, status, \
     dedup_key, rule, action, intervention_id, created_at, updated_at";

/// A recommendation to store (pending).
#[derive(Debug, Clone)]
pub struct NewRecommendation<'a> {
    pub target_type: &'a str,
    pub target_id: Uuid,
    pub suggested_action: &'a str,
    pub reason: &'a str,
    pub confidence: f64,
    pub dedup_key: &'a str,
    pub rule: &'a str,
    pub action: &'a serde_json::Value,
}

/// The live (pending or accepted) recommendations.
pub async fn live(tx: &mut TenantTx) -> Result<Vec<Recommendation>, DbError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM recommendations WHERE status IN ('pending', 'accepted')"
    ))
    .fetch_all(tx.conn())
    .await?)
}

/// Keys of recommendations dismissed or applied since `since` (the job does not bring them
/// back while the operator's answer is recent).
pub async fn recently_closed_keys(
    tx: &mut TenantTx,
    since: DateTime<Utc>,
) -> Result<Vec<String>, DbError> {
    Ok(sqlx::query_scalar(
        "SELECT DISTINCT dedup_key FROM recommendations
         WHERE status IN ('dismissed', 'applied') AND updated_at >= $1",
    )
    .bind(since)
    .fetch_all(tx.conn())
    .await?)
}

/// Stores a new pending recommendation.
pub async fn insert(
    tx: &mut TenantTx,
    r: &NewRecommendation<'_>,
    now: DateTime<Utc>,
) -> Result<Recommendation, DbError> {
    Ok(sqlx::query_as(&format!(
        "INSERT INTO recommendations (id, target_type, target_id, suggested_action, reason, confidence,
             status, dedup_key, rule, action, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, $8, $9, $10, $10) RETURNING {COLUMNS}"
    ))
    .bind(Uuid::new_v4())
    .bind(r.target_type)
    .bind(r.target_id)
    .bind(r.suggested_action)
    .bind(r.reason)
    .bind(r.confidence as f32)
    .bind(r.dedup_key)
    .bind(r.rule)
    .bind(r.action)
    .bind(now)
    .fetch_one(tx.conn())
    .await?)
}

/// Brings live recommendation `id` up to date with what the job found now (its people or
/// numbers may have moved); `updated_at` changes only when something did.
pub async fn refresh(
    tx: &mut TenantTx,
    id: Uuid,
    r: &NewRecommendation<'_>,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    sqlx::query(
        "UPDATE recommendations SET suggested_action = $2, reason = $3, confidence = $4, action = $5, updated_at = $6
         WHERE id = $1 AND (suggested_action, reason, confidence, action) IS DISTINCT FROM ($2, $3, $4, $5)",
    )
    .bind(id)
    .bind(r.suggested_action)
    .bind(r.reason)
    .bind(r.confidence as f32)
    .bind(r.action)
    .bind(now)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Marks recommendations `ids` expired (no longer true).
pub async fn expire(tx: &mut TenantTx, ids: &[Uuid], now: DateTime<Utc>) -> Result<u64, DbError> {
    Ok(sqlx::query(
        "UPDATE recommendations SET status = 'expired', updated_at = $2
         WHERE id = ANY($1) AND status IN ('pending', 'accepted')",
    )
    .bind(ids)
    .bind(now)
    .execute(tx.conn())
    .await?
    .rows_affected())
}

/// Recommendation `id`, locked until the transaction ends. Errors: [`DbError::NotFound`].
pub async fn lock(tx: &mut TenantTx, id: Uuid) -> Result<Recommendation, DbError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM recommendations WHERE id = $1 FOR UPDATE"
    ))
    .bind(id)
    .fetch_one(tx.conn())
    .await?)
}

/// Moves recommendation `id` to `status` (with the intervention applying it made).
pub async fn set_status(
    tx: &mut TenantTx,
    id: Uuid,
    status: &str,
    intervention_id: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<Recommendation, DbError> {
    Ok(sqlx::query_as(&format!(
        "UPDATE recommendations SET status = $2, intervention_id = coalesce($3, intervention_id), updated_at = $4
         WHERE id = $1 RETURNING {COLUMNS}"
    ))
    .bind(id)
    .bind(status)
    .bind(intervention_id)
    .bind(now)
    .fetch_one(tx.conn())
    .await?)
}

/// Which recommendations to list.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub status: Option<String>,
    pub target_type: Option<String>,
    pub target_id: Option<Uuid>,
}

/// Recommendations, most confident first among the newest (keyset on `(created_at, id)`).
pub async fn list(
    tx: &mut TenantTx,
    f: &Filter,
    before: Option<Keyset>,
    limit: i64,
) -> Result<Page<Recommendation>, DbError> {
    let (at, id) = before.map_or((None, None), |(a, i)| (Some(a), Some(i)));
    let rows = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM recommendations
         WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR target_type = $2)
           AND ($3::uuid IS NULL OR target_id = $3)
           AND ($4::timestamptz IS NULL OR (created_at, id) < ($4, $5))
         ORDER BY created_at DESC, id DESC LIMIT $6"
    ))
    .bind(f.status.as_deref())
    .bind(f.target_type.as_deref())
    .bind(f.target_id)
    .bind(at)
    .bind(id)
    .bind(limit + 1)
    .fetch_all(tx.conn())
    .await?;
    Ok(Page::from_overfetch(rows, limit))
}
