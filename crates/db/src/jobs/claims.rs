//! The worker side of the queue: claiming fairly across tenants at a cost independent of the
//! backlog, leases and heartbeats, completion (one job or a batch) and failure, reaping dead
//! workers' jobs, and the queue's statistics. All run as the worker role (docs/jobs.md).

use chrono::{DateTime, Duration, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use super::{Job, COLUMNS};
use crate::DbError;

/// The queue at one moment, for monitoring.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QueueStats {
    /// Jobs waiting, due or scheduled for later.
    pub pending: i64,
    /// Jobs a worker holds a lease on.
    pub processing: i64,
    /// Seconds the longest-waiting due job has waited since its `run_at`; 0 when none is due.
    pub oldest_due_secs: f64,
}

/// Reads [`QueueStats`] as of `now`, across tenants. Each part reads one of the partial indexes
/// on `status`, so the cost follows the jobs in flight, not the finished ones kept.
pub async fn queue_stats(pool: &PgPool, now: DateTime<Utc>) -> Result<QueueStats, DbError> {
    let (pending, processing, oldest_due_secs): (i64, i64, f64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM platform.jobs WHERE status = 'pending'),
                (SELECT count(*) FROM platform.jobs WHERE status = 'processing'),
                (SELECT coalesce(greatest(date_part('epoch', $1 - min(run_at)), 0), 0)
                   FROM platform.jobs WHERE status = 'pending' AND run_at <= $1)",
    )
    .bind(now)
    .fetch_one(pool)
    .await?;
    Ok(QueueStats {
        pending,
        processing,
        oldest_due_secs,
    })
}

/// Returns the jobs of dead workers (lease expired) to the queue, or fails them when they have
/// used every attempt. Returns how many were recovered.
pub async fn reap(pool: &PgPool, now: DateTime<Utc>) -> Result<u64, DbError> {
    Ok(sqlx::query(
        "UPDATE platform.jobs SET
             status = CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'pending' END,
             error = CASE WHEN attempts >= max_attempts THEN 'the worker stopped before finishing (lease expired)' ELSE error END,
             finished_at = CASE WHEN attempts >= max_attempts THEN $1 ELSE NULL END,
             run_at = $1, locked_by = NULL, lease_expires_at = NULL, updated_at = $1
         WHERE status = 'processing' AND lease_expires_at < $1",
    )
    .bind(now)
    .execute(pool)
    .await?
    .rows_affected())
}

/// What a worker asks of [`claim`].
#[derive(Debug, Clone, Copy)]
pub struct Claim<'a> {
    /// The worker's id, stored in `locked_by`; completion and heartbeats must present it.
    pub worker: &'a str,
    /// At most this many jobs (≥ 1).
    pub limit: i64,
    /// Each tenant visited gets at least this many (≥ 1) when it has them, and at most
    /// max(`per_tenant`, ⌈`limit` / tenants visited⌉).
    pub per_tenant: i64,
    /// Each claimed job is leased until `now + lease`.
    pub lease: Duration,
    /// Only this tenant's jobs (`POST /jobs/process`); otherwise every tenant's.
    pub only_tenant: Option<Uuid>,
    /// Where in the ring of tenants (ordered by id, wrapping round) the visit starts:
    /// [`next_cursor`] of the previous claim, so tenants take turns.
    pub from_tenant: Uuid,
}

