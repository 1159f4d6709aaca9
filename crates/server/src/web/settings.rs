//! Settings: workspace name and time zone, members and roles (ADMIN and above), the dashboard
//! widget layout, the audit log (ADMIN and above), and jobs with their status.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use uuid::Uuid;
use wisdomos_core::role::Role;
use wisdomos_core::widgets::WidgetSize;
use wisdomos_db::life_areas::{self, LifeAreaFilter};
use wisdomos_db::TenantTx;

use super::error::{render_form, WebError};
use super::session::{CsrfForm, Nav, NoFields, Web};
use super::view::{self, FieldErrors};
use crate::extract::{ListMembers, ManageMembers, Read, ReadAudit, RunJobs, UpdateTenant};
use crate::json::{ApiJson, ApiQuery};
use crate::pagination::PageQuery;
use crate::routes::{audit, jobs, members, tenants, widgets};
use crate::{ApiError, AppState};

/// A member row.
pub struct MemberRow {
    pub user_id: Uuid,
    pub email: String,
    pub role: String,
}

/// A widget row of the layout editor.
pub struct WidgetRow {
    pub id: Uuid,
    pub title: String,
    pub size: String,
    pub sizes: Vec<view::Choice>,
    pub visible: bool,
    pub position: i32,
    pub last: bool,
}

/// A row of the audit log or the jobs list.
pub struct LogRow {
    pub when: String,
    pub what: String,
    pub detail: String,
}

#[derive(Template)]
#[template(path = "settings.html")]
struct SettingsPage {
    nav: Option<Nav>,
    name: String,
    timezone: String,
    can_update: bool,
    can_manage: bool,
    can_run_jobs: bool,
    show_audit: bool,
    members: Vec<MemberRow>,
    roles: Vec<&'static str>,
    widgets: Vec<WidgetRow>,
    widget_types: Vec<view::Choice>,
    areas: Vec<view::Choice>,
    audit: Vec<LogRow>,
    jobs: Vec<LogRow>,
    errors: FieldErrors,
    error: String,
}

async fn show(
    st: &AppState,
    web: Web<Read>,
    errors: FieldErrors,
    error: String,
) -> Result<Response, WebError> {
    let tz = view::zone(&web.ctx.tenant.timezone);
    let axum::Json(ms) = members::list(
        State(st.clone()),
        web.ctx.to::<ListMembers>()?,
        PageQuery {
            limit: Some(100),
            cursor: None,
        },
    )
    .await?;
    let axum::Json(ws) = widgets::list(State(st.clone()), web.ctx.to::<Read>()?).await?;
    let mut tx = TenantTx::begin(&st.db, &web.ctx.scope).await?;
    let areas = life_areas::list(&mut tx, &LifeAreaFilter::default()).await?;
    tx.commit().await?;
    let audit_rows = match web.ctx.to::<ReadAudit>() {
        Ok(ctx) => {
            let axum::Json(p) = audit::list(
                State(st.clone()),
                ctx,
                PageQuery {
                    limit: Some(30),
                    cursor: None,
                },
            )
            .await?;
            p.items
                .into_iter()
                .map(|e| LogRow {
                    when: view::date_time(e.created_at, tz),
                    what: e.event_type,
                    detail: e.actor_role.unwrap_or_default(),
                })
                .collect()
        }
        Err(_) => Vec::new(),
    };
    let axum::Json(js) = jobs::list(
        State(st.clone()),
        web.ctx.to::<Read>()?,
        ApiQuery(jobs::JobQuery {
            status: None,
            limit: Some(20),
            cursor: None,
        }),
    )
    .await?;
    let n = ws.len();
    let failed = errors.any() || !error.is_empty();
    let page = SettingsPage {
        name: web.ctx.tenant.name.clone(),
        timezone: web.ctx.tenant.timezone.clone(),
        can_update: web.ctx.allows::<UpdateTenant>(),
        can_manage: web.ctx.allows::<ManageMembers>(),
        can_run_jobs: web.ctx.allows::<RunJobs>(),
        show_audit: web.ctx.allows::<ReadAudit>(),
        members: ms
            .items
            .into_iter()
            .map(|m| MemberRow {
                user_id: m.user_id,
                email: m.email,
                role: m.role.as_str().to_owned(),
            })
            .collect(),
        roles: vec!["OWNER", "ADMIN", "MEMBER", "VIEWER"],
        widgets: ws
            .into_iter()
            .enumerate()
            .map(|(i, w)| WidgetRow {
                id: w.id,
                title: view::words(&w.widget_type),
                sizes: ["small", "medium", "large"]
                    .iter()
                    .map(|s| view::Choice {
                        value: (*s).to_owned(),
                        label: (*s).to_owned(),
                        selected: *s == w.size,
                    })
                    .collect(),
                size: w.size,
                visible: w.is_visible,
                position: i as i32,
                last: i + 1 == n,
            })
            .collect(),
        widget_types: wisdomos_core::widgets::WIDGET_TYPES
            .iter()
            .map(|(t, _)| view::Choice {
                value: (*t).to_owned(),
                label: view::words(t),
                selected: false,
            })
            .collect(),
        areas: view::area_choices(&areas, ""),
        audit: audit_rows,
        jobs: js
            .items
            .into_iter()
            .map(|j| LogRow {
                when: view::date_time(j.created_at, tz),
                what: format!("{} · {}", j.job_type, j.status),
                detail: j
                    .error
                    .unwrap_or_else(|| format!("attempt {} of {}", j.attempts, j.max_attempts)),
            })
            .collect(),
        nav: Some(web.nav),
        errors,
        error,
    };
    render_form(&page, failed)
}

