//! Listening for enqueues: the channel platform migration 0015's trigger notifies once per
//! enqueueing transaction, after it commits.

use sqlx::postgres::PgListener;
use sqlx::PgPool;

use crate::DbError;

/// The channel `platform.jobs_notify()` notifies on (empty payload).
pub const CHANNEL: &str = "wisdomos_jobs";

/// A connection listening on [`CHANNEL`] (held from the pool it was made from).
pub struct EnqueueListener(PgListener);

impl EnqueueListener {
    /// Takes a connection from `pool` (the worker pool) and listens.
    pub async fn connect(pool: &PgPool) -> Result<Self, DbError> {
        let mut listener = PgListener::connect_with(pool).await?;
        listener.listen(CHANNEL).await?;
        Ok(Self(listener))
    }

    /// Waits for the next notification: `Ok(true)` for one, `Ok(false)` when the connection
    /// was lost and made again (notifications in between are lost: look at the queue).
    /// Errors: the connection cannot be made again, or the pool was closed.
    pub async fn next(&mut self) -> Result<bool, DbError> {
        Ok(self.0.try_recv().await?.is_some())
    }
}
