//! The console's CSV imports (issue 14): participants, and relationships as an edge list. All
//! or nothing, like the journal import: every row is checked first; with any row rejected
//! nothing is written and the report names each row, column and reason; otherwise every row is
//! written in the caller's transaction with one audit row, and the segments' recomputation is
//! queued once.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;
use wisdomos_core::console_import::{self as read, FileError};
use wisdomos_core::import::RowError;
use wisdomos_core::participant::{engagement_state, EngagementInput, ParticipantRole};
use wisdomos_db::audit::{record_in_tenant, NewAuditEvent};
use wisdomos_db::participants::{self, Fields};
use wisdomos_db::{relationships, DbError, TenantTx};

use crate::participants::graph_changed;
use crate::AppError;

/// What an import did (or, refused, would have done).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConsoleImportReport {
    /// Data rows in the file.
    pub total: usize,
    /// Rows written.
    pub created: usize,
    /// Relationships already there, left as they were.
    pub duplicates: usize,
    pub rejected: usize,
    /// The first 1,000 rejected rows.
    pub rejections: Vec<RowError>,
}

fn invalid(e: FileError) -> AppError {
    AppError::Unprocessable {
        code: "invalid_file",
        message: e.0,
        details: serde_json::Value::Null,
    }
}

fn refuse(total: usize, mut rejections: Vec<RowError>) -> AppError {
    let rejected = rejections.len();
    rejections.sort_by_key(|r| r.row);
    rejections.truncate(1000);
    let report = ConsoleImportReport {
        total,
        created: 0,
        duplicates: 0,
        rejected,
        rejections,
    };
    AppError::Unprocessable {
        code: "import_rows_rejected",
        message: format!("{rejected} of {total} rows were rejected; nothing was imported"),
        details: serde_json::to_value(&report).unwrap_or_default(),
    }
}

/// Imports a participants CSV (`wisdomos_core::console_import::participants`); `audit` is
/// the caller's `participants.imported` event. Errors: 422 `invalid_file`; 422
/// `import_rows_rejected` (details: the report) — also for e-mails the organisation already has.
pub async fn participants(
    tx: &mut TenantTx,
    bytes: &[u8],
    mut audit: NewAuditEvent,
    now: DateTime<Utc>,
) -> Result<ConsoleImportReport, AppError> {
    let (rows, mut bad) = read::participants(bytes, now).map_err(invalid)?;
    let total = rows.len() + bad.len();
    let emails: Vec<String> = rows.iter().filter_map(|r| r.email.clone()).collect();
    let taken: HashMap<String, Uuid> = participants::ids_by_email(tx, &emails)
        .await?
        .into_iter()
        .collect();
    for r in &rows {
        if let Some(e) = r.email.as_ref().filter(|e| taken.contains_key(*e)) {
            bad.push(RowError {
                row: r.row,
                field: "email".into(),
                reason: format!("{e} is already a participant"),
            });
        }
    }
    if !bad.is_empty() {
        return Err(refuse(total, bad));
    }
    let t = crate::segments::thresholds(tx).await?;
    let states: Vec<&'static str> = rows
        .iter()
        .map(|r| {
            let input = EngagementInput {
                created_at: now,
                last_activity_at: r.last_activity_at,
                previous: None,
                relationships: 0,
                archived: false,
            };
            engagement_state(input, now, t).as_str()
        })
        .collect();
    let fields: Vec<Fields<'_>> = rows
        .iter()
        .zip(&states)
        .map(|(r, state)| Fields {
            email: r.email.as_deref(),
            display_name: &r.display_name,
            role: r.role.as_str(),
            origin: &r.origin,
            lifecycle_stage: r.stage.as_str(),
            last_activity_at: r.last_activity_at,
            is_system: r.role == ParticipantRole::System,
            engagement_state: state,
        })
        .collect();
    for chunk in fields.chunks(5000) {
        participants::create_many(tx, chunk, now).await?;
    }
    audit.target_type = Some("participants");
    audit.metadata = serde_json::json!({ "created": rows.len() });
    record_in_tenant(tx, &audit, now).await?;
    graph_changed(tx, now).await?;
    Ok(ConsoleImportReport {
        total,
        created: rows.len(),
        duplicates: 0,
        rejected: 0,
        rejections: vec![],
    })
}

/// Imports an edge list (`wisdomos_core::console_import::edges`; ends named by participant id
/// or e-mail); `audit` is the caller's `relationships.imported` event. Relationships the
/// organisation already has are counted as duplicates and left alone. Errors: 422
/// `invalid_file`; 422 `import_rows_rejected`, also for ends naming no participant of the
/// organisation.
pub async fn relationships(
    tx: &mut TenantTx,
    bytes: &[u8],
    mut audit: NewAuditEvent,
    now: DateTime<Utc>,
) -> Result<ConsoleImportReport, AppError> {
    let (rows, mut bad) = read::edges(bytes).map_err(invalid)?;
    let total = rows.len() + bad.len();
    let people = participants::all(tx).await?;
    let mut by_ref: HashMap<String, Uuid> = HashMap::with_capacity(people.len() * 2);
    for p in &people {
        by_ref.insert(p.id.to_string(), p.id);
        if let Some(e) = &p.email {
            by_ref.insert(e.to_lowercase(), p.id);
        }
    }
    let mut edges = Vec::with_capacity(rows.len());
    let mut seen = std::collections::HashSet::new();
    let mut repeated = 0;
    for r in &rows {
        let (Some(&from), Some(&to)) = (by_ref.get(&r.from), by_ref.get(&r.to)) else {
            let (field, name) = if by_ref.contains_key(&r.from) {
                ("to", &r.to)
            } else {
                ("from", &r.from)
            };
            bad.push(RowError {
                row: r.row,
                field: field.into(),
                reason: format!("{name} is no participant of this organisation"),
            });
            continue;
        };
        if from == to {
            bad.push(RowError {
                row: r.row,
                field: "to".into(),
                reason: "both ends are the same participant".into(),
            });
        } else if seen.insert((from, to, r.kind)) {
            edges.push((from, to, r.kind.as_str(), r.confidence));
        } else {
            repeated += 1;
        }
    }
    if !bad.is_empty() {
        return Err(refuse(total, bad));
    }
    let mut created = 0;
    for chunk in edges.chunks(5000) {
        created += relationships::create_many(tx, chunk, "import", now)
            .await
            .map_err(|e| match e {
                DbError::NotFound => {
                    AppError::Internal("a participant vanished during the import".into())
                }
                other => other.into(),
            })? as usize;
    }
    audit.target_type = Some("relationships");
    audit.metadata = serde_json::json!({ "created": created });
    record_in_tenant(tx, &audit, now).await?;
    graph_changed(tx, now).await?;
    Ok(ConsoleImportReport {
        total,
        created,
        duplicates: edges.len() - created + repeated,
        rejected: 0,
        rejections: vec![],
    })
}
