//! The tenant transaction: the only way code reaches tenant data.
//!
//! On a connection logged in as the tenant's own role ([`crate::tenant_pools`]), whose session
//! has `search_path = <schema>` and `app.tenant_id = <uuid>` from its login (DESIGN.md §3 sets
//! them per transaction; a connection that serves one tenant only needs them once).
//! The tenant role can read only its own schema and cannot switch to any other tenant's role;
//! forced row-level security filters every row by `app.tenant_id` on top.

use sqlx::pool::PoolConnection;
use sqlx::postgres::PgRow;
use sqlx::{FromRow, PgConnection, Postgres, Row};
use uuid::Uuid;

use crate::memberships::Access;
use crate::tenants::Tenant;
use crate::{Database, DbError};

/// Proof that a caller may act in one tenant. Built only inside this crate, after a
/// membership check ([`crate::memberships::authorize`]) or by provisioning; never from
/// client input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenantScope {
    tenant_id: Uuid,
    pub(crate) schema: String,
}

impl TenantScope {
    /// Only code in this crate that has checked access may build a scope.
    pub(crate) fn new(tenant_id: Uuid, schema: String) -> Self {
        Self { tenant_id, schema }
    }

    /// The tenant's id.
    pub fn tenant_id(&self) -> Uuid {
        self.tenant_id
    }
}

/// An open transaction running as a tenant's role with its schema and id set. Dropped without
/// [`TenantTx::commit`], it is rolled back (on a task of its own; a connection that cannot
/// roll back is closed, never returned to the pool inside a transaction).
pub struct TenantTx {
    conn: Option<PoolConnection<Postgres>>,
    tenant_id: Uuid,
    /// Held until the transaction ends: its share of the tenant connection budget.
    admitted: Option<tokio::sync::OwnedSemaphorePermit>,
}

impl TenantTx {
    /// Opens a transaction as the tenant's role, scoped to `scope`. A tenant role that may not
    /// log in yet (created before per-tenant logins, or the role password changed) is given
    /// its login once and the connection retried.
    pub async fn begin(db: &Database, scope: &TenantScope) -> Result<Self, DbError> {
        let schema = checked_schema(&scope.schema)?;
        let (tx, _) = Self::open(db, scope.tenant_id, schema, "")
            .await?
            .ok_or(DbError::NotFound)?;
        Ok(tx)
    }

    /// The membership check and the BEGIN in one round trip (issue 15): opens a transaction as
    /// tenant `tenant_id`'s role and, in the same simple query, asks
    /// `platform.member_access` whether `user_id` may act there with session family
    /// `family_id`. `None` (and the transaction rolled back) when they may not, the session is
    /// not live, or the tenant is gone — indistinguishably, as [`crate::memberships::authorize`].
    /// For tenants the caller was signed in to (a token's tenant): an arbitrary id would open a
    /// connection attempt, so ids from a path are checked with `authorize` first.
    pub async fn begin_for_member(
        db: &Database,
        tenant_id: Uuid,
        user_id: Uuid,
        family_id: Uuid,
    ) -> Result<Option<(Self, Access)>, DbError> {
        let schema = wisdomos_core::tenant::schema_name(tenant_id);
        let check = format!(" SELECT * FROM platform.member_access('{user_id}', '{family_id}');");
        let Some((tx, rows)) = Self::open(db, tenant_id, checked_schema(&schema)?, &check).await?
        else {
            // The tenant's role is gone (deleted since the token was issued).
            db.tenant_pools().forget(tenant_id);
            return Ok(None);
        };
        let Some(row) = rows.iter().find(|r| r.columns().len() > 1) else {
            return Ok(None);
        };
        let role: String = row.try_get("role")?;
        let tenant = Tenant::from_row(row)?;
        let scope = TenantScope::new(tenant.id, tenant.schema_name.clone());
        Ok(Some((
            tx,
            Access {
                user_id,
                role,
                tenant,
                scope,
            },
        )))
    }

    /// `BEGIN` and `extra` as one simple query on a connection of the tenant's role (its schema
    /// and id are set at login); the rows `extra` returned. `None` when the
    /// tenant's role cannot log in even after its login is set (it does not exist).
    async fn open(
        db: &Database,
        tenant_id: Uuid,
        schema: &str,
        extra: &str,
    ) -> Result<Option<(Self, Vec<PgRow>)>, DbError> {
        // Should any part fail, the transaction is aborted and rolled back below: closed, not
        // open.
        let sql = format!("BEGIN;{extra}");
        let admitted = db.tenant_pools().admit().await?;
        let pool = db.tenant_pools().pool(tenant_id, schema);
        let conn = match pool.acquire().await {
            Err(e) if crate::tenant_pools::login_refused(&e) => {
                if db.enable_tenant_login(schema).await.is_err() {
                    return Ok(None);
                }
                pool.acquire().await?
            }
            other => other?,
        };
        let mut tx = Self {
            conn: Some(conn),
            tenant_id,
            admitted: Some(admitted),
        };
        let rows = sqlx::Executor::fetch_all(tx.conn(), sql.as_str()).await?;
        Ok(Some((tx, rows)))
    }

    /// The tenant this transaction is scoped to.
    pub fn tenant_id(&self) -> Uuid {
        self.tenant_id
    }

    /// Commits the transaction.
    pub async fn commit(mut self) -> Result<(), DbError> {
        let mut conn = self.conn.take().ok_or(DbError::NotFound)?;
        let done = sqlx::Executor::execute(&mut *conn, "COMMIT").await;
        if done.is_err() {
            conn.close_on_drop();
        }
        done?;
        Ok(())
    }

    /// Rolls the transaction back now.
    pub async fn rollback(mut self) -> Result<(), DbError> {
        if let Some(mut conn) = self.conn.take() {
            if let Err(e) = sqlx::Executor::execute(&mut *conn, "ROLLBACK").await {
                conn.close_on_drop();
                return Err(e.into());
            }
        }
        Ok(())
    }

    /// The connection, for the repositories of this crate only.
    pub(crate) fn conn(&mut self) -> &mut PgConnection {
        match self.conn.as_mut() {
            Some(c) => c,
            // Only commit and rollback take the connection, and they consume the transaction.
            None => unreachable!("a TenantTx without its connection"),
        }
    }
}

impl Drop for TenantTx {
    fn drop(&mut self) {
        let Some(mut conn) = self.conn.take() else {
            return;
        };
        let admitted = self.admitted.take();
        match tokio::runtime::Handle::try_current() {
            Ok(rt) => {
                rt.spawn(roll_back(conn, admitted));
            }
            Err(_) => conn.close_on_drop(),
        }
    }
}

/// Rolls back a dropped transaction's connection and returns it to the pool (closes it when
/// that fails), then frees its share of the budget.
async fn roll_back(
    mut conn: PoolConnection<Postgres>,
    admitted: Option<tokio::sync::OwnedSemaphorePermit>,
) {
    let done = sqlx::Executor::execute(&mut *conn, "ROLLBACK").await;
    if done.is_err() {
        conn.close_on_drop();
    }
    drop(conn);
    drop(admitted);
}

/// Validates a schema (and role) name before it is interpolated into SQL; it must have exactly
/// the `t_<32 hex>` shape. Errors: [`DbError::NotFound`] otherwise, as for an unknown tenant.
pub(crate) fn checked_schema(schema: &str) -> Result<&str, DbError> {
    if wisdomos_core::tenant::is_valid_schema_name(schema) {
        Ok(schema)
    } else {
        Err(DbError::NotFound)
    }
}
