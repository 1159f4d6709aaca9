//! Metric definitions' formula language (seed 004 §1), validated on write (docs/metrics.md).
//!
//! ```json
//! { "entity": "commitments",
//!   "where": { "and": [ { "field": "status", "operator": "=", "value": "ACTIVE" },
//!                       { "field": "lastReviewedAt", "operator": "olderThan", "value": "7 days" } ] },
//!   "result": "count" }
//! ```
//! `entity` is one of `life_areas`, `events`, `commitments`, `boundaries`; `where` (optional) is a
//! condition `{field, operator, value}` or `{"and": [...]}` / `{"or": [...]}` (at most 4 levels,
//! 20 conditions); `result` is `count` (default) or `rows`.

use chrono::Duration;
use serde_json::Value;

use crate::validation::FieldError;

/// The type of a field, which decides the operators and values it takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    Text,
    Number,
    Bool,
    Timestamp,
    Tags,
}

/// Entities and their fields.
pub const ENTITIES: &[(&str, &[(&str, FieldType)])] = &[
    (
        "life_areas",
        &[
            ("slug", FieldType::Text),
            ("name", FieldType::Text),
            ("cluster", FieldType::Text),
            ("status", FieldType::Text),
            ("currentScore", FieldType::Number),
            ("isActive", FieldType::Bool),
        ],
    ),
    (
        "events",
        &[
            ("type", FieldType::Text),
            ("category", FieldType::Text),
            ("tone", FieldType::Text),
            ("title", FieldType::Text),
            ("emotionalCharge", FieldType::Number),
            ("occurredAt", FieldType::Timestamp),
            ("tags", FieldType::Tags),
            ("lifeArea", FieldType::Text),
        ],
    ),
    (
        "commitments",
        &[
            ("status", FieldType::Text),
            ("statement", FieldType::Text),
            ("createdAt", FieldType::Timestamp),
            ("reviewedAt", FieldType::Timestamp),
            ("completedAt", FieldType::Timestamp),
            ("lastReviewedAt", FieldType::Timestamp),
            ("lifeArea", FieldType::Text),
        ],
    ),
    (
        "boundaries",
        &[
            ("status", FieldType::Text),
            ("statement", FieldType::Text),
            ("violationCount", FieldType::Number),
            ("lastViolatedAt", FieldType::Timestamp),
            ("lifeArea", FieldType::Text),
        ],
    ),
];

/// A comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operator {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
    In,
    Contains,
    /// Timestamp within the last duration.
    Within,
    /// Timestamp earlier than now minus the duration.
    OlderThan,
}

/// A typed value.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    Text(String),
    Texts(Vec<String>),
    Number(f64),
    Bool(bool),
    Duration(Duration),
}

/// A validated condition tree.
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    Compare {
        field: &'static str,
        field_type: FieldType,
        operator: Operator,
        value: Operand,
    },
    And(Vec<Condition>),
    Or(Vec<Condition>),
}

/// What evaluation returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResultKind {
    Count,
    Rows,
}

/// A validated formula.
#[derive(Debug, Clone, PartialEq)]
pub struct Formula {
    pub entity: &'static str,
    pub condition: Option<Condition>,
    pub result: ResultKind,
}

const MAX_DEPTH: usize = 4;
const MAX_CONDITIONS: usize = 20;

/// Parses a duration like `30 days`, `2 weeks`, `12 hours`, `1 month` (30 days), `1 year` (365
/// days); 1 hour to 10 years.
pub fn parse_duration(s: &str) -> Option<Duration> {
    let mut parts = s.split_whitespace();
    let n: i64 = parts.next()?.parse().ok()?;
    let unit = parts.next()?.trim_end_matches('s');
    if parts.next().is_some() || n <= 0 {
        return None;
    }
    let d = match unit {
        "hour" => Duration::hours(n),
        "day" => Duration::days(n),
        "week" => Duration::weeks(n),
        "month" => Duration::days(30 * n),
        "year" => Duration::days(365 * n),
        _ => return None,
    };
    (d >= Duration::hours(1) && d <= Duration::days(3650)).then_some(d)
}

fn err(path: &str, message: impl Into<String>) -> FieldError {
    FieldError::new(path, "invalid_formula", message)
}

