//! Password checks per e-mail, kept in the database so a lock-out survives restarts, is shared by
//! every server and holds under any concurrency.
//!
//! A check is *reserved* before the password hash is verified: under a per-e-mail advisory lock,
//! the attempts within the window are counted and a new one is inserted only while fewer than
//! the limit are there. So at most `max` passwords are ever checked per e-mail per window, however
//! many requests arrive at once and from however many addresses (OWASP Authentication Cheat
//! Sheet, "Account Lockout"). An unresolved reservation counts as a failure.

use chrono::{DateTime, Duration, Utc};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::DbError;

/// The outcome of asking to check a password.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reservation {
    /// The check may run; resolve it with [`succeeded`] when the password was right (a wrong
    /// one needs nothing: the reservation is the failure).
    Granted(Uuid),
    /// The window already holds `max` attempts: no check until this time.
    Locked(DateTime<Utc>),
}

/// Reserves one password check for `email` at `now`, unless `max` attempts (failed, pending, or
/// successful ones kept beside failures) fall within `window` before `now`. Forgets the e-mail's
/// attempts older than the window.
pub async fn reserve(
    pool: &PgPool,
    email: &str,
    now: DateTime<Utc>,
    window: Duration,
    max: i64,
) -> Result<Reservation, DbError> {
    let mut tx = pool.begin().await?;
    // Serialises reservations of one e-mail only; held for three short statements, never while
    // a hash is computed.
    sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended('login:' || $1, 0))")
        .bind(email)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM platform.login_attempts WHERE email = $1 AND attempted_at <= $2")
        .bind(email)
        .bind(now - window)
        .execute(&mut *tx)
        .await?;
    // The max-th most recent attempt: when it leaves the window, one more check is allowed.
    let nth: Option<DateTime<Utc>> = sqlx::query_scalar(
        "SELECT attempted_at FROM platform.login_attempts WHERE email = $1
         ORDER BY attempted_at DESC OFFSET $2 LIMIT 1",
    )
    .bind(email)
    .bind(max.max(1) - 1)
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(t) = nth {
        tx.commit().await?;
        return Ok(Reservation::Locked(
            (t + window).max(now + Duration::seconds(1)),
        ));
    }
    let id = Uuid::new_v4();
    sqlx::query(
        "INSERT INTO platform.login_attempts (id, email, attempted_at) VALUES ($1, $2, $3)",
    )
    .bind(id)
    .bind(email)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Reservation::Granted(id))
}

/// Resolves reservation `id` of `email` as a right password, inside the caller's transaction:
/// forgotten when no failure of the e-mail is within `window` (so a person signing in often is
/// never locked out), else kept as a check, so that a burst of guesses with the right password
/// among them still checks at most the limit.
pub async fn succeeded(
    conn: &mut PgConnection,
    id: Uuid,
    email: &str,
    now: DateTime<Utc>,
    window: Duration,
) -> Result<(), DbError> {
    let forgotten = sqlx::query(
        "DELETE FROM platform.login_attempts a WHERE a.id = $1 AND NOT EXISTS (
             SELECT 1 FROM platform.login_attempts f
             WHERE f.email = $2 AND f.attempted_at > $3 AND NOT f.succeeded AND f.id <> $1)",
    )
    .bind(id)
    .bind(email)
    .bind(now - window)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if forgotten == 0 {
        sqlx::query("UPDATE platform.login_attempts SET succeeded = true WHERE id = $1")
            .bind(id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}