/// Claims up to `limit` due jobs, visiting the tenants that have due jobs in the order of their
/// ids, starting at `from_tenant` and wrapping round, at most `limit` tenants per claim; within a
/// tenant, by priority (highest first), then `run_at`, then id. Each claimed job is
/// `processing`, its attempt counted and its lease running.
///
/// The cost follows the tenants visited, not the backlog: the tenants are found by a loose index
/// scan (one probe of the pending-jobs index per tenant, a recursive CTE) instead of reading
/// every pending row, and each tenant's jobs by an index range. One tenant's backlog cannot
/// starve the others: every tenant with due work is visited within ⌈tenants / `limit`⌉ claims.
/// Jobs another worker holds are skipped (`FOR UPDATE SKIP LOCKED`).
pub async fn claim(pool: &PgPool, c: &Claim<'_>, now: DateTime<Utc>) -> Result<Vec<Job>, DbError> {
    // The next tenant in the ring after r: the next id above r, else (once) wrap to the start
    // and go up to the cursor.
    const DUE: &str =
        "SELECT tenant_id FROM platform.jobs WHERE status = 'pending' AND run_at <= $1";
    Ok(sqlx::query_as(&format!(
        "WITH RECURSIVE ring(tenant_id, n) AS (
             SELECT CASE WHEN $6::uuid IS NOT NULL THEN $6 ELSE coalesce(
                 ({DUE} AND tenant_id >= $7 ORDER BY tenant_id LIMIT 1),
                 ({DUE} AND tenant_id < $7 ORDER BY tenant_id LIMIT 1)) END, 1
             UNION ALL
             SELECT CASE WHEN r.tenant_id >= $7 THEN coalesce(
                 ({DUE} AND tenant_id > r.tenant_id ORDER BY tenant_id LIMIT 1),
                 ({DUE} AND tenant_id < $7 ORDER BY tenant_id LIMIT 1))
               ELSE ({DUE} AND tenant_id > r.tenant_id AND tenant_id < $7 ORDER BY tenant_id LIMIT 1) END,
               r.n + 1
             FROM ring r WHERE r.tenant_id IS NOT NULL AND r.n < $3 AND $6::uuid IS NULL
         ), tenants AS (
             SELECT tenant_id, n FROM ring WHERE tenant_id IS NOT NULL
         ), picked AS (
             SELECT j.id FROM tenants t
             CROSS JOIN LATERAL (
                 SELECT id FROM platform.jobs j
                 WHERE j.tenant_id = t.tenant_id AND j.status = 'pending' AND j.run_at <= $1
                 ORDER BY j.priority DESC, j.run_at, j.id
                 LIMIT (SELECT greatest($2, ceil($3::float8 / greatest(count(*), 1)))::bigint FROM tenants)
                 FOR UPDATE SKIP LOCKED
             ) j
             ORDER BY t.n
             LIMIT $3
         )
         UPDATE platform.jobs SET status = 'processing', attempts = attempts + 1, locked_by = $4,
                lease_expires_at = $1 + $5 * interval '1 millisecond', updated_at = $1
         FROM picked WHERE platform.jobs.id = picked.id
         RETURNING {}",
        COLUMNS
            .split(',')
            .map(|col| format!("platform.jobs.{}", col.trim()))
            .collect::<Vec<_>>()
            .join(", ")
    ))
    .bind(now)
    .bind(c.per_tenant.max(1))
    .bind(c.limit.max(1))
    .bind(c.worker)
    .bind(c.lease.num_milliseconds() as f64)
    .bind(c.only_tenant)
    .bind(c.from_tenant)
    .fetch_all(pool)
    .await?)
}

/// Where the claim after one that started at `from` and returned `claimed` should start: just
/// after the last tenant it served in ring order, so the next claim serves the tenants after
/// it. `from` again when nothing was claimed.
pub fn next_cursor(from: Uuid, claimed: &[Job]) -> Uuid {
    let wrapped = claimed
        .iter()
        .map(|j| j.tenant_id)
        .filter(|t| *t < from)
        .max();
    let last = wrapped.or_else(|| claimed.iter().map(|j| j.tenant_id).max());
    last.map_or(from, |t| Uuid::from_u128(t.as_u128().wrapping_add(1)))
}

