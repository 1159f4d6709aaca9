//! `/assessments`: self-assessments of the life areas, which set their baselines.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use wisdomos_db::assessments::Assessment;

use super::life_areas::LifeAreaDto;
use crate::extract::{Read, Write};
use crate::json::ApiJson;
use crate::scoped::Scoped;
use crate::{ApiError, AppState};

/// Body of `POST /assessments`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AssessmentRequest {
    /// Life-area slug → rating, a whole number 0–100. At least one; areas left out keep their
    /// baseline.
    pub ratings: BTreeMap<String, i64>,
}

/// One stored assessment.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AssessmentDto {
    pub id: Uuid,
    pub assessed_at: DateTime<Utc>,
    pub created_by_id: Uuid,
    /// Life-area slug → rating 0–100, for the areas this assessment rated.
    pub ratings: BTreeMap<String, i16>,
}

impl From<Assessment> for AssessmentDto {
    fn from(a: Assessment) -> Self {
        Self {
            id: a.id,
            assessed_at: a.assessed_at,
            created_by_id: a.created_by_id,
            ratings: a
                .ratings
                .into_iter()
                .map(|(_, slug, r)| (slug, r))
                .collect(),
        }
    }
}

/// The stored assessment and every life area with its new baseline and score.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AssessedResponse {
    pub assessment: AssessmentDto,
    pub life_areas: Vec<LifeAreaDto>,
}

/// The workspace's assessments, newest first.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AssessmentsResponse {
    pub assessments: Vec<AssessmentDto>,
}

/// Rate life areas 0–100: each rating becomes the area's baseline (the score the engine starts
/// from in place of 50) and the areas' scores are recomputed at once. Kept as history.
#[utoipa::path(post, path = "/assessments", tag = "life-areas", security(("bearer" = [])), request_body = AssessmentRequest,
    responses((status = 201, body = AssessedResponse), (status = 401, description = "unauthorized"), (status = 403, description = "forbidden"), (status = 422, description = "validation_failed: ratings empty, an unknown area or a rating outside 0–100")))]
pub async fn create(
    State(st): State<AppState>,
    scoped: Scoped<Write>,
    ApiJson(req): ApiJson<AssessmentRequest>,
) -> Result<(StatusCode, Json<AssessedResponse>), ApiError> {
    let (ctx, mut tx) = scoped.open(&st).await?;
    let (assessment, areas) =
        wisdomos_app::assessments::assess(&mut tx, ctx.user_id, &req.ratings, st.clock.now())
            .await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(AssessedResponse {
            assessment: assessment.into(),
            life_areas: areas.into_iter().map(Into::into).collect(),
        }),
    ))
}

/// Every assessment of the workspace, newest first (at most 1,000).
#[utoipa::path(get, path = "/assessments", tag = "life-areas", security(("bearer" = [])),
    responses((status = 200, body = AssessmentsResponse), (status = 401, description = "unauthorized")))]
pub async fn list(
    State(st): State<AppState>,
    scoped: Scoped<Read>,
) -> Result<Json<AssessmentsResponse>, ApiError> {
    let (_ctx, mut tx) = scoped.open(&st).await?;
    let all = wisdomos_app::assessments::history(&mut tx, 1000).await?;
    tx.commit().await?;
    Ok(Json(AssessmentsResponse {
        assessments: all.into_iter().map(Into::into).collect(),
    }))
}
