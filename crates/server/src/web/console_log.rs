//! The console's logs: interventions (each live one reversible with a reason) and the
//! organisation's audit trail (ADMIN and above; filtered by event type and actor, each row
//! with its number and hash in the tenant's chain). Both views are audited.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use chrono_tz::Tz;
use serde::Deserialize;
use uuid::Uuid;
use wisdomos_app::AppError;
use wisdomos_core::role::Permission;
use wisdomos_db::audit;
use wisdomos_db::interventions::{Filter, Intervention};

use super::error::{render, WebError};
use super::session::{CsrfForm, Nav, Web};
use super::{flash, view};
use crate::extract::{ManageConsole, Read, ReadAudit};
use crate::AppState;

/// An intervention as the log shows it.
pub struct InterventionRow {
    pub id: Uuid,
    pub kind: String,
    pub reason: String,
    pub targets: usize,
    pub first_target: String,
    pub scope: String,
    pub at: String,
    pub operator_role: String,
    pub reversed: String,
}

/// The row of `i`, times in `tz`.
pub fn intervention_row(i: Intervention, tz: Tz) -> InterventionRow {
    InterventionRow {
        id: i.id,
        kind: view::words(&i.kind),
        targets: i.target_ids.len(),
        first_target: i
            .target_ids
            .first()
            .map(Uuid::to_string)
            .unwrap_or_default(),
        scope: i.scope,
        at: view::date_time(i.created_at, tz),
        operator_role: view::words(&i.operator_role),
        reversed: i
            .reversed_at
            .map(|t| {
                format!(
                    "Reversed {}: {}",
                    view::date_time(t, tz),
                    i.reversal_reason.unwrap_or_default()
                )
            })
            .unwrap_or_default(),
        reason: i.reason,
    }
}

/// A refusal the operator can act on (bad input, a conflict) comes back to `to` as the
/// page's message; anything else is an error page.
pub fn refused(headers: &HeaderMap, to: &str, e: AppError) -> Result<Response, WebError> {
    match e {
        AppError::Validation(errs) => {
            let text: Vec<String> = errs.0.iter().map(|f| f.message.clone()).collect();
            Ok(flash::redirect(headers, to, &text.join("; ")))
        }
        AppError::ConflictWith { message, .. } => Ok(flash::redirect(headers, to, &message)),
        AppError::Conflict(code) | AppError::Db(wisdomos_db::DbError::Conflict(code)) => {
            let text = crate::ApiError::Conflict(code).public_message();
            Ok(flash::redirect(headers, to, &text))
        }
        other => Err(crate::ApiError::from(other).into()),
    }
}

#[derive(Template)]
#[template(path = "console_interventions.html")]
struct InterventionsPage {
    nav: Option<Nav>,
    can_manage: bool,
    rows: Vec<InterventionRow>,
}

/// `GET /console/interventions` (audited `interventions.viewed`).
pub async fn interventions(
    State(st): State<AppState>,
    web: Web<Read>,
) -> Result<Response, WebError> {
    let tz = view::zone(&web.ctx.tenant.timezone);
    let mut tx = web.begin(&st).await?;
    let ev = web
        .ctx
        .audit_event("interventions.viewed", serde_json::Value::Null);
    let page = wisdomos_app::interventions::view(
        &mut tx,
        Filter::default(),
        None,
        100,
        ev,
        st.clock.now(),
    )
    .await?;
    tx.commit().await?;
    render(&InterventionsPage {
        can_manage: web.ctx.role.can(Permission::ManageConsole),
        rows: page
            .items
            .into_iter()
            .map(|i| intervention_row(i, tz))
            .collect(),
        nav: Some(web.nav),
    })
}

/// The reversal form.
#[derive(Debug, Deserialize)]
pub struct ReverseForm {
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub back: String,
}

/// `POST /console/interventions/{id}/reverse`.
pub async fn reverse(
    State(st): State<AppState>,
    headers: HeaderMap,
    web: Web<ManageConsole>,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<ReverseForm>,
) -> Result<Response, WebError> {
    let id = view::parse_id(&id)?;
    let to = view::local_path(Some(&f.back), "/console/interventions");
    let mut tx = web.begin(&st).await?;
    let ev = web
        .ctx
        .audit_event("intervention.reversed", serde_json::Value::Null);
    match wisdomos_app::interventions::reverse(&mut tx, id, &f.reason, ev, st.clock.now()).await {
        Ok(iv) => {
            tx.commit().await?;
            let msg = format!("Reversed: {}.", view::words(&iv.kind));
            Ok(flash::redirect(&headers, &to, &msg))
        }
        Err(e) => refused(&headers, &to, e),
    }
}

/// An audit row as the trail shows it.
pub struct AuditRow {
    pub seq: i64,
    pub hash: String,
    pub at: String,
    pub event_type: String,
    pub actor_role: String,
    pub target: String,
}

#[derive(Template)]
#[template(path = "console_audit.html")]
struct AuditPage {
    nav: Option<Nav>,
    event_type: String,
    rows: Vec<AuditRow>,
}

/// Query of `GET /console/audit`.
#[derive(Debug, Default, Deserialize)]
pub struct AuditForm {
    #[serde(default)]
    pub event_type: String,
}

/// `GET /console/audit` (ADMIN and above; audited `audit_events.viewed`).
pub async fn audit(
    State(st): State<AppState>,
    web: Web<ReadAudit>,
    Query(q): Query<AuditForm>,
) -> Result<Response, WebError> {
    let tz = view::zone(&web.ctx.tenant.timezone);
    let f = audit::Filter {
        event_type: view::filled(&q.event_type),
        ..audit::Filter::default()
    };
    let mut tx = web.begin(&st).await?;
    let page = audit::list(&mut tx, &f, None, 100).await?;
    let ev = web.ctx.audit_event(
        "audit_events.viewed",
        serde_json::json!({ "eventType": f.event_type }),
    );
    audit::record_in_tenant(&mut tx, &ev, st.clock.now()).await?;
    tx.commit().await?;
    render(&AuditPage {
        event_type: q.event_type,
        rows: page
            .items
            .into_iter()
            .map(|e| AuditRow {
                seq: e.seq,
                hash: e.hash.chars().take(12).collect(),
                at: view::date_time(e.created_at, tz),
                event_type: e.event_type,
                actor_role: e.actor_role.map(|r| view::words(&r)).unwrap_or_default(),
                target: match (e.target_type, e.target_id) {
                    (Some(t), Some(i)) => format!("{t} {}", i.chars().take(8).collect::<String>()),
                    (Some(t), None) => t,
                    _ => String::new(),
                },
            })
            .collect(),
        nav: Some(web.nav),
    })
}