/// `GET /settings`.
pub async fn page(State(st): State<AppState>, web: Web<Read>) -> Result<Response, WebError> {
    show(&st, web, FieldErrors::default(), String::new()).await
}

/// Shows a refused settings form again with its errors; other failures propagate.
async fn refused(st: &AppState, web: Web<Read>, e: ApiError) -> Result<Response, WebError> {
    match e {
        ApiError::Validation(errs) => show(st, web, FieldErrors::from(&errs), String::new()).await,
        ApiError::Conflict(code) => {
            show(
                st,
                web,
                FieldErrors::default(),
                format!("Refused: {}", view::words(code)),
            )
            .await
        }
        other => Err(other.into()),
    }
}

/// Fields of the workspace form.
#[derive(Debug, Deserialize)]
pub struct WorkspaceForm {
    pub name: String,
    pub timezone: String,
}

/// `POST /settings/workspace` (ADMIN and above).
pub async fn workspace(
    State(st): State<AppState>,
    web: Web<Read>,
    CsrfForm(form): CsrfForm<WorkspaceForm>,
) -> Result<Response, WebError> {
    let req = tenants::UpdateTenantRequest {
        name: Some(form.name),
        timezone: Some(form.timezone),
    };
    match tenants::update(
        State(st.clone()),
        web.ctx.to::<UpdateTenant>()?,
        ApiJson(req),
    )
    .await
    {
        Ok(_) => Ok(Redirect::to("/settings").into_response()),
        Err(e) => refused(&st, web, e).await,
    }
}

/// Fields of the add-member form.
#[derive(Debug, Deserialize)]
pub struct MemberForm {
    #[serde(default)]
    pub email: String,
    pub role: String,
}

fn role(s: &str) -> Result<Role, WebError> {
    Role::parse(s.trim()).ok_or_else(|| {
        ApiError::field(wisdomos_core::FieldError::new(
            "role",
            "invalid",
            "role must be OWNER, ADMIN, MEMBER or VIEWER",
        ))
        .into()
    })
}

/// `POST /settings/members`: adds a registered user (ADMIN and above).
pub async fn add_member(
    State(st): State<AppState>,
    web: Web<Read>,
    CsrfForm(form): CsrfForm<MemberForm>,
) -> Result<Response, WebError> {
    let req = members::AddMemberRequest {
        email: form.email,
        role: role(&form.role)?,
    };
    match members::add(
        State(st.clone()),
        web.ctx.to::<ManageMembers>()?,
        ApiJson(req),
    )
    .await
    {
        Ok(_) => Ok(Redirect::to("/settings#members").into_response()),
        Err(e) => refused(&st, web, e).await,
    }
}

/// Fields of a role change.
#[derive(Debug, Deserialize)]
pub struct RoleForm {
    pub role: String,
}

