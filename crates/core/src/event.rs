//! Life events and the enums of seed 001 §II: event type, category, tone; insight type;
//! commitment and boundary status.

use serde::{Deserialize, Serialize};

macro_rules! stored_enum {
    ($(#[$doc:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
        #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
        pub enum $name { $($variant),+ }

        impl $name {
            /// Every value, in the seed's order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// Stored and serialised name.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// Parses a stored name (exact, upper case).
            pub fn parse(s: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str() == s)
            }
        }
    };
}

stored_enum!(
    /// What kind of event happened.
    EventType {
        Breakthrough = "BREAKTHROUGH",
        Progress = "PROGRESS",
        Setback = "SETBACK",
        Upset = "UPSET",
        Milestone = "MILESTONE",
        Pattern = "PATTERN",
        Learning = "LEARNING",
    }
);

stored_enum!(
    /// The part of life an event belongs to, independent of the life area.
    EventCategory {
        Personal = "PERSONAL",
        Relational = "RELATIONAL",
        Professional = "PROFESSIONAL",
        Health = "HEALTH",
        Spiritual = "SPIRITUAL",
        Financial = "FINANCIAL",
        Creative = "CREATIVE",
        Other = "OTHER",
    }
);

stored_enum!(
    /// The emotional tone of an event.
    EventTone {
        Positive = "POSITIVE",
        Negative = "NEGATIVE",
        Neutral = "NEUTRAL",
        Transformational = "TRANSFORMATIONAL",
        Complex = "COMPLEX",
    }
);

stored_enum!(
    /// Kinds of insight.
    InsightType {
        TruthRevealed = "TRUTH_REVEALED",
        LimitingBelief = "LIMITING_BELIEF",
        StrengthDiscovered = "STRENGTH_DISCOVERED",
        ValueClarified = "VALUE_CLARIFIED",
        PatternRecognized = "PATTERN_RECOGNIZED",
        WisdomIntegrated = "WISDOM_INTEGRATED",
    }
);

stored_enum!(
    /// Lifecycle of a commitment.
    CommitmentStatus {
        Active = "ACTIVE",
        Completed = "COMPLETED",
        Paused = "PAUSED",
        Abandoned = "ABANDONED",
        Integrated = "INTEGRATED",
    }
);

stored_enum!(
    /// Lifecycle of a boundary.
    BoundaryStatus {
        Active = "ACTIVE",
        Suspended = "SUSPENDED",
        Dissolved = "DISSOLVED",
        Integrated = "INTEGRATED",
    }
);

impl CommitmentStatus {
    /// Counts as kept for the score's commitment factor (seed 001 §III.1).
    pub fn is_completed(self) -> bool {
        matches!(
            self,
            CommitmentStatus::Completed | CommitmentStatus::Integrated
        )
    }
}

/// Emotional charge bounds (seed 001: −5 to +5).
pub const CHARGE_MIN: i32 = -5;
/// See [`CHARGE_MIN`].
pub const CHARGE_MAX: i32 = 5;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for t in EventType::ALL {
            assert_eq!(EventType::parse(t.as_str()), Some(*t));
        }
        assert_eq!(EventCategory::ALL.len(), 8);
        assert_eq!(EventTone::parse("COMPLEX"), Some(EventTone::Complex));
        assert_eq!(InsightType::parse("nope"), None);
        assert!(
            CommitmentStatus::Integrated.is_completed() && !CommitmentStatus::Paused.is_completed()
        );
        assert_eq!(BoundaryStatus::ALL.len(), 4);
    }
}
