//! Seed 003's reversible interventions under `/orgs/{orgId}/`: create (ADMIN and above), list
//! (audited), reverse with a reason, and archiving a participant (an `archive` intervention).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use wisdomos_app::interventions::{self as app, NewIntervention};
use wisdomos_app::relationships::NewRelationship;
use wisdomos_db::interventions::{Filter, Intervention};

use crate::extract::{parse_id, ManageConsole, Read};
use crate::json::{ApiJson, ApiQuery};
use crate::pagination::{PageQuery, Paginated};
use crate::routes::participants::CreateRelationship;
use crate::scoped::Scoped;
use crate::{ApiError, AppState};

/// An intervention with the state it changed, before and after.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InterventionDto {
    pub id: Uuid,
    pub operator_user_id: Uuid,
    pub operator_role: String,
    /// lifecycle_change, role_change, archive, relationship_add or relationship_remove.
    #[serde(rename = "type")]
    pub kind: String,
    /// `participant` or `relationship`.
    pub scope: String,
    pub target_ids: Vec<Uuid>,
    pub reason: String,
    /// Per target id, the fields it changed as they were.
    #[schema(value_type = Object)]
    pub previous_state: serde_json::Value,
    /// Per target id, the same fields as it left them.
    #[schema(value_type = Object)]
    pub new_state: serde_json::Value,
    pub created_at: DateTime<Utc>,
    pub reversed_at: Option<DateTime<Utc>>,
    pub reversed_by_user_id: Option<Uuid>,
    pub reversal_reason: Option<String>,
}

impl From<Intervention> for InterventionDto {
    fn from(i: Intervention) -> Self {
        InterventionDto {
            id: i.id,
            operator_user_id: i.operator_user_id,
            operator_role: i.operator_role,
            kind: i.kind,
            scope: i.scope,
            target_ids: i.target_ids,
            reason: i.reason,
            previous_state: i.previous_state,
            new_state: i.new_state,
            created_at: i.created_at,
            reversed_at: i.reversed_at,
            reversed_by_user_id: i.reversed_by_user_id,
            reversal_reason: i.reversal_reason,
        }
    }
}

/// Body of `POST /orgs/{orgId}/interventions`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CreateIntervention {
    /// lifecycle_change, role_change, archive, relationship_add or relationship_remove.
    #[serde(rename = "type")]
    pub kind: String,
    /// The participants of a lifecycle_change, role_change or archive (1–500).
    #[serde(default)]
    pub participant_ids: Vec<Uuid>,
    /// The new stage of a lifecycle_change.
    pub lifecycle_stage: Option<String>,
    /// The new role of a role_change.
    pub role: Option<String>,
    /// The relationship a relationship_remove removes.
    pub relationship_id: Option<Uuid>,
    /// The relationship a relationship_add adds.
    pub relationship: Option<CreateRelationship>,
    /// Why, 1–500 characters.
    pub reason: String,
}

/// Applies an intervention and records it (ADMIN and above).
#[utoipa::path(post, path = "/orgs/{orgId}/interventions", tag = "console", security(("bearer" = [])), params(("orgId" = Uuid, Path)),
    request_body = CreateIntervention,
    responses((status = 201, body = InterventionDto), (status = 404, description = "not_found"),
        (status = 409, description = "relationship_exists"), (status = 422, description = "validation_failed")))]
pub async fn create(
    State(st): State<AppState>,
    scoped: Scoped<ManageConsole>,
    ApiJson(req): ApiJson<CreateIntervention>,
) -> Result<(StatusCode, Json<InterventionDto>), ApiError> {
    let n = NewIntervention {
        kind: req.kind,
        participant_ids: req.participant_ids,
        lifecycle_stage: req.lifecycle_stage,
        role: req.role,
        relationship_id: req.relationship_id,
        relationship: req.relationship.map(|r| NewRelationship {
            from: r.from_participant_id,
            to: r.to_participant_id,
            kind: r.kind,
            confidence: r.confidence_score,
            source: r.source,
        }),
        reason: req.reason,
    };
    created(&st, &scoped, &n).await
}

