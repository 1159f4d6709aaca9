//! The audit log (seed 003 §6): `platform.audit_events`, append-only for the app role.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::{DbError, Page, TenantTx};

/// One audit event to record. `event_type` is a dotted name such as `auth.login_failed`,
/// `membership.role_changed`, `tenant.suspended` (the full list is in docs/errors.md's sibling
/// docs/audit.md). `metadata` never holds secrets.
#[derive(Debug, Clone, Default)]
pub struct NewAuditEvent {
    pub tenant_id: Option<Uuid>,
    pub actor_user_id: Option<Uuid>,
    pub actor_role: Option<String>,
    pub event_type: &'static str,
    pub target_type: Option<&'static str>,
    pub target_id: Option<String>,
    pub metadata: serde_json::Value,
}

/// A stored audit event.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuditEvent {
    pub id: Uuid,
    pub tenant_id: Option<Uuid>,
    pub actor_user_id: Option<Uuid>,
    pub actor_role: Option<String>,
    pub event_type: String,
    pub target_type: Option<String>,
    pub target_id: Option<String>,
    pub metadata: serde_json::Value,
    pub created_at: DateTime<Utc>,
    /// Its number in the tenant's hash chain (platform migration 0013).
    pub seq: i64,
    /// Its SHA-256 chain hash, hex.
    pub hash: String,
}

/// Appends an event on its own (actions with no transaction of their own, such as a failed sign-in).
pub async fn append(pool: &PgPool, ev: &NewAuditEvent, now: DateTime<Utc>) -> Result<(), DbError> {
    let mut conn = pool.acquire().await?;
    record(&mut conn, ev, now).await
}

/// Appends an event inside the transaction of the action it records.
pub async fn record(
    db: &mut PgConnection,
    ev: &NewAuditEvent,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let metadata = if ev.metadata.is_null() {
        serde_json::json!({})
    } else {
        ev.metadata.clone()
    };
    sqlx::query(
        "INSERT INTO platform.audit_events
           (id, tenant_id, actor_user_id, actor_role, event_type, target_type, target_id, metadata, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(Uuid::new_v4())
    .bind(ev.tenant_id)
    .bind(ev.actor_user_id)
    .bind(ev.actor_role.as_deref())
    .bind(ev.event_type)
    .bind(ev.target_type)
    .bind(ev.target_id.as_deref())
    .bind(metadata)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

/// Appends an event of the tenant inside its tenant transaction (the write it records is in the
/// same transaction). The tenant id is the transaction's, whatever `ev` says; row-level
/// security refuses any other.
pub async fn record_in_tenant(
    tx: &mut TenantTx,
    ev: &NewAuditEvent,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let ev = NewAuditEvent {
        tenant_id: Some(tx.tenant_id()),
        ..ev.clone()
    };
    record(tx.conn(), &ev, now).await
}

/// Which of a tenant's audit events to list (all when empty).
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub actor_user_id: Option<Uuid>,
    /// An exact event type, or a prefix ending in `*` (`participant.*`).
    pub event_type: Option<String>,
    pub target_type: Option<String>,
    pub target_id: Option<String>,
    /// `created_at >= from`.
    pub from: Option<DateTime<Utc>>,
    /// `created_at < to`.
    pub to: Option<DateTime<Utc>>,
}

/// The tenant's events matching `f`, newest first, after the keyset `(created_at, id)` of the
/// previous page's last row. Read through the tenant transaction: row-level security lets a
/// tenant role see only its own tenant's rows.
pub async fn list(
    tx: &mut TenantTx,
    f: &Filter,
    before: Option<crate::Keyset>,
    limit: i64,
) -> Result<Page<AuditEvent>, DbError> {
    let (at, id) = before.map_or((None, None), |(a, i)| (Some(a), Some(i)));
    let tenant_id = tx.tenant_id();
    let (exact, prefix) = match f.event_type.as_deref() {
        Some(t) => match t.strip_suffix('*') {
            Some(p) => (
                None,
                Some(format!("{}%", p.replace('%', "\\%").replace('_', "\\_"))),
            ),
            None => (Some(t.to_owned()), None),
        },
        None => (None, None),
    };
    let rows = sqlx::query_as(
        "SELECT id, tenant_id, actor_user_id, actor_role, event_type, target_type, target_id, metadata, created_at,
                seq, encode(hash, 'hex') AS hash
         FROM platform.audit_events
         WHERE tenant_id = $1 AND ($2::timestamptz IS NULL OR (created_at, id) < ($2, $3))
           AND ($5::uuid IS NULL OR actor_user_id = $5) AND ($6::text IS NULL OR event_type = $6)
           AND ($7::text IS NULL OR event_type LIKE $7) AND ($8::text IS NULL OR target_type = $8)
           AND ($9::text IS NULL OR target_id = $9) AND ($10::timestamptz IS NULL OR created_at >= $10)
           AND ($11::timestamptz IS NULL OR created_at < $11)
         ORDER BY created_at DESC, id DESC LIMIT $4",
    )
    .bind(tenant_id)
    .bind(at)
    .bind(id)
    .bind(limit + 1)
    .bind(f.actor_user_id)
    .bind(exact)
    .bind(prefix)
    .bind(f.target_type.as_deref())
    .bind(f.target_id.as_deref())
    .bind(f.from)
    .bind(f.to)
    .fetch_all(tx.conn())
    .await?;
    Ok(Page::from_overfetch(rows, limit))
}

/// One of the tenant's events. Errors: [`DbError::NotFound`] (also for another tenant's).
pub async fn get(tx: &mut TenantTx, id: Uuid) -> Result<AuditEvent, DbError> {
    let tenant_id = tx.tenant_id();
    Ok(sqlx::query_as(
        "SELECT id, tenant_id, actor_user_id, actor_role, event_type, target_type, target_id, metadata, created_at,
                seq, encode(hash, 'hex') AS hash
         FROM platform.audit_events WHERE tenant_id = $1 AND id = $2",
    )
    .bind(tenant_id)
    .bind(id)
    .fetch_one(tx.conn())
    .await?)
}
