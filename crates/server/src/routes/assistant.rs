//! `/tenants/{tenantId}/assistant`: the workspace's assistant profile (seed 002's brand voice,
//! elemental signature and personality). ADMIN and above.

use axum::extract::State;
use axum::Json;
use wisdomos_core::assistant::{AssistantProfile, ProfileInput};

use crate::extract::ManageAssistant;
use crate::json::ApiJson;
use crate::scoped::Scoped;
use crate::{ApiError, AppState};

/// The assistant's profile (the default until one is set).
#[utoipa::path(get, path = "/tenants/{tenantId}/assistant", tag = "assistant", security(("bearer" = [])), params(("tenantId" = Uuid, Path)),
    responses((status = 200, body = AssistantProfile), (status = 403, description = "forbidden"), (status = 404, description = "not_found")))]
pub async fn get(
    State(st): State<AppState>,
    scoped: Scoped<ManageAssistant>,
) -> Result<Json<AssistantProfile>, ApiError> {
    let (_ctx, mut tx) = scoped.open(&st).await?;
    let p = wisdomos_app::assistant::profile(&mut tx).await?;
    tx.commit().await?;
    Ok(Json(p))
}

/// Replaces the assistant's profile; an absent section takes the default's.
#[utoipa::path(put, path = "/tenants/{tenantId}/assistant", tag = "assistant", security(("bearer" = [])), params(("tenantId" = Uuid, Path)),
    request_body = ProfileInput,
    responses((status = 200, body = AssistantProfile), (status = 403, description = "forbidden"), (status = 422, description = "validation_failed")))]
pub async fn put(
    State(st): State<AppState>,
    scoped: Scoped<ManageAssistant>,
    ApiJson(req): ApiJson<ProfileInput>,
) -> Result<Json<AssistantProfile>, ApiError> {
    let (ctx, mut tx) = scoped.open(&st).await?;
    let ev = ctx.audit_event("assistant.profile_updated", serde_json::Value::Null);
    let p =
        wisdomos_app::assistant::set_profile(&mut tx, req, ctx.user_id, ev, st.clock.now()).await?;
    tx.commit().await?;
    Ok(Json(p))
}
