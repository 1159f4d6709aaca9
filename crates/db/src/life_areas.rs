//! Life areas of a tenant (tenant schema), reached only through a [`TenantTx`].

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::{DbError, TenantTx};

/// A stored life area (seed 001 `LifeArea`). `cluster` and `status` hold the upper-case enum
/// names of `wisdomos_core::life_area`; `current_score` is 0–100.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LifeArea {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
    pub cluster: String,
    pub sort_order: i32,
    pub is_active: bool,
    pub current_score: f64,
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Every life area of the tenant, by `sort_order` then slug.
pub async fn list(tx: &mut TenantTx) -> Result<Vec<LifeArea>, DbError> {
    Ok(sqlx::query_as(
        "SELECT id, slug, name, description, cluster, sort_order, is_active, current_score, status, created_at, updated_at
         FROM life_areas ORDER BY sort_order, slug",
    )
    .fetch_all(tx.conn())
    .await?)
}