/// Validates a formula. Errors name the offending part, e.g. `formula.where.and[1].value`.
pub fn parse(v: &Value) -> Result<Formula, FieldError> {
    let obj = v.as_object().ok_or_else(|| {
        err(
            "formula",
            "formula must be an object with entity, where and result",
        )
    })?;
    for k in obj.keys() {
        if !["entity", "where", "result"].contains(&k.as_str()) {
            return Err(err(
                &format!("formula.{k}"),
                format!("unknown key `{k}`; expected entity, where, result"),
            ));
        }
    }
    let entity_name = obj
        .get("entity")
        .and_then(Value::as_str)
        .ok_or_else(|| err("formula.entity", "entity is required"))?;
    let (entity, fields) = ENTITIES
        .iter()
        .find(|(e, _)| *e == entity_name)
        .ok_or_else(|| {
            err(
                "formula.entity",
                "entity must be life_areas, events, commitments or boundaries",
            )
        })?;
    let result = match obj.get("result").map(|r| r.as_str()) {
        None | Some(Some("count")) => ResultKind::Count,
        Some(Some("rows")) => ResultKind::Rows,
        _ => return Err(err("formula.result", "result must be count or rows")),
    };
    let mut budget = MAX_CONDITIONS;
    let condition = obj
        .get("where")
        .map(|w| condition(w, fields, "formula.where", 1, &mut budget))
        .transpose()?;
    Ok(Formula {
        entity,
        condition,
        result,
    })
}

fn condition(
    v: &Value,
    fields: &[(&'static str, FieldType)],
    path: &str,
    depth: usize,
    budget: &mut usize,
) -> Result<Condition, FieldError> {
    if depth > MAX_DEPTH {
        return Err(err(
            path,
            format!("conditions nest at most {MAX_DEPTH} levels"),
        ));
    }
    let obj = v.as_object().ok_or_else(|| {
        err(
            path,
            "a condition is {field, operator, value} or {and: [...]} or {or: [...]}",
        )
    })?;
    for (key, make) in [
        ("and", Condition::And as fn(Vec<Condition>) -> Condition),
        ("or", Condition::Or),
    ] {
        if let Some(list) = obj.get(key) {
            if obj.len() != 1 {
                return Err(err(path, format!("`{key}` stands alone in its object")));
            }
            let items = list.as_array().filter(|a| !a.is_empty()).ok_or_else(|| {
                err(
                    &format!("{path}.{key}"),
                    format!("{key} takes a non-empty list"),
                )
            })?;
            let parsed = items
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    condition(c, fields, &format!("{path}.{key}[{i}]"), depth + 1, budget)
                })
                .collect::<Result<Vec<_>, _>>()?;
            return Ok(make(parsed));
        }
    }
    if *budget == 0 {
        return Err(err(
            path,
            format!("a formula has at most {MAX_CONDITIONS} conditions"),
        ));
    }
    *budget -= 1;
    for k in obj.keys() {
        if !["field", "operator", "value"].contains(&k.as_str()) {
            return Err(err(&format!("{path}.{k}"), format!("unknown key `{k}`")));
        }
    }
    let name = obj
        .get("field")
        .and_then(Value::as_str)
        .ok_or_else(|| err(&format!("{path}.field"), "field is required"))?;
    let (field, field_type) = fields
        .iter()
        .copied()
        .find(|(f, _)| *f == name)
        .ok_or_else(|| {
            let names: Vec<&str> = fields.iter().map(|(f, _)| *f).collect();
            err(
                &format!("{path}.field"),
                format!(
                    "unknown field `{name}`; this entity has {}",
                    names.join(", ")
                ),
            )
        })?;
    let op_name = obj
        .get("operator")
        .and_then(Value::as_str)
        .ok_or_else(|| err(&format!("{path}.operator"), "operator is required"))?;
    let operator = match op_name {
        "=" => Operator::Eq,
        "!=" => Operator::Ne,
        ">" => Operator::Gt,
        ">=" => Operator::Ge,
        "<" => Operator::Lt,
        "<=" => Operator::Le,
        "in" => Operator::In,
        "contains" => Operator::Contains,
        "within" => Operator::Within,
        "olderThan" => Operator::OlderThan,
        other => {
            return Err(err(
                &format!("{path}.operator"),
                format!("unknown operator `{other}`"),
            ))
        }
    };
    let allowed: &[Operator] = match field_type {
        FieldType::Text => &[Operator::Eq, Operator::Ne, Operator::In, Operator::Contains],
        FieldType::Number => &[
            Operator::Eq,
            Operator::Ne,
            Operator::Gt,
            Operator::Ge,
            Operator::Lt,
            Operator::Le,
        ],
        FieldType::Bool => &[Operator::Eq, Operator::Ne],
        FieldType::Timestamp => &[Operator::Within, Operator::OlderThan],
        FieldType::Tags => &[Operator::Contains],
    };
    if !allowed.contains(&operator) {
        return Err(err(
            &format!("{path}.operator"),
            format!("`{op_name}` does not apply to {name}"),
        ));
    }
    let vpath = format!("{path}.value");
    let value = obj
        .get("value")
        .ok_or_else(|| err(&vpath, "value is required"))?;
    let operand = match (field_type, operator) {
        (FieldType::Text, Operator::In) => Operand::Texts(
            value
                .as_array()
                .filter(|a| !a.is_empty() && a.len() <= 50)
                .and_then(|a| a.iter().map(|x| x.as_str().map(str::to_owned)).collect::<Option<Vec<_>>>())
                .ok_or_else(|| err(&vpath, "in takes a list of 1-50 strings"))?,
        ),
        (FieldType::Text | FieldType::Tags, _) => {
            Operand::Text(value.as_str().filter(|s| !s.is_empty() && s.len() <= 200).ok_or_else(|| err(&vpath, "value must be a string of 1-200 characters"))?.to_owned())
        }
        (FieldType::Number, _) => Operand::Number(value.as_f64().ok_or_else(|| err(&vpath, "value must be a number"))?),
        (FieldType::Bool, _) => Operand::Bool(value.as_bool().ok_or_else(|| err(&vpath, "value must be true or false"))?),
        (FieldType::Timestamp, _) => Operand::Duration(
            value.as_str().and_then(parse_duration).ok_or_else(|| err(&vpath, "value must be a duration such as \"30 days\" (hours, days, weeks, months, years)"))?,
        ),
    };
    Ok(Condition::Compare {
        field,
        field_type,
        operator,
        value: operand,
    })
}

