//! `/tenants/{tenantId}/api-keys`: keys with which a client's own site calls the workspace's
//! assistant (`POST /api/tenant/{slug}/oracle`). ADMIN and above; a key is shown once.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use wisdomos_db::api_keys::ApiKey;

use crate::extract::{parse_id, ManageAssistant};
use crate::json::ApiJson;
use crate::scoped::Scoped;
use crate::{ApiError, AppState};

/// An API key as listed (never the key itself).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApiKeyDto {
    pub id: Uuid,
    pub name: String,
    /// The key's first 10 characters, to tell keys apart.
    pub prefix: String,
    pub created_by_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl From<ApiKey> for ApiKeyDto {
    fn from(k: ApiKey) -> Self {
        ApiKeyDto {
            id: k.id,
            name: k.name,
            prefix: k.prefix,
            created_by_id: k.created_by_id,
            created_at: k.created_at,
            last_used_at: k.last_used_at,
            revoked_at: k.revoked_at,
        }
    }
}

/// A new key, with the key itself: shown this once, then only its prefix.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreatedApiKey {
    #[serde(flatten)]
    pub key: ApiKeyDto,
    /// `wos_` and 43 characters; send it as `Authorization: Bearer <key>`.
    pub secret: String,
}

/// Body of `POST …/api-keys`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateApiKeyRequest {
    /// 1–100 characters, e.g. "Website".
    pub name: String,
}

/// The workspace's API keys, newest first, revoked ones included.
#[utoipa::path(get, path = "/tenants/{tenantId}/api-keys", tag = "assistant", security(("bearer" = [])), params(("tenantId" = Uuid, Path)),
    responses((status = 200, body = [ApiKeyDto]), (status = 403, description = "forbidden")))]
pub async fn list(
    State(st): State<AppState>,
    scoped: Scoped<ManageAssistant>,
) -> Result<Json<Vec<ApiKeyDto>>, ApiError> {
    let (_ctx, mut tx) = scoped.open(&st).await?;
    let keys = wisdomos_app::api_keys::list(&mut tx).await?;
    tx.commit().await?;
    Ok(Json(keys.into_iter().map(Into::into).collect()))
}

/// Creates a key; the answer holds the key, which is never shown again.
#[utoipa::path(post, path = "/tenants/{tenantId}/api-keys", tag = "assistant", security(("bearer" = [])), params(("tenantId" = Uuid, Path)),
    request_body = CreateApiKeyRequest,
    responses((status = 201, body = CreatedApiKey), (status = 409, description = "too_many_keys"), (status = 422, description = "validation_failed")))]
pub async fn create(
    State(st): State<AppState>,
    scoped: Scoped<ManageAssistant>,
    ApiJson(req): ApiJson<CreateApiKeyRequest>,
) -> Result<(StatusCode, Json<CreatedApiKey>), ApiError> {
    let (ctx, mut tx) = scoped.open(&st).await?;
    let ev = ctx.audit_event("api_key.created", serde_json::Value::Null);
    let (key, secret) =
        wisdomos_app::api_keys::create(&mut tx, &req.name, ctx.user_id, ev, st.clock.now()).await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedApiKey {
            key: key.into(),
            secret,
        }),
    ))
}

/// Revokes a key: it answers 401 from then on.
#[utoipa::path(delete, path = "/tenants/{tenantId}/api-keys/{keyId}", tag = "assistant", security(("bearer" = [])),
    params(("tenantId" = Uuid, Path), ("keyId" = Uuid, Path)),
    responses((status = 204, description = "Revoked"), (status = 404, description = "not_found")))]
pub async fn revoke(
    State(st): State<AppState>,
    scoped: Scoped<ManageAssistant>,
    Path((_, key_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let id = parse_id(&key_id)?;
    let (ctx, mut tx) = scoped.open(&st).await?;
    let ev = ctx.audit_event("api_key.revoked", serde_json::Value::Null);
    wisdomos_app::api_keys::revoke(&mut tx, id, ev, st.clock.now()).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
