//! Extractors for identity, tenant and role. A handler that names `TenantCtx<Write>` can only
//! run for a live session of a member whose role allows writing in a tenant that is not
//! suspended; everything else is answered before the handler runs.

use std::marker::PhantomData;

use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use uuid::Uuid;
use wisdomos_core::role::{Permission, Role};
use wisdomos_core::tenant::TenantStatus;
use wisdomos_db::memberships::{self, Access};
use wisdomos_db::migrate;
use wisdomos_db::tenants::Tenant;
use wisdomos_db::TenantScope;

use crate::auth::token::Claims;
use crate::{ApiError, AppState};

/// A verified access token (signature, audience, issuer, type, expiry). Does not check the
/// session is still live; [`Session`] and [`TenantCtx`] do.
#[derive(Debug, Clone)]
pub struct AuthUser(pub Claims);

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let header = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .ok_or(ApiError::Unauthorized)?;
        let token = header
            .strip_prefix("Bearer ")
            .or_else(|| header.strip_prefix("bearer "))
            .ok_or(ApiError::Unauthorized)?;
        let claims = state
            .tokens
            .verify(token.trim(), state.clock.now())
            .ok_or(ApiError::Unauthorized)?;
        tracing::Span::current().record("user_id", tracing::field::display(claims.sub));
        Ok(AuthUser(claims))
    }
}

impl axum::extract::OptionalFromRequestParts<AppState> for AuthUser {
    type Rejection = ApiError;

    /// `None` when there is no valid access token (logout also accepts a refresh token alone).
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Option<Self>, Self::Rejection> {
        Ok(
            <AuthUser as FromRequestParts<AppState>>::from_request_parts(parts, state)
                .await
                .ok(),
        )
    }
}

/// An access token whose session family is still live (not logged out, not revoked).
#[derive(Debug, Clone)]
pub struct Session(pub Claims);

impl FromRequestParts<AppState> for Session {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let AuthUser(claims) = AuthUser::from_request_parts(parts, state).await?;
        if memberships::session_live(state.db.app(), claims.sub, claims.sid).await? {
            Ok(Session(claims))
        } else {
            Err(ApiError::Unauthorized)
        }
    }
}

/// What a route needs of the caller's role, as a type.
pub trait Need: Send + Sync + 'static {
    /// The permission checked against the role matrix.
    const PERMISSION: Permission;
    /// Whether the route works while the tenant is suspended.
    const WHEN_SUSPENDED: bool = false;
}

macro_rules! need {
    ($(#[$doc:meta])* $name:ident, $perm:expr, $suspended:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy)]
        pub struct $name;
        impl Need for $name {
            const PERMISSION: Permission = $perm;
            const WHEN_SUSPENDED: bool = $suspended;
        }
    };
}

/// A path id that is not a UUID names nothing: 404 like any unknown id (both front ends).
pub fn parse_id(raw: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(raw).map_err(|_| ApiError::NotFound)
}

need!(/// Read tenant data (every role).
    Read, Permission::ReadData, false);
need!(/// Write tenant data (MEMBER and above).
    Write, Permission::WriteData, false);
need!(/// List members (every role).
    ListMembers, Permission::ListMembers, false);
need!(/// Manage members (ADMIN and above).
    ManageMembers, Permission::ManageMembers, false);
need!(/// Rename the tenant or change its time zone (ADMIN and above).
    UpdateTenant, Permission::UpdateTenant, false);
need!(/// Read the audit log (ADMIN and above), also while suspended.
    ReadAudit, Permission::ReadAudit, true);
need!(/// Suspend, resume or delete (OWNER), also while suspended.
    Lifecycle, Permission::ManageLifecycle, true);
need!(/// Run the tenant's due jobs now (ADMIN and above).
    RunJobs, Permission::RunJobs, false);
need!(/// Add, change and delete knowledge documents (ADMIN and above).
    ManageKnowledge, Permission::ManageKnowledge, false);
need!(/// Set the assistant's profile and manage API keys (ADMIN and above).
    ManageAssistant, Permission::ManageAssistant, false);
need!(/// Change the operator console's participants, relationships and interventions (ADMIN
    /// and above).
    ManageConsole, Permission::ManageConsole, false);
need!(/// See the tenant exists (every role), also while suspended.
    SeeTenant, Permission::ReadData, true);

/// The tenant of a request and the caller's standing in it. The tenant is the `{tenantId}` (or
/// seed 003's `{orgId}`) path parameter when the route has one, else the access token's `tid`;
/// never the body.
pub struct TenantCtx<N: Need> {
    pub user_id: Uuid,
    pub role: Role,
    pub tenant: Tenant,
    pub scope: TenantScope,
    _need: PhantomData<N>,
}

impl<N: Need> FromRequestParts<AppState> for TenantCtx<N> {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let AuthUser(claims) = AuthUser::from_request_parts(parts, state).await?;
        let from_path = path_tenant(parts, state).await?;
        let tenant_id = from_path.unwrap_or(claims.tid);
        Self::authorize(
            state,
            claims.sub,
            tenant_id,
            claims.sid,
            from_path.is_some(),
        )
        .await
    }
}

