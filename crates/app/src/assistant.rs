//! The workspace's assistant profile (seed 002 `brandVoice`, `elementalSignature`,
//! `maiaPersonality`): read, and replaced by ADMIN and above with an audit row.

use chrono::{DateTime, Utc};
use uuid::Uuid;
use wisdomos_core::assistant::{AssistantProfile, ProfileInput};
use wisdomos_db::assistant_profiles;
use wisdomos_db::audit::NewAuditEvent;
use wisdomos_db::TenantTx;

use crate::AppError;

/// The workspace's profile; the default ([`AssistantProfile::default`]) until one is set.
pub async fn profile(tx: &mut TenantTx) -> Result<AssistantProfile, AppError> {
    Ok(assistant_profiles::get(tx).await?.unwrap_or_default())
}

/// Replaces the profile with `input` (absent sections take the default's), by member `by`;
/// `audit` is the caller's `assistant.profile_updated` event (metadata: the elemental signature
/// and how many prohibited topics, never the texts). Errors: validation, every field named.
pub async fn set_profile(
    tx: &mut TenantTx,
    input: ProfileInput,
    by: Uuid,
    mut audit: NewAuditEvent,
    now: DateTime<Utc>,
) -> Result<AssistantProfile, AppError> {
    let p = input.validate()?;
    audit.target_type = Some("assistant");
    audit.target_id = Some(tx.tenant_id().to_string());
    audit.metadata = serde_json::json!({
        "elementalSignature": p.elemental_signature,
        "prohibitedTopics": p.maia_personality.prohibited_topics.len(),
    });
    assistant_profiles::set(tx, &p, Some(by), &audit, now).await?;
    Ok(p)
}
