//! Participants of an organisation and their relationships (seed 003, issue 14): the closed
//! vocabularies, field rules, and the engagement state engine.
//!
//! Seed 003's compliance list holds here: no earnings, income, recruiting or hierarchy
//! (upline/downline) fields or terms; relationships are between peers.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::segments::EngagementThresholds;
use crate::FieldError;

macro_rules! vocabulary {
    ($(#[$doc:meta])* $name:ident, $what:literal, [$($variant:ident => $text:literal),+ $(,)?]) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, ::serde::Serialize, ::serde::Deserialize, ::utoipa::ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            /// Every value, in order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored and serialised name.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// Parses a name (case and surrounding space aside). Errors: `invalid_choice`
            /// naming `field` and the allowed values.
            pub fn parse(field: &str, s: &str) -> Result<Self, $crate::FieldError> {
                let s = s.trim().to_lowercase();
                Self::ALL.iter().copied().find(|v| v.as_str() == s).ok_or_else(|| {
                    let allowed: Vec<&str> = Self::ALL.iter().map(|v| v.as_str()).collect();
                    $crate::FieldError::new(field, "invalid_choice", format!(concat!("{} must be one of ", $what, ": {}"), field, allowed.join(", ")))
                })
            }
        }
    };
}
pub(crate) use vocabulary;

vocabulary!(
    /// Where a participant is in their journey with the organisation.
    LifecycleStage, "the lifecycle stages", [
        Invited => "invited",
        Onboarding => "onboarding",
        Active => "active",
        Paused => "paused",
        Alumni => "alumni",
    ]
);

vocabulary!(
    /// What a participant does in the organisation (peers; no hierarchy).
    ParticipantRole, "the roles", [
        Member => "member",
        Coach => "coach",
        Facilitator => "facilitator",
        Staff => "staff",
        System => "system",
    ]
);

vocabulary!(
    /// How two participants are related.
    RelationshipType, "the relationship types", [
        Peer => "peer",
        Mentor => "mentor",
        Coach => "coach",
        Collaborator => "collaborator",
        Introduced => "introduced",
        Family => "family",
    ]
);

/// A relationship's confidence: 0–1. Errors: `out_of_range` naming `field`.
pub fn confidence(field: &str, c: f64) -> Result<f64, FieldError> {
    if (0.0..=1.0).contains(&c) {
        Ok(c)
    } else {
        Err(FieldError::new(
            field,
            "out_of_range",
            format!("{field} must be from 0 to 1"),
        ))
    }
}

/// A participant's engagement state (the engine below).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EngagementState {
    /// Joined within the last `cooling_after_days` and not active yet.
    New,
    /// Active within `cooling_after_days`.
    Active,
    /// Active again after having been dormant, for `cooling_after_days`.
    Reactivated,
    /// Last active between `cooling_after_days` and `dormant_after_days` ago.
    Cooling,
    /// Not active for `dormant_after_days`, or never after the new period.
    Dormant,
    /// Active or cooling but without any relationship: at risk of drifting away.
    Isolated,
    /// Archived by an intervention; stays until the intervention is reversed.
    Archived,
}

impl EngagementState {
    /// Every state.
    pub const ALL: [EngagementState; 7] = [
        EngagementState::New,
        EngagementState::Active,
        EngagementState::Reactivated,
        EngagementState::Cooling,
        EngagementState::Dormant,
        EngagementState::Isolated,
        EngagementState::Archived,
    ];

    /// The stored name, e.g. `"cooling"`.
    pub fn as_str(self) -> &'static str {
        match self {
            EngagementState::New => "new",
            EngagementState::Active => "active",
            EngagementState::Reactivated => "reactivated",
            EngagementState::Cooling => "cooling",
            EngagementState::Dormant => "dormant",
            EngagementState::Isolated => "isolated",
            EngagementState::Archived => "archived",
        }
    }

    /// Parses a stored name; `None` for anything else.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.as_str() == s)
    }
}

/// What the engine reads.
#[derive(Debug, Clone, Copy)]
pub struct EngagementInput {
    pub created_at: DateTime<Utc>,
    pub last_activity_at: Option<DateTime<Utc>>,
    /// The state stored before this activity, if any.
    pub previous: Option<EngagementState>,
    pub relationships: usize,
    pub archived: bool,
}