/// Validates a metric code: 2–64 characters of `a-z`, `0-9` and `_`, starting with a letter.
pub fn code(field: &str, s: &str) -> Result<String, FieldError> {
    let ok = (2..=64).contains(&s.len())
        && s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if ok {
        Ok(s.to_owned())
    } else {
        Err(FieldError::new(
            field,
            "invalid_code",
            format!("{field} must be 2-64 characters of a-z, 0-9 and _, starting with a letter"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_valid_formulas() {
        let f = parse(&json!({ "entity": "commitments", "where": { "and": [
            { "field": "status", "operator": "=", "value": "ACTIVE" },
            { "field": "lastReviewedAt", "operator": "olderThan", "value": "7 days" } ] } }))
        .unwrap();
        assert_eq!((f.entity, f.result), ("commitments", ResultKind::Count));
        assert!(matches!(f.condition, Some(Condition::And(ref c)) if c.len() == 2));
        assert!(parse(&json!({ "entity": "life_areas", "result": "rows" })).is_ok());
        assert!(parse(&json!({ "entity": "events", "where": { "field": "tags", "operator": "contains", "value": "overwork" } })).is_ok());
    }

    #[test]
    fn refuses_bad_formulas_with_the_reason() {
        let path = |v: Value| parse(&v).unwrap_err().field;
        assert_eq!(path(json!([])), "formula");
        assert_eq!(path(json!({ "entity": "customers" })), "formula.entity");
        assert_eq!(
            path(
                json!({ "entity": "events", "where": { "field": "revenue", "operator": "=", "value": 1 } })
            ),
            "formula.where.field"
        );
        assert_eq!(
            path(
                json!({ "entity": "events", "where": { "field": "occurredAt", "operator": ">", "value": 1 } })
            ),
            "formula.where.operator"
        );
        assert_eq!(
            path(
                json!({ "entity": "events", "where": { "field": "occurredAt", "operator": "within", "value": "30 parsecs" } })
            ),
            "formula.where.value"
        );
        assert_eq!(
            path(
                json!({ "entity": "events", "where": { "and": [ { "field": "type", "operator": "=", "value": "UPSET" }, { "field": "emotionalCharge", "operator": "<", "value": "low" } ] } })
            ),
            "formula.where.and[1].value"
        );
        assert_eq!(
            path(json!({ "entity": "events", "where": { "or": [] } })),
            "formula.where.or"
        );
        assert_eq!(
            path(json!({ "entity": "events", "extra": 1 })),
            "formula.extra"
        );
        let deep = json!({ "and": [ { "and": [ { "and": [ { "and": [ { "field": "type", "operator": "=", "value": "X" } ] } ] } ] } ] });
        assert_eq!(
            path(json!({ "entity": "events", "where": deep })),
            "formula.where.and[0].and[0].and[0].and[0]"
        );
    }

    #[test]
    fn durations_and_codes() {
        assert_eq!(parse_duration("30 days"), Some(Duration::days(30)));
        assert_eq!(parse_duration("2 weeks"), Some(Duration::weeks(2)));
        assert_eq!(parse_duration("1 month"), Some(Duration::days(30)));
        assert!(
            parse_duration("0 days").is_none()
                && parse_duration("30").is_none()
                && parse_duration("11 years").is_none()
        );
        assert!(code("code", "areas_in_crisis").is_ok());
        assert!(code("code", "Areas").is_err() && code("code", "1x").is_err());
    }
}