/// Extends the leases of `ids` held by `worker`; returns how many are still held.
pub async fn heartbeat(
    pool: &PgPool,
    worker: &str,
    ids: &[Uuid],
    lease: Duration,
    now: DateTime<Utc>,
) -> Result<u64, DbError> {
    Ok(sqlx::query(
        "UPDATE platform.jobs SET lease_expires_at = $3 + $4 * interval '1 millisecond'
         WHERE id = ANY($1) AND locked_by = $2 AND status = 'processing'",
    )
    .bind(ids)
    .bind(worker)
    .bind(now)
    .bind(lease.num_milliseconds() as f64)
    .execute(pool)
    .await?
    .rows_affected())
}

/// Marks a job `worker` holds as completed. `false` when the worker had lost it (its lease
/// expired and another worker took it, or it was cancelled): the result is then dropped.
pub async fn complete(
    pool: &PgPool,
    id: Uuid,
    worker: &str,
    result: &serde_json::Value,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    Ok(sqlx::query(
        "UPDATE platform.jobs SET status = 'completed', result = $3, error = NULL, locked_by = NULL, lease_expires_at = NULL,
                updated_at = $4, finished_at = $4
         WHERE id = $1 AND locked_by = $2 AND status = 'processing'",
    )
    .bind(id)
    .bind(worker)
    .bind(result)
    .bind(now)
    .execute(pool)
    .await?
    .rows_affected()
        == 1)
}

/// Marks many jobs `worker` holds as completed in one statement, each with its result; returns
/// the ids it still held (the others' results are dropped, as in [`complete`]).
pub async fn complete_many(
    pool: &PgPool,
    worker: &str,
    done: &[(Uuid, serde_json::Value)],
    now: DateTime<Utc>,
) -> Result<Vec<Uuid>, DbError> {
    let (ids, results): (Vec<Uuid>, Vec<serde_json::Value>) = done.iter().cloned().unzip();
    Ok(sqlx::query_scalar(
        "UPDATE platform.jobs j SET status = 'completed', result = x.result, error = NULL, locked_by = NULL,
                lease_expires_at = NULL, updated_at = $3, finished_at = $3
         FROM UNNEST($1::uuid[], $2::jsonb[]) AS x(id, result)
         WHERE j.id = x.id AND j.locked_by = $4 AND j.status = 'processing'
         RETURNING j.id",
    )
    .bind(&ids)
    .bind(&results)
    .bind(now)
    .bind(worker)
    .fetch_all(pool)
    .await?)
}

/// Returns jobs `worker` claimed but never started to the queue, their attempt not counted
/// (graceful shutdown). Returns how many it still held.
pub async fn release(
    pool: &PgPool,
    worker: &str,
    ids: &[Uuid],
    now: DateTime<Utc>,
) -> Result<u64, DbError> {
    Ok(sqlx::query(
        "UPDATE platform.jobs SET status = 'pending', attempts = attempts - 1, locked_by = NULL,
                lease_expires_at = NULL, updated_at = $3
         WHERE id = ANY($1) AND locked_by = $2 AND status = 'processing'",
    )
    .bind(ids)
    .bind(worker)
    .bind(now)
    .execute(pool)
    .await?
    .rows_affected())
}

/// Records a failed attempt: back to `pending` at `retry_at` while attempts remain, else
/// `failed` for good. The error is kept either way. `false` when the worker had lost the job.
pub async fn fail(
    pool: &PgPool,
    id: Uuid,
    worker: &str,
    error: &str,
    retry_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    Ok(sqlx::query(
        "UPDATE platform.jobs SET
             status = CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'pending' END,
             run_at = CASE WHEN attempts >= max_attempts THEN run_at ELSE $4 END,
             finished_at = CASE WHEN attempts >= max_attempts THEN $5 ELSE NULL END,
             error = $3, locked_by = NULL, lease_expires_at = NULL, updated_at = $5
         WHERE id = $1 AND locked_by = $2 AND status = 'processing'",
    )
    .bind(id)
    .bind(worker)
    .bind(error)
    .bind(retry_at)
    .bind(now)
    .execute(pool)
    .await?
    .rows_affected()
        == 1)
}
