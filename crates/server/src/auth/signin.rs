//! Signing in and out, shared by the API's `/auth` routes and the web's sign-in pages:
//! registration (user, provisioned workspace, OWNER membership and first session in one
//! transaction), password sign-in with its lock-out, ending a sign-in and moving it to another
//! workspace. Every step is audited in the transaction that makes it.

use chrono::{DateTime, Utc};
use uuid::Uuid;
use wisdomos_core::account::{Email, Password};
use wisdomos_core::tenant::{self, Slug};
use wisdomos_core::validation::bounded_text;
use wisdomos_core::ValidationErrors;
use wisdomos_db::audit::{self, NewAuditEvent};
use wisdomos_db::login_attempts::{self, Reservation};
use wisdomos_db::memberships::{self, MyTenant};
use wisdomos_db::provision::{self, NewTenant};
use wisdomos_db::sessions::{self, SessionOwner};
use wisdomos_db::tenants::Tenant;
use wisdomos_db::users::{self, NewUser, User};
use wisdomos_db::{DbError, PlatformTx};

use crate::auth::token::{hash_refresh_token, new_refresh_token};
use crate::{ApiError, AppState};

/// Longest first or last name, in characters.
const PERSON_NAME_MAX: usize = 100;

/// A new account as typed.
#[derive(Debug, Clone, Default)]
pub struct Registration {
    /// Normalised to lower case.
    pub email: String,
    /// 8–1024 characters, not a common password.
    pub password: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    /// 1–120 characters.
    pub workspace_name: String,
    /// IANA time zone; default `UTC`.
    pub timezone: Option<String>,
    /// URL-safe; derived from the workspace name when absent.
    pub slug: Option<String>,
}

/// A session's first tokens: a signed access token (expiring after `expires_in` seconds) and
/// an opaque refresh token (only its SHA-256 is stored).
#[derive(Debug, Clone)]
pub struct Tokens {
    pub access_token: String,
    pub refresh_token: String,
    pub expires_in: i64,
}

/// A person signed in: who, to which workspace, their workspaces, and the session's tokens.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub user: User,
    pub tenant: Tenant,
    /// Every workspace the person belongs to (first 100), with their role there.
    pub tenants: Vec<MyTenant>,
    pub tokens: Tokens,
}

/// Creates the account and its workspace and signs the person in. Errors: validation of every
/// field; conflict `email_taken` or `slug_taken`.
pub async fn register(st: &AppState, req: &Registration) -> Result<SignedIn, ApiError> {
    let mut errs = ValidationErrors::default();
    let email = errs.check(Email::parse("email", &req.email));
    let password = errs.check(Password::new("password", &req.password));
    let first = req
        .first_name
        .as_deref()
        .map(|n| bounded_text("firstName", n, 1, PERSON_NAME_MAX))
        .transpose();
    let first = errs.check(first).flatten();
    let last = req
        .last_name
        .as_deref()
        .map(|n| bounded_text("lastName", n, 1, PERSON_NAME_MAX))
        .transpose();
    let last = errs.check(last).flatten();
    let name = errs.check(tenant::workspace_name("workspaceName", &req.workspace_name));
    let tz = errs.check(tenant::timezone(
        "timezone",
        req.timezone.as_deref().unwrap_or("UTC"),
    ));
    let slug = req
        .slug
        .as_deref()
        .map(|s| Slug::parse("slug", s))
        .transpose();
    let slug = errs.check(slug).flatten();
    errs.finish()?;
    let (Some(email), Some(password), Some(name), Some(tz)) = (email, password, name, tz) else {
        return Err(ApiError::Internal(
            "validation passed without values".into(),
        ));
    };
    let hash = st.hasher.hash(password.expose()).await?;
    let now = st.clock.now();
    let new_user = NewUser {
        email: email.as_str(),
        password_hash: &hash,
        first_name: first.as_deref(),
        last_name: last.as_deref(),
    };
    let new_tenant = NewTenant {
        name: &name,
        slug: slug.as_ref(),
        timezone: tz.name(),
    };
    // The user, the workspace, their audit rows and the first session commit together.
    let mut tx = st.db.begin_owner().await?;
    let (user, tenant) = provision::register_in(&mut tx, &new_user, &new_tenant, now).await?;
    tracing::Span::current().record("user_id", tracing::field::display(user.id));
    tracing::Span::current().record("tenant_id", tracing::field::display(tenant.id));
    let tokens = start_session(st, &mut tx, user.id, tenant.id, "OWNER", now).await?;
    tx.commit().await.map_err(DbError::from)?;
    let tenants = my_tenants(st, user.id).await?;
    Ok(SignedIn {
        user,
        tenant,
        tenants,
        tokens,
    })
}

