//! Every row of every table of a workspace, for its owner to take away (`GET /export`). The
//! tables are read from the catalogue of the tenant's own schema, so a table added by a later
//! migration is exported without a change here.

use crate::{DbError, TenantTx};

/// Each table of the workspace's schema (by name) with its rows as JSON objects keyed by column
/// name (`tenant_id`, the same on every row, and `search`, the full-text index of events, left out). Rows come in a stable order: by
/// `occurred_at`, `created_at`, `date` or `assessed_at` when the table has one, then by the
/// whole row.
pub async fn tables(tx: &mut TenantTx) -> Result<Vec<(String, serde_json::Value)>, DbError> {
    let names: Vec<(String, Option<String>)> = sqlx::query_as(
        "SELECT t.tablename::text,
                (SELECT c.column_name::text FROM information_schema.columns c
                  WHERE c.table_schema = t.schemaname AND c.table_name = t.tablename
                    AND c.column_name IN ('occurred_at', 'created_at', 'date', 'assessed_at')
                  ORDER BY array_position(ARRAY['occurred_at', 'date', 'assessed_at', 'created_at'], c.column_name::text)
                  LIMIT 1)
         FROM pg_tables t WHERE t.schemaname = current_schema() ORDER BY t.tablename",
    )
    .fetch_all(tx.conn())
    .await?;
    let mut out = Vec::with_capacity(names.len());
    for (table, time_column) in names {
        // Names come from the catalogue of our own schema; refuse anything that would need
        // quoting rather than trust it.
        let plain = |s: &str| {
            s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        };
        if !plain(&table) || !time_column.as_deref().is_none_or(plain) {
            return Err(DbError::Refused("unexpected_table_name"));
        }
        let order = time_column.map_or_else(String::new, |c| format!("t.{c}, "));
        let rows: serde_json::Value = sqlx::query_scalar(&format!(
            "SELECT coalesce(jsonb_agg(to_jsonb(t) - 'tenant_id' - 'search' ORDER BY {order}to_jsonb(t)::text), '[]'::jsonb)
             FROM {table} t"
        ))
        .fetch_one(tx.conn())
        .await?;
        out.push((table, rows));
    }
    Ok(out)
}
