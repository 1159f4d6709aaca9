//! The job queue's workers and handlers. The SQL is in `wisdomos_db::jobs`; this crate runs
//! jobs: it claims due jobs fairly across tenants in batches, wakes on LISTEN/NOTIFY, keeps
//! their leases alive with heartbeats while a handler runs, and records completion (batched), or
//! a failure with a backoff retry (docs/jobs.md).

pub mod handlers;
mod recorder;
pub mod scheduler;
mod wakeup;
pub mod worker;

pub use handlers::{HandlerResult, Registry};
pub use scheduler::Scheduler;
pub use worker::{Worker, WorkerConfig};
