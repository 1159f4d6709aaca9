//! Coach and client: an organisation invites a participant to share their workspace's summary
//! (`POST /orgs/{orgId}/participants/{participantId}/share-invitation`, ADMIN and above); the
//! person sees their invitations and shares (`GET /me/shares`), grants one from a workspace
//! they administer (`POST /me/shares/{shareId}/grant`) and revokes it at once
//! (`POST /me/shares/{shareId}/revoke`). Both sides are audited.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use wisdomos_app::shares::{self as app, Consent};
use wisdomos_db::shares::Share;
use wisdomos_db::users;

use crate::extract::{parse_id, ManageConsole, Session, TenantCtx, UpdateTenant};
use crate::json::ApiJson;
use crate::scoped::Scoped;
use crate::{ApiError, AppState};

/// A share: invited (no `grantedAt`), live, or ended (`revokedAt`).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ShareDto {
    pub id: Uuid,
    /// invited, live or revoked.
    pub status: &'static str,
    pub organisation_id: Uuid,
    /// The organisation's name (in `GET /me/shares`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organisation_name: Option<String>,
    pub participant_id: Uuid,
    pub email: String,
    pub invited_at: DateTime<Utc>,
    /// The workspace shared, once granted.
    pub workspace_id: Option<Uuid>,
    pub granted_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// The DTO of `s`, with the organisation's name when known.
pub fn share_dto(s: Share, org_name: Option<String>) -> ShareDto {
    ShareDto {
        status: if s.revoked_at.is_some() {
            "revoked"
        } else if s.granted_at.is_some() {
            "live"
        } else {
            "invited"
        },
        id: s.id,
        organisation_id: s.org_tenant_id,
        organisation_name: org_name,
        participant_id: s.participant_id,
        email: s.email,
        invited_at: s.invited_at,
        workspace_id: s.sharer_tenant_id,
        granted_at: s.granted_at,
        revoked_at: s.revoked_at,
    }
}

/// Invites a participant, by their e-mail, to share their workspace's summary.
#[utoipa::path(post, path = "/orgs/{orgId}/participants/{participantId}/share-invitation", tag = "console", security(("bearer" = [])),
    params(("orgId" = Uuid, Path), ("participantId" = Uuid, Path)),
    responses((status = 201, body = ShareDto), (status = 404, description = "not_found"), (status = 409, description = "share_exists"),
        (status = 422, description = "validation_failed (the participant has no e-mail)")))]
pub async fn invite(
    State(st): State<AppState>,
    scoped: Scoped<ManageConsole>,
    Path((_, id)): Path<(String, String)>,
) -> Result<(StatusCode, Json<ShareDto>), ApiError> {
    let id = parse_id(&id)?;
    let (ctx, mut tx) = scoped.open(&st).await?;
    let ev = ctx.audit_event("share.invited", serde_json::Value::Null);
    let s = app::invite(&mut tx, id, ev, st.clock.now()).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(share_dto(s, None))))
}

/// Answer of `GET /me/shares`.
#[derive(Debug, Serialize, ToSchema)]
pub struct SharesDto {
    pub items: Vec<ShareDto>,
}

/// My invitations to share and the shares I granted, newest first.
#[utoipa::path(get, path = "/me/shares", tag = "auth", security(("bearer" = [])), responses((status = 200, body = SharesDto)))]
pub async fn mine(
    State(st): State<AppState>,
    Session(c): Session,
) -> Result<Json<SharesDto>, ApiError> {
    let user = users::get(st.db.app(), c.sub).await?;
    let rows = app::of_person(&st.db, c.sub, &user.email).await?;
    Ok(Json(SharesDto {
        items: rows
            .into_iter()
            .map(|o| share_dto(o.share, Some(o.org_name)))
            .collect(),
    }))
}

/// Body of `POST /me/shares/{shareId}/grant`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GrantRequest {
    /// The workspace whose summary to share; one I administer (ADMIN and above).
    pub tenant_id: Uuid,
}

/// Grants an invitation sent to my e-mail, sharing a workspace I administer.
#[utoipa::path(post, path = "/me/shares/{shareId}/grant", tag = "auth", security(("bearer" = [])), params(("shareId" = Uuid, Path)),
    request_body = GrantRequest, responses((status = 200, body = ShareDto), (status = 403, description = "forbidden"), (status = 404, description = "not_found")))]
pub async fn grant(
    State(st): State<AppState>,
    Session(c): Session,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<GrantRequest>,
) -> Result<Json<ShareDto>, ApiError> {
    let id = parse_id(&id)?;
    // A workspace I administer, and not suspended.
    TenantCtx::<UpdateTenant>::authorize(&st, c.sub, req.tenant_id, c.sid, true).await?;
    let user = users::get(st.db.app(), c.sub).await?;
    let s = app::decide(
        &st.db,
        id,
        c.sub,
        &user.email,
        Consent::Grant(req.tenant_id),
        st.clock.now(),
    )
    .await?;
    Ok(Json(share_dto(s, None)))
}

/// Revokes a share I granted (the organisation loses the summary at once), or declines an
/// invitation.
#[utoipa::path(post, path = "/me/shares/{shareId}/revoke", tag = "auth", security(("bearer" = [])), params(("shareId" = Uuid, Path)),
    responses((status = 200, body = ShareDto), (status = 404, description = "not_found")))]
pub async fn revoke(
    State(st): State<AppState>,
    Session(c): Session,
    Path(id): Path<String>,
) -> Result<Json<ShareDto>, ApiError> {
    let id = parse_id(&id)?;
    let user = users::get(st.db.app(), c.sub).await?;
    let s = app::decide(
        &st.db,
        id,
        c.sub,
        &user.email,
        Consent::Revoke,
        st.clock.now(),
    )
    .await?;
    Ok(Json(share_dto(s, None)))
}
