//! The operator console's participants and relationships (issue 14, seed 003): created and
//! read with an audit row in the same transaction — a read that cannot be audited is not
//! served, since the whole transaction fails with it.

use chrono::{DateTime, Utc};
use uuid::Uuid;
use wisdomos_core::participant::{
    engagement_state, EngagementInput, EngagementState, LifecycleStage, ParticipantRole,
};
use wisdomos_core::validation::bounded_text;
use wisdomos_core::{account::Email, FieldError, ValidationErrors};
use wisdomos_db::audit::{record_in_tenant, NewAuditEvent};
use wisdomos_db::participants::{self, Fields, Participant};
use wisdomos_db::relationships::{self, Relationship};
use wisdomos_db::TenantTx;

use crate::AppError;

/// Queues the recomputation of the segments in the caller's transaction, since the graph
/// changed, unless one is already waiting (it will see this change too). A change made while a
/// recomputation runs queues the next one.
pub(crate) async fn graph_changed(tx: &mut TenantTx, now: DateTime<Utc>) -> Result<(), AppError> {
    use crate::segments::SEGMENTS_JOB;
    if wisdomos_db::jobs::has_pending(tx, SEGMENTS_JOB).await? {
        return Ok(());
    }
    let job = wisdomos_db::jobs::NewJob::new(SEGMENTS_JOB, serde_json::json!({}), now);
    wisdomos_db::jobs::enqueue(tx, &job, now).await?;
    Ok(())
}

/// A participant as sent.
#[derive(Debug, Default, Clone)]
pub struct NewParticipant {
    pub email: Option<String>,
    pub display_name: String,
    /// Default `member`.
    pub role: Option<String>,
    /// Default `manual`; 1–40 characters.
    pub origin: Option<String>,
    /// Default `active`.
    pub lifecycle_stage: Option<String>,
    pub last_activity_at: Option<DateTime<Utc>>,
}

/// Creates a participant; `audit` is the caller's `participant.created` event. Errors:
/// validation (`displayName` 1–120, `email`, `role`, `origin`, `lifecycleStage`,
/// `lastActivityAt` not in the future); conflict `participant_email_taken`.
pub async fn create(
    tx: &mut TenantTx,
    p: &NewParticipant,
    mut audit: NewAuditEvent,
    now: DateTime<Utc>,
) -> Result<Participant, AppError> {
    let mut errs = ValidationErrors::default();
    let name = errs.check(bounded_text("displayName", &p.display_name, 1, 120));
    let email = errs.optional(
        p.email
            .as_deref()
            .filter(|e| !e.trim().is_empty())
            .map(|e| Email::parse("email", e)),
    );
    let role = errs.check(ParticipantRole::parse(
        "role",
        p.role.as_deref().unwrap_or("member"),
    ));
    let origin = errs.check(bounded_text(
        "origin",
        p.origin.as_deref().unwrap_or("manual"),
        1,
        40,
    ));
    let stage = errs.check(LifecycleStage::parse(
        "lifecycleStage",
        p.lifecycle_stage.as_deref().unwrap_or("active"),
    ));
    if p.last_activity_at.is_some_and(|t| t > now) {
        errs.0.push(FieldError::new(
            "lastActivityAt",
            "too_far_in_future",
            "lastActivityAt must not be in the future",
        ));
    }
    errs.finish()?;
    let (Some(name), Some(role), Some(origin), Some(stage)) = (name, role, origin, stage) else {
        return Err(AppError::Internal(
            "validation passed without values".into(),
        ));
    };
    let state = engagement_state(
        EngagementInput {
            created_at: now,
            last_activity_at: p.last_activity_at,
            previous: None,
            relationships: 0,
            archived: false,
        },
        now,
        crate::segments::thresholds(tx).await?,
    );
    let created = participants::create(
        tx,
        &Fields {
            email: email.as_ref().map(|e| e.as_str()),
            display_name: &name,
            role: role.as_str(),
            origin: &origin,
            lifecycle_stage: stage.as_str(),
            last_activity_at: p.last_activity_at,
            is_system: role == ParticipantRole::System,
            engagement_state: state.as_str(),
        },
        now,
    )
    .await?;
    audit.target_type = Some("participant");
    audit.target_id = Some(created.id.to_string());
    audit.metadata = serde_json::json!({ "role": role.as_str(), "lifecycleStage": stage.as_str() });
    record_in_tenant(tx, &audit, now).await?;
    graph_changed(tx, now).await?;
    Ok(created)
}

/// A participant with their relationships, recommendations and interventions (the latest
/// [`VIEW_LIMIT`] of each), as the console shows them.
#[derive(Debug, Clone)]
pub struct ParticipantView {
    pub participant: Participant,
    pub relationships: Vec<Relationship>,
    pub recommendations: Vec<wisdomos_db::recommendations::Recommendation>,
    pub interventions: Vec<wisdomos_db::interventions::Intervention>,
}

/// Most recommendations and interventions shown with a participant.
pub const VIEW_LIMIT: i64 = 50;

