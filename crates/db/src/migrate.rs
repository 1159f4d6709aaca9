//! Migrations: ordinary ones for the platform schema, and numbered per-schema ones for tenants.
//!
//! Tenant migrations are plain SQL run with `search_path` set to the tenant's schema and
//! `app.tenant_id` set, so they name tables unqualified. Each tenant's version is
//! `platform.tenants.schema_version`; one tenant is migrated in one transaction, so a run killed
//! half-way leaves every tenant either at its old or its new version and can simply be re-run.
//! Never edit a migration that has shipped; add a new one.

use futures::StreamExt;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::DbError;

/// One numbered migration.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    /// 1, 2, 3, … without gaps.
    pub version: i32,
    pub name: &'static str,
    pub sql: &'static str,
}

/// Platform schema migrations, in order.
pub const PLATFORM: &[Migration] = &[
    Migration {
        version: 1,
        name: "init",
        sql: include_str!("../migrations/platform/0001_init.sql"),
    },
    Migration {
        version: 2,
        name: "privileges",
        sql: include_str!("../migrations/platform/0002_privileges.sql"),
    },
    Migration {
        version: 3,
        name: "jobs",
        sql: include_str!("../migrations/platform/0003_jobs.sql"),
    },
    Migration {
        version: 4,
        name: "scheduler",
        sql: include_str!("../migrations/platform/0004_scheduler.sql"),
    },
    Migration {
        version: 5,
        name: "spare_schemas",
        sql: include_str!("../migrations/platform/0005_spare_schemas.sql"),
    },
    Migration {
        version: 6,
        name: "login_attempts",
        sql: include_str!("../migrations/platform/0006_login_attempts.sql"),
    },
    Migration {
        version: 7,
        name: "tenant_boundaries",
        sql: include_str!("../migrations/platform/0007_tenant_boundaries.sql"),
    },
    Migration {
        version: 8,
        name: "tenant_logins",
        sql: include_str!("../migrations/platform/0008_tenant_logins.sql"),
    },
    Migration {
        version: 9,
        name: "worker_role",
        sql: include_str!("../migrations/platform/0009_worker_role.sql"),
    },
    Migration {
        version: 10,
        name: "slugs_per_owner",
        sql: include_str!("../migrations/platform/0010_slugs_per_owner.sql"),
    },
    Migration {
        version: 11,
        name: "account_deletion",
        sql: include_str!("../migrations/platform/0011_account_deletion.sql"),
    },
    Migration {
        version: 12,
        name: "plans_and_api_keys",
        sql: include_str!("../migrations/platform/0012_plans_and_api_keys.sql"),
    },
    Migration {
        version: 13,
        name: "audit_chain",
        sql: include_str!("../migrations/platform/0013_audit_chain.sql"),
    },
    Migration {
        version: 14,
        name: "shares",
        sql: include_str!("../migrations/platform/0014_shares.sql"),
    },
    Migration {
        version: 15,
        name: "job_wakeup",
        sql: include_str!("../migrations/platform/0015_job_wakeup.sql"),
    },
    Migration {
        version: 16,
        name: "member_access",
        sql: include_str!("../migrations/platform/0016_member_access.sql"),
    },
    Migration {
        version: 17,
        name: "member_access_cached",
        sql: include_str!("../migrations/platform/0017_member_access_cached.sql"),
    },
];

/// Tenant schema migrations, in order.
pub const TENANT: &[Migration] = &[
    Migration {
        version: 1,
        name: "life_areas",
        sql: include_str!("../migrations/tenant/0001_life_areas.sql"),
    },
    Migration {
        version: 2,
        name: "life_domain",
        sql: include_str!("../migrations/tenant/0002_life_domain.sql"),
    },
    Migration {
        version: 3,
        name: "dashboard_widgets",
        sql: include_str!("../migrations/tenant/0003_dashboard_widgets.sql"),
    },
    Migration {
        version: 4,
        name: "metric_definitions",
        sql: include_str!("../migrations/tenant/0004_metric_definitions.sql"),
    },
    Migration {
        version: 5,
        name: "assessments",
        sql: include_str!("../migrations/tenant/0005_assessments.sql"),
    },
    Migration {
        version: 6,
        name: "knowledge",
        sql: include_str!("../migrations/tenant/0006_knowledge.sql"),
    },
    Migration {
        version: 7,
        name: "knowledge_index",
        sql: include_str!("../migrations/tenant/0007_knowledge_index.sql"),
    },
    Migration {
        version: 8,
        name: "assistant",
        sql: include_str!("../migrations/tenant/0008_assistant.sql"),
    },
    Migration {
        version: 9,
        name: "operator_console",
        sql: include_str!("../migrations/tenant/0009_operator_console.sql"),
    },
    Migration {
        version: 10,
        name: "recommendation_actions",
        sql: include_str!("../migrations/tenant/0010_recommendation_actions.sql"),
    },
    Migration {
        version: 11,
        name: "reembed_knowledge",
        sql: include_str!("../migrations/tenant/0011_reembed_knowledge.sql"),
    },
];

/// The version a migration list brings a schema to.
pub fn target_version(migrations: &[Migration]) -> i32 {
    migrations.last().map_or(0, |m| m.version)
}

