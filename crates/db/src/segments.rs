//! An organisation's computed segments (operator console, tenant table `segments`), replaced
//! whole on each recomputation, through its [`TenantTx`].

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::{DbError, TenantTx};

/// A stored segment.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Segment {
    pub id: Uuid,
    /// `community`, `engagement` or `role`.
    pub kind: String,
    pub name: String,
    pub participant_ids: Vec<Uuid>,
    pub computed_at: DateTime<Utc>,
}

/// Every segment, by kind and name.
pub async fn all(tx: &mut TenantTx) -> Result<Vec<Segment>, DbError> {
    Ok(sqlx::query_as(
        "SELECT id, kind, name, participant_ids, computed_at FROM segments ORDER BY kind, name, id",
    )
    .fetch_all(tx.conn())
    .await?)
}

/// Whether any segment is stored (they are computed on first use).
pub async fn exist(tx: &mut TenantTx) -> Result<bool, DbError> {
    Ok(sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM segments)")
        .fetch_one(tx.conn())
        .await?)
}

/// Replaces every segment with `segments` (their `computed_at` is set to `now`).
pub async fn replace(
    tx: &mut TenantTx,
    segments: &[Segment],
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    sqlx::query("DELETE FROM segments")
        .execute(tx.conn())
        .await?;
    for s in segments {
        sqlx::query(
            "INSERT INTO segments (id, kind, name, participant_ids, computed_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(s.id)
        .bind(&s.kind)
        .bind(&s.name)
        .bind(&s.participant_ids)
        .bind(now)
        .execute(tx.conn())
        .await?;
    }
    Ok(())
}

/// The workspace's engagement thresholds in days `(cooling, dormant)`; the defaults (14, 45)
/// until set.
pub async fn thresholds(tx: &mut TenantTx) -> Result<(i64, i64), DbError> {
    let row: Option<(i32, i32)> =
        sqlx::query_as("SELECT cooling_after_days, dormant_after_days FROM console_settings")
            .fetch_optional(tx.conn())
            .await?;
    Ok(row.map_or((14, 45), |(c, d)| (i64::from(c), i64::from(d))))
}
