//! A person's own account: changing the password (ending their other sessions) and deleting
//! the account, each in one transaction with its audit row.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::audit::{self, NewAuditEvent};
use crate::{provision, Database, DbError};

/// Replaces the password hash and revokes every live session of the user except the family
/// `keep` (the session that asked, if any). Audits `auth.password_changed`. Returns how many
/// sessions ended. Errors: [`DbError::NotFound`] for an unknown or deleted user.
pub async fn set_password(
    db: &Database,
    user_id: Uuid,
    password_hash: &str,
    keep: Option<Uuid>,
    audit_ev: NewAuditEvent,
    now: DateTime<Utc>,
) -> Result<u64, DbError> {
    let mut tx = db.begin_app().await?;
    let updated = sqlx::query(
        "UPDATE platform.users SET password_hash = $2, updated_at = $3 WHERE id = $1 AND deleted_at IS NULL",
    )
    .bind(user_id)
    .bind(password_hash)
    .bind(now)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if updated == 0 {
        return Err(DbError::NotFound);
    }
    let ended = sqlx::query(
        "UPDATE platform.sessions SET revoked_at = $2
         WHERE user_id = $1 AND revoked_at IS NULL AND family_id IS DISTINCT FROM $3",
    )
    .bind(user_id)
    .bind(now)
    .bind(keep)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    let ev = NewAuditEvent {
        actor_user_id: Some(user_id),
        event_type: "auth.password_changed",
        target_type: Some("user"),
        target_id: Some(user_id.to_string()),
        metadata: serde_json::json!({ "sessionsEnded": ended }),
        ..audit_ev
    };
    audit::record(&mut tx, &ev, now).await?;
    tx.commit().await?;
    Ok(ended)
}

/// Deletes a person's account in one owner transaction: every workspace whose only member they
/// are is deprovisioned (schema, role and data dropped), their other memberships and all their
/// sessions end, and the user row is erased (e-mail, names and password hash overwritten, so the
/// e-mail is free again; the id stays for the audit trail and `tenants.owner_id`). Audits
/// `user.deleted`. Returns the ids of the workspaces deleted with it.
///
/// Errors: [`DbError::Refused`]`("last_owner")` when the user is the last OWNER of a workspace
/// that has other members (hand it over or delete it first; nothing is changed);
/// [`DbError::NotFound`] for an unknown or already deleted user.
pub async fn delete(
    db: &Database,
    user_id: Uuid,
    audit_ev: NewAuditEvent,
    now: DateTime<Utc>,
) -> Result<Vec<Uuid>, DbError> {
    let mut tx = db.begin_owner().await?;
    let email: String = sqlx::query_scalar(
        "SELECT email FROM platform.users WHERE id = $1 AND deleted_at IS NULL FOR UPDATE",
    )
    .bind(user_id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(DbError::NotFound)?;
    // Lock the workspaces in id order, so concurrent membership changes wait (they lock the
    // tenant row too) and two deletions cannot deadlock.
    let workspaces: Vec<(Uuid, String, i64, i64)> = sqlx::query_as(
        "SELECT t.id, m.role,
                (SELECT count(*) FROM platform.memberships o WHERE o.tenant_id = t.id) AS members,
                (SELECT count(*) FROM platform.memberships o WHERE o.tenant_id = t.id AND o.role = 'OWNER') AS owners
         FROM platform.memberships m JOIN platform.tenants t ON t.id = m.tenant_id
         WHERE m.user_id = $1 AND t.status <> 'DELETED'
         ORDER BY t.id FOR UPDATE OF t",
    )
    .bind(user_id)
    .fetch_all(&mut *tx)
    .await?;
    if workspaces
        .iter()
        .any(|(_, role, members, owners)| role == "OWNER" && *owners <= 1 && *members > 1)
    {
        return Err(DbError::Refused("last_owner"));
    }
    let mut deleted = Vec::new();
    for (tenant_id, _, members, _) in &workspaces {
        if *members == 1 {
            let ev = NewAuditEvent {
                actor_user_id: Some(user_id),
                ..audit_ev.clone()
            };
            provision::deprovision_in(&mut tx, *tenant_id, ev, now).await?;
            deleted.push(*tenant_id);
        }
    }
    sqlx::query("DELETE FROM platform.memberships WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM platform.sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM platform.login_attempts WHERE email = $1")
        .bind(&email)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "UPDATE platform.users SET email = 'deleted-' || id || '@deleted.invalid', password_hash = '!',
                first_name = NULL, last_name = NULL, deleted_at = $2, updated_at = $2
         WHERE id = $1",
    )
    .bind(user_id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let ev = NewAuditEvent {
        tenant_id: None,
        actor_user_id: Some(user_id),
        event_type: "user.deleted",
        target_type: Some("user"),
        target_id: Some(user_id.to_string()),
        metadata: serde_json::json!({ "workspacesDeleted": deleted }),
        ..audit_ev
    };
    audit::record(&mut tx, &ev, now).await?;
    tx.commit().await?;
    for t in &deleted {
        db.tenant_pools().forget(*t);
    }
    Ok(deleted)
}