/// The answer to a caller found not to be a member: 404 for a tenant the path named when their
/// session is live (the tenant's existence is not revealed), else 401. An error looking the
/// session up is that error.
pub(crate) async fn refusal(state: &AppState, user_id: Uuid, sid: Uuid, named: bool) -> ApiError {
    match memberships::session_live(state.db.app(), user_id, sid).await {
        Ok(true) if named => ApiError::NotFound,
        Ok(_) => ApiError::Unauthorized,
        Err(e) => e.into(),
    }
}

/// The `{tenantId}` (or seed 003's `{orgId}`) of the route's path, when it has one; a malformed
/// id is as unknown as a missing one (404).
pub(crate) async fn path_tenant(
    parts: &mut Parts,
    state: &AppState,
) -> Result<Option<Uuid>, ApiError> {
    let Ok(params) = RawPathParams::from_request_parts(parts, state).await else {
        return Ok(None);
    };
    params
        .iter()
        .find(|(k, _)| *k == "tenantId" || *k == "orgId")
        .map(|(_, v)| Uuid::parse_str(v).map_err(|_| ApiError::NotFound))
        .transpose()
}

impl<N: Need> TenantCtx<N> {
    /// An audit event of an action by this caller on their tenant (target the tenant itself;
    /// callers retarget it for a member or another object). `metadata` never holds secrets.
    pub fn audit_event(
        &self,
        event_type: &'static str,
        metadata: serde_json::Value,
    ) -> wisdomos_db::audit::NewAuditEvent {
        wisdomos_db::audit::NewAuditEvent {
            tenant_id: Some(self.tenant.id),
            actor_user_id: Some(self.user_id),
            actor_role: Some(self.role.as_str().to_owned()),
            event_type,
            target_type: Some("tenant"),
            target_id: Some(self.tenant.id.to_string()),
            metadata,
        }
    }

    /// The caller's standing in `tenant_id` for session family `sid`: 401 when the session is
    /// not live, 404 (`named` tenants, i.e. from a path) or 401 when the user is not a member,
    /// 403 when the role lacks `N`'s permission or the tenant is suspended. Migrates a lagging
    /// tenant first.
    pub async fn authorize(
        state: &AppState,
        user_id: Uuid,
        tenant_id: Uuid,
        sid: Uuid,
        named: bool,
    ) -> Result<Self, ApiError> {
        let Some(access) = memberships::authorize(state.db.app(), user_id, tenant_id, sid).await?
        else {
            return Err(refusal(state, user_id, sid, named).await);
        };
        let ctx = Self::admitted(access)?;
        ctx.migrate_if_lagging(state).await?;
        Ok(ctx)
    }

    /// Migrates the tenant when its schema is behind this binary's migrations: `serve` does so
    /// in the background, and a request that gets there first migrates its own tenant
    /// (idempotent under the tenant's row lock). Returns whether it was behind.
    pub(crate) async fn migrate_if_lagging(&self, state: &AppState) -> Result<bool, ApiError> {
        if !self.lagging() {
            return Ok(false);
        }
        migrate::migrate_tenant(state.db.owner(), self.tenant.id, migrate::TENANT).await?;
        Ok(true)
    }

