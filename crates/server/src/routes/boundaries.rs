//! `/boundaries`: personal boundaries and their violation log; a violation moves the score.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use wisdomos_app::boundaries::{
    self as app, BoundaryChanges, NewBoundary, ViolationInput, ViolationOutcome,
};
use wisdomos_core::event::BoundaryStatus;
use wisdomos_db::boundaries::{self, Boundary, Violation};

use super::commitments::resolve_area;
use super::events::AreaScoreChange;
use crate::extract::parse_id;
use crate::extract::{Read, Write};
use crate::json::{ApiJson, ApiQuery};
use crate::pagination::{PageQuery, Paginated};
use crate::scoped::Scoped;
use crate::{ApiError, AppState};

/// A boundary as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BoundaryDto {
    pub id: Uuid,
    pub life_area_id: Uuid,
    pub statement: String,
    pub reason: String,
    pub consequence: Option<String>,
    pub status: String,
    pub last_violated_at: Option<DateTime<Utc>>,
    pub violation_count: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Boundary> for BoundaryDto {
    fn from(b: Boundary) -> Self {
        Self {
            id: b.id,
            life_area_id: b.life_area_id,
            statement: b.statement,
            reason: b.reason,
            consequence: b.consequence,
            status: b.status,
            last_violated_at: b.last_violated_at,
            violation_count: b.violation_count,
            created_at: b.created_at,
            updated_at: b.updated_at,
        }
    }
}

/// One logged violation.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ViolationDto {
    pub id: Uuid,
    pub boundary_id: Uuid,
    pub occurred_at: DateTime<Utc>,
    pub note: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<Violation> for ViolationDto {
    fn from(v: Violation) -> Self {
        Self {
            id: v.id,
            boundary_id: v.boundary_id,
            occurred_at: v.occurred_at,
            note: v.note,
            created_at: v.created_at,
        }
    }
}

/// Body of `POST /boundaries`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CreateBoundary {
    /// Id or slug.
    pub life_area_id: String,
    /// 1–2,000 characters.
    pub statement: String,
    pub reason: Option<String>,
    pub consequence: Option<String>,
}

/// Records an ACTIVE boundary.
#[utoipa::path(post, path = "/boundaries", tag = "boundaries", security(("bearer" = [])), request_body = CreateBoundary,
    responses((status = 201, body = BoundaryDto)))]
pub async fn create(
    State(st): State<AppState>,
    scoped: Scoped<Write>,
    ApiJson(req): ApiJson<CreateBoundary>,
) -> Result<(StatusCode, Json<BoundaryDto>), ApiError> {
    let new = NewBoundary {
        area: req.life_area_id,
        statement: req.statement,
        reason: req.reason,
        consequence: req.consequence,
    };
    let (_ctx, mut tx) = scoped.open(&st).await?;
    let b = app::create(&mut tx, &new, st.clock.now()).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(b.into())))
}

/// Filters of `GET /boundaries`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct BoundaryQuery {
    /// Id or slug.
    pub life_area: Option<String>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// Boundaries, newest first.
#[utoipa::path(get, path = "/boundaries", tag = "boundaries", security(("bearer" = [])), params(BoundaryQuery),
    responses((status = 200, body = Paginated<BoundaryDto>)))]
pub async fn list(
    State(st): State<AppState>,
    scoped: Scoped<Read>,
    ApiQuery(q): ApiQuery<BoundaryQuery>,
) -> Result<Json<Paginated<BoundaryDto>>, ApiError> {
    let (limit, before) = PageQuery {
        limit: q.limit,
        cursor: q.cursor,
    }
    .parse()?;
    let (_ctx, mut tx) = scoped.open(&st).await?;
    let area = resolve_area(&mut tx, "lifeArea", q.life_area.as_deref()).await?;
    let page = boundaries::list(&mut tx, area, before, limit).await?;
    tx.commit().await?;
    Ok(Json(Paginated::from_page(
        page,
        |b| (b.created_at, b.id),
        Into::into,
    )))
}

/// A boundary with its latest violations.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BoundaryDetail {
    #[serde(flatten)]
    pub boundary: BoundaryDto,
    /// The 50 latest violations, newest first.
    pub violations: Vec<ViolationDto>,
}

/// One boundary with its violation history.
#[utoipa::path(get, path = "/boundaries/{id}", tag = "boundaries", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = BoundaryDetail), (status = 404, description = "not_found")))]
pub async fn get(
    State(st): State<AppState>,
    scoped: Scoped<Read>,
    Path(id): Path<String>,
) -> Result<Json<BoundaryDetail>, ApiError> {
    let id = parse_id(&id)?;
    let (_ctx, mut tx) = scoped.open(&st).await?;
    let b = boundaries::get(&mut tx, id).await?;
    let v = boundaries::violations(&mut tx, id, 50).await?;
    tx.commit().await?;
    Ok(Json(BoundaryDetail {
        boundary: b.into(),
        violations: v.into_iter().map(Into::into).collect(),
    }))
}

/// Body of `PATCH /boundaries/{id}`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct UpdateBoundary {
    pub statement: Option<String>,
    pub reason: Option<String>,
    /// An empty string clears it.
    pub consequence: Option<String>,
    pub status: Option<BoundaryStatus>,
}

