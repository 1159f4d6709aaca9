//! A workspace's API keys for its assistant (platform table `api_keys`): created, listed and
//! revoked inside the workspace's [`TenantTx`] (row-level security shows it only its own);
//! found by hash before the workspace is known, by the app role.

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use crate::audit::{self, NewAuditEvent};
use crate::{DbError, TenantTx};

/// A key as listed: never the key itself.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ApiKey {
    pub id: Uuid,
    pub name: String,
    /// The key's first characters, e.g. `wos_3fA9c2`.
    pub prefix: String,
    pub created_by_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

const COLUMNS: &str = "id, name, prefix, created_by_id, created_at, last_used_at, revoked_at";

/// Stores a key of the transaction's workspace by its SHA-256 (`key_hash`), audited with
/// `audit_ev` in the same transaction.
pub async fn create(
    tx: &mut TenantTx,
    name: &str,
    prefix: &str,
    key_hash: &[u8],
    created_by: Option<Uuid>,
    audit_ev: &NewAuditEvent,
    now: DateTime<Utc>,
) -> Result<ApiKey, DbError> {
    let tenant = tx.tenant_id();
    let key: ApiKey = sqlx::query_as(&format!(
        "INSERT INTO platform.api_keys (id, tenant_id, name, prefix, key_hash, created_by_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {COLUMNS}"
    ))
    .bind(Uuid::new_v4())
    .bind(tenant)
    .bind(name)
    .bind(prefix)
    .bind(key_hash)
    .bind(created_by)
    .bind(now)
    .fetch_one(tx.conn())
    .await?;
    let ev = NewAuditEvent {
        target_type: Some("api_key"),
        target_id: Some(key.id.to_string()),
        ..audit_ev.clone()
    };
    audit::record_in_tenant(tx, &ev, now).await?;
    Ok(key)
}

/// The workspace's keys, newest first, revoked ones included.
pub async fn list(tx: &mut TenantTx) -> Result<Vec<ApiKey>, DbError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM platform.api_keys ORDER BY created_at DESC, id DESC"
    ))
    .fetch_all(tx.conn())
    .await?)
}

/// Revokes key `id` of the workspace (again is a no-op), audited in the same transaction.
/// Errors: [`DbError::NotFound`] (another workspace's key is not found either).
pub async fn revoke(
    tx: &mut TenantTx,
    id: Uuid,
    audit_ev: &NewAuditEvent,
    now: DateTime<Utc>,
) -> Result<ApiKey, DbError> {
    let key: ApiKey = sqlx::query_as(&format!(
        "UPDATE platform.api_keys SET revoked_at = coalesce(revoked_at, $2) WHERE id = $1 RETURNING {COLUMNS}"
    ))
    .bind(id)
    .bind(now)
    .fetch_one(tx.conn())
    .await?;
    let ev = NewAuditEvent {
        target_type: Some("api_key"),
        target_id: Some(id.to_string()),
        ..audit_ev.clone()
    };
    audit::record_in_tenant(tx, &ev, now).await?;
    Ok(key)
}

/// The live key with hash `key_hash` of a live workspace: `(key id, workspace id)`, and its
/// last use set to `now` (at most once a minute, so a busy key is not a hot row).
pub async fn authenticate(
    db: &PgPool,
    key_hash: &[u8],
    now: DateTime<Utc>,
) -> Result<Option<(Uuid, Uuid)>, DbError> {
    Ok(sqlx::query_as(
        "WITH k AS (
             SELECT k.id, k.tenant_id, k.last_used_at FROM platform.api_keys k
             JOIN platform.tenants t ON t.id = k.tenant_id
             WHERE k.key_hash = $1 AND k.revoked_at IS NULL AND t.status <> 'DELETED'),
         touched AS (
             UPDATE platform.api_keys a SET last_used_at = $2 FROM k
             WHERE a.id = k.id AND (k.last_used_at IS NULL OR k.last_used_at < $2 - interval '1 minute'))
         SELECT id, tenant_id FROM k",
    )
    .bind(key_hash)
    .bind(now)
    .fetch_optional(db)
    .await?)
}
