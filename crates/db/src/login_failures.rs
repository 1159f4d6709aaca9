//! Failed sign-ins, kept in the database so a lock-out survives restarts and is shared by every
//! server.

use chrono::{DateTime, Duration, Utc};
use sqlx::PgPool;

use crate::DbError;

/// If `email` has at least `max_failures` failures within `window` before `now`, the time the
/// lock-out ends (the `max_failures`-th most recent failure plus `window`).
pub async fn locked_until(
    pool: &PgPool,
    email: &str,
    now: DateTime<Utc>,
    window: Duration,
    max_failures: i64,
) -> Result<Option<DateTime<Utc>>, DbError> {
    let nth: Option<DateTime<Utc>> = sqlx::query_scalar(
        "SELECT failed_at FROM platform.login_failures WHERE email = $1 AND failed_at > $2
         ORDER BY failed_at DESC OFFSET $3 LIMIT 1",
    )
    .bind(email)
    .bind(now - window)
    .bind(max_failures - 1)
    .fetch_optional(pool)
    .await?;
    Ok(nth.map(|t| t + window).filter(|until| *until > now))
}

/// Records one failure and forgets this address's failures older than `window`.
pub async fn record(
    pool: &PgPool,
    email: &str,
    now: DateTime<Utc>,
    window: Duration,
) -> Result<(), DbError> {
    sqlx::query(
        "WITH gone AS (DELETE FROM platform.login_failures WHERE email = $1 AND failed_at <= $3)
         INSERT INTO platform.login_failures (email, failed_at) VALUES ($1, $2)",
    )
    .bind(email)
    .bind(now)
    .bind(now - window)
    .execute(pool)
    .await?;
    Ok(())
}

/// Forgets the failures of `email` (after a successful sign-in).
pub async fn clear(pool: &PgPool, email: &str) -> Result<(), DbError> {
    sqlx::query("DELETE FROM platform.login_failures WHERE email = $1")
        .bind(email)
        .execute(pool)
        .await?;
    Ok(())
}
