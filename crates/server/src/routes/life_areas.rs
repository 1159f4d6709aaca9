//! `/life-areas`: the tenant's areas, their scores and snapshots.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use wisdomos_core::event::rules;
use wisdomos_core::life_area::{AreaStatus, LifeAreaCluster};
use wisdomos_core::score::ScoreBreakdown;
use wisdomos_core::tenant::Slug;
use wisdomos_core::validation::bounded_text;
use wisdomos_core::ValidationErrors;
use wisdomos_db::life_areas::{self, LifeArea, LifeAreaFilter, LifeAreaPatch};
use wisdomos_db::snapshots;

use super::events::AreaScoreChange;
use crate::extract::{Read, Write};
use crate::json::{ApiJson, ApiQuery};
use crate::scoped::Scoped;
use crate::{ApiError, AppState};

/// A life area with its current score (0–100) and status band.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LifeAreaDto {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
    /// One of the six clusters, e.g. `INNER_PERSONAL`.
    pub cluster: String,
    pub sort_order: i32,
    pub is_active: bool,
    /// 0–100, one decimal.
    pub current_score: f64,
    /// The latest self-assessment (`POST /assessments`), 0–100; 50 until rated. The score
    /// starts from it (docs/scores.md).
    pub baseline: f64,
    /// `CRISIS` (< 20), `STRUGGLING` (< 40), `BALANCED` (< 70), `THRIVING` (< 90), `FLOURISHING`.
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<LifeArea> for LifeAreaDto {
    fn from(a: LifeArea) -> Self {
        Self {
            id: a.id,
            slug: a.slug,
            name: a.name,
            description: a.description,
            cluster: a.cluster,
            sort_order: a.sort_order,
            is_active: a.is_active,
            current_score: a.current_score,
            baseline: a.baseline,
            status: a.status,
            created_at: a.created_at,
            updated_at: a.updated_at,
        }
    }
}

/// `GET /life-areas` answer.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LifeAreasResponse {
    pub life_areas: Vec<LifeAreaDto>,
}

/// Filters of `GET /life-areas`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct LifeAreaQuery {
    pub cluster: Option<LifeAreaCluster>,
    pub status: Option<AreaStatus>,
    pub is_active: Option<bool>,
}

/// The token's tenant's life areas by sort order, optionally filtered.
#[utoipa::path(get, path = "/life-areas", tag = "life-areas", security(("bearer" = [])), params(LifeAreaQuery),
    responses((status = 200, body = LifeAreasResponse), (status = 401, description = "unauthorized"), (status = 403, description = "tenant_suspended")))]
pub async fn list(
    State(st): State<AppState>,
    scoped: Scoped<Read>,
    ApiQuery(q): ApiQuery<LifeAreaQuery>,
) -> Result<Json<LifeAreasResponse>, ApiError> {
    let (_ctx, mut tx) = scoped.open(&st).await?;
    let filter = LifeAreaFilter {
        cluster: q.cluster.map(LifeAreaCluster::as_str),
        status: q.status.map(AreaStatus::as_str),
        is_active: q.is_active,
    };
    let areas = life_areas::list(&mut tx, &filter).await?;
    tx.commit().await?;
    Ok(Json(LifeAreasResponse {
        life_areas: areas.into_iter().map(Into::into).collect(),
    }))
}

/// One area with the factors of its score as of now.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LifeAreaDetail {
    #[serde(flatten)]
    pub area: LifeAreaDto,
    /// The score's factors computed now (seed 001 §III.1); `factors.score` may differ from
    /// `currentScore` when time has passed since the last recomputation.
    pub factors: ScoreBreakdown,
}

/// A life area by id or slug, with its score factors.
#[utoipa::path(get, path = "/life-areas/{id}", tag = "life-areas", security(("bearer" = [])), params(("id" = String, Path, description = "id or slug")),
    responses((status = 200, body = LifeAreaDetail), (status = 404, description = "not_found")))]
pub async fn get(
    State(st): State<AppState>,
    scoped: Scoped<Read>,
    Path(id): Path<String>,
) -> Result<Json<LifeAreaDetail>, ApiError> {
    let now = st.clock.now();
    let (_ctx, mut tx) = scoped.open(&st).await?;
    let area = life_areas::get(&mut tx, &id).await?;
    let factors = life_areas::breakdown(&mut tx, area.id, now).await?;
    tx.commit().await?;
    Ok(Json(LifeAreaDetail {
        area: area.into(),
        factors,
    }))
}

