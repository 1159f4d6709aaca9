//! Which element (seed 002: fire, water, earth, air, aether) a person's message speaks from.
//!
//! Method (documented in docs/assistant.md): each element has written descriptions
//! ([`descriptions`]) in the first person, the way people bring that element to a coach. With
//! the semantic engine, an element's similarity is the mean of the two best cosines between the
//! message's embedding and its descriptions' (as the life-area classifier does,
//! `classify_semantic`); a few cue words per element ([`cue_score`]) add up to 0.1, and the
//! elemental tags of the knowledge passages found for the message add up to 0.05 (the
//! workspace's own labelling of its material). Confidence is a softmax over the five at
//! temperature [`TEMPERATURE`]. Without a model, cue words alone decide, and a message with no
//! cue is the workspace's primary element.

use crate::element::Element;

/// Softmax temperature over the combined scores.
pub const TEMPERATURE: f32 = 0.05;
/// Weight of the cue words (a full match adds this much).
pub const CUE_WEIGHT: f32 = 0.1;
/// Weight of the passages' elemental tags (all passages tagged with one element adds this).
pub const TAG_WEIGHT: f32 = 0.05;

/// Written descriptions of each element, as a person would say it; embedded once per process.
pub fn descriptions(e: Element) -> &'static [&'static str] {
    match e {
        Element::Fire => &[
            "I have a big vision and I want to start something new",
            "I feel a burning drive to create and make it happen",
            "I am restless and impatient for change",
            "I want to launch my own project and take a bold risk",
            "I'm inspired and full of passion about where I am going",
            "I'm angry and frustrated that nothing is moving fast enough",
            "How do I find the courage to go after my dream?",
            "I want to lead, to take charge and transform my life",
        ],
        Element::Water => &[
            "I feel sad and overwhelmed by my emotions",
            "My relationship is falling apart and I am heartbroken",
            "I am grieving the loss of someone I loved",
            "I feel lonely and want to feel close to people again",
            "I keep crying and I don't know why",
            "I want to heal old wounds from my family",
            "My partner and I can't stop fighting and it hurts",
            "I feel vulnerable and need to be gentle with myself",
        ],
        Element::Earth => &[
            "I need practical steps to get my finances in order",
            "I want to build a daily routine and stick to it",
            "My body is tired and I want to sleep and eat better",
            "How do I organise my week so I get the work done?",
            "I need a concrete plan with clear tasks and deadlines",
            "I want to get fit and look after my health",
            "We are moving house and there is so much to sort out",
            "What are the next practical steps for my business?",
        ],
        Element::Air => &[
            "I keep overthinking and can't make a decision",
            "I want to understand the ideas behind this and think it through",
            "How do I explain my point clearly in a difficult conversation?",
            "I want to learn a new skill and study properly",
            "My thoughts are racing and I need clarity",
            "Can you help me weigh the pros and cons?",
            "I want to communicate better with my team",
            "I'm curious about different perspectives on this question",
        ],
        Element::Aether => &[
            "I am searching for the meaning of my life",
            "I feel connected to something greater than myself",
            "What is my soul's purpose?",
            "I want to bring all the parts of my life together into a whole",
            "I meditate and pray to find inner peace",
            "I feel a spiritual awakening and everything is shifting",
            "I wonder what really matters in the end",
            "I want to live in harmony with the universe and my deeper self",
        ],
    }
}

/// Cue words per element (lower-case word starts), a cheap signal that also works without a
/// model.
fn cues(e: Element) -> &'static [&'static str] {
    match e {
        Element::Fire => &[
            "vision", "passion", "inspir", "courage", "dream", "launch", "start", "bold", "drive",
            "ambition", "angry", "anger", "frustrat", "risk", "lead", "creat",
        ],
        Element::Water => &[
            "feel",
            "sad",
            "grief",
            "griev",
            "cry",
            "lonely",
            "heart",
            "love",
            "hurt",
            "relationship",
            "partner",
            "family",
            "emotion",
            "heal",
            "wound",
            "tears",
        ],
        Element::Earth => &[
            "money",
            "financ",
            "budget",
            "routine",
            "plan",
            "task",
            "deadline",
            "body",
            "sleep",
            "eat",
            "health",
            "fit",
            "practical",
            "step",
            "organis",
            "organiz",
            "house",
            "job",
        ],
        Element::Air => &[
            "think",
            "thought",
            "idea",
            "understand",
            "learn",
            "study",
            "decid",
            "decision",
            "explain",
            "communicat",
            "clarity",
            "clear",
            "perspective",
            "question",
            "curious",
            "overthink",
        ],
        Element::Aether => &[
            "meaning",
            "soul",
            "spirit",
            "sacred",
            "purpose",
            "universe",
            "meditat",
            "pray",
            "whole",
            "divine",
            "awaken",
            "transcend",
            "god",
            "mystery",
        ],
    }
}

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// The share (0–1) of `text`'s words that cue element `e`, scaled so that two cue words are a
/// full match.
pub fn cue_score(e: Element, text: &str) -> f32 {
    let hits = words(text)
        .iter()
        .filter(|w| cues(e).iter().any(|c| w.starts_with(c)))
        .count();
    (hits as f32 / 2.0).min(1.0)
}

