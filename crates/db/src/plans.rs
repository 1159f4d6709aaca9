//! Workspaces' plans (platform schema, seed 002 `tenants`): tier, limits, features, trial end
//! and custom domain, which platform operators set; and who is a platform operator.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::audit::{self, NewAuditEvent};
use crate::tenants::{Tenant, COLUMNS};
use crate::DbError;

/// A workspace's plan as stored. Limits `None` are unlimited.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Plan {
    /// `free`, `starter`, `professional` or `enterprise`.
    pub plan_tier: String,
    pub conversations_per_month: Option<i64>,
    pub knowledge_bytes: Option<i64>,
    pub features: Vec<String>,
    pub trial_ends_at: Option<DateTime<Utc>>,
    /// Lower-case host name, e.g. `maia.acmelegal.com`.
    pub domain: Option<String>,
}

const PLAN: &str =
    "plan_tier, conversations_per_month, knowledge_bytes, features, trial_ends_at, domain";

/// The plan of workspace `tenant_id` (any status). Errors: [`DbError::NotFound`].
pub async fn get(db: &PgPool, tenant_id: Uuid) -> Result<Plan, DbError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {PLAN} FROM platform.tenants WHERE id = $1"
    ))
    .bind(tenant_id)
    .fetch_one(db)
    .await?)
}

/// Sets the plan of live workspace `tenant_id`, audited with `audit_ev` in the same
/// transaction. Errors: [`DbError::NotFound`]; [`DbError::Conflict`]`("domain_taken")`.
pub async fn set(
    conn: &mut PgConnection,
    tenant_id: Uuid,
    plan: &Plan,
    audit_ev: &NewAuditEvent,
    now: DateTime<Utc>,
) -> Result<Plan, DbError> {
    let plan = sqlx::query_as(&format!(
        "UPDATE platform.tenants SET plan_tier = $2, conversations_per_month = $3, knowledge_bytes = $4,
                features = $5, trial_ends_at = $6, domain = $7, updated_at = $8
         WHERE id = $1 AND status <> 'DELETED' RETURNING {PLAN}"
    ))
    .bind(tenant_id)
    .bind(&plan.plan_tier)
    .bind(plan.conversations_per_month)
    .bind(plan.knowledge_bytes)
    .bind(&plan.features)
    .bind(plan.trial_ends_at)
    .bind(&plan.domain)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    audit::record(conn, audit_ev, now).await?;
    Ok(plan)
}

/// The live workspace whose custom domain is `host` (lower-case, without port), if any.
pub async fn by_domain(db: &PgPool, host: &str) -> Result<Option<Tenant>, DbError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM platform.tenants WHERE domain = $1 AND status <> 'DELETED'"
    ))
    .bind(host)
    .fetch_optional(db)
    .await?)
}

/// A workspace as platform operators list it: the tenant, its plan, its owner's e-mail and its
/// member count.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Managed {
    #[sqlx(flatten)]
    pub tenant: Tenant,
    #[sqlx(flatten)]
    pub plan: Plan,
    pub owner_email: String,
    pub members: i64,
}

const MANAGED: &str = "t.id, t.slug, t.name, t.schema_name, t.owner_id, t.status, t.timezone, t.plan_tier,
    t.schema_version, t.created_at, t.updated_at, t.conversations_per_month, t.knowledge_bytes, t.features,
    t.trial_ends_at, t.domain, u.email AS owner_email,
    (SELECT count(*) FROM platform.memberships m WHERE m.tenant_id = t.id) AS members
    FROM platform.tenants t JOIN platform.users u ON u.id = t.owner_id";

/// Live workspaces, oldest first, after keyset `after`; `limit + 1` rows are read to tell
/// whether more follow.
pub async fn list(
    db: &PgPool,
    after: Option<crate::Keyset>,
    limit: i64,
) -> Result<crate::Page<Managed>, DbError> {
    let (at, id) = after.map_or((None, None), |(a, i)| (Some(a), Some(i)));
    let rows = sqlx::query_as(&format!(
        "SELECT {MANAGED} WHERE t.status <> 'DELETED'
           AND ($1::timestamptz IS NULL OR (t.created_at, t.id) > ($1, $2))
         ORDER BY t.created_at, t.id LIMIT $3"
    ))
    .bind(at)
    .bind(id)
    .bind(limit + 1)
    .fetch_all(db)
    .await?;
    Ok(crate::Page::from_overfetch(rows, limit))
}

