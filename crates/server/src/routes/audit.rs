//! `GET /tenants/{tenantId}/audit-events` (ADMIN and above).

use axum::extract::State;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;
use wisdomos_db::{audit, TenantTx};

use crate::extract::{ReadAudit, TenantCtx};
use crate::pagination::{PageQuery, Paginated};
use crate::{ApiError, AppState};

/// One audit event (seed 003 §6).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuditEventDto {
    pub id: Uuid,
    pub tenant_id: Option<Uuid>,
    pub actor_user_id: Option<Uuid>,
    pub actor_role: Option<String>,
    /// e.g. `auth.login`, `membership.added`, `tenant.suspended` (docs/audit.md).
    pub event_type: String,
    pub target_type: Option<String>,
    pub target_id: Option<String>,
    pub metadata: serde_json::Value,
    pub created_at: DateTime<Utc>,
}

/// The tenant's audit events, newest first, cursor-paginated. Read inside the tenant
/// transaction, where row-level security shows only this tenant's rows.
#[utoipa::path(get, path = "/tenants/{tenantId}/audit-events", tag = "tenants", security(("bearer" = [])),
    params(("tenantId" = Uuid, Path), PageQuery),
    responses((status = 200, body = Paginated<AuditEventDto>), (status = 403, description = "forbidden"), (status = 404, description = "not_found")))]
pub async fn list(
    State(st): State<AppState>,
    ctx: TenantCtx<ReadAudit>,
    q: PageQuery,
) -> Result<Json<Paginated<AuditEventDto>>, ApiError> {
    let (limit, before) = q.parse()?;
    let mut tx = TenantTx::begin(&st.db, &ctx.scope).await?;
    let page = audit::list(&mut tx, before, limit).await?;
    tx.commit().await?;
    Ok(Json(Paginated::from_page(
        page,
        |e| (e.created_at, e.id),
        |e| AuditEventDto {
            id: e.id,
            tenant_id: e.tenant_id,
            actor_user_id: e.actor_user_id,
            actor_role: e.actor_role,
            event_type: e.event_type,
            target_type: e.target_type,
            target_id: e.target_id,
            metadata: e.metadata,
            created_at: e.created_at,
        },
    )))
}
