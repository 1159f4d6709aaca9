//! Versioned metric definitions and their evaluation, through a [`TenantTx`]. Formulas are
//! validated in `wisdomos_core::metrics`; here they become SQL with every value bound.

use chrono::{DateTime, Utc};
use sqlx::{Postgres, QueryBuilder};
use uuid::Uuid;
use wisdomos_core::metrics::{Condition, FieldType, Formula, Operand, Operator, ResultKind};

use crate::{DbError, TenantTx};

/// One version of a definition.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Definition {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub description: String,
    pub formula: serde_json::Value,
    pub version: i32,
    pub effective_at: DateTime<Utc>,
    pub deprecated_at: Option<DateTime<Utc>>,
    pub created_by_id: Uuid,
    pub created_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, code, name, description, formula, version, effective_at, deprecated_at, created_by_id, created_at";

/// The latest version of every definition, by code.
pub async fn current(tx: &mut TenantTx) -> Result<Vec<Definition>, DbError> {
    Ok(sqlx::query_as(&format!(
        "SELECT DISTINCT ON (code) {COLUMNS} FROM metric_definitions ORDER BY code, version DESC"
    ))
    .fetch_all(tx.conn())
    .await?)
}

/// A definition's `version`, or the version in effect at `at`, or the latest.
/// Errors: [`DbError::NotFound`].
pub async fn get(
    tx: &mut TenantTx,
    code: &str,
    version: Option<i32>,
    at: Option<DateTime<Utc>>,
) -> Result<Definition, DbError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM metric_definitions
         WHERE code = $1 AND ($2::int IS NULL OR version = $2) AND ($3::timestamptz IS NULL OR effective_at <= $3)
         ORDER BY version DESC LIMIT 1"
    ))
    .bind(code)
    .bind(version)
    .bind(at)
    .fetch_one(tx.conn())
    .await?)
}

/// Every version of a definition, oldest first.
pub async fn versions(tx: &mut TenantTx, code: &str) -> Result<Vec<Definition>, DbError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM metric_definitions WHERE code = $1 ORDER BY version"
    ))
    .bind(code)
    .fetch_all(tx.conn())
    .await?)
}

/// Stores version `version` of a definition (1 for a new code). Errors:
/// [`DbError::Conflict`]`("metric_exists")` when that version exists (a new code that is taken,
/// or a concurrent change).
#[allow(clippy::too_many_arguments)]
pub async fn insert(
    tx: &mut TenantTx,
    code: &str,
    name: &str,
    description: &str,
    formula: &serde_json::Value,
    version: i32,
    created_by: Uuid,
    now: DateTime<Utc>,
) -> Result<Definition, DbError> {
    sqlx::query_as(&format!(
        "INSERT INTO metric_definitions (code, name, description, formula, version, effective_at, created_by_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $6) RETURNING {COLUMNS}"
    ))
    .bind(code)
    .bind(name)
    .bind(description)
    .bind(formula)
    .bind(version)
    .bind(now)
    .bind(created_by)
    .fetch_one(tx.conn())
    .await
    .map_err(|e| match DbError::from(e) {
        DbError::Conflict(_) => DbError::Conflict("metric_exists"),
        other => other,
    })
}

/// Deprecates the latest version of a definition. Errors: [`DbError::NotFound`].
pub async fn deprecate(
    tx: &mut TenantTx,
    code: &str,
    now: DateTime<Utc>,
) -> Result<Definition, DbError> {
    Ok(sqlx::query_as(&format!(
        "UPDATE metric_definitions SET deprecated_at = coalesce(deprecated_at, $2)
         WHERE id = (SELECT id FROM metric_definitions WHERE code = $1 ORDER BY version DESC LIMIT 1) RETURNING {COLUMNS}"
    ))
    .bind(code)
    .bind(now)
    .fetch_one(tx.conn())
    .await?)
}

/// The result of evaluating a formula.
#[derive(Debug, Clone)]
pub enum Evaluation {
    Count(i64),
    /// Up to 100 matching rows: id and a label (slug, title or statement).
    Rows(Vec<(Uuid, String)>),
}

