//! Memberships: who belongs to which tenant with which role, and the access check every
//! tenant request starts with.

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use crate::audit::{self, NewAuditEvent};
use crate::tenants::Tenant;
use crate::{Database, DbError, Page, TenantScope};

/// What an authenticated caller may do in one tenant.
#[derive(Debug, Clone)]
pub struct Access {
    pub user_id: Uuid,
    /// The caller's role, as stored (`OWNER`, `ADMIN`, `MEMBER`, `VIEWER`).
    pub role: String,
    pub tenant: Tenant,
    pub scope: TenantScope,
}

/// Checks in one query that the session family is live, the user is a member and the tenant
/// exists (any status but DELETED). `None` when any of these fails: callers answer 404 for a
/// tenant and 401 for a dead session alike, never revealing which.
pub async fn authorize(
    pool: &PgPool,
    user_id: Uuid,
    tenant_id: Uuid,
    family_id: Uuid,
) -> Result<Option<Access>, DbError> {
    #[derive(sqlx::FromRow)]
    struct Row {
        role: String,
        #[sqlx(flatten)]
        tenant: Tenant,
    }
    let row: Option<Row> = sqlx::query_as(
        "SELECT m.role, t.id, t.slug, t.name, t.schema_name, t.owner_id, t.status, t.timezone, t.plan_tier,
                t.schema_version, t.created_at, t.updated_at
         FROM platform.memberships m JOIN platform.tenants t ON t.id = m.tenant_id
         WHERE m.user_id = $1 AND m.tenant_id = $2 AND t.status <> 'DELETED'
           AND EXISTS (SELECT 1 FROM platform.sessions s WHERE s.family_id = $3 AND s.user_id = $1 AND s.revoked_at IS NULL)",
    )
    .bind(user_id)
    .bind(tenant_id)
    .bind(family_id)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| Access {
        user_id,
        role: r.role,
        scope: TenantScope::new(r.tenant.id, r.tenant.schema_name.clone()),
        tenant: r.tenant,
    }))
}

/// Whether a session family still has a live token (for routes outside any tenant).
pub async fn session_live(pool: &PgPool, user_id: Uuid, family_id: Uuid) -> Result<bool, DbError> {
    Ok(sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM platform.sessions WHERE family_id = $1 AND user_id = $2 AND revoked_at IS NULL)",
    )
    .bind(family_id)
    .bind(user_id)
    .fetch_one(pool)
    .await?)
}

/// A tenant as one of the caller's memberships.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MyTenant {
    pub role: String,
    #[sqlx(flatten)]
    pub tenant: Tenant,
}

/// The user's live tenants, oldest first, keyset-paginated after `(created_at, id)`.
pub async fn tenants_of_user(
    pool: &PgPool,
    user_id: Uuid,
    after: Option<crate::Keyset>,
    limit: i64,
) -> Result<Page<MyTenant>, DbError> {
    let (at, id) = after.map_or((None, None), |(a, i)| (Some(a), Some(i)));
    let rows = sqlx::query_as(
        "SELECT m.role, t.id, t.slug, t.name, t.schema_name, t.owner_id, t.status, t.timezone, t.plan_tier,
                t.schema_version, t.created_at, t.updated_at
         FROM platform.memberships m JOIN platform.tenants t ON t.id = m.tenant_id
         WHERE m.user_id = $1 AND t.status <> 'DELETED' AND ($2::timestamptz IS NULL OR (t.created_at, t.id) > ($2, $3))
         ORDER BY t.created_at, t.id LIMIT $4",
    )
    .bind(user_id)
    .bind(at)
    .bind(id)
    .bind(limit + 1)
    .fetch_all(pool)
    .await?;
    Ok(Page::from_overfetch(rows, limit))
}

/// A member of a tenant, with the user's public fields.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Member {
    pub user_id: Uuid,
    pub email: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub role: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const MEMBER_SELECT: &str =
    "SELECT m.user_id, u.email, u.first_name, u.last_name, m.role, m.created_at, m.updated_at
     FROM platform.memberships m JOIN platform.users u ON u.id = m.user_id";

/// Members of a tenant in the order they joined, keyset-paginated after `(created_at, user_id)`.
pub async fn list(
    pool: &PgPool,
    scope: &TenantScope,
    after: Option<crate::Keyset>,
    limit: i64,
) -> Result<Page<Member>, DbError> {
    let (at, id) = after.map_or((None, None), |(a, i)| (Some(a), Some(i)));
    let rows = sqlx::query_as(&format!(
        "{MEMBER_SELECT} WHERE m.tenant_id = $1 AND ($2::timestamptz IS NULL OR (m.created_at, m.user_id) > ($2, $3))
         ORDER BY m.created_at, m.user_id LIMIT $4"
    ))
    .bind(scope.tenant_id())
    .bind(at)
    .bind(id)
    .bind(limit + 1)
    .fetch_all(pool)
    .await?;
    Ok(Page::from_overfetch(rows, limit))
}

