//! `GET /orgs/{orgId}/graph` (seed 003): the relationship graph for the console, nodes with
//! their community segment and engagement state, edges with type and confidence; filters and a
//! node cap with paging. Every view is audited.

use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use wisdomos_app::graph::{self as app, GraphQuery};

use super::participants::RelationshipDto;
use crate::extract::Read;
use crate::json::ApiQuery;
use crate::scoped::Scoped;
use crate::{ApiError, AppState};

/// Filters and paging of `GET /orgs/{orgId}/graph`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct GraphParams {
    /// Only members of this segment.
    pub segment: Option<Uuid>,
    /// invited, onboarding, active, paused or alumni.
    pub lifecycle_stage: Option<String>,
    /// Only edges of this type (peer, mentor, coach, collaborator, introduced, family).
    pub relationship_type: Option<String>,
    /// Nodes per page, 1–2,000 (default 500).
    pub limit: Option<usize>,
    /// The previous page's `next`.
    pub after: Option<Uuid>,
}

/// A node of the graph.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NodeDto {
    pub id: Uuid,
    pub display_name: String,
    pub role: String,
    pub lifecycle_stage: String,
    pub engagement_state: String,
    /// The participant's community segment, if any.
    pub segment_id: Option<Uuid>,
    /// Relationships in the whole graph (of the filtered type).
    pub degree: usize,
    pub is_system: bool,
}

/// One page of the graph.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct GraphDto {
    pub nodes: Vec<NodeDto>,
    /// The relationships between this page's nodes.
    pub edges: Vec<RelationshipDto>,
    /// Pass as `after` for the next page; `null` on the last.
    pub next: Option<Uuid>,
    /// Nodes matching the filters, all pages together.
    pub total: usize,
}

/// The organisation's graph (every role; audited `graph.viewed`).
#[utoipa::path(get, path = "/orgs/{orgId}/graph", tag = "console", security(("bearer" = [])), params(("orgId" = Uuid, Path), GraphParams),
    responses((status = 200, body = GraphDto), (status = 404, description = "not_found"), (status = 422, description = "validation_failed")))]
pub async fn get(
    State(st): State<AppState>,
    scoped: Scoped<Read>,
    ApiQuery(p): ApiQuery<GraphParams>,
) -> Result<Json<GraphDto>, ApiError> {
    let q = GraphQuery {
        segment: p.segment,
        lifecycle_stage: p.lifecycle_stage,
        relationship_type: p.relationship_type,
        limit: p.limit,
        after: p.after,
    };
    let (ctx, mut tx) = scoped.open(&st).await?;
    let ev = ctx.audit_event("graph.viewed", serde_json::Value::Null);
    let g = app::view(&mut tx, &q, ev, st.clock.now()).await?;
    tx.commit().await?;
    Ok(Json(GraphDto {
        nodes: g
            .nodes
            .into_iter()
            .map(|n| NodeDto {
                id: n.participant.id,
                display_name: n.participant.display_name,
                role: n.participant.role,
                lifecycle_stage: n.participant.lifecycle_stage,
                engagement_state: n.participant.engagement_state,
                segment_id: n.community,
                degree: n.degree,
                is_system: n.participant.is_system,
            })
            .collect(),
        edges: g.edges.into_iter().map(Into::into).collect(),
        next: g.next,
        total: g.total,
    }))
}
