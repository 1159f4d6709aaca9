#![allow(clippy::expect_used, clippy::unwrap_used)]
//! A throw-away database per test, on the server named by `WISDOMOS_TEST_DATABASE_URL` or
//! `DATABASE_URL` (a role that may create databases and roles). Dropped, with the tenant roles
//! it created, when the value is dropped.

use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection, PgConnection};
use std::str::FromStr;

use crate::{Database, DbConfig};

/// Password the test harness gives the owner and app roles.
pub const TEST_ROLE_PASSWORD: &str = "wisdomos-test-only";

/// A freshly created, bootstrapped database.
pub struct TestDatabase {
    pub name: String,
    pub config: DbConfig,
    pub db: Database,
    server: PgConnectOptions,
}

/// The admin URL tests use.
pub fn admin_url() -> String {
    std::env::var("WISDOMOS_TEST_DATABASE_URL")
        .or_else(|_| std::env::var("DATABASE_URL"))
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

impl TestDatabase {
    /// Creates `wisdomos_test_<uuid>`, bootstraps roles and the platform schema, opens pools.
    ///
    /// # Panics
    /// When the server cannot be reached: tests need a real PostgreSQL.
    pub async fn create() -> Self {
        Self::create_with(|_| {}).await
    }

    /// [`TestDatabase::create`] with the pools' settings changed by `tweak` first.
    ///
    /// # Panics
    /// As [`TestDatabase::create`].
    pub async fn create_with(tweak: impl FnOnce(&mut DbConfig)) -> Self {
        let server = PgConnectOptions::from_str(&admin_url())
            .expect("valid admin URL")
            .log_statements(tracing::log::LevelFilter::Off);
        let name = format!("wisdomos_test_{}", uuid::Uuid::new_v4().simple());
        let mut conn = PgConnection::connect_with(&server)
            .await
            .unwrap_or_else(|e| panic!("tests need PostgreSQL at {}: {e}", admin_url()));
        sqlx::raw_sql(&format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .await
            .expect("create test database");
        conn.close().await.ok();
        let mut config = DbConfig {
            admin: server.clone().database(&name),
            role_password: TEST_ROLE_PASSWORD.to_owned(),
            max_connections: 10,
            // Generous: parallel tests share two cores; tests of the short default set it.
            acquire_timeout: std::time::Duration::from_secs(10),
        };
        tweak(&mut config);
        let db = Database::connect(&config)
            .await
            .expect("bootstrap test database");
        Self {
            name,
            config,
            db,
            server,
        }
    }
}

impl TestDatabase {
    /// A URL for this database with the admin role (for running the binary against it).
    pub fn url(&self) -> String {
        let admin = admin_url();
        let (base, query) = admin
            .split_once('?')
            .map_or((admin.as_str(), None), |(b, q)| (b, Some(q)));
        let server = base.rsplit_once('/').map_or(base, |(s, _)| s);
        match query {
            Some(q) => format!("{server}/{}?{q}", self.name),
            None => format!("{server}/{}", self.name),
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let name = self.name.clone();
        let server = self.server.clone();
        // The test's runtime is blocked while we join, so clean up on a runtime of our own and
        // never wait for the pools (DROP DATABASE … WITH (FORCE) ends their connections).
        let _ = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async move {
                let Ok(mut c) = PgConnection::connect_with(&server.clone().database(&name)).await
                else {
                    return;
                };
                let roles: Vec<String> = sqlx::query_scalar(
                    "SELECT schema_name FROM platform.tenants WHERE status <> 'DELETED'
                     UNION ALL SELECT 't_' || replace(id::text, '-', '') FROM platform.spare_schemas",
                )
                .fetch_all(&mut c)
                .await
                .unwrap_or_default();
                c.close().await.ok();
                let Ok(mut c) = PgConnection::connect_with(&server).await else {
                    return;
                };
                let _ = sqlx::raw_sql(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut c)
                    .await;
                for r in roles
                    .iter()
                    .filter(|r| wisdomos_core::tenant::is_valid_schema_name(r))
                {
                    let _ = sqlx::raw_sql(&format!("DROP ROLE IF EXISTS {r}"))
                        .execute(&mut c)
                        .await;
                }
            });
        })
        .join();
    }
}

/// Registers `email` (password hash `x`) with a workspace named `name` in UTC: the user's id
/// and the workspace.
pub async fn register(
    db: &Database,
    email: &str,
    name: &str,
) -> (uuid::Uuid, crate::tenants::Tenant) {
    let user = crate::users::NewUser {
        email,
        password_hash: "x",
        first_name: None,
        last_name: None,
    };
    let t = crate::provision::NewTenant {
        name,
        slug: None,
        timezone: "UTC",
    };
    let (u, tenant) = crate::provision::register(db, &user, &t, chrono::Utc::now())
        .await
        .unwrap();
    (u.id, tenant)
}

/// A live session of `user` in `tenant`, expiring in a day, whose token's hash is `hash`: its
/// family id.
pub async fn live_session(
    db: &Database,
    user: uuid::Uuid,
    tenant: uuid::Uuid,
    hash: &[u8],
) -> uuid::Uuid {
    let family = uuid::Uuid::new_v4();
    sqlx::query(
        "INSERT INTO platform.sessions (id, family_id, user_id, tenant_id, token_hash, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, now(), now() + interval '1 day')",
    )
    .bind(uuid::Uuid::new_v4())
    .bind(family)
    .bind(user)
    .bind(tenant)
    .bind(hash)
    .execute(db.owner())
    .await
    .unwrap();
    family
}
