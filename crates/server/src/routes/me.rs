//! `GET /me`.

use axum::extract::State;
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;
use wisdomos_db::users;

use super::dto::{MyTenantDto, UserDto};
use crate::extract::Session;
use crate::{ApiError, AppState};

/// The signed-in user, the tenant of the token and every tenant they belong to.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MeResponse {
    pub user: UserDto,
    pub current_tenant_id: Uuid,
    pub tenants: Vec<MyTenantDto>,
}

/// Who am I.
#[utoipa::path(get, path = "/me", tag = "auth", security(("bearer" = [])), responses((status = 200, body = MeResponse), (status = 401, description = "unauthorized")))]
pub async fn me(
    State(st): State<AppState>,
    Session(c): Session,
) -> Result<Json<MeResponse>, ApiError> {
    let user = users::get(st.db.app(), c.sub).await?;
    Ok(Json(MeResponse {
        user: user.into(),
        current_tenant_id: c.tid,
        tenants: crate::auth::signin::my_tenants(&st, c.sub)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    }))
}

/// Body of `POST /me/password`.
#[derive(Debug, serde::Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ChangePasswordRequest {
    /// The password in use now.
    pub current_password: String,
    /// 8–1024 characters, not a common password.
    pub new_password: String,
}

/// What a password change did.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PasswordChanged {
    /// Other sessions (devices, browsers) that were signed out.
    pub sessions_ended: u64,
}

/// Change my password. Every other session of mine is signed out; this one stays.
#[utoipa::path(post, path = "/me/password", tag = "auth", security(("bearer" = [])), request_body = ChangePasswordRequest,
    responses((status = 200, body = PasswordChanged), (status = 401, description = "unauthorized"), (status = 422, description = "validation_failed: currentPassword wrong_password, or newPassword too short, too long or too common")))]
pub async fn change_password(
    State(st): State<AppState>,
    Session(c): Session,
    crate::json::ApiJson(req): crate::json::ApiJson<ChangePasswordRequest>,
) -> Result<Json<PasswordChanged>, ApiError> {
    let new = wisdomos_core::account::Password::new("newPassword", &req.new_password)
        .map_err(ApiError::field)?;
    let actor = wisdomos_app::account::Actor {
        user_id: c.sub,
        session_family: Some(c.sid),
    };
    let sessions_ended = wisdomos_app::account::change_password(
        &st.db,
        &st.hasher,
        actor,
        Some(&req.current_password),
        &new,
        st.clock.now(),
    )
    .await?;
    Ok(Json(PasswordChanged { sessions_ended }))
}

/// Body of `DELETE /me`.
#[derive(Debug, serde::Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct DeleteAccountRequest {
    /// The account's password, to confirm.
    pub password: String,
}

/// What deleting the account removed.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AccountDeleted {
    /// Workspaces that had no other member, deleted with their data.
    pub workspaces_deleted: Vec<Uuid>,
}

/// Delete my account: workspaces only I belong to are deleted with all their data, my other
/// memberships and every session end, and my e-mail and name are erased. Refused with 409
/// `last_owner` while I am the last OWNER of a workspace others share: hand it over (make
/// another member OWNER) or delete it first. Export first (`GET /export`) to keep a copy.
#[utoipa::path(delete, path = "/me", tag = "auth", security(("bearer" = [])), request_body = DeleteAccountRequest,
    responses((status = 200, body = AccountDeleted), (status = 401, description = "unauthorized"), (status = 409, description = "last_owner"), (status = 422, description = "validation_failed: password wrong_password")))]
pub async fn delete_account(
    State(st): State<AppState>,
    Session(c): Session,
    crate::json::ApiJson(req): crate::json::ApiJson<DeleteAccountRequest>,
) -> Result<Json<AccountDeleted>, ApiError> {
    let actor = wisdomos_app::account::Actor {
        user_id: c.sub,
        session_family: Some(c.sid),
    };
    let workspaces_deleted = wisdomos_app::account::delete(
        &st.db,
        &st.hasher,
        actor,
        Some(&req.password),
        st.clock.now(),
    )
    .await?;
    Ok(Json(AccountDeleted { workspaces_deleted }))
}
