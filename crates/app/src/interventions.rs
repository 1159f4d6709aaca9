//! Reversible operator interventions (issue 14, seed 003): a lifecycle stage or role change,
//! an archive, a relationship added or removed — applied, recorded with the exact previous and
//! new state, and audited in one transaction; reversed at most once, and only while nothing
//! has changed the targets since (`wisdomos_core::intervention::conflicts`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use uuid::Uuid;
use wisdomos_core::intervention::{conflicts, InterventionType, MAX_TARGETS};
use wisdomos_core::participant::{LifecycleStage, ParticipantRole};
use wisdomos_core::validation::bounded_text;
use wisdomos_core::{FieldError, ValidationErrors};
use wisdomos_db::audit::{record_in_tenant, NewAuditEvent};
use wisdomos_db::interventions::{self, Intervention, NewIntervention as Row};
use wisdomos_db::participants::{self, Participant};
use wisdomos_db::relationships::{self, Relationship};
use wisdomos_db::{DbError, TenantTx};

use crate::participants::{derive_state, graph_changed};
use crate::relationships::{insert_relationship, NewRelationship};
use crate::AppError;

/// An intervention as an operator asks for it (serialised in the API's names: a
/// recommendation stores the one it proposes this way).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct NewIntervention {
    /// `lifecycle_change`, `role_change`, `archive`, `relationship_add` or `relationship_remove`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The participants of a lifecycle change, role change or archive: 1–500.
    pub participant_ids: Vec<Uuid>,
    /// The new stage of a `lifecycle_change`.
    pub lifecycle_stage: Option<String>,
    /// The new role of a `role_change`.
    pub role: Option<String>,
    /// The relationship of a `relationship_remove`.
    pub relationship_id: Option<Uuid>,
    /// The relationship of a `relationship_add`.
    pub relationship: Option<NewRelationship>,
    /// Why, 1–500 characters (shown in the log); not part of a stored proposal.
    #[serde(skip)]
    pub reason: String,
}

/// A relationship as an intervention records it, so a removed one can be restored exactly.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct EdgeState {
    id: Uuid,
    from_participant_id: Uuid,
    to_participant_id: Uuid,
    #[serde(rename = "type")]
    kind: String,
    source: String,
    confidence_score: f32,
    created_at: DateTime<Utc>,
}

fn edge_state(r: Option<&Relationship>) -> Value {
    let edge = r.map(|r| EdgeState {
        id: r.id,
        from_participant_id: r.from_participant_id,
        to_participant_id: r.to_participant_id,
        kind: r.kind.clone(),
        source: r.source.clone(),
        confidence_score: r.confidence_score,
        created_at: r.created_at,
    });
    json!({ "relationship": edge })
}

/// The fields of `p` that an intervention of `kind` changes.
fn participant_state(kind: InterventionType, p: &Participant) -> Value {
    match kind {
        InterventionType::LifecycleChange => json!({ "lifecycleStage": p.lifecycle_stage }),
        InterventionType::RoleChange => json!({ "role": p.role }),
        _ => json!({ "archived": p.archived_at.is_some() }),
    }
}

/// Writes `fields` (as [`participant_state`] gives them) onto `p`.
fn set_fields(p: &mut Participant, fields: &Value, now: DateTime<Utc>) {
    if let Some(s) = fields.get("lifecycleStage").and_then(Value::as_str) {
        s.clone_into(&mut p.lifecycle_stage);
    }
    if let Some(r) = fields.get("role").and_then(Value::as_str) {
        r.clone_into(&mut p.role);
    }
    if let Some(a) = fields.get("archived").and_then(Value::as_bool) {
        p.archived_at = a.then_some(now);
    }
}

