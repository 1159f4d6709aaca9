//! `/auth`: register, login, refresh, logout, switch-tenant (seed 001 §IV).

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use wisdomos_core::account::{Email, Password};
use wisdomos_core::tenant::{self, Slug};
use wisdomos_core::validation::bounded_text;
use wisdomos_core::ValidationErrors;
use wisdomos_db::audit::{self, NewAuditEvent};
use wisdomos_db::login_attempts::{self, Reservation};
use wisdomos_db::memberships;
use wisdomos_db::provision::{self, NewTenant};
use wisdomos_db::sessions::{self, Rotation, SessionOwner};
use wisdomos_db::users::{self, NewUser};
use wisdomos_db::{DbError, PlatformTx};

use super::dto::{MyTenantDto, TenantDto, TokensDto, UserDto};
use crate::auth::token::{hash_refresh_token, new_refresh_token};
use crate::extract::{AuthUser, Session};
use crate::json::ApiJson;
use crate::{ApiError, AppState};

/// Longest first or last name, in characters.
const PERSON_NAME_MAX: usize = 100;

/// `POST /auth/register` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RegisterRequest {
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
    /// URL-safe slug; derived from the workspace name when absent.
    pub slug: Option<String>,
}

/// Answer of register, login and switch-tenant.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuthResponse {
    pub user: UserDto,
    /// The tenant the tokens are for.
    pub tenant: TenantDto,
    /// Every tenant the user belongs to.
    pub tenants: Vec<MyTenantDto>,
    pub tokens: TokensDto,
}

/// Creates the user and a provisioned workspace (30 life areas, OWNER membership) in one
/// transaction and signs them in.
#[utoipa::path(post, path = "/auth/register", tag = "auth", request_body = RegisterRequest,
    responses((status = 201, body = AuthResponse), (status = 409, description = "email_taken or slug_taken"), (status = 422, description = "validation_failed")))]
pub async fn register(
    State(st): State<AppState>,
    ApiJson(req): ApiJson<RegisterRequest>,
) -> Result<(StatusCode, Json<AuthResponse>), ApiError> {
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
    let tokens = start_session(&st, &mut tx, user.id, tenant.id, "OWNER", now).await?;
    tx.commit().await.map_err(DbError::from)?;
    let tenants = my_tenants(&st, user.id).await?;
    Ok((
        StatusCode::CREATED,
        Json(AuthResponse {
            user: user.into(),
            tenant: tenant.into(),
            tenants,
            tokens,
        }),
    ))
}

/// `POST /auth/login` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
    /// Tenant to sign in to; default the user's first.
    pub tenant_id: Option<Uuid>,
}

/// Signs in. An unknown e-mail and a wrong password get the same 401. At most 10 passwords are
/// checked per e-mail per 15 minutes while failures are among them, reserved atomically before
/// the hash is verified (docs/architecture.md, "Sign-in lock-out"); past that, 429
/// `account_locked` with `Retry-After` until the window passes.
#[utoipa::path(post, path = "/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = AuthResponse), (status = 401, description = "invalid_credentials"), (status = 429, description = "account_locked or rate_limited")))]
pub async fn login(
    State(st): State<AppState>,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<Json<AuthResponse>, ApiError> {
    let email = Email::parse("email", &req.email).map_err(ApiError::field)?;
    let password_len = req.password.chars().count();
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
        .verify(
            &req.password,
            user.as_ref().map(|u| u.password_hash.as_str()),
        )
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
    let chosen = match req.tenant_id {
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
    let tokens = start_session(&st, &mut tx, user.id, chosen.tenant.id, &chosen.role, now).await?;
    tx.commit().await.map_err(DbError::from)?;
    let user = users::User {
        last_login_at: Some(now),
        ..user
    };
    Ok(Json(AuthResponse {
        user: user.into(),
        tenant: chosen.tenant.into(),
        tenants: page.items.into_iter().map(Into::into).collect(),
        tokens,
    }))
}

/// `POST /auth/refresh` and `POST /auth/logout` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RefreshRequest {
    pub refresh_token: String,
}

/// Exchanges a refresh token for new tokens. Presenting a token that was already exchanged
/// revokes its whole family (every token of that sign-in) and is audited.
#[utoipa::path(post, path = "/auth/refresh", tag = "auth", request_body = RefreshRequest,
    responses((status = 200, body = TokensDto), (status = 401, description = "invalid_refresh_token")))]
