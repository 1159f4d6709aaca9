//! `/tenants`: my workspaces, another workspace, rename, suspend, resume, delete.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use utoipa::ToSchema;
use wisdomos_core::tenant::{self, Slug, TenantStatus};
use wisdomos_core::{FieldError, ValidationErrors};
use wisdomos_db::provision::{self, NewTenant};
use wisdomos_db::{memberships, tenants};

use super::dto::{MyTenantDto, TenantDto};
use crate::extract::{Lifecycle, SeeTenant, Session, TenantCtx, UpdateTenant};
use crate::json::ApiJson;
use crate::pagination::{PageQuery, Paginated};
use crate::{ApiError, AppState};

/// The caller's tenants with their role, oldest first, cursor-paginated.
#[utoipa::path(get, path = "/tenants", tag = "tenants", security(("bearer" = [])), params(PageQuery),
    responses((status = 200, body = Paginated<MyTenantDto>)))]
pub async fn list(
    State(st): State<AppState>,
    Session(c): Session,
    q: PageQuery,
) -> Result<Json<Paginated<MyTenantDto>>, ApiError> {
    let (limit, after) = q.parse()?;
    let page = memberships::tenants_of_user(st.db.app(), c.sub, after, limit).await?;
    Ok(Json(Paginated::from_page(
        page,
        |m| (m.tenant.created_at, m.tenant.id),
        Into::into,
    )))
}

/// `POST /tenants` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CreateTenantRequest {
    /// 1–120 characters.
    pub name: String,
    /// Derived from the name when absent.
    pub slug: Option<String>,
    /// IANA time zone; default `UTC`.
    pub timezone: Option<String>,
}

/// Creates another workspace owned by the caller.
#[utoipa::path(post, path = "/tenants", tag = "tenants", security(("bearer" = [])), request_body = CreateTenantRequest,
    responses((status = 201, body = TenantDto), (status = 409, description = "slug_taken"), (status = 422, description = "validation_failed")))]
pub async fn create(
    State(st): State<AppState>,
    Session(c): Session,
    ApiJson(req): ApiJson<CreateTenantRequest>,
) -> Result<(StatusCode, Json<TenantDto>), ApiError> {
    let mut errs = ValidationErrors::default();
    let name = errs.check(tenant::workspace_name("name", &req.name));
    let tz = errs.check(tenant::timezone(
        "timezone",
        req.timezone.as_deref().unwrap_or("UTC"),
    ));
    let slug = errs.optional(req.slug.as_deref().map(|s| Slug::parse("slug", s)));
    errs.finish()?;
    let (Some(name), Some(tz)) = (name, tz) else {
        return Err(ApiError::Internal(
            "validation passed without values".into(),
        ));
    };
    let new = NewTenant {
        name: &name,
        slug: slug.as_ref(),
        timezone: tz.name(),
    };
    let t = provision::create_tenant(&st.db, c.sub, &new, Some(c.sub), st.clock.now()).await?;
    Ok((StatusCode::CREATED, Json(t.into())))
}

/// One tenant the caller belongs to (any status but deleted).
#[utoipa::path(get, path = "/tenants/{tenantId}", tag = "tenants", security(("bearer" = [])), params(("tenantId" = Uuid, Path)),
    responses((status = 200, body = TenantDto), (status = 404, description = "not_found")))]
pub async fn get(ctx: TenantCtx<SeeTenant>) -> Json<TenantDto> {
    Json(ctx.tenant.into())
}

/// `PATCH /tenants/{tenantId}` body; absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct UpdateTenantRequest {
    pub name: Option<String>,
    pub timezone: Option<String>,
}

/// Renames the workspace or changes its time zone (ADMIN and above).
#[utoipa::path(patch, path = "/tenants/{tenantId}", tag = "tenants", security(("bearer" = [])), params(("tenantId" = Uuid, Path)),
    request_body = UpdateTenantRequest, responses((status = 200, body = TenantDto), (status = 422, description = "validation_failed")))]
pub async fn update(
    State(st): State<AppState>,
    ctx: TenantCtx<UpdateTenant>,
    ApiJson(req): ApiJson<UpdateTenantRequest>,
) -> Result<Json<TenantDto>, ApiError> {
    let ev = ctx.audit_event("tenant.updated", serde_json::Value::Null);
    let t = wisdomos_app::workspace::update(
        &st.db,
        ctx.tenant.id,
        req.name.as_deref(),
        req.timezone.as_deref(),
        ev,
        st.clock.now(),
    )
    .await?;
    Ok(Json(t.into()))
}

/// Suspends the workspace (OWNER): its data routes answer 403 `tenant_suspended` until resumed.
#[utoipa::path(post, path = "/tenants/{tenantId}/suspend", tag = "tenants", security(("bearer" = [])), params(("tenantId" = Uuid, Path)),
    responses((status = 200, body = TenantDto), (status = 403, description = "forbidden")))]
pub async fn suspend(
    State(st): State<AppState>,
    ctx: TenantCtx<Lifecycle>,
) -> Result<Json<TenantDto>, ApiError> {
    set_status(&st, &ctx, TenantStatus::Suspended).await
}

/// Resumes a suspended workspace (OWNER).
#[utoipa::path(post, path = "/tenants/{tenantId}/resume", tag = "tenants", security(("bearer" = [])), params(("tenantId" = Uuid, Path)),
    responses((status = 200, body = TenantDto), (status = 403, description = "forbidden")))]
pub async fn resume(
    State(st): State<AppState>,
    ctx: TenantCtx<Lifecycle>,
) -> Result<Json<TenantDto>, ApiError> {
    set_status(&st, &ctx, TenantStatus::Active).await
}

async fn set_status(
    st: &AppState,
    ctx: &TenantCtx<Lifecycle>,
    status: TenantStatus,
) -> Result<Json<TenantDto>, ApiError> {
    let ev = ctx.audit_event(
        "tenant.status_changed",
        serde_json::json!({ "previousStatus": ctx.tenant.status }),
    );
    Ok(Json(
        tenants::set_status(&st.db, ctx.tenant.id, status, ev, st.clock.now())
            .await?
            .into(),
    ))
}

/// `DELETE /tenants/{tenantId}` body: the slug, repeated as a confirmation.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct DeleteTenantRequest {
    pub slug: String,
}

/// Deletes the workspace (OWNER): drops its schema and role, so all its data is gone; its
/// audit rows stay. The body must repeat the slug.
#[utoipa::path(delete, path = "/tenants/{tenantId}", tag = "tenants", security(("bearer" = [])), params(("tenantId" = Uuid, Path)),
    request_body = DeleteTenantRequest, responses((status = 204, description = "Deleted"), (status = 422, description = "slug_mismatch")))]
pub async fn delete(
    State(st): State<AppState>,
    ctx: TenantCtx<Lifecycle>,
    ApiJson(req): ApiJson<DeleteTenantRequest>,
) -> Result<StatusCode, ApiError> {
    if req.slug != ctx.tenant.slug {
        return Err(ApiError::field(FieldError::new(
            "slug",
            "slug_mismatch",
            "slug must repeat the workspace's slug to confirm deletion",
        )));
    }
    let ev = ctx.audit_event(
        "tenant.deleted",
        serde_json::json!({ "slug": ctx.tenant.slug }),
    );
    provision::deprovision(&st.db, ctx.tenant.id, ev, st.clock.now()).await?;
    Ok(StatusCode::NO_CONTENT)
}
