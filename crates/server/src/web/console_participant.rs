//! A participant's console page: who they are, their relationships, the recommendations about
//! them and the interventions that touched them (each reversible from here), and — for ADMIN
//! and above — a form to change their stage or role, or archive them, as an intervention.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;
use uuid::Uuid;
use wisdomos_app::interventions::NewIntervention;
use wisdomos_core::participant::{LifecycleStage, ParticipantRole};
use wisdomos_core::role::Permission;

use super::console::{rec_row, RecRow};
use super::console_log::{intervention_row, refused, InterventionRow};
use super::error::{render, WebError};
use super::session::{CsrfForm, Nav, Web};
use super::{flash, view};
use crate::extract::{ManageConsole, Read};
use crate::AppState;

/// A relationship as listed.
pub struct TieRow {
    pub other: Uuid,
    pub name: String,
    pub kind: String,
    pub direction: &'static str,
    pub confidence: String,
}

#[derive(Template)]
#[template(path = "console_participant.html")]
struct ParticipantPage {
    nav: Option<Nav>,
    can_manage: bool,
    id: Uuid,
    /// Where the reversal forms come back to.
    back: String,
    name: String,
    email: String,
    role: String,
    stage: String,
    state: String,
    last_activity: String,
    is_system: bool,
    archived: bool,
    ties: Vec<TieRow>,
    recommendations: Vec<RecRow>,
    interventions: Vec<InterventionRow>,
    stages: Vec<view::Choice>,
    roles: Vec<view::Choice>,
    /// `invited`, `live` or empty.
    share: &'static str,
    summary: Option<wisdomos_app::shares::Summary>,
}

/// `GET /console/participants/{id}` (audited `participant.viewed`).
pub async fn page(
    State(st): State<AppState>,
    web: Web<Read>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = view::parse_id(&id)?;
    let tz = view::zone(&web.ctx.tenant.timezone);
    let mut tx = web.begin(&st).await?;
    let ev = web
        .ctx
        .audit_event("participant.viewed", serde_json::Value::Null);
    let v = wisdomos_app::participants::view(&mut tx, id, ev.clone(), st.clock.now()).await?;
    let shared = wisdomos_app::shares::state(&st.db, &mut tx, id, &ev, st.clock.now()).await?;
    let (share, summary) = match shared {
        None => ("", None),
        Some(wisdomos_app::shares::ShareState::Invited(_)) => ("invited", None),
        Some(wisdomos_app::shares::ShareState::Live(_, s)) => ("live", Some(s)),
    };
    let others: Vec<Uuid> = v
        .relationships
        .iter()
        .map(|r| {
            if r.from_participant_id == id {
                r.to_participant_id
            } else {
                r.from_participant_id
            }
        })
        .collect();
    let names: std::collections::HashMap<Uuid, String> =
        wisdomos_db::participants::names(&mut tx, &others)
            .await?
            .into_iter()
            .collect();
    tx.commit().await?;
    let p = v.participant;
    let ties = v
        .relationships
        .iter()
        .map(|r| {
            let outgoing = r.from_participant_id == id;
            let other = if outgoing {
                r.to_participant_id
            } else {
                r.from_participant_id
            };
            TieRow {
                other,
                name: names.get(&other).cloned().unwrap_or_default(),
                kind: r.kind.clone(),
                direction: if outgoing { "to" } else { "from" },
                confidence: format!("{:.2}", r.confidence_score),
            }
        })
        .collect();
    let stage_names: Vec<&str> = LifecycleStage::ALL.iter().map(|s| s.as_str()).collect();
    let role_names: Vec<&str> = ParticipantRole::ALL.iter().map(|s| s.as_str()).collect();
    render(&ParticipantPage {
        can_manage: web.ctx.role.can(Permission::ManageConsole),
        id,
        back: format!("/console/participants/{id}"),
        email: p.email.clone().unwrap_or_default(),
        role: p.role.clone(),
        stage: p.lifecycle_stage.clone(),
        state: p.engagement_state.clone(),
        last_activity: p
            .last_activity_at
            .map(|t| view::date(t, tz))
            .unwrap_or_else(|| "never".into()),
        is_system: p.is_system,
        archived: p.archived_at.is_some(),
        ties,
        recommendations: v.recommendations.into_iter().map(rec_row).collect(),
        interventions: v
            .interventions
            .into_iter()
            .map(|i| intervention_row(i, tz))
            .collect(),
        stages: view::choices(&stage_names, &p.lifecycle_stage),
        roles: view::choices(&role_names, &p.role),
        share,
        summary,
        name: p.display_name,
        nav: Some(web.nav),
    })
}

/// The intervention form of the participant page.
#[derive(Debug, Deserialize)]
pub struct InterveneForm {
    /// lifecycle_change, role_change or archive.
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub lifecycle_stage: String,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub reason: String,
}

/// `POST /console/participants/{id}/intervene`.
pub async fn intervene(
    State(st): State<AppState>,
    headers: HeaderMap,
    web: Web<ManageConsole>,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<InterveneForm>,
) -> Result<Response, WebError> {
    let id = view::parse_id(&id)?;
    let back = format!("/console/participants/{id}");
    let req = NewIntervention {
        kind: f.kind,
        participant_ids: vec![id],
        lifecycle_stage: view::filled(&f.lifecycle_stage),
        role: view::filled(&f.role),
        reason: f.reason,
        ..NewIntervention::default()
    };
    let mut tx = web.begin(&st).await?;
    let ev = web
        .ctx
        .audit_event("intervention.created", serde_json::Value::Null);
    match wisdomos_app::interventions::create(&mut tx, &req, ev, st.clock.now()).await {
        Ok(iv) => {
            tx.commit().await?;
            let msg = format!("Done: {} (reversible below).", view::words(&iv.kind));
            Ok(flash::redirect(&headers, &back, &msg))
        }
        Err(e) => refused(&headers, &back, e),
    }
}

/// `POST /console/participants/{id}/share-invitation`: invites them, by e-mail, to share.
pub async fn invite(
    State(st): State<AppState>,
    headers: HeaderMap,
    web: Web<ManageConsole>,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<super::session::NoFields>,
) -> Result<Response, WebError> {
    let id = view::parse_id(&id)?;
    let back = format!("/console/participants/{id}");
    let mut tx = web.begin(&st).await?;
    let ev = web
        .ctx
        .audit_event("share.invited", serde_json::Value::Null);
    match wisdomos_app::shares::invite(&mut tx, id, ev, st.clock.now()).await {
        Ok(s) => {
            tx.commit().await?;
            let msg = format!(
                "Invited {} to share their summary; they answer under Settings › Sharing.",
                s.email
            );
            Ok(flash::redirect(&headers, &back, &msg))
        }
        Err(e) => refused(&headers, &back, e),
    }
}
