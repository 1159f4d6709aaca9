//! Refresh-token sessions. Only SHA-256 hashes of tokens are stored. A family is one sign-in
//! and every token rotated from it; presenting a token that was already rotated revokes the
//! whole family (OAuth 2.0 Security BCP, RFC 9700 §4.14.2).

use chrono::{DateTime, Duration, Utc};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::audit::{self, NewAuditEvent};
use crate::DbError;

/// Who a family belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct SessionOwner {
    pub user_id: Uuid,
    pub tenant_id: Uuid,
    pub family_id: Uuid,
}

/// Outcome of presenting a refresh token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rotation {
    /// The token was current; it is now used and the new one is stored in its family.
    Rotated(SessionOwner),
    /// The token had been rotated before: the family is now revoked and the reuse audited.
    Reused(SessionOwner),
    /// Unknown, expired or revoked token, or the membership is gone.
    Invalid,
}

/// Stores the first refresh token of a new family, valid for `ttl` from `now`, inside the
/// caller's transaction.
pub async fn start(
    db: &mut PgConnection,
    owner: SessionOwner,
    token_hash: &[u8],
    now: DateTime<Utc>,
    ttl: Duration,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO platform.sessions (id, family_id, user_id, tenant_id, token_hash, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(Uuid::new_v4())
    .bind(owner.family_id)
    .bind(owner.user_id)
    .bind(owner.tenant_id)
    .bind(token_hash)
    .bind(now)
    .bind(now + ttl)
    .execute(db)
    .await?;
    Ok(())
}

/// Exchanges the token hashed as `old_hash` for one hashed as `new_hash`, in one transaction.
pub async fn rotate(
    pool: &PgPool,
    old_hash: &[u8],
    new_hash: &[u8],
    now: DateTime<Utc>,
    ttl: Duration,
) -> Result<Rotation, DbError> {
    let mut tx = pool.begin().await?;
    #[derive(sqlx::FromRow)]
    struct Row {
        family_id: Uuid,
        user_id: Uuid,
        tenant_id: Uuid,
        expires_at: DateTime<Utc>,
        used_at: Option<DateTime<Utc>>,
        revoked_at: Option<DateTime<Utc>>,
        member: bool,
    }
    let row: Option<Row> = sqlx::query_as(
        "SELECT s.family_id, s.user_id, s.tenant_id, s.expires_at, s.used_at, s.revoked_at,
                EXISTS (SELECT 1 FROM platform.memberships m JOIN platform.tenants t ON t.id = m.tenant_id
                        WHERE m.user_id = s.user_id AND m.tenant_id = s.tenant_id AND t.status <> 'DELETED') AS member
         FROM platform.sessions s WHERE s.token_hash = $1 FOR UPDATE OF s",
    )
    .bind(old_hash)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(Row {
        family_id,
        user_id,
        tenant_id,
        expires_at,
        used_at,
        revoked_at,
        member,
    }) = row
    else {
        return Ok(Rotation::Invalid);
    };
    let owner = SessionOwner {
        user_id,
        tenant_id,
        family_id,
    };
    if used_at.is_some() {
        let was_live = revoke_family(&mut tx, family_id, now).await? > 0;
        if was_live || revoked_at.is_none() {
            let ev = NewAuditEvent {
                tenant_id: Some(tenant_id),
                actor_user_id: Some(user_id),
                event_type: "auth.refresh_token_reused",
                target_type: Some("session"),
                target_id: Some(family_id.to_string()),
                ..Default::default()
            };
            audit::record(&mut tx, &ev, now).await?;
        }
        tx.commit().await?;
        return Ok(Rotation::Reused(owner));
    }
    if revoked_at.is_some() || expires_at <= now || !member {
        return Ok(Rotation::Invalid);
    }
    sqlx::query("UPDATE platform.sessions SET used_at = $2 WHERE token_hash = $1")
        .bind(old_hash)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    start(&mut tx, owner, new_hash, now, ttl).await?;
    tx.commit().await?;
    Ok(Rotation::Rotated(owner))
}

/// Revokes every live token of a family inside the caller's transaction; returns how many were
/// live.
pub async fn revoke_family(
    db: &mut PgConnection,
    family_id: Uuid,
    now: DateTime<Utc>,
) -> Result<u64, DbError> {
    Ok(sqlx::query(
        "UPDATE platform.sessions SET revoked_at = $2 WHERE family_id = $1 AND revoked_at IS NULL",
    )
    .bind(family_id)
    .bind(now)
    .execute(db)
    .await?
    .rows_affected())
}

/// The owner of the family a token belongs to, if the token is known.
pub async fn owner_of_token(
    pool: &PgPool,
    token_hash: &[u8],
) -> Result<Option<SessionOwner>, DbError> {
    Ok(sqlx::query_as(
        "SELECT user_id, tenant_id, family_id FROM platform.sessions WHERE token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(pool)
    .await?)
}

/// The owner of a live token: known, never rotated, not revoked, not expired at `now`. The
/// web UI's session cookie is such a token, presented on every request rather than rotated.
pub async fn live_owner(
    pool: &PgPool,
    token_hash: &[u8],
    now: DateTime<Utc>,
) -> Result<Option<SessionOwner>, DbError> {
    Ok(sqlx::query_as(
        "SELECT user_id, tenant_id, family_id FROM platform.sessions
         WHERE token_hash = $1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $2",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(pool)
    .await?)
}