/// Changes a boundary.
#[utoipa::path(patch, path = "/boundaries/{id}", tag = "boundaries", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = UpdateBoundary, responses((status = 200, body = BoundaryDto)))]
pub async fn update(
    State(st): State<AppState>,
    scoped: Scoped<Write>,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<UpdateBoundary>,
) -> Result<Json<BoundaryDto>, ApiError> {
    let id = parse_id(&id)?;
    let changes = BoundaryChanges {
        statement: req.statement,
        reason: req.reason,
        consequence: req.consequence,
        status: req.status,
    };
    let (_ctx, mut tx) = scoped.open(&st).await?;
    let b = app::update(&mut tx, id, &changes, st.clock.now()).await?;
    tx.commit().await?;
    Ok(Json(b.into()))
}

/// Deletes a boundary with its violations and recomputes its area.
#[utoipa::path(delete, path = "/boundaries/{id}", tag = "boundaries", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 204, description = "Deleted")))]
pub async fn delete(
    State(st): State<AppState>,
    scoped: Scoped<Write>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id = parse_id(&id)?;
    let (_ctx, mut tx) = scoped.open(&st).await?;
    app::delete(&mut tx, id, st.clock.now()).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Body of `POST /boundaries/{id}/violations` and `PATCH /boundaries/{id}/violations/{vid}`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct LogViolation {
    /// Default now (when logging) or unchanged (when correcting); at most 24 hours in the future.
    pub occurred_at: Option<DateTime<Utc>>,
    /// Up to 2,000 characters; an empty string clears it.
    pub note: Option<String>,
}

impl From<LogViolation> for ViolationInput {
    fn from(v: LogViolation) -> Self {
        Self {
            occurred_at: v.occurred_at,
            note: v.note,
        }
    }
}

/// Answer of logging, correcting or removing a violation.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ViolationLogged {
    pub boundary: BoundaryDto,
    pub violation: ViolationDto,
    pub score: AreaScoreChange,
}

impl From<ViolationOutcome> for ViolationLogged {
    fn from(o: ViolationOutcome) -> Self {
        Self {
            boundary: o.boundary.into(),
            violation: o.violation.into(),
            score: o.score.into(),
        }
    }
}

/// A body that may be empty (`{}` assumed).
fn optional_body<T: Default + serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        Ok(T::default())
    } else {
        crate::json::parse(body)
    }
}

/// Records one violation, updates `lastViolatedAt` and `violationCount`, and recomputes the area.
#[utoipa::path(post, path = "/boundaries/{id}/violations", tag = "boundaries", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = LogViolation, responses((status = 201, body = ViolationLogged)))]
pub async fn add_violation(
    State(st): State<AppState>,
    scoped: Scoped<Write>,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<ViolationLogged>), ApiError> {
    let id = parse_id(&id)?;
    let req: LogViolation = optional_body(&body)?;
    let (_ctx, mut tx) = scoped.open(&st).await?;
    let o = app::log_violation(&mut tx, id, &req.into(), st.clock.now()).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(o.into())))
}

/// Corrects a violation's time or note; the boundary's `violationCount` and `lastViolatedAt`
/// and the area's score follow.
#[utoipa::path(patch, path = "/boundaries/{id}/violations/{violationId}", tag = "boundaries", security(("bearer" = [])),
    params(("id" = Uuid, Path), ("violationId" = Uuid, Path)),
    request_body = LogViolation, responses((status = 200, body = ViolationLogged), (status = 404, description = "not_found")))]
pub async fn correct_violation(
    State(st): State<AppState>,
    scoped: Scoped<Write>,
    Path((id, vid)): Path<(String, String)>,
    body: axum::body::Bytes,
) -> Result<Json<ViolationLogged>, ApiError> {
    let (id, vid) = (parse_id(&id)?, parse_id(&vid)?);
    let req: LogViolation = optional_body(&body)?;
    let (_ctx, mut tx) = scoped.open(&st).await?;
    let o = app::correct_violation(&mut tx, id, vid, &req.into(), st.clock.now()).await?;
    tx.commit().await?;
    Ok(Json(o.into()))
}

/// Removes a violation logged by mistake; the boundary's count and the area's score recover.
/// Answers with the removed violation and the score change.
#[utoipa::path(delete, path = "/boundaries/{id}/violations/{violationId}", tag = "boundaries", security(("bearer" = [])),
    params(("id" = Uuid, Path), ("violationId" = Uuid, Path)),
    responses((status = 200, body = ViolationLogged), (status = 404, description = "not_found")))]
pub async fn delete_violation(
    State(st): State<AppState>,
    scoped: Scoped<Write>,
    Path((id, vid)): Path<(String, String)>,
) -> Result<Json<ViolationLogged>, ApiError> {
    let (id, vid) = (parse_id(&id)?, parse_id(&vid)?);
    let (_ctx, mut tx) = scoped.open(&st).await?;
    let o = app::delete_violation(&mut tx, id, vid, st.clock.now()).await?;
    tx.commit().await?;
    Ok(Json(o.into()))
}
