//! The job queue's SQL: enqueue (inside a tenant transaction, or for the platform), fair
//! claiming with `FOR UPDATE SKIP LOCKED`, leases, retries and the per-tenant views.

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use crate::{DbError, Keyset, Page, TenantTx};

mod claims;
mod wakeup;
pub use claims::*;
pub use wakeup::{EnqueueListener, CHANNEL};

/// Tenant id of platform jobs (schedules, maintenance): never a real tenant's id.
pub const PLATFORM: Uuid = Uuid::nil();

/// A stored job (seed 004 `Job`).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Job {
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub job_type: String,
    pub payload: serde_json::Value,
    /// `pending`, `processing`, `completed`, `failed` or `cancelled`.
    pub status: String,
    pub priority: i32,
    pub run_at: DateTime<Utc>,
    pub attempts: i32,
    pub max_attempts: i32,
    pub dedup_key: Option<String>,
    pub result: Option<serde_json::Value>,
    pub error: Option<String>,
    pub locked_by: Option<String>,
    pub lease_expires_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

const COLUMNS: &str = "id, tenant_id, job_type, payload, status, priority, run_at, attempts, max_attempts, dedup_key, result, error,
     locked_by, lease_expires_at, created_at, updated_at, finished_at";

/// A job to enqueue.
#[derive(Debug, Clone)]
pub struct NewJob {
    pub job_type: String,
    pub payload: serde_json::Value,
    pub priority: i32,
    pub run_at: DateTime<Utc>,
    pub max_attempts: i32,
    /// A job with the same key in the same tenant is enqueued once, ever.
    pub dedup_key: Option<String>,
}

impl NewJob {
    /// A job of `job_type` due at `run_at`, priority 0, 3 attempts, no dedup key.
    pub fn new(job_type: &str, payload: serde_json::Value, run_at: DateTime<Utc>) -> Self {
        Self {
            job_type: job_type.into(),
            payload,
            priority: 0,
            run_at,
            max_attempts: wisdomos_core::jobs::DEFAULT_MAX_ATTEMPTS,
            dedup_key: None,
        }
    }
}

pub(crate) const INSERT: &str = "INSERT INTO platform.jobs (id, tenant_id, job_type, payload, priority, run_at, max_attempts, dedup_key, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)
     ON CONFLICT (tenant_id, dedup_key) WHERE dedup_key IS NOT NULL DO NOTHING
     RETURNING id";

/// [`INSERT`] of `job` for `tenant_id` with a fresh id: the one statement every enqueue runs
/// (in a tenant transaction, on a pool, or in a scheduler pass). Yields the id, or no row when
/// the dedup key was taken.
pub(crate) fn insert(
    tenant_id: Uuid,
    job: &NewJob,
    now: DateTime<Utc>,
) -> sqlx::query::QueryScalar<'_, sqlx::Postgres, Uuid, sqlx::postgres::PgArguments> {
    sqlx::query_scalar(INSERT)
        .bind(Uuid::new_v4())
        .bind(tenant_id)
        .bind(&job.job_type)
        .bind(&job.payload)
        .bind(job.priority)
        .bind(job.run_at)
        .bind(job.max_attempts)
        .bind(&job.dedup_key)
        .bind(now)
}

/// Enqueues a job of the transaction's tenant, in the same transaction as the write that causes
/// it: a rollback leaves no job. Returns `None` when the dedup key was already used.
pub async fn enqueue(
    tx: &mut TenantTx,
    job: &NewJob,
    now: DateTime<Utc>,
) -> Result<Option<Uuid>, DbError> {
    let tenant = tx.tenant_id();
    Ok(insert(tenant, job, now).fetch_optional(tx.conn()).await?)
}

/// Whether the transaction's tenant has a job of `job_type` waiting to start (row-level
/// security shows it only its own).
pub async fn has_pending(tx: &mut TenantTx, job_type: &str) -> Result<bool, DbError> {
    Ok(sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM platform.jobs WHERE job_type = $1 AND status = 'pending')",
    )
    .bind(job_type)
    .fetch_one(tx.conn())
    .await?)
}

/// Enqueues a job for any tenant (or [`PLATFORM`]) outside a tenant transaction: schedulers,
/// operators and benchmarks. Returns `None` when the dedup key was already used.
pub async fn enqueue_for(
    pool: &PgPool,
    tenant_id: Uuid,
    job: &NewJob,
    now: DateTime<Utc>,
) -> Result<Option<Uuid>, DbError> {
    Ok(insert(tenant_id, job, now).fetch_optional(pool).await?)
}

/// Enqueues many jobs of one tenant in one statement (benchmarks, bulk work).
pub async fn enqueue_batch(
    pool: &PgPool,
    tenant_id: Uuid,
    job_type: &str,
    payloads: &[serde_json::Value],
    now: DateTime<Utc>,
) -> Result<u64, DbError> {
    let ids: Vec<Uuid> = payloads.iter().map(|_| Uuid::new_v4()).collect();
    Ok(sqlx::query(
        "INSERT INTO platform.jobs (id, tenant_id, job_type, payload, run_at, created_at, updated_at)
         SELECT i, $2, $3, p, $5, $5, $5 FROM UNNEST($1::uuid[], $4::jsonb[]) AS x(i, p)",
    )
    .bind(&ids)
    .bind(tenant_id)
    .bind(job_type)
    .bind(payloads)
    .bind(now)
    .execute(pool)
    .await?
    .rows_affected())
}