fn column(entity: &str, field: &str) -> &'static str {
    match (entity, field) {
        (_, "lifeArea") => "(SELECT la.slug FROM life_areas la WHERE la.tenant_id = t.tenant_id AND la.id = t.life_area_id)",
        ("life_areas", "slug") => "t.slug",
        (_, "name") => "t.name",
        (_, "cluster") => "t.cluster",
        (_, "status") => "t.status",
        (_, "currentScore") => "t.current_score",
        (_, "isActive") => "t.is_active",
        (_, "type") => "t.type",
        (_, "category") => "t.category",
        (_, "tone") => "t.tone",
        (_, "title") => "t.title",
        (_, "emotionalCharge") => "t.emotional_charge",
        (_, "occurredAt") => "t.occurred_at",
        (_, "tags") => "t.tags",
        (_, "statement") => "t.statement",
        (_, "createdAt") => "t.created_at",
        (_, "reviewedAt") => "t.reviewed_at",
        (_, "completedAt") => "t.completed_at",
        (_, "lastReviewedAt") => "coalesce(t.reviewed_at, t.created_at)",
        (_, "violationCount") => "t.violation_count",
        (_, "lastViolatedAt") => "t.last_violated_at",
        _ => "NULL",
    }
}

fn push(qb: &mut QueryBuilder<'_, Postgres>, entity: &str, c: &Condition, now: DateTime<Utc>) {
    match c {
        Condition::And(cs) | Condition::Or(cs) => {
            let joiner = if matches!(c, Condition::And(_)) {
                " AND "
            } else {
                " OR "
            };
            qb.push("(");
            for (i, sub) in cs.iter().enumerate() {
                if i > 0 {
                    qb.push(joiner);
                }
                push(qb, entity, sub, now);
            }
            qb.push(")");
        }
        Condition::Compare {
            field,
            field_type,
            operator,
            value,
        } => {
            let col = column(entity, field);
            match (field_type, operator, value) {
                (FieldType::Tags, _, Operand::Text(s)) => {
                    qb.push(format!("{col} @> ARRAY["))
                        .push_bind(s.to_lowercase())
                        .push("]::text[]");
                }
                (_, Operator::Contains, Operand::Text(s)) => {
                    let pattern = format!(
                        "%{}%",
                        s.replace('\\', "\\\\")
                            .replace('%', "\\%")
                            .replace('_', "\\_")
                    );
                    qb.push(format!("{col} ILIKE ")).push_bind(pattern);
                }
                (_, Operator::In, Operand::Texts(list)) => {
                    qb.push(format!("{col} = ANY("))
                        .push_bind(list.clone())
                        .push(")");
                }
                (_, Operator::Within, Operand::Duration(d)) => {
                    qb.push(format!("{col} > ")).push_bind(now - *d);
                }
                (_, Operator::OlderThan, Operand::Duration(d)) => {
                    qb.push(format!("{col} < ")).push_bind(now - *d);
                }
                (_, op, v) => {
                    let sym = match op {
                        Operator::Eq => " = ",
                        Operator::Ne => " IS DISTINCT FROM ",
                        Operator::Gt => " > ",
                        Operator::Ge => " >= ",
                        Operator::Lt => " < ",
                        _ => " <= ",
                    };
                    qb.push(col).push(sym);
                    match v {
                        Operand::Text(s) => qb.push_bind(s.clone()),
                        Operand::Number(n) => qb.push_bind(*n).push("::float8"),
                        Operand::Bool(b) => qb.push_bind(*b),
                        _ => qb.push("NULL"),
                    };
                }
            }
        }
    }
}

/// Evaluates a validated formula at `now` over the tenant's rows.
pub async fn evaluate(
    tx: &mut TenantTx,
    f: &Formula,
    now: DateTime<Utc>,
) -> Result<Evaluation, DbError> {
    let label = match f.entity {
        "life_areas" => "t.slug",
        "events" => "t.title",
        _ => "t.statement",
    };
    let select = match f.result {
        ResultKind::Count => "SELECT count(*) ".to_owned(),
        ResultKind::Rows => format!("SELECT t.id, {label} "),
    };
    // The entity name is one of four constants checked by the core parser.
    let mut qb: QueryBuilder<Postgres> = QueryBuilder::new(format!("{select}FROM {} t", f.entity));
    if let Some(c) = &f.condition {
        qb.push(" WHERE ");
        push(&mut qb, f.entity, c, now);
    }
    match f.result {
        ResultKind::Count => {
            let n: i64 = qb.build_query_scalar().fetch_one(tx.conn()).await?;
            Ok(Evaluation::Count(n))
        }
        ResultKind::Rows => {
            qb.push(" ORDER BY 2 LIMIT 100");
            let rows: Vec<(Uuid, String)> = qb.build_query_as().fetch_all(tx.conn()).await?;
            Ok(Evaluation::Rows(rows))
        }
    }
}