/// The detector's answer: the dominant element, its confidence (0–1) and every element's
/// probability, highest first.
#[derive(Debug, Clone, PartialEq)]
pub struct Detection {
    pub element: Element,
    pub confidence: f32,
    pub scores: Vec<(Element, f32)>,
}

/// Detects the element of `text`. `similarity` is each element's similarity from the engine
/// (in [`Element::ALL`] order; `None` without a model); `tags` are the elemental tags of the
/// passages found for the message (repeats count); `fallback` is the element when nothing
/// speaks (the workspace's primary).
pub fn detect(
    text: &str,
    similarity: Option<[f32; 5]>,
    tags: &[Element],
    fallback: Element,
) -> Detection {
    let tagged = |e: Element| {
        if tags.is_empty() {
            0.0
        } else {
            tags.iter().filter(|t| **t == e).count() as f32 / tags.len() as f32
        }
    };
    let raw: Vec<(Element, f32)> = Element::ALL
        .iter()
        .enumerate()
        .map(|(i, &e)| {
            let base = similarity.map_or(0.0, |s| s[i]);
            (
                e,
                base + CUE_WEIGHT * cue_score(e, text) + TAG_WEIGHT * tagged(e),
            )
        })
        .collect();
    if similarity.is_none() && raw.iter().all(|(_, s)| *s == 0.0) {
        let scores = Element::ALL
            .iter()
            .map(|&e| (e, if e == fallback { 1.0 } else { 0.0 }))
            .collect();
        return Detection {
            element: fallback,
            confidence: 0.0,
            scores,
        };
    }
    let max = raw.iter().map(|r| r.1).fold(f32::MIN, f32::max);
    let exp: Vec<f32> = raw
        .iter()
        .map(|(_, s)| ((s - max) / TEMPERATURE).exp())
        .collect();
    let sum: f32 = exp.iter().sum();
    let mut scores: Vec<(Element, f32)> = raw
        .iter()
        .zip(&exp)
        .map(|((e, _), x)| (*e, x / sum))
        .collect();
    scores.sort_by(|a, b| b.1.total_cmp(&a.1));
    Detection {
        element: scores[0].0,
        confidence: scores[0].1,
        scores,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cue_words_decide_without_a_model() {
        let d = detect(
            "I can't stop crying since the break-up, my heart hurts",
            None,
            &[],
            Element::Air,
        );
        assert_eq!(d.element, Element::Water);
        let d = detect(
            "I need a budget and a plan for my money",
            None,
            &[],
            Element::Air,
        );
        assert_eq!(d.element, Element::Earth);
    }

    #[test]
    fn nothing_to_go_on_is_the_fallback_with_no_confidence() {
        let d = detect("hello there", None, &[], Element::Fire);
        assert_eq!((d.element, d.confidence), (Element::Fire, 0.0));
    }

    #[test]
    fn similarity_leads_and_tags_tip_a_tie() {
        let sim = [0.30, 0.30, 0.20, 0.20, 0.20];
        let d = detect(
            "hello",
            Some(sim),
            &[Element::Water, Element::Water],
            Element::Fire,
        );
        assert_eq!(d.element, Element::Water);
        let total: f32 = d.scores.iter().map(|s| s.1).sum();
        assert!((total - 1.0).abs() < 1e-4);
        let d = detect(
            "hello",
            Some([0.2, 0.2, 0.5, 0.2, 0.2]),
            &[Element::Water],
            Element::Fire,
        );
        assert_eq!(d.element, Element::Earth);
        assert!(d.confidence > 0.9);
    }
}
