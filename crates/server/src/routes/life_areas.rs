//! `/life-areas`: the tenant's 30 areas (read-only in this release).

use axum::extract::State;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;
use wisdomos_db::{life_areas, TenantTx};

use crate::extract::{Read, TenantCtx};
use crate::{ApiError, AppState};

/// A life area with its current score (0–100) and status band.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LifeAreaDto {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
    /// One of the six clusters, e.g. `INNER_PERSONAL`.
    pub cluster: String,
    pub sort_order: i32,
    pub is_active: bool,
    /// 0–100, one decimal.
    pub current_score: f64,
    /// `CRISIS` (< 20), `STRUGGLING` (< 40), `BALANCED` (< 70), `THRIVING` (< 90), `FLOURISHING`.
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// `GET /life-areas` answer.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LifeAreasResponse {
    pub life_areas: Vec<LifeAreaDto>,
}

/// Every life area of the token's tenant, by sort order.
#[utoipa::path(get, path = "/life-areas", tag = "life-areas", security(("bearer" = [])),
    responses((status = 200, body = LifeAreasResponse), (status = 401, description = "unauthorized"), (status = 403, description = "tenant_suspended")))]
pub async fn list(
    State(st): State<AppState>,
    ctx: TenantCtx<Read>,
) -> Result<Json<LifeAreasResponse>, ApiError> {
    let mut tx = TenantTx::begin(&st.db, &ctx.scope).await?;
    let areas = life_areas::list(&mut tx).await?;
    tx.commit().await?;
    Ok(Json(LifeAreasResponse {
        life_areas: areas
            .into_iter()
            .map(|a| LifeAreaDto {
                id: a.id,
                slug: a.slug,
                name: a.name,
                description: a.description,
                cluster: a.cluster,
                sort_order: a.sort_order,
                is_active: a.is_active,
                current_score: a.current_score,
                status: a.status,
                created_at: a.created_at,
                updated_at: a.updated_at,
            })
            .collect(),
    }))
}
