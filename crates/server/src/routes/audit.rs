//! The audit trail: `GET /tenants/{tenantId}/audit-events` and seed 003's
//! `GET /orgs/{orgId}/audit-events` (ADMIN and above), filtered by actor, event type, target
//! and time.

use axum::extract::{Path, State};
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use wisdomos_db::audit;

use crate::extract::{parse_id, ReadAudit};
use crate::json::ApiQuery;
use crate::pagination::{PageQuery, Paginated};
use crate::scoped::Scoped;
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
    /// Its number in the tenant's hash chain (`wisdomos audit verify` checks every link).
    pub seq: i64,
    /// SHA-256 over the previous row's hash and this row, hex.
    pub hash: String,
}

/// Filters of the audit trail.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Only this actor's events.
    pub actor_user_id: Option<Uuid>,
    /// An event type, or a prefix ending in `*` (`participant.*`).
    pub event_type: Option<String>,
    pub target_type: Option<String>,
    pub target_id: Option<String>,
    /// createdAt ≥ from.
    pub from: Option<DateTime<Utc>>,
    /// createdAt < to.
    pub to: Option<DateTime<Utc>>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// The tenant's audit events, newest first, filtered, cursor-paginated. Read inside the tenant
/// transaction, where row-level security shows only this tenant's rows.
#[utoipa::path(get, path = "/tenants/{tenantId}/audit-events", tag = "tenants", security(("bearer" = [])),
    params(("tenantId" = Uuid, Path), AuditQuery),
    responses((status = 200, body = Paginated<AuditEventDto>), (status = 403, description = "forbidden"), (status = 404, description = "not_found")))]
pub async fn list(
    State(st): State<AppState>,
    scoped: Scoped<ReadAudit>,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> Result<Json<Paginated<AuditEventDto>>, ApiError> {
    trail(&st, &scoped, q, false).await
}

/// Seed 003's audit trail of the organisation (ADMIN and above), filtered by actor, event
/// type, target and time; the view is itself audited (`audit_events.viewed`).
#[utoipa::path(get, path = "/orgs/{orgId}/audit-events", tag = "console", security(("bearer" = [])),
    params(("orgId" = Uuid, Path), AuditQuery),
    responses((status = 200, body = Paginated<AuditEventDto>), (status = 403, description = "forbidden"), (status = 404, description = "not_found")))]
pub async fn org_list(
    State(st): State<AppState>,
    scoped: Scoped<ReadAudit>,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> Result<Json<Paginated<AuditEventDto>>, ApiError> {
    trail(&st, &scoped, q, true).await
}

/// One audit event of the organisation (ADMIN and above); the view is audited.
#[utoipa::path(get, path = "/orgs/{orgId}/audit-events/{eventId}", tag = "console", security(("bearer" = [])),
    params(("orgId" = Uuid, Path), ("eventId" = Uuid, Path)),
    responses((status = 200, body = AuditEventDto), (status = 403, description = "forbidden"), (status = 404, description = "not_found")))]
pub async fn org_get(
    State(st): State<AppState>,
    scoped: Scoped<ReadAudit>,
    Path((_, id)): Path<(String, String)>,
) -> Result<Json<AuditEventDto>, ApiError> {
    let id = parse_id(&id)?;
    let (ctx, mut tx) = scoped.open(&st).await?;
    let e = audit::get(&mut tx, id).await?;
    let mut ev = ctx.audit_event("audit_events.viewed", serde_json::Value::Null);
    ev.target_type = Some("audit_event");
    ev.target_id = Some(id.to_string());
    audit::record_in_tenant(&mut tx, &ev, st.clock.now()).await?;
    tx.commit().await?;
    Ok(Json(e.into()))
}

impl From<audit::AuditEvent> for AuditEventDto {
    fn from(e: audit::AuditEvent) -> Self {
        AuditEventDto {
            id: e.id,
            tenant_id: e.tenant_id,
            actor_user_id: e.actor_user_id,
            actor_role: e.actor_role,
            event_type: e.event_type,
            target_type: e.target_type,
            target_id: e.target_id,
            metadata: e.metadata,
            created_at: e.created_at,
            seq: e.seq,
            hash: e.hash,
        }
    }
}

async fn trail(
    st: &AppState,
    scoped: &Scoped<ReadAudit>,
    q: AuditQuery,
    audited: bool,
) -> Result<Json<Paginated<AuditEventDto>>, ApiError> {
    let (limit, before) = PageQuery {
        limit: q.limit,
        cursor: q.cursor,
    }
    .parse()?;
    let f = audit::Filter {
        actor_user_id: q.actor_user_id,
        event_type: q.event_type,
        target_type: q.target_type,
        target_id: q.target_id,
        from: q.from,
        to: q.to,
    };
    let (ctx, mut tx) = scoped.open(st).await?;
    let page = audit::list(&mut tx, &f, before, limit).await?;
    if audited {
        let ev = ctx.audit_event(
            "audit_events.viewed",
            serde_json::json!({ "eventType": f.event_type, "actor": f.actor_user_id, "targetId": f.target_id }),
        );
        audit::record_in_tenant(&mut tx, &ev, st.clock.now()).await?;
    }
    tx.commit().await?;
    Ok(Json(Paginated::from_page(
        page,
        |e| (e.created_at, e.id),
        Into::into,
    )))
}
