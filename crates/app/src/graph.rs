//! The organisation's relationship graph as the console draws it (seed 003 `GET /graph`):
//! nodes with their community segment and engagement state, edges with type and confidence,
//! filtered and paged by node, the view audited.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use uuid::Uuid;
use wisdomos_core::participant::{LifecycleStage, RelationshipType};
use wisdomos_core::{FieldError, ValidationErrors};
use wisdomos_db::audit::{record_in_tenant, NewAuditEvent};
use wisdomos_db::participants::Participant;
use wisdomos_db::relationships::Relationship;
use wisdomos_db::TenantTx;

use crate::AppError;

/// Nodes in one page, at most.
pub const LIMIT_MAX: usize = 2000;

/// What a graph request asks for.
#[derive(Debug, Default, Clone)]
pub struct GraphQuery {
    /// Only members of this segment (any kind).
    pub segment: Option<Uuid>,
    pub lifecycle_stage: Option<String>,
    pub relationship_type: Option<String>,
    /// 1–2,000 nodes, default 500.
    pub limit: Option<usize>,
    /// Nodes after this participant id (the previous page's `next`).
    pub after: Option<Uuid>,
}

/// A node: the participant, its community segment, its degree in the whole graph.
#[derive(Debug, Clone)]
pub struct Node {
    pub participant: Participant,
    pub community: Option<Uuid>,
    pub degree: usize,
}

/// One page of the graph: its nodes, the edges between them, and where the next page starts.
#[derive(Debug, Clone)]
pub struct GraphPage {
    pub nodes: Vec<Node>,
    pub edges: Vec<Relationship>,
    pub next: Option<Uuid>,
    /// Nodes matching the filters in all pages.
    pub total: usize,
}

/// The page of the graph `q` asks for; the view is audited with `audit` (`graph.viewed`,
/// metadata the filters and the node count). Errors: validation of `lifecycleStage`,
/// `relationshipType`, `limit`.
pub async fn view(
    tx: &mut TenantTx,
    q: &GraphQuery,
    mut audit: NewAuditEvent,
    now: DateTime<Utc>,
) -> Result<GraphPage, AppError> {
    let mut errs = ValidationErrors::default();
    let stage = errs.optional(
        q.lifecycle_stage
            .as_deref()
            .map(|s| LifecycleStage::parse("lifecycleStage", s)),
    );
    let kind = errs.optional(
        q.relationship_type
            .as_deref()
            .map(|s| RelationshipType::parse("relationshipType", s)),
    );
    let limit = q.limit.unwrap_or(500);
    if !(1..=LIMIT_MAX).contains(&limit) {
        errs.0.push(FieldError::new(
            "limit",
            "out_of_range",
            format!("limit must be from 1 to {LIMIT_MAX}"),
        ));
    }
    errs.finish()?;
    if !wisdomos_db::segments::exist(tx).await? {
        crate::segments::recompute(tx, now).await?;
    }
    let filter = wisdomos_db::graph::PageFilter {
        stage: stage.map(LifecycleStage::as_str),
        segment: q.segment,
        kind: kind.map(RelationshipType::as_str),
        after: q.after,
        limit: limit as i64 + 1,
    };
    let (mut rows, total) = wisdomos_db::graph::page(tx, &filter).await?;
    let next = (rows.len() > limit).then(|| rows[limit - 1].participant.id);
    rows.truncate(limit);
    let shown: BTreeSet<Uuid> = rows.iter().map(|n| n.participant.id).collect();
    let ids: Vec<Uuid> = shown.iter().copied().collect();
    let community: BTreeMap<Uuid, Uuid> = wisdomos_db::graph::communities(tx, &ids)
        .await?
        .into_iter()
        .collect();
    let edges = wisdomos_db::graph::edges_within(tx, &ids, filter.kind).await?;
    let nodes: Vec<Node> = rows
        .into_iter()
        .map(|n| Node {
            community: community.get(&n.participant.id).copied(),
            degree: n.degree as usize,
            participant: n.participant,
        })
        .collect();
    let total = total as usize;
    audit.target_type = Some("graph");
    audit.target_id = None;
    audit.metadata = serde_json::json!({
        "segment": q.segment, "lifecycleStage": q.lifecycle_stage,
        "relationshipType": q.relationship_type, "nodes": nodes.len(),
    });
    record_in_tenant(tx, &audit, now).await?;
    Ok(GraphPage {
        nodes,
        edges,
        next,
        total,
    })
}
