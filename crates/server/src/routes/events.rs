//! `/events`: the life events of the token's tenant, with score recomputation.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use wisdomos_app::event_fields::EventChanges;
use wisdomos_app::events::{self as app, EventSearch};
use wisdomos_core::event::{EventCategory, EventTone, EventType};
use wisdomos_db::events::{self, Event};

use crate::extract::{parse_id, Read, Write};
use crate::json::{ApiJson, ApiQuery};
use crate::pagination::{PageQuery, Paginated};
use crate::scoped::Scoped;
use crate::{ApiError, AppState};

/// An event as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EventDto {
    pub id: Uuid,
    pub life_area_id: Uuid,
    #[serde(rename = "type")]
    pub event_type: String,
    pub category: String,
    pub tone: String,
    pub title: String,
    pub description: String,
    pub narrative: Option<String>,
    pub occurred_at: DateTime<Utc>,
    /// −5..+5.
    pub emotional_charge: i16,
    pub tags: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Event> for EventDto {
    fn from(e: Event) -> Self {
        Self {
            id: e.id,
            life_area_id: e.life_area_id,
            event_type: e.event_type,
            category: e.category,
            tone: e.tone,
            title: e.title,
            description: e.description,
            narrative: e.narrative,
            occurred_at: e.occurred_at,
            emotional_charge: e.emotional_charge,
            tags: e.tags,
            created_at: e.created_at,
            updated_at: e.updated_at,
        }
    }
}

/// Body of `POST /events` (all fields) and `PATCH /events/{id}` (any fields).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct EventRequest {
    /// Id or slug of the life area.
    pub life_area_id: Option<String>,
    #[serde(rename = "type")]
    pub event_type: Option<EventType>,
    pub category: Option<EventCategory>,
    pub tone: Option<EventTone>,
    /// 1–200 characters.
    pub title: Option<String>,
    /// Up to 10,000 characters.
    pub description: Option<String>,
    /// Up to 50,000 characters; an empty string clears it.
    pub narrative: Option<String>,
    /// At most 24 hours in the future; default now.
    pub occurred_at: Option<DateTime<Utc>>,
    /// Integer −5..+5.
    pub emotional_charge: Option<i64>,
    /// At most 20 tags of 1–50 characters, stored lower-case.
    pub tags: Option<Vec<String>>,
}

impl From<EventRequest> for EventChanges {
    fn from(r: EventRequest) -> Self {
        Self {
            area: r.life_area_id,
            event_type: r.event_type,
            category: r.category,
            tone: r.tone,
            title: r.title,
            description: r.description,
            narrative: r.narrative,
            occurred_at: r.occurred_at,
            emotional_charge: r.emotional_charge,
            tags: r.tags,
        }
    }
}

/// An insight suggested for an event.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SuggestedInsight {
    pub id: Uuid,
    #[serde(rename = "type")]
    pub insight_type: String,
    pub title: String,
    pub is_recurring: bool,
}

/// Answer of `POST /events` (seed 001 §IV).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreatedEvent {
    pub event: EventDto,
    /// The area's score before the event.
    pub previous_score: f64,
    /// The area's score after recomputation (0–100, one decimal).
    pub updated_score: f64,
    /// The area's status after recomputation.
    pub status: String,
    /// Up to 3 existing insights sharing tags or terms with the event, most related first.
    pub suggested_insights: Vec<SuggestedInsight>,
}

/// Records an event and recomputes its area's score in the same transaction.
#[utoipa::path(post, path = "/events", tag = "events", security(("bearer" = [])), request_body = EventRequest,
    responses((status = 201, body = CreatedEvent), (status = 422, description = "validation_failed")))]
pub async fn create(
    State(st): State<AppState>,
    scoped: Scoped<Write>,
    ApiJson(req): ApiJson<EventRequest>,
) -> Result<(StatusCode, Json<CreatedEvent>), ApiError> {
    let (_, mut tx) = scoped.open(&st).await?;
    let logged = app::log(&mut tx, &req.into(), st.clock.now()).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(logged.into())))
}

impl From<wisdomos_app::events::Logged> for CreatedEvent {
    fn from(l: wisdomos_app::events::Logged) -> Self {
        Self {
            event: l.event.into(),
            previous_score: l.previous_score,
            updated_score: l.breakdown.score,
            status: l.breakdown.status.as_str().to_owned(),
            suggested_insights: l
                .suggested
                .into_iter()
                .map(|i| SuggestedInsight {
                    id: i.id,
                    insight_type: i.insight_type,
                    title: i.title,
                    is_recurring: i.is_recurring,
                })
                .collect(),
        }
    }
}

