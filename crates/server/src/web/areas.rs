//! The life area page: the score's trend from snapshots, its factors explained, the area's
//! events, commitments and boundaries, and buttons to refresh or log a violation.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use chrono::Duration;
use wisdomos_core::score::WINDOW_DAYS;
use wisdomos_db::events::EventFilter;
use wisdomos_db::life_areas;
use wisdomos_db::{boundaries, commitments, events, snapshots};

use super::chart::Marker;
use super::error::{render, WebError};
use super::session::{CsrfForm, Nav, NoFields, Web};
use super::view::{self, AreaCard, EventRow};
use crate::extract::{Read, Write};
use crate::AppState;

/// One factor of the score, signed as it enters the sum.
pub struct Factor {
    pub name: &'static str,
    /// Signed points, e.g. `+12.4` or `−10.0`.
    pub points: String,
    pub explain: String,
}

/// A commitment in a short list.
pub struct CommitmentRow {
    pub statement: String,
    pub status: String,
}

/// A boundary with its violation button.
pub struct BoundaryRow {
    pub id: uuid::Uuid,
    pub statement: String,
    pub status: String,
    pub violations: i32,
    pub last: String,
}

#[derive(Template)]
#[template(path = "area.html")]
struct AreaPage {
    nav: Option<Nav>,
    area: AreaCard,
    description: String,
    can_write: bool,
    chart: String,
    /// The self-assessed starting score, 0–100, and its history (date, rating), newest first.
    baseline: f64,
    ratings: Vec<(String, i16)>,
    factors: Vec<Factor>,
    computed: String,
    events: Vec<EventRow>,
    commitments: Vec<CommitmentRow>,
    boundaries: Vec<BoundaryRow>,
}

/// `1 event`, `3 events`.
fn count(n: u32, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// `+12.4`, `−10.0`, and `+0.0` for both zeros.
fn signed(x: f64) -> String {
    if x < -0.05 {
        format!("−{:.1}", -x)
    } else {
        format!("+{:.1}", x.abs())
    }
}

/// `GET /areas/{slug}`.
pub async fn page(
    State(st): State<AppState>,
    web: Web<Read>,
    Path(slug): Path<String>,
) -> Result<Response, WebError> {
    let now = st.clock.now();
    let tz = view::zone(&web.ctx.tenant.timezone);
    let mut tx = web.begin(&st).await?;
    let area = life_areas::get(&mut tx, &slug).await?;
    let b = life_areas::breakdown(&mut tx, area.id, now).await?;
    let today = now.with_timezone(&tz).date_naive();
    let points: Vec<_> = snapshots::list(&mut tx, area.id, Some(today - Duration::days(365)), None)
        .await?
        .into_iter()
        .map(|s| (s.date, s.score))
        .collect();
    let filter = EventFilter {
        life_area_id: Some(area.id),
        ..Default::default()
    };
    let evs = events::list(&mut tx, &filter, None, 20).await?;
    let year_ago = now - Duration::days(365);
    let markers: Vec<Marker> = events::markers(&mut tx, area.id, tz.name(), year_ago)
        .await?
        .into_iter()
        .map(|(date, charge, title)| Marker {
            date,
            charge,
            title,
        })
        .collect();
    let ratings = wisdomos_db::assessments::area_history(&mut tx, area.id, 20).await?;
    let cs = commitments::list(&mut tx, None, Some(area.id), None, 50).await?;
    let bs = boundaries::list(&mut tx, Some(area.id), None, 50).await?;
    tx.commit().await?;
    let label = format!("{} score over the last year, with its events", area.name);
    let chart = super::chart::trend(&points, &label, &markers).unwrap_or_default();
    let w = WINDOW_DAYS;
    let factors = vec![
        Factor {
            name: "Baseline",
            points: signed(b.baseline),
            explain: if ratings.is_empty() {
                "Where the area starts: 50 until you rate it in a self-assessment.".into()
            } else {
                "Where the area starts: your latest self-assessment.".into()
            },
        },
        Factor {
            name: "Momentum",
            points: signed(b.momentum),
            explain: format!(
                "{} in the last {w} days, their emotional charge weighted by recency (half-life 14 days); range −20 to +20.",
                count(b.event_count, "event")
            ),
        },
        Factor {
            name: "Commitments",
            points: signed(b.commitment),
            explain: "15 × the share of this area's commitments completed or integrated.".into(),
        },
        Factor {
            name: "Boundary violations",
            points: signed(-b.boundary_penalty),
            explain: format!(
                "{} in the last {w} days, 10 points each, at most 30.",
                count(b.violation_count, "violation")
            ),
        },
        Factor {
            name: "Upsets",
            points: signed(-b.upset_penalty),
            explain: format!(
                "{} in the last {w} days, 5 points each, at most 20.",
                count(b.upset_count, "upset")
            ),
        },
        Factor {
            name: "Breakthroughs",
            points: signed(b.breakthrough_bonus),
            explain: format!(
                "{} in the last {w} days, 15 points each, at most 30.",
                count(b.breakthrough_count, "breakthrough")
            ),
        },
    ];
    let can_write = web.ctx.allows::<Write>();
    render(&AreaPage {
        nav: Some(web.nav),
        area: AreaCard::from(&area),
        description: area.description.clone().unwrap_or_default(),
        can_write,
        chart,
        baseline: b.baseline,
        ratings: ratings
            .into_iter()
            .map(|(at, r)| (view::date(at, tz), r))
            .collect(),
        factors,
        computed: format!("{:.1} ({})", b.score, view::words(b.status.as_str())),
        events: evs
            .items
            .iter()
            .map(|e| EventRow::new(e, std::slice::from_ref(&area), tz))
            .collect(),
        commitments: cs
            .items
            .into_iter()
            .map(|c| CommitmentRow {
                statement: c.statement,
                status: view::words(&c.status),
            })
            .collect(),
        boundaries: bs
            .items
            .into_iter()
            .map(|b| BoundaryRow {
                id: b.id,
                statement: b.statement,
                status: view::words(&b.status),
                violations: b.violation_count,
                last: b
                    .last_violated_at
                    .map(|t| view::date(t, tz))
                    .unwrap_or_else(|| "never".into()),
            })
            .collect(),
    })
}

/// `POST /areas/{slug}/refresh`: recomputes the score now, with a confirmation.
pub async fn refresh(
    State(st): State<AppState>,
    headers: axum::http::HeaderMap,
    web: Web<Write>,
    Path(slug): Path<String>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response, WebError> {
    let mut tx = web.begin(&st).await?;
    let area = life_areas::get(&mut tx, &slug).await?;
    let change = wisdomos_app::areas::recompute(&mut tx, area.id, st.clock.now()).await?;
    tx.commit().await?;
    let msg = format!(
        "Score recomputed: {:.1}{}.",
        change.updated_score,
        if (change.previous_score - change.updated_score).abs() < 0.05 {
            " (unchanged)".to_owned()
        } else {
            format!(" (was {:.1})", change.previous_score)
        }
    );
    Ok(super::flash::redirect(
        &headers,
        &format!("/areas/{}", area.slug),
        &msg,
    ))
}
