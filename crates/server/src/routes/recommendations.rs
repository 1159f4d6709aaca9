//! Seed 003's recommendations under `/orgs/{orgId}/`: the queue (filters: status, target;
//! audited), and accept, dismiss or apply (ADMIN and above; applying makes the intervention
//! the recommendation proposes, in the same transaction).

use axum::extract::{Path, State};
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use wisdomos_app::recommendations::{self as app, Decision};
use wisdomos_core::FieldError;
use wisdomos_db::recommendations::{Filter, Recommendation};

use crate::extract::{parse_id, ManageConsole, Read};
use crate::json::ApiQuery;
use crate::pagination::{PageQuery, Paginated};
use crate::routes::interventions::InterventionDto;
use crate::scoped::Scoped;
use crate::{ApiError, AppState};

/// A recommendation.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RecommendationDto {
    pub id: Uuid,
    /// `participant` or `segment`.
    pub target_type: String,
    pub target_id: Uuid,
    pub suggested_action: String,
    /// Why, in words.
    pub reason: String,
    /// 0–1.
    pub confidence: f32,
    /// pending, accepted, dismissed, applied or expired.
    pub status: String,
    /// reconnect, introduce, bridge or cooling_segment (docs/console.md).
    pub rule: String,
    /// The intervention applying it makes (the body `POST …/interventions` takes, less the
    /// reason).
    #[schema(value_type = Object)]
    pub proposed_intervention: serde_json::Value,
    pub intervention_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Recommendation> for RecommendationDto {
    fn from(r: Recommendation) -> Self {
        RecommendationDto {
            id: r.id,
            target_type: r.target_type,
            target_id: r.target_id,
            suggested_action: r.suggested_action,
            reason: r.reason,
            confidence: r.confidence,
            status: r.status,
            rule: r.rule,
            proposed_intervention: r.action,
            intervention_id: r.intervention_id,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// Filters of `GET /orgs/{orgId}/recommendations`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct RecommendationQuery {
    /// pending, accepted, dismissed, applied or expired.
    pub status: Option<String>,
    /// `participant` or `segment`.
    pub target_type: Option<String>,
    pub target_id: Option<Uuid>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

const STATUSES: [&str; 5] = ["pending", "accepted", "dismissed", "applied", "expired"];

/// The recommendations, newest first; the view is audited (`recommendations.viewed`).
#[utoipa::path(get, path = "/orgs/{orgId}/recommendations", tag = "console", security(("bearer" = [])),
    params(("orgId" = Uuid, Path), RecommendationQuery),
    responses((status = 200, body = Paginated<RecommendationDto>), (status = 404, description = "not_found"), (status = 422, description = "validation_failed")))]
pub async fn list(
    State(st): State<AppState>,
    scoped: Scoped<Read>,
    ApiQuery(q): ApiQuery<RecommendationQuery>,
) -> Result<Json<Paginated<RecommendationDto>>, ApiError> {
    let (limit, before) = PageQuery {
        limit: q.limit,
        cursor: q.cursor,
    }
    .parse()?;
    if let Some(s) = q.status.as_deref().filter(|s| !STATUSES.contains(s)) {
        return Err(ApiError::field(FieldError::new(
            "status",
            "invalid_choice",
            format!("status must be one of {}, not {s}", STATUSES.join(", ")),
        )));
    }
    if let Some(t) = q
        .target_type
        .as_deref()
        .filter(|t| !["participant", "segment"].contains(t))
    {
        return Err(ApiError::field(FieldError::new(
            "targetType",
            "invalid_choice",
            format!("targetType must be participant or segment, not {t}"),
        )));
    }
    let f = Filter {
        status: q.status,
        target_type: q.target_type,
        target_id: q.target_id,
    };
    let (ctx, mut tx) = scoped.open(&st).await?;
    let ev = ctx.audit_event("recommendations.viewed", serde_json::Value::Null);
    let page = app::view(&mut tx, &f, before, limit, ev, st.clock.now()).await?;
    tx.commit().await?;
    Ok(Json(Paginated::from_page(
        page,
        |r| (r.created_at, r.id),
        Into::into,
    )))
}

/// A recommendation after a decision, with the intervention applying it made.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DecisionDto {
    pub recommendation: RecommendationDto,
    pub intervention: Option<InterventionDto>,
}

async fn decide(
    st: &AppState,
    scoped: &Scoped<ManageConsole>,
    id: &str,
    d: Decision,
    event: &'static str,
) -> Result<Json<DecisionDto>, ApiError> {
    let id = parse_id(id)?;
    let (ctx, mut tx) = scoped.open(st).await?;
    let ev = ctx.audit_event(event, serde_json::Value::Null);
    let (rec, iv) = app::decide(&mut tx, id, d, ev, st.clock.now()).await?;
    tx.commit().await?;
    Ok(Json(DecisionDto {
        recommendation: rec.into(),
        intervention: iv.map(Into::into),
    }))
}

/// Accepts a pending recommendation.
#[utoipa::path(post, path = "/orgs/{orgId}/recommendations/{recommendationId}/accept", tag = "console", security(("bearer" = [])),
    params(("orgId" = Uuid, Path), ("recommendationId" = Uuid, Path)),
    responses((status = 200, body = DecisionDto), (status = 404, description = "not_found"), (status = 409, description = "recommendation_not_open")))]
pub async fn accept(
    State(st): State<AppState>,
    scoped: Scoped<ManageConsole>,
    Path((_, id)): Path<(String, String)>,
) -> Result<Json<DecisionDto>, ApiError> {
    decide(
        &st,
        &scoped,
        &id,
        Decision::Accept,
        "recommendation.accepted",
    )
    .await
}

/// Dismisses a pending or accepted recommendation (not proposed again for 30 days).
#[utoipa::path(post, path = "/orgs/{orgId}/recommendations/{recommendationId}/dismiss", tag = "console", security(("bearer" = [])),
    params(("orgId" = Uuid, Path), ("recommendationId" = Uuid, Path)),
    responses((status = 200, body = DecisionDto), (status = 404, description = "not_found"), (status = 409, description = "recommendation_not_open")))]
pub async fn dismiss(
    State(st): State<AppState>,
    scoped: Scoped<ManageConsole>,
    Path((_, id)): Path<(String, String)>,
) -> Result<Json<DecisionDto>, ApiError> {
    decide(
        &st,
        &scoped,
        &id,
        Decision::Dismiss,
        "recommendation.dismissed",
    )
    .await
}

/// Applies a pending or accepted recommendation: makes its intervention.
#[utoipa::path(post, path = "/orgs/{orgId}/recommendations/{recommendationId}/apply", tag = "console", security(("bearer" = [])),
    params(("orgId" = Uuid, Path), ("recommendationId" = Uuid, Path)),
    responses((status = 200, body = DecisionDto), (status = 404, description = "not_found"),
        (status = 409, description = "recommendation_not_open, relationship_exists")))]
pub async fn apply(
    State(st): State<AppState>,
    scoped: Scoped<ManageConsole>,
    Path((_, id)): Path<(String, String)>,
) -> Result<Json<DecisionDto>, ApiError> {
    decide(&st, &scoped, &id, Decision::Apply, "recommendation.applied").await
}
