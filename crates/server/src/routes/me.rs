//! `GET /me`.

use axum::extract::State;
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;
use wisdomos_db::users;

use super::auth::my_tenants;
use super::dto::{MyTenantDto, UserDto};
use crate::extract::Session;
use crate::{ApiError, AppState};

/// The signed-in user, the tenant of the token and every tenant they belong to.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MeResponse {
    pub user: UserDto,
    pub current_tenant_id: Uuid,
    pub tenants: Vec<MyTenantDto>,
}

/// Who am I.
#[utoipa::path(get, path = "/me", tag = "auth", security(("bearer" = [])), responses((status = 200, body = MeResponse), (status = 401, description = "unauthorized")))]
pub async fn me(
    State(st): State<AppState>,
    Session(c): Session,
) -> Result<Json<MeResponse>, ApiError> {
    let user = users::get(st.db.app(), c.sub).await?;
    Ok(Json(MeResponse {
        user: user.into(),
        current_tenant_id: c.tid,
        tenants: my_tenants(&st, c.sub).await?,
    }))
}
