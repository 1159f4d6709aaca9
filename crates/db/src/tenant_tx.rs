//! The tenant transaction: the only way code reaches tenant data.
//!
//! On a connection logged in as the tenant's own role ([`crate::tenant_pools`]):
//! `BEGIN; SET LOCAL search_path = <schema>; SET LOCAL app.tenant_id = <uuid>` (DESIGN.md §3).
//! The tenant role can read only its own schema and cannot switch to any other tenant's role;
//! forced row-level security filters every row by `app.tenant_id` on top.

use sqlx::{PgConnection, Postgres, Transaction};
use uuid::Uuid;

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

/// An open transaction running as a tenant's role with its schema and id set.
pub struct TenantTx {
    tx: Transaction<'static, Postgres>,
    tenant_id: Uuid,
    /// Held until the transaction ends: its share of the tenant connection budget.
    _admitted: tokio::sync::OwnedSemaphorePermit,
}

impl TenantTx {
    /// Opens a transaction as the tenant's role, scoped to `scope`. A tenant role that may not
    /// log in yet (created before per-tenant logins, or the role password changed) is given
    /// its login once and the connection retried.
    pub async fn begin(db: &Database, scope: &TenantScope) -> Result<Self, DbError> {
        let schema = checked_schema(&scope.schema)?;
        // One round trip: the BEGIN and the scoping travel as one simple query. Should any part
        // fail, the transaction is aborted and every later statement fails: closed, not open.
        let sql = format!(
            "BEGIN; SET LOCAL search_path = {schema}; SELECT set_config('app.tenant_id', '{}', true);",
            scope.tenant_id
        );
        let admitted = db.tenant_pools().admit().await?;
        let pool = db.tenant_pools().pool(scope.tenant_id, schema);
        let tx = match pool.begin_with(sql.clone()).await {
            Err(e) if crate::tenant_pools::login_refused(&e) => {
                db.enable_tenant_login(schema).await?;
                pool.begin_with(sql).await?
            }
            other => other?,
        };
        Ok(Self {
            tx,
            tenant_id: scope.tenant_id,
            _admitted: admitted,
        })
    }

    /// The tenant this transaction is scoped to.
    pub fn tenant_id(&self) -> Uuid {
        self.tenant_id
    }

    /// Commits the transaction.
    pub async fn commit(self) -> Result<(), DbError> {
        Ok(self.tx.commit().await?)
    }

    /// The connection, for the repositories of this crate only.
    pub(crate) fn conn(&mut self) -> &mut PgConnection {
        &mut self.tx
    }
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
