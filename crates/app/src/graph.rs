//! The organisation's relationship graph as the console draws it (seed 003 `GET /graph`):
//! nodes with their community segment and engagement state, edges with type and confidence,
//! filtered and paged by node, the view audited.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use uuid::Uuid;
use wisdomos_core::participant::{LifecycleStage, RelationshipType};
use wisdomos_core::{FieldError, ValidationErrors};
use wisdomos_db::audit::{record_in_tenant, NewAuditEvent};
use wisdomos_db::participants::{self, Participant};
use wisdomos_db::relationships::{self, Relationship};
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
    let segs = crate::segments::current(tx, now).await?;
    let community: BTreeMap<Uuid, Uuid> = segs
        .iter()
        .filter(|s| s.kind == "community")
        .flat_map(|s| s.participant_ids.iter().map(move |p| (*p, s.id)))
        .collect();
    // An unknown segment matches nobody.
    let only: Option<BTreeSet<Uuid>> = q.segment.map(|id| {
        segs.iter()
            .find(|s| s.id == id)
            .map(|s| s.participant_ids.iter().copied().collect())
            .unwrap_or_default()
    });
    let edges: Vec<Relationship> = relationships::all(tx)
        .await?
        .into_iter()
        .filter(|r| kind.is_none_or(|k| r.kind == k.as_str()))
        .collect();
    let mut degree: BTreeMap<Uuid, usize> = BTreeMap::new();
    for r in &edges {
        *degree.entry(r.from_participant_id).or_default() += 1;
        *degree.entry(r.to_participant_id).or_default() += 1;
    }
    let mut matching: Vec<Participant> = participants::all(tx)
        .await?
        .into_iter()
        .filter(|p| p.archived_at.is_none())
        .filter(|p| stage.is_none_or(|s| p.lifecycle_stage == s.as_str()))
        .filter(|p| only.as_ref().is_none_or(|o| o.contains(&p.id)))
        .collect();
    matching.sort_by_key(|p| p.id);
    let total = matching.len();
    let start = q
        .after
        .map_or(0, |a| matching.partition_point(|p| p.id <= a));
    let page: Vec<Participant> = matching.into_iter().skip(start).take(limit + 1).collect();
    let next = (page.len() > limit).then(|| page[limit - 1].id);
    let nodes: Vec<Node> = page
        .into_iter()
        .take(limit)
        .map(|p| Node {
            community: community.get(&p.id).copied(),
            degree: degree.get(&p.id).copied().unwrap_or(0),
            participant: p,
        })
        .collect();
    let shown: BTreeSet<Uuid> = nodes.iter().map(|n| n.participant.id).collect();
    let edges = edges
        .into_iter()
        .filter(|r| shown.contains(&r.from_participant_id) && shown.contains(&r.to_participant_id))
        .collect();
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