/// `POST /settings/members/{user_id}`: changes a member's role (ADMIN and above).
pub async fn change_member(
    State(st): State<AppState>,
    web: Web<Read>,
    Path(user_id): Path<String>,
    CsrfForm(form): CsrfForm<RoleForm>,
) -> Result<Response, WebError> {
    let req = members::ChangeRoleRequest {
        role: role(&form.role)?,
    };
    let path = Path((web.ctx.tenant.id.to_string(), user_id));
    match members::change_role(
        State(st.clone()),
        web.ctx.to::<ManageMembers>()?,
        path,
        ApiJson(req),
    )
    .await
    {
        Ok(_) => Ok(Redirect::to("/settings#members").into_response()),
        Err(e) => refused(&st, web, e).await,
    }
}

/// Fields of a widget move.
#[derive(Debug, Deserialize)]
pub struct MoveForm {
    pub position: i32,
}

/// The id of the user's own copy of widget `id`, making their layout their own first when it
/// still shows tenant defaults (`widgets::personalize`), so the page arranges the user's
/// dashboard and never the workspace's defaults.
async fn own_widget(st: &AppState, web: &Web<Read>, id: &str) -> Result<String, WebError> {
    let id = crate::routes::events::parse_id(id)?;
    let mut tx = TenantTx::begin(&st.db, &web.ctx.scope).await?;
    let w = wisdomos_db::widgets::get(&mut tx, id).await?;
    let own = match w.user_id {
        Some(u) if u == web.ctx.user_id => w.id,
        Some(_) => return Err(ApiError::NotFound.into()),
        None => wisdomos_db::widgets::personalize(&mut tx, web.ctx.user_id, st.clock.now())
            .await?
            .into_iter()
            .find(|o| o.widget_type == w.widget_type && o.user_id.is_some())
            .map(|o| o.id)
            .ok_or(ApiError::NotFound)?,
    };
    tx.commit().await?;
    Ok(own.to_string())
}

/// `POST /settings/widgets/{id}/move`.
pub async fn move_widget(
    State(st): State<AppState>,
    web: Web<Read>,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<MoveForm>,
) -> Result<Response, WebError> {
    let req = widgets::MoveWidget {
        position: form.position.max(0),
    };
    let id = own_widget(&st, &web, &id).await?;
    let _ = widgets::move_widget(State(st), web.ctx, Path(id), ApiJson(req)).await?;
    Ok(Redirect::to("/settings#widgets").into_response())
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
    web: Web<Read>,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<WidgetForm>,
) -> Result<Response, WebError> {
    let size = match form.size.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(s) => Some(WidgetSize::parse(s).ok_or_else(|| {
            ApiError::field(wisdomos_core::FieldError::new(
                "size",
                "invalid",
                "size must be small, medium or large",
            ))
        })?),
    };
    let req = widgets::UpdateWidget {
        position: None,
        size,
        is_visible: form.visible,
        config: None,
    };
    let id = own_widget(&st, &web, &id).await?;
    let _ = widgets::update(State(st), web.ctx, Path(id), ApiJson(req)).await?;
    Ok(Redirect::to("/settings#widgets").into_response())
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
    web: Web<Read>,
    CsrfForm(form): CsrfForm<NewWidgetForm>,
) -> Result<Response, WebError> {
    let mut config = serde_json::Map::new();
    if form.widget_type == "area_trend" {
        config.insert("lifeArea".into(), form.life_area.trim().into());
        // Not a number goes to the API as typed, which refuses it naming `config.days`.
        let days = form.days.trim();
        let days = days.parse::<i64>().map_or_else(|_| days.into(), Into::into);
        config.insert("days".into(), days);
    }
    let size = WidgetSize::parse(&form.size);
    let req = widgets::CreateWidget {
        widget_type: form.widget_type,
        scope: Default::default(),
        position: None,
        size,
        is_visible: Some(true),
        config: Some(serde_json::Value::Object(config)),
    };
    let mut tx = TenantTx::begin(&st.db, &web.ctx.scope).await?;
    wisdomos_db::widgets::personalize(&mut tx, web.ctx.user_id, st.clock.now()).await?;
    tx.commit().await?;
    match widgets::create(State(st.clone()), web.ctx.to::<Read>()?, ApiJson(req)).await {
        Ok(_) => Ok(Redirect::to("/settings#widgets").into_response()),
        Err(e) => refused(&st, web, e).await,
    }
}

/// `POST /settings/jobs/process`: runs the workspace's due jobs now (ADMIN and above).
pub async fn process_jobs(
    State(st): State<AppState>,
    web: Web<RunJobs>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response, WebError> {
    let _ = jobs::process(State(st), web.ctx).await?;
    Ok(Redirect::to("/settings#jobs").into_response())
}
