//! `/insights`: truths, beliefs, strengths, values, patterns and wisdom drawn from events.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use wisdomos_app::insights::{self as app, InsightChanges};
use wisdomos_core::event::InsightType;
use wisdomos_db::insights::{self, Insight};

use crate::extract::parse_id;
use crate::extract::{Read, Write};
use crate::json::{ApiJson, ApiQuery};
use crate::pagination::{PageQuery, Paginated};
use crate::scoped::Scoped;
use crate::{ApiError, AppState};

/// An insight as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InsightDto {
    pub id: Uuid,
    pub event_id: Option<Uuid>,
    #[serde(rename = "type")]
    pub insight_type: String,
    pub title: String,
    pub description: String,
    pub is_recurring: bool,
    pub frequency: i32,
    pub related_events: Vec<Uuid>,
    pub tags: Vec<String>,
    pub applied: bool,
    pub applied_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Insight> for InsightDto {
    fn from(i: Insight) -> Self {
        Self {
            id: i.id,
            event_id: i.event_id,
            insight_type: i.insight_type,
            title: i.title,
            description: i.description,
            is_recurring: i.is_recurring,
            frequency: i.frequency,
            related_events: i.related_events,
            tags: i.tags,
            applied: i.applied,
            applied_at: i.applied_at,
            created_at: i.created_at,
            updated_at: i.updated_at,
        }
    }
}

/// Body of `POST /insights` (all required fields) and `PATCH /insights/{id}` (any).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct InsightRequest {
    pub event_id: Option<Uuid>,
    #[serde(rename = "type")]
    pub insight_type: Option<InsightType>,
    /// 1–200 characters.
    pub title: Option<String>,
    pub description: Option<String>,
    pub is_recurring: Option<bool>,
    /// 1–100,000.
    pub frequency: Option<i64>,
    /// Ids of events of this workspace (at most 1,000).
    pub related_events: Option<Vec<Uuid>>,
    pub tags: Option<Vec<String>>,
    /// Marks the insight applied (sets `appliedAt`) or not.
    pub applied: Option<bool>,
}

impl From<InsightRequest> for InsightChanges {
    fn from(r: InsightRequest) -> Self {
        Self {
            event_id: r.event_id,
            insight_type: r.insight_type,
            title: r.title,
            description: r.description,
            is_recurring: r.is_recurring,
            frequency: r.frequency,
            related_events: r.related_events,
            tags: r.tags,
            applied: r.applied,
        }
    }
}

/// Records an insight.
#[utoipa::path(post, path = "/insights", tag = "insights", security(("bearer" = [])), request_body = InsightRequest,
    responses((status = 201, body = InsightDto)))]
pub async fn create(
    State(st): State<AppState>,
    scoped: Scoped<Write>,
    ApiJson(req): ApiJson<InsightRequest>,
) -> Result<(StatusCode, Json<InsightDto>), ApiError> {
    let (_ctx, mut tx) = scoped.open(&st).await?;
    let created = app::create(&mut tx, req.into(), st.clock.now()).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(created.into())))
}

/// Filters of `GET /insights`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct InsightQuery {
    pub recurring: Option<bool>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// Insights, newest first.
#[utoipa::path(get, path = "/insights", tag = "insights", security(("bearer" = [])), params(InsightQuery),
    responses((status = 200, body = Paginated<InsightDto>)))]
pub async fn list(
    State(st): State<AppState>,
    scoped: Scoped<Read>,
    ApiQuery(q): ApiQuery<InsightQuery>,
) -> Result<Json<Paginated<InsightDto>>, ApiError> {
    let (limit, before) = PageQuery {
        limit: q.limit,
        cursor: q.cursor,
    }
    .parse()?;
    let (_ctx, mut tx) = scoped.open(&st).await?;
    let page = insights::list(&mut tx, q.recurring, before, limit).await?;
    tx.commit().await?;
    Ok(Json(Paginated::from_page(
        page,
        |i| (i.created_at, i.id),
        Into::into,
    )))
}

/// One insight.
#[utoipa::path(get, path = "/insights/{id}", tag = "insights", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = InsightDto), (status = 404, description = "not_found")))]
pub async fn get(
    State(st): State<AppState>,
    scoped: Scoped<Read>,
    Path(id): Path<String>,
) -> Result<Json<InsightDto>, ApiError> {
    let id = parse_id(&id)?;
    let (_ctx, mut tx) = scoped.open(&st).await?;
    let i = insights::get(&mut tx, id).await?;
    tx.commit().await?;
    Ok(Json(i.into()))
}

/// Changes an insight.
#[utoipa::path(patch, path = "/insights/{id}", tag = "insights", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = InsightRequest, responses((status = 200, body = InsightDto)))]
pub async fn update(
    State(st): State<AppState>,
    scoped: Scoped<Write>,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<InsightRequest>,
) -> Result<Json<InsightDto>, ApiError> {
    let id = parse_id(&id)?;
    let (_ctx, mut tx) = scoped.open(&st).await?;
    let i = app::update(&mut tx, id, req.into(), st.clock.now()).await?;
    tx.commit().await?;
    Ok(Json(i.into()))
}

/// Deletes an insight.
#[utoipa::path(delete, path = "/insights/{id}", tag = "insights", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 204, description = "Deleted")))]
pub async fn delete(
    State(st): State<AppState>,
    scoped: Scoped<Write>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id = parse_id(&id)?;
    let (_ctx, mut tx) = scoped.open(&st).await?;
    app::delete(&mut tx, id).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Answer of `POST /insights/detect`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DetectQueued {
    /// Follow it at `GET /jobs/{jobId}`.
    pub job_id: Uuid,
}

/// Runs pattern detection for this tenant now, as a job (docs/patterns.md); recurring themes in
/// the last 90 days become PATTERN_RECOGNIZED insights.
#[utoipa::path(post, path = "/insights/detect", tag = "insights", security(("bearer" = [])),
    responses((status = 202, body = DetectQueued)))]
pub async fn detect(
    State(st): State<AppState>,
    scoped: Scoped<Write>,
) -> Result<(StatusCode, Json<DetectQueued>), ApiError> {
    let (_ctx, mut tx) = scoped.open(&st).await?;
    let id = app::queue_detection(&mut tx, st.clock.now()).await?;
    tx.commit().await?;
    Ok((StatusCode::ACCEPTED, Json(DetectQueued { job_id: id })))
}
