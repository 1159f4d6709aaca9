//! Dashboard widgets (seed 004 §2): the known types and their configuration rules.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::validation::FieldError;

/// Widget sizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum WidgetSize {
    Small,
    Medium,
    Large,
}

impl WidgetSize {
    /// The size named `s` (`small`, `medium`, `large`).
    pub fn parse(s: &str) -> Option<Self> {
        [WidgetSize::Small, WidgetSize::Medium, WidgetSize::Large]
            .into_iter()
            .find(|w| w.as_str() == s.trim())
    }

    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            WidgetSize::Small => "small",
            WidgetSize::Medium => "medium",
            WidgetSize::Large => "large",
        }
    }
}

/// Widget types and the configuration keys each accepts.
pub const WIDGET_TYPES: &[(&str, &[&str])] = &[
    ("overall_score", &[]),
    ("status_distribution", &[]),
    ("top_areas", &["limit"]),
    ("needs_attention", &["limit"]),
    ("recent_activity", &["limit"]),
    ("active_commitments", &[]),
    ("upcoming_reviews", &["limit"]),
    ("area_trend", &["lifeArea", "days"]),
    ("recurring_patterns", &["limit"]),
];

/// The default layout of a new tenant (type, position, size).
pub const DEFAULT_LAYOUT: &[(&str, i32, &str)] = &[
    ("overall_score", 0, "small"),
    ("status_distribution", 1, "small"),
    ("needs_attention", 2, "medium"),
    ("recent_activity", 3, "large"),
    ("upcoming_reviews", 4, "medium"),
    ("recurring_patterns", 5, "medium"),
];

/// Checks a widget type. Errors: `unknown_widget_type`.
pub fn widget_type(field: &str, t: &str) -> Result<&'static str, FieldError> {
    WIDGET_TYPES
        .iter()
        .map(|(name, _)| *name)
        .find(|name| *name == t)
        .ok_or_else(|| {
            let names: Vec<&str> = WIDGET_TYPES.iter().map(|(n, _)| *n).collect();
            FieldError::new(
                field,
                "unknown_widget_type",
                format!("{field} must be one of {}", names.join(", ")),
            )
        })
}

/// Validates `config` for `widget_type`: an object with only the type's keys; `limit` an
/// integer 1–20; `days` an integer 7–365; `lifeArea` a non-empty string (an id or slug, checked
/// against the tenant by the caller). Errors name the key as `config.<key>`.
pub fn config(widget_type: &str, config: &Value) -> Result<(), FieldError> {
    let allowed = WIDGET_TYPES
        .iter()
        .find(|(t, _)| *t == widget_type)
        .map_or(&[][..], |(_, k)| *k);
    let obj = config
        .as_object()
        .ok_or_else(|| FieldError::new("config", "invalid_config", "config must be an object"))?;
    for (k, v) in obj {
        let field = format!("config.{k}");
        if !allowed.contains(&k.as_str()) {
            return Err(FieldError::new(
                &field,
                "unknown_key",
                format!("{widget_type} widgets take no `{k}`"),
            ));
        }
        let ok = match k.as_str() {
            "limit" => v.as_i64().is_some_and(|n| (1..=20).contains(&n)),
            "days" => v.as_i64().is_some_and(|n| (7..=365).contains(&n)),
            "lifeArea" => v
                .as_str()
                .is_some_and(|s| !s.trim().is_empty() && s.len() <= 100),
            _ => false,
        };
        if !ok {
            let rule = match k.as_str() {
                "limit" => "an integer from 1 to 20",
                "days" => "an integer from 7 to 365",
                _ => "a life area id or slug",
            };
            return Err(FieldError::new(
                &field,
                "invalid_config",
                format!("{field} must be {rule}"),
            ));
        }
    }
    if widget_type == "area_trend" && !obj.contains_key("lifeArea") {
        return Err(FieldError::new(
            "config.lifeArea",
            "required",
            "area_trend widgets need config.lifeArea",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sizes_by_name() {
        assert_eq!(WidgetSize::parse("large"), Some(WidgetSize::Large));
        assert_eq!(WidgetSize::parse(" small "), Some(WidgetSize::Small));
        assert_eq!(WidgetSize::parse("huge"), None);
        assert_eq!(WidgetSize::parse(""), None);
    }

    #[test]
    fn configs_are_checked_per_type() {
        assert!(config("top_areas", &json!({ "limit": 5 })).is_ok());
        assert_eq!(
            config("top_areas", &json!({ "limit": 50 }))
                .unwrap_err()
                .field,
            "config.limit"
        );
        assert_eq!(
            config("overall_score", &json!({ "limit": 5 }))
                .unwrap_err()
                .code,
            "unknown_key"
        );
        assert_eq!(
            config("area_trend", &json!({})).unwrap_err().field,
            "config.lifeArea"
        );
        assert!(config("area_trend", &json!({ "lifeArea": "work", "days": 30 })).is_ok());
        assert_eq!(
            config("area_trend", &json!({ "lifeArea": "work", "days": 3 }))
                .unwrap_err()
                .field,
            "config.days"
        );
        assert_eq!(
            config("top_areas", &json!([1])).unwrap_err().code,
            "invalid_config"
        );
        assert!(widget_type("widgetType", "revenue_trend").is_err());
        assert!(DEFAULT_LAYOUT
            .iter()
            .all(|(t, _, _)| widget_type("t", t).is_ok()));
    }
}
