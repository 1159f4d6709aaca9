//! The scheduler's state and its enqueueing, in one transaction that holds the state row: while
//! one server advances the schedule, the others skip (and dedup keys make a repeat harmless).

use chrono::{DateTime, Utc};
use sqlx::{Postgres, Transaction};
use uuid::Uuid;

use crate::jobs::NewJob;
use crate::DbError;

/// One scheduler pass, holding the state row of its schedule set.
pub struct SchedulerRun {
    tx: Transaction<'static, Postgres>,
    name: String,
    /// Occurrences up to this instant were enqueued by earlier passes.
    pub checked_until: DateTime<Utc>,
}

/// Starts a pass of schedule set `name`; `None` when another server's pass holds it. A set seen
/// for the first time starts at `first_start`.
pub async fn begin(
    pool: &sqlx::PgPool,
    name: &str,
    first_start: DateTime<Utc>,
) -> Result<Option<SchedulerRun>, DbError> {
    let mut tx = pool.begin().await?;
    sqlx::query("INSERT INTO platform.scheduler_state (name, checked_until) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING")
        .bind(name)
        .bind(first_start)
        .execute(&mut *tx)
        .await?;
    let row: Option<DateTime<Utc>> = sqlx::query_scalar(
        "SELECT checked_until FROM platform.scheduler_state WHERE name = $1 FOR UPDATE SKIP LOCKED",
    )
    .bind(name)
    .fetch_optional(&mut *tx)
    .await?;
    Ok(row.map(|checked_until| SchedulerRun {
        tx,
        name: name.to_owned(),
        checked_until,
    }))
}

impl SchedulerRun {
    /// Live (ACTIVE) tenants with their time zones.
    pub async fn tenants(&mut self) -> Result<Vec<(Uuid, String)>, DbError> {
        Ok(sqlx::query_as(
            "SELECT id, timezone FROM platform.tenants WHERE status = 'ACTIVE' ORDER BY created_at",
        )
        .fetch_all(&mut *self.tx)
        .await?)
    }

    /// Enqueues a job for `tenant_id` in this pass; `false` when its dedup key was taken.
    pub async fn enqueue(
        &mut self,
        tenant_id: Uuid,
        job: &NewJob,
        now: DateTime<Utc>,
    ) -> Result<bool, DbError> {
        let id = crate::jobs::insert(tenant_id, job, now)
            .fetch_optional(&mut *self.tx)
            .await?;
        Ok(id.is_some())
    }

    /// Records that everything due up to `until` is enqueued, and commits.
    pub async fn finish(mut self, until: DateTime<Utc>) -> Result<(), DbError> {
        sqlx::query("UPDATE platform.scheduler_state SET checked_until = greatest(checked_until, $2) WHERE name = $1")
            .bind(&self.name)
            .bind(until)
            .execute(&mut *self.tx)
            .await?;
        self.tx.commit().await?;
        Ok(())
    }
}

/// Sets a schedule set's position (tests and operators).
pub async fn set_checked_until(
    pool: &sqlx::PgPool,
    name: &str,
    at: DateTime<Utc>,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO platform.scheduler_state (name, checked_until) VALUES ($1, $2)
         ON CONFLICT (name) DO UPDATE SET checked_until = EXCLUDED.checked_until",
    )
    .bind(name)
    .bind(at)
    .execute(pool)
    .await?;
    Ok(())
}
