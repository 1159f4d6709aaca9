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

/// Validation of life-domain input (the life-domain issue's rules).
pub mod rules {
    use chrono::{DateTime, Duration, Utc};

    use crate::validation::{bounded_text, FieldError};

    /// Title length in characters.
    pub const TITLE_MAX: usize = 200;
    /// Description, statement, reason and similar text, in characters.
    pub const TEXT_MAX: usize = 10_000;
    /// Narratives, in characters.
    pub const NARRATIVE_MAX: usize = 50_000;
    /// At most this many tags.
    pub const TAGS_MAX: usize = 20;
    /// Tag length in characters.
    pub const TAG_MAX: usize = 50;
    /// How far in the future an event may be dated.
    pub const FUTURE_LEEWAY_HOURS: i64 = 24;

    /// 1–200 characters, trimmed.
    pub fn title(field: &str, s: &str) -> Result<String, FieldError> {
        bounded_text(field, s, 1, TITLE_MAX)
    }

    /// 0..`max` characters, trimmed; control characters other than newlines and tabs refused.
    pub fn text(field: &str, s: &str, max: usize) -> Result<String, FieldError> {
        let t = s.trim();
        if t.chars().count() > max {
            return Err(FieldError::new(
                field,
                "too_long",
                format!("{field} must have at most {max} characters"),
            ));
        }
        if t.chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        {
            return Err(FieldError::new(
                field,
                "invalid_characters",
                format!("{field} must not contain control characters"),
            ));
        }
        Ok(t.to_owned())
    }

    /// An integer in −5..=+5.
    pub fn charge(field: &str, v: i64) -> Result<i32, FieldError> {
        if (i64::from(super::CHARGE_MIN)..=i64::from(super::CHARGE_MAX)).contains(&v) {
            Ok(v as i32)
        } else {
            Err(FieldError::new(
                field,
                "out_of_range",
                format!("{field} must be an integer from -5 to 5"),
            ))
        }
    }

    /// At most 24 hours after `now`.
    pub fn occurred_at(
        field: &str,
        t: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<DateTime<Utc>, FieldError> {
        if t > now + Duration::hours(FUTURE_LEEWAY_HOURS) {
            Err(FieldError::new(
                field,
                "too_far_in_future",
                format!("{field} must be at most 24 hours in the future"),
            ))
        } else {
            Ok(t)
        }
    }

    /// At most 20 tags of 1–50 characters; stored trimmed, lower-case, without duplicates, in
    /// the order given.
    pub fn tags(field: &str, tags: &[String]) -> Result<Vec<String>, FieldError> {
        if tags.len() > TAGS_MAX {
            return Err(FieldError::new(
                field,
                "too_many",
                format!("{field} may hold at most {TAGS_MAX} tags"),
            ));
        }
        let mut out: Vec<String> = Vec::with_capacity(tags.len());
        for (i, t) in tags.iter().enumerate() {
            let t = bounded_text(&format!("{field}[{i}]"), t, 1, TAG_MAX)?.to_lowercase();
            if !out.contains(&t) {
                out.push(t);
            }
        }
        Ok(out)
    }

    /// A month 1–12.
    pub fn month(field: &str, m: i64) -> Result<i32, FieldError> {
        if (1..=12).contains(&m) {
            Ok(m as i32)
        } else {
            Err(FieldError::new(
                field,
                "out_of_range",
                format!("{field} must be from 1 to 12"),
            ))
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn rules() {
            assert_eq!(title("title", "  Hi ").unwrap(), "Hi");
            assert_eq!(title("title", "").unwrap_err().code, "required");
            assert_eq!(
                title("title", &"t".repeat(201)).unwrap_err().code,
                "too_long"
            );
            assert!(title("title", &"t".repeat(200)).is_ok());
            assert_eq!(
                charge("emotionalCharge", 6).unwrap_err().code,
                "out_of_range"
            );
            assert_eq!(charge("emotionalCharge", -5).unwrap(), -5);
            let now = Utc::now();
            assert!(occurred_at("occurredAt", now + Duration::hours(24), now).is_ok());
            assert!(occurred_at("occurredAt", now + Duration::hours(25), now).is_err());
            assert_eq!(
                tags(
                    "tags",
                    &["Work".into(), "work".into(), " Deep Focus ".into()]
                )
                .unwrap(),
                vec!["work", "deep focus"]
            );
            assert_eq!(
                tags("tags", &vec!["x".to_string(); 21]).unwrap_err().code,
                "too_many"
            );
            assert_eq!(tags("tags", &["".into()]).unwrap_err().field, "tags[0]");
            assert_eq!(
                tags("tags", &["y".repeat(51)]).unwrap_err().code,
                "too_long"
            );
            assert_eq!(text("description", "a\nb", 10).unwrap(), "a\nb");
            assert!(text("description", "a\u{7}b", 10).is_err());
            assert!(month("month", 13).is_err() && month("month", 12).is_ok());
        }
    }
}

impl CommitmentStatus {
    /// Whether a commitment may move from `self` to `to`: ACTIVE ↔ PAUSED, ACTIVE or PAUSED →
    /// COMPLETED or ABANDONED, COMPLETED → INTEGRATED, ABANDONED or COMPLETED → ACTIVE (taken up
    /// again). INTEGRATED is final. Staying put is always allowed.
    pub fn can_become(self, to: CommitmentStatus) -> bool {
        use CommitmentStatus::*;
        self == to
            || matches!(
                (self, to),
                (Active, Paused | Completed | Abandoned)
                    | (Paused, Active | Completed | Abandoned)
                    | (Completed, Integrated | Active)
                    | (Abandoned, Active)
            )
    }
}

#[cfg(test)]
mod transition_tests {
    use super::CommitmentStatus::*;

    #[test]
    fn commitment_transitions() {
        assert!(Active.can_become(Completed));
        assert!(Completed.can_become(Integrated));
        assert!(!Integrated.can_become(Active));
        assert!(!Active.can_become(Integrated));
        assert!(Paused.can_become(Active));
        assert!(Abandoned.can_become(Active));
        assert!(Integrated.can_become(Integrated));
    }
}
