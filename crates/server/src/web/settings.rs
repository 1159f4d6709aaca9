//! Settings: workspace name and time zone, members and roles (ADMIN and above), the dashboard
//! widget layout, the audit log (ADMIN and above), and jobs with their status.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;
use uuid::Uuid;
use wisdomos_core::role::Role;
use wisdomos_db::life_areas::{self, LifeAreaFilter};

use super::error::{render_form, WebError};
use super::flash;
use super::session::{CsrfForm, Nav, NoFields, Web};
use super::view::{self, FieldErrors};
use crate::extract::{ListMembers, ManageMembers, Read, ReadAudit, RunJobs, UpdateTenant};
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
    web.ctx.to::<ListMembers>()?;
    let ms = wisdomos_db::memberships::list(st.db.app(), &web.ctx.scope, None, 100).await?;
    let mut tx = web.begin(st).await?;
    let ws = wisdomos_db::widgets::effective(&mut tx, web.ctx.user_id).await?;
    let areas = life_areas::list(&mut tx, &LifeAreaFilter::default()).await?;
    let audit_rows = if web.ctx.allows::<ReadAudit>() {
        wisdomos_db::audit::list(&mut tx, &Default::default(), None, 30)
            .await?
            .items
            .into_iter()
            .map(|e| LogRow {
                when: view::date_time(e.created_at, tz),
                what: e.event_type,
                detail: e.actor_role.unwrap_or_default(),
            })
            .collect()
    } else {
        Vec::new()
    };
    let js = wisdomos_db::jobs::list(&mut tx, None, None, 20).await?;
    tx.commit().await?;
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
                role: m.role,
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
pub(super) async fn refused(
    st: &AppState,
    web: Web<Read>,
    e: ApiError,
) -> Result<Response, WebError> {
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
    headers: HeaderMap,
    web: Web<Read>,
    CsrfForm(form): CsrfForm<WorkspaceForm>,
) -> Result<Response, WebError> {
    let ctx = web.ctx.to::<UpdateTenant>()?;
    let ev = ctx.audit_event("tenant.updated", serde_json::Value::Null);
    let done = wisdomos_app::workspace::update(
        &st.db,
        ctx.tenant.id,
        Some(&form.name),
        Some(&form.timezone),
        ev,
        st.clock.now(),
    )
    .await;
    match done {
        Ok(t) => {
            let msg = format!("Workspace saved: “{}”, time zone {}.", t.name, t.timezone);
            Ok(flash::redirect(&headers, "/settings", &msg))
        }
        Err(e) => refused(&st, web, e.into()).await,
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
            "Role: choose owner, admin, member or viewer.",
        ))
        .into()
    })
}

/// `POST /settings/members`: adds a registered user (ADMIN and above).
pub async fn add_member(
    State(st): State<AppState>,
    headers: HeaderMap,
    web: Web<Read>,
    CsrfForm(form): CsrfForm<MemberForm>,
) -> Result<Response, WebError> {
    let ctx = web.ctx.to::<ManageMembers>()?;
    let ev = ctx.audit_event("membership.added", serde_json::Value::Null);
    let done = wisdomos_app::members::add(
        &st.db,
        &ctx.scope,
        ctx.role,
        &form.email,
        role(&form.role)?,
        ev,
        st.clock.now(),
    )
    .await;
    member_answer(&st, &headers, web, done, |m| {
        format!(
            "{} is now a member ({}).",
            m.email,
            view::words(&m.role).to_lowercase()
        )
    })
    .await
}

/// Fields of a role change.
#[derive(Debug, Deserialize)]
pub struct RoleForm {
    pub role: String,
}

/// `POST /settings/members/{user_id}`: changes a member's role (ADMIN and above).
pub async fn change_member(
    State(st): State<AppState>,
    headers: HeaderMap,
    web: Web<Read>,
    Path(user_id): Path<String>,
    CsrfForm(form): CsrfForm<RoleForm>,
) -> Result<Response, WebError> {
    let user_id = view::parse_id(&user_id)?;
    let ctx = web.ctx.to::<ManageMembers>()?;
    let ev = ctx.audit_event("membership.role_changed", serde_json::Value::Null);
    let done = wisdomos_app::members::change_role(
        &st.db,
        &ctx.scope,
        ctx.role,
        user_id,
        role(&form.role)?,
        ev,
        st.clock.now(),
    )
    .await;
    member_answer(&st, &headers, web, done, |m| {
        format!(
            "{} is now {}.",
            m.email,
            view::words(&m.role).to_lowercase()
        )
    })
    .await
}

/// Back to the members with `say(member)`, or the page again with the refusal.
async fn member_answer(
    st: &AppState,
    headers: &HeaderMap,
    web: Web<Read>,
    done: Result<wisdomos_db::memberships::Member, wisdomos_app::AppError>,
    say: impl Fn(&wisdomos_db::memberships::Member) -> String,
) -> Result<Response, WebError> {
    match done {
        Ok(m) => Ok(flash::redirect(headers, "/settings#members", &say(&m))),
        Err(e) => refused(st, web, e.into()).await,
    }
}

/// `POST /settings/jobs/process`: runs the workspace's due jobs now (ADMIN and above).
pub async fn process_jobs(
    State(st): State<AppState>,
    headers: HeaderMap,
    web: Web<RunJobs>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response, WebError> {
    let n = st.worker.run_due(Some(web.ctx.tenant.id)).await?;
    let msg = match n {
        0 => "No job was due.".to_owned(),
        1 => "Ran 1 job.".to_owned(),
        n => format!("Ran {n} jobs."),
    };
    Ok(flash::redirect(&headers, "/settings#jobs", &msg))
}