pub async fn refresh(
    State(st): State<AppState>,
    ApiJson(req): ApiJson<RefreshRequest>,
) -> Result<Json<TokensDto>, ApiError> {
    if req.refresh_token.len() > 256 {
        return Err(ApiError::InvalidRefreshToken);
    }
    let now = st.clock.now();
    let new_token = new_refresh_token();
    let rotation = sessions::rotate(
        st.db.app(),
        &hash_refresh_token(&req.refresh_token),
        &hash_refresh_token(&new_token),
        now,
        st.config.refresh_ttl,
    )
    .await?;
    let Rotation::Rotated(owner) = rotation else {
        return Err(ApiError::InvalidRefreshToken);
    };
    let access =
        memberships::authorize(st.db.app(), owner.user_id, owner.tenant_id, owner.family_id)
            .await?
            .ok_or(ApiError::InvalidRefreshToken)?;
    let access_token = st.tokens.issue(
        owner.user_id,
        owner.tenant_id,
        owner.family_id,
        &access.role,
        now,
    )?;
    Ok(Json(TokensDto {
        access_token,
        refresh_token: new_token,
        token_type: "Bearer",
        expires_in: st.tokens.ttl_secs(),
    }))
}

/// `POST /auth/logout` body: the refresh token, and/or a bearer access token.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct LogoutRequest {
    pub refresh_token: Option<String>,
}

/// Ends the session: every token of the sign-in (refresh and access) stops working. Takes the
/// bearer access token, the refresh token in the body, or both.
#[utoipa::path(post, path = "/auth/logout", tag = "auth", request_body = LogoutRequest,
    responses((status = 204, description = "Signed out"), (status = 401, description = "unauthorized")))]
pub async fn logout(
    State(st): State<AppState>,
    auth: Option<AuthUser>,
    body: axum::body::Bytes,
) -> Result<StatusCode, ApiError> {
    let body: LogoutRequest = if body.iter().all(u8::is_ascii_whitespace) {
        LogoutRequest::default()
    } else {
        crate::json::parse(&body)?
    };
    let now = st.clock.now();
    let mut owners: Vec<SessionOwner> = Vec::new();
    if let Some(AuthUser(c)) = auth {
        owners.push(SessionOwner {
            user_id: c.sub,
            tenant_id: c.tid,
            family_id: c.sid,
        });
    }
    if let Some(token) = body.refresh_token {
        if let Some(owner) =
            sessions::owner_of_token(st.db.app(), &hash_refresh_token(&token)).await?
        {
            owners.push(owner);
        }
    }
    if owners.is_empty() {
        return Err(ApiError::Unauthorized);
    }
    for o in owners {
        end_session(&st, o, now).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

/// Ends a sign-in: revokes every token of the family and audits `auth.logout` when any was
/// still live (ending an ended session again records nothing).
pub(crate) async fn end_session(
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

/// `POST /auth/switch-tenant` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SwitchTenantRequest {
    pub tenant_id: Uuid,
}

/// Issues tokens for another tenant the caller belongs to and ends the current session.
/// A tenant the caller does not belong to answers 404.
#[utoipa::path(post, path = "/auth/switch-tenant", tag = "auth", request_body = SwitchTenantRequest, security(("bearer" = [])),
    responses((status = 200, body = AuthResponse), (status = 404, description = "not_found")))]
pub async fn switch_tenant(
    State(st): State<AppState>,
    Session(c): Session,
    ApiJson(req): ApiJson<SwitchTenantRequest>,
) -> Result<Json<AuthResponse>, ApiError> {
    let from = SessionOwner {
        user_id: c.sub,
        tenant_id: c.tid,
        family_id: c.sid,
    };
    let (access, tokens) = switch_session(&st, from, req.tenant_id, st.clock.now()).await?;
    let user = users::get(st.db.app(), c.sub).await?;
    Ok(Json(AuthResponse {
        user: user.into(),
        tenant: access.tenant.into(),
        tenants: my_tenants(&st, c.sub).await?,
        tokens,
    }))
}

/// Moves the sign-in `from` to another tenant of the same user: the membership there is checked
/// (404 when there is none), the current family ends, a new one starts and
/// `auth.tenant_switched` is audited. Returns the new tenant's access and the new tokens.
pub(crate) async fn switch_session(
    st: &AppState,
    from: SessionOwner,
    to_tenant: Uuid,
    now: DateTime<Utc>,
) -> Result<(memberships::Access, TokensDto), ApiError> {
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
pub(crate) async fn start_session(
    st: &AppState,
    tx: &mut PlatformTx,
    user_id: Uuid,
    tenant_id: Uuid,
    role: &str,
    now: DateTime<Utc>,
) -> Result<TokensDto, ApiError> {
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
    Ok(TokensDto {
        access_token,
        refresh_token,
        token_type: "Bearer",
        expires_in: st.tokens.ttl_secs(),
    })
}

/// The user's tenants (first 100) with their roles.
pub(crate) async fn my_tenants(st: &AppState, user_id: Uuid) -> Result<Vec<MyTenantDto>, ApiError> {
    Ok(
        memberships::tenants_of_user(st.db.app(), user_id, None, 100)
            .await?
            .items
            .into_iter()
            .map(Into::into)
            .collect(),
    )
}
