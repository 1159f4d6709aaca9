//! The Settings page's layout editor: move, show, hide, resize and add the person's own
//! dashboard widgets (a layout still showing the workspace's defaults becomes their own first).

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;
use wisdomos_app::widgets::{self as app, Actor, NewWidget, WidgetChanges};
use wisdomos_core::widgets::WidgetSize;

use super::error::WebError;
use super::session::{CsrfForm, Web};
use super::{flash, settings, view};
use crate::extract::Read;
use crate::{ApiError, AppState};

fn actor(web: &Web<Read>) -> Actor {
    Actor {
        user_id: web.ctx.user_id,
        role: web.ctx.role,
    }
}

/// Fields of a widget move.
#[derive(Debug, Deserialize)]
pub struct MoveForm {
    pub position: i32,
}

/// `POST /settings/widgets/{id}/move`.
pub async fn move_widget(
    State(st): State<AppState>,
    headers: HeaderMap,
    web: Web<Read>,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<MoveForm>,
) -> Result<Response, WebError> {
    let id = view::parse_id(&id)?;
    let now = st.clock.now();
    let mut tx = web.begin(&st).await?;
    let own = app::own_copy(&mut tx, actor(&web), id, now).await?;
    app::move_to(&mut tx, actor(&web), own, form.position.max(0), now).await?;
    tx.commit().await?;
    Ok(flash::redirect(
        &headers,
        "/settings#widgets",
        "Widget moved.",
    ))
}

/// Fields of a widget change: visibility and/or size (`small`, `medium`, `large`).
#[derive(Debug, Deserialize)]
pub struct WidgetForm {
    pub visible: Option<bool>,
    pub size: Option<String>,
}

/// `POST /settings/widgets/{id}`: shows, hides or resizes one of the user's widgets.
pub async fn change_widget(
    State(st): State<AppState>,
    headers: HeaderMap,
    web: Web<Read>,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<WidgetForm>,
) -> Result<Response, WebError> {
    let id = view::parse_id(&id)?;
    let size = match form.size.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(s) => Some(WidgetSize::parse(s).ok_or_else(|| {
            ApiError::field(wisdomos_core::FieldError::new(
                "size",
                "invalid",
                "Size: choose small, medium or large.",
            ))
        })?),
    };
    let changes = WidgetChanges {
        size,
        is_visible: form.visible,
        ..WidgetChanges::default()
    };
    let now = st.clock.now();
    let mut tx = web.begin(&st).await?;
    let own = app::own_copy(&mut tx, actor(&web), id, now).await?;
    let w = app::update(&mut tx, actor(&web), own, &changes, now).await?;
    tx.commit().await?;
    let msg = format!(
        "{} is now {}, {}.",
        view::words(&w.widget_type),
        if w.is_visible { "shown" } else { "hidden" },
        w.size
    );
    Ok(flash::redirect(&headers, "/settings#widgets", &msg))
}

/// Fields of the add-widget form; `lifeArea` and `days` configure an `area_trend`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewWidgetForm {
    pub widget_type: String,
    #[serde(default)]
    pub size: String,
    #[serde(default)]
    pub life_area: String,
    #[serde(default)]
    pub days: String,
}

/// `POST /settings/widgets`: adds a widget to the end of the user's layout.
pub async fn add_widget(
    State(st): State<AppState>,
    headers: HeaderMap,
    web: Web<Read>,
    CsrfForm(form): CsrfForm<NewWidgetForm>,
) -> Result<Response, WebError> {
    let mut config = serde_json::Map::new();
    if form.widget_type == "area_trend" {
        config.insert("lifeArea".into(), form.life_area.trim().into());
        // Not a number goes on as typed, and is refused naming `config.days`.
        let days = form.days.trim();
        let days = days.parse::<i64>().map_or_else(|_| days.into(), Into::into);
        config.insert("days".into(), days);
    }
    let new = NewWidget {
        widget_type: form.widget_type.clone(),
        for_tenant: false,
        position: None,
        size: WidgetSize::parse(&form.size),
        is_visible: Some(true),
        config: Some(serde_json::Value::Object(config)),
    };
    let mut tx = web.begin(&st).await?;
    match app::add_own(&mut tx, actor(&web), &new, st.clock.now()).await {
        Ok(w) => {
            tx.commit().await?;
            let msg = format!("Added {} to your dashboard.", view::words(&w.widget_type));
            Ok(flash::redirect(&headers, "/settings#widgets", &msg))
        }
        Err(e) => {
            drop(tx);
            settings::refused(&st, web, e.into()).await
        }
    }
}
