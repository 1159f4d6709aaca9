//! A person's own account: changing the password and deleting the account.

use chrono::{DateTime, Utc};
use uuid::Uuid;
use wisdomos_core::account::Password;
use wisdomos_db::audit::NewAuditEvent;
use wisdomos_db::{accounts, users, Database};

use crate::password::PasswordHasher;
use crate::AppError;

/// Who asks, and from which session (its family is kept signed in; `None` from the CLI).
#[derive(Debug, Clone, Copy)]
pub struct Actor {
    pub user_id: Uuid,
    pub session_family: Option<Uuid>,
}

/// Changes the password after checking the current one (`None` only for an operator's
/// `wisdomos user set-password`), and ends every other session of the user. Returns how many
/// sessions ended. Errors: [`AppError::WrongPassword`]; a `DbError::NotFound` for a deleted
/// user.
pub async fn change_password(
    db: &Database,
    hasher: &PasswordHasher,
    actor: Actor,
    current: Option<&str>,
    new: &Password,
    now: DateTime<Utc>,
) -> Result<u64, AppError> {
    let user = users::get(db.app(), actor.user_id).await?;
    if let Some(current) = current {
        if !hasher.verify(current, Some(&user.password_hash)).await? {
            return Err(AppError::WrongPassword("currentPassword"));
        }
    }
    let hash = hasher.hash(new.expose()).await?;
    Ok(accounts::set_password(
        db,
        actor.user_id,
        &hash,
        actor.session_family,
        NewAuditEvent::default(),
        now,
    )
    .await?)
}

/// Deletes the account after checking its password (`None` only for an operator's
/// `wisdomos user delete`): workspaces only this person belongs to are deleted with it; see
/// `wisdomos_db::accounts::delete`. Returns the ids of the workspaces deleted.
/// Errors: [`AppError::WrongPassword`]; `DbError::Refused("last_owner")` when the person is the
/// last OWNER of a workspace others share (hand it over or delete it first).
pub async fn delete(
    db: &Database,
    hasher: &PasswordHasher,
    actor: Actor,
    password: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Vec<Uuid>, AppError> {
    let user = users::get(db.app(), actor.user_id).await?;
    if let Some(password) = password {
        if !hasher.verify(password, Some(&user.password_hash)).await? {
            return Err(AppError::WrongPassword("password"));
        }
    }
    Ok(accounts::delete(db, actor.user_id, NewAuditEvent::default(), now).await?)
}
