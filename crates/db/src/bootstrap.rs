//! Connecting: creating the roles and the platform schema if needed, migrating the platform, and
//! opening the owner and app pools.

use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{ConnectOptions, Connection, PgConnection, PgPool};

use crate::tenant_pools::TenantPools;
use crate::{migrate, DbError, APP_ROLE, OWNER_ROLE, TENANT_GROUP_ROLE, WORKER_ROLE};

/// How to reach the database.
#[derive(Debug, Clone)]
pub struct DbConfig {
    /// A role that may create roles and schemas (a superuser, or the embedded cluster's
    /// `postgres`), connected to the application database.
    pub admin: PgConnectOptions,
    /// Password given to the owner and app login roles (used where the server asks for one).
    pub role_password: String,
    /// Size of each of the two pools.
    pub max_connections: u32,
    /// How long a request waits for a pooled connection before failing with
    /// [`DbError::Unavailable`] (a 503): short, so an exhausted pool or a dead server is
    /// reported at once rather than after a long hang.
    pub acquire_timeout: Duration,
}

/// Default [`DbConfig::acquire_timeout`]: 1 second, so a request answers 503 well within 2 s when no connection can be had.
pub const DEFAULT_ACQUIRE_TIMEOUT: Duration = Duration::from_secs(1);

/// A pool's open connections at one moment: `size` in all, `idle` of them waiting for work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolStats {
    /// `app` or `owner`.
    pub name: &'static str,
    pub size: u32,
    pub idle: u32,
}

/// A transaction on platform tables (no tenant scope); commit with `commit().await`.
pub type PlatformTx = sqlx::Transaction<'static, sqlx::Postgres>;

/// The pools of a running WisdomOS: the app role's, the owner's, and one per recently used
/// tenant logging in as the tenant's role ([`crate::tenant_pools`]).
#[derive(Debug, Clone)]
pub struct Database {
    app: PgPool,
    owner: PgPool,
    worker: PgPool,
    tenants: Arc<TenantPools>,
}

impl Database {
    /// Creates the roles and the platform schema when missing, applies pending platform
    /// migrations, and opens the pools. Safe to run from several processes at once.
    ///
    /// Errors: the admin role cannot connect or lacks CREATEROLE/CREATE on the database.
    pub async fn connect(cfg: &DbConfig) -> Result<Self, DbError> {
        let admin = cfg
            .admin
            .clone()
            .log_statements(tracing::log::LevelFilter::Debug);
        // Roles are cluster-wide: concurrent bootstraps (parallel tests, two servers) can
        // collide on them, so retry the idempotent script a few times.
        let mut attempt = 0;
        loop {
            attempt += 1;
            match bootstrap_roles(&admin, &cfg.role_password).await {
                Ok(()) => break,
                Err(e) if attempt < 8 => {
                    tracing::debug!(error = %e, attempt, "bootstrap collided; retrying");
                    tokio::time::sleep(Duration::from_millis(50 * attempt)).await;
                }
                Err(e) => return Err(e),
            }
        }
        let owner = pool(cfg, OWNER_ROLE, OWNER_LIFETIME).await?;
        unseal_audit_log(&admin).await?;
        migrate::migrate_platform(&owner).await?;
        seal_audit_log(&admin).await?;
        let app = pool(cfg, APP_ROLE, PLATFORM_LIFETIME).await?;
        let worker = pool(cfg, WORKER_ROLE, PLATFORM_LIFETIME).await?;
        // Half the pool size per workspace: a workspace's requests mostly queue on its own rows
        // (its usage, its index), and many workspaces busy at once must stay inside
        // PostgreSQL's max_connections.
        let tenants = Arc::new(TenantPools::new(
            cfg.admin.clone(),
            &cfg.role_password,
            (cfg.max_connections / 2).max(2),
            cfg.max_connections.saturating_mul(2),
            cfg.acquire_timeout,
        ));
        Ok(Self {
            app,
            owner,
            worker,
            tenants,
        })
    }

    /// The pool of the app role: platform tables it was granted, and tenant data only through a
    /// [`crate::TenantTx`].
    pub fn app(&self) -> &PgPool {
        &self.app
    }

    /// The pool of the worker role: the job queue across tenants (claiming, leases, the
    /// scheduler, queue statistics). Requests never use it for their own queries.
    pub fn worker(&self) -> &PgPool {
        &self.worker
    }

    /// The pool of the owner role: migrations, provisioning and deprovisioning.
    pub fn owner(&self) -> &PgPool {
        &self.owner
    }