/// Participant `id` with their relationships; the view is audited with `audit`
/// (`participant.viewed`) in the same transaction. Errors: not found.
pub async fn view(
    tx: &mut TenantTx,
    id: Uuid,
    mut audit: NewAuditEvent,
    now: DateTime<Utc>,
) -> Result<ParticipantView, AppError> {
    let participant = participants::get(tx, id).await?;
    let relationships = relationships::of(tx, id).await?;
    let recommendations = wisdomos_db::recommendations::list(
        tx,
        &wisdomos_db::recommendations::Filter {
            target_type: Some("participant".into()),
            target_id: Some(id),
            ..Default::default()
        },
        None,
        VIEW_LIMIT,
    )
    .await?
    .items;
    let interventions = wisdomos_db::interventions::list(
        tx,
        wisdomos_db::interventions::Filter {
            target: Some(id),
            reversed: None,
        },
        None,
        VIEW_LIMIT,
    )
    .await?
    .items;
    audit.target_type = Some("participant");
    audit.target_id = Some(id.to_string());
    record_in_tenant(tx, &audit, now).await?;
    Ok(ParticipantView {
        participant,
        relationships,
        recommendations,
        interventions,
    })
}

/// Derives `p`'s engagement state again from its activity, relationships, archival and the
/// state stored before (the engine in `wisdomos_core::participant`).
pub(crate) async fn derive_state(
    tx: &mut TenantTx,
    p: &mut Participant,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let links = relationships::of(tx, p.id).await?.len();
    let state = engagement_state(
        EngagementInput {
            created_at: p.created_at,
            last_activity_at: p.last_activity_at,
            previous: EngagementState::parse(&p.engagement_state),
            relationships: links,
            archived: p.archived_at.is_some(),
        },
        now,
        crate::segments::thresholds(tx).await?,
    );
    p.engagement_state = state.as_str().to_owned();
    Ok(())
}

/// Changes to a participant; absent fields stay. `email: Some(None)` removes the e-mail.
#[derive(Debug, Default, Clone)]
pub struct ParticipantChanges {
    pub email: Option<Option<String>>,
    pub display_name: Option<String>,
    pub role: Option<String>,
    pub origin: Option<String>,
    pub lifecycle_stage: Option<String>,
    pub last_activity_at: Option<DateTime<Utc>>,
}

/// Applies `c` to participant `id` and derives its engagement state again (the engine reads
/// its relationships and previous state); `audit` is the caller's `participant.updated` event
/// (metadata: the names of the fields changed). Errors: not found; validation as for
/// [`create`]; conflict `participant_email_taken`.
pub async fn update(
    tx: &mut TenantTx,
    id: Uuid,
    c: &ParticipantChanges,
    mut audit: NewAuditEvent,
    now: DateTime<Utc>,
) -> Result<Participant, AppError> {
    let mut p = participants::get(tx, id).await?;
    let mut errs = ValidationErrors::default();
    let mut changed: Vec<&str> = Vec::new();
    if let Some(n) = &c.display_name {
        if let Some(n) = errs.check(bounded_text("displayName", n, 1, 120)) {
            p.display_name = n;
            changed.push("displayName");
        }
    }
    if let Some(e) = &c.email {
        let parsed = e
            .as_deref()
            .filter(|e| !e.trim().is_empty())
            .map(|e| Email::parse("email", e));
        if let Some(e) = errs.optional(parsed) {
            p.email = Some(e.as_str().to_owned());
        } else if e.as_deref().is_none_or(|e| e.trim().is_empty()) {
            p.email = None;
        }
        changed.push("email");
    }
    if let Some(r) = &c.role {
        if let Some(r) = errs.check(ParticipantRole::parse("role", r)) {
            p.role = r.as_str().to_owned();
            changed.push("role");
        }
    }
    if let Some(o) = &c.origin {
        if let Some(o) = errs.check(bounded_text("origin", o, 1, 40)) {
            p.origin = o;
            changed.push("origin");
        }
    }
    if let Some(s) = &c.lifecycle_stage {
        if let Some(s) = errs.check(LifecycleStage::parse("lifecycleStage", s)) {
            p.lifecycle_stage = s.as_str().to_owned();
            changed.push("lifecycleStage");
        }
    }
    if let Some(t) = c.last_activity_at {
        if t > now {
            errs.0.push(FieldError::new(
                "lastActivityAt",
                "too_far_in_future",
                "lastActivityAt must not be in the future",
            ));
        } else {
            p.last_activity_at = Some(t);
            changed.push("lastActivityAt");
        }
    }
    errs.finish()?;
    derive_state(tx, &mut p, now).await?;
    let saved = participants::save(tx, &p, now).await?;
    audit.target_type = Some("participant");
    audit.target_id = Some(id.to_string());
    audit.metadata = serde_json::json!({ "changed": changed });
    record_in_tenant(tx, &audit, now).await?;
    graph_changed(tx, now).await?;
    Ok(saved)
}