/// The tenant's jobs, newest first, optionally of one status.
pub async fn list(
    tx: &mut TenantTx,
    status: Option<&'static str>,
    before: Option<Keyset>,
    limit: i64,
) -> Result<Page<Job>, DbError> {
    let (at, id) = before.map_or((None, None), |(a, i)| (Some(a), Some(i)));
    let tenant = tx.tenant_id();
    let rows = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM platform.jobs
         WHERE tenant_id = $1 AND ($2::text IS NULL OR status = $2) AND ($3::timestamptz IS NULL OR (created_at, id) < ($3, $4))
         ORDER BY created_at DESC, id DESC LIMIT $5"
    ))
    .bind(tenant)
    .bind(status)
    .bind(at)
    .bind(id)
    .bind(limit + 1)
    .fetch_all(tx.conn())
    .await?;
    Ok(Page::from_overfetch(rows, limit))
}

/// One of the tenant's jobs. Errors: [`DbError::NotFound`] (also for other tenants' jobs).
pub async fn get(tx: &mut TenantTx, id: Uuid) -> Result<Job, DbError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM platform.jobs WHERE id = $1"
    ))
    .bind(id)
    .fetch_one(tx.conn())
    .await?)
}

/// Cancels one of the tenant's pending or processing jobs. Errors: [`DbError::NotFound`],
/// [`DbError::Refused`]`("job_finished")` when it already completed, failed or was cancelled.
pub async fn cancel(tx: &mut TenantTx, id: Uuid, now: DateTime<Utc>) -> Result<Job, DbError> {
    let job = get(tx, id).await?;
    if !matches!(job.status.as_str(), "pending" | "processing") {
        return Err(DbError::Refused("job_finished"));
    }
    Ok(sqlx::query_as(&format!(
        "UPDATE platform.jobs SET status = 'cancelled', locked_by = NULL, lease_expires_at = NULL, updated_at = $2, finished_at = $2
         WHERE id = $1 RETURNING {COLUMNS}"
    ))
    .bind(id)
    .bind(now)
    .fetch_one(tx.conn())
    .await?)
}

/// Every tenant's jobs for operators, newest first, optionally of one status and tenant.
pub async fn list_all(
    pool: &PgPool,
    status: Option<&str>,
    tenant_id: Option<Uuid>,
    limit: i64,
) -> Result<Vec<Job>, DbError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM platform.jobs WHERE ($1::text IS NULL OR status = $1) AND ($2::uuid IS NULL OR tenant_id = $2)
         ORDER BY created_at DESC, id DESC LIMIT $3"
    ))
    .bind(status)
    .bind(tenant_id)
    .bind(limit)
    .fetch_all(pool)
    .await?)
}

/// Operators: puts a failed or cancelled job back to `pending` with fresh attempts.
/// Errors: [`DbError::NotFound`], [`DbError::Refused`]`("job_not_finished")`.
pub async fn retry(pool: &PgPool, id: Uuid, now: DateTime<Utc>) -> Result<Job, DbError> {
    let row: Option<Job> = sqlx::query_as(&format!(
        "UPDATE platform.jobs SET status = 'pending', attempts = 0, run_at = $2, error = NULL, finished_at = NULL, updated_at = $2
         WHERE id = $1 AND status IN ('failed', 'cancelled') RETURNING {COLUMNS}"
    ))
    .bind(id)
    .bind(now)
    .fetch_optional(pool)
    .await?;
    match row {
        Some(j) => {
            // Wake an idle worker, as an enqueue does (0015); polling would find it anyway.
            sqlx::query("SELECT pg_notify('wisdomos_jobs', '')")
                .execute(pool)
                .await?;
            Ok(j)
        }
        None => {
            let exists: bool =
                sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM platform.jobs WHERE id = $1)")
                    .bind(id)
                    .fetch_one(pool)
                    .await?;
            Err(if exists {
                DbError::Refused("job_not_finished")
            } else {
                DbError::NotFound
            })
        }
    }
}

/// Operators: cancels any pending or processing job. Errors as [`cancel`].
pub async fn cancel_any(pool: &PgPool, id: Uuid, now: DateTime<Utc>) -> Result<Job, DbError> {
    let row: Option<Job> = sqlx::query_as(&format!(
        "UPDATE platform.jobs SET status = 'cancelled', locked_by = NULL, lease_expires_at = NULL, updated_at = $2, finished_at = $2
         WHERE id = $1 AND status IN ('pending', 'processing') RETURNING {COLUMNS}"
    ))
    .bind(id)
    .bind(now)
    .fetch_optional(pool)
    .await?;
    row.ok_or(DbError::Refused("job_finished"))
}
