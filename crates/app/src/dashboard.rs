//! The dashboard (seed 001 §IV): one read of the workspace's active areas, latest events and
//! commitments, summarised for the API's `GET /dashboard` and the Display alike.

use chrono::{DateTime, Utc};
use wisdomos_core::life_area::AreaStatus;
use wisdomos_core::score::round1;
use wisdomos_db::commitments::Commitment;
use wisdomos_db::dashboard::{self, DashboardData};
use wisdomos_db::events::Event;
use wisdomos_db::life_areas::LifeArea;
use wisdomos_db::TenantTx;

use crate::AppError;

/// Count of active areas in each status band.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Distribution {
    pub flourishing: u32,
    pub thriving: u32,
    pub balanced: u32,
    pub struggling: u32,
    pub crisis: u32,
}

impl Distribution {
    /// The count of `status`.
    pub fn of(&self, status: AreaStatus) -> u32 {
        match status {
            AreaStatus::Flourishing => self.flourishing,
            AreaStatus::Thriving => self.thriving,
            AreaStatus::Balanced => self.balanced,
            AreaStatus::Struggling => self.struggling,
            AreaStatus::Crisis => self.crisis,
        }
    }
}

/// The dashboard.
#[derive(Debug, Clone)]
pub struct Summary {
    /// Mean score of the active areas, one decimal, 0–100 (50.0 with no active area).
    pub overall_score: f64,
    pub distribution: Distribution,
    /// The 5 highest-scoring active areas (ties by display order).
    pub top_areas: Vec<LifeArea>,
    /// Every CRISIS or STRUGGLING active area, lowest first.
    pub needs_attention: Vec<LifeArea>,
    /// The 10 latest events.
    pub recent_activity: Vec<Event>,
    /// Number of ACTIVE commitments.
    pub active_commitments: i64,
    /// ACTIVE commitments whose review falls due within 7 days (overdue ones included), with
    /// the due time, soonest first.
    pub upcoming_reviews: Vec<(Commitment, DateTime<Utc>)>,
    /// The rows read, for pages that show more of them (all active areas by display order).
    pub areas: Vec<LifeArea>,
}

/// Reads and summarises the dashboard as of `now`.
pub async fn load(tx: &mut TenantTx, now: DateTime<Utc>) -> Result<Summary, AppError> {
    Ok(summarize(dashboard::load(tx, now).await?))
}

/// The summary of the rows `d`: the mean of the active areas' scores to one decimal (50.0 with
/// none), the distribution, the 5 highest, the CRISIS and STRUGGLING areas lowest first, and the
/// lists as read.
pub fn summarize(d: DashboardData) -> Summary {
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
    let mut by_score: Vec<&LifeArea> = d.areas.iter().collect();
    by_score.sort_by(|a, b| {
        b.current_score
            .total_cmp(&a.current_score)
            .then(a.sort_order.cmp(&b.sort_order))
    });
    let top_areas = by_score.into_iter().take(5).cloned().collect();
    let mut needs: Vec<&LifeArea> = d
        .areas
        .iter()
        .filter(|a| a.status == "CRISIS" || a.status == "STRUGGLING")
        .collect();
    needs.sort_by(|a, b| {
        a.current_score
            .total_cmp(&b.current_score)
            .then(a.sort_order.cmp(&b.sort_order))
    });
    let needs_attention = needs.into_iter().cloned().collect();
    Summary {
        overall_score: overall,
        distribution: dist,
        top_areas,
        needs_attention,
        recent_activity: d.recent_events,
        active_commitments: d.active_commitments,
        upcoming_reviews: d.upcoming_reviews,
        areas: d.areas,
    }
}
