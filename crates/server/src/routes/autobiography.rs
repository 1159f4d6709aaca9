//! `/autobiography`: eras and entries of the life story.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use wisdomos_core::event::rules;
use wisdomos_core::validation::bounded_text;
use wisdomos_core::{FieldError, ValidationErrors};
use wisdomos_db::autobiography::{self, Entry, Era};
use wisdomos_db::{events, life_areas, DbError, TenantTx};

use super::events::parse_id;
use crate::extract::{Read, TenantCtx, Write};
use crate::json::{ApiJson, ApiQuery};
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
    ctx: TenantCtx<Read>,
) -> Result<Json<Vec<EraDto>>, ApiError> {
    let mut tx = TenantTx::begin(&st.db, &ctx.scope).await?;
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
    ctx: TenantCtx<Write>,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<UpdateEra>,
) -> Result<Json<EraDto>, ApiError> {
    let id = parse_id(&id)?;
    let mut tx = TenantTx::begin(&st.db, &ctx.scope).await?;
    let mut era = autobiography::era(&mut tx, id).await?;
    let mut errs = ValidationErrors::default();
    if let Some(n) = errs.optional(req.name.as_deref().map(|n| bounded_text("name", n, 1, 100))) {
        era.name = n;
    }
    if let Some(d) = errs.optional(
        req.description
            .as_deref()
            .map(|d| rules::text("description", d, 2000)),
    ) {
        era.description = (!d.is_empty()).then_some(d);
    }
    era.start_year = req.start_year.unwrap_or(era.start_year);
    era.end_year = req.end_year.unwrap_or(era.end_year);
    if !(1..=9999).contains(&era.start_year)
        || !(1..=9999).contains(&era.end_year)
        || era.start_year > era.end_year
    {
        errs.0.push(FieldError::new(
            "startYear",
            "invalid_range",
            "years must be 1-9999 with startYear <= endYear",
        ));
    }
    let outside = autobiography::entries(&mut tx, Some(id))
        .await?
        .iter()
        .any(|e| e.year < era.start_year || e.year > era.end_year);
    if outside {
        errs.0.push(FieldError::new(
            "startYear",
            "entries_outside",
            "the era's entries must stay within its years",
        ));
    }
    errs.finish()?;
    let era = autobiography::save_era(&mut tx, &era, st.clock.now()).await?;
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
    ctx: TenantCtx<Read>,
    ApiQuery(q): ApiQuery<EntryQuery>,
) -> Result<Json<Vec<EntryDto>>, ApiError> {
    let mut tx = TenantTx::begin(&st.db, &ctx.scope).await?;
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

async fn apply(
    tx: &mut TenantTx,
    req: EntryRequest,
    base: Option<Entry>,
    now: DateTime<Utc>,
) -> Result<Entry, ApiError> {
    let creating = base.is_none();
    let mut e = base.unwrap_or(Entry {
        id: Uuid::nil(),
        era_id: Uuid::nil(),
        year: 0,
        month: None,
        title: String::new(),
        narrative: String::new(),
        event_ids: Vec::new(),
        life_area_ids: Vec::new(),
        is_public: false,
        created_at: now,
        updated_at: now,
    });
    let mut errs = ValidationErrors::default();
    let required = |f: &str| FieldError::new(f, "required", format!("{f} is required"));
    match req.era_id {
        Some(id) => e.era_id = id,
        None if creating => errs.0.push(required("eraId")),
        None => {}
    }
    match req.year {
        Some(y) => e.year = y,
        None if creating => errs.0.push(required("year")),
        None => {}
    }
    match req.month {
        Some(Some(m)) => e.month = errs.check(rules::month("month", m)),
        Some(None) => e.month = None,
        None => {}
    }
    match &req.title {
        Some(t) => {
            if let Some(t) = errs.check(rules::title("title", t)) {
                e.title = t;
            }
        }
        None if creating => errs.0.push(required("title")),
        None => {}
    }
    if let Some(n) = errs.optional(
        req.narrative
            .as_deref()
            .map(|n| rules::text("narrative", n, rules::NARRATIVE_MAX)),
    ) {
        e.narrative = n;
    }
    if let Some(p) = req.is_public {
        e.is_public = p;
    }
    if let Some(ids) = req.event_ids {
        let found = events::existing(tx, &ids).await?;
        if ids.len() > 1000 || ids.iter().any(|i| !found.contains(i)) {
            errs.0.push(FieldError::new(
                "eventIds",
                "unknown_event",
                "eventIds must name at most 1000 events of this workspace",
            ));
        }
        e.event_ids = ids;
    }
    if let Some(ids) = req.life_area_ids {
        let found = life_areas::existing(tx, &ids).await?;
        if ids.len() > 1000 || ids.iter().any(|i| !found.contains(i)) {
            errs.0.push(FieldError::new(
                "lifeAreaIds",
                "unknown_life_area",
                "lifeAreaIds must name life areas of this workspace",
            ));
        }
        e.life_area_ids = ids;
    }
    if !e.era_id.is_nil() {
        match autobiography::era(tx, e.era_id).await {
            Ok(era) if e.year != 0 && (e.year < era.start_year || e.year > era.end_year) => {
                errs.0.push(FieldError::new(
                    "year",
                    "outside_era",
                    format!(
                        "year must be within the era, {}-{}",
                        era.start_year, era.end_year
                    ),
                ))
            }
            Ok(_) => {}
            Err(DbError::NotFound) => errs.0.push(FieldError::new(
                "eraId",
                "unknown_era",
                "eraId names no era of this workspace",
            )),
            Err(other) => return Err(other.into()),
        }
    }
    errs.finish()?;
    Ok(e)
}

/// Writes an entry.
#[utoipa::path(post, path = "/autobiography/entries", tag = "autobiography", security(("bearer" = [])), request_body = EntryRequest,
    responses((status = 201, body = EntryDto)))]
