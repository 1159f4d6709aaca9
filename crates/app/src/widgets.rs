//! The dashboard layout (seed 004 §2): each person's widgets over the workspace's defaults.
//! A person changes their own widgets; ADMIN and above also change the defaults.

use chrono::{DateTime, Utc};
use uuid::Uuid;
use wisdomos_core::role::{Permission, Role};
use wisdomos_core::widgets::{self, WidgetSize};
use wisdomos_core::FieldError;
use wisdomos_db::widgets::{self as repo, Widget};
use wisdomos_db::{DbError, TenantTx};

use crate::{areas, AppError};

/// Who acts in the workspace: their user id and role there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Uuid,
    pub role: Role,
}

/// A new widget: the caller's own (`for_tenant: false`) or a workspace default.
#[derive(Debug, Clone)]
pub struct NewWidget {
    pub widget_type: String,
    pub for_tenant: bool,
    /// 0–1000; default at the end.
    pub position: Option<i32>,
    pub size: Option<WidgetSize>,
    pub is_visible: Option<bool>,
    /// Per type (`wisdomos_core::widgets::config`): `limit` 1–20, `days` 7–365, `lifeArea`.
    pub config: Option<serde_json::Value>,
}

/// Changes to a widget; `None` keeps a field.
#[derive(Debug, Clone, Default)]
pub struct WidgetChanges {
    /// 0–1000: moves the widget and renumbers the rest of its layout.
    pub position: Option<i32>,
    pub size: Option<WidgetSize>,
    pub is_visible: Option<bool>,
    pub config: Option<serde_json::Value>,
}

fn position(p: i32) -> Result<i32, AppError> {
    if (0..=1000).contains(&p) {
        Ok(p)
    } else {
        Err(FieldError::new(
            "position",
            "out_of_range",
            "position must be from 0 to 1000",
        )
        .into())
    }
}

async fn check_config(
    tx: &mut TenantTx,
    widget_type: &str,
    config: &serde_json::Value,
) -> Result<(), AppError> {
    widgets::config(widget_type, config)?;
    let area = config.get("lifeArea").and_then(|v| v.as_str());
    areas::resolve(tx, "config.lifeArea", area).await?;
    Ok(())
}

/// Widget `id` if `actor` may change it: their own, or a default when ADMIN and above.
/// Another person's widget is not found; a default to a MEMBER is forbidden.
async fn editable(tx: &mut TenantTx, actor: Actor, id: Uuid) -> Result<Widget, AppError> {
    let w = repo::get(tx, id).await?;
    match w.user_id {
        Some(u) if u == actor.user_id => Ok(w),
        Some(_) => Err(DbError::NotFound.into()),
        None if actor.role.can(Permission::UpdateTenant) => Ok(w),
        None => Err(DbError::Refused("forbidden").into()),
    }
}

/// Adds a widget. Errors: validation of `widgetType`, `position`, `config`; forbidden for a
/// default without the role; conflict `widget_exists` for a second of one type per owner.
pub async fn create(
    tx: &mut TenantTx,
    actor: Actor,
    req: &NewWidget,
    now: DateTime<Utc>,
) -> Result<Widget, AppError> {
    let widget_type = widgets::widget_type("widgetType", &req.widget_type)?;
    if req.for_tenant && !actor.role.can(Permission::UpdateTenant) {
        return Err(DbError::Refused("forbidden").into());
    }
    let pos = req.position.map(position).transpose()?;
    let config = req.config.clone().unwrap_or_else(|| serde_json::json!({}));
    check_config(tx, widget_type, &config).await?;
    let w = Widget {
        id: Uuid::nil(),
        user_id: (!req.for_tenant).then_some(actor.user_id),
        widget_type: widget_type.to_owned(),
        position: 0,
        size: req.size.unwrap_or(WidgetSize::Medium).as_str().to_owned(),
        is_visible: req.is_visible.unwrap_or(true),
        config,
        created_at: now,
        updated_at: now,
    };
    let w = repo::create(tx, &w, None, now).await?;
    match pos {
        Some(p) => placed(repo::move_to(tx, w.id, p, now).await?, w.id),
        None => Ok(w),
    }
}

fn placed(layout: Vec<Widget>, id: Uuid) -> Result<Widget, AppError> {
    layout
        .into_iter()
        .find(|x| x.id == id)
        .ok_or(DbError::NotFound.into())
}

/// Changes widget `id`. Errors: as [`create`]; not found for another person's widget.
pub async fn update(
    tx: &mut TenantTx,
    actor: Actor,
    id: Uuid,
    req: &WidgetChanges,
    now: DateTime<Utc>,
) -> Result<Widget, AppError> {
    let pos = req.position.map(position).transpose()?;
    let mut w = editable(tx, actor, id).await?;
    if let Some(c) = &req.config {
        check_config(tx, &w.widget_type, c).await?;
        w.config = c.clone();
    }
    if let Some(s) = req.size {
        w.size = s.as_str().to_owned();
    }
    if let Some(v) = req.is_visible {
        w.is_visible = v;
    }
    let w = repo::save(tx, &w, now).await?;
    match pos {
        Some(p) => placed(repo::move_to(tx, id, p, now).await?, id),
        None => Ok(w),
    }
}

/// Moves widget `id` to `to` (0-based; past the end means last) and renumbers the rest of
/// its layout; returns that layout in order.
pub async fn move_to(
    tx: &mut TenantTx,
    actor: Actor,
    id: Uuid,
    to: i32,
    now: DateTime<Utc>,
) -> Result<Vec<Widget>, AppError> {
    let to = position(to)?;
    editable(tx, actor, id).await?;
    Ok(repo::move_to(tx, id, to, now).await?)
}

/// Removes widget `id`.
pub async fn delete(
    tx: &mut TenantTx,
    actor: Actor,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    editable(tx, actor, id).await?;
    Ok(repo::delete(tx, id, now).await?)
}

/// The id of `actor`'s own copy of widget `id`: the widget itself when it is theirs; for a
/// workspace default, their layout is first made their own (`personalize`), so a person
/// arranging their dashboard never changes the defaults others see. Another person's widget is
/// not found.
pub async fn own_copy(
    tx: &mut TenantTx,
    actor: Actor,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<Uuid, AppError> {
    let w = repo::get(tx, id).await?;
    match w.user_id {
        Some(u) if u == actor.user_id => Ok(w.id),
        Some(_) => Err(DbError::NotFound.into()),
        None => repo::personalize(tx, actor.user_id, now)
            .await?
            .into_iter()
            .find(|o| o.widget_type == w.widget_type && o.user_id.is_some())
            .map(|o| o.id)
            .ok_or(DbError::NotFound.into()),
    }
}

/// Adds a widget of `actor`'s own at the end of their layout, making the layout theirs first.
pub async fn add_own(
    tx: &mut TenantTx,
    actor: Actor,
    req: &NewWidget,
    now: DateTime<Utc>,
) -> Result<Widget, AppError> {
    repo::personalize(tx, actor.user_id, now).await?;
    create(tx, actor, req, now).await
}
