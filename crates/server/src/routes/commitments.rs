//! `/commitments`: promises with a status lifecycle; changes move the area's score.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use wisdomos_app::commitments::{self as app, CommitmentChanges, NewCommitment};
use wisdomos_core::event::CommitmentStatus;
use wisdomos_db::commitments::{self, Commitment};
use wisdomos_db::TenantTx;

use crate::extract::parse_id;
use crate::extract::{Read, Write};
use crate::json::{ApiJson, ApiQuery};
use crate::pagination::{PageQuery, Paginated};
use crate::scoped::Scoped;
use crate::{ApiError, AppState};

/// A commitment as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CommitmentDto {
    pub id: Uuid,
    pub life_area_id: Option<Uuid>,
    pub event_id: Option<Uuid>,
    pub insight_id: Option<Uuid>,
    pub statement: String,
    pub intention: String,
    pub measurable: Option<String>,
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Set when the status becomes COMPLETED or INTEGRATED; cleared when it becomes ACTIVE again.
    pub completed_at: Option<DateTime<Utc>>,
    /// Set by every status change and by `POST /commitments/{id}/review`.
    pub reviewed_at: Option<DateTime<Utc>>,
}

impl From<Commitment> for CommitmentDto {
    fn from(c: Commitment) -> Self {
        Self {
            id: c.id,
            life_area_id: c.life_area_id,
            event_id: c.event_id,
            insight_id: c.insight_id,
            statement: c.statement,
            intention: c.intention,
            measurable: c.measurable,
            status: c.status,
            created_at: c.created_at,
            updated_at: c.updated_at,
            completed_at: c.completed_at,
            reviewed_at: c.reviewed_at,
        }
    }
}

/// Body of `POST /commitments`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CreateCommitment {
    /// Id or slug.
    pub life_area_id: Option<String>,
    pub event_id: Option<Uuid>,
    pub insight_id: Option<Uuid>,
    /// 1–2,000 characters.
    pub statement: String,
    pub intention: Option<String>,
    pub measurable: Option<String>,
}

/// The id of the area `a` (id or slug) names, for a filter; `unknown_life_area` on `field`.
pub(crate) async fn resolve_area(
    tx: &mut TenantTx,
    field: &str,
    a: Option<&str>,
) -> Result<Option<Uuid>, ApiError> {
    Ok(wisdomos_app::areas::resolve(tx, field, a).await?)
}

/// Records an ACTIVE commitment and recomputes its area. A commitment made from an insight
/// (`insightId`) marks that insight applied in the same transaction.
#[utoipa::path(post, path = "/commitments", tag = "commitments", security(("bearer" = [])), request_body = CreateCommitment,
    responses((status = 201, body = CommitmentDto), (status = 422, description = "validation_failed")))]
pub async fn create(
    State(st): State<AppState>,
    scoped: Scoped<Write>,
    ApiJson(req): ApiJson<CreateCommitment>,
) -> Result<(StatusCode, Json<CommitmentDto>), ApiError> {
    let new = NewCommitment {
        area: req.life_area_id,
        event_id: req.event_id,
        insight_id: req.insight_id,
        statement: req.statement,
        intention: req.intention,
        measurable: req.measurable,
    };
    let (_ctx, mut tx) = scoped.open(&st).await?;
    let c = app::create(&mut tx, &new, st.clock.now()).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(c.into())))
}

/// Filters of `GET /commitments`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct CommitmentQuery {
    pub status: Option<CommitmentStatus>,
    /// Id or slug.
    pub life_area: Option<String>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// Commitments, newest first.
#[utoipa::path(get, path = "/commitments", tag = "commitments", security(("bearer" = [])), params(CommitmentQuery),
    responses((status = 200, body = Paginated<CommitmentDto>)))]
pub async fn list(
    State(st): State<AppState>,
    scoped: Scoped<Read>,
    ApiQuery(q): ApiQuery<CommitmentQuery>,
) -> Result<Json<Paginated<CommitmentDto>>, ApiError> {
    let (limit, before) = PageQuery {
        limit: q.limit,
        cursor: q.cursor,
    }
    .parse()?;
    let (_ctx, mut tx) = scoped.open(&st).await?;
    let area = resolve_area(&mut tx, "lifeArea", q.life_area.as_deref()).await?;
    let page = commitments::list(
        &mut tx,
        q.status.map(CommitmentStatus::as_str),
        area,
        before,
        limit,
    )
    .await?;
    tx.commit().await?;
    Ok(Json(Paginated::from_page(
        page,
        |c| (c.created_at, c.id),
        Into::into,
    )))
}

/// One commitment.
#[utoipa::path(get, path = "/commitments/{id}", tag = "commitments", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = CommitmentDto), (status = 404, description = "not_found")))]
pub async fn get(
    State(st): State<AppState>,
    scoped: Scoped<Read>,
    Path(id): Path<String>,
) -> Result<Json<CommitmentDto>, ApiError> {
    let id = parse_id(&id)?;
    let (_ctx, mut tx) = scoped.open(&st).await?;
    let c = commitments::get(&mut tx, id, false).await?;
    tx.commit().await?;
    Ok(Json(c.into()))
}

/// Body of `PATCH /commitments/{id}`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct UpdateCommitment {
    pub statement: Option<String>,
    pub intention: Option<String>,
    /// An empty string clears it.
    pub measurable: Option<String>,
    /// Id or slug; an empty string detaches the commitment from its area.
    pub life_area_id: Option<String>,
    /// ACTIVE ↔ PAUSED; ACTIVE or PAUSED → COMPLETED or ABANDONED; COMPLETED → INTEGRATED;
    /// COMPLETED or ABANDONED → ACTIVE. Anything else answers 409 `invalid_transition`.
    pub status: Option<CommitmentStatus>,
}

/// Changes a commitment; a status change sets `reviewedAt` (and `completedAt`) and recomputes
/// the area(s).
#[utoipa::path(patch, path = "/commitments/{id}", tag = "commitments", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = UpdateCommitment, responses((status = 200, body = CommitmentDto), (status = 409, description = "invalid_transition")))]
pub async fn update(
    State(st): State<AppState>,
    scoped: Scoped<Write>,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<UpdateCommitment>,
) -> Result<Json<CommitmentDto>, ApiError> {
    let id = parse_id(&id)?;
    let changes = CommitmentChanges {
        statement: req.statement,
        intention: req.intention,
        measurable: req.measurable,
        area: req.life_area_id,
        status: req.status,
    };
    let (_ctx, mut tx) = scoped.open(&st).await?;
    let c = app::update(&mut tx, id, &changes, st.clock.now()).await?;
    tx.commit().await?;
    Ok(Json(c.into()))
}

/// Marks a commitment as reviewed now (its next review falls due 7 days later).
#[utoipa::path(post, path = "/commitments/{id}/review", tag = "commitments", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = CommitmentDto)))]
pub async fn review(
    State(st): State<AppState>,
    scoped: Scoped<Write>,
    Path(id): Path<String>,
) -> Result<Json<CommitmentDto>, ApiError> {
    let id = parse_id(&id)?;
    let (_ctx, mut tx) = scoped.open(&st).await?;
    let c = app::review(&mut tx, id, st.clock.now()).await?;
    tx.commit().await?;
    Ok(Json(c.into()))
}

/// Deletes a commitment and recomputes its area.
#[utoipa::path(delete, path = "/commitments/{id}", tag = "commitments", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 204, description = "Deleted"), (status = 404, description = "not_found")))]
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
