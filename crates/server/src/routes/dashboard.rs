//! `GET /dashboard` (seed 001 §IV).

use axum::extract::State;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;
use wisdomos_app::dashboard::Summary;
use wisdomos_db::life_areas::LifeArea;

use super::events::EventDto;
use crate::extract::Read;
use crate::scoped::Scoped;
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
    scoped: Scoped<Read>,
) -> Result<Json<Dashboard>, ApiError> {
    let now = st.clock.now();
    let (_ctx, mut tx) = scoped.open(&st).await?;
    let d = wisdomos_app::dashboard::load(&mut tx, now).await?;
    tx.commit().await?;
    Ok(Json(d.into()))
}

impl From<Summary> for Dashboard {
    fn from(d: Summary) -> Self {
        let card = |a: LifeArea| AreaScore {
            id: a.id,
            slug: a.slug,
            name: a.name,
            score: a.current_score,
            status: a.status,
        };
        let dist = d.distribution;
        Dashboard {
            overall_score: d.overall_score,
            distribution: Distribution {
                flourishing: dist.flourishing,
                thriving: dist.thriving,
                balanced: dist.balanced,
                struggling: dist.struggling,
                crisis: dist.crisis,
            },
            top_areas: d.top_areas.into_iter().map(card).collect(),
            needs_attention: d.needs_attention.into_iter().map(card).collect(),
            recent_activity: d.recent_activity.into_iter().map(Into::into).collect(),
            active_commitments: d.active_commitments,
            upcoming_reviews: d
                .upcoming_reviews
                .into_iter()
                .map(|(c, due)| UpcomingReview {
                    id: c.id,
                    statement: c.statement,
                    life_area_id: c.life_area_id,
                    due_at: due,
                })
                .collect(),
        }
    }
}
