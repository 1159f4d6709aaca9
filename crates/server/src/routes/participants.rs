//! Seed 003's operator console under `/orgs/{orgId}/`: participants and relationships. The org is
//! the workspace; `orgId` is checked against the caller's memberships like every tenant id (a
//! non-member gets 404). Every read is audited in its own transaction; writes need ADMIN.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use wisdomos_app::participants::{self as app, NewParticipant};
use wisdomos_app::relationships::{self as rel_app, NewRelationship};
use wisdomos_db::participants::Participant;
use wisdomos_db::relationships::Relationship;

use crate::extract::{parse_id, ManageConsole, Read};
use crate::json::ApiJson;
use crate::scoped::Scoped;
use crate::{ApiError, AppState};

/// A participant (seed 003's fields, and whether they are a system participant).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ParticipantDto {
    pub id: Uuid,
    pub email: Option<String>,
    pub display_name: String,
    pub role: String,
    pub origin: String,
    pub lifecycle_stage: String,
    pub last_activity_at: Option<DateTime<Utc>>,
    pub is_system: bool,
    /// new, active, reactivated, cooling, dormant, isolated or archived (docs/console.md).
    pub engagement_state: String,
    pub archived_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Participant> for ParticipantDto {
    fn from(p: Participant) -> Self {
        ParticipantDto {
            id: p.id,
            email: p.email,
            display_name: p.display_name,
            role: p.role,
            origin: p.origin,
            lifecycle_stage: p.lifecycle_stage,
            last_activity_at: p.last_activity_at,
            is_system: p.is_system,
            engagement_state: p.engagement_state,
            archived_at: p.archived_at,
            created_at: p.created_at,
            updated_at: p.updated_at,
        }
    }
}

/// A relationship between two participants.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RelationshipDto {
    pub id: Uuid,
    pub from_participant_id: Uuid,
    pub to_participant_id: Uuid,
    #[serde(rename = "type")]
    pub kind: String,
    pub source: String,
    /// 0–1.
    pub confidence_score: f32,
    pub created_at: DateTime<Utc>,
}

impl From<Relationship> for RelationshipDto {
    fn from(r: Relationship) -> Self {
        RelationshipDto {
            id: r.id,
            from_participant_id: r.from_participant_id,
            to_participant_id: r.to_participant_id,
            kind: r.kind,
            source: r.source,
            confidence_score: r.confidence_score,
            created_at: r.created_at,
        }
    }
}

/// Body of `POST /orgs/{orgId}/participants`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CreateParticipant {
    pub email: Option<String>,
    /// 1–120 characters.
    pub display_name: String,
    /// member (default), coach, facilitator, staff or system.
    pub role: Option<String>,
    /// Where they came from, 1–40 characters; default `manual`.
    pub origin: Option<String>,
    /// invited, onboarding, active (default), paused or alumni.
    pub lifecycle_stage: Option<String>,
    pub last_activity_at: Option<DateTime<Utc>>,
}

/// A participant with their relationships, recommendations and interventions (the latest 50
/// of each).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ParticipantDetail {
    #[serde(flatten)]
    pub participant: ParticipantDto,
    pub relationships: Vec<RelationshipDto>,
    pub recommendations: Vec<crate::routes::recommendations::RecommendationDto>,
    pub interventions: Vec<crate::routes::interventions::InterventionDto>,
    /// Their open share of their own workspace, if they were invited.
    pub share: Option<crate::routes::shares::ShareDto>,
    /// While the share is live: their Phoenix Fulfillment summary (never an event's text).
    pub summary: Option<SummaryDto>,
}

/// A shared Phoenix Fulfillment summary.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SummaryDto {
    pub areas: Vec<AreaSummaryDto>,
    /// Overall score (0–100) at the first and last snapshot of the last 90 days.
    pub trend: Option<[f64; 2]>,
    /// Titles of recurring patterns, newest first.
    pub patterns: Vec<String>,
}

