//! Relationships between an organisation's participants (issue 14, seed 003): created and
//! deleted with an audit row in the same transaction, each change queueing the segments'
//! recomputation.

use chrono::{DateTime, Utc};
use uuid::Uuid;
use wisdomos_core::participant::{confidence, RelationshipType};
use wisdomos_core::validation::bounded_text;
use wisdomos_core::{FieldError, ValidationErrors};
use wisdomos_db::audit::{record_in_tenant, NewAuditEvent};
use wisdomos_db::participants;
use wisdomos_db::relationships::{self, Relationship};
use wisdomos_db::TenantTx;

use crate::participants::graph_changed;
use crate::AppError;

/// A relationship as sent (serialised in the API's names, as a recommendation stores the
/// intervention it proposes).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewRelationship {
    #[serde(rename = "fromParticipantId")]
    pub from: Uuid,
    #[serde(rename = "toParticipantId")]
    pub to: Uuid,
    #[serde(rename = "type")]
    pub kind: String,
    /// 0–1, default 1.
    #[serde(rename = "confidenceScore")]
    pub confidence: Option<f64>,
    /// Default `manual`.
    pub source: Option<String>,
}

/// Creates a relationship; `audit` is the caller's `relationship.created` event. Errors: as
/// [`insert_relationship`].
pub async fn relate(
    tx: &mut TenantTx,
    r: &NewRelationship,
    mut audit: NewAuditEvent,
    now: DateTime<Utc>,
) -> Result<Relationship, AppError> {
    let created = insert_relationship(tx, r, now).await?;
    audit.target_type = Some("relationship");
    audit.target_id = Some(created.id.to_string());
    audit.metadata = serde_json::json!({ "type": created.kind, "from": r.from, "to": r.to });
    record_in_tenant(tx, &audit, now).await?;
    graph_changed(tx, now).await?;
    Ok(created)
}

/// Validates and inserts a relationship, without audit. Errors: validation (`type`,
/// `confidenceScore` 0–1, `toParticipantId` equal to the from: `self_loop`, `source`);
/// `unknown_participant` naming the id that is not this organisation's; conflict
/// `relationship_exists`.
pub(crate) async fn insert_relationship(
    tx: &mut TenantTx,
    r: &NewRelationship,
    now: DateTime<Utc>,
) -> Result<Relationship, AppError> {
    let mut errs = ValidationErrors::default();
    let kind = errs.check(RelationshipType::parse("type", &r.kind));
    let conf = errs.check(confidence("confidenceScore", r.confidence.unwrap_or(1.0)));
    let source = errs.check(bounded_text(
        "source",
        r.source.as_deref().unwrap_or("manual"),
        1,
        40,
    ));
    if r.from == r.to {
        errs.0.push(FieldError::new(
            "toParticipantId",
            "self_loop",
            "a participant cannot be related to themself",
        ));
    }
    errs.finish()?;
    let (Some(kind), Some(conf), Some(source)) = (kind, conf, source) else {
        return Err(AppError::Internal(
            "validation passed without values".into(),
        ));
    };
    for (field, id) in [("fromParticipantId", r.from), ("toParticipantId", r.to)] {
        if wisdomos_db::found(participants::get(tx, id).await)?.is_none() {
            return Err(FieldError::new(
                field,
                "unknown_participant",
                format!("{field} names no participant of this organisation"),
            )
            .into());
        }
    }
    Ok(relationships::create(tx, r.from, r.to, kind.as_str(), &source, conf, now).await?)
}

/// Deletes relationship `id`; `audit` is the caller's `relationship.deleted` event. Errors:
/// not found.
pub async fn unrelate(
    tx: &mut TenantTx,
    id: Uuid,
    mut audit: NewAuditEvent,
    now: DateTime<Utc>,
) -> Result<Relationship, AppError> {
    let gone = relationships::delete(tx, id).await?;
    audit.target_type = Some("relationship");
    audit.target_id = Some(id.to_string());
    audit.metadata = serde_json::json!({ "type": gone.kind, "from": gone.from_participant_id, "to": gone.to_participant_id });
    record_in_tenant(tx, &audit, now).await?;
    graph_changed(tx, now).await?;
    Ok(gone)
}
