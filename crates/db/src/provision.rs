//! Provisioning and deprovisioning tenants (DESIGN.md §3), and registration, which creates a
//! user and their first workspace in one transaction.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;
use wisdomos_core::life_area::SEED_LIFE_AREAS;
use wisdomos_core::tenant::{schema_name, Slug};

use crate::audit::{self, NewAuditEvent};
use crate::migrate::{self, Migration};
use crate::tenants::{self, Tenant};
use crate::users::{self, NewUser, User};
use crate::{Database, DbError, TENANT_GROUP_ROLE};

/// Fields of a new tenant, validated by the caller.
#[derive(Debug, Clone)]
pub struct NewTenant<'a> {
    pub name: &'a str,
    /// `None`: derived from the name, with a suffix when taken.
    pub slug: Option<&'a Slug>,
    /// IANA time zone name.
    pub timezone: &'a str,
}

/// Creates, inside the caller's owner transaction, the tenant row and the OWNER membership of
/// `owner_id`, and the tenant's role, schema, tables (at the last version of `migrations`, with
/// indexes and row-level security) and seed rows (30 life areas, eras, widgets, metrics): from a
/// spare schema when one is ready at that version (no DDL, a few milliseconds), else built now.
///
/// Errors: [`DbError::Conflict`]`("slug_taken")` when a given slug is in use by another live
/// tenant of the same owner. Slugs are unique per owner, so the answer reveals nothing about
/// anyone else's workspaces.
pub async fn provision(
    conn: &mut PgConnection,
    owner_id: Uuid,
    new: &NewTenant<'_>,
    migrations: &[Migration],
    now: DateTime<Utc>,
) -> Result<Tenant, DbError> {
    let slug = match new.slug {
        Some(s) => s.as_str().to_owned(),
        None => free_slug(&mut *conn, owner_id, &Slug::derive(new.name)).await?,
    };
    let target = migrate::target_version(migrations);
    // A ready-made schema at the current version makes this a few inserts, no DDL.
    let spare: Option<Uuid> = sqlx::query_scalar(
        "DELETE FROM platform.spare_schemas WHERE id = (
             SELECT id FROM platform.spare_schemas WHERE schema_version = $1 ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED)
         RETURNING id",
    )
    .bind(target)
    .fetch_optional(&mut *conn)
    .await?;
    let id = spare.unwrap_or_else(Uuid::new_v4);
    let schema = schema_name(id);
    let tenant: Tenant = sqlx::query_as(&format!(
        "INSERT INTO platform.tenants (id, slug, name, schema_name, owner_id, status, timezone, schema_version, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, 'ACTIVE', $6, $7, $8, $8) RETURNING {}",
        tenants::COLUMNS
    ))
    .bind(id)
    .bind(&slug)
    .bind(new.name)
    .bind(&schema)
    .bind(owner_id)
    .bind(new.timezone)
    .bind(target)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    if spare.is_none() {
        // Its login is given on first use (TenantTx::begin): no secret reaches this function.
        build_schema(&mut *conn, id, migrations, "NOLOGIN", now).await?;
    }
    sqlx::query("INSERT INTO platform.memberships (tenant_id, user_id, role, created_at, updated_at) VALUES ($1, $2, 'OWNER', $3, $3)")
        .bind(id)
        .bind(owner_id)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    Ok(tenant)
}