/// One life area of a summary.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AreaSummaryDto {
    pub name: String,
    pub cluster: String,
    /// 0–100.
    pub score: f64,
    pub status: String,
}

/// The share and summary parts of a participant's detail.
pub fn share_parts(
    state: Option<wisdomos_app::shares::ShareState>,
) -> (Option<crate::routes::shares::ShareDto>, Option<SummaryDto>) {
    use wisdomos_app::shares::ShareState;
    match state {
        None => (None, None),
        Some(ShareState::Invited(s)) => (Some(crate::routes::shares::share_dto(s, None)), None),
        Some(ShareState::Live(s, sum)) => (
            Some(crate::routes::shares::share_dto(s, None)),
            Some(SummaryDto {
                areas: sum
                    .areas
                    .into_iter()
                    .map(|a| AreaSummaryDto {
                        name: a.name,
                        cluster: a.cluster,
                        score: a.score,
                        status: a.status,
                    })
                    .collect(),
                trend: sum.trend.map(|(a, b)| [a, b]),
                patterns: sum.patterns,
            }),
        ),
    }
}

/// Adds a participant (ADMIN and above).
#[utoipa::path(post, path = "/orgs/{orgId}/participants", tag = "console", security(("bearer" = [])), params(("orgId" = Uuid, Path)),
    request_body = CreateParticipant,
    responses((status = 201, body = ParticipantDto), (status = 409, description = "participant_email_taken"), (status = 422, description = "validation_failed")))]
pub async fn create(
    State(st): State<AppState>,
    scoped: Scoped<ManageConsole>,
    ApiJson(req): ApiJson<CreateParticipant>,
) -> Result<(StatusCode, Json<ParticipantDto>), ApiError> {
    let p = NewParticipant {
        email: req.email,
        display_name: req.display_name,
        role: req.role,
        origin: req.origin,
        lifecycle_stage: req.lifecycle_stage,
        last_activity_at: req.last_activity_at,
    };
    let (ctx, mut tx) = scoped.open(&st).await?;
    let ev = ctx.audit_event("participant.created", serde_json::Value::Null);
    let created = app::create(&mut tx, &p, ev, st.clock.now()).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(created.into())))
}

/// One participant with their relationships; the view is audited (`participant.viewed`).
#[utoipa::path(get, path = "/orgs/{orgId}/participants/{participantId}", tag = "console", security(("bearer" = [])),
    params(("orgId" = Uuid, Path), ("participantId" = Uuid, Path)),
    responses((status = 200, body = ParticipantDetail), (status = 404, description = "not_found")))]
pub async fn get(
    State(st): State<AppState>,
    scoped: Scoped<Read>,
    Path((_, id)): Path<(String, String)>,
) -> Result<Json<ParticipantDetail>, ApiError> {
    let id = parse_id(&id)?;
    let (ctx, mut tx) = scoped.open(&st).await?;
    let ev = ctx.audit_event("participant.viewed", serde_json::Value::Null);
    let v = app::view(&mut tx, id, ev.clone(), st.clock.now()).await?;
    let shared = wisdomos_app::shares::state(&st.db, &mut tx, id, &ev, st.clock.now()).await?;
    tx.commit().await?;
    let (share, summary) = share_parts(shared);
    Ok(Json(ParticipantDetail {
        participant: v.participant.into(),
        relationships: v.relationships.into_iter().map(Into::into).collect(),
        recommendations: v.recommendations.into_iter().map(Into::into).collect(),
        interventions: v.interventions.into_iter().map(Into::into).collect(),
        share,
        summary,
    }))
}

/// Body of `POST /orgs/{orgId}/relationships`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CreateRelationship {
    pub from_participant_id: Uuid,
    pub to_participant_id: Uuid,
    /// peer, mentor, coach, collaborator, introduced or family.
    #[serde(rename = "type")]
    pub kind: String,
    /// 0–1, default 1.
    pub confidence_score: Option<f64>,
    /// Where the relationship was learnt, 1–40 characters; default `manual`.
    pub source: Option<String>,
}

