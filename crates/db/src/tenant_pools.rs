//! Connections that log in as a tenant's own role.
//!
//! A tenant transaction runs on a connection whose *session* user is the tenant role, not on the
//! app role with `SET ROLE`: PostgreSQL lets a session switch only to roles its session user is
//! a member of, and a tenant role is a member of none but the `wisdomos_tenant` group. So even
//! SQL injected into one tenant's transaction cannot `SET ROLE` into another tenant
//! (`SET ROLE` cannot be used inside a SECURITY DEFINER function either, so no function could
//! switch for it). The app role is a member of no tenant role.
//!
//! Each tenant role's password is derived from the role password (HMAC-SHA256 over the role
//! name), so nothing per tenant is stored; it is set (as a SCRAM verifier) the first time a
//! login is refused, which also covers tenants created before this scheme and a changed role
//! password. One small pool per recently used tenant; when the open tenant connections reach
//! the budget, pools with nothing in use are closed, least recently used first.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use hmac::{Hmac, Mac};
use sha2::Sha256;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{ConnectOptions, PgPool};
use uuid::Uuid;

/// How long a tenant connection may sit idle before it is closed.
const IDLE: Duration = Duration::from_secs(60);

/// The tenants' pools.
pub(crate) struct TenantPools {
    server: PgConnectOptions,
    secret: String,
    per_tenant: u32,
    budget: u32,
    acquire_timeout: Duration,
    pools: Mutex<HashMap<Uuid, (PgPool, Instant)>>,
    /// One permit per tenant connection in use, `budget` in all.
    in_use: std::sync::Arc<tokio::sync::Semaphore>,
}

impl std::fmt::Debug for TenantPools {
    // The connect options and the secret stay out of logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TenantPools")
            .field("per_tenant", &self.per_tenant)
            .field("budget", &self.budget)
            .finish_non_exhaustive()
    }
}

impl TenantPools {
    /// Pools reaching `server` (its user is replaced by each tenant role), at most `per_tenant`
    /// connections each and about `budget` open in all.
    pub(crate) fn new(
        server: PgConnectOptions,
        secret: &str,
        per_tenant: u32,
        budget: u32,
        acquire_timeout: Duration,
    ) -> Self {
        Self {
            server,
            secret: secret.to_owned(),
            per_tenant: per_tenant.max(1),
            budget: budget.max(1),
            acquire_timeout,
            pools: Mutex::new(HashMap::new()),
            in_use: std::sync::Arc::new(tokio::sync::Semaphore::new(budget.max(1) as usize)),
        }
    }

    /// A permit to use one tenant connection, waiting at most the acquire timeout for one of
    /// the budget's to be returned. Errors: [`crate::DbError::Unavailable`] after the wait.
    pub(crate) async fn admit(&self) -> Result<tokio::sync::OwnedSemaphorePermit, crate::DbError> {
        match tokio::time::timeout(self.acquire_timeout, self.in_use.clone().acquire_owned()).await
        {
            Ok(Ok(permit)) => Ok(permit),
            _ => Err(crate::DbError::Unavailable(
                "every tenant connection of the budget is in use".into(),
            )),
        }
    }

    /// The password of tenant role `role`: hex HMAC-SHA256(role password, role name).
    pub(crate) fn password(&self, role: &str) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(self.secret.as_bytes())
            .unwrap_or_else(|_| unreachable!("HMAC takes a key of any length"));
        mac.update(b"wisdomos tenant role ");
        mac.update(role.as_bytes());
        mac.finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// The pool of tenant `id` logging in as `role` (a checked `t_<hex>` name). Connects lazily.
    pub(crate) fn pool(&self, id: Uuid, role: &str) -> PgPool {
        let mut pools = self.pools.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        if let Some((pool, used)) = pools.get_mut(&id) {
            *used = now;
            return pool.clone();
        }
        self.make_room(&mut pools);
        let opts = self
            .server
            .clone()
            .username(role)
            .password(&self.password(role))
            // The connection serves this tenant only, so its schema and id are session settings
            // given at login rather than two more statements in every BEGIN (issue 15).
            .options([
                ("search_path", role.to_owned()),
                ("app.tenant_id", id.to_string()),
            ])
            .log_statements(tracing::log::LevelFilter::Trace);
        let pool = PgPoolOptions::new()
            .max_connections(self.per_tenant)
            .min_connections(0)
            .idle_timeout(IDLE)
            .acquire_timeout(self.acquire_timeout)
            .connect_lazy_with(opts);
        pools.insert(id, (pool.clone(), now));
        pool
    }

    /// Closes tenant `id`'s pool (the tenant was deleted).
    pub(crate) fn forget(&self, id: Uuid) {
        let gone = self
            .pools
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&id);
        if let Some((pool, _)) = gone {
            close_later(pool);
        }
    }

    /// Open connections of all tenant pools, and how many of them are idle.
    pub(crate) fn stats(&self) -> (u32, u32) {
        let pools = self.pools.lock().unwrap_or_else(|p| p.into_inner());
        pools.values().fold((0, 0), |(size, idle), (p, _)| {
            (
                size + p.size(),
                idle + u32::try_from(p.num_idle()).unwrap_or(u32::MAX),
            )
        })
    }

    /// While the open connections reach the budget, closes the least recently used pool that
    /// has none in use; pools in use are left (the budget is then exceeded for a while).
    fn make_room(&self, pools: &mut HashMap<Uuid, (PgPool, Instant)>) {
        loop {
            let open: u32 = pools.values().map(|(p, _)| p.size()).sum();
            if open < self.budget {
                return;
            }
            let victim = pools
                .iter()
                .filter(|(_, (p, _))| p.num_idle() as u32 == p.size())
                .min_by_key(|(_, (_, used))| *used)
                .map(|(id, _)| *id);
            match victim.and_then(|id| pools.remove(&id)) {
                Some((pool, _)) => close_later(pool),
                None => return,
            }
        }
    }
}

/// Closes a pool without waiting for it (its connections are idle or about to be returned).
fn close_later(pool: PgPool) {
    if let Ok(handle) = tokio::runtime::Handle::try_current() {
        handle.spawn(async move { pool.close().await });
    }
}

/// Whether `e` is PostgreSQL refusing a login as a tenant role that can be mended by setting its
/// LOGIN attribute and password: `28P01` invalid_password, `28000` invalid_authorization (a
/// role "not permitted to log in").
pub(crate) fn login_refused(e: &sqlx::Error) -> bool {
    matches!(
        e.as_database_error().and_then(|d| d.code()).as_deref(),
        Some("28P01" | "28000")
    )
}
