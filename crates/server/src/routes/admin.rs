//! `/api/admin/tenants` (seed 002's admin routes): platform operators create workspaces for
//! clients and set their plans (tier, limits, features, trial, custom domain). Only users
//! marked platform admin on the command line reach them.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use wisdomos_app::platform::{self, NewWorkspace, PlanInput};
use wisdomos_core::assistant::{BrandVoiceInput, PersonalityInput, ProfileInput, SignatureInput};
use wisdomos_core::plan::{Limits, LimitsInput};
use wisdomos_db::plans::Managed;

use crate::extract::{parse_id, PlatformAdmin};
use crate::json::ApiJson;
use crate::pagination::{PageQuery, Paginated};
use crate::{ApiError, AppState};

/// A workspace as platform operators see it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ManagedTenantDto {
    pub id: Uuid,
    pub name: String,
    pub slug: String,
    /// `ACTIVE` or `SUSPENDED`.
    pub status: String,
    pub timezone: String,
    pub owner_id: Uuid,
    pub owner_email: String,
    pub members: i64,
    /// `free`, `starter`, `professional` or `enterprise`.
    pub plan_tier: String,
    pub limits: Limits,
    pub features: Vec<String>,
    pub trial_ends_at: Option<DateTime<Utc>>,
    pub domain: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Managed> for ManagedTenantDto {
    fn from(m: Managed) -> Self {
        ManagedTenantDto {
            id: m.tenant.id,
            name: m.tenant.name,
            slug: m.tenant.slug,
            status: m.tenant.status,
            timezone: m.tenant.timezone,
            owner_id: m.tenant.owner_id,
            owner_email: m.owner_email,
            members: m.members,
            plan_tier: m.plan.plan_tier,
            limits: Limits {
                conversations_per_month: m.plan.conversations_per_month,
                knowledge_bytes: m.plan.knowledge_bytes,
            },
            features: m.plan.features,
            trial_ends_at: m.plan.trial_ends_at,
            domain: m.plan.domain,
            created_at: m.tenant.created_at,
            updated_at: m.tenant.updated_at,
        }
    }
}

/// Body of `POST /api/admin/tenants` (seed 002's example is one).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CreateManagedTenant {
    /// 1–120 characters.
    pub name: String,
    /// Derived from the name when absent.
    pub slug: Option<String>,
    /// IANA time zone; default `UTC`.
    pub timezone: Option<String>,
    /// A registered person who becomes OWNER; the operator when absent.
    pub owner_email: Option<String>,
    /// Host name the assistant answers on, e.g. `maia.acmelegal.com`.
    pub domain: Option<String>,
    /// Default `free`.
    pub plan_tier: Option<String>,
    /// The tier's when absent; a field `null` is unlimited.
    #[serde(default)]
    pub limits: LimitsInput,
    /// The tier's when absent.
    pub features: Option<Vec<String>>,
    pub trial_ends_at: Option<DateTime<Utc>>,
    pub brand_voice: Option<BrandVoiceInput>,
    pub elemental_signature: Option<SignatureInput>,
    pub maia_personality: Option<PersonalityInput>,
}

/// Body of `PUT /api/admin/tenants/{id}`: absent fields stay; a new tier resets limits and
/// features to the tier's unless they are given too.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct UpdateManagedTenant {
    pub plan_tier: Option<String>,
    #[serde(default)]
    pub limits: LimitsInput,
    pub features: Option<Vec<String>>,
    /// `null` ends no trial.
    #[serde(default, deserialize_with = "crate::json::double_option")]
    #[schema(value_type = Option<DateTime<Utc>>)]
    pub trial_ends_at: Option<Option<DateTime<Utc>>>,
    /// `null` removes the custom domain.
    #[serde(default, deserialize_with = "crate::json::double_option")]
    #[schema(value_type = Option<String>)]
    pub domain: Option<Option<String>>,
}

/// Every live workspace, oldest first, cursor-paginated.
#[utoipa::path(get, path = "/admin/tenants", tag = "admin", security(("bearer" = [])), params(PageQuery),
    responses((status = 200, body = Paginated<ManagedTenantDto>), (status = 403, description = "forbidden")))]
pub async fn list(
    State(st): State<AppState>,
    _admin: PlatformAdmin,
    q: PageQuery,
) -> Result<Json<Paginated<ManagedTenantDto>>, ApiError> {
    let (limit, after) = q.parse()?;
    let page = wisdomos_db::plans::list(st.db.app(), after, limit).await?;
    Ok(Json(Paginated::from_page(
        page,
        |m| (m.tenant.created_at, m.tenant.id),
        Into::into,
    )))
}

/// Creates a workspace for a client with its plan, domain and assistant profile.
#[utoipa::path(post, path = "/admin/tenants", tag = "admin", security(("bearer" = [])), request_body = CreateManagedTenant,
    responses((status = 201, body = ManagedTenantDto), (status = 403, description = "forbidden"),
        (status = 409, description = "slug_taken, domain_taken"), (status = 422, description = "validation_failed")))]
pub async fn create(
    State(st): State<AppState>,
    PlatformAdmin(admin): PlatformAdmin,
    ApiJson(req): ApiJson<CreateManagedTenant>,
) -> Result<(StatusCode, Json<ManagedTenantDto>), ApiError> {
    let profile = (req.brand_voice.is_some()
        || req.elemental_signature.is_some()
        || req.maia_personality.is_some())
    .then_some(ProfileInput {
        brand_voice: req.brand_voice,
        elemental_signature: req.elemental_signature,
        maia_personality: req.maia_personality,
    });
    let w = NewWorkspace {
        name: req.name,
        slug: req.slug,
        timezone: req.timezone,
        owner_email: req.owner_email,
        plan: PlanInput {
            plan_tier: req.plan_tier,
            limits: req.limits,
            features: req.features,
            trial_ends_at: req.trial_ends_at.map(Some),
            domain: req.domain.map(Some),
        },
        profile,
    };
    let m = platform::create_workspace(&st.db, admin.sub, w, st.clock.now()).await?;
    Ok((StatusCode::CREATED, Json(m.into())))
}

/// One live workspace.
#[utoipa::path(get, path = "/admin/tenants/{id}", tag = "admin", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = ManagedTenantDto), (status = 404, description = "not_found")))]
pub async fn get(
    State(st): State<AppState>,
    _admin: PlatformAdmin,
    Path(id): Path<String>,
) -> Result<Json<ManagedTenantDto>, ApiError> {
    let id = parse_id(&id)?;
    Ok(Json(
        wisdomos_db::plans::managed(st.db.app(), id).await?.into(),
    ))
}

/// Changes a workspace's plan, limits, features, trial end or domain.
#[utoipa::path(put, path = "/admin/tenants/{id}", tag = "admin", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = UpdateManagedTenant,
    responses((status = 200, body = ManagedTenantDto), (status = 404, description = "not_found"),
        (status = 409, description = "domain_taken"), (status = 422, description = "validation_failed")))]
pub async fn update(
    State(st): State<AppState>,
    PlatformAdmin(admin): PlatformAdmin,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<UpdateManagedTenant>,
) -> Result<Json<ManagedTenantDto>, ApiError> {
    let id = parse_id(&id)?;
    let input = PlanInput {
        plan_tier: req.plan_tier,
        limits: req.limits,
        features: req.features,
        trial_ends_at: req.trial_ends_at,
        domain: req.domain,
    };
    let m = platform::update_plan(&st.db, admin.sub, id, &input, st.clock.now()).await?;
    Ok(Json(m.into()))
}
