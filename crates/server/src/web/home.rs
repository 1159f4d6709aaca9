//! The home page: the Phoenix Fulfillment Display (seed 001 §V `FulfillmentDisplay`,
//! `LifeAreaCard`, `ScoreGauge`), the dashboard's summary and the user's widgets in their layout.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use chrono::Duration;
use wisdomos_core::life_area::{AreaStatus, LifeAreaCluster};
use wisdomos_db::{assessments, events, insights, snapshots, widgets};

use super::error::{render, WebError};
use super::session::{Nav, Web};
use super::view::{self, AreaCard, EventRow, Item};
use crate::extract::Read;
use crate::AppState;

/// One cluster of the display with its areas.
pub struct ClusterView {
    pub name: String,
    pub key: String,
    pub areas: Vec<AreaCard>,
}

/// A status band and how many areas are in it.
pub struct Band {
    pub words: String,
    pub class: String,
    pub count: u32,
}

/// A dashboard widget, rendered by type.
pub struct WidgetView {
    pub kind: String,
    pub title: String,
    /// `small`, `medium` or `large`.
    pub size: String,
    pub number: String,
    pub note: String,
    pub areas: Vec<AreaCard>,
    pub events: Vec<EventRow>,
    pub items: Vec<Item>,
    pub bands: Vec<Band>,
    /// Trend SVG (markup built by `chart::trend`).
    pub chart: String,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    nav: Option<Nav>,
    overall: f64,
    overall_words: String,
    overall_class: String,
    bands: Vec<Band>,
    active_commitments: i64,
    clusters: Vec<ClusterView>,
    widgets: Vec<WidgetView>,
    /// What the last action did, in words (after a redirect here).
    notice: String,
    /// The quick entry's refusal, naming the field by its label.
    quick_error: String,
    /// No self-assessment yet: the welcome that leads to it.
    first_run: bool,
    /// (slug, name) of the active areas, for the quick entry.
    area_choices: Vec<(String, String)>,
    /// A refused quick entry as typed: text, area slug, charge.
    typed: (String, String, String),
    /// The charge options: value and words.
    charges: Vec<(String, String)>,
    year: super::year::YearView,
}

/// What a redirect to `/` reports: a quick entry saved (`logged`, `was`) or refused (`quick`,
/// the field), or another action done (`done`).
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct HomeQuery {
    pub logged: Option<uuid::Uuid>,
    pub was: Option<f64>,
    pub quick: Option<String>,
    pub done: Option<String>,
    /// What a refused quick entry held, to fill the form again.
    pub text: Option<String>,
    pub area: Option<String>,
    pub charge: Option<String>,
}

fn limit(config: &serde_json::Value, default: usize) -> usize {
    config
        .get("limit")
        .and_then(serde_json::Value::as_u64)
        .map_or(default, |l| l as usize)
}