/// One member of a tenant. Errors: [`DbError::NotFound`].
async fn fetch_member(
    conn: &mut sqlx::PgConnection,
    scope: &TenantScope,
    user_id: Uuid,
) -> Result<Member, DbError> {
    Ok(sqlx::query_as(&format!(
        "{MEMBER_SELECT} WHERE m.tenant_id = $1 AND m.user_id = $2"
    ))
    .bind(scope.tenant_id())
    .bind(user_id)
    .fetch_one(conn)
    .await?)
}

/// Adds the user with the normalised `email` as `role`, and audits it.
/// Errors: [`DbError::NotFound`] (no such user), [`DbError::Conflict`]`("already_member")`.
pub async fn add(
    db: &Database,
    scope: &TenantScope,
    email: &str,
    role: &str,
    audit: NewAuditEvent,
    now: DateTime<Utc>,
) -> Result<Member, DbError> {
    let mut tx = db.app().begin().await?;
    let user_id: Uuid = sqlx::query_scalar("SELECT id FROM platform.users WHERE email = $1")
        .bind(email)
        .fetch_one(&mut *tx)
        .await?;
    sqlx::query("INSERT INTO platform.memberships (tenant_id, user_id, role, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)")
        .bind(scope.tenant_id())
        .bind(user_id)
        .bind(role)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    let audit = NewAuditEvent {
        target_id: Some(user_id.to_string()),
        ..audit
    };
    audit::record(&mut tx, &audit, now).await?;
    let member = fetch_member(&mut tx, scope, user_id).await?;
    tx.commit().await?;
    Ok(member)
}

/// Changes a member's role (`Some(role)`) or removes the member (`None`), refusing to leave the
/// tenant without an OWNER; `allowed(current_role)` decides whether the actor may touch this
/// member. Serialised per tenant by locking the tenant row. Audits the change in the same
/// transaction. Errors: [`DbError::NotFound`], [`DbError::Refused`]`("last_owner")`,
/// [`DbError::Refused`]`("forbidden")`.
pub async fn change(
    db: &Database,
    scope: &TenantScope,
    user_id: Uuid,
    new_role: Option<&str>,
    allowed: impl Fn(&str) -> bool,
    audit: NewAuditEvent,
    now: DateTime<Utc>,
) -> Result<Option<Member>, DbError> {
    let mut tx = db.app().begin().await?;
    sqlx::query("SELECT 1 FROM platform.tenants WHERE id = $1 FOR UPDATE")
        .bind(scope.tenant_id())
        .fetch_one(&mut *tx)
        .await?;
    let current: String = sqlx::query_scalar(
        "SELECT role FROM platform.memberships WHERE tenant_id = $1 AND user_id = $2",
    )
    .bind(scope.tenant_id())
    .bind(user_id)
    .fetch_one(&mut *tx)
    .await?;
    if !allowed(&current) {
        return Err(DbError::Refused("forbidden"));
    }
    if current == "OWNER" && new_role != Some("OWNER") {
        let owners: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM platform.memberships WHERE tenant_id = $1 AND role = 'OWNER'",
        )
        .bind(scope.tenant_id())
        .fetch_one(&mut *tx)
        .await?;
        if owners <= 1 {
            return Err(DbError::Refused("last_owner"));
        }
    }
    let member = match new_role {
        Some(role) => {
            sqlx::query("UPDATE platform.memberships SET role = $3, updated_at = $4 WHERE tenant_id = $1 AND user_id = $2")
                .bind(scope.tenant_id())
                .bind(user_id)
                .bind(role)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            Some(fetch_member(&mut tx, scope, user_id).await?)
        }
        None => {
            sqlx::query("DELETE FROM platform.memberships WHERE tenant_id = $1 AND user_id = $2")
                .bind(scope.tenant_id())
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
            // The removed member's sign-ins into this tenant end now.
            sqlx::query("UPDATE platform.sessions SET revoked_at = $3 WHERE tenant_id = $1 AND user_id = $2 AND revoked_at IS NULL")
                .bind(scope.tenant_id())
                .bind(user_id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            None
        }
    };
    let mut audit = NewAuditEvent {
        target_id: Some(user_id.to_string()),
        ..audit
    };
    audit.metadata = serde_json::json!({ "previousRole": current, "newRole": new_role });
    audit::record(&mut tx, &audit, now).await?;
    tx.commit().await?;
    Ok(member)
}
