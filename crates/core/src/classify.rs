//! The life-area classifier: suggests an area for a piece of text (an imported journal entry, or
//! what a user is typing into the event form).
//!
//! A transparent keyword model, no training: every area has a hand-written list of everyday
//! words (below) plus the words of its name and description. Text and keywords are lower-cased,
//! split on non-letters and stemmed (Snowball English, Porter 2001); an area scores the sum, over the distinct
//! stems it shares with the text, of `w / k`, where `w` is 1 for a keyword and 0.5 for a word of
//! the name or description, and `k` is the number of areas that know the stem (a word shared by
//! many areas says little). Confidence of the best area = s₁ / (s₁ + s₂ + 0.5), where s₂ is the
//! runner-up: near 1 when one area clearly wins, 0 when nothing matched. Below a threshold
//! (default [`DEFAULT_THRESHOLD`]) callers fall back to a default area.

use std::collections::{BTreeMap, BTreeSet};

use crate::life_area::SEED_LIFE_AREAS;

/// Confidence under which a suggestion is not trusted.
pub const DEFAULT_THRESHOLD: f64 = 0.35;

/// Everyday words of each seeded area, by slug.
pub const KEYWORDS: &[(&str, &str)] = &[
    ("work", "job work working boss office career employer employee promotion fired hired interview shift workplace manager deadline overtime company factory salary unemployed retired retirement labour labor occupation task duty"),
    ("finance", "money salary debt loan bank pay paid bills savings budget expensive cheap bought buy purchase price cost income afford wallet cash rent tax insurance invest investment spent spend poor rich wealth"),
    ("living-environment", "home house apartment flat room roommate landlord kitchen renovate moved move housing neighbourhood dormitory dorm furniture bedroom household chores"),
    ("legal-civic", "police policeman law lawyer court government vote election politics political war soldier army military crime criminal thief robbed robbery arrested arrest justice citizen authorities state president demonstration regime border passport fine officer nation rights"),
    ("time-energy-management", "time late busy schedule tired exhausted rush hurry waiting wait punctual appointment routine overloaded overwhelmed procrastinate energy sleep oversleep"),
    ("romantic-intimacy", "boyfriend girlfriend love lover partner husband wife married marriage marry date dating kiss kissed romantic relationship fiance engaged engagement wedding divorce jealous jealousy affair flirt sweetheart"),
    ("family", "mother father mom mum dad parents parent brother sister son daughter child children baby grandmother grandfather grandma grandpa aunt uncle cousin family relatives born birth pregnant niece nephew sibling siblings"),
    ("friendships", "friend friends friendship buddy pal companion classmate mate acquaintance"),
    ("professional-network", "colleague colleagues coworker client customer mentor supervisor team network conference meeting partner business boss"),
    ("community-belonging", "community neighbour neighbor neighbours club group society village town people strangers stranger public crowd bus street foreigners foreigner racism discrimination member belong belonging minority tram passengers"),
    ("physical-health", "ill illness sick sickness hospital doctor gym workout fitness nap sleep slept surgery operation pain injury injured accident disease cancer health body blood medicine fever dentist exercise diet weight wound broken bone died death dying heart"),
    ("mental-health", "depression depressed anxiety anxious stress stressed panic therapy therapist psychiatrist breakdown suicide mental insomnia nightmare nervous fear afraid frightened scared"),
    ("emotional-wellbeing", "feel feeling felt happy happiness sad sadness cry cried tears upset emotional mood lonely loneliness grief joy angry anger hurt"),
    ("personal-growth", "myself confidence achieve achieved goal succeed success improve habit decided decision independent responsibility mistake growth maturity ability"),
    ("spirituality-meaning", "god church mass pray prayer religion religious faith spiritual meditation soul temple mosque holy sin priest funeral heaven belief"),
    ("creative-expression", "write wrote writing poem poetry paint painting draw drawing music sing song art artist create creative design photography dance theatre novel instrument piano guitar"),
    ("hobbies-play", "game games play played sport sports football soccer tennis match hobby fun chess won win competition swimming ski skiing team tournament"),
    ("style-aesthetics", "clothes dress hair haircut fashion beautiful ugly appearance looks shoes style makeup dirty elegant"),
    ("humor-levity", "joke jokes laugh laughed laughing funny humor humour comedy teased silly prank amusing"),
    ("sensuality-pleasure", "food eat ate eating meal dinner lunch taste delicious drink drinking wine beer smell massage pleasure enjoy enjoyed sex sexual touch bath vomit disgusting drunk"),
    ("travel-adventure", "travel travelling trip journey abroad holiday holidays vacation flight plane airport visit visited tour adventure hitchhike train foreign country"),
    ("learning-education", "exam exams test school university college student study studies studying class teacher professor grade grades marks degree lecture course passed failed thesis homework entrance examination education learn read reading book books"),
    ("innovation-experimentation", "experiment idea invent invention new project try tried startup prototype research technology computer innovate"),
    ("nature-environment", "nature animal animals dog cat pet horse bird forest mountain mountains sea beach lake river garden tree flower weather storm snow rain environment pollution earthquake insect"),
    ("curiosity-wonder", "wonder curious curiosity amazed awe discovered discovery stars universe mystery fascinating explore question"),
    ("purpose-mission", "purpose mission calling vocation future dream dreams ambition direction plans goal meaning"),
    ("values-integrity", "lie lied lying liar cheat cheated cheating steal stole stolen honest honesty promise betray betrayed unfair injustice wrong guilty guilt ashamed shame moral principle truth respect rude insult insulted blame hypocrisy"),
    ("legacy-impact", "legacy impact remembered inherit inheritance descendants generation memorial history grave"),
    ("contribution-service", "help helped helping volunteer charity donate donation service support aid rescue rescued care caring"),
    ("wisdom-integration", "wisdom lesson lessons learned understand understood realize realized reflection experience insight perspective mature acceptance"),
];

