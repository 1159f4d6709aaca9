//! The job queue's workers and handlers. The SQL is in `wisdomos_db::jobs`; this crate runs
//! jobs: it claims due jobs fairly across tenants, keeps their leases alive with heartbeats while
//! a handler runs, and records completion, or a failure with a backoff retry (docs/jobs.md).

pub mod handlers;
pub mod scheduler;
pub mod worker;

pub use handlers::{HandlerResult, Registry};
pub use scheduler::Scheduler;
pub use worker::{Worker, WorkerConfig};
