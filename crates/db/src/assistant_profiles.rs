//! The workspace's assistant profile (tenant table `assistant_profiles`, one row), read and
//! written through its [`TenantTx`].

use chrono::{DateTime, Utc};
use uuid::Uuid;
use wisdomos_core::assistant::AssistantProfile;

use crate::audit::{self, NewAuditEvent};
use crate::{DbError, TenantTx};

/// The stored profile, or `None` while the workspace has never set one.
pub async fn get(tx: &mut TenantTx) -> Result<Option<AssistantProfile>, DbError> {
    let v: Option<sqlx::types::Json<AssistantProfile>> =
        sqlx::query_scalar("SELECT profile FROM assistant_profiles")
            .fetch_optional(tx.conn())
            .await?;
    Ok(v.map(|j| j.0))
}

/// Replaces the profile, audited with `audit_ev` in the same transaction.
pub async fn set(
    tx: &mut TenantTx,
    profile: &AssistantProfile,
    by: Option<Uuid>,
    audit_ev: &NewAuditEvent,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO assistant_profiles (profile, updated_at, updated_by_id) VALUES ($1, $2, $3)
         ON CONFLICT (tenant_id) DO UPDATE SET profile = EXCLUDED.profile,
             updated_at = EXCLUDED.updated_at, updated_by_id = EXCLUDED.updated_by_id",
    )
    .bind(sqlx::types::Json(profile))
    .bind(now)
    .bind(by)
    .execute(tx.conn())
    .await?;
    audit::record_in_tenant(tx, audit_ev, now).await
}