/// Light suffix stemming so that `exams`/`exam`, `married`/`marry`, `playing`/`play` meet,
/// keeping words readable (pattern themes show them). The classifier itself uses Snowball.
pub fn stem(word: &str) -> String {
    let w = word.to_lowercase();
    let n = w.chars().count();
    if n > 4 && (w.ends_with("ies") || w.ends_with("ied")) {
        format!("{}y", &w[..w.len() - 3])
    } else if n > 5 && w.ends_with("ing") {
        w[..w.len() - 3].to_owned()
    } else if n > 4 && w.ends_with("ed") {
        w[..w.len() - 2].to_owned()
    } else if n > 3 && w.ends_with('s') && !w.ends_with("ss") {
        w[..w.len() - 1].to_owned()
    } else {
        w
    }
}

/// The distinct Snowball (Porter2) English stems of `text`'s words of two letters or more, so
/// that "promoted" meets "promotion" and "meditated" meets "meditation".
pub fn stems(text: &str) -> BTreeSet<String> {
    static ENGLISH: std::sync::LazyLock<rust_stemmers::Stemmer> = std::sync::LazyLock::new(|| {
        rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::English)
    });
    text.split(|c: char| !c.is_alphabetic())
        .filter(|w| w.chars().count() >= 2)
        .map(|w| ENGLISH.stem(&w.to_lowercase()).into_owned())
        .collect()
}

/// One area the classifier knows.
#[derive(Debug, Clone)]
pub struct AreaProfile {
    pub slug: String,
    pub name: String,
    pub description: String,
}

/// A suggested area with its score and confidence (0–1).
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct Suggestion {
    pub slug: String,
    /// Sum of matched stem weights.
    pub score: f64,
    /// s / (s + runner-up + 0.5) for the best area; for the others, their share against the best.
    pub confidence: f64,
}

/// The classifier over a tenant's areas.
#[derive(Debug, Clone)]
pub struct Classifier {
    slugs: Vec<String>,
    /// stem → (area index, weight) for every area knowing it.
    index: BTreeMap<String, Vec<(usize, f64)>>,
}

impl Classifier {
    /// Builds the model: seeded areas get their keywords; every area its name and description.
    pub fn new(areas: &[AreaProfile]) -> Self {
        let mut raw: BTreeMap<String, BTreeMap<usize, f64>> = BTreeMap::new();
        for (i, a) in areas.iter().enumerate() {
            let keywords = KEYWORDS
                .iter()
                .find(|(s, _)| *s == a.slug)
                .map_or("", |(_, k)| k);
            for s in stems(keywords) {
                raw.entry(s).or_default().insert(i, 1.0);
            }
            for s in stems(&format!("{} {}", a.name, a.description)) {
                let e = raw.entry(s).or_default().entry(i).or_insert(0.5);
                *e = e.max(0.5);
            }
        }
        let index = raw
            .into_iter()
            .map(|(stem, areas)| {
                let k = areas.len() as f64;
                (stem, areas.into_iter().map(|(i, w)| (i, w / k)).collect())
            })
            .collect();
        Self {
            slugs: areas.iter().map(|a| a.slug.clone()).collect(),
            index,
        }
    }

