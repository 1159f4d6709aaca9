//! A workspace's data to take away (docs/export.md): everything as one JSON document, and the
//! events as CSV in the importer's own format, so an export can be imported again.

use chrono::{DateTime, Utc};
use serde_json::{json, Map, Value};
use wisdomos_db::tenants::Tenant;
use wisdomos_db::{events, export, life_areas, TenantTx};

use crate::AppError;

/// Name and version of the export document's shape (docs/export.md).
pub const FORMAT: &str = "wisdomos-export";
/// See [`FORMAT`]; raised when a field changes meaning, not when a table or field is added.
pub const VERSION: u32 = 1;

/// The whole workspace: `{format, version, exportedAt, workspace{…}, <table>: [rows]}`, one key
/// per table of the workspace's schema in camelCase (`lifeAreas`, `events`, `boundaryViolations`,
/// …), each row an object of every column in camelCase.
pub async fn document(
    tx: &mut TenantTx,
    tenant: &Tenant,
    now: DateTime<Utc>,
) -> Result<Value, AppError> {
    let mut doc = Map::new();
    doc.insert("format".into(), json!(FORMAT));
    doc.insert("version".into(), json!(VERSION));
    doc.insert("exportedAt".into(), json!(now));
    doc.insert(
        "workspace".into(),
        json!({
            "id": tenant.id,
            "name": tenant.name,
            "slug": tenant.slug,
            "timezone": tenant.timezone,
            "planTier": tenant.plan_tier,
            "createdAt": tenant.created_at,
        }),
    );
    for (table, rows) in export::tables(tx).await? {
        doc.insert(camel(&table), camel_keys(rows));
    }
    Ok(Value::Object(doc))
}

/// A download: the body, its content type and a file name (`wisdomos-<slug>-<date>.<ext>`).
pub struct Download {
    pub body: String,
    pub content_type: &'static str,
    pub file_name: String,
}

/// The whole workspace as pretty JSON ([`document`]), or with `csv` its events ([`events_csv`]),
/// as a file to download. The API and the Account page both serve this.
pub async fn download(
    tx: &mut TenantTx,
    tenant: &Tenant,
    csv: bool,
    now: DateTime<Utc>,
) -> Result<Download, AppError> {
    let (body, content_type, ext) = if csv {
        (events_csv(tx).await?, "text/csv; charset=utf-8", "csv")
    } else {
        let doc = document(tx, tenant, now).await?;
        let text = serde_json::to_string_pretty(&doc)
            .map_err(|e| AppError::Internal(format!("serialising the export: {e}")))?;
        (text, "application/json", "json")
    };
    Ok(Download {
        body,
        content_type,
        file_name: format!("wisdomos-{}-{}.{ext}", tenant.slug, now.format("%Y-%m-%d")),
    })
}

/// The columns of the events CSV, the importer's own (docs/import.md, "Our CSV").
pub const CSV_COLUMNS: [&str; 10] = [
    "occurredAt",
    "title",
    "lifeArea",
    "type",
    "category",
    "tone",
    "description",
    "narrative",
    "emotionalCharge",
    "tags",
];

/// Every event, oldest first, as CSV with [`CSV_COLUMNS`]: RFC 3339 times in UTC, the life
/// area's slug, tags joined with `;`. `POST /import/events` reads it back unchanged.
pub async fn events_csv(tx: &mut TenantTx) -> Result<String, AppError> {
    let areas = life_areas::list(tx, &Default::default()).await?;
    let mut all = events::recent(tx, i64::MAX).await?;
    all.reverse();
    let mut w = csv::Writer::from_writer(Vec::new());
    let fail = |e: csv::Error| AppError::Internal(format!("writing CSV: {e}"));
    w.write_record(CSV_COLUMNS).map_err(fail)?;
    for e in all {
        let slug = areas
            .iter()
            .find(|a| a.id == e.life_area_id)
            .map_or(String::new(), |a| a.slug.clone());
        w.write_record([
            e.occurred_at
                .to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
            e.title,
            slug,
            e.event_type,
            e.category,
            e.tone,
            e.description,
            e.narrative.unwrap_or_default(),
            e.emotional_charge.to_string(),
            e.tags.join(";"),
        ])
        .map_err(fail)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| AppError::Internal(format!("writing CSV: {e}")))?;
    String::from_utf8(bytes).map_err(|e| AppError::Internal(format!("CSV is not UTF-8: {e}")))
}

/// `life_area_id` → `lifeAreaId`.
fn camel(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// The keys of every object in an array of rows, in camelCase (values are left alone: a JSON
/// column's own keys are the user's).
fn camel_keys(rows: Value) -> Value {
    match rows {
        Value::Array(rows) => Value::Array(
            rows.into_iter()
                .map(|row| match row {
                    Value::Object(m) => {
                        Value::Object(m.into_iter().map(|(k, v)| (camel(&k), v)).collect())
                    }
                    other => other,
                })
                .collect(),
        ),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn snake_to_camel() {
        assert_eq!(super::camel("boundary_violations"), "boundaryViolations");
        assert_eq!(super::camel("events"), "events");
        assert_eq!(super::camel("life_area_id"), "lifeAreaId");
    }
}