    /// A transaction of the app role on platform tables, for a write and its audit row.
    pub async fn begin_app(&self) -> Result<PlatformTx, DbError> {
        Ok(self.app.begin().await?)
    }

    /// A transaction of the owner role (provisioning).
    pub async fn begin_owner(&self) -> Result<PlatformTx, DbError> {
        Ok(self.owner.begin().await?)
    }

    /// Connections of the app and the owner pool and of all tenant pools together, for
    /// metrics.
    pub fn pool_stats(&self) -> [PoolStats; 4] {
        let stats = |name, pool: &PgPool| PoolStats {
            name,
            size: pool.size(),
            idle: u32::try_from(pool.num_idle()).unwrap_or(u32::MAX),
        };
        let (size, idle) = self.tenants.stats();
        [
            stats("app", &self.app),
            stats("owner", &self.owner),
            stats("worker", &self.worker),
            PoolStats {
                name: "tenant",
                size,
                idle,
            },
        ]
    }

    /// The tenant pools, for [`crate::TenantTx`] and deprovisioning.
    pub(crate) fn tenant_pools(&self) -> &TenantPools {
        &self.tenants
    }

    /// Lets tenant role `role` (a checked `t_<hex>` name) log in with its derived password;
    /// concurrent callers for one role are serialised.
    pub(crate) async fn enable_tenant_login(&self, role: &str) -> Result<(), DbError> {
        let verifier = crate::scram::verifier(&self.tenants.password(role));
        let mut tx = self.owner.begin().await?;
        sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended('login:' || $1, 1))")
            .bind(role)
            .execute(&mut *tx)
            .await?;
        // The verifier is base64 with `$`/`:` only: no quoting needed.
        crate::run_script(
            &mut tx,
            &format!("ALTER ROLE {role} LOGIN PASSWORD '{verifier}'"),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// `LOGIN PASSWORD '<verifier>'` for tenant role `role`, as written at its creation.
    pub(crate) fn tenant_login_clause(&self, role: &str) -> String {
        format!(
            "LOGIN PASSWORD '{}'",
            crate::scram::verifier(&self.tenants.password(role))
        )
    }

    /// Whether the database answers within `within` (for `/readyz`).
    pub async fn ping(&self, within: Duration) -> bool {
        let query = sqlx::query_scalar::<_, i32>("SELECT 1").fetch_one(&self.app);
        matches!(tokio::time::timeout(within, query).await, Ok(Ok(_)))
    }

    /// Closes the pools.
    pub async fn close(&self) {
        self.app.close().await;
        self.owner.close().await;
        self.worker.close().await;
    }
}

/// How long a connection of the owner role lives. The owner builds and migrates every
/// workspace's schema, and a PostgreSQL 15 backend keeps what it touched — catalog cache
/// entries and a reference to each object's shared statistics entry (`PgStat Shared Ref`) —
/// for as long as it lives: measured (`scripts/bench.sh scale`, docs/benchmarks.md) 6–7 MB of
/// private memory per owner connection after building 2,000 schemas and 16–18 MB at 10,000,
/// against 2–3.5 MB for a workspace's own connection, which only ever touches its schema.
/// Recycling bounds an owner connection to what it touches in a minute.
pub const OWNER_LIFETIME: Duration = Duration::from_secs(60);

/// How long a connection of the app and worker roles lives (sqlx's default): they touch the
/// platform schema only, so their memory does not grow with the number of workspaces.
pub const PLATFORM_LIFETIME: Duration = Duration::from_secs(30 * 60);

/// A pool logging in as `role` with the role password, sized and timed as `cfg` says, its
/// connections closed after `lifetime`.
async fn pool(cfg: &DbConfig, role: &str, lifetime: Duration) -> Result<PgPool, DbError> {
    let opts = cfg
        .admin
        .clone()
        .username(role)
        .password(&cfg.role_password);
    Ok(PgPoolOptions::new()
        .max_connections(cfg.max_connections)
        .min_connections(0)
        .max_lifetime(lifetime)
        .acquire_timeout(cfg.acquire_timeout)
        .connect_with(opts.log_statements(tracing::log::LevelFilter::Trace))
        .await?)
}

/// Gives the audit log back to the owner for the platform migrations (one may alter it, as
/// 0013 did to chain it) when a superuser admin sealed it and a migration is pending;
/// [`seal_audit_log`] takes it back right after. Runs before the server serves anything.
async fn unseal_audit_log(admin: &PgConnectOptions) -> Result<(), DbError> {
    let mut conn = PgConnection::connect_with(admin).await?;
    let target = migrate::target_version(migrate::PLATFORM);
    crate::run_script(
        &mut conn,
        &format!(
            "DO $$ DECLARE v integer := 0; BEGIN
               IF to_regclass('platform.schema_migrations') IS NOT NULL THEN
                 -- Dynamic: the table may not exist yet when this block is planned.
                 EXECUTE 'SELECT coalesce(max(version), 0) FROM platform.schema_migrations' INTO v;
               END IF;
               IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
                  AND to_regclass('platform.audit_events') IS NOT NULL AND v < {target} THEN
                 EXECUTE 'ALTER TABLE platform.audit_events OWNER TO {OWNER_ROLE}';
               END IF;
             END $$;"
        ),
    )
    .await?;
    conn.close().await?;
    Ok(())
}

/// Hands the audit log and the platform schema to the admin role when it is a superuser, so
/// that no role a request can use (the owner provisions during registration) may UPDATE,
/// DELETE, TRUNCATE, ALTER or DROP the log: they keep SELECT/INSERT as granted, and the owner
/// keeps CREATE on the schema for its migrations. A CREATEROLE role cannot make itself a member of a
/// superuser. With a non-superuser admin the owner keeps the table (docs/audit.md says so).
async fn seal_audit_log(admin: &PgConnectOptions) -> Result<(), DbError> {
    let mut conn = PgConnection::connect_with(admin).await?;
    crate::run_script(
        &mut conn,
        &format!(
            "DO $$ BEGIN
               IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
                 EXECUTE format('ALTER TABLE platform.audit_events OWNER TO %I', current_user);
                 -- A schema's owner may drop any table in it.
                 EXECUTE format('ALTER SCHEMA platform OWNER TO %I', current_user);
                 GRANT SELECT, INSERT ON platform.audit_events TO {OWNER_ROLE};
                 GRANT USAGE, CREATE ON SCHEMA platform TO {OWNER_ROLE};
               END IF;
             END $$;"
        ),
    )
    .await?;
    conn.close().await?;
    Ok(())
}

async fn bootstrap_roles(admin: &PgConnectOptions, password: &str) -> Result<(), DbError> {
    // Not logged even at debug: the script carries the roles' password verifier.
    let admin = admin.clone().log_statements(tracing::log::LevelFilter::Off);
    let mut conn = PgConnection::connect_with(&admin).await?;
    let create = |name: &str, attrs: &str| {
        format!(
            "DO $$ BEGIN
               IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{name}') THEN
                 CREATE ROLE {name} {attrs};
               END IF;
             EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
             END $$;"
        )
    };
    // The verifier, not the password: PostgreSQL stores it as it is, and the password itself
    // never appears in a statement. Base64 and `$`/`:` only, so it needs no quoting.
    let (owner_pw, app_pw, worker_pw) = (
        crate::scram::verifier(password),
        crate::scram::verifier(password),
        crate::scram::verifier(password),
    );
    let script = format!(
        "{owner}
         {app}
         {worker}
         {group}
         ALTER ROLE {OWNER_ROLE} LOGIN CREATEROLE NOSUPERUSER NOBYPASSRLS NOCREATEDB PASSWORD '{owner_pw}';
         ALTER ROLE {APP_ROLE} LOGIN NOINHERIT NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE PASSWORD '{app_pw}';
         ALTER ROLE {WORKER_ROLE} LOGIN NOINHERIT NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE PASSWORD '{worker_pw}';
         GRANT {TENANT_GROUP_ROLE} TO {OWNER_ROLE} WITH ADMIN OPTION;
         DO $$ BEGIN
           EXECUTE format('GRANT CONNECT, CREATE ON DATABASE %I TO {OWNER_ROLE}', current_database());
           EXECUTE format('GRANT CONNECT ON DATABASE %I TO {APP_ROLE}, {WORKER_ROLE}, {TENANT_GROUP_ROLE}', current_database());
         END $$;
         REVOKE CREATE ON SCHEMA public FROM PUBLIC;
         CREATE SCHEMA IF NOT EXISTS platform AUTHORIZATION {OWNER_ROLE};",
        owner = create(OWNER_ROLE, "LOGIN CREATEROLE"),
        app = create(APP_ROLE, "LOGIN NOINHERIT"),
        worker = create(WORKER_ROLE, "LOGIN NOINHERIT"),
        group = create(TENANT_GROUP_ROLE, "NOLOGIN"),
    );
    sqlx::raw_sql(&script).execute(&mut conn).await?;
    conn.close().await?;
    Ok(())
}