/// `GET /`.
pub async fn page(
    State(st): State<AppState>,
    web: Web<Read>,
    Query(q): Query<HomeQuery>,
) -> Result<Response, WebError> {
    let now = st.clock.now();
    let tz = view::zone(&web.ctx.tenant.timezone);
    let mut tx = web.begin(&st).await?;
    let d = wisdomos_app::dashboard::load(&mut tx, now).await?;
    let areas = &d.areas;
    let layout = widgets::effective(&mut tx, web.ctx.user_id).await?;
    let year = super::year::year_in_view(&mut tx, now, tz).await?;
    let mut views = Vec::new();
    let bands: Vec<Band> = AreaStatus::ALL
        .iter()
        .rev()
        .map(|s| Band {
            words: view::words(s.as_str()),
            class: view::status_class(s.as_str()),
            count: d.distribution.of(*s),
        })
        .collect();
    let card_of = |slug: &str| areas.iter().find(|a| a.slug == slug).map(AreaCard::from);
    for w in layout.iter().filter(|w| w.is_visible) {
        let mut v = WidgetView {
            kind: w.widget_type.clone(),
            title: view::words(&w.widget_type),
            size: w.size.clone(),
            number: String::new(),
            note: String::new(),
            areas: Vec::new(),
            events: Vec::new(),
            items: Vec::new(),
            bands: Vec::new(),
            chart: String::new(),
        };
        match w.widget_type.as_str() {
            "overall_score" => {
                v.number = format!("{:.1}", d.overall_score);
                v.note = view::words(AreaStatus::for_score(d.overall_score).as_str());
            }
            "status_distribution" => {
                v.bands = bands
                    .iter()
                    .map(|b| Band {
                        words: b.words.clone(),
                        class: b.class.clone(),
                        count: b.count,
                    })
                    .collect();
            }
            "top_areas" => {
                v.areas = d
                    .top_areas
                    .iter()
                    .take(limit(&w.config, 5))
                    .filter_map(|a| card_of(&a.slug))
                    .collect();
            }
            "needs_attention" => {
                v.areas = d
                    .needs_attention
                    .iter()
                    .take(limit(&w.config, 10))
                    .filter_map(|a| card_of(&a.slug))
                    .collect();
                if v.areas.is_empty() {
                    v.note = "No area is struggling or in crisis.".into();
                }
            }
            "recent_activity" => {
                v.events = d
                    .recent_activity
                    .iter()
                    .take(limit(&w.config, 10))
                    .map(|e| EventRow::new(e, areas, tz))
                    .collect();
                if v.events.is_empty() {
                    v.note = "Nothing logged yet.".into();
                }
            }
            "active_commitments" => v.number = d.active_commitments.to_string(),
            "upcoming_reviews" => {
                v.items = d
                    .upcoming_reviews
                    .iter()
                    .take(limit(&w.config, 10))
                    .map(|(c, due)| Item {
                        href: "/commitments".into(),
                        text: c.statement.clone(),
                        meta: if *due <= now {
                            format!("review overdue since {}", view::date(*due, tz))
                        } else {
                            format!("review due {}", view::date(*due, tz))
                        },
                    })
                    .collect();
                if v.items.is_empty() {
                    v.note = "No review due this week.".into();
                }
            }
            "recurring_patterns" => {
                let mut patterns = insights::patterns(&mut tx).await?;
                patterns.sort_by_key(|p| std::cmp::Reverse(p.frequency));
                v.items = patterns
                    .iter()
                    .take(limit(&w.config, 5))
                    .map(|p| Item {
                        href: "/insights".into(),
                        text: p.title.clone(),
                        meta: format!("{} events", p.frequency),
                    })
                    .collect();
                if v.items.is_empty() {
                    v.note = "No recurring pattern found yet.".into();
                }
            }
            "area_trend" => {
                let slug = w
                    .config
                    .get("lifeArea")
                    .and_then(|a| a.as_str())
                    .unwrap_or("");
                let days = w.config.get("days").and_then(|d| d.as_i64()).unwrap_or(90);
                if let Some(a) = areas
                    .iter()
                    .find(|a| a.slug == slug || a.id.to_string() == slug)
                {
                    v.title = format!("{} trend", a.name);
                    let today = now.with_timezone(&tz).date_naive();
                    let points: Vec<_> =
                        snapshots::list(&mut tx, a.id, Some(today - Duration::days(days)), None)
                            .await?
                            .into_iter()
                            .map(|s| (s.date, s.score))
                            .collect();
                    match super::chart::trend(&points, &v.title, &[]) {
                        Some(svg) => v.chart = svg,
                        None => v.note = "No snapshots yet.".into(),
                    }
                }
            }
            _ => continue,
        }
        views.push(v);
    }
    let first_run = !assessments::any(&mut tx).await?;
    let notice = match (q.logged, q.done.as_deref()) {
        (Some(id), _) => match events::get(&mut tx, id).await {
            Ok(e) => {
                let area = areas.iter().find(|a| a.id == e.life_area_id);
                format!(
                    "Saved “{}” in {}: score {:.1}{}.",
                    e.title,
                    area.map_or("its area", |a| a.name.as_str()),
                    area.map_or(0.0, |a| a.current_score),
                    q.was.map_or(String::new(), |w| format!(" (was {w:.1})"))
                )
            }
            Err(_) => String::new(),
        },
        (None, Some("assessed")) => {
            "Your starting point is saved: each area's score now starts from your rating."
                .to_owned()
        }
        _ => String::new(),
    };
    let quick_error = match q.quick.as_deref() {
        Some("text") => "What happened: write one line of 1 to 200 characters.",
        Some("charge") => "How it felt: choose a value from −5 to +5.",
        Some("area") => "Life area: choose one from the list.",
        Some(_) => "The entry could not be saved; check the fields and try again.",
        None => "",
    }
    .to_owned();
    tx.commit().await?;
    let area_choices = areas
        .iter()
        .filter(|a| a.is_active)
        .map(|a| (a.slug.clone(), a.name.clone()))
        .collect();
    let clusters = LifeAreaCluster::ALL
        .iter()
        .map(|c| ClusterView {
            name: view::cluster_name(c.as_str()),
            key: c.as_str().to_lowercase(),
            areas: areas
                .iter()
                .filter(|a| a.cluster == c.as_str())
                .map(AreaCard::from)
                .collect(),
        })
        .filter(|c| !c.areas.is_empty())
        .collect();
    let overall_status = AreaStatus::for_score(d.overall_score);
    render(&HomePage {
        nav: Some(web.nav),
        overall: d.overall_score,
        overall_words: view::words(overall_status.as_str()),
        overall_class: view::status_class(overall_status.as_str()),
        bands,
        active_commitments: d.active_commitments,
        clusters,
        widgets: views,
        notice,
        quick_error,
        first_run,
        area_choices,
        charges: (-5..=5)
            .rev()
            .map(|c: i32| {
                let words = match c {
                    5 => " wonderful",
                    2 => " good",
                    0 => " neutral",
                    -2 => " bad",
                    -5 => " awful",
                    _ => "",
                };
                let sign = if c > 0 {
                    "+"
                } else if c < 0 {
                    "−"
                } else {
                    ""
                };
                (c.to_string(), format!("{sign}{}{words}", c.abs()))
            })
            .collect(),
        year,
        typed: (
            q.text.clone().unwrap_or_default(),
            q.area.clone().unwrap_or_default(),
            q.charge.clone().unwrap_or_else(|| "0".into()),
        ),
    })
}