/// The engagement state engine, as a state machine (docs/console.md):
///
/// - `archived` is absorbing while the participant is archived;
/// - with no activity yet: `new` inside the cooling window from creation, then `dormant`;
/// - recent activity (inside `cooling_after_days`): `reactivated` if the previous state was
///   `dormant` (or it was already `reactivated`), else `active`; either becomes `isolated`
///   when the participant has no relationship;
/// - older activity: `cooling` (or `isolated` without relationships) until
///   `dormant_after_days`, then `dormant`.
pub fn engagement_state(
    i: EngagementInput,
    now: DateTime<Utc>,
    t: EngagementThresholds,
) -> EngagementState {
    use EngagementState::*;
    if i.archived {
        return Archived;
    }
    let cooling = Duration::days(t.cooling_after_days);
    let dormant = Duration::days(t.dormant_after_days);
    let Some(last) = i.last_activity_at else {
        return if now - i.created_at < cooling {
            New
        } else {
            Dormant
        };
    };
    let age = now - last;
    let alone = i.relationships == 0;
    if age < cooling {
        if alone {
            Isolated
        } else if matches!(i.previous, Some(Dormant | Reactivated)) {
            Reactivated
        } else {
            Active
        }
    } else if age < dormant {
        if alone {
            Isolated
        } else {
            Cooling
        }
    } else {
        Dormant
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use EngagementState::*;

    fn input(
        created_days: i64,
        active_days: Option<i64>,
        previous: Option<EngagementState>,
        rels: usize,
    ) -> EngagementInput {
        let now = Utc::now();
        EngagementInput {
            created_at: now - Duration::days(created_days),
            last_activity_at: active_days.map(|d| now - Duration::days(d)),
            previous,
            relationships: rels,
            archived: false,
        }
    }

    fn state(i: EngagementInput) -> EngagementState {
        engagement_state(i, Utc::now(), EngagementThresholds::default())
    }

    #[test]
    fn the_engine_moves_through_its_states() {
        assert_eq!(state(input(3, None, None, 0)), New);
        assert_eq!(state(input(30, None, Some(New), 2)), Dormant);
        assert_eq!(state(input(100, Some(1), Some(Cooling), 2)), Active);
        assert_eq!(state(input(100, Some(20), Some(Active), 2)), Cooling);
        assert_eq!(state(input(100, Some(60), Some(Cooling), 2)), Dormant);
        assert_eq!(state(input(100, Some(1), Some(Dormant), 2)), Reactivated);
        assert_eq!(
            state(input(100, Some(2), Some(Reactivated), 2)),
            Reactivated
        );
        assert_eq!(state(input(100, Some(1), Some(Active), 0)), Isolated);
        let mut archived = input(100, Some(1), Some(Active), 3);
        archived.archived = true;
        assert_eq!(state(archived), Archived);
        for e in EngagementState::ALL {
            assert_eq!(EngagementState::parse(e.as_str()), Some(e));
            assert_eq!(serde_json::to_value(e).unwrap(), e.as_str());
        }
    }

    #[test]
    fn vocabularies_parse_and_name_the_allowed_values() {
        assert_eq!(
            LifecycleStage::parse("lifecycleStage", " Active ").unwrap(),
            LifecycleStage::Active
        );
        let e = RelationshipType::parse("type", "upline").unwrap_err();
        assert_eq!((e.field.as_str(), e.code), ("type", "invalid_choice"));
        assert!(e.message.contains("peer, mentor"));
        assert!(confidence("confidenceScore", 1.2).is_err());
        assert_eq!(confidence("confidenceScore", 0.4).unwrap(), 0.4);
    }

    #[test]
    fn no_hierarchy_or_earnings_terms() {
        let words: Vec<&str> = LifecycleStage::ALL
            .iter()
            .map(|v| v.as_str())
            .chain(ParticipantRole::ALL.iter().map(|v| v.as_str()))
            .chain(RelationshipType::ALL.iter().map(|v| v.as_str()))
            .collect();
        for banned in [
            "upline", "downline", "recruit", "earning", "income", "sponsor", "level", "rank",
        ] {
            assert!(words.iter().all(|w| !w.contains(banned)), "{banned}");
        }
    }
}
