//! Text helpers shared by suggestions and, later, classification and pattern detection.

use std::collections::BTreeSet;

/// English stop words left out of term matching and themes: NLTK's English list (Bird, Klein and
/// Loper, "Natural Language Processing with Python", 2009) of three letters and more, plus
/// words a journal uses for everything (time words, "felt", "thing", "old", "new").
const STOP_WORDS: &[&str] = &[
    "about",
    "above",
    "after",
    "again",
    "against",
    "ain",
    "all",
    "and",
    "any",
    "are",
    "aren",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "can",
    "couldn",
    "did",
    "didn",
    "does",
    "doesn",
    "doing",
    "don",
    "down",
    "during",
    "each",
    "few",
    "for",
    "from",
    "further",
    "had",
    "hadn",
    "has",
    "hasn",
    "have",
    "haven",
    "having",
    "her",
    "here",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "how",
    "into",
    "isn",
    "its",
    "itself",
    "just",
    "mightn",
    "more",
    "most",
    "mustn",
    "myself",
    "needn",
    "nor",
    "not",
    "now",
    "off",
    "once",
    "only",
    "other",
    "our",
    "ours",
    "ourselves",
    "out",
    "over",
    "own",
    "same",
    "shan",
    "she",
    "should",
    "shouldn",
    "some",
    "such",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "too",
    "under",
    "until",
    "very",
    "was",
    "wasn",
    "were",
    "weren",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "why",
    "will",
    "with",
    "won",
    "wouldn",
    "you",
    "your",
    "yours",
    "yourself",
    "yourselves",
    "would",
    "could",
    "also",
    "again",
    "ago",
    "almost",
    "already",
    "always",
    "another",
    "anything",
    "around",
    "away",
    "back",
    "bad",
    "came",
    "come",
    "day",
    "days",
    "even",
    "ever",
    "every",
    "everything",
    "feel",
    "feeling",
    "felt",
    "first",
    "get",
    "getting",
    "going",
    "good",
    "got",
    "last",
    "later",
    "like",
    "little",
    "lot",
    "made",
    "make",
    "many",
    "much",
    "never",
    "new",
    "next",
    "nothing",
    "old",
    "one",
    "really",
    "since",
    "something",
    "still",
    "take",
    "thing",
    "things",
    "time",
    "times",
    "today",
    "took",
    "two",
    "way",
    "well",
    "went",
    "yesterday",
    "yet",
    "along",
    "across",
    "among",
    "behind",
    "beside",
    "near",
    "toward",
    "towards",
    "upon",
    "within",
    "without",
    "onto",
    "via",
    "though",
    "although",
    "whether",
];

/// Whether `word` (lower-case) is a stop word: NLTK's English list, journal filler and
/// prepositions.
pub fn is_stop_word(word: &str) -> bool {
    STOP_WORDS.contains(&word)
}

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
    fn journal_filler_is_never_a_term() {
        let t = terms("Felt old again today, walked along the river without a thing new");
        assert_eq!(t.into_iter().collect::<Vec<_>>(), vec!["river", "walked"]);
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
