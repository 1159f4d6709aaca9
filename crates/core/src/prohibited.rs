//! Prohibited topics (seed 002 `maiaPersonality.prohibitedTopics`): a message about one is
//! declined politely before any generation, whatever the provider.
//!
//! A message is about a topic when either (a) every content stem of the topic (Snowball, stop
//! words and the generic words "advice", "help", "question", "information" aside) is among the
//! message's stems, or (b) with the semantic engine, the cosine between the message and the
//! sentence "a question asking for {topic}" reaches [`SIMILARITY`] (chosen on the labelled
//! cases in the tests and docs/assistant.md).

use std::collections::BTreeSet;

use crate::classify::stems;
use crate::extractive::content_stems;

/// The least cosine at which a message is taken to be about a topic.
pub const SIMILARITY: f32 = 0.5;

/// Generic words a topic name carries that say nothing about its subject.
const GENERIC: &[&str] = &[
    "advic", "advice", "help", "question", "inform", "topic", "tip", "guidanc",
];

/// The sentence embedded for topic `t`.
pub fn prototype(topic: &str) -> String {
    format!("a question asking for {topic}")
}

fn subject_stems(topic: &str) -> BTreeSet<String> {
    content_stems(topic)
        .into_iter()
        .filter(|s| !GENERIC.contains(&s.as_str()))
        .collect()
}

/// The first of `topics` that `message` is about, by words or (when `similarity` gives each
/// topic's cosine with the message, in order) by meaning.
pub fn matched<'a>(
    message: &str,
    topics: &'a [String],
    similarity: Option<&[f32]>,
) -> Option<&'a str> {
    let words = stems(message);
    topics.iter().enumerate().find_map(|(i, t)| {
        let subject = subject_stems(t);
        let by_words = !subject.is_empty() && subject.iter().all(|s| words.contains(s));
        let by_meaning = similarity
            .and_then(|s| s.get(i))
            .is_some_and(|c| *c >= SIMILARITY);
        (by_words || by_meaning).then_some(t.as_str())
    })
}

/// The polite refusal for `topic`, naming it and pointing elsewhere.
pub fn refusal(topic: &str) -> String {
    format!(
        "I'm sorry, but I can't help with {topic} here. For that, please speak with a qualified \
         professional. I'm glad to help with anything else you'd like to explore."
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn topics() -> Vec<String> {
        vec![
            "medical advice".into(),
            "financial advice".into(),
            "stock tips".into(),
        ]
    }

    #[test]
    fn a_topic_is_matched_by_its_subject_words() {
        let t = topics();
        assert_eq!(
            matched("Can you give me some medical guidance?", &t, None),
            Some("medical advice")
        );
        assert_eq!(
            matched("Which stocks should I buy?", &t, None),
            Some("stock tips")
        );
        assert_eq!(matched("I want to plan my estate", &t, None), None);
        assert_eq!(
            matched("Any financial pointers for my pension?", &t, None),
            Some("financial advice")
        );
    }

    #[test]
    fn meaning_matches_what_words_miss() {
        let t = topics();
        let sim = [0.62, 0.2, 0.1];
        assert_eq!(
            matched("Should I double my blood pressure pills?", &t, Some(&sim)),
            Some("medical advice")
        );
        assert_eq!(
            matched("Should I double my pills?", &t, Some(&[0.3, 0.2, 0.1])),
            None
        );
        assert!(refusal("medical advice").contains("can't help with medical advice"));
    }
}