    /// The classifier over the 30 seeded areas.
    pub fn seeded() -> Self {
        let areas: Vec<AreaProfile> = SEED_LIFE_AREAS
            .iter()
            .map(|a| AreaProfile {
                slug: a.slug.to_owned(),
                name: a.name.to_owned(),
                description: a.description.to_owned(),
            })
            .collect();
        Self::new(&areas)
    }

    /// Areas that match `text`, best first (at most `n`); empty when nothing matched.
    pub fn suggest(&self, text: &str, n: usize) -> Vec<Suggestion> {
        let mut scores = vec![0.0f64; self.slugs.len()];
        for s in stems(text) {
            if let Some(hits) = self.index.get(&s) {
                for (i, w) in hits {
                    scores[*i] += w;
                }
            }
        }
        let mut ranked: Vec<(usize, f64)> = scores
            .into_iter()
            .enumerate()
            .filter(|(_, s)| *s > 0.0)
            .collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let best = ranked.first().map_or(0.0, |r| r.1);
        let second = ranked.get(1).map_or(0.0, |r| r.1);
        ranked
            .into_iter()
            .take(n)
            .enumerate()
            .map(|(rank, (i, s))| {
                let confidence = if rank == 0 {
                    s / (s + second + 0.5)
                } else {
                    s / (s + best + 0.5)
                };
                Suggestion {
                    slug: self.slugs[i].clone(),
                    score: s,
                    confidence: (confidence * 1000.0).round() / 1000.0,
                }
            })
            .collect()
    }

    /// The best area for `text` when its confidence reaches `threshold`.
    pub fn classify(&self, text: &str, threshold: f64) -> Option<Suggestion> {
        self.suggest(text, 1)
            .into_iter()
            .next()
            .filter(|s| s.confidence >= threshold)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_seeded_area_has_keywords() {
        for a in SEED_LIFE_AREAS {
            assert!(KEYWORDS.iter().any(|(s, _)| *s == a.slug), "{}", a.slug);
        }
        assert_eq!(KEYWORDS.len(), 30);
    }

    #[test]
    fn stemming_meets_forms() {
        assert_eq!(stem("Exams"), stem("exam"));
        assert_eq!(stem("married"), stem("marry"));
        assert_eq!(stem("playing"), stem("play"));
        assert_eq!(stem("class"), "class");
    }

    #[test]
    fn obvious_texts_land_in_their_area() {
        let c = Classifier::seeded();
        let cases = [
            ("I passed my university entrance exam", "learning-education"),
            (
                "My grandmother and my parents came for my brother's birthday",
                "family",
            ),
            ("My boyfriend and I got engaged", "romantic-intimacy"),
            (
                "The doctor said the surgery went well and the pain is gone",
                "physical-health",
            ),
            (
                "We hiked up the mountain and saw a storm over the lake",
                "nature-environment",
            ),
        ];
        for (text, want) in cases {
            let s = c.classify(text, 0.0).unwrap();
            assert_eq!(s.slug, want, "{text}: {:?}", c.suggest(text, 3));
        }
    }

    #[test]
    fn nothing_matched_means_no_confident_answer() {
        let c = Classifier::seeded();
        assert!(c.suggest("zzz qqq", 3).is_empty());
        assert!(c.classify("zzz qqq", 0.1).is_none());
        let best = c.suggest("exam", 1);
        assert!(best[0].confidence > 0.0 && best[0].confidence < 1.0);
    }

    #[test]
    fn custom_areas_are_known_by_their_words() {
        let mut areas = vec![AreaProfile {
            slug: "sailing".into(),
            name: "Sailing".into(),
            description: "Boats, regattas and the wind".into(),
        }];
        areas.extend(SEED_LIFE_AREAS.iter().map(|a| AreaProfile {
            slug: a.slug.into(),
            name: a.name.into(),
            description: a.description.into(),
        }));
        let c = Classifier::new(&areas);
        assert_eq!(
            c.classify("a regatta with strong wind", 0.0).unwrap().slug,
            "sailing"
        );
    }
}
