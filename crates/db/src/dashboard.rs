//! What the dashboard reads (seed 001 §IV `GET /dashboard`), through a [`TenantTx`].

use chrono::{DateTime, Duration, Utc};

use crate::commitments::Commitment;
use crate::events::{self, Event};
use crate::life_areas::{self, LifeArea};
use crate::{DbError, TenantTx};

/// Days after the last review (or creation) that a commitment's review falls due.
pub const REVIEW_INTERVAL_DAYS: i64 = 7;

/// When `c`'s next review falls due: its last review, or its creation, plus
/// [`REVIEW_INTERVAL_DAYS`].
pub fn review_due(c: &Commitment) -> DateTime<Utc> {
    c.reviewed_at.unwrap_or(c.created_at) + Duration::days(REVIEW_INTERVAL_DAYS)
}

/// The rows the dashboard is computed from.
#[derive(Debug, Clone)]
pub struct DashboardData {
    /// Active areas, by sort order.
    pub areas: Vec<LifeArea>,
    /// The 10 latest events.
    pub recent_events: Vec<Event>,
    pub active_commitments: i64,
    /// ACTIVE commitments whose review (last review or creation + 7 days) falls due by
    /// `now + 7 days` (overdue ones included), soonest first.
    pub upcoming_reviews: Vec<(Commitment, DateTime<Utc>)>,
}

/// Reads the dashboard's rows.
pub async fn load(tx: &mut TenantTx, now: DateTime<Utc>) -> Result<DashboardData, DbError> {
    let areas = life_areas::active(tx).await?;
    let recent_events = events::recent(tx, 10).await?;
    let active_commitments: i64 =
        sqlx::query_scalar("SELECT count(*) FROM commitments WHERE status = 'ACTIVE'")
            .fetch_one(tx.conn())
            .await?;
    let due_by = now + Duration::days(REVIEW_INTERVAL_DAYS);
    let rows: Vec<Commitment> = sqlx::query_as(
        "SELECT id, life_area_id, event_id, insight_id, statement, intention, measurable, status, created_at, updated_at,
                completed_at, reviewed_at
         FROM commitments
         WHERE status = 'ACTIVE' AND coalesce(reviewed_at, created_at) + make_interval(days => $1) <= $2
         ORDER BY coalesce(reviewed_at, created_at), id LIMIT 20",
    )
    .bind(REVIEW_INTERVAL_DAYS as i32)
    .bind(due_by)
    .fetch_all(tx.conn())
    .await?;
    let upcoming_reviews = rows
        .into_iter()
        .map(|c| {
            let due = review_due(&c);
            (c, due)
        })
        .collect();
    Ok(DashboardData {
        areas,
        recent_events,
        active_commitments,
        upcoming_reviews,
    })
}
