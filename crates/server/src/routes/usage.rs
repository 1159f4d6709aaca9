//! `GET /tenants/{tenantId}/usage`: the assistant's use this month against the plan (seed 002
//! `tenant_usage`). ADMIN and above.

use axum::extract::State;
use axum::Json;
use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;
use wisdomos_core::plan::Limits;

use crate::extract::ManageAssistant;
use crate::scoped::Scoped;
use crate::{ApiError, AppState};

/// One day of the month.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UsageDay {
    pub date: NaiveDate,
    pub conversations: i64,
    pub messages: i64,
}

/// This month's usage, in the workspace's time zone.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UsageDto {
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub plan_tier: String,
    pub limits: Limits,
    pub conversations: i32,
    pub messages: i32,
    pub tokens_used: i64,
    /// Bytes of the knowledge base's documents.
    pub knowledge_bytes: i64,
    /// The month so far, day by day.
    pub days: Vec<UsageDay>,
}

/// The workspace's usage this month against its plan.
#[utoipa::path(get, path = "/tenants/{tenantId}/usage", tag = "assistant", security(("bearer" = [])), params(("tenantId" = Uuid, Path)),
    responses((status = 200, body = UsageDto), (status = 403, description = "forbidden")))]
pub async fn get(
    State(st): State<AppState>,
    scoped: Scoped<ManageAssistant>,
) -> Result<Json<UsageDto>, ApiError> {
    let (ctx, mut tx) = scoped.open(&st).await?;
    let plan = wisdomos_db::plans::get(st.db.app(), ctx.tenant.id).await?;
    let tz = ctx.tenant.timezone.parse().unwrap_or(chrono_tz::UTC);
    let r = wisdomos_app::usage::report(&mut tx, tz, st.clock.now()).await?;
    tx.commit().await?;
    Ok(Json(UsageDto {
        period_start: r.period_start,
        period_end: r.period_end,
        plan_tier: plan.plan_tier,
        limits: Limits {
            conversations_per_month: plan.conversations_per_month,
            knowledge_bytes: plan.knowledge_bytes,
        },
        conversations: r.conversations,
        messages: r.messages,
        tokens_used: r.tokens_used,
        knowledge_bytes: r.knowledge_bytes,
        days: r
            .days
            .into_iter()
            .map(|d| UsageDay {
                date: d.date,
                conversations: d.conversations,
                messages: d.messages,
            })
            .collect(),
    }))
}