pub async fn create_entry(
    State(st): State<AppState>,
    ctx: TenantCtx<Write>,
    ApiJson(req): ApiJson<EntryRequest>,
) -> Result<(StatusCode, Json<EntryDto>), ApiError> {
    let now = st.clock.now();
    let mut tx = TenantTx::begin(&st.db, &ctx.scope).await?;
    let e = apply(&mut tx, req, None, now).await?;
    let e = autobiography::save_entry(&mut tx, &e, now).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(e.into())))
}

/// One entry.
#[utoipa::path(get, path = "/autobiography/entries/{id}", tag = "autobiography", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = EntryDto)))]
pub async fn get_entry(
    State(st): State<AppState>,
    ctx: TenantCtx<Read>,
    Path(id): Path<String>,
) -> Result<Json<EntryDto>, ApiError> {
    let id = parse_id(&id)?;
    let mut tx = TenantTx::begin(&st.db, &ctx.scope).await?;
    let e = autobiography::entry(&mut tx, id).await?;
    tx.commit().await?;
    Ok(Json(e.into()))
}

/// Changes an entry.
#[utoipa::path(patch, path = "/autobiography/entries/{id}", tag = "autobiography", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = EntryRequest, responses((status = 200, body = EntryDto)))]
pub async fn update_entry(
    State(st): State<AppState>,
    ctx: TenantCtx<Write>,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<EntryRequest>,
) -> Result<Json<EntryDto>, ApiError> {
    let id = parse_id(&id)?;
    let now = st.clock.now();
    let mut tx = TenantTx::begin(&st.db, &ctx.scope).await?;
    let base = autobiography::entry(&mut tx, id).await?;
    let e = apply(&mut tx, req, Some(base), now).await?;
    let e = autobiography::save_entry(&mut tx, &e, now).await?;
    tx.commit().await?;
    Ok(Json(e.into()))
}

/// Deletes an entry.
#[utoipa::path(delete, path = "/autobiography/entries/{id}", tag = "autobiography", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 204, description = "Deleted")))]
pub async fn delete_entry(
    State(st): State<AppState>,
    ctx: TenantCtx<Write>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id = parse_id(&id)?;
    let mut tx = TenantTx::begin(&st.db, &ctx.scope).await?;
    autobiography::delete_entry(&mut tx, id).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
