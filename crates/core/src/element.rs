//! The five elements of seed 002's Spiralogic framework, by which the assistant reads what a
//! person brings (fire: vision and drive; water: feeling; earth: the body and practical steps;
//! air: thought and communication; aether: meaning and integration).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One of the five elements; serialised lower-case (`"fire"`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Element {
    Fire,
    Water,
    Earth,
    Air,
    Aether,
}

impl Element {
    /// The five, in seed 002's order.
    pub const ALL: [Element; 5] = [
        Element::Fire,
        Element::Water,
        Element::Earth,
        Element::Air,
        Element::Aether,
    ];

    /// The serialised name, e.g. `"fire"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Element::Fire => "fire",
            Element::Water => "water",
            Element::Earth => "earth",
            Element::Air => "air",
            Element::Aether => "aether",
        }
    }

    /// Parses a name, case and surrounding space aside; `None` for anything else.
    pub fn parse(s: &str) -> Option<Element> {
        let s = s.trim().to_lowercase();
        Element::ALL.into_iter().find(|e| e.as_str() == s)
    }

    /// What the element stands for, in words a person reads ("vision and drive").
    pub fn meaning(self) -> &'static str {
        match self {
            Element::Fire => "vision, drive and change",
            Element::Water => "feelings and relationships",
            Element::Earth => "the body, routines and practical steps",
            Element::Air => "thinking, learning and communication",
            Element::Aether => "meaning, purpose and integration",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for e in Element::ALL {
            assert_eq!(Element::parse(e.as_str()), Some(e));
            assert_eq!(serde_json::to_value(e).unwrap(), e.as_str());
        }
        assert_eq!(Element::parse(" Water "), Some(Element::Water));
        assert_eq!(Element::parse("wood"), None);
    }
}
