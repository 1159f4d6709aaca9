//! `/auth`: register, login, refresh, logout, switch-tenant (seed 001 §IV).

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use wisdomos_db::memberships;
use wisdomos_db::sessions::{self, Rotation, SessionOwner};
use wisdomos_db::users;

use super::dto::{MyTenantDto, TenantDto, TokensDto, UserDto};
use crate::auth::signin::{self, Registration, SignedIn};
use crate::auth::token::{hash_refresh_token, new_refresh_token};
use crate::extract::{AuthUser, Session};
use crate::json::ApiJson;
use crate::{ApiError, AppState};

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
    let r = Registration {
        email: req.email,
        password: req.password,
        first_name: req.first_name,
        last_name: req.last_name,
        workspace_name: req.workspace_name,
        timezone: req.timezone,
        slug: req.slug,
    };
    let signed = signin::register(&st, &r).await?;
    Ok((StatusCode::CREATED, Json(signed.into())))
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
    let signed = signin::login(&st, &req.email, &req.password, req.tenant_id).await?;
    Ok(Json(signed.into()))
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
        signin::end_session(&st, o, now).await?;
    }
    Ok(StatusCode::NO_CONTENT)
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
    let (access, tokens) = signin::switch_session(&st, from, req.tenant_id, st.clock.now()).await?;
    let user = users::get(st.db.app(), c.sub).await?;
    Ok(Json(AuthResponse {
        user: user.into(),
        tenant: access.tenant.into(),
        tenants: signin::my_tenants(&st, c.sub)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
        tokens: tokens.into(),
    }))
}

impl From<signin::Tokens> for TokensDto {
    fn from(t: signin::Tokens) -> Self {
        Self {
            access_token: t.access_token,
            refresh_token: t.refresh_token,
            token_type: "Bearer",
            expires_in: t.expires_in,
        }
    }
}

impl From<SignedIn> for AuthResponse {
    fn from(s: SignedIn) -> Self {
        Self {
            user: s.user.into(),
            tenant: s.tenant.into(),
            tenants: s.tenants.into_iter().map(Into::into).collect(),
            tokens: s.tokens.into(),
        }
    }
}
