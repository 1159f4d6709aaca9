//! Response shapes shared by several routes (camelCase JSON, as the seeds).

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// A user as the API shows it (never the password hash).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserDto {
    pub id: Uuid,
    pub email: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub created_at: DateTime<Utc>,
    pub last_login_at: Option<DateTime<Utc>>,
}

impl From<wisdomos_db::users::User> for UserDto {
    fn from(u: wisdomos_db::users::User) -> Self {
        Self {
            id: u.id,
            email: u.email,
            first_name: u.first_name,
            last_name: u.last_name,
            created_at: u.created_at,
            last_login_at: u.last_login_at,
        }
    }
}

/// A tenant (workspace).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TenantDto {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    /// `t_<32 hex>`: the PostgreSQL schema and role holding this tenant's data.
    pub schema_name: String,
    pub owner_id: Uuid,
    /// `ACTIVE`, `SUSPENDED` or `DELETED`.
    pub status: String,
    /// IANA time zone.
    pub timezone: String,
    pub plan_tier: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<wisdomos_db::tenants::Tenant> for TenantDto {
    fn from(t: wisdomos_db::tenants::Tenant) -> Self {
        Self {
            id: t.id,
            slug: t.slug,
            name: t.name,
            schema_name: t.schema_name,
            owner_id: t.owner_id,
            status: t.status,
            timezone: t.timezone,
            plan_tier: t.plan_tier,
            created_at: t.created_at,
            updated_at: t.updated_at,
        }
    }
}

/// One of the caller's tenants with their role in it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MyTenantDto {
    pub id: Uuid,
    pub name: String,
    pub slug: String,
    /// `OWNER`, `ADMIN`, `MEMBER` or `VIEWER`.
    pub role: String,
    pub status: String,
}

impl From<wisdomos_db::memberships::MyTenant> for MyTenantDto {
    fn from(m: wisdomos_db::memberships::MyTenant) -> Self {
        Self {
            id: m.tenant.id,
            name: m.tenant.name,
            slug: m.tenant.slug,
            role: m.role,
            status: m.tenant.status,
        }
    }
}

/// Tokens of a session. The access token is a JWT valid `expiresIn` seconds (≤ 900); the
/// refresh token is opaque, single-use, and rotates on every refresh.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TokensDto {
    pub access_token: String,
    pub refresh_token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    pub expires_in: i64,
}
