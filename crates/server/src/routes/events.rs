//! `/events`: the life events of the token's tenant, with score recomputation.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use wisdomos_core::event::{rules, EventCategory, EventTone, EventType};

use wisdomos_core::{FieldError, ValidationErrors};
use wisdomos_db::events::{self, Event, EventFields, EventFilter};
use wisdomos_db::{found, life_areas, DbError, TenantTx};

use crate::extract::{Read, TenantCtx, Write};
use crate::json::{ApiJson, ApiQuery};
use crate::pagination::{PageQuery, Paginated};
use crate::{ApiError, AppState};
use wisdomos_app::areas::unknown_life_area;

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

/// Validates a request over `base` (the stored event for PATCH); every error is collected.
/// `area` is the id of the life area `req.lifeAreaId` names, as the caller looked it up: `None`
/// when the request names none or names one the workspace lacks.
fn fields(
    req: EventRequest,
    area: Option<Uuid>,
    base: Option<&Event>,
    now: DateTime<Utc>,
) -> Result<EventFields, ApiError> {
    let mut errs = ValidationErrors::default();
    let missing = |f: &str| FieldError::new(f, "required", format!("{f} is required"));
    let area = match (&req.life_area_id, area, base) {
        (Some(_), Some(id), _) => Some(id),
        (Some(_), None, _) => errs.check(Err::<Uuid, _>(unknown_life_area("lifeAreaId"))),
        (None, _, Some(b)) => Some(b.life_area_id),
        (None, _, None) => errs.check(Err::<Uuid, _>(missing("lifeAreaId"))),
    };
    let pick = |v: Option<&'static str>,
                stored: Option<&str>,
                field: &str,
                parse: fn(&str) -> Option<&'static str>| match (v, stored) {
        (Some(v), _) => Ok(v),
        (None, Some(s)) => {
            parse(s).ok_or_else(|| FieldError::new(field, "invalid", "stored value unreadable"))
        }
        (None, None) => Err(missing(field)),
    };
    let event_type = errs.check(pick(
        req.event_type.map(EventType::as_str),
        base.map(|b| b.event_type.as_str()),
        "type",
        |s| EventType::parse(s).map(EventType::as_str),
    ));
    let category = errs.check(pick(
        req.category.map(EventCategory::as_str),
        base.map(|b| b.category.as_str()),
        "category",
        |s| EventCategory::parse(s).map(EventCategory::as_str),
    ));
    let tone = errs.check(pick(
        req.tone.map(EventTone::as_str),
        base.map(|b| b.tone.as_str()),
        "tone",
        |s| EventTone::parse(s).map(EventTone::as_str),
    ));
    let title = match (&req.title, base) {
        (Some(t), _) => errs.check(rules::title("title", t)),
        (None, Some(b)) => Some(b.title.clone()),
        (None, None) => errs.check(Err::<String, _>(missing("title"))),
    };
    let description = match (&req.description, base) {
        (Some(d), _) => errs.check(rules::text("description", d, rules::TEXT_MAX)),
        (None, Some(b)) => Some(b.description.clone()),
        (None, None) => Some(String::new()),
    };
    let narrative = match (&req.narrative, base) {
        (Some(n), _) => errs
            .check(rules::text("narrative", n, rules::NARRATIVE_MAX))
            .map(|n| (!n.is_empty()).then_some(n)),
        (None, Some(b)) => Some(b.narrative.clone()),
        (None, None) => Some(None),
    };
    let occurred_at = match (req.occurred_at, base) {
        (Some(t), _) => errs.check(rules::occurred_at("occurredAt", t, now)),
        (None, Some(b)) => Some(b.occurred_at),
        (None, None) => Some(now),
    };
    let charge = match (req.emotional_charge, base) {
        (Some(c), _) => errs.check(rules::charge("emotionalCharge", c)),
        (None, Some(b)) => Some(i32::from(b.emotional_charge)),
        (None, None) => errs.check(Err::<i32, _>(missing("emotionalCharge"))),
    };
    let tags = match (&req.tags, base) {
        (Some(t), _) => errs.check(rules::tags("tags", t)),
        (None, Some(b)) => Some(b.tags.clone()),
        (None, None) => Some(Vec::new()),
    };
    errs.finish()?;
    match (
        area,
        event_type,
        category,
        tone,
        title,
        description,
        narrative,
        occurred_at,
        charge,
        tags,
    ) {
        (
            Some(life_area_id),
            Some(event_type),
            Some(category),
            Some(tone),
            Some(title),
            Some(description),
            Some(narrative),
            Some(occurred_at),
            Some(emotional_charge),
            Some(tags),
        ) => Ok(EventFields {
            life_area_id,
            event_type,
            category,
            tone,
            title,
            description,
            narrative,
            occurred_at,
            emotional_charge,
            tags,
        }),
        _ => Err(ApiError::Internal(
            "validation passed without values".into(),
        )),
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
    ctx: TenantCtx<Write>,
    ApiJson(req): ApiJson<EventRequest>,
) -> Result<(StatusCode, Json<CreatedEvent>), ApiError> {
    let now = st.clock.now();
    let mut tx = TenantTx::begin(&st.db, &ctx.scope).await?;
    // The area is locked as it is looked up, before the insert: the recomputation after it
    // then needs no lock of its own (one round trip fewer on the hottest write).
    let area = match req.life_area_id.as_deref() {
        Some(a) => found(life_areas::lock(&mut tx, a).await)?,
        None => None,
    };
    let f = fields(req, area.map(|a| a.id()), None, now)?;
    let locked = area.ok_or_else(|| ApiError::Internal("event without a locked area".into()))?;
    let logged = wisdomos_app::events::record(&mut tx, locked, &f, now).await?;
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
    ctx: TenantCtx<Read>,
    ApiQuery(q): ApiQuery<EventQuery>,
) -> Result<Json<Paginated<EventDto>>, ApiError> {
    let (limit, before) = PageQuery {
        limit: q.limit,
        cursor: q.cursor.clone(),
    }
    .parse()?;
    if q.q.as_deref().is_some_and(|s| s.chars().count() > 500) {
        return Err(ApiError::field(FieldError::new(
            "q",
            "too_long",
            "q must have at most 500 characters",
        )));
    }
    let mut tx = TenantTx::begin(&st.db, &ctx.scope).await?;
    let life_area_id = match &q.life_area {
        Some(a) => Some(
            life_areas::get(&mut tx, a)
                .await
                .map_err(|e| match e {
                    DbError::NotFound => ApiError::field(FieldError::new(
                        "lifeArea",
                        "unknown_life_area",
                        "lifeArea names no life area of this workspace",
                    )),
                    other => other.into(),
                })?
                .id,
        ),
        None => None,
    };
    let filter = EventFilter {
        life_area_id,
        event_type: q.event_type.map(EventType::as_str),
        category: q.category.map(EventCategory::as_str),
        tone: q.tone.map(EventTone::as_str),
        tag: q.tag.map(|t| t.trim().to_lowercase()),
        from: q.from,
        to: q.to,
        q: q.q.filter(|s| !s.trim().is_empty()),
    };
    let page = events::list(&mut tx, &filter, before, limit).await?;
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
    ctx: TenantCtx<Read>,
    Path(id): Path<String>,
) -> Result<Json<EventDto>, ApiError> {
    let id = parse_id(&id)?;
    let mut tx = TenantTx::begin(&st.db, &ctx.scope).await?;
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

/// Recomputes each of `ids` once, locking them in id order (the lock order of every
/// multi-area recomputation, so concurrent ones cannot deadlock); answers in the order of `ids`.
async fn recompute_areas(
    tx: &mut TenantTx,
    ids: &[Uuid],
    now: DateTime<Utc>,
) -> Result<Vec<AreaScoreChange>, ApiError> {
    let mut done: Vec<AreaScoreChange> = Vec::new();
    for id in ids
        .iter()
        .copied()
        .collect::<std::collections::BTreeSet<Uuid>>()
    {
        let (previous, b) = life_areas::recompute(tx, id, now).await?;
        done.push(AreaScoreChange {
            life_area_id: id,
            previous_score: previous,
            updated_score: b.score,
            status: b.status.as_str().to_owned(),
        });
    }
    let mut out = Vec::new();
    for id in ids {
        if let Some(i) = done.iter().position(|c| c.life_area_id == *id) {
            out.push(done.swap_remove(i));
        }
    }
    Ok(out)
}

/// Changes an event; the old and the new area are recomputed.
#[utoipa::path(patch, path = "/events/{id}", tag = "events", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = EventRequest, responses((status = 200, body = ChangedEvent), (status = 404, description = "not_found")))]
pub async fn update(
    State(st): State<AppState>,
    ctx: TenantCtx<Write>,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<EventRequest>,
) -> Result<Json<ChangedEvent>, ApiError> {
    let id = parse_id(&id)?;
    let now = st.clock.now();
    let mut tx = TenantTx::begin(&st.db, &ctx.scope).await?;
    let current = events::get(&mut tx, id).await?;
    let area = match req.life_area_id.as_deref() {
        Some(a) => found(life_areas::get(&mut tx, a).await)?.map(|a| a.id),
        None => None,
    };
    let f = fields(req, area, Some(&current), now)?;
    let (before, after) = events::update(&mut tx, id, &f, now).await?;
    let areas = recompute_areas(&mut tx, &[before.life_area_id, after.life_area_id], now).await?;
    tx.commit().await?;
    Ok(Json(ChangedEvent {
        event: after.into(),
        areas,
    }))
}

/// Deletes an event and recomputes its area.
#[utoipa::path(delete, path = "/events/{id}", tag = "events", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = ChangedEvent), (status = 404, description = "not_found")))]
pub async fn delete(
    State(st): State<AppState>,
    ctx: TenantCtx<Write>,
    Path(id): Path<String>,
) -> Result<Json<ChangedEvent>, ApiError> {
    let id = parse_id(&id)?;
    let now = st.clock.now();
    let mut tx = TenantTx::begin(&st.db, &ctx.scope).await?;
    let e = events::delete(&mut tx, id).await?;
    let areas = recompute_areas(&mut tx, &[e.life_area_id], now).await?;
    tx.commit().await?;
    Ok(Json(ChangedEvent {
        event: e.into(),
        areas,
    }))
}

/// A path id that is not a UUID names nothing: 404 like any unknown id.
pub(crate) fn parse_id(raw: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(raw).map_err(|_| ApiError::NotFound)
}
