//! Life areas: the 30 areas of the Phoenix Fulfillment Display in 6 clusters, and status bands.

use serde::{Deserialize, Serialize};

/// The six clusters of seed 000 §4, five areas each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum LifeAreaCluster {
    SystemicStructural,
    RelationalHuman,
    InnerPersonal,
    CreativeExpressive,
    ExploratoryExpansive,
    IntegrativeLegacy,
}

impl LifeAreaCluster {
    /// All clusters in display order.
    pub const ALL: [LifeAreaCluster; 6] = [
        LifeAreaCluster::SystemicStructural,
        LifeAreaCluster::RelationalHuman,
        LifeAreaCluster::InnerPersonal,
        LifeAreaCluster::CreativeExpressive,
        LifeAreaCluster::ExploratoryExpansive,
        LifeAreaCluster::IntegrativeLegacy,
    ];

    /// Stored name, e.g. `"INNER_PERSONAL"`.
    pub fn as_str(self) -> &'static str {
        match self {
            LifeAreaCluster::SystemicStructural => "SYSTEMIC_STRUCTURAL",
            LifeAreaCluster::RelationalHuman => "RELATIONAL_HUMAN",
            LifeAreaCluster::InnerPersonal => "INNER_PERSONAL",
            LifeAreaCluster::CreativeExpressive => "CREATIVE_EXPRESSIVE",
            LifeAreaCluster::ExploratoryExpansive => "EXPLORATORY_EXPANSIVE",
            LifeAreaCluster::IntegrativeLegacy => "INTEGRATIVE_LEGACY",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// Fulfilment status of an area, derived from its 0–100 score (seed 001 `AreaStatus`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AreaStatus {
    Crisis,
    Struggling,
    Balanced,
    Thriving,
    Flourishing,
}

impl AreaStatus {
    /// All statuses from worst to best.
    pub const ALL: [AreaStatus; 5] = [
        AreaStatus::Crisis,
        AreaStatus::Struggling,
        AreaStatus::Balanced,
        AreaStatus::Thriving,
        AreaStatus::Flourishing,
    ];

    /// The band of a score (seed 001): < 20 CRISIS, < 40 STRUGGLING, < 70 BALANCED, < 90
    /// THRIVING, else FLOURISHING. `score` is on the 0–100 scale.
    pub fn for_score(score: f64) -> Self {
        if score < 20.0 {
            AreaStatus::Crisis
        } else if score < 40.0 {
            AreaStatus::Struggling
        } else if score < 70.0 {
            AreaStatus::Balanced
        } else if score < 90.0 {
            AreaStatus::Thriving
        } else {
            AreaStatus::Flourishing
        }
    }

