//! Settings › Sharing: the invitations an organisation sent to my e-mail to share my
//! workspace's Phoenix Fulfillment summary, and the shares I granted — granted from the
//! workspace I am in (one I administer), revoked or declined at once.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use uuid::Uuid;
use wisdomos_app::shares::{self as app, Consent};
use wisdomos_core::role::Permission;
use wisdomos_db::users;

use super::console_log::refused;
use super::error::{render, WebError};
use super::session::{CsrfForm, Nav, NoFields, Web};
use super::{flash, view};
use crate::extract::Read;
use crate::{ApiError, AppState};

/// A share as listed.
pub struct ShareRow {
    pub id: Uuid,
    pub organisation: String,
    /// invited, live or revoked.
    pub status: &'static str,
    pub when: String,
}

#[derive(Template)]
#[template(path = "sharing.html")]
struct SharingPage {
    nav: Option<Nav>,
    workspace: String,
    can_grant: bool,
    rows: Vec<ShareRow>,
}

/// `GET /settings/sharing`.
pub async fn page(State(st): State<AppState>, web: Web<Read>) -> Result<Response, WebError> {
    let tz = view::zone(&web.ctx.tenant.timezone);
    let me = users::get(st.db.app(), web.user.owner.user_id)
        .await
        .map_err(ApiError::from)?;
    let rows = app::of_person(&st.db, me.id, &me.email).await?;
    render(&SharingPage {
        workspace: web.ctx.tenant.name.clone(),
        can_grant: web.ctx.role.can(Permission::UpdateTenant),
        rows: rows
            .into_iter()
            .map(|o| {
                let s = o.share;
                let (status, at) = match (s.granted_at, s.revoked_at) {
                    (_, Some(r)) => ("revoked", r),
                    (Some(g), None) => ("live", g),
                    (None, None) => ("invited", s.invited_at),
                };
                ShareRow {
                    id: s.id,
                    organisation: o.org_name,
                    status,
                    when: view::date_time(at, tz),
                }
            })
            .collect(),
        nav: Some(web.nav),
    })
}

/// `POST /settings/sharing/{id}/{grant|revoke}`: grant from the current workspace (ADMIN and
/// above there), or revoke.
pub async fn decide(
    State(st): State<AppState>,
    headers: HeaderMap,
    web: Web<Read>,
    Path((id, what)): Path<(String, String)>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response, WebError> {
    let id = view::parse_id(&id)?;
    let consent = match what.as_str() {
        "grant" => {
            let ctx = web.ctx.to::<crate::extract::UpdateTenant>()?;
            Consent::Grant(ctx.tenant.id)
        }
        "revoke" => Consent::Revoke,
        _ => return Err(ApiError::NotFound.into()),
    };
    let me = users::get(st.db.app(), web.user.owner.user_id)
        .await
        .map_err(ApiError::from)?;
    match app::decide(&st.db, id, me.id, &me.email, consent, st.clock.now()).await {
        Ok(s) => {
            let msg = if s.revoked_at.is_some() {
                "Ended: they no longer see anything of this workspace."
            } else {
                "Shared: they now see this workspace's summary (scores, trend and pattern titles, never your entries)."
            };
            Ok(flash::redirect(&headers, "/settings/sharing", msg))
        }
        Err(e) => refused(&headers, "/settings/sharing", e),
    }
}
