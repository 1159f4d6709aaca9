//! Shares of a personal workspace's summary with an organisation (platform migration 0014).
//! The organisation's side goes through its [`TenantTx`] (row-level security shows it only
//! its own rows); the person's side (invitations to their e-mail, granting, revoking) through
//! the app role, with the person checked by the caller.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::{DbError, PlatformTx, TenantTx};

/// A stored share.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Share {
    pub id: Uuid,
    pub org_tenant_id: Uuid,
    pub participant_id: Uuid,
    pub email: String,
    pub invited_by_id: Option<Uuid>,
    pub invited_at: DateTime<Utc>,
    pub sharer_user_id: Option<Uuid>,
    pub sharer_tenant_id: Option<Uuid>,
    pub granted_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl Share {
    /// Granted and not revoked.
    pub fn live(&self) -> bool {
        self.granted_at.is_some() && self.revoked_at.is_none()
    }
}

const COLUMNS: &str = "id, org_tenant_id, participant_id, email, invited_by_id, invited_at, \
     sharer_user_id, sharer_tenant_id, granted_at, revoked_at";

/// Invites `email` (lower-cased by the caller) to share, for participant `participant_id` of
/// the transaction's organisation. Errors: [`DbError::Conflict`]`("share_exists")` when the
/// participant has an open invitation or share.
pub async fn invite(
    tx: &mut TenantTx,
    participant_id: Uuid,
    email: &str,
    by: Uuid,
    now: DateTime<Utc>,
) -> Result<Share, DbError> {
    let org = tx.tenant_id();
    sqlx::query_as(&format!(
        "INSERT INTO platform.shares (id, org_tenant_id, participant_id, email, invited_by_id, invited_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING {COLUMNS}"
    ))
    .bind(Uuid::new_v4())
    .bind(org)
    .bind(participant_id)
    .bind(email)
    .bind(by)
    .bind(now)
    .fetch_one(tx.conn())
    .await
    .map_err(|e| {
        if e.as_database_error().and_then(|d| d.constraint()) == Some("shares_open_key") {
            DbError::Conflict("share_exists")
        } else {
            e.into()
        }
    })
}

/// The open (invited or granted) share of participant `participant_id` of the transaction's
/// organisation, if any.
pub async fn open_for(tx: &mut TenantTx, participant_id: Uuid) -> Result<Option<Share>, DbError> {
    let org = tx.tenant_id();
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM platform.shares
         WHERE org_tenant_id = $1 AND participant_id = $2 AND revoked_at IS NULL"
    ))
    .bind(org)
    .bind(participant_id)
    .fetch_optional(tx.conn())
    .await?)
}

/// A share with the organisation's name, as the person sees it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ShareOffer {
    #[sqlx(flatten)]
    pub share: Share,
    pub org_name: String,
}

/// The shares the person with `user_id` and `email` is part of: open invitations to the
/// e-mail, and everything they granted (revoked ones included), newest first.
pub async fn of_person(
    tx: &mut PlatformTx,
    user_id: Uuid,
    email: &str,
) -> Result<Vec<ShareOffer>, DbError> {
    Ok(sqlx::query_as(
        "SELECT s.id, s.org_tenant_id, s.participant_id, s.email, s.invited_by_id, s.invited_at,
                s.sharer_user_id, s.sharer_tenant_id, s.granted_at, s.revoked_at, t.name AS org_name
         FROM platform.shares s JOIN platform.tenants t ON t.id = s.org_tenant_id
         WHERE s.sharer_user_id = $1 OR (s.email = lower($2) AND s.granted_at IS NULL AND s.revoked_at IS NULL)
         ORDER BY s.invited_at DESC",
    )
    .bind(user_id)
    .bind(email)
    .fetch_all(&mut **tx)
    .await?)
}

/// Grants invitation `id` — sent to `email` and still open — from workspace `tenant` of
/// `user_id`. Errors: [`DbError::NotFound`] when there is no such open invitation for them.
pub async fn grant(
    tx: &mut PlatformTx,
    id: Uuid,
    user_id: Uuid,
    email: &str,
    tenant: Uuid,
    now: DateTime<Utc>,
) -> Result<Share, DbError> {
    Ok(sqlx::query_as(&format!(
        "UPDATE platform.shares SET sharer_user_id = $2, sharer_tenant_id = $4, granted_at = $5
         WHERE id = $1 AND email = lower($3) AND granted_at IS NULL AND revoked_at IS NULL RETURNING {COLUMNS}"
    ))
    .bind(id)
    .bind(user_id)
    .bind(email)
    .bind(tenant)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?)
}

/// Ends share `id` — one `user_id` granted, or an invitation to `email` they decline — at
/// once. Errors: [`DbError::NotFound`] when it is not theirs or already ended.
pub async fn revoke(
    tx: &mut PlatformTx,
    id: Uuid,
    user_id: Uuid,
    email: &str,
    now: DateTime<Utc>,
) -> Result<Share, DbError> {
    Ok(sqlx::query_as(&format!(
        "UPDATE platform.shares SET revoked_at = $4
         WHERE id = $1 AND revoked_at IS NULL AND (sharer_user_id = $2 OR (granted_at IS NULL AND email = lower($3)))
         RETURNING {COLUMNS}"
    ))
    .bind(id)
    .bind(user_id)
    .bind(email)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?)
}