/// One live workspace as operators see it. Errors: [`DbError::NotFound`].
pub async fn managed<'e>(
    db: impl sqlx::PgExecutor<'e>,
    tenant_id: Uuid,
) -> Result<Managed, DbError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {MANAGED} WHERE t.id = $1 AND t.status <> 'DELETED'"
    ))
    .bind(tenant_id)
    .fetch_one(db)
    .await?)
}

/// Whether live user `user_id` is a platform operator.
pub async fn is_platform_admin(db: &PgPool, user_id: Uuid) -> Result<bool, DbError> {
    Ok(sqlx::query_scalar(
        "SELECT coalesce((SELECT platform_admin FROM platform.users WHERE id = $1 AND deleted_at IS NULL), false)",
    )
    .bind(user_id)
    .fetch_one(db)
    .await?)
}

/// Makes the user with `email` a platform operator (`grant`) or no longer one, audited as
/// `platform_admin.granted` / `platform_admin.revoked` (no tenant, no actor: the command line)
/// in the same transaction; returns the user's id. Errors: [`DbError::NotFound`].
pub async fn set_platform_admin(
    conn: &mut PgConnection,
    email: &str,
    grant: bool,
    now: DateTime<Utc>,
) -> Result<Uuid, DbError> {
    let id: Uuid = sqlx::query_scalar(
        "UPDATE platform.users SET platform_admin = $2, updated_at = $3
         WHERE email = $1 AND deleted_at IS NULL RETURNING id",
    )
    .bind(email)
    .bind(grant)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    let ev = NewAuditEvent {
        tenant_id: None,
        actor_user_id: None,
        actor_role: Some("platform_cli".into()),
        event_type: if grant {
            "platform_admin.granted"
        } else {
            "platform_admin.revoked"
        },
        target_type: Some("user"),
        target_id: Some(id.to_string()),
        metadata: serde_json::json!({}),
    };
    audit::record(conn, &ev, now).await?;
    Ok(id)
}

/// Creates a workspace for a client in one owner transaction: the tenant (owned by
/// `owner_id`, see [`crate::provision::provision`]), its plan, its assistant profile when
/// given, and the `tenant.created` audit row `audit_ev` (retargeted at the new workspace).
/// Errors: as `provision` and [`set`].
pub async fn create_workspace(
    db: &crate::Database,
    owner_id: Uuid,
    new: &crate::provision::NewTenant<'_>,
    plan: &Plan,
    profile: Option<&wisdomos_core::assistant::AssistantProfile>,
    audit_ev: NewAuditEvent,
    now: DateTime<Utc>,
) -> Result<Managed, DbError> {
    let mut tx = db.owner().begin().await?;
    let tenant =
        crate::provision::provision(&mut tx, owner_id, new, crate::migrate::TENANT, now).await?;
    let ev = NewAuditEvent {
        tenant_id: Some(tenant.id),
        target_type: Some("tenant"),
        target_id: Some(tenant.id.to_string()),
        ..audit_ev
    };
    set(&mut tx, tenant.id, plan, &ev, now).await?;
    if let Some(p) = profile {
        sqlx::query("SELECT set_config('app.tenant_id', $1, true)")
            .bind(tenant.id.to_string())
            .execute(&mut *tx)
            .await?;
        sqlx::query(&format!(
            "INSERT INTO {}.assistant_profiles (profile, updated_at) VALUES ($1, $2)",
            tenant.schema_name
        ))
        .bind(sqlx::types::Json(p))
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    let m = managed(&mut *tx, tenant.id).await?;
    tx.commit().await?;
    Ok(m)
}

/// Sets the plan of live workspace `tenant_id` (see [`set`]) and reads it back as operators see
/// it, in one transaction.
pub async fn update(
    db: &crate::Database,
    tenant_id: Uuid,
    plan: &Plan,
    audit_ev: &NewAuditEvent,
    now: DateTime<Utc>,
) -> Result<Managed, DbError> {
    let mut tx = db.app().begin().await?;
    set(&mut tx, tenant_id, plan, audit_ev, now).await?;
    let m = managed(&mut *tx, tenant_id).await?;
    tx.commit().await?;
    Ok(m)
}
