//! `/commitments`: promises with a status lifecycle; changes move the area's score.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use wisdomos_core::event::{rules, CommitmentStatus};
use wisdomos_core::{FieldError, ValidationErrors};
use wisdomos_db::commitments::{self, Commitment, CommitmentFields};
use wisdomos_db::{found, insights, life_areas, DbError, TenantTx};

use super::events::parse_id;
use crate::extract::{Read, TenantCtx, Write};
use crate::json::{ApiJson, ApiQuery};
use crate::pagination::{PageQuery, Paginated};
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

pub(crate) async fn resolve_area(
    tx: &mut TenantTx,
    field: &str,
    a: Option<&str>,
) -> Result<Option<Uuid>, ApiError> {
    match a {
        None => Ok(None),
        Some(a) => match found(life_areas::get(tx, a).await)? {
            Some(area) => Ok(Some(area.id)),
            None => Err(ApiError::field(unknown_life_area(field))),
        },
    }
}

/// The error of `field` when it names a life area the workspace lacks (`unknown_life_area`).
pub(crate) fn unknown_life_area(field: &str) -> FieldError {
    FieldError::new(
        field,
        "unknown_life_area",
        format!("{field} names no life area of this workspace"),
    )
}

fn statement(s: &str) -> Result<String, FieldError> {
    wisdomos_core::validation::bounded_text("statement", s, 1, 2000)
}

/// Records an ACTIVE commitment and recomputes its area. A commitment made from an insight
/// (`insightId`) marks that insight applied in the same transaction.
#[utoipa::path(post, path = "/commitments", tag = "commitments", security(("bearer" = [])), request_body = CreateCommitment,
    responses((status = 201, body = CommitmentDto), (status = 422, description = "validation_failed")))]
