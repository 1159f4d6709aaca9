//! Tenants (platform schema).

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use wisdomos_core::tenant::TenantStatus;

use crate::audit::{self, NewAuditEvent};
use crate::{Database, DbError};

/// A stored tenant (seed 001 `Tenant`, with the fields of the foundation issue).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Tenant {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    pub schema_name: String,
    pub owner_id: Uuid,
    /// `ACTIVE`, `SUSPENDED` or `DELETED`.
    pub status: String,
    /// IANA time zone name.
    pub timezone: String,
    pub plan_tier: String,
    pub schema_version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub(crate) const COLUMNS: &str =
    "id, slug, name, schema_name, owner_id, status, timezone, plan_tier, schema_version, created_at, updated_at";

/// The tenant with this id, whatever its status. Errors: [`DbError::NotFound`].
pub async fn get(db: &PgPool, id: Uuid) -> Result<Tenant, DbError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM platform.tenants WHERE id = $1"
    ))
    .bind(id)
    .fetch_one(db)
    .await?)
}

/// A live tenant by id (as text) or slug, for operators' commands. Errors:
/// [`DbError::NotFound`]; [`DbError::Conflict`]`("slug_ambiguous")` when tenants of several
/// owners use the slug (slugs are unique per owner; give the id then).
pub async fn find(pool: &PgPool, id_or_slug: &str) -> Result<Tenant, DbError> {
    let id = Uuid::parse_str(id_or_slug).ok();
    let mut found: Vec<Tenant> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM platform.tenants WHERE (id = $1 OR slug = $2) AND status <> 'DELETED'
         ORDER BY (id = $1) DESC NULLS LAST LIMIT 2"
    ))
    .bind(id)
    .bind(id_or_slug)
    .fetch_all(pool)
    .await?;
    match found.len() {
        0 => Err(DbError::NotFound),
        2 if id.is_none() => Err(DbError::Conflict("slug_ambiguous")),
        _ => Ok(found.swap_remove(0)),
    }
}

/// Every tenant, deleted ones included, oldest first (operators' listing).
pub async fn list_all(pool: &PgPool) -> Result<Vec<Tenant>, DbError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM platform.tenants ORDER BY created_at, id"
    ))
    .fetch_all(pool)
    .await?)
}

/// Whether a live tenant of `owner` uses `slug` (slugs are unique per owner).
pub async fn slug_taken(db: &mut PgConnection, owner: Uuid, slug: &str) -> Result<bool, DbError> {
    Ok(sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM platform.tenants WHERE owner_id = $1 AND slug = $2 AND status <> 'DELETED')",
    )
    .bind(owner)
    .bind(slug)
    .fetch_one(db)
    .await?)
}

/// Changes name and/or time zone of a live tenant, audited as `tenant.updated` in the same
/// transaction. Errors: [`DbError::NotFound`].
pub async fn update(
    db: &Database,
    id: Uuid,
    name: Option<&str>,
    timezone: Option<&str>,
    audit_ev: NewAuditEvent,
    now: DateTime<Utc>,
) -> Result<Tenant, DbError> {
    let mut tx = db.app().begin().await?;
    let tenant = sqlx::query_as(&format!(
        "UPDATE platform.tenants SET name = coalesce($2, name), timezone = coalesce($3, timezone), updated_at = $4
         WHERE id = $1 AND status <> 'DELETED' RETURNING {COLUMNS}"
    ))
    .bind(id)
    .bind(name)
    .bind(timezone)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    audit::record(&mut tx, &audit_ev, now).await?;
    tx.commit().await?;
    Ok(tenant)
}

/// Suspends or resumes a live tenant (`status` ACTIVE or SUSPENDED), audited in the same
/// transaction as `tenant.suspended` / `tenant.resumed` with `audit_ev`'s actor and metadata.
/// Errors: [`DbError::NotFound`], [`DbError::Refused`]`("invalid_status")` for DELETED.
pub async fn set_status(
    db: &Database,
    id: Uuid,
    status: TenantStatus,
    audit_ev: NewAuditEvent,
    now: DateTime<Utc>,
) -> Result<Tenant, DbError> {
    let event_type = match status {
        TenantStatus::Active => "tenant.resumed",
        TenantStatus::Suspended => "tenant.suspended",
        TenantStatus::Deleted => return Err(DbError::Refused("invalid_status")),
    };
    let audit_ev = NewAuditEvent {
        event_type,
        tenant_id: Some(id),
        ..audit_ev
    };
    let mut tx = db.app().begin().await?;
    let tenant = sqlx::query_as(&format!(
        "UPDATE platform.tenants SET status = $2, updated_at = $3 WHERE id = $1 AND status <> 'DELETED' RETURNING {COLUMNS}"
    ))
    .bind(id)
    .bind(status.as_str())
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    audit::record(&mut tx, &audit_ev, now).await?;
    tx.commit().await?;
    Ok(tenant)
}

/// The scope of a live tenant for operator commands (`wisdomos import`, `wisdomos demo`), which
/// run with the database's own credentials rather than a member's session. Tenant data is still
/// reached only through a [`crate::TenantTx`] as the tenant's role, under row-level security.
pub fn operator_scope(t: &Tenant) -> crate::TenantScope {
    crate::TenantScope::new(t.id, t.schema_name.clone())
}
