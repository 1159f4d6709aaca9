//! Daily metric snapshots of life areas (seed 001 `MetricSnapshot`), through a [`TenantTx`].

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use crate::{life_areas, DbError, TenantTx};

/// A stored snapshot: one area on one local date.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Snapshot {
    pub id: Uuid,
    pub life_area_id: Uuid,
    pub date: NaiveDate,
    pub score: f64,
    pub status: String,
    pub event_count: i32,
    pub upset_count: i32,
    pub breakthrough_count: i32,
    pub notes: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, life_area_id, date, score, status, event_count, upset_count, breakthrough_count, notes, created_at, updated_at";

/// An area's snapshots with `from <= date <= to`, oldest first.
pub async fn list(
    tx: &mut TenantTx,
    life_area_id: Uuid,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<Vec<Snapshot>, DbError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM metric_snapshots
         WHERE life_area_id = $1 AND ($2::date IS NULL OR date >= $2) AND ($3::date IS NULL OR date <= $3)
         ORDER BY date"
    ))
    .bind(life_area_id)
    .bind(from)
    .bind(to)
    .fetch_all(tx.conn())
    .await?)
}

/// Records `date`'s snapshot of every active area with its score as of `at` (computed, not
/// stored on the area: a caught-up snapshot of a past day must not overwrite today's score); a
/// second call for the same date updates the rows. Returns the snapshots.
pub async fn record(
    tx: &mut TenantTx,
    date: NaiveDate,
    at: DateTime<Utc>,
) -> Result<Vec<Snapshot>, DbError> {
    let ids: Vec<Uuid> =
        sqlx::query_scalar("SELECT id FROM life_areas WHERE is_active ORDER BY sort_order")
            .fetch_all(tx.conn())
            .await?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        let b = life_areas::breakdown(tx, id, at).await?;
        let s = sqlx::query_as(&format!(
            "INSERT INTO metric_snapshots (life_area_id, date, score, status, event_count, upset_count, breakthrough_count, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
             ON CONFLICT (tenant_id, life_area_id, date) DO UPDATE SET
                 score = EXCLUDED.score, status = EXCLUDED.status, event_count = EXCLUDED.event_count,
                 upset_count = EXCLUDED.upset_count, breakthrough_count = EXCLUDED.breakthrough_count, updated_at = EXCLUDED.updated_at
             RETURNING {COLUMNS}"
        ))
        .bind(id)
        .bind(date)
        .bind(b.score)
        .bind(b.status.as_str())
        .bind(b.event_count as i32)
        .bind(b.upset_count as i32)
        .bind(b.breakthrough_count as i32)
        .bind(at)
        .fetch_one(tx.conn())
        .await?;
        out.push(s);
    }
    Ok(out)
}

/// The overall score of each day with `date >= from` that has snapshots: the mean of the
/// active areas' snapshot scores that day (the Display's overall score, day by day), oldest
/// first. Each value is 0–100.
pub async fn overall(tx: &mut TenantTx, from: NaiveDate) -> Result<Vec<(NaiveDate, f64)>, DbError> {
    Ok(sqlx::query_as(
        "SELECT s.date, avg(s.score)::float8 FROM metric_snapshots s
         JOIN life_areas a ON a.id = s.life_area_id AND a.is_active
         WHERE s.date >= $1 GROUP BY s.date ORDER BY s.date",
    )
    .bind(from)
    .fetch_all(tx.conn())
    .await?)
}
