//! Computing an organisation's segments (issue 14): communities of the relationship graph
//! (Louvain, weighted by confidence, `wisdomos_core::community`), engagement from the last
//! activity (`wisdomos_core::segments`), and roles. A segment keeps its id (and, for a
//! community, its name) while its membership mostly stays (`carry_ids`).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use uuid::Uuid;
use wisdomos_core::community::{louvain, Graph};
use wisdomos_core::participant::{engagement_state, EngagementInput, EngagementState};
use wisdomos_core::segments::{carry_ids, engagement, EngagementThresholds};
use wisdomos_db::audit::{record_in_tenant, NewAuditEvent};
use wisdomos_db::segments::{self, Segment};
use wisdomos_db::{participants, relationships, TenantTx};

use crate::AppError;

/// The job that recomputes a workspace's segments (queued when the graph changes, and nightly).
pub const SEGMENTS_JOB: &str = "console.segments";

/// Communities of fewer members are not segments (a lone participant is no community).
const MIN_COMMUNITY: usize = 2;

/// Recomputes and stores every segment from the participants (archived ones left out) and
/// relationships as they are now; returns them.
pub async fn recompute(tx: &mut TenantTx, now: DateTime<Utc>) -> Result<Vec<Segment>, AppError> {
    let people: Vec<_> = participants::all(tx)
        .await?
        .into_iter()
        .filter(|p| p.archived_at.is_none())
        .collect();
    let index: BTreeMap<Uuid, usize> = people.iter().enumerate().map(|(i, p)| (p.id, i)).collect();
    let mut graph = Graph::new(people.len());
    for r in relationships::all(tx).await? {
        if let (Some(&a), Some(&b)) = (
            index.get(&r.from_participant_id),
            index.get(&r.to_participant_id),
        ) {
            graph.add_edge(a, b, f64::from(r.confidence_score).max(0.01));
        }
    }
    derive_states(tx, &people, &graph, now).await?;
    let partition = louvain(&graph);
    let mut groups: BTreeMap<usize, BTreeSet<usize>> = BTreeMap::new();
    for (i, c) in partition.membership.iter().enumerate() {
        groups.entry(*c).or_default().insert(i);
    }
    let communities: Vec<BTreeSet<usize>> = groups
        .into_values()
        .filter(|g| g.len() >= MIN_COMMUNITY)
        .collect();

    let previous = segments::all(tx).await?;
    let old_communities: Vec<(Uuid, BTreeSet<usize>)> = previous
        .iter()
        .filter(|s| s.kind == "community")
        .map(|s| {
            let members = s
                .participant_ids
                .iter()
                .filter_map(|id| index.get(id).copied())
                .collect();
            (s.id, members)
        })
        .collect();
    let carried = carry_ids(&old_communities, &communities);
    let name_of = |id: Uuid| previous.iter().find(|s| s.id == id).map(|s| s.name.clone());
    let mut used: BTreeSet<String> = carried
        .iter()
        .flatten()
        .filter_map(|id| name_of(*id))
        .collect();
    let mut next_name = 1;
    let ids_of =
        |members: &BTreeSet<usize>| members.iter().map(|&i| people[i].id).collect::<Vec<_>>();
    let mut out = Vec::new();
    for (members, carried) in communities.iter().zip(carried) {
        let (id, name) = match carried.and_then(|id| name_of(id).map(|n| (id, n))) {
            Some(kept) => kept,
            None => {
                while used.contains(&format!("Community {next_name}")) {
                    next_name += 1;
                }
                let name = format!("Community {next_name}");
                used.insert(name.clone());
                (Uuid::new_v4(), name)
            }
        };
        out.push(Segment {
            id,
            kind: "community".into(),
            name,
            participant_ids: ids_of(members),
            computed_at: now,
        });
    }

    let t = thresholds(tx).await?;
    let mut by_name: BTreeMap<(&str, String), BTreeSet<usize>> = BTreeMap::new();
    for (i, p) in people.iter().enumerate() {
        let e = engagement(p.last_activity_at, now, t);
        by_name
            .entry(("engagement", e.as_str().to_owned()))
            .or_default()
            .insert(i);
        by_name
            .entry(("role", p.role.clone()))
            .or_default()
            .insert(i);
    }
    for ((kind, name), members) in by_name {
        // Engagement and role segments are named by what they are, so the name is the identity.
        let id = previous
            .iter()
            .find(|s| s.kind == kind && s.name == name)
            .map_or_else(Uuid::new_v4, |s| s.id);
        out.push(Segment {
            id,
            kind: kind.into(),
            name,
            participant_ids: ids_of(&members),
            computed_at: now,
        });
    }
    segments::replace(tx, &out, now).await?;
    if !people.is_empty() {
        crate::recommendations::queue(tx, now).await?;
    }
    Ok(out)
}

/// Derives every participant's engagement state again (time moves them from active to cooling
/// to dormant without any write) and stores those that changed.
async fn derive_states(
    tx: &mut TenantTx,
    people: &[participants::Participant],
    graph: &Graph,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let t = thresholds(tx).await?;
    let changed: Vec<(Uuid, String)> = people
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            let state = engagement_state(
                EngagementInput {
                    created_at: p.created_at,
                    last_activity_at: p.last_activity_at,
                    previous: EngagementState::parse(&p.engagement_state),
                    relationships: graph.neighbours(i).filter(|&(j, _)| j != i).count(),
                    archived: false,
                },
                now,
                t,
            );
            (state.as_str() != p.engagement_state).then(|| (p.id, state.as_str().to_owned()))
        })
        .collect();
    participants::set_states(tx, &changed, now).await?;
    Ok(())
}

/// The workspace's engagement thresholds (the defaults until set).
pub async fn thresholds(tx: &mut TenantTx) -> Result<EngagementThresholds, AppError> {
    let (cooling, dormant) = segments::thresholds(tx).await?;
    Ok(EngagementThresholds {
        cooling_after_days: cooling,
        dormant_after_days: dormant,
    })
}

/// The stored segments, computed now if there are none yet.
pub async fn current(tx: &mut TenantTx, now: DateTime<Utc>) -> Result<Vec<Segment>, AppError> {
    let stored = segments::all(tx).await?;
    if stored.is_empty() {
        return recompute(tx, now).await;
    }
    Ok(stored)
}

/// The stored segments (computed now if there are none yet); the view is audited with `audit`
/// (`segments.viewed`).
pub async fn view(
    tx: &mut TenantTx,
    mut audit: NewAuditEvent,
    now: DateTime<Utc>,
) -> Result<Vec<Segment>, AppError> {
    let stored = current(tx, now).await?;
    audit.target_type = Some("segments");
    audit.target_id = None;
    audit.metadata = serde_json::json!({ "segments": stored.len() });
    record_in_tenant(tx, &audit, now).await?;
    Ok(stored)
}
