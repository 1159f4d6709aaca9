//! `GET /orgs/{orgId}/segments` (seed 003): the organisation's computed segments — communities
//! of the relationship graph, engagement and roles. Every view is audited.

use axum::extract::State;
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::extract::Read;
use crate::scoped::Scoped;
use crate::{ApiError, AppState};

/// One segment.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SegmentDto {
    /// Kept across recomputations while the membership mostly stays.
    pub id: Uuid,
    /// `community`, `engagement` or `role`.
    pub kind: String,
    /// "Community 2", "active", "coach"…
    pub name: String,
    pub size: usize,
    pub participant_ids: Vec<Uuid>,
}

/// Answer of `GET /orgs/{orgId}/segments`.
#[derive(Debug, Serialize, ToSchema)]
pub struct SegmentsDto {
    pub segments: Vec<SegmentDto>,
}

/// The organisation's segments (computed on first use, then by a job whenever the graph
/// changes and nightly).
#[utoipa::path(get, path = "/orgs/{orgId}/segments", tag = "console", security(("bearer" = [])), params(("orgId" = Uuid, Path)),
    responses((status = 200, body = SegmentsDto), (status = 404, description = "not_found")))]
pub async fn list(
    State(st): State<AppState>,
    scoped: Scoped<Read>,
) -> Result<Json<SegmentsDto>, ApiError> {
    let (ctx, mut tx) = scoped.open(&st).await?;
    let ev = ctx.audit_event("segments.viewed", serde_json::Value::Null);
    let segments = wisdomos_app::segments::view(&mut tx, ev, st.clock.now()).await?;
    tx.commit().await?;
    Ok(Json(SegmentsDto {
        segments: segments
            .into_iter()
            .map(|s| SegmentDto {
                id: s.id,
                kind: s.kind,
                name: s.name,
                size: s.participant_ids.len(),
                participant_ids: s.participant_ids,
            })
            .collect(),
    }))
}