/// Body of `PATCH /life-areas/{id}`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct UpdateLifeArea {
    /// 1–100 characters.
    pub name: Option<String>,
    /// Up to 1,000 characters.
    pub description: Option<String>,
    /// 0–10,000.
    pub sort_order: Option<i64>,
    pub is_active: Option<bool>,
}

fn sort_order(v: i64) -> Result<i32, wisdomos_core::FieldError> {
    if (0..=10_000).contains(&v) {
        Ok(v as i32)
    } else {
        Err(wisdomos_core::FieldError::new(
            "sortOrder",
            "out_of_range",
            "sortOrder must be from 0 to 10000",
        ))
    }
}

/// Renames, describes, reorders or (de)activates an area (MEMBER and above).
#[utoipa::path(patch, path = "/life-areas/{id}", tag = "life-areas", security(("bearer" = [])), params(("id" = String, Path, description = "id or slug")),
    request_body = UpdateLifeArea, responses((status = 200, body = LifeAreaDto), (status = 404, description = "not_found")))]
pub async fn update(
    State(st): State<AppState>,
    scoped: Scoped<Write>,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<UpdateLifeArea>,
) -> Result<Json<LifeAreaDto>, ApiError> {
    let mut errs = ValidationErrors::default();
    let patch = LifeAreaPatch {
        name: errs.optional(req.name.as_deref().map(|n| bounded_text("name", n, 1, 100))),
        description: errs.optional(
            req.description
                .as_deref()
                .map(|d| rules::text("description", d, 1000)),
        ),
        sort_order: errs.optional(req.sort_order.map(sort_order)),
        is_active: req.is_active,
    };
    errs.finish()?;
    let (_ctx, mut tx) = scoped.open(&st).await?;
    let area = life_areas::get(&mut tx, &id).await?;
    let area = life_areas::update(&mut tx, area.id, &patch, st.clock.now()).await?;
    tx.commit().await?;
    Ok(Json(area.into()))
}

/// Body of `POST /life-areas`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CreateLifeArea {
    /// 1–100 characters.
    pub name: String,
    pub cluster: LifeAreaCluster,
    /// Derived from the name when absent.
    pub slug: Option<String>,
    pub description: Option<String>,
    /// Default: after the last area.
    pub sort_order: Option<i64>,
}

/// Adds a custom area to a cluster (MEMBER and above).
#[utoipa::path(post, path = "/life-areas", tag = "life-areas", security(("bearer" = [])), request_body = CreateLifeArea,
    responses((status = 201, body = LifeAreaDto), (status = 409, description = "slug_taken")))]
pub async fn create(
    State(st): State<AppState>,
    scoped: Scoped<Write>,
    ApiJson(req): ApiJson<CreateLifeArea>,
) -> Result<(StatusCode, Json<LifeAreaDto>), ApiError> {
    let mut errs = ValidationErrors::default();
    let name = errs.check(bounded_text("name", &req.name, 1, 100));
    let slug = errs.optional(req.slug.as_deref().map(|s| Slug::parse("slug", s)));
    let description = errs.optional(
        req.description
            .as_deref()
            .map(|d| rules::text("description", d, 1000)),
    );
    let order = errs.optional(req.sort_order.map(sort_order));
    errs.finish()?;
    let Some(name) = name else {
        return Err(ApiError::Internal(
            "validation passed without values".into(),
        ));
    };
    let slug = slug.unwrap_or_else(|| Slug::derive(&name));
    let (_ctx, mut tx) = scoped.open(&st).await?;
    let area = life_areas::create(
        &mut tx,
        slug.as_str(),
        &name,
        description.as_deref(),
        req.cluster.as_str(),
        order,
        st.clock.now(),
    )
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(area.into())))
}

/// Recomputes one area's score now.
#[utoipa::path(post, path = "/life-areas/{id}/refresh", tag = "life-areas", security(("bearer" = [])), params(("id" = String, Path, description = "id or slug")),
    responses((status = 200, body = AreaScoreChange)))]
