//! The extractive answer (issue 13's offline provider): the most relevant sentences of the
//! passages the knowledge base found, each cited by the passage's number, framed in the
//! workspace's tone. It never writes a claim of its own: every sentence of substance is a
//! sentence of a cited passage.
//!
//! Sentence relevance: the sum, over the question's content stems (Snowball, stop words aside)
//! found in the sentence, of their inverse document frequency across the passages' sentences
//! (`ln(1 + N / n)`, Spärck Jones 1972), plus a share of the passage's own retrieval score so
//! that better passages win ties. Up to [`MAX_SENTENCES`] sentences, at most two per passage,
//! shown in passage order then in the order they were written.
//!
//! A question can match a passage by meaning without sharing a word with it ("What is a will?":
//! "will" is a stop word). Then, if the best passage is close in meaning on its own (cosine at
//! least [`MEANING_ALONE`]), the answer is that passage's first two sentences; otherwise it
//! declines. 0.5 is above the best passage's cosine for every off-topic question of the
//! calibration (at most 0.37) and below that of nine in ten on-topic ones (p10 0.57;
//! docs/benchmarks.md, "The match threshold").

use std::collections::{BTreeSet, HashMap};

use crate::chunk::sentences;
use crate::classify::stems;
use crate::text::is_stop_word;

/// Sentences in an answer, at most.
pub const MAX_SENTENCES: usize = 4;
/// The cosine with the question at which the best passage answers without a shared word.
pub const MEANING_ALONE: f32 = 0.5;
/// Sentences shorter than this (in characters) say too little on their own.
const MIN_SENTENCE_CHARS: usize = 25;

/// A passage the answer may cite, numbered from 1 in the order given to every provider.
#[derive(Debug, Clone)]
pub struct Source<'a> {
    pub n: usize,
    pub text: &'a str,
    /// The retrieval score scaled to 0–1 (the best passage 1).
    pub weight: f32,
    /// The cosine between the passage and the question, with a model.
    pub similarity: Option<f32>,
}

/// The answer's opening for a tone (seed 002 `brandVoice.tone`, free text): warm, precise,
/// energetic or plain.
pub fn opening(tone: &str) -> &'static str {
    let t = tone.to_lowercase();
    let any = |ws: &[&str]| ws.iter().any(|w| t.contains(w));
    if any(&[
        "warm",
        "empath",
        "nurtur",
        "gentle",
        "caring",
        "compassion",
        "kind",
    ]) {
        "Thank you for bringing this. Here is what our material says that may help:"
    } else if any(&[
        "professional",
        "precise",
        "formal",
        "legal",
        "clinical",
        "concise",
    ]) {
        "Based on our knowledge base:"
    } else if any(&["playful", "energetic", "fast", "innovative", "bold", "fun"]) {
        "Good question! Here's what we have on it:"
    } else {
        "Here is what our knowledge base says:"
    }
}

/// What the answer says when no passage passed the match threshold: it declines rather than
/// guesses.
pub fn nothing_found(workspace: &str) -> String {
    format!(
        "I don't have anything on that in {workspace}'s knowledge base, so I won't guess. \
         Could you put it another way, or ask about something we cover?"
    )
}

/// The content stems of `text`: three letters or more, stop words aside.
pub fn content_stems(text: &str) -> BTreeSet<String> {
    stems(text)
        .into_iter()
        .filter(|s| s.chars().count() >= 3 && !is_stop_word(s))
        .collect()
}

