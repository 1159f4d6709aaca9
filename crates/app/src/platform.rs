//! What platform operators do (seed 002's `/api/admin/tenants`): create a workspace for a
//! client with a plan, a domain and an assistant profile; change a workspace's plan; list them.
//! Who is an operator is set on the command line only ([`set_platform_admin`]).

use chrono::{DateTime, Utc};
use uuid::Uuid;
use wisdomos_core::account::Email;
use wisdomos_core::assistant::ProfileInput;
use wisdomos_core::plan::{self, LimitsInput, PlanTier};
use wisdomos_core::tenant::{self, Slug};
use wisdomos_core::{FieldError, ValidationErrors};
use wisdomos_db::audit::NewAuditEvent;
use wisdomos_db::plans::{self, Managed, Plan};
use wisdomos_db::provision::NewTenant;
use wisdomos_db::{users, Database, DbError};

use crate::AppError;

/// Plan fields as an operator sends them; absent fields keep the stored value, except that a
/// new tier resets limits and features to the tier's unless they are given too.
#[derive(Debug, Default)]
pub struct PlanInput {
    pub plan_tier: Option<String>,
    pub limits: LimitsInput,
    pub features: Option<Vec<String>>,
    /// `Some(None)` clears the trial end.
    pub trial_ends_at: Option<Option<DateTime<Utc>>>,
    /// `Some(None)` clears the domain.
    pub domain: Option<Option<String>>,
}

/// The plan `input` makes of `current` (a new workspace's: the free tier's).
fn plan_of(current: &Plan, input: &PlanInput) -> Result<Plan, ValidationErrors> {
    let mut errs = ValidationErrors::default();
    let old_tier = PlanTier::parse("planTier", &current.plan_tier).unwrap_or(PlanTier::Free);
    let tier = errs
        .optional(
            input
                .plan_tier
                .as_deref()
                .map(|t| PlanTier::parse("planTier", t)),
        )
        .unwrap_or(old_tier);
    let base = if tier == old_tier {
        plan::Limits {
            conversations_per_month: current.conversations_per_month,
            knowledge_bytes: current.knowledge_bytes,
        }
    } else {
        tier.default_limits()
    };
    let limits = match input.limits.apply(base) {
        Ok(l) => Some(l),
        Err(e) => {
            errs.0.extend(e.0);
            None
        }
    };
    let features = match &input.features {
        Some(f) => match plan::parse_features("features", f) {
            Ok(f) => Some(f),
            Err(e) => {
                errs.0.extend(e.0);
                None
            }
        },
        None if tier != old_tier => Some(tier.default_features()),
        None => Some(current.features.clone()),
    };
    let domain = match &input.domain {
        Some(Some(d)) => errs.check(plan::parse_domain("domain", d)).map(Some),
        Some(None) => Some(None),
        None => Some(current.domain.clone()),
    };
    errs.finish()?;
    match (limits, features, domain) {
        (Some(limits), Some(features), Some(domain)) => Ok(Plan {
            plan_tier: tier.as_str().to_owned(),
            conversations_per_month: limits.conversations_per_month,
            knowledge_bytes: limits.knowledge_bytes,
            features,
            trial_ends_at: input.trial_ends_at.unwrap_or(current.trial_ends_at),
            domain,
        }),
        _ => Err(FieldError::new("body", "invalid", "the plan could not be read").into()),
    }
}

/// The plan every self-registered workspace starts with.
fn free_plan() -> Plan {
    let l = PlanTier::Free.default_limits();
    Plan {
        plan_tier: PlanTier::Free.as_str().to_owned(),
        conversations_per_month: l.conversations_per_month,
        knowledge_bytes: l.knowledge_bytes,
        features: PlanTier::Free.default_features(),
        trial_ends_at: None,
        domain: None,
    }
}

/// A workspace an operator creates for a client.
#[derive(Debug, Default)]
pub struct NewWorkspace {
    pub name: String,
    pub slug: Option<String>,
    /// IANA zone; `UTC` when absent.
    pub timezone: Option<String>,
    /// A registered person who owns it; the operator when absent.
    pub owner_email: Option<String>,
    pub plan: PlanInput,
    /// The assistant profile, when the operator sets one up front.
    pub profile: Option<ProfileInput>,
}

