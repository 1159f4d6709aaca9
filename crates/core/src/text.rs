//! Text helpers shared by suggestions and, later, classification and pattern detection.

use std::collections::BTreeSet;

/// English stop words left out of term matching (a short list: articles, pronouns, auxiliaries,
/// prepositions and conjunctions).
const STOP_WORDS: &[&str] = &[
    "a", "about", "after", "again", "all", "am", "an", "and", "any", "are", "as", "at", "be",
    "been", "before", "being", "but", "by", "can", "could", "did", "do", "does", "doing", "down",
    "during", "each", "for", "from", "had", "has", "have", "having", "he", "her", "here", "hers",
    "him", "his", "how", "i", "if", "in", "into", "is", "it", "its", "just", "me", "more", "most",
    "my", "myself", "no", "nor", "not", "now", "of", "off", "on", "once", "only", "or", "other",
    "our", "ours", "out", "over", "own", "same", "she", "should", "so", "some", "such", "than",
    "that", "the", "their", "them", "then", "there", "these", "they", "this", "those", "through",
    "to", "too", "under", "until", "up", "very", "was", "we", "were", "what", "when", "where",
    "which", "while", "who", "whom", "why", "will", "with", "would", "you", "your", "yours", "got",
    "get", "went",
];

/// Lower-cased alphanumeric terms of `text` of at least 3 characters, without stop words.
pub fn terms(text: &str) -> BTreeSet<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 3)
        .map(str::to_lowercase)
        .filter(|w| !STOP_WORDS.contains(&w.as_str()))
        .collect()
}

/// How related two items are by shared tags (weight 2 each) and shared terms (weight 1 each).
pub fn relatedness(
    tags_a: &[String],
    terms_a: &BTreeSet<String>,
    tags_b: &[String],
    terms_b: &BTreeSet<String>,
) -> u32 {
    let shared_tags = tags_a.iter().filter(|t| tags_b.contains(t)).count() as u32;
    let shared_terms = terms_a.intersection(terms_b).count() as u32;
    2 * shared_tags + shared_terms
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_skip_stop_words_and_short_words() {
        let t = terms("I got the promotion at Work, finally! Work.");
        assert_eq!(
            t.into_iter().collect::<Vec<_>>(),
            vec!["finally", "promotion", "work"]
        );
    }

    #[test]
    fn relatedness_counts_tags_double() {
        let a = terms("overwork again late night");
        let b = terms("late night overwork");
        assert_eq!(
            relatedness(&["work".into()], &a, &["work".into()], &b),
            2 + 3
        );
        assert_eq!(relatedness(&[], &a, &[], &terms("sunny beach")), 0);
    }
}