/// Applies pending platform migrations under an advisory lock, so concurrent servers apply
/// each once. Returns how many were applied.
pub async fn migrate_platform(owner: &PgPool) -> Result<usize, DbError> {
    let mut tx = owner.begin().await?;
    crate::run_script(
        &mut tx,
        "SELECT pg_advisory_xact_lock(7262851114);
         SET LOCAL search_path = platform;
         CREATE TABLE IF NOT EXISTS platform.schema_migrations (
             version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now());",
    )
    .await?;
    let current: i32 =
        sqlx::query_scalar("SELECT coalesce(max(version), 0) FROM platform.schema_migrations")
            .fetch_one(&mut *tx)
            .await?;
    let mut applied = 0;
    for m in PLATFORM.iter().filter(|m| m.version > current) {
        crate::run_script(&mut tx, m.sql).await?;
        sqlx::query("INSERT INTO platform.schema_migrations (version, name) VALUES ($1, $2)")
            .bind(m.version)
            .bind(m.name)
            .execute(&mut *tx)
            .await?;
        applied += 1;
    }
    tx.commit().await?;
    Ok(applied)
}

/// Runs `migrations` above version `from` on the schema `schema` of tenant `tenant_id`. The
/// tenant role gets its privileges through default privileges set first, so every table a
/// migration creates is granted as it is created. (Not `GRANT … ON ALL TABLES IN SCHEMA`: that
/// scans the whole `pg_class`, which with thousands of tenants made each migration slower than
/// the last.) The caller holds the transaction.
pub(crate) async fn apply_tenant_migrations(
    conn: &mut PgConnection,
    tenant_id: Uuid,
    schema: &str,
    from: i32,
    migrations: &[Migration],
) -> Result<(), DbError> {
    let schema = crate::tenant_tx::checked_schema(schema)?;
    crate::run_script(
        conn,
        &format!(
            "SET LOCAL search_path = {schema}; SELECT set_config('app.tenant_id', '{tenant_id}', true);
             GRANT USAGE ON SCHEMA {schema} TO {schema};
             ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {schema};
             ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT USAGE, SELECT ON SEQUENCES TO {schema};"
        ),
    )
    .await?;
    for m in migrations.iter().filter(|m| m.version > from) {
        crate::run_script(conn, m.sql).await?;
    }
    Ok(())
}

/// What happened to one tenant in a migration run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TenantOutcome {
    Migrated { from: i32, to: i32 },
    AlreadyCurrent,
}

/// Brings one tenant to the last version of `migrations`, in one transaction that holds the
/// tenant's row lock (two migrators never work on the same tenant at once).
pub async fn migrate_tenant(
    owner: &PgPool,
    tenant_id: Uuid,
    migrations: &[Migration],
) -> Result<TenantOutcome, DbError> {
    let target = target_version(migrations);
    let mut tx = owner.begin().await?;
    let row: Option<(String, i32)> = sqlx::query_as(
        "SELECT schema_name, schema_version FROM platform.tenants WHERE id = $1 AND status <> 'DELETED' FOR UPDATE",
    )
    .bind(tenant_id)
    .fetch_optional(&mut *tx)
    .await?;
    let (schema, from) = row.ok_or(DbError::NotFound)?;
    if from >= target {
        return Ok(TenantOutcome::AlreadyCurrent);
    }
    apply_tenant_migrations(&mut tx, tenant_id, &schema, from, migrations).await?;
    sqlx::query("UPDATE platform.tenants SET schema_version = $2 WHERE id = $1")
        .bind(tenant_id)
        .bind(target)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(TenantOutcome::Migrated { from, to: target })
}

/// Summary of [`migrate_all_tenants`].
#[derive(Debug, Default)]
pub struct MigrateReport {
    /// Tenants found behind the target version.
    pub behind: usize,
    pub migrated: usize,
    /// Tenants that failed, with the error; the others are unaffected.
    pub failed: Vec<(Uuid, String)>,
}

/// Ids of live tenants whose schema is below `target`.
pub async fn tenants_behind(owner: &PgPool, target: i32) -> Result<Vec<Uuid>, DbError> {
    Ok(sqlx::query_scalar("SELECT id FROM platform.tenants WHERE status <> 'DELETED' AND schema_version < $1 ORDER BY created_at")
        .bind(target)
        .fetch_all(owner)
        .await?)
}

/// Migrates every tenant behind the last version of `migrations`, at most `jobs` at a time;
/// `progress(done, total)` is called after each tenant. Tenants already current are not
/// touched (one indexed query finds the ones behind).
pub async fn migrate_all_tenants(
    owner: &PgPool,
    migrations: &[Migration],
    jobs: usize,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<MigrateReport, DbError> {
    let ids = tenants_behind(owner, target_version(migrations)).await?;
    let total = ids.len();
    let mut report = MigrateReport {
        behind: total,
        ..Default::default()
    };
    let mut results = futures::stream::iter(ids)
        .map(|id| async move { (id, migrate_tenant(owner, id, migrations).await) })
        .buffer_unordered(jobs.max(1));
    let mut done = 0;
    while let Some((id, result)) = results.next().await {
        done += 1;
        match result {
            Ok(TenantOutcome::Migrated { .. }) => report.migrated += 1,
            Ok(TenantOutcome::AlreadyCurrent) | Err(DbError::NotFound) => {}
            Err(e) => report.failed.push((id, e.to_string())),
        }
        progress(done, total);
    }
    Ok(report)
}