async fn created(
    st: &AppState,
    scoped: &Scoped<ManageConsole>,
    n: &NewIntervention,
) -> Result<(StatusCode, Json<InterventionDto>), ApiError> {
    let (ctx, mut tx) = scoped.open(st).await?;
    let ev = ctx.audit_event("intervention.created", serde_json::Value::Null);
    let iv = app::create(&mut tx, n, ev, st.clock.now()).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(iv.into())))
}

/// Body of a reversal or an archive: why.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Reason {
    /// 1–500 characters.
    pub reason: String,
}

/// Archives a participant: an `archive` intervention, reversible (ADMIN and above).
#[utoipa::path(post, path = "/orgs/{orgId}/participants/{participantId}/archive", tag = "console", security(("bearer" = [])),
    params(("orgId" = Uuid, Path), ("participantId" = Uuid, Path)), request_body = Reason,
    responses((status = 201, body = InterventionDto), (status = 404, description = "not_found"), (status = 422, description = "validation_failed")))]
pub async fn archive(
    State(st): State<AppState>,
    scoped: Scoped<ManageConsole>,
    Path((_, id)): Path<(String, String)>,
    ApiJson(req): ApiJson<Reason>,
) -> Result<(StatusCode, Json<InterventionDto>), ApiError> {
    let id = parse_id(&id)?;
    let n = NewIntervention {
        kind: "archive".into(),
        participant_ids: vec![id],
        reason: req.reason,
        ..NewIntervention::default()
    };
    created(&st, &scoped, &n).await
}

/// Reverses an intervention: its previous state comes back, if nothing changed it since.
#[utoipa::path(post, path = "/orgs/{orgId}/interventions/{interventionId}/reverse", tag = "console", security(("bearer" = [])),
    params(("orgId" = Uuid, Path), ("interventionId" = Uuid, Path)), request_body = Reason,
    responses((status = 200, body = InterventionDto), (status = 404, description = "not_found"),
        (status = 409, description = "intervention_already_reversed, intervention_conflict (details name each field changed since)")))]
pub async fn reverse(
    State(st): State<AppState>,
    scoped: Scoped<ManageConsole>,
    Path((_, id)): Path<(String, String)>,
    ApiJson(req): ApiJson<Reason>,
) -> Result<Json<InterventionDto>, ApiError> {
    let id = parse_id(&id)?;
    let (ctx, mut tx) = scoped.open(&st).await?;
    let ev = ctx.audit_event("intervention.reversed", serde_json::Value::Null);
    let iv = app::reverse(&mut tx, id, &req.reason, ev, st.clock.now()).await?;
    tx.commit().await?;
    Ok(Json(iv.into()))
}

/// Filters of `GET /orgs/{orgId}/interventions`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct InterventionQuery {
    /// Only those with this participant or relationship among their targets.
    pub target_id: Option<Uuid>,
    /// Only reversed (`true`) or live (`false`) ones.
    pub reversed: Option<bool>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// The interventions log, newest first; the view is audited (`interventions.viewed`).
#[utoipa::path(get, path = "/orgs/{orgId}/interventions", tag = "console", security(("bearer" = [])),
    params(("orgId" = Uuid, Path), InterventionQuery),
    responses((status = 200, body = Paginated<InterventionDto>), (status = 404, description = "not_found")))]
pub async fn list(
    State(st): State<AppState>,
    scoped: Scoped<Read>,
    ApiQuery(q): ApiQuery<InterventionQuery>,
) -> Result<Json<Paginated<InterventionDto>>, ApiError> {
    let (limit, before) = PageQuery {
        limit: q.limit,
        cursor: q.cursor,
    }
    .parse()?;
    let f = Filter {
        target: q.target_id,
        reversed: q.reversed,
    };
    let (ctx, mut tx) = scoped.open(&st).await?;
    let ev = ctx.audit_event("interventions.viewed", serde_json::Value::Null);
    let page = app::view(&mut tx, f, before, limit, ev, st.clock.now()).await?;
    tx.commit().await?;
    Ok(Json(Paginated::from_page(
        page,
        |i| (i.created_at, i.id),
        Into::into,
    )))
}