/// Creates a workspace for a client, by operator `operator`, audited `tenant.created` (by a
/// platform admin). Errors: validation of every field (`unknown_user` for an owner e-mail no one
/// registered with); conflicts `slug_taken`, `domain_taken`.
pub async fn create_workspace(
    db: &Database,
    operator: Uuid,
    w: NewWorkspace,
    now: DateTime<Utc>,
) -> Result<Managed, AppError> {
    let mut errs = ValidationErrors::default();
    let name = errs.check(tenant::workspace_name("name", &w.name));
    let slug = errs.optional(w.slug.as_deref().map(|s| Slug::parse("slug", s)));
    let tz = errs.check(tenant::timezone(
        "timezone",
        w.timezone.as_deref().unwrap_or("UTC"),
    ));
    let email = errs.optional(
        w.owner_email
            .as_deref()
            .map(|e| Email::parse("ownerEmail", e)),
    );
    let plan = match plan_of(&free_plan(), &w.plan) {
        Ok(p) => Some(p),
        Err(e) => {
            errs.0.extend(e.0);
            None
        }
    };
    let profile = match w.profile.map(ProfileInput::validate).transpose() {
        Ok(p) => p,
        Err(e) => {
            errs.0.extend(e.0);
            None
        }
    };
    errs.finish()?;
    let owner = match &email {
        Some(e) => match users::find_by_email(db.app(), e.as_str()).await? {
            Some(u) => u.id,
            None => {
                return Err(FieldError::new(
                    "ownerEmail",
                    "unknown_user",
                    "no user has this e-mail; they must register first",
                )
                .into())
            }
        },
        None => operator,
    };
    let (Some(name), Some(tz), Some(plan)) = (name, tz, plan) else {
        return Err(AppError::Internal(
            "validation passed without values".into(),
        ));
    };
    let new = NewTenant {
        name: &name,
        slug: slug.as_ref(),
        timezone: tz.name(),
    };
    let ev = NewAuditEvent {
        tenant_id: None,
        actor_user_id: Some(operator),
        actor_role: Some("PLATFORM_ADMIN".into()),
        event_type: "tenant.created",
        target_type: Some("tenant"),
        target_id: None,
        metadata: serde_json::json!({ "ownerId": owner, "planTier": plan.plan_tier, "domain": plan.domain }),
    };
    Ok(plans::create_workspace(db, owner, &new, &plan, profile.as_ref(), ev, now).await?)
}

/// Changes live workspace `id`'s plan, by operator `operator`, audited `tenant.plan_changed`
/// with the new plan. Errors: not found; validation; conflict `domain_taken`.
pub async fn update_plan(
    db: &Database,
    operator: Uuid,
    id: Uuid,
    input: &PlanInput,
    now: DateTime<Utc>,
) -> Result<Managed, AppError> {
    let current = plans::managed(db.app(), id).await?;
    let plan = plan_of(&current.plan, input)?;
    let ev = NewAuditEvent {
        tenant_id: Some(id),
        actor_user_id: Some(operator),
        actor_role: Some("PLATFORM_ADMIN".into()),
        event_type: "tenant.plan_changed",
        target_type: Some("tenant"),
        target_id: Some(id.to_string()),
        metadata: serde_json::json!({
            "planTier": plan.plan_tier, "conversationsPerMonth": plan.conversations_per_month,
            "knowledgeBytes": plan.knowledge_bytes, "features": plan.features,
            "trialEndsAt": plan.trial_ends_at, "domain": plan.domain,
        }),
    };
    Ok(plans::update(db, id, &plan, &ev, now).await?)
}

/// Makes the registered person with `email` a platform operator, or no longer one (the
/// command line's `wisdomos admin grant|revoke`). Errors: validation (`unknown_user`).
pub async fn set_platform_admin(
    db: &Database,
    email: &str,
    grant: bool,
    now: DateTime<Utc>,
) -> Result<Uuid, AppError> {
    let email = Email::parse("email", email)?;
    let mut tx = db.app().begin().await.map_err(DbError::from)?;
    let id = plans::set_platform_admin(&mut tx, email.as_str(), grant, now)
        .await
        .map_err(|e| match e {
            DbError::NotFound => AppError::from(FieldError::new(
                "email",
                "unknown_user",
                "no user has this e-mail",
            )),
            other => other.into(),
        })?;
    tx.commit().await.map_err(DbError::from)?;
    Ok(id)
}
