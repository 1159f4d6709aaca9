//! The demo's coaching practice (issue 13): a second workspace of the demo account with a small
//! knowledge base we wrote (`demo/practice/*.md`: programmes, approach, questions, a case study)
//! and a configured assistant, read in at once so the assistant can be asked straight away.

use chrono::{DateTime, Utc};
use uuid::Uuid;
use wisdomos_app::knowledge::NewKnowledge;
use wisdomos_core::assistant::ProfileInput;
use wisdomos_db::audit::NewAuditEvent;
use wisdomos_db::provision::{self, NewTenant};
use wisdomos_db::tenants::{self, Tenant};
use wisdomos_db::{Database, TenantTx};

/// The practice's documents: title, Markdown and elemental tag.
const DOCUMENTS: [(&str, &str, &str); 4] = [
    (
        "Our programmes",
        include_str!("../../demo/practice/programmes.md"),
        "earth",
    ),
    (
        "Our approach",
        include_str!("../../demo/practice/approach.md"),
        "aether",
    ),
    (
        "Questions people ask",
        include_str!("../../demo/practice/faq.md"),
        "air",
    ),
    (
        "Case study: from burnout to a sustainable week",
        include_str!("../../demo/practice/case-study.md"),
        "water",
    ),
];

/// The practice's assistant, as its admin would set it.
fn profile() -> anyhow::Result<ProfileInput> {
    Ok(serde_json::from_value(serde_json::json!({
        "brandVoice": {"tone": "warm, encouraging, plain-spoken", "language": "plain English", "values": ["care", "honesty", "small steps"]},
        "elementalSignature": {"primary": "water", "secondary": "earth"},
        "maiaPersonality": {
            "responseStyle": "Warm and brief. Acknowledge what the person brings, then point to the programme or practice that fits.",
            "specialtyAreas": ["life transitions", "burnout", "leadership"],
            "prohibitedTopics": ["medical advice", "therapy"],
            "phaseGuidance": {
                "fire": "Honour the energy, then slow it into one first step.",
                "water": "Acknowledge the feeling before any suggestion.",
                "earth": "Offer one concrete, practical next step.",
                "air": "Help sort the thinking into a simple choice.",
                "aether": "Connect the question to what matters most to them."
            }
        }
    }))?)
}

/// Creates the practice for `owner`, adds and reads in its documents with `ke`'s model (or by
/// words alone without one), and sets its assistant. Returns the workspace.
pub async fn create(
    db: &Database,
    owner: Uuid,
    timezone: &str,
    ke: &wisdomos_app::knowledge::KnowledgeEngine,
    now: DateTime<Utc>,
) -> anyhow::Result<Tenant> {
    let tenant = provision::create_tenant(
        db,
        owner,
        &NewTenant {
            name: "Northstar Coaching",
            slug: None,
            timezone,
        },
        Some(owner),
        now,
    )
    .await?;
    let scope = tenants::operator_scope(&tenant);
    let audit = |event_type| NewAuditEvent {
        tenant_id: Some(tenant.id),
        actor_user_id: Some(owner),
        actor_role: Some("OWNER".into()),
        event_type,
        target_type: Some("tenant"),
        target_id: Some(tenant.id.to_string()),
        metadata: serde_json::json!({ "via": "demo" }),
    };
    let mut tx = TenantTx::begin(db, &scope).await?;
    wisdomos_app::assistant::set_profile(
        &mut tx,
        profile()?,
        owner,
        audit("assistant.profile_updated"),
        now,
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    for (title, content, element) in DOCUMENTS {
        let k = NewKnowledge {
            title: title.into(),
            content: content.as_bytes().to_vec(),
            media_type: "text/markdown".into(),
            category: Some("practice".into()),
            elemental_tags: vec![element.into()],
            ..Default::default()
        };
        wisdomos_app::knowledge::add(
            &mut tx,
            owner,
            &k,
            None,
            audit("knowledge.document_added"),
            now,
        )
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    tx.commit().await?;
    let worker = wisdomos_jobs::Worker::new(
        db.clone(),
        wisdomos_jobs::Registry::standard_with(ke.engine.clone()),
        wisdomos_jobs::WorkerConfig::default(),
    );
    worker.run_due(Some(tenant.id)).await?;
    Ok(tenant)
}