/// Creates, in the caller's owner transaction, the role (with `login`: `NOLOGIN` or
/// `LOGIN PASSWORD '<verifier>'`) and schema of tenant id `id`, every tenant table at the last
/// version of `migrations` with its indexes and row-level security, and the seed rows (30 life
/// areas; the migrations seed eras, widgets and metrics). No other role is made a member of it.
async fn build_schema(
    conn: &mut PgConnection,
    id: Uuid,
    migrations: &[Migration],
    login: &str,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let schema = schema_name(id);
    // Citus-compatible: the schema is created on its own, never with CREATE SCHEMA … CREATE TABLE.
    crate::run_script(
        &mut *conn,
        &format!(
            "CREATE ROLE {schema} {login};
         GRANT {TENANT_GROUP_ROLE} TO {schema};
         CREATE SCHEMA {schema};"
        ),
    )
    .await?;
    migrate::apply_tenant_migrations(&mut *conn, id, &schema, 0, migrations).await?;
    let slugs: Vec<&str> = SEED_LIFE_AREAS.iter().map(|a| a.slug).collect();
    let names: Vec<&str> = SEED_LIFE_AREAS.iter().map(|a| a.name).collect();
    let descriptions: Vec<&str> = SEED_LIFE_AREAS.iter().map(|a| a.description).collect();
    let clusters: Vec<&str> = SEED_LIFE_AREAS.iter().map(|a| a.cluster.as_str()).collect();
    let orders: Vec<i32> = (1..=SEED_LIFE_AREAS.len() as i32).collect();
    sqlx::query(
        "INSERT INTO life_areas (slug, name, description, cluster, sort_order, created_at, updated_at)
         SELECT s, n, d, c, o, $6, $6 FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::int[]) AS x(s, n, d, c, o)",
    )
    .bind(&slugs)
    .bind(&names)
    .bind(&descriptions)
    .bind(&clusters)
    .bind(&orders)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Builds one spare schema at the current version (a background task keeps a few ready, so
/// registration claims one instead of running DDL). Returns its id.
pub async fn create_spare(db: &Database, now: DateTime<Utc>) -> Result<Uuid, DbError> {
    let id = Uuid::new_v4();
    let login = db.tenant_login_clause(&schema_name(id));
    let mut tx = db.owner().begin().await?;
    build_schema(&mut tx, id, migrate::TENANT, &login, now).await?;
    sqlx::query(
        "INSERT INTO platform.spare_schemas (id, schema_version, created_at) VALUES ($1, $2, $3)",
    )
    .bind(id)
    .bind(migrate::target_version(migrate::TENANT))
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Spare schemas ready at the current version.
pub async fn spare_count(db: &Database) -> Result<i64, DbError> {
    Ok(
        sqlx::query_scalar("SELECT count(*) FROM platform.spare_schemas WHERE schema_version = $1")
            .bind(migrate::target_version(migrate::TENANT))
            .fetch_one(db.owner())
            .await?,
    )
}

/// Drops spare schemas built at an older version (after an upgrade); returns how many.
pub async fn drop_stale_spares(db: &Database) -> Result<usize, DbError> {
    let stale: Vec<Uuid> =
        sqlx::query_scalar("SELECT id FROM platform.spare_schemas WHERE schema_version <> $1")
            .bind(migrate::target_version(migrate::TENANT))
            .fetch_all(db.owner())
            .await?;
    for id in &stale {
        let mut tx = db.owner().begin().await?;
        let gone = sqlx::query("DELETE FROM platform.spare_schemas WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if gone == 1 {
            let schema = schema_name(*id);
            crate::run_script(
                &mut tx,
                &format!("DROP SCHEMA IF EXISTS {schema} CASCADE; DROP ROLE IF EXISTS {schema};"),
            )
            .await?;
        }
        tx.commit().await?;
    }
    Ok(stale.len())
}

async fn free_slug(conn: &mut PgConnection, owner: Uuid, base: &Slug) -> Result<String, DbError> {
    if !tenants::slug_taken(&mut *conn, owner, base.as_str()).await? {
        return Ok(base.as_str().to_owned());
    }
    for _ in 0..8 {
        let suffix = &Uuid::new_v4().simple().to_string()[..6];
        let candidate = base.with_suffix(suffix);
        if !tenants::slug_taken(&mut *conn, owner, candidate.as_str()).await? {
            return Ok(candidate.as_str().to_owned());
        }
    }
    Err(DbError::Conflict("slug_taken"))
}

/// Creates a user and their first tenant in one owner transaction, with the audit events
/// `auth.registered` and `tenant.created`. Errors: `email_taken`, `slug_taken` conflicts.
pub async fn register(
    db: &Database,
    user: &NewUser<'_>,
    tenant: &NewTenant<'_>,
    now: DateTime<Utc>,
) -> Result<(User, Tenant), DbError> {
    let mut tx = db.owner().begin().await?;
    let out = register_in(&mut tx, user, tenant, now).await?;
    tx.commit().await?;
    Ok(out)
}

/// [`register`] inside the caller's owner transaction (which may add the first session).
pub async fn register_in(
    tx: &mut PgConnection,
    user: &NewUser<'_>,
    tenant: &NewTenant<'_>,
    now: DateTime<Utc>,
) -> Result<(User, Tenant), DbError> {
    let user = users::create(&mut *tx, user, now).await?;
    let tenant = provision(&mut *tx, user.id, tenant, migrate::TENANT, now).await?;
    for event_type in ["auth.registered", "tenant.created"] {
        let (target_type, target_id) = if event_type == "auth.registered" {
            ("user", user.id.to_string())
        } else {
            ("tenant", tenant.id.to_string())
        };
        let ev = NewAuditEvent {
            tenant_id: Some(tenant.id),
            actor_user_id: Some(user.id),
            actor_role: Some("OWNER".into()),
            event_type,
            target_type: Some(target_type),
            target_id: Some(target_id),
            metadata: serde_json::json!({ "slug": tenant.slug }),
        };
        audit::record(&mut *tx, &ev, now).await?;
    }
    Ok((user, tenant))
}

/// Creates another tenant owned by an existing user, audited as `tenant.created`.
pub async fn create_tenant(
    db: &Database,
    owner_id: Uuid,
    new: &NewTenant<'_>,
    actor: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<Tenant, DbError> {
    let mut tx = db.owner().begin().await?;
    let tenant = provision(&mut tx, owner_id, new, migrate::TENANT, now).await?;
    let ev = NewAuditEvent {
        tenant_id: Some(tenant.id),
        actor_user_id: actor,
        actor_role: actor.map(|_| "OWNER".into()),
        event_type: "tenant.created",
        target_type: Some("tenant"),
        target_id: Some(tenant.id.to_string()),
        metadata: serde_json::json!({ "slug": tenant.slug, "ownerId": owner_id }),
    };
    audit::record(&mut tx, &ev, now).await?;
    tx.commit().await?;
    Ok(tenant)
}

/// Drops the tenant's schema (all its data) and role, marks it DELETED, ends its memberships
/// and sessions, deletes its jobs, and audits `tenant.deleted`; its audit rows stay. Errors: [`DbError::NotFound`].
pub async fn deprovision(
    db: &Database,
    tenant_id: Uuid,
    audit_ev: NewAuditEvent,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let mut tx = db.owner().begin().await?;
    deprovision_in(&mut tx, tenant_id, audit_ev, now).await?;
    tx.commit().await?;
    db.tenant_pools().forget(tenant_id);
    Ok(())
}

/// [`deprovision`] inside the caller's owner transaction; the caller forgets the tenant's pool
/// (`TenantPools::forget`) after it commits. Errors: [`DbError::NotFound`].
pub async fn deprovision_in(
    tx: &mut PgConnection,
    tenant_id: Uuid,
    audit_ev: NewAuditEvent,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let schema: String = sqlx::query_scalar(
        "SELECT schema_name FROM platform.tenants WHERE id = $1 AND status <> 'DELETED' FOR UPDATE",
    )
    .bind(tenant_id)
    .fetch_one(&mut *tx)
    .await?;
    let schema = crate::tenant_tx::checked_schema(&schema)?;
    crate::run_script(
        &mut *tx,
        &format!("DROP SCHEMA IF EXISTS {schema} CASCADE; DROP ROLE IF EXISTS {schema};"),
    )
    .await?;
    sqlx::query("UPDATE platform.tenants SET status = 'DELETED', deleted_at = $2, updated_at = $2 WHERE id = $1")
        .bind(tenant_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "UPDATE platform.sessions SET revoked_at = $2 WHERE tenant_id = $1 AND revoked_at IS NULL",
    )
    .bind(tenant_id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM platform.memberships WHERE tenant_id = $1")
        .bind(tenant_id)
        .execute(&mut *tx)
        .await?;
    // Their payloads are the tenant's data too.
    sqlx::query("DELETE FROM platform.jobs WHERE tenant_id = $1")
        .bind(tenant_id)
        .execute(&mut *tx)
        .await?;
    let ev = NewAuditEvent {
        tenant_id: Some(tenant_id),
        event_type: "tenant.deleted",
        target_type: Some("tenant"),
        target_id: Some(tenant_id.to_string()),
        ..audit_ev
    };
    audit::record(&mut *tx, &ev, now).await?;
    Ok(())
}
