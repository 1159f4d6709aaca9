//! `/autobiography`: eras and entries of the life story.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use wisdomos_app::autobiography::{self as app, EntryChanges, EraChanges};
use wisdomos_db::autobiography::{self, Entry, Era};

use crate::extract::parse_id;
use crate::extract::{Read, Write};
use crate::json::{ApiJson, ApiQuery};
use crate::scoped::Scoped;
use crate::{ApiError, AppState};

/// An era of the life story.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EraDto {
    pub id: Uuid,
    pub name: String,
    pub start_year: i32,
    pub end_year: i32,
    pub description: Option<String>,
    pub sort_order: i32,
}

impl From<Era> for EraDto {
    fn from(e: Era) -> Self {
        Self {
            id: e.id,
            name: e.name,
            start_year: e.start_year,
            end_year: e.end_year,
            description: e.description,
            sort_order: e.sort_order,
        }
    }
}

/// An entry of the life story.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EntryDto {
    pub id: Uuid,
    pub era_id: Uuid,
    pub year: i32,
    pub month: Option<i32>,
    pub title: String,
    pub narrative: String,
    pub event_ids: Vec<Uuid>,
    pub life_area_ids: Vec<Uuid>,
    pub is_public: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Entry> for EntryDto {
    fn from(e: Entry) -> Self {
        Self {
            id: e.id,
            era_id: e.era_id,
            year: e.year,
            month: e.month,
            title: e.title,
            narrative: e.narrative,
            event_ids: e.event_ids,
            life_area_ids: e.life_area_ids,
            is_public: e.is_public,
            created_at: e.created_at,
            updated_at: e.updated_at,
        }
    }
}

/// The eras, in order.
#[utoipa::path(get, path = "/autobiography/eras", tag = "autobiography", security(("bearer" = [])), responses((status = 200, body = Vec<EraDto>)))]
pub async fn eras(
    State(st): State<AppState>,
    scoped: Scoped<Read>,
) -> Result<Json<Vec<EraDto>>, ApiError> {
    let (_ctx, mut tx) = scoped.open(&st).await?;
    let eras = autobiography::eras(&mut tx).await?;
    tx.commit().await?;
    Ok(Json(eras.into_iter().map(Into::into).collect()))
}

/// Body of `PATCH /autobiography/eras/{id}`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct UpdateEra {
    pub name: Option<String>,
    pub start_year: Option<i32>,
    pub end_year: Option<i32>,
    pub description: Option<String>,
}

/// Renames an era or moves its years (1–9999, start ≤ end; its entries must stay inside).
#[utoipa::path(patch, path = "/autobiography/eras/{id}", tag = "autobiography", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = UpdateEra, responses((status = 200, body = EraDto)))]
pub async fn update_era(
    State(st): State<AppState>,
    scoped: Scoped<Write>,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<UpdateEra>,
) -> Result<Json<EraDto>, ApiError> {
    let id = parse_id(&id)?;
    let changes = EraChanges {
        name: req.name,
        start_year: req.start_year,
        end_year: req.end_year,
        description: req.description,
    };
    let (_ctx, mut tx) = scoped.open(&st).await?;
    let era = app::update_era(&mut tx, id, &changes, st.clock.now()).await?;
    tx.commit().await?;
    Ok(Json(era.into()))
}

/// Filter of `GET /autobiography/entries`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct EntryQuery {
    pub era_id: Option<Uuid>,
}

/// Entries in time order, optionally of one era.
#[utoipa::path(get, path = "/autobiography/entries", tag = "autobiography", security(("bearer" = [])), params(EntryQuery),
    responses((status = 200, body = Vec<EntryDto>)))]
pub async fn entries(
    State(st): State<AppState>,
    scoped: Scoped<Read>,
    ApiQuery(q): ApiQuery<EntryQuery>,
) -> Result<Json<Vec<EntryDto>>, ApiError> {
    let (_ctx, mut tx) = scoped.open(&st).await?;
    let rows = autobiography::entries(&mut tx, q.era_id).await?;
    tx.commit().await?;
    Ok(Json(rows.into_iter().map(Into::into).collect()))
}

/// Body of `POST /autobiography/entries` (all required fields) and `PATCH …/{id}` (any).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct EntryRequest {
    pub era_id: Option<Uuid>,
    /// Within the era's years.
    pub year: Option<i32>,
    /// 1–12; `null` for none.
    #[serde(default, deserialize_with = "crate::json::double_option")]
    #[schema(value_type = Option<i64>)]
    pub month: Option<Option<i64>>,
    pub title: Option<String>,
    pub narrative: Option<String>,
    /// Events of this workspace.
    pub event_ids: Option<Vec<Uuid>>,
    /// Life areas of this workspace.
    pub life_area_ids: Option<Vec<Uuid>>,
    pub is_public: Option<bool>,
}

impl From<EntryRequest> for EntryChanges {
    fn from(r: EntryRequest) -> Self {
        Self {
            era_id: r.era_id,
            year: r.year,
            month: r.month,
            title: r.title,
            narrative: r.narrative,
            event_ids: r.event_ids,
            life_area_ids: r.life_area_ids,
            is_public: r.is_public,
        }
    }
}

/// Writes an entry.
#[utoipa::path(post, path = "/autobiography/entries", tag = "autobiography", security(("bearer" = [])), request_body = EntryRequest,
    responses((status = 201, body = EntryDto)))]
pub async fn create_entry(
    State(st): State<AppState>,
    scoped: Scoped<Write>,
    ApiJson(req): ApiJson<EntryRequest>,
) -> Result<(StatusCode, Json<EntryDto>), ApiError> {
    let (_ctx, mut tx) = scoped.open(&st).await?;
    let e = app::create_entry(&mut tx, req.into(), st.clock.now()).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(e.into())))
}

/// One entry.
#[utoipa::path(get, path = "/autobiography/entries/{id}", tag = "autobiography", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = EntryDto)))]
pub async fn get_entry(
    State(st): State<AppState>,
    scoped: Scoped<Read>,
    Path(id): Path<String>,
) -> Result<Json<EntryDto>, ApiError> {
    let id = parse_id(&id)?;
    let (_ctx, mut tx) = scoped.open(&st).await?;
    let e = autobiography::entry(&mut tx, id).await?;
    tx.commit().await?;
    Ok(Json(e.into()))
}

/// Changes an entry.
#[utoipa::path(patch, path = "/autobiography/entries/{id}", tag = "autobiography", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = EntryRequest, responses((status = 200, body = EntryDto)))]
pub async fn update_entry(
    State(st): State<AppState>,
    scoped: Scoped<Write>,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<EntryRequest>,
) -> Result<Json<EntryDto>, ApiError> {
    let id = parse_id(&id)?;
    let (_ctx, mut tx) = scoped.open(&st).await?;
    let e = app::update_entry(&mut tx, id, req.into(), st.clock.now()).await?;
    tx.commit().await?;
    Ok(Json(e.into()))
}

/// Deletes an entry.
#[utoipa::path(delete, path = "/autobiography/entries/{id}", tag = "autobiography", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 204, description = "Deleted")))]
pub async fn delete_entry(
    State(st): State<AppState>,
    scoped: Scoped<Write>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id = parse_id(&id)?;
    let (_ctx, mut tx) = scoped.open(&st).await?;
    app::delete_entry(&mut tx, id).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