pub async fn create(
    State(st): State<AppState>,
    ctx: TenantCtx<Write>,
    ApiJson(req): ApiJson<CreateCommitment>,
) -> Result<(StatusCode, Json<CommitmentDto>), ApiError> {
    let mut errs = ValidationErrors::default();
    let stmt = errs.check(statement(&req.statement));
    let intention = errs.check(rules::text(
        "intention",
        req.intention.as_deref().unwrap_or(""),
        rules::TEXT_MAX,
    ));
    let measurable = errs.optional(
        req.measurable
            .as_deref()
            .map(|m| rules::text("measurable", m, rules::TEXT_MAX)),
    );
    errs.finish()?;
    let (Some(stmt), Some(intention)) = (stmt, intention) else {
        return Err(ApiError::Internal(
            "validation passed without values".into(),
        ));
    };
    let now = st.clock.now();
    let mut tx = TenantTx::begin(&st.db, &ctx.scope).await?;
    let life_area_id = resolve_area(&mut tx, "lifeAreaId", req.life_area_id.as_deref()).await?;
    let f = CommitmentFields {
        life_area_id,
        event_id: req.event_id,
        insight_id: req.insight_id,
        statement: stmt,
        intention,
        measurable,
    };
    let c = commitments::create(&mut tx, &f, now)
        .await
        .map_err(|e| match e {
            DbError::NotFound => ApiError::field(FieldError::new(
                "eventId",
                "unknown_reference",
                "eventId or insightId names nothing in this workspace",
            )),
            other => other.into(),
        })?;
    if let Some(a) = c.life_area_id {
        life_areas::recompute(&mut tx, a, now).await?;
    }
    if let Some(insight_id) = c.insight_id {
        // Seed 001 InsightIntegrationFlow: applying an insight is making a commitment of it.
        let mut i = insights::get(&mut tx, insight_id).await?;
        if !i.applied {
            i.applied = true;
            i.applied_at = Some(now);
            insights::save(&mut tx, &i, now).await?;
        }
    }
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
    ctx: TenantCtx<Read>,
    ApiQuery(q): ApiQuery<CommitmentQuery>,
) -> Result<Json<Paginated<CommitmentDto>>, ApiError> {
    let (limit, before) = PageQuery {
        limit: q.limit,
        cursor: q.cursor,
    }
    .parse()?;
    let mut tx = TenantTx::begin(&st.db, &ctx.scope).await?;
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
    ctx: TenantCtx<Read>,
    Path(id): Path<String>,
) -> Result<Json<CommitmentDto>, ApiError> {
    let id = parse_id(&id)?;
    let mut tx = TenantTx::begin(&st.db, &ctx.scope).await?;
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
    ctx: TenantCtx<Write>,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<UpdateCommitment>,
) -> Result<Json<CommitmentDto>, ApiError> {
    let id = parse_id(&id)?;
    let mut errs = ValidationErrors::default();
    let stmt = errs.optional(req.statement.as_deref().map(statement));
    let intention = errs.optional(
        req.intention
            .as_deref()
            .map(|i| rules::text("intention", i, rules::TEXT_MAX)),
    );
    let measurable = errs.optional(
        req.measurable
            .as_deref()
            .map(|m| rules::text("measurable", m, rules::TEXT_MAX)),
    );
    errs.finish()?;
    let now = st.clock.now();
    let mut tx = TenantTx::begin(&st.db, &ctx.scope).await?;
    let mut c = commitments::get(&mut tx, id, true).await?;
    let old_area = c.life_area_id;
    if let Some(s) = stmt {
        c.statement = s;
    }
    if let Some(i) = intention {
        c.intention = i;
    }
    if let Some(m) = measurable {
        c.measurable = (!m.is_empty()).then_some(m);
    }
    match req.life_area_id.as_deref() {
        Some("") => c.life_area_id = None,
        Some(a) => c.life_area_id = resolve_area(&mut tx, "lifeAreaId", Some(a)).await?,
        None => {}
    }
    if let Some(to) = req.status {
        let from = CommitmentStatus::parse(&c.status)
            .ok_or_else(|| ApiError::Internal(format!("stored status {} unreadable", c.status)))?;
        if !from.can_become(to) {
            return Err(ApiError::Conflict("invalid_transition"));
        }
        if from != to {
            c.status = to.as_str().to_owned();
            c.reviewed_at = Some(now);
            if to.is_completed() {
                c.completed_at = c.completed_at.or(Some(now));
            } else {
                c.completed_at = None;
            }
        }
    }
    let c = commitments::save(&mut tx, &c, now).await?;
    for area in [old_area, c.life_area_id]
        .into_iter()
        .flatten()
        .collect::<std::collections::BTreeSet<_>>()
    {
        life_areas::recompute(&mut tx, area, now).await?;
    }
    tx.commit().await?;
    Ok(Json(c.into()))
}

/// Marks a commitment as reviewed now (its next review falls due 7 days later).
#[utoipa::path(post, path = "/commitments/{id}/review", tag = "commitments", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = CommitmentDto)))]
pub async fn review(
    State(st): State<AppState>,
    ctx: TenantCtx<Write>,
    Path(id): Path<String>,
) -> Result<Json<CommitmentDto>, ApiError> {
    let id = parse_id(&id)?;
    let now = st.clock.now();
    let mut tx = TenantTx::begin(&st.db, &ctx.scope).await?;
    let mut c = commitments::get(&mut tx, id, true).await?;
    c.reviewed_at = Some(now);
    let c = commitments::save(&mut tx, &c, now).await?;
    tx.commit().await?;
    Ok(Json(c.into()))
}

/// Deletes a commitment and recomputes its area.
#[utoipa::path(delete, path = "/commitments/{id}", tag = "commitments", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 204, description = "Deleted"), (status = 404, description = "not_found")))]
pub async fn delete(
    State(st): State<AppState>,
    ctx: TenantCtx<Write>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id = parse_id(&id)?;
    let now = st.clock.now();
    let mut tx = TenantTx::begin(&st.db, &ctx.scope).await?;
    let c = commitments::delete(&mut tx, id).await?;
    if let Some(a) = c.life_area_id {
        life_areas::recompute(&mut tx, a, now).await?;
    }
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
