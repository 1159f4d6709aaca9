//! Wake-ups: a task listening on the queue's notification channel (platform migration 0015)
//! turns each notification into a [`Notify`] permit. Notifications that arrive while the worker
//! is busy fold into one permit, so a burst of enqueues costs an idle worker one claim, not one
//! per notification. When the listening connection fails the worker still polls.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;
use wisdomos_db::jobs::EnqueueListener;
use wisdomos_db::Database;

/// Listens for enqueues until dropped; `wake` gets a permit per notification and one after
/// every (re)connection, since notifications sent while disconnected are lost.
pub(crate) struct Wakeups {
    task: tokio::task::JoinHandle<()>,
}

impl Wakeups {
    pub(crate) fn start(db: Database, wake: Arc<Notify>) -> Self {
        let task = tokio::spawn(async move {
            loop {
                match EnqueueListener::connect(db.worker()).await {
                    Ok(mut listener) => {
                        wake.notify_one();
                        loop {
                            match listener.next().await {
                                // Also on a lost and remade connection, which may have missed some.
                                Ok(_) => wake.notify_one(),
                                Err(e) => {
                                    tracing::warn!(error = %e, "job wake-up listener failed; polling until it reconnects");
                                    break;
                                }
                            }
                        }
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "cannot listen for job wake-ups; polling until it can")
                    }
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        });
        Self { task }
    }
}

impl Drop for Wakeups {
    fn drop(&mut self) {
        self.task.abort();
    }
}
