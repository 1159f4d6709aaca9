//! PostgreSQL for WisdomOS: the embedded cluster, roles, migrations, provisioning, the tenant
//! transaction and one repository module per aggregate. The only crate that holds SQL.
//!
//! Three roles (DESIGN.md §3): [`OWNER_ROLE`] owns every table and runs migrations and
//! provisioning; [`APP_ROLE`] is the login role for requests (NOSUPERUSER, NOBYPASSRLS,
//! NOINHERIT, owns nothing, a member of no tenant role); each tenant has a role named like its
//! schema that a [`TenantTx`] logs in as (its own connection pool).

pub mod accounts;
pub mod api_keys;
pub mod assessments;
pub mod assistant_profiles;
pub mod assistant_usage;
pub mod audit;
pub mod audit_chain;
pub mod autobiography;
pub mod bootstrap;
pub mod boundaries;
pub mod commitments;
pub mod conversations;
pub mod dashboard;
pub mod embedded;
pub mod error;
pub mod events;
pub mod export;
pub mod graph;
pub mod insights;
pub mod interventions;
pub mod jobs;
pub mod knowledge;
pub mod knowledge_index;
pub mod life_areas;
pub mod login_attempts;
pub mod memberships;
pub mod metrics;
pub mod migrate;
pub mod participants;
pub mod plans;
pub mod provision;
pub mod recommendations;
pub mod relationships;
pub mod scheduler;
pub mod scram;
pub mod segments;
pub mod sessions;
pub mod shares;
pub mod snapshots;
pub(crate) mod tenant_pools;
pub mod tenant_tx;
pub mod tenants;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod users;
pub mod web_frame;
pub mod widgets;

pub use bootstrap::{Database, DbConfig, PlatformTx, PoolStats};
pub use error::{found, DbError};
pub use tenant_tx::{TenantScope, TenantTx};

/// Values in a stored embedding (all-MiniLM-L6-v2, as the schema's CHECK says).
pub const EMBEDDING_DIMS: usize = 384;

/// Owner of the platform schema, every tenant schema and table; runs migrations and provisioning.
pub const OWNER_ROLE: &str = "wisdomos_owner";
/// Login role of request handling.
pub const APP_ROLE: &str = "wisdomos_app";
/// Login role of the job queue's workers and scheduler: the only role that sees every
/// tenant's jobs.
pub const WORKER_ROLE: &str = "wisdomos_worker";
/// Group role every tenant role belongs to; carries the read access tenants have to their own
/// rows of shared platform tables (the audit log).
pub const TENANT_GROUP_ROLE: &str = "wisdomos_tenant";

/// Position in a keyset-paginated list: the `(created_at, id)` of the last row seen.
pub type Keyset = (chrono::DateTime<chrono::Utc>, uuid::Uuid);

/// Result of a keyset-paginated query: the rows and whether more follow the last one.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub has_more: bool,
}

impl<T> Page<T> {
    /// Splits `limit + 1` fetched rows into a page of at most `limit`.
    pub(crate) fn from_overfetch(mut rows: Vec<T>, limit: i64) -> Self {
        let has_more = rows.len() as i64 > limit;
        rows.truncate(limit.max(0) as usize);
        Self {
            items: rows,
            has_more,
        }
    }
}
#[cfg(test)]
mod isolation_tests;

/// Runs a script of one or more statements with the simple-query protocol. (Used instead of
/// `sqlx::raw_sql`, whose future is not provably `Send` inside axum handlers.)
pub(crate) async fn run_script(conn: &mut sqlx::PgConnection, sql: &str) -> Result<(), DbError> {
    sqlx::Executor::execute(conn, sql).await?;
    Ok(())
}
#[cfg(test)]
mod score_tests;