/// Filters of `GET /events`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct EventQuery {
    /// Id or slug of a life area.
    pub life_area: Option<String>,
    #[serde(rename = "type")]
    #[param(rename = "type")]
    pub event_type: Option<EventType>,
    pub category: Option<EventCategory>,
    pub tone: Option<EventTone>,
    /// Events carrying this tag (case-insensitive).
    pub tag: Option<String>,
    /// occurredAt ≥ from.
    pub from: Option<DateTime<Utc>>,
    /// occurredAt < to.
    pub to: Option<DateTime<Utc>>,
    /// Full-text search over title, description and narrative (web-search syntax: words,
    /// "quoted phrases", -excluded).
    pub q: Option<String>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// Events newest first by `occurredAt`, filtered, cursor-paginated.
#[utoipa::path(get, path = "/events", tag = "events", security(("bearer" = [])), params(EventQuery),
    responses((status = 200, body = Paginated<EventDto>)))]
pub async fn list(
    State(st): State<AppState>,
    scoped: Scoped<Read>,
    ApiQuery(q): ApiQuery<EventQuery>,
) -> Result<Json<Paginated<EventDto>>, ApiError> {
    let (limit, before) = PageQuery {
        limit: q.limit,
        cursor: q.cursor.clone(),
    }
    .parse()?;
    let search = EventSearch {
        area: q.life_area,
        event_type: q.event_type,
        category: q.category,
        tone: q.tone,
        tag: q.tag,
        from: q.from,
        to: q.to,
        q: q.q,
    };
    let (_ctx, mut tx) = scoped.open(&st).await?;
    let page = app::search(&mut tx, &search, before, limit).await?;
    tx.commit().await?;
    Ok(Json(Paginated::from_page(
        page,
        |e| (e.occurred_at, e.id),
        Into::into,
    )))
}

/// One event.
#[utoipa::path(get, path = "/events/{id}", tag = "events", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = EventDto), (status = 404, description = "not_found")))]
pub async fn get(
    State(st): State<AppState>,
    scoped: Scoped<Read>,
    Path(id): Path<String>,
) -> Result<Json<EventDto>, ApiError> {
    let id = parse_id(&id)?;
    let (_ctx, mut tx) = scoped.open(&st).await?;
    let e = events::get(&mut tx, id).await?;
    tx.commit().await?;
    Ok(Json(e.into()))
}

/// Answer of `PATCH` and `DELETE /events/{id}`: the event and the scores of the areas touched.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChangedEvent {
    pub event: EventDto,
    /// `{lifeAreaId, previousScore, updatedScore, status}` of each area recomputed (the old and
    /// the new area when the event moved).
    pub areas: Vec<AreaScoreChange>,
}

/// One area's score change.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AreaScoreChange {
    pub life_area_id: Uuid,
    pub previous_score: f64,
    pub updated_score: f64,
    pub status: String,
}

impl From<wisdomos_app::areas::ScoreChange> for AreaScoreChange {
    fn from(c: wisdomos_app::areas::ScoreChange) -> Self {
        Self {
            life_area_id: c.life_area_id,
            previous_score: c.previous_score,
            updated_score: c.updated_score,
            status: c.status,
        }
    }
}

impl From<app::Changed> for ChangedEvent {
    fn from(c: app::Changed) -> Self {
        Self {
            event: c.event.into(),
            areas: c.areas.into_iter().map(Into::into).collect(),
        }
    }
}

/// Changes an event; the old and the new area are recomputed.
#[utoipa::path(patch, path = "/events/{id}", tag = "events", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = EventRequest, responses((status = 200, body = ChangedEvent), (status = 404, description = "not_found")))]
pub async fn update(
    State(st): State<AppState>,
    scoped: Scoped<Write>,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<EventRequest>,
) -> Result<Json<ChangedEvent>, ApiError> {
    let id = parse_id(&id)?;
    let (_ctx, mut tx) = scoped.open(&st).await?;
    let changed = app::update(&mut tx, id, &req.into(), st.clock.now()).await?;
    tx.commit().await?;
    Ok(Json(changed.into()))
}

/// Deletes an event and recomputes its area.
#[utoipa::path(delete, path = "/events/{id}", tag = "events", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = ChangedEvent), (status = 404, description = "not_found")))]
pub async fn delete(
    State(st): State<AppState>,
    scoped: Scoped<Write>,
    Path(id): Path<String>,
) -> Result<Json<ChangedEvent>, ApiError> {
    let id = parse_id(&id)?;
    let (_ctx, mut tx) = scoped.open(&st).await?;
    let changed = app::delete(&mut tx, id, st.clock.now()).await?;
    tx.commit().await?;
    Ok(Json(changed.into()))
}
