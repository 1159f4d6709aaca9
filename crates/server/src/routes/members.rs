//! `/tenants/{tenantId}/members`: list, add, change role, remove.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use wisdomos_core::role::{Permission, Role};
use wisdomos_db::memberships::{self, Member};

use crate::extract::{ListMembers, ManageMembers, Read, TenantCtx};
use crate::json::ApiJson;
use crate::pagination::{PageQuery, Paginated};
use crate::{ApiError, AppState};

/// A member of a tenant.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MemberDto {
    pub user_id: Uuid,
    pub email: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub role: Role,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl TryFrom<Member> for MemberDto {
    type Error = ApiError;
    fn try_from(m: Member) -> Result<Self, ApiError> {
        let role = Role::parse(&m.role)
            .ok_or_else(|| ApiError::Internal(format!("unknown stored role {}", m.role)))?;
        Ok(Self {
            user_id: m.user_id,
            email: m.email,
            first_name: m.first_name,
            last_name: m.last_name,
            role,
            created_at: m.created_at,
            updated_at: m.updated_at,
        })
    }
}

/// Members in the order they joined, cursor-paginated (every role).
#[utoipa::path(get, path = "/tenants/{tenantId}/members", tag = "tenants", security(("bearer" = [])), params(("tenantId" = Uuid, Path), PageQuery),
    responses((status = 200, body = Paginated<MemberDto>), (status = 404, description = "not_found")))]
pub async fn list(
    State(st): State<AppState>,
    ctx: TenantCtx<ListMembers>,
    q: PageQuery,
) -> Result<Json<Paginated<MemberDto>>, ApiError> {
    let (limit, after) = q.parse()?;
    let page = memberships::list(st.db.app(), &ctx.scope, after, limit).await?;
    let next = Paginated::from_page(page, |m| (m.created_at, m.user_id), |m| m);
    let items = next
        .items
        .into_iter()
        .map(MemberDto::try_from)
        .collect::<Result<_, _>>()?;
    Ok(Json(Paginated {
        items,
        next_cursor: next.next_cursor,
    }))
}

/// `POST /tenants/{tenantId}/members` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AddMemberRequest {
    /// E-mail of an existing user.
    pub email: String,
    pub role: Role,
}

/// Adds an existing user by e-mail (ADMIN and above; only an OWNER may add an OWNER).
#[utoipa::path(post, path = "/tenants/{tenantId}/members", tag = "tenants", security(("bearer" = [])), params(("tenantId" = Uuid, Path)),
    request_body = AddMemberRequest,
    responses((status = 201, body = MemberDto), (status = 404, description = "no user with that e-mail"), (status = 409, description = "already_member")))]
pub async fn add(
    State(st): State<AppState>,
    ctx: TenantCtx<ManageMembers>,
    ApiJson(req): ApiJson<AddMemberRequest>,
) -> Result<(StatusCode, Json<MemberDto>), ApiError> {
    let ev = ctx.audit_event("membership.added", serde_json::Value::Null);
    let m = wisdomos_app::members::add(
        &st.db,
        &ctx.scope,
        ctx.role,
        &req.email,
        req.role,
        ev,
        st.clock.now(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(m.try_into()?)))
}

/// `PATCH /tenants/{tenantId}/members/{userId}` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ChangeRoleRequest {
    pub role: Role,
}

/// Changes a member's role (ADMIN and above; OWNER memberships only by an OWNER). The last
/// OWNER cannot be demoted (409 `last_owner`).
#[utoipa::path(patch, path = "/tenants/{tenantId}/members/{userId}", tag = "tenants", security(("bearer" = [])),
    params(("tenantId" = Uuid, Path), ("userId" = Uuid, Path)), request_body = ChangeRoleRequest,
    responses((status = 200, body = MemberDto), (status = 409, description = "last_owner")))]
pub async fn change_role(
    State(st): State<AppState>,
    ctx: TenantCtx<ManageMembers>,
    Path((_, user_id)): Path<(String, String)>,
    ApiJson(req): ApiJson<ChangeRoleRequest>,
) -> Result<Json<MemberDto>, ApiError> {
    let user_id = Uuid::parse_str(&user_id).map_err(|_| ApiError::NotFound)?;
    let ev = ctx.audit_event("membership.role_changed", serde_json::Value::Null);
    let m = wisdomos_app::members::change_role(
        &st.db,
        &ctx.scope,
        ctx.role,
        user_id,
        req.role,
        ev,
        st.clock.now(),
    )
    .await?;
    m.try_into().map(Json)
}

/// Removes a member (ADMIN and above, or any member removing themself). The last OWNER cannot
/// be removed (409 `last_owner`).
#[utoipa::path(delete, path = "/tenants/{tenantId}/members/{userId}", tag = "tenants", security(("bearer" = [])),
    params(("tenantId" = Uuid, Path), ("userId" = Uuid, Path)),
    responses((status = 204, description = "Removed"), (status = 409, description = "last_owner")))]
pub async fn remove(
    State(st): State<AppState>,
    ctx: TenantCtx<Read>,
    Path((_, user_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let user_id = Uuid::parse_str(&user_id).map_err(|_| ApiError::NotFound)?;
    let actor = ctx.role;
    let leaving = user_id == ctx.user_id;
    if !leaving && !actor.can(Permission::ManageMembers) {
        return Err(ApiError::Forbidden);
    }
    let mut ev = ctx.audit_event("membership.removed", serde_json::Value::Null);
    ev.target_type = Some("user");
    let allowed =
        |current: &str| leaving || Role::parse(current).is_some_and(|r| actor.may_manage(r));
    memberships::change(
        &st.db,
        &ctx.scope,
        user_id,
        None,
        allowed,
        ev,
        st.clock.now(),
    )
    .await?;
    // Their dashboard layout goes with them.
    let mut tx = wisdomos_db::TenantTx::begin(&st.db, &ctx.scope).await?;
    wisdomos_db::widgets::delete_for_user(&mut tx, user_id).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
