//! `/jobs`: the tenant's background jobs (seed 004 `Job`).

use axum::extract::{Path, State};
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use wisdomos_core::jobs::JobStatus;
use wisdomos_db::jobs::{self, Job};
use wisdomos_db::DbError;

use crate::extract::parse_id;
use crate::extract::{Read, RunJobs, TenantCtx, Write};
use crate::json::ApiQuery;
use crate::pagination::{PageQuery, Paginated};
use crate::scoped::Scoped;
use crate::{ApiError, AppState};

/// A job as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct JobDto {
    pub id: Uuid,
    #[serde(rename = "type")]
    pub job_type: String,
    pub payload: serde_json::Value,
    /// `pending`, `processing`, `completed`, `failed` or `cancelled`.
    pub status: String,
    pub priority: i32,
    pub run_at: DateTime<Utc>,
    pub attempts: i32,
    pub max_attempts: i32,
    pub result: Option<serde_json::Value>,
    /// The last error, kept when the job failed for good.
    pub error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

impl From<Job> for JobDto {
    fn from(j: Job) -> Self {
        Self {
            id: j.id,
            job_type: j.job_type,
            payload: j.payload,
            status: j.status,
            priority: j.priority,
            run_at: j.run_at,
            attempts: j.attempts,
            max_attempts: j.max_attempts,
            result: j.result,
            error: j.error,
            created_at: j.created_at,
            updated_at: j.updated_at,
            finished_at: j.finished_at,
        }
    }
}

/// Filters of `GET /jobs`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct JobQuery {
    pub status: Option<JobStatus>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// The tenant's jobs, newest first. Other tenants' jobs are invisible (row-level security).
#[utoipa::path(get, path = "/jobs", tag = "jobs", security(("bearer" = [])), params(JobQuery), responses((status = 200, body = Paginated<JobDto>)))]
pub async fn list(
    State(st): State<AppState>,
    scoped: Scoped<Read>,
    ApiQuery(q): ApiQuery<JobQuery>,
) -> Result<Json<Paginated<JobDto>>, ApiError> {
    let (limit, before) = PageQuery {
        limit: q.limit,
        cursor: q.cursor,
    }
    .parse()?;
    let (_ctx, mut tx) = scoped.open(&st).await?;
    let page = jobs::list(&mut tx, q.status.map(JobStatus::as_str), before, limit).await?;
    tx.commit().await?;
    Ok(Json(Paginated::from_page(
        page,
        |j| (j.created_at, j.id),
        Into::into,
    )))
}

/// One job of the tenant.
#[utoipa::path(get, path = "/jobs/{id}", tag = "jobs", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = JobDto), (status = 404, description = "not_found")))]
pub async fn get(
    State(st): State<AppState>,
    scoped: Scoped<Read>,
    Path(id): Path<String>,
) -> Result<Json<JobDto>, ApiError> {
    let id = parse_id(&id)?;
    let (_ctx, mut tx) = scoped.open(&st).await?;
    let j = jobs::get(&mut tx, id).await?;
    tx.commit().await?;
    Ok(Json(j.into()))
}

/// Cancels a pending or running job (a running job's result is then dropped).
#[utoipa::path(post, path = "/jobs/{id}/cancel", tag = "jobs", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = JobDto), (status = 409, description = "job_finished")))]
pub async fn cancel(
    State(st): State<AppState>,
    scoped: Scoped<Write>,
    Path(id): Path<String>,
) -> Result<Json<JobDto>, ApiError> {
    let id = parse_id(&id)?;
    let (_ctx, mut tx) = scoped.open(&st).await?;
    let j = jobs::cancel(&mut tx, id, st.clock.now())
        .await
        .map_err(|e| match e {
            DbError::Refused(code) => ApiError::Conflict(code),
            other => other.into(),
        })?;
    tx.commit().await?;
    Ok(Json(j.into()))
}

/// Answer of `POST /jobs/process`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Processed {
    /// Jobs run (completed, retried or failed).
    pub processed: usize,
}

/// Runs this tenant's due jobs now, in this request (ADMIN and above).
#[utoipa::path(post, path = "/jobs/process", tag = "jobs", security(("bearer" = [])), responses((status = 200, body = Processed)))]
pub async fn process(
    State(st): State<AppState>,
    ctx: TenantCtx<RunJobs>,
) -> Result<Json<Processed>, ApiError> {
    let processed = st.worker.run_due(Some(ctx.tenant.id)).await?;
    Ok(Json(Processed { processed }))
}