/// Relates two participants (ADMIN and above).
#[utoipa::path(post, path = "/orgs/{orgId}/relationships", tag = "console", security(("bearer" = [])), params(("orgId" = Uuid, Path)),
    request_body = CreateRelationship,
    responses((status = 201, body = RelationshipDto), (status = 409, description = "relationship_exists"), (status = 422, description = "validation_failed")))]
pub async fn relate(
    State(st): State<AppState>,
    scoped: Scoped<ManageConsole>,
    ApiJson(req): ApiJson<CreateRelationship>,
) -> Result<(StatusCode, Json<RelationshipDto>), ApiError> {
    let r = NewRelationship {
        from: req.from_participant_id,
        to: req.to_participant_id,
        kind: req.kind,
        confidence: req.confidence_score,
        source: req.source,
    };
    let (ctx, mut tx) = scoped.open(&st).await?;
    let ev = ctx.audit_event("relationship.created", serde_json::Value::Null);
    let created = rel_app::relate(&mut tx, &r, ev, st.clock.now()).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(created.into())))
}

/// Deletes a relationship (ADMIN and above).
#[utoipa::path(delete, path = "/orgs/{orgId}/relationships/{relationshipId}", tag = "console", security(("bearer" = [])),
    params(("orgId" = Uuid, Path), ("relationshipId" = Uuid, Path)),
    responses((status = 204, description = "Deleted"), (status = 404, description = "not_found")))]
pub async fn unrelate(
    State(st): State<AppState>,
    scoped: Scoped<ManageConsole>,
    Path((_, id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let id = parse_id(&id)?;
    let (ctx, mut tx) = scoped.open(&st).await?;
    let ev = ctx.audit_event("relationship.deleted", serde_json::Value::Null);
    rel_app::unrelate(&mut tx, id, ev, st.clock.now()).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Body of `PATCH /orgs/{orgId}/participants/{participantId}`; absent fields stay.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct UpdateParticipant {
    /// `null` removes the e-mail.
    #[serde(default, deserialize_with = "crate::json::double_option")]
    #[schema(value_type = Option<String>)]
    pub email: Option<Option<String>>,
    pub display_name: Option<String>,
    pub role: Option<String>,
    pub origin: Option<String>,
    pub lifecycle_stage: Option<String>,
    /// Recorded activity; the engagement state follows.
    pub last_activity_at: Option<DateTime<Utc>>,
}

/// Changes a participant (ADMIN and above); the engagement state is derived again.
#[utoipa::path(patch, path = "/orgs/{orgId}/participants/{participantId}", tag = "console", security(("bearer" = [])),
    params(("orgId" = Uuid, Path), ("participantId" = Uuid, Path)), request_body = UpdateParticipant,
    responses((status = 200, body = ParticipantDto), (status = 404, description = "not_found"),
        (status = 409, description = "participant_email_taken"), (status = 422, description = "validation_failed")))]
pub async fn update(
    State(st): State<AppState>,
    scoped: Scoped<ManageConsole>,
    Path((_, id)): Path<(String, String)>,
    ApiJson(req): ApiJson<UpdateParticipant>,
) -> Result<Json<ParticipantDto>, ApiError> {
    let id = parse_id(&id)?;
    let c = app::ParticipantChanges {
        email: req.email,
        display_name: req.display_name,
        role: req.role,
        origin: req.origin,
        lifecycle_stage: req.lifecycle_stage,
        last_activity_at: req.last_activity_at,
    };
    let (ctx, mut tx) = scoped.open(&st).await?;
    let ev = ctx.audit_event("participant.updated", serde_json::Value::Null);
    let p = app::update(&mut tx, id, &c, ev, st.clock.now()).await?;
    tx.commit().await?;
    Ok(Json(p.into()))
}
