//! `GET /dashboard` (seed 001 §IV).

use axum::extract::State;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;
use wisdomos_core::life_area::AreaStatus;
use wisdomos_core::score::round1;
use wisdomos_db::{dashboard, TenantTx};

use super::events::EventDto;
use crate::extract::{Read, TenantCtx};
use crate::{ApiError, AppState};

/// Count of active areas in each status band.
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct Distribution {
    pub flourishing: u32,
    pub thriving: u32,
    pub balanced: u32,
    pub struggling: u32,
    pub crisis: u32,
}

/// An area in a dashboard list.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AreaScore {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    pub score: f64,
    pub status: String,
}

/// A commitment whose review is due.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UpcomingReview {
    pub id: Uuid,
    pub statement: String,
    pub life_area_id: Option<Uuid>,
    /// (reviewedAt or createdAt) + 7 days.
    pub due_at: DateTime<Utc>,
}

/// The dashboard.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Dashboard {
    /// Mean score of the active areas, one decimal (50.0 with no active area).
    pub overall_score: f64,
    pub distribution: Distribution,
    /// The 5 highest-scoring active areas.
    pub top_areas: Vec<AreaScore>,
    /// Every CRISIS or STRUGGLING active area, lowest first.
    pub needs_attention: Vec<AreaScore>,
    /// The 10 latest events.
    pub recent_activity: Vec<EventDto>,
    /// Number of ACTIVE commitments.
    pub active_commitments: i64,
    /// ACTIVE commitments whose review falls due within 7 days (overdue ones included), soonest first.
    pub upcoming_reviews: Vec<UpcomingReview>,
}

/// Overview of the token's tenant.
#[utoipa::path(get, path = "/dashboard", tag = "life-areas", security(("bearer" = [])), responses((status = 200, body = Dashboard)))]
pub async fn get(
    State(st): State<AppState>,
    ctx: TenantCtx<Read>,
) -> Result<Json<Dashboard>, ApiError> {
    let now = st.clock.now();
    let mut tx = TenantTx::begin(&st.db, &ctx.scope).await?;
    let d = dashboard::load(&mut tx, now).await?;
    tx.commit().await?;
    Ok(Json(summarize(&d)))
}

/// The dashboard of the rows `d` (one read, shared by the API and the home page): the mean of
/// the active areas' scores to one decimal (50.0 with none), the distribution, the 5 highest, the
/// CRISIS and STRUGGLING areas lowest first, and the lists as read.
pub(crate) fn summarize(d: &dashboard::DashboardData) -> Dashboard {
    let n = d.areas.len();
    let overall = if n == 0 {
        50.0
    } else {
        round1(d.areas.iter().map(|a| a.current_score).sum::<f64>() / n as f64)
    };
    let mut dist = Distribution::default();
    for a in &d.areas {
        match AreaStatus::parse(&a.status) {
            Some(AreaStatus::Flourishing) => dist.flourishing += 1,
            Some(AreaStatus::Thriving) => dist.thriving += 1,
            Some(AreaStatus::Balanced) => dist.balanced += 1,
            Some(AreaStatus::Struggling) => dist.struggling += 1,
            Some(AreaStatus::Crisis) => dist.crisis += 1,
            None => {}
        }
    }
    let card = |a: &wisdomos_db::life_areas::LifeArea| AreaScore {
        id: a.id,
        slug: a.slug.clone(),
        name: a.name.clone(),
        score: a.current_score,
        status: a.status.clone(),
    };
    let mut by_score: Vec<_> = d.areas.iter().collect();
    by_score.sort_by(|a, b| {
        b.current_score
            .total_cmp(&a.current_score)
            .then(a.sort_order.cmp(&b.sort_order))
    });
    let top_areas = by_score.iter().take(5).map(|a| card(a)).collect();
    let mut needs: Vec<_> = d
        .areas
        .iter()
        .filter(|a| a.status == "CRISIS" || a.status == "STRUGGLING")
        .collect();
    needs.sort_by(|a, b| {
        a.current_score
            .total_cmp(&b.current_score)
            .then(a.sort_order.cmp(&b.sort_order))
    });
    Dashboard {
        overall_score: overall,
        distribution: dist,
        top_areas,
        needs_attention: needs.into_iter().map(card).collect(),
        recent_activity: d.recent_events.iter().cloned().map(Into::into).collect(),
        active_commitments: d.active_commitments,
        upcoming_reviews: d
            .upcoming_reviews
            .iter()
            .map(|(c, due)| UpcomingReview {
                id: c.id,
                statement: c.statement.clone(),
                life_area_id: c.life_area_id,
                due_at: *due,
            })
            .collect(),
    }
}