/// The answer to `question` from `sources` (best first) in `tone`: the opening, then the
/// chosen sentences each followed by `[n]`. `None` when no sentence shares a content word with
/// the question and the best source is not within [`MEANING_ALONE`] of it (the caller then
/// declines with [`nothing_found`]).
pub fn compose(question: &str, sources: &[Source<'_>], tone: &str) -> Option<String> {
    let q = content_stems(question);
    let candidates: Vec<(usize, usize, &str, BTreeSet<String>)> = sources
        .iter()
        .enumerate()
        .flat_map(|(si, s)| {
            sentences(s.text)
                .into_iter()
                .enumerate()
                .filter(|(_, t)| t.chars().count() >= MIN_SENTENCE_CHARS && !t.starts_with('#'))
                .map(move |(pos, t)| (si, pos, t, content_stems(t)))
        })
        .collect();
    let mut df: HashMap<&str, usize> = HashMap::new();
    for (_, _, _, st) in &candidates {
        for s in st.iter().filter(|s| q.contains(*s)) {
            *df.entry(s.as_str()).or_default() += 1;
        }
    }
    let n = candidates.len() as f32;
    let mut scored: Vec<(f32, usize, usize, &str)> = candidates
        .iter()
        .filter_map(|(si, pos, t, st)| {
            let lexical: f32 = st
                .iter()
                .filter_map(|s| df.get(s.as_str()))
                .map(|&d| (1.0 + n / d as f32).ln())
                .sum();
            (lexical > 0.0).then(|| (lexical + 0.5 * sources[*si].weight, *si, *pos, *t))
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    let best_is_close = sources
        .first()
        .and_then(|s| s.similarity)
        .is_some_and(|c| c >= MEANING_ALONE);
    if scored.is_empty() && best_is_close {
        // Nothing shares a word: the best passage alone, as it is close in meaning.
        scored = candidates
            .iter()
            .filter(|(si, ..)| *si == 0)
            .map(|(si, pos, t, _)| (0.0, *si, *pos, *t))
            .collect();
    }
    let mut chosen: Vec<(usize, usize, &str)> = Vec::new();
    for (_, si, pos, t) in scored {
        if chosen.len() == MAX_SENTENCES {
            break;
        }
        if chosen.iter().filter(|c| c.0 == si).count() < 2 {
            chosen.push((si, pos, t));
        }
    }
    if chosen.is_empty() {
        return None;
    }
    chosen.sort_by_key(|c| (c.0, c.1));
    let body: Vec<String> = chosen
        .iter()
        .map(|(si, _, t)| format!("{} [{}]", t.trim(), sources[*si].n))
        .collect();
    Some(format!("{}\n\n{}", opening(tone), body.join(" ")))
}

/// The citation numbers `[n]` in `answer`, in order of first appearance.
pub fn citations(answer: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut rest = answer;
    while let Some(i) = rest.find('[') {
        rest = &rest[i + 1..];
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        if !digits.is_empty() && rest[digits.len()..].starts_with(']') {
            if let Ok(n) = digits.parse::<usize>() {
                if !out.contains(&n) {
                    out.push(n);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const ESTATE: &str = "Estate planning starts with a will. A will names who inherits your \
        property and who cares for your children. We review every will with the family in person. \
        Our office is open Monday to Friday.";
    const TRUSTS: &str = "A living trust keeps property out of probate. Trusts cost more to set \
        up than a will but settle faster.";

    #[test]
    fn the_answer_is_cited_sentences_of_the_passages_in_the_tone() {
        let sources = [
            Source {
                n: 1,
                text: ESTATE,
                weight: 1.0,
                similarity: None,
            },
            Source {
                n: 2,
                text: TRUSTS,
                weight: 0.6,
                similarity: None,
            },
        ];
        let a = compose(
            "Do I need a will for my children?",
            &sources,
            "warm, caring",
        )
        .unwrap();
        assert!(a.starts_with("Thank you for bringing this."), "{a}");
        assert!(
            a.contains(
                "A will names who inherits your property and who cares for your children. [1]"
            ),
            "{a}"
        );
        assert!(!a.contains("Our office is open"), "{a}");
        for n in citations(&a) {
            assert!(n == 1 || n == 2);
        }
        // Every cited sentence is a passage's own.
        let body = a.split("\n\n").nth(1).unwrap();
        for s in body.split(" [").filter_map(|p| p.split("] ").last()) {
            let s = s.trim_end_matches(|c: char| c == ']' || c.is_ascii_digit());
            if s.len() > 25 {
                assert!(
                    ESTATE.contains(s.trim()) || TRUSTS.contains(s.trim()),
                    "{s}"
                );
            }
        }
    }

    #[test]
    fn nothing_in_common_gives_no_answer() {
        let mut sources = [Source {
            n: 1,
            text: ESTATE,
            weight: 1.0,
            similarity: Some(0.3),
        }];
        assert_eq!(
            compose("What is the capital of Peru?", &sources, "plain"),
            None
        );
        // Close in meaning without a shared word: the best passage's first two sentences.
        sources[0].similarity = Some(0.67);
        assert_eq!(
            compose("What is it?", &sources, "plain").as_deref(),
            Some(
                "Here is what our knowledge base says:\n\nEstate planning starts with a will. [1] \
                 A will names who inherits your property and who cares for your children. [1]"
            )
        );
        assert!(nothing_found("Acme").contains("Acme's knowledge base"));
    }

    #[test]
    fn citations_are_read_back() {
        assert_eq!(citations("a [2] b [10] c [2] d [x] e [3"), vec![2, 10]);
        assert_eq!(
            opening("Professional, precise"),
            "Based on our knowledge base:"
        );
    }
}