/// Applies and records an intervention; `audit` is the caller's `intervention.created` event
/// (its actor is the operator). Errors: validation (`type`, `participantIds` 1–500 known ids,
/// `lifecycleStage`, `role`, `relationshipId`, `relationship`, `reason`; `no_change` when every
/// target already holds the new state); as relationship creation for `relationship_add`;
/// not found for an unknown `relationshipId`.
pub async fn create(
    tx: &mut TenantTx,
    req: &NewIntervention,
    mut audit: NewAuditEvent,
    now: DateTime<Utc>,
) -> Result<Intervention, AppError> {
    let mut errs = ValidationErrors::default();
    let kind = errs.check(InterventionType::parse("type", &req.kind));
    let reason = errs.check(bounded_text("reason", &req.reason, 1, 500));
    errs.finish()?;
    let (Some(kind), Some(reason)) = (kind, reason) else {
        return Err(AppError::Internal(
            "validation passed without values".into(),
        ));
    };
    let (targets, previous, new) = match kind {
        InterventionType::RelationshipAdd => {
            let Some(r) = &req.relationship else {
                return Err(required("relationship").into());
            };
            let created = insert_relationship(tx, r, now).await?;
            let key = created.id.to_string();
            (
                vec![created.id],
                json!({ key.clone(): edge_state(None) }),
                json!({ key: edge_state(Some(&created)) }),
            )
        }
        InterventionType::RelationshipRemove => {
            let Some(id) = req.relationship_id else {
                return Err(required("relationshipId").into());
            };
            let gone = relationships::delete(tx, id).await?;
            let key = id.to_string();
            (
                vec![id],
                json!({ key.clone(): edge_state(Some(&gone)) }),
                json!({ key: edge_state(None) }),
            )
        }
        _ => change_participants(tx, kind, req, now).await?,
    };
    let operator = audit
        .actor_user_id
        .ok_or_else(|| AppError::Internal("an intervention without an operator".into()))?;
    let created = interventions::create(
        tx,
        &Row {
            operator_user_id: operator,
            operator_role: audit.actor_role.as_deref().unwrap_or("unknown"),
            kind: kind.as_str(),
            scope: kind.scope(),
            target_ids: &targets,
            reason: &reason,
            previous_state: previous,
            new_state: new,
        },
        now,
    )
    .await?;
    audit.target_type = Some("intervention");
    audit.target_id = Some(created.id.to_string());
    audit.metadata = json!({ "type": kind.as_str(), "targets": targets.len() });
    record_in_tenant(tx, &audit, now).await?;
    graph_changed(tx, now).await?;
    Ok(created)
}

fn required(field: &str) -> FieldError {
    FieldError::new(
        field,
        "required",
        format!("{field} is required for this type"),
    )
}

/// Changes the participants of a lifecycle, role or archive intervention; returns the targets
/// changed with their previous and new state. Participants already in the new state are left
/// out.
async fn change_participants(
    tx: &mut TenantTx,
    kind: InterventionType,
    req: &NewIntervention,
    now: DateTime<Utc>,
) -> Result<(Vec<Uuid>, Value, Value), AppError> {
    let mut ids = req.participant_ids.clone();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() || ids.len() > MAX_TARGETS {
        return Err(FieldError::new(
            "participantIds",
            "out_of_range",
            format!("participantIds must name 1 to {MAX_TARGETS} participants"),
        )
        .into());
    }
    let wanted = match kind {
        InterventionType::LifecycleChange => {
            let s = req
                .lifecycle_stage
                .as_deref()
                .ok_or_else(|| required("lifecycleStage"))?;
            json!({ "lifecycleStage": LifecycleStage::parse("lifecycleStage", s)?.as_str() })
        }
        InterventionType::RoleChange => {
            let r = req.role.as_deref().ok_or_else(|| required("role"))?;
            json!({ "role": ParticipantRole::parse("role", r)?.as_str() })
        }
        _ => json!({ "archived": true }),
    };
    let found = participants::lock(tx, &ids).await?;
    if let Some(missing) = ids.iter().find(|id| !found.iter().any(|p| p.id == **id)) {
        return Err(FieldError::new(
            "participantIds",
            "unknown_participant",
            format!("participantIds names {missing}, no participant of this organisation"),
        )
        .into());
    }
    let (mut targets, mut previous, mut new) = (Vec::new(), Map::new(), Map::new());
    for mut p in found {
        let before = participant_state(kind, &p);
        if before == wanted {
            continue;
        }
        set_fields(&mut p, &wanted, now);
        derive_state(tx, &mut p, now).await?;
        participants::save(tx, &p, now).await?;
        targets.push(p.id);
        previous.insert(p.id.to_string(), before);
        new.insert(p.id.to_string(), wanted.clone());
    }
    if targets.is_empty() {
        return Err(FieldError::new(
            "participantIds",
            "no_change",
            "every participant named is already in that state",
        )
        .into());
    }
    Ok((targets, Value::Object(previous), Value::Object(new)))
}

