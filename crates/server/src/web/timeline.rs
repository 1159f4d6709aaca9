//! The timeline: every event newest first, filtered by area, type, category, tone, tag and
//! dates, and searched in full text; 25 a page with a link to older ones.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use chrono_tz::Tz;
use serde::Deserialize;
use wisdomos_app::events::{self as app, EventSearch};
use wisdomos_app::AppError;
use wisdomos_core::event::{EventCategory, EventTone, EventType};

use super::error::{render, WebError};
use super::events::areas;
use super::session::{Nav, Web};
use super::view::{self, Choice, EventRow};
use crate::extract::Read;
use crate::pagination::{PageQuery, Paginated};
use crate::AppState;

/// Filters of the timeline, as typed.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct TimelineQuery {
    pub life_area: String,
    #[serde(rename = "type")]
    pub event_type: String,
    pub category: String,
    pub tone: String,
    pub tag: String,
    pub q: String,
    /// `YYYY-MM-DD`, inclusive, in the workspace's zone.
    pub from: String,
    /// `YYYY-MM-DD`, inclusive.
    pub to: String,
    pub cursor: Option<String>,
}

#[derive(Template)]
#[template(path = "events.html")]
struct TimelinePage {
    nav: Option<Nav>,
    q: TimelineQuery,
    areas: Vec<Choice>,
    types: Vec<Choice>,
    categories: Vec<Choice>,
    tones: Vec<Choice>,
    events: Vec<EventRow>,
    /// Query string of the next page, empty on the last.
    next: String,
    error: String,
}

fn day_start(s: &str, tz: Tz, plus_days: i64) -> Option<chrono::DateTime<chrono::Utc>> {
    let d = chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()?
        + chrono::Duration::days(plus_days);
    view::parse_local(&format!("{d}T00:00"), tz)
}

/// `GET /events`: newest first, filtered; `q` is PostgreSQL full-text search.
pub async fn timeline(
    State(st): State<AppState>,
    web: Web<Read>,
    Query(q): Query<TimelineQuery>,
) -> Result<Response, WebError> {
    let tz = view::zone(&web.ctx.tenant.timezone);
    let all = areas(&st, &web).await?;
    let search = EventSearch {
        area: view::filled(&q.life_area),
        event_type: EventType::parse(q.event_type.trim()),
        category: EventCategory::parse(q.category.trim()),
        tone: EventTone::parse(q.tone.trim()),
        tag: view::filled(&q.tag),
        from: day_start(&q.from, tz, 0),
        to: day_start(&q.to, tz, 1),
        q: view::filled(&q.q),
    };
    let page = PageQuery {
        limit: Some(25),
        cursor: q.cursor.clone().filter(|c| !c.is_empty()),
    }
    .parse();
    let found = match page {
        Ok((limit, before)) => {
            let mut tx = web.begin(&st).await?;
            let r = app::search(&mut tx, &search, before, limit).await;
            tx.commit().await?;
            r.map_err(|e| match e {
                AppError::Validation(errs) => Ok(errs
                    .0
                    .first()
                    .map(|f| f.message.clone())
                    .unwrap_or_default()),
                other => Err(other),
            })
        }
        Err(crate::ApiError::Validation(errs)) => Err(Ok(errs
            .0
            .first()
            .map(|f| f.message.clone())
            .unwrap_or_default())),
        Err(e) => return Err(e.into()),
    };
    let (events, next, error) = match found {
        Ok(page) => {
            let page = Paginated::from_page(page, |e| (e.occurred_at, e.id), |e| e);
            let next = page.next_cursor.clone().map_or(String::new(), |c| {
                let mut params: Vec<(&str, &str)> = vec![
                    ("lifeArea", q.life_area.as_str()),
                    ("type", q.event_type.as_str()),
                    ("category", q.category.as_str()),
                    ("tone", q.tone.as_str()),
                    ("tag", q.tag.as_str()),
                    ("q", q.q.as_str()),
                    ("from", q.from.as_str()),
                    ("to", q.to.as_str()),
                ];
                params.retain(|(_, v)| !v.is_empty());
                params.push(("cursor", c.as_str()));
                serde_html_form::to_string(&params).unwrap_or_default()
            });
            let rows = page
                .items
                .iter()
                .map(|e| EventRow::new(e, &all, tz))
                .collect();
            (rows, next, String::new())
        }
        Err(Ok(message)) => (Vec::new(), String::new(), message),
        Err(Err(e)) => return Err(e.into()),
    };
    let types: Vec<&str> = EventType::ALL.iter().map(|v| v.as_str()).collect();
    let tones: Vec<&str> = EventTone::ALL.iter().map(|v| v.as_str()).collect();
    let categories: Vec<&str> = EventCategory::ALL.iter().map(|v| v.as_str()).collect();
    render(&TimelinePage {
        nav: Some(web.nav),
        areas: view::area_choices(&all, &q.life_area),
        types: view::choices(&types, &q.event_type),
        categories: view::choices(&categories, &q.category),
        tones: view::choices(&tones, &q.tone),
        q,
        events,
        next,
        error,
    })
}