    /// Stored name, e.g. `"BALANCED"`.
    pub fn as_str(self) -> &'static str {
        match self {
            AreaStatus::Crisis => "CRISIS",
            AreaStatus::Struggling => "STRUGGLING",
            AreaStatus::Balanced => "BALANCED",
            AreaStatus::Thriving => "THRIVING",
            AreaStatus::Flourishing => "FLOURISHING",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// Score every area starts at (seed 001: `currentScore` defaults to 50.0).
pub const DEFAULT_SCORE: f64 = 50.0;

/// One of the 30 areas every tenant is provisioned with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeedLifeArea {
    pub slug: &'static str,
    pub name: &'static str,
    pub description: &'static str,
    pub cluster: LifeAreaCluster,
}

const fn area(
    slug: &'static str,
    name: &'static str,
    cluster: LifeAreaCluster,
    description: &'static str,
) -> SeedLifeArea {
    SeedLifeArea {
        slug,
        name,
        description,
        cluster,
    }
}

use LifeAreaCluster::*;

/// The 30 seeded areas in display order (`sortOrder` is the index + 1). Slugs and clusters are
/// seed 000 §4; "Work & Purpose" and "Financial Abundance" are seed 001's names; the other names
/// and descriptions are ours.
pub const SEED_LIFE_AREAS: [SeedLifeArea; 30] = [
    area(
        "work",
        "Work & Purpose",
        SystemicStructural,
        "Your job or vocation, how meaningful it feels and how it is going.",
    ),
    area(
        "finance",
        "Financial Abundance",
        SystemicStructural,
        "Income, spending, savings, debt and your sense of financial security.",
    ),
    area(
        "living-environment",
        "Living Environment",
        SystemicStructural,
        "Your home, its comfort and order, and the place you live in.",
    ),
    area(
        "legal-civic",
        "Legal & Civic Life",
        SystemicStructural,
        "Paperwork, contracts, legal matters, taxes and your duties as a citizen.",
    ),
    area(
        "time-energy-management",
        "Time & Energy",
        SystemicStructural,
        "How you spend your hours and energy, routines, rest and overload.",
    ),
    area(
        "romantic-intimacy",
        "Romance & Intimacy",
        RelationalHuman,
        "Your partner or dating life, closeness, affection and trust.",
    ),
    area(
        "family",
        "Family",
        RelationalHuman,
        "Parents, children, siblings and relatives, and how you get along.",
    ),
    area(
        "friendships",
        "Friendships",
        RelationalHuman,
        "Close friends, keeping in touch, being there for each other.",
    ),
    area(
        "professional-network",
        "Professional Network",
        RelationalHuman,
        "Colleagues, mentors, clients and the people you work alongside.",
    ),
    area(
        "community-belonging",
        "Community & Belonging",
        RelationalHuman,
        "Neighbours, groups and communities where you feel you belong.",
    ),
    area(
        "physical-health",
        "Physical Health",
        InnerPersonal,
        "Your body: fitness, sleep, food, illness and recovery.",
    ),
    area(
        "mental-health",
        "Mental Health",
        InnerPersonal,
        "Stress, anxiety, mood and the state of your mind.",
    ),
    area(
        "emotional-wellbeing",
        "Emotional Wellbeing",
        InnerPersonal,
        "How you feel day to day and how you handle joy, anger, fear and grief.",
    ),
    area(
        "personal-growth",
        "Personal Growth",
        InnerPersonal,
        "Habits, self-knowledge and becoming who you want to be.",
    ),
    area(
        "spirituality-meaning",
        "Spirituality & Meaning",
        InnerPersonal,
        "Faith, practice, reflection and a sense of meaning.",
    ),
    area(
        "creative-expression",
        "Creative Expression",
        CreativeExpressive,
        "Making things: writing, art, music, craft and other creative work.",
    ),
    area(
        "hobbies-play",
        "Hobbies & Play",
        CreativeExpressive,
        "Games, sports, pastimes and play for its own sake.",
    ),
    area(
        "style-aesthetics",
        "Style & Aesthetics",
        CreativeExpressive,
        "Clothes, appearance, design and the beauty around you.",
    ),
    area(
        "humor-levity",
        "Humour & Levity",
        CreativeExpressive,
        "Laughter, lightness and not taking everything seriously.",
    ),
    area(
        "sensuality-pleasure",
        "Sensuality & Pleasure",
        CreativeExpressive,
        "Enjoying the senses: food, touch, music, comfort and delight.",
    ),
    area(
        "travel-adventure",
        "Travel & Adventure",
        ExploratoryExpansive,
        "Trips, journeys, new places and adventures.",
    ),
    area(
        "learning-education",
        "Learning & Education",
        ExploratoryExpansive,
        "School, courses, studying, exams and learning new skills.",
    ),
    area(
        "innovation-experimentation",
        "Innovation & Experimentation",
        ExploratoryExpansive,
        "Trying new ideas, projects and ways of doing things.",
    ),
    area(
        "nature-environment",
        "Nature & Environment",
        ExploratoryExpansive,
        "Time outdoors, animals, the natural world and caring for the planet.",
    ),
    area(
        "curiosity-wonder",
        "Curiosity & Wonder",
        ExploratoryExpansive,
        "Questions, discovery and the sense of awe.",
    ),
    area(
        "purpose-mission",
        "Purpose & Mission",
        IntegrativeLegacy,
        "What you are here to do and the direction of your life.",
    ),
    area(
        "values-integrity",
        "Values & Integrity",
        IntegrativeLegacy,
        "Living by your values, honesty and keeping your word.",
    ),
    area(
        "legacy-impact",
        "Legacy & Impact",
        IntegrativeLegacy,
        "What you leave behind and the difference you make over time.",
    ),
    area(
        "contribution-service",
        "Contribution & Service",
        IntegrativeLegacy,
        "Helping others, volunteering and giving back.",
    ),
    area(
        "wisdom-integration",
        "Wisdom & Integration",
        IntegrativeLegacy,
        "Drawing lessons from experience and living them.",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn thirty_areas_five_per_cluster() {
        assert_eq!(SEED_LIFE_AREAS.len(), 30);
        for c in LifeAreaCluster::ALL {
            assert_eq!(
                SEED_LIFE_AREAS.iter().filter(|a| a.cluster == c).count(),
                5,
                "{c:?}"
            );
        }
        let slugs: HashSet<_> = SEED_LIFE_AREAS.iter().map(|a| a.slug).collect();
        assert_eq!(slugs.len(), 30);
    }

    #[test]
    fn status_bands() {
        let cases = [
            (0.0, AreaStatus::Crisis),
            (19.9, AreaStatus::Crisis),
            (20.0, AreaStatus::Struggling),
            (39.9, AreaStatus::Struggling),
            (40.0, AreaStatus::Balanced),
            (50.0, AreaStatus::Balanced),
            (69.9, AreaStatus::Balanced),
            (70.0, AreaStatus::Thriving),
            (89.9, AreaStatus::Thriving),
            (90.0, AreaStatus::Flourishing),
            (100.0, AreaStatus::Flourishing),
        ];
        for (score, want) in cases {
            assert_eq!(AreaStatus::for_score(score), want, "{score}");
        }
    }

    #[test]
    fn names_round_trip() {
        for c in LifeAreaCluster::ALL {
            assert_eq!(LifeAreaCluster::parse(c.as_str()), Some(c));
        }
        for s in AreaStatus::ALL {
            assert_eq!(AreaStatus::parse(s.as_str()), Some(s));
        }
    }
}