/// Reverses intervention `id`: restores its previous state, records who (`audit`'s actor),
/// when and why (`reason`, 1–500), and audits `intervention.reversed`. Errors: not found;
/// validation (`reason`); 409 `intervention_already_reversed`; 409 `intervention_conflict`
/// naming each target field changed since (details `{conflicts: [{targetId, field, expected,
/// found}]}`), in which case nothing is written.
pub async fn reverse(
    tx: &mut TenantTx,
    id: Uuid,
    reason: &str,
    mut audit: NewAuditEvent,
    now: DateTime<Utc>,
) -> Result<Intervention, AppError> {
    let reason = bounded_text("reason", reason, 1, 500)?;
    let iv = interventions::lock(tx, id).await?;
    if iv.reversed_at.is_some() {
        return Err(AppError::Conflict("intervention_already_reversed"));
    }
    let kind = InterventionType::parse("type", &iv.kind)?;
    let current = current_state(tx, kind, &iv.target_ids).await?;
    let found = conflicts(&iv.new_state, &current);
    if let Some(first) = found.first() {
        return Err(AppError::ConflictWith {
            code: "intervention_conflict",
            message: format!(
                "{} {} has {} {} now, not {} as the intervention left it; nothing was reversed",
                kind.scope(),
                first.target_id,
                first.field,
                first.found,
                first.expected
            ),
            details: json!({ "conflicts": found.iter().map(|c| json!({
                "targetId": c.target_id, "field": c.field, "expected": c.expected, "found": c.found,
            })).collect::<Vec<_>>() }),
        });
    }
    restore(tx, kind, &iv, now).await?;
    let by = audit
        .actor_user_id
        .ok_or_else(|| AppError::Internal("a reversal without an operator".into()))?;
    let reversed = interventions::mark_reversed(tx, id, by, &reason, now).await?;
    audit.target_type = Some("intervention");
    audit.target_id = Some(id.to_string());
    audit.metadata = json!({ "type": kind.as_str() });
    record_in_tenant(tx, &audit, now).await?;
    graph_changed(tx, now).await?;
    Ok(reversed)
}

/// The targets' state now, in the shape of an intervention's state, locked.
async fn current_state(
    tx: &mut TenantTx,
    kind: InterventionType,
    targets: &[Uuid],
) -> Result<Value, AppError> {
    let mut out = Map::new();
    if kind.scope() == "relationship" {
        for id in targets {
            let r = relationships::lock(tx, *id).await?;
            out.insert(id.to_string(), edge_state(r.as_ref()));
        }
    } else {
        for p in participants::lock(tx, targets).await? {
            out.insert(p.id.to_string(), participant_state(kind, &p));
        }
    }
    Ok(Value::Object(out))
}

/// Writes an intervention's previous state back.
async fn restore(
    tx: &mut TenantTx,
    kind: InterventionType,
    iv: &Intervention,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let empty = Map::new();
    let previous = iv.previous_state.as_object().unwrap_or(&empty);
    match kind {
        InterventionType::RelationshipAdd => {
            for id in &iv.target_ids {
                relationships::delete(tx, *id).await?;
            }
        }
        InterventionType::RelationshipRemove => {
            for state in previous.values() {
                let edge: EdgeState = serde_json::from_value(state["relationship"].clone())
                    .map_err(|e| AppError::Internal(format!("stored edge unreadable: {e}")))?;
                let r = Relationship {
                    id: edge.id,
                    from_participant_id: edge.from_participant_id,
                    to_participant_id: edge.to_participant_id,
                    kind: edge.kind,
                    source: edge.source,
                    confidence_score: edge.confidence_score,
                    created_at: edge.created_at,
                };
                relationships::insert(tx, &r).await.map_err(|e| match e {
                    DbError::NotFound => AppError::Conflict("participant_gone"),
                    other => other.into(),
                })?;
            }
        }
        _ => {
            for mut p in participants::lock(tx, &iv.target_ids).await? {
                if let Some(fields) = previous.get(&p.id.to_string()) {
                    set_fields(&mut p, fields, now);
                    derive_state(tx, &mut p, now).await?;
                    participants::save(tx, &p, now).await?;
                }
            }
        }
    }
    Ok(())
}

/// Interventions matching `f`, newest first; the view is audited with `audit`
/// (`interventions.viewed`).
pub async fn view(
    tx: &mut TenantTx,
    f: interventions::Filter,
    before: Option<wisdomos_db::Keyset>,
    limit: i64,
    mut audit: NewAuditEvent,
    now: DateTime<Utc>,
) -> Result<wisdomos_db::Page<Intervention>, AppError> {
    let page = interventions::list(tx, f, before, limit).await?;
    audit.target_type = Some("interventions");
    audit.metadata =
        json!({ "target": f.target, "reversed": f.reversed, "count": page.items.len() });
    record_in_tenant(tx, &audit, now).await?;
    Ok(page)
}