pub async fn refresh_one(
    State(st): State<AppState>,
    scoped: Scoped<Write>,
    Path(id): Path<String>,
) -> Result<Json<AreaScoreChange>, ApiError> {
    let (_ctx, mut tx) = scoped.open(&st).await?;
    let area = life_areas::get(&mut tx, &id).await?;
    let change = wisdomos_app::areas::recompute(&mut tx, area.id, st.clock.now()).await?;
    tx.commit().await?;
    Ok(Json(change.into()))
}

/// Answer of `POST /life-areas/refresh`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RefreshAll {
    /// Areas whose score changed.
    pub changed: usize,
    pub life_areas: Vec<LifeAreaDto>,
}

/// Recomputes every area's score now.
#[utoipa::path(post, path = "/life-areas/refresh", tag = "life-areas", security(("bearer" = [])), responses((status = 200, body = RefreshAll)))]
pub async fn refresh_all(
    State(st): State<AppState>,
    scoped: Scoped<Write>,
) -> Result<Json<RefreshAll>, ApiError> {
    let (_ctx, mut tx) = scoped.open(&st).await?;
    let changed = life_areas::recompute_all(&mut tx, st.clock.now()).await?;
    let areas = life_areas::list(&mut tx, &LifeAreaFilter::default()).await?;
    tx.commit().await?;
    Ok(Json(RefreshAll {
        changed,
        life_areas: areas.into_iter().map(Into::into).collect(),
    }))
}

/// A daily snapshot of an area.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SnapshotDto {
    pub id: Uuid,
    pub life_area_id: Uuid,
    /// The tenant's local date.
    pub date: NaiveDate,
    pub score: f64,
    pub status: String,
    /// Events in the 30-day window.
    pub event_count: i32,
    pub upset_count: i32,
    pub breakthrough_count: i32,
    pub notes: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<snapshots::Snapshot> for SnapshotDto {
    fn from(s: snapshots::Snapshot) -> Self {
        Self {
            id: s.id,
            life_area_id: s.life_area_id,
            date: s.date,
            score: s.score,
            status: s.status,
            event_count: s.event_count,
            upset_count: s.upset_count,
            breakthrough_count: s.breakthrough_count,
            notes: s.notes,
            created_at: s.created_at,
            updated_at: s.updated_at,
        }
    }
}

/// Date range of `GET /life-areas/{id}/snapshots` (inclusive, `YYYY-MM-DD`).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SnapshotQuery {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// An area's snapshots, oldest first.
#[utoipa::path(get, path = "/life-areas/{id}/snapshots", tag = "life-areas", security(("bearer" = [])),
    params(("id" = String, Path, description = "id or slug"), SnapshotQuery), responses((status = 200, body = Vec<SnapshotDto>)))]
pub async fn snapshots(
    State(st): State<AppState>,
    scoped: Scoped<Read>,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<SnapshotQuery>,
) -> Result<Json<Vec<SnapshotDto>>, ApiError> {
    let (_ctx, mut tx) = scoped.open(&st).await?;
    let area = life_areas::get(&mut tx, &id).await?;
    let rows = snapshots::list(&mut tx, area.id, q.from, q.to).await?;
    tx.commit().await?;
    Ok(Json(rows.into_iter().map(Into::into).collect()))
}

/// Records today's snapshot (the date in the tenant's time zone) of every active area; a
/// repeat on the same date updates it.
#[utoipa::path(post, path = "/snapshots", tag = "life-areas", security(("bearer" = [])), responses((status = 201, body = Vec<SnapshotDto>)))]
pub async fn record_snapshots(
    State(st): State<AppState>,
    scoped: Scoped<Write>,
) -> Result<(StatusCode, Json<Vec<SnapshotDto>>), ApiError> {
    let now = st.clock.now();
    let (ctx, mut tx) = scoped.open(&st).await?;
    let tz: chrono_tz::Tz = ctx.tenant.timezone.parse().map_err(|_| {
        ApiError::Internal(format!(
            "stored time zone {} unreadable",
            ctx.tenant.timezone
        ))
    })?;
    let date = now.with_timezone(&tz).date_naive();
    life_areas::recompute_all(&mut tx, now).await?;
    let rows = snapshots::record(&mut tx, date, now).await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(rows.into_iter().map(Into::into).collect()),
    ))
}
