//! Coach and client (issue 14, seed 000's coach use case): an organisation invites one of its
//! participants by e-mail; the person grants a share from one of their own workspaces and can
//! revoke it at once. While a share is live, the participant's console page shows that
//! workspace's Phoenix Fulfillment summary — area scores and statuses, the trend, recurring
//! pattern titles, never an event's text — read through the sharer's own tenant role, and the
//! read is audited in both workspaces. Without a live share nothing of it is read.

use chrono::{DateTime, Duration, Utc};
use serde_json::json;
use uuid::Uuid;
use wisdomos_core::FieldError;
use wisdomos_db::audit::{record, record_in_tenant, NewAuditEvent};
use wisdomos_db::shares::{self, Share, ShareOffer};
use wisdomos_db::{insights, life_areas, participants, snapshots, tenants, Database, TenantTx};

use crate::AppError;

/// Invites participant `id` (by their e-mail) to share; `audit` is the caller's
/// `share.invited` event. Errors: not found; `email` (`required`) when the participant has no
/// e-mail; 409 `share_exists`.
pub async fn invite(
    tx: &mut TenantTx,
    id: Uuid,
    mut audit: NewAuditEvent,
    now: DateTime<Utc>,
) -> Result<Share, AppError> {
    let p = participants::get(tx, id).await?;
    let Some(email) = p.email.map(|e| e.to_lowercase()) else {
        return Err(FieldError::new(
            "email",
            "required",
            "the participant has no e-mail to invite",
        )
        .into());
    };
    let by = audit
        .actor_user_id
        .ok_or_else(|| AppError::Internal("an invitation without an operator".into()))?;
    let share = shares::invite(tx, id, &email, by, now).await?;
    audit.target_type = Some("participant");
    audit.target_id = Some(id.to_string());
    audit.metadata = json!({ "share": share.id });
    record_in_tenant(tx, &audit, now).await?;
    Ok(share)
}

/// One life area in a summary.
#[derive(Debug, Clone)]
pub struct AreaSummary {
    pub name: String,
    pub cluster: String,
    /// 0–100.
    pub score: f64,
    /// The stored status (e.g. `THRIVING`).
    pub status: String,
}

/// A shared Phoenix Fulfillment summary.
#[derive(Debug, Clone)]
pub struct Summary {
    pub share_id: Uuid,
    pub areas: Vec<AreaSummary>,
    /// The overall score (0–100) at the first and the last snapshot of the last 90 days.
    pub trend: Option<(f64, f64)>,
    /// Titles of recurring patterns, newest first (at most 10).
    pub patterns: Vec<String>,
}

/// The participant's share, as the organisation sees it: `None`, `invited` or `live` with the
/// summary.
#[derive(Debug, Clone)]
pub enum ShareState {
    Invited(Share),
    Live(Share, Summary),
}

/// The share of participant `id` of `org_tx`'s organisation and, while live, the sharer's
/// summary, read in a transaction of the sharer's own tenant role with its audit row there
/// (`share.summary_viewed`, actor `viewer`); the organisation's row
/// (`participant.summary_viewed`) is written in `org_tx`. A share whose workspace is not active
/// shows as invited-and-waiting no more: nothing.
pub async fn state(
    db: &Database,
    org_tx: &mut TenantTx,
    id: Uuid,
    viewer: &NewAuditEvent,
    now: DateTime<Utc>,
) -> Result<Option<ShareState>, AppError> {
    let Some(share) = shares::open_for(org_tx, id).await? else {
        return Ok(None);
    };
    let Some(sharer) = share.sharer_tenant_id.filter(|_| share.live()) else {
        return Ok(Some(ShareState::Invited(share)));
    };
    let t = tenants::get(db.app(), sharer).await?;
    if t.status != wisdomos_core::tenant::TenantStatus::Active.as_str() {
        return Ok(None);
    }
    let mut tx = TenantTx::begin(db, &tenants::operator_scope(&t)).await?;
    let areas = life_areas::active(&mut tx)
        .await?
        .into_iter()
        .map(|a| AreaSummary {
            name: a.name,
            cluster: a.cluster,
            score: a.current_score,
            status: a.status,
        })
        .collect();
    let since = (now - Duration::days(90)).date_naive();
    let overall = snapshots::overall(&mut tx, since).await?;
    let trend = overall.first().zip(overall.last()).map(|(a, b)| (a.1, b.1));
    let patterns = insights::list(&mut tx, Some(true), None, 10)
        .await?
        .items
        .into_iter()
        .map(|i| i.title)
        .collect();
    let seen = NewAuditEvent {
        tenant_id: Some(sharer),
        actor_user_id: viewer.actor_user_id,
        actor_role: viewer.actor_role.as_ref().map(|r| format!("ORG_{r}")),
        event_type: "share.summary_viewed",
        target_type: Some("share"),
        target_id: Some(share.id.to_string()),
        metadata: json!({ "organisation": share.org_tenant_id }),
    };
    record_in_tenant(&mut tx, &seen, now).await?;
    tx.commit().await?;
    let mut here = NewAuditEvent {
        event_type: "participant.summary_viewed",
        ..viewer.clone()
    };
    here.target_type = Some("participant");
    here.target_id = Some(id.to_string());
    here.metadata = json!({ "share": share.id });
    record_in_tenant(org_tx, &here, now).await?;
    let summary = Summary {
        share_id: share.id,
        areas,
        trend,
        patterns,
    };
    Ok(Some(ShareState::Live(share, summary)))
}

/// The person's invitations and shares, newest first.
pub async fn of_person(
    db: &Database,
    user_id: Uuid,
    email: &str,
) -> Result<Vec<ShareOffer>, AppError> {
    let mut tx = db.begin_app().await?;
    let rows = shares::of_person(&mut tx, user_id, email).await?;
    tx.commit().await.map_err(wisdomos_db::DbError::from)?;
    Ok(rows)
}

/// The person's decision on a share.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Consent {
    /// Grant the invitation from workspace `.0` (one the caller checked they administer).
    Grant(Uuid),
    /// Revoke a share (or decline an invitation), at once.
    Revoke,
}

/// Records `consent` on share `id` for the person (`user_id`, `email`), audited in both
/// workspaces (`share.granted` / `share.revoked`) in the same transaction. Errors: not found
/// when it is not theirs or not open.
pub async fn decide(
    db: &Database,
    id: Uuid,
    user_id: Uuid,
    email: &str,
    consent: Consent,
    now: DateTime<Utc>,
) -> Result<Share, AppError> {
    let mut tx = db.begin_app().await?;
    let (share, event) = match consent {
        Consent::Grant(tenant) => (
            shares::grant(&mut tx, id, user_id, email, tenant, now).await?,
            "share.granted",
        ),
        Consent::Revoke => (
            shares::revoke(&mut tx, id, user_id, email, now).await?,
            "share.revoked",
        ),
    };
    let sides = [Some(share.org_tenant_id), share.sharer_tenant_id];
    for tenant in sides.into_iter().flatten() {
        let ev = NewAuditEvent {
            tenant_id: Some(tenant),
            actor_user_id: Some(user_id),
            actor_role: Some("SHARER".into()),
            event_type: event,
            target_type: Some("share"),
            target_id: Some(share.id.to_string()),
            metadata: json!({ "participant": share.participant_id, "organisation": share.org_tenant_id }),
        };
        record(&mut tx, &ev, now).await?;
    }
    tx.commit().await.map_err(wisdomos_db::DbError::from)?;
    Ok(share)
}
