//! `/dashboard/widgets`: the caller's dashboard layout (seed 004 §2).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use wisdomos_app::widgets::{self as app, Actor, NewWidget, WidgetChanges};
use wisdomos_core::widgets::WidgetSize;
use wisdomos_db::widgets::{self as repo, Widget};

use crate::extract::parse_id;
use crate::extract::{Read, TenantCtx};
use crate::json::ApiJson;
use crate::scoped::Scoped;
use crate::{ApiError, AppState};

/// A widget as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WidgetDto {
    pub id: Uuid,
    /// `null` for a tenant default.
    pub user_id: Option<Uuid>,
    /// `tenant` (a default) or `user` (the caller's own).
    pub scope: &'static str,
    pub widget_type: String,
    pub position: i32,
    pub size: String,
    pub is_visible: bool,
    pub config: serde_json::Value,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Widget> for WidgetDto {
    fn from(w: Widget) -> Self {
        Self {
            id: w.id,
            user_id: w.user_id,
            scope: if w.user_id.is_some() {
                "user"
            } else {
                "tenant"
            },
            widget_type: w.widget_type,
            position: w.position,
            size: w.size,
            is_visible: w.is_visible,
            config: w.config,
            created_at: w.created_at,
            updated_at: w.updated_at,
        }
    }
}

/// The caller's effective layout: their own widgets over the tenant defaults, by position.
#[utoipa::path(get, path = "/dashboard/widgets", tag = "life-areas", security(("bearer" = [])), responses((status = 200, body = Vec<WidgetDto>)))]
pub async fn list(
    State(st): State<AppState>,
    scoped: Scoped<Read>,
) -> Result<Json<Vec<WidgetDto>>, ApiError> {
    let (ctx, mut tx) = scoped.open(&st).await?;
    let ws = repo::effective(&mut tx, ctx.user_id).await?;
    tx.commit().await?;
    Ok(Json(ws.into_iter().map(Into::into).collect()))
}

/// Whose widget a request is about.
#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum WidgetScope {
    /// The caller's own widget (default).
    #[default]
    User,
    /// A tenant default (ADMIN and above).
    Tenant,
}

/// Body of `POST /dashboard/widgets`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CreateWidget {
    pub widget_type: String,
    #[serde(default)]
    pub scope: WidgetScope,
    /// Default: at the end.
    pub position: Option<i32>,
    pub size: Option<WidgetSize>,
    pub is_visible: Option<bool>,
    /// Per type: `limit` (1–20), `days` (7–365), `lifeArea` (id or slug; required for area_trend).
    pub config: Option<serde_json::Value>,
}

/// The caller as the use cases see them.
fn actor<N: crate::extract::Need>(ctx: &TenantCtx<N>) -> Actor {
    Actor {
        user_id: ctx.user_id,
        role: ctx.role,
    }
}

/// Adds a widget to the caller's layout, or (`scope: tenant`, ADMIN) to the tenant defaults.
/// One widget per type per owner: a second answers 409 `widget_exists`.
#[utoipa::path(post, path = "/dashboard/widgets", tag = "life-areas", security(("bearer" = [])), request_body = CreateWidget,
    responses((status = 201, body = WidgetDto), (status = 409, description = "widget_exists")))]
pub async fn create(
    State(st): State<AppState>,
    scoped: Scoped<Read>,
    ApiJson(req): ApiJson<CreateWidget>,
) -> Result<(StatusCode, Json<WidgetDto>), ApiError> {
    let new = NewWidget {
        widget_type: req.widget_type,
        for_tenant: req.scope == WidgetScope::Tenant,
        position: req.position,
        size: req.size,
        is_visible: req.is_visible,
        config: req.config,
    };
    let (ctx, mut tx) = scoped.open(&st).await?;
    let w = app::create(&mut tx, actor(&ctx), &new, st.clock.now()).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(w.into())))
}

/// Body of `PATCH /dashboard/widgets/{id}`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct UpdateWidget {
    /// Moves the widget and renumbers the rest of its layout.
    pub position: Option<i32>,
    pub size: Option<WidgetSize>,
    pub is_visible: Option<bool>,
    pub config: Option<serde_json::Value>,
}

/// Changes one of the caller's widgets (or a tenant default, ADMIN and above).
#[utoipa::path(patch, path = "/dashboard/widgets/{id}", tag = "life-areas", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = UpdateWidget, responses((status = 200, body = WidgetDto)))]
pub async fn update(
    State(st): State<AppState>,
    scoped: Scoped<Read>,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<UpdateWidget>,
) -> Result<Json<WidgetDto>, ApiError> {
    let id = parse_id(&id)?;
    let changes = WidgetChanges {
        position: req.position,
        size: req.size,
        is_visible: req.is_visible,
        config: req.config,
    };
    let (ctx, mut tx) = scoped.open(&st).await?;
    let w = app::update(&mut tx, actor(&ctx), id, &changes, st.clock.now()).await?;
    tx.commit().await?;
    Ok(Json(w.into()))
}

/// Body of `POST /dashboard/widgets/{id}/move`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveWidget {
    /// 0-based; past the end means last.
    pub position: i32,
}

/// Moves one widget and renumbers the others of its layout; answers that layout in order.
#[utoipa::path(post, path = "/dashboard/widgets/{id}/move", tag = "life-areas", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = MoveWidget, responses((status = 200, body = Vec<WidgetDto>)))]
pub async fn move_widget(
    State(st): State<AppState>,
    scoped: Scoped<Read>,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<MoveWidget>,
) -> Result<Json<Vec<WidgetDto>>, ApiError> {
    let id = parse_id(&id)?;
    let (ctx, mut tx) = scoped.open(&st).await?;
    let layout = app::move_to(&mut tx, actor(&ctx), id, req.position, st.clock.now()).await?;
    tx.commit().await?;
    Ok(Json(layout.into_iter().map(Into::into).collect()))
}

/// Removes one of the caller's widgets (or a tenant default, ADMIN and above).
#[utoipa::path(delete, path = "/dashboard/widgets/{id}", tag = "life-areas", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 204, description = "Removed")))]
pub async fn delete(
    State(st): State<AppState>,
    scoped: Scoped<Read>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id = parse_id(&id)?;
    let (ctx, mut tx) = scoped.open(&st).await?;
    app::delete(&mut tx, actor(&ctx), id, st.clock.now()).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