/// Signs in with a password, to `tenant_id` or the person's first workspace. An unknown e-mail
/// and a wrong password get the same 401. At most 10 passwords are checked per e-mail per 15
/// minutes while failures are among them, reserved atomically before the hash is verified
/// (docs/architecture.md, "Sign-in lock-out"); past that, 429 `account_locked`.
pub async fn login(
    st: &AppState,
    email: &str,
    password: &str,
    tenant_id: Option<Uuid>,
) -> Result<SignedIn, ApiError> {
    let email = Email::parse("email", email).map_err(ApiError::field)?;
    let password_len = password.chars().count();
    if password_len == 0 || password_len > wisdomos_core::account::PASSWORD_MAX_CHARS {
        return Err(ApiError::InvalidCredentials);
    }
    let now = st.clock.now();
    let cfg = &st.config;
    let attempt = match login_attempts::reserve(
        st.db.app(),
        email.as_str(),
        now,
        cfg.lockout_window,
        cfg.lockout_failures,
    )
    .await?
    {
        Reservation::Granted(id) => id,
        Reservation::Locked(until) => {
            return Err(ApiError::Locked {
                retry_after_secs: (until - now).num_seconds().max(1),
            })
        }
    };
    let user = users::find_by_email(st.db.app(), email.as_str()).await?;
    let ok = st
        .hasher
        .verify(password, user.as_ref().map(|u| u.password_hash.as_str()))
        .await?;
    let user = match user {
        Some(u) if ok => u,
        other => {
            // The reservation stays as the failure; only the audit row is written.
            let ev = NewAuditEvent {
                actor_user_id: other.as_ref().map(|u| u.id),
                event_type: "auth.login_failed",
                target_type: Some("user"),
                target_id: other.as_ref().map(|u| u.id.to_string()),
                metadata: serde_json::json!({ "email": email.as_str() }),
                ..Default::default()
            };
            audit::append(st.db.app(), &ev, now).await?;
            return Err(ApiError::InvalidCredentials);
        }
    };
    tracing::Span::current().record("user_id", tracing::field::display(user.id));
    let page = memberships::tenants_of_user(st.db.app(), user.id, None, 100).await?;
    let chosen = match tenant_id {
        Some(id) => page
            .items
            .iter()
            .find(|m| m.tenant.id == id)
            .ok_or(ApiError::NotFound)?,
        None => page
            .items
            .first()
            .ok_or(ApiError::Conflict("no_workspace"))?,
    }
    .clone();
    // The attempt's outcome, the sign-in time, the session and the audit row commit together.
    let mut tx = st.db.begin_app().await?;
    login_attempts::succeeded(&mut tx, attempt, email.as_str(), now, cfg.lockout_window).await?;
    users::touch_login(&mut tx, user.id, now).await?;
    let ev = NewAuditEvent {
        tenant_id: Some(chosen.tenant.id),
        actor_user_id: Some(user.id),
        actor_role: Some(chosen.role.clone()),
        event_type: "auth.login",
        target_type: Some("user"),
        target_id: Some(user.id.to_string()),
        ..Default::default()
    };
    audit::record(&mut tx, &ev, now).await?;
    let tokens = start_session(st, &mut tx, user.id, chosen.tenant.id, &chosen.role, now).await?;
    tx.commit().await.map_err(DbError::from)?;
    let user = users::User {
        last_login_at: Some(now),
        ..user
    };
    Ok(SignedIn {
        user,
        tenant: chosen.tenant,
        tenants: page.items,
        tokens,
    })
}

/// Ends a sign-in: revokes every token of the family and audits `auth.logout` when any was
/// still live (ending an ended session again records nothing).
pub async fn end_session(
    st: &AppState,
    o: SessionOwner,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let mut tx = st.db.begin_app().await?;
    if sessions::revoke_family(&mut tx, o.family_id, now).await? > 0 {
        let ev = NewAuditEvent {
            tenant_id: Some(o.tenant_id),
            actor_user_id: Some(o.user_id),
            event_type: "auth.logout",
            target_type: Some("session"),
            target_id: Some(o.family_id.to_string()),
            ..Default::default()
        };
        audit::record(&mut tx, &ev, now).await?;
    }
    tx.commit().await.map_err(DbError::from)?;
    Ok(())
}

/// Moves the sign-in `from` to another tenant of the same user: the membership there is checked
/// (404 when there is none), the current family ends, a new one starts and
/// `auth.tenant_switched` is audited. Returns the new tenant's access and the new tokens.
pub async fn switch_session(
    st: &AppState,
    from: SessionOwner,
    to_tenant: Uuid,
    now: DateTime<Utc>,
) -> Result<(memberships::Access, Tokens), ApiError> {
    let access = memberships::authorize(st.db.app(), from.user_id, to_tenant, from.family_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let mut tx = st.db.begin_app().await?;
    sessions::revoke_family(&mut tx, from.family_id, now).await?;
    let tokens = start_session(
        st,
        &mut tx,
        from.user_id,
        access.tenant.id,
        &access.role,
        now,
    )
    .await?;
    let ev = NewAuditEvent {
        tenant_id: Some(access.tenant.id),
        actor_user_id: Some(from.user_id),
        actor_role: Some(access.role.clone()),
        event_type: "auth.tenant_switched",
        target_type: Some("tenant"),
        target_id: Some(access.tenant.id.to_string()),
        metadata: serde_json::json!({ "fromTenantId": from.tenant_id }),
    };
    audit::record(&mut tx, &ev, now).await?;
    tx.commit().await.map_err(DbError::from)?;
    Ok((access, tokens))
}

/// Starts a new session family inside `tx` and returns its first tokens.
pub async fn start_session(
    st: &AppState,
    tx: &mut PlatformTx,
    user_id: Uuid,
    tenant_id: Uuid,
    role: &str,
    now: DateTime<Utc>,
) -> Result<Tokens, ApiError> {
    let owner = SessionOwner {
        user_id,
        tenant_id,
        family_id: Uuid::new_v4(),
    };
    let refresh_token = new_refresh_token();
    sessions::start(
        tx,
        owner,
        &hash_refresh_token(&refresh_token),
        now,
        st.config.refresh_ttl,
    )
    .await?;
    let access_token = st
        .tokens
        .issue(user_id, tenant_id, owner.family_id, role, now)?;
    Ok(Tokens {
        access_token,
        refresh_token,
        expires_in: st.tokens.ttl_secs(),
    })
}

/// The user's tenants (first 100) with their roles.
pub async fn my_tenants(st: &AppState, user_id: Uuid) -> Result<Vec<MyTenant>, ApiError> {
    Ok(
        memberships::tenants_of_user(st.db.app(), user_id, None, 100)
            .await?
            .items,
    )
}