    /// The caller's standing from a membership found: 403 when the role lacks `N`'s permission
    /// or the tenant's status refuses `N`.
    pub(crate) fn admitted(access: Access) -> Result<Self, ApiError> {
        let Access {
            user_id,
            role,
            tenant,
            scope,
        } = access;
        tracing::Span::current().record("tenant_id", tracing::field::display(tenant.id));
        let role = Role::parse(&role)
            .ok_or_else(|| ApiError::Internal(format!("unknown stored role {role}")))?;
        let ctx = TenantCtx {
            user_id,
            role,
            tenant,
            scope,
            _need: PhantomData,
        };
        ctx.check()?;
        Ok(ctx)
    }

    /// Whether the tenant's schema is behind the shipped tenant migrations.
    pub(crate) fn lagging(&self) -> bool {
        self.tenant.schema_version < migrate::target_version(migrate::TENANT)
    }

    /// 403 unless the role has `N`'s permission and the tenant's status allows `N`.
    fn check(&self) -> Result<(), ApiError> {
        if self.tenant.status == TenantStatus::Suspended.as_str() && !N::WHEN_SUSPENDED {
            return Err(ApiError::TenantSuspended);
        }
        if !self.role.can(N::PERMISSION) {
            return Err(ApiError::Forbidden);
        }
        Ok(())
    }

    /// The same standing, checked for another need `M` (a page that reads and writes).
    pub fn to<M: Need>(&self) -> Result<TenantCtx<M>, ApiError> {
        let ctx = TenantCtx {
            user_id: self.user_id,
            role: self.role,
            tenant: self.tenant.clone(),
            scope: self.scope.clone(),
            _need: PhantomData,
        };
        ctx.check()?;
        Ok(ctx)
    }

    /// Whether the caller's role also has `M`'s permission here (to show or hide controls).
    pub fn allows<M: Need>(&self) -> bool {
        self.to::<M>().is_ok()
    }
}

/// A live session of a platform operator (`users.platform_admin`, granted only by
/// `wisdomos admin grant EMAIL`): 401 without a live session, 403 for everyone else.
#[derive(Debug, Clone)]
pub struct PlatformAdmin(pub Claims);

impl FromRequestParts<AppState> for PlatformAdmin {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Session(claims) = Session::from_request_parts(parts, state).await?;
        if wisdomos_db::plans::is_platform_admin(state.db.app(), claims.sub).await? {
            Ok(PlatformAdmin(claims))
        } else {
            Err(ApiError::Forbidden)
        }
    }
}

/// A live API key of a live workspace (`Authorization: Bearer wos_…`, see
/// `wisdomos_app::api_keys`): 401 for a missing, unknown or revoked key, 403 while the
/// workspace is suspended. Reaches only that workspace's assistant.
pub struct ApiKeyCtx {
    pub key_id: Uuid,
    pub tenant: Tenant,
    pub scope: TenantScope,
}

impl FromRequestParts<AppState> for ApiKeyCtx {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let key = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|h| {
                h.strip_prefix("Bearer ")
                    .or_else(|| h.strip_prefix("bearer "))
            })
            .ok_or(ApiError::Unauthorized)?;
        let (key_id, tenant_id) =
            wisdomos_app::api_keys::authenticate(&state.db, key.trim(), state.clock.now())
                .await?
                .ok_or(ApiError::Unauthorized)?;
        let tenant = wisdomos_db::tenants::get(state.db.app(), tenant_id).await?;
        if tenant.status == TenantStatus::Suspended.as_str() {
            return Err(ApiError::TenantSuspended);
        }
        if tenant.schema_version < migrate::target_version(migrate::TENANT) {
            migrate::migrate_tenant(state.db.owner(), tenant.id, migrate::TENANT).await?;
        }
        tracing::Span::current().record("tenant_id", tracing::field::display(tenant.id));
        let scope = wisdomos_db::tenants::operator_scope(&tenant);
        Ok(ApiKeyCtx {
            key_id,
            tenant,
            scope,
        })
    }
}
