//! Reversible operator interventions (issue 14, seed 003 `interventions`): what each type
//! changes, and the rule that decides whether a reversal is still safe.
//!
//! An intervention records, per target, the fields it changed as they were before
//! (`previousState`) and as it left them (`newState`), both JSON objects keyed by target id:
//! `{"<participant id>": {"lifecycleStage": "active"}}`, or for a relationship
//! `{"<relationship id>": {"relationship": null}}` / `{"relationship": {…the edge…}}`.
//! Reversing writes `previousState` back, but only when every target still holds `newState`
//! exactly; anything else means someone changed it since, and undoing would overwrite their
//! change ([`conflicts`]).

use serde_json::{Map, Value};

use crate::participant::vocabulary;

vocabulary!(
    /// What an intervention does.
    InterventionType, "the intervention types", [
        LifecycleChange => "lifecycle_change",
        RoleChange => "role_change",
        Archive => "archive",
        RelationshipAdd => "relationship_add",
        RelationshipRemove => "relationship_remove",
    ]
);

impl InterventionType {
    /// What its targets are: `participant` or `relationship` (the `scope` column).
    pub fn scope(self) -> &'static str {
        match self {
            InterventionType::RelationshipAdd | InterventionType::RelationshipRemove => {
                "relationship"
            }
            _ => "participant",
        }
    }
}

/// At most this many participants in one intervention (a bulk lifecycle change of a segment).
pub const MAX_TARGETS: usize = 500;

/// A target whose current state is not the one the intervention left.
#[derive(Debug, Clone, PartialEq)]
pub struct Conflict {
    pub target_id: String,
    pub field: String,
    /// As the intervention left it.
    pub expected: Value,
    /// As it is now (`null` when the target is gone).
    pub found: Value,
}

/// Compares the state an intervention left (`left`, its `newState`) with the targets' state now
/// (`current`, the same shape; a missing target counts as all-`null`). Empty means the
/// reversal may proceed. Fields are compared as JSON values, in target then field order.
pub fn conflicts(left: &Value, current: &Value) -> Vec<Conflict> {
    let empty = Map::new();
    let left = left.as_object().unwrap_or(&empty);
    let current = current.as_object().unwrap_or(&empty);
    let mut out = Vec::new();
    for (target, fields) in left {
        let now = current.get(target).and_then(Value::as_object);
        for (field, expected) in fields.as_object().unwrap_or(&empty) {
            let found = now.and_then(|n| n.get(field)).unwrap_or(&Value::Null);
            if found != expected {
                out.push(Conflict {
                    target_id: target.clone(),
                    field: field.clone(),
                    expected: expected.clone(),
                    found: found.clone(),
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_untouched_target_has_no_conflict() {
        let left = json!({"a": {"lifecycleStage": "paused"}, "b": {"lifecycleStage": "paused"}});
        assert!(conflicts(&left, &left.clone()).is_empty());
    }

    #[test]
    fn a_changed_field_is_named_with_both_values() {
        let left = json!({"a": {"lifecycleStage": "paused", "role": "member"}});
        let now = json!({"a": {"lifecycleStage": "alumni", "role": "member"}});
        assert_eq!(
            conflicts(&left, &now),
            vec![Conflict {
                target_id: "a".into(),
                field: "lifecycleStage".into(),
                expected: json!("paused"),
                found: json!("alumni"),
            }]
        );
    }

    #[test]
    fn a_vanished_target_conflicts_unless_it_was_left_absent() {
        let added = json!({"r": {"relationship": {"id": "r", "type": "peer"}}});
        assert_eq!(conflicts(&added, &json!({})).len(), 1);
        let removed = json!({"r": {"relationship": null}});
        assert!(conflicts(&removed, &json!({})).is_empty());
        let recreated = json!({"r": {"relationship": {"id": "r"}}});
        assert_eq!(conflicts(&removed, &recreated)[0].found, json!({"id": "r"}));
    }

    #[test]
    fn types_parse_and_name_their_scope() {
        assert_eq!(
            InterventionType::parse("type", " Archive ").map(InterventionType::scope),
            Ok("participant")
        );
        assert_eq!(InterventionType::RelationshipRemove.scope(), "relationship");
        assert_eq!(
            InterventionType::parse("type", "delete").unwrap_err().code,
            "invalid_choice"
        );
    }
}
