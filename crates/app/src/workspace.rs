//! The workspace's own settings: its name and time zone, changed with an audit event.

use chrono::{DateTime, Utc};
use uuid::Uuid;
use wisdomos_core::{tenant, ValidationErrors};
use wisdomos_db::audit::NewAuditEvent;
use wisdomos_db::tenants::{self, Tenant};
use wisdomos_db::Database;

use crate::AppError;

/// Renames workspace `id` and/or moves it to another time zone (`None` keeps a field);
/// `audit` is the actor's `tenant.updated` event (its metadata gets the new values).
/// Errors: validation of `name` (1–100 characters) and `timezone` (an IANA zone name).
pub async fn update(
    db: &Database,
    id: Uuid,
    name: Option<&str>,
    timezone: Option<&str>,
    mut audit: NewAuditEvent,
    now: DateTime<Utc>,
) -> Result<Tenant, AppError> {
    let mut errs = ValidationErrors::default();
    let name = errs.optional(name.map(|n| tenant::workspace_name("name", n)));
    let tz = errs.optional(timezone.map(|t| tenant::timezone("timezone", t)));
    errs.finish()?;
    audit.metadata = serde_json::json!({ "name": name, "timezone": tz.map(|t| t.name()) });
    Ok(tenants::update(db, id, name.as_deref(), tz.map(|t| t.name()), audit, now).await?)
}
