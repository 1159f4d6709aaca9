//! Memberships of a workspace: adding a registered person and changing a role, each written
//! with its audit event in one transaction. Who may grant what: `Role::may_manage` (only an
//! OWNER grants or changes OWNER); the last OWNER cannot be demoted (`last_owner`).

use chrono::{DateTime, Utc};
use uuid::Uuid;
use wisdomos_core::account::Email;
use wisdomos_core::role::Role;
use wisdomos_core::FieldError;
use wisdomos_db::audit::NewAuditEvent;
use wisdomos_db::memberships::{self, Member};
use wisdomos_db::{Database, DbError, TenantScope};

use crate::AppError;

/// Adds the registered person with `email` as `role`, by a member whose role is `actor`;
/// `audit` is the actor's `membership.added` event (its metadata gets the role).
/// Errors: forbidden beyond the actor's reach; validation of `email` (`unknown_user` when no
/// one has registered with it); conflict `already_member`.
pub async fn add(
    db: &Database,
    scope: &TenantScope,
    actor: Role,
    email: &str,
    role: Role,
    mut audit: NewAuditEvent,
    now: DateTime<Utc>,
) -> Result<Member, AppError> {
    if !actor.may_manage(role) {
        return Err(DbError::Refused("forbidden").into());
    }
    let email = Email::parse("email", email)?;
    audit.target_type = Some("user");
    audit.metadata = serde_json::json!({ "role": role });
    memberships::add(db, scope, email.as_str(), role.as_str(), audit, now)
        .await
        .map_err(|e| match e {
            DbError::NotFound => FieldError::new(
                "email",
                "unknown_user",
                "no user has this e-mail; they must register first",
            )
            .into(),
            other => other.into(),
        })
}

/// Gives member `user_id` the role `role`, by a member whose role is `actor` (who must reach
/// both the current and the new role); `audit` is the actor's `membership.role_changed` event.
/// Errors: not found; forbidden; conflict `last_owner`.
pub async fn change_role(
    db: &Database,
    scope: &TenantScope,
    actor: Role,
    user_id: Uuid,
    role: Role,
    mut audit: NewAuditEvent,
    now: DateTime<Utc>,
) -> Result<Member, AppError> {
    if !actor.may_manage(role) {
        return Err(DbError::Refused("forbidden").into());
    }
    audit.target_type = Some("user");
    let allowed = |current: &str| Role::parse(current).is_some_and(|r| actor.may_manage(r));
    let m =
        memberships::change(db, scope, user_id, Some(role.as_str()), allowed, audit, now).await?;
    m.ok_or(DbError::NotFound.into())
}
