//! Operator interventions (seed 003 `interventions`), through the organisation's [`TenantTx`].

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::{DbError, Keyset, Page, TenantTx};

/// A stored intervention; `previous_state`/`new_state` are keyed by target id
/// (`wisdomos_core::intervention`).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Intervention {
    pub id: Uuid,
    pub operator_user_id: Uuid,
    pub operator_role: String,
    #[sqlx(rename = "type")]
    pub kind: String,
    pub scope: String,
    pub target_ids: Vec<Uuid>,
    pub reason: String,
    pub previous_state: serde_json::Value,
    pub new_state: serde_json::Value,
    pub created_at: DateTime<Utc>,
    pub reversed_at: Option<DateTime<Utc>>,
    pub reversed_by_user_id: Option<Uuid>,
    pub reversal_reason: Option<String>,
}

const COLUMNS: &str = "id, operator_user_id, operator_role, type, scope, target_ids, reason, \
     previous_state, new_state, created_at, reversed_at, reversed_by_user_id, reversal_reason";

/// An intervention as recorded (its changes are already applied by the caller, in the same
/// transaction).
#[derive(Debug, Clone)]
pub struct NewIntervention<'a> {
    pub operator_user_id: Uuid,
    pub operator_role: &'a str,
    pub kind: &'a str,
    pub scope: &'a str,
    pub target_ids: &'a [Uuid],
    pub reason: &'a str,
    pub previous_state: serde_json::Value,
    pub new_state: serde_json::Value,
}

/// Records an intervention.
pub async fn create(
    tx: &mut TenantTx,
    n: &NewIntervention<'_>,
    now: DateTime<Utc>,
) -> Result<Intervention, DbError> {
    Ok(sqlx::query_as(&format!(
        "INSERT INTO interventions (id, operator_user_id, operator_role, type, scope, target_ids, reason,
             previous_state, new_state, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING {COLUMNS}"
    ))
    .bind(Uuid::new_v4())
    .bind(n.operator_user_id)
    .bind(n.operator_role)
    .bind(n.kind)
    .bind(n.scope)
    .bind(n.target_ids)
    .bind(n.reason)
    .bind(&n.previous_state)
    .bind(&n.new_state)
    .bind(now)
    .fetch_one(tx.conn())
    .await?)
}

/// Intervention `id`, locked until the transaction ends so that two reversals cannot both
/// proceed. Errors: [`DbError::NotFound`].
pub async fn lock(tx: &mut TenantTx, id: Uuid) -> Result<Intervention, DbError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM interventions WHERE id = $1 FOR UPDATE"
    ))
    .bind(id)
    .fetch_one(tx.conn())
    .await?)
}

/// Marks intervention `id` reversed by `by` with `reason`. Errors: [`DbError::NotFound`];
/// [`DbError::Conflict`]`("intervention_already_reversed")`.
pub async fn mark_reversed(
    tx: &mut TenantTx,
    id: Uuid,
    by: Uuid,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Intervention, DbError> {
    let row: Option<Intervention> = sqlx::query_as(&format!(
        "UPDATE interventions SET reversed_at = $2, reversed_by_user_id = $3, reversal_reason = $4
         WHERE id = $1 AND reversed_at IS NULL RETURNING {COLUMNS}"
    ))
    .bind(id)
    .bind(now)
    .bind(by)
    .bind(reason)
    .fetch_optional(tx.conn())
    .await?;
    match row {
        Some(r) => Ok(r),
        None => {
            lock(tx, id).await?;
            Err(DbError::Conflict("intervention_already_reversed"))
        }
    }
}

/// Which interventions to list.
#[derive(Debug, Clone, Copy, Default)]
pub struct Filter {
    /// Only those with this participant or relationship among their targets.
    pub target: Option<Uuid>,
    /// Only reversed (`true`) or live (`false`) ones.
    pub reversed: Option<bool>,
}

/// Interventions newest first, after the keyset of the previous page.
pub async fn list(
    tx: &mut TenantTx,
    f: Filter,
    before: Option<Keyset>,
    limit: i64,
) -> Result<Page<Intervention>, DbError> {
    let (at, id) = before.map_or((None, None), |(a, i)| (Some(a), Some(i)));
    let rows = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM interventions
         WHERE ($1::uuid IS NULL OR $1 = ANY(target_ids))
           AND ($2::boolean IS NULL OR (reversed_at IS NOT NULL) = $2)
           AND ($3::timestamptz IS NULL OR (created_at, id) < ($3, $4))
         ORDER BY created_at DESC, id DESC LIMIT $5"
    ))
    .bind(f.target)
    .bind(f.reversed)
    .bind(at)
    .bind(id)
    .bind(limit + 1)
    .fetch_all(tx.conn())
    .await?;
    Ok(Page::from_overfetch(rows, limit))
}
