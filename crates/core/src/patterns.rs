//! Pattern recognition (seed 001 §III.2): groups a tenant's recent events by what they are about.
//!
//! 1. Each event becomes a bag of stems (title, description and narrative through
//!    [`crate::classify::stem`], stop words and words under 3 letters removed) plus its tags
//!    (`#tag`, counted twice).
//! 2. Weights are TF-IDF: (1 + ln tf) × ln(N / df), at least 1 for tags; stems in more than a quarter of the events
//!    are dropped once there are more than 80 events (they link everything), as are stems in a
//!    single event. Vectors are L2-normed.
//! 3. Clustering is density-based (DBSCAN, Ester et al., KDD 1996) on cosine similarity: two
//!    events are neighbours when their cosine is at least [`SIMILARITY`]; an event with at least
//!    [`MIN_GROUP`] − 1 neighbours is a core event; groups are the connected core events and the
//!    neighbours they reach. Neighbours are found through an inverted index, so only events that
//!    share a stem are ever compared.
//! 4. A group of at least [`MIN_GROUP`] events is a pattern. Its theme is its most distinctive
//!    stems and tags: the highest summed TF-IDF weights in the group (tags shared by at least
//!    half the group first).

use std::collections::{BTreeMap, HashMap};

use crate::classify::stem;
use crate::text::terms;

/// Cosine similarity at which two events are neighbours. On the ISEAR corpus (5,875 short
/// texts) 0.35 chained 3,353 events into one group; 0.6 gives tight groups (largest 82); see
/// docs/patterns.md for the measurements.
pub const SIMILARITY: f64 = 0.6;
/// Smallest group that is a pattern (seed 001: frequency ≥ 3).
pub const MIN_GROUP: usize = 3;
/// Stems in more than this share of the events are ignored.
pub const MAX_DOC_SHARE: f64 = 0.25;

/// What pattern detection needs of an event.
#[derive(Debug, Clone)]
pub struct PatternInput<Id> {
    pub id: Id,
    pub text: String,
    pub tags: Vec<String>,
}

/// A group of related events.
#[derive(Debug, Clone, PartialEq)]
pub struct Pattern<Id> {
    /// Members, in input order.
    pub events: Vec<Id>,
    /// Up to three theme words (tags without `#`), most distinctive first.
    pub theme: Vec<String>,
}

fn bag(e: &PatternInput<impl Clone>) -> HashMap<String, f64> {
    let mut tf: HashMap<String, f64> = HashMap::new();
    for t in terms(&e.text) {
        *tf.entry(stem(&t)).or_default() += 1.0;
    }
    for tag in &e.tags {
        *tf.entry(format!("#{}", tag.to_lowercase())).or_default() += 2.0;
    }
    tf
}

/// Finds the patterns among `events` with the default parameters.
pub fn detect<Id: Clone>(events: &[PatternInput<Id>]) -> Vec<Pattern<Id>> {
    detect_with(events, SIMILARITY, MIN_GROUP)
}

/// Finds the patterns with a given neighbour similarity and minimum group size (a core event
/// needs `min_group − 1` neighbours).
pub fn detect_with<Id: Clone>(
    events: &[PatternInput<Id>],
    similarity: f64,
    min_group: usize,
) -> Vec<Pattern<Id>> {
    let n = events.len();
    if n < MIN_GROUP {
        return Vec::new();
    }
    let bags: Vec<HashMap<String, f64>> = events.iter().map(bag).collect();
    let mut df: HashMap<&str, usize> = HashMap::new();
    for b in &bags {
        for t in b.keys() {
            *df.entry(t.as_str()).or_default() += 1;
        }
    }
    // Small journals keep every stem: a theme in 4 of 12 events is exactly what we look for.
    let max_df = ((n as f64) * MAX_DOC_SHARE).max(20.0) as usize;
    // Vocabulary ids for the stems that can link events.
    let mut vocab: HashMap<&str, usize> = HashMap::new();
    let mut idf: Vec<f64> = Vec::new();
    let mut names: Vec<&str> = Vec::new();
    for (t, d) in &df {
        if *d >= 2 && *d <= max_df {
            vocab.insert(t, idf.len());
            let w = ((n as f64) / (*d as f64)).ln();
            // A tag is a deliberate signal from the writer: frequent tags stay strong links.
            idf.push(if t.starts_with('#') { w.max(1.0) } else { w });
            names.push(t);
        }
    }
    let vectors: Vec<Vec<(usize, f64)>> = bags
        .iter()
        .map(|b| {
            let mut v: Vec<(usize, f64)> = b
                .iter()
                .filter_map(|(t, tf)| {
                    vocab
                        .get(t.as_str())
                        .map(|&i| (i, (1.0 + tf.ln()) * idf[i]))
                })
                .collect();
            let norm = v.iter().map(|(_, w)| w * w).sum::<f64>().sqrt();
            if norm > 0.0 {
                for x in &mut v {
                    x.1 /= norm;
                }
            }
            v.sort_by_key(|x| x.0);
            v
        })
        .collect();
    let mut postings: Vec<Vec<(usize, f64)>> = vec![Vec::new(); idf.len()];
    for (d, v) in vectors.iter().enumerate() {
        for &(t, w) in v {
            postings[t].push((d, w));
        }
    }
    // Neighbours by accumulated dot products over shared stems.
    let mut neighbours: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut acc: Vec<f64> = vec![0.0; n];
    let mut touched: Vec<usize> = Vec::new();
    for d in 0..n {
        for &(t, w) in &vectors[d] {
            for &(o, wo) in &postings[t] {
                if o != d {
                    if acc[o] == 0.0 {
                        touched.push(o);
                    }
                    acc[o] += w * wo;
                }
            }
        }
        for &o in &touched {
            if acc[o] >= similarity {
                neighbours[d].push(o);
            }
            acc[o] = 0.0;
        }
        touched.clear();
    }
    // DBSCAN over the neighbour graph.
    let core: Vec<bool> = neighbours
        .iter()
        .map(|nb| nb.len() + 1 >= MIN_GROUP)
        .collect();
    let mut label: Vec<Option<usize>> = vec![None; n];
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for start in 0..n {
        if !core[start] || label[start].is_some() {
            continue;
        }
        let g = groups.len();
        let mut members = vec![start];
        label[start] = Some(g);
        let mut stack = vec![start];
        while let Some(d) = stack.pop() {
            for &o in &neighbours[d] {
                if label[o].is_none() {
                    label[o] = Some(g);
                    members.push(o);
                    if core[o] {
                        stack.push(o);
                    }
                }
            }
        }
        groups.push(members);
    }
    groups
        .into_iter()
        .filter(|m| m.len() >= min_group.max(MIN_GROUP))
        .map(|mut members| {
            members.sort_unstable();
            let mut weight: BTreeMap<usize, f64> = BTreeMap::new();
            let mut tag_count: HashMap<usize, usize> = HashMap::new();
            for &d in &members {
                for &(t, w) in &vectors[d] {
                    *weight.entry(t).or_default() += w;
                    if names[t].starts_with('#') {
                        *tag_count.entry(t).or_default() += 1;
                    }
                }
            }
            let mut ranked: Vec<(usize, f64)> = weight.into_iter().collect();
            ranked.sort_by(|a, b| {
                let shared = |t: usize| tag_count.get(&t).is_some_and(|c| c * 2 >= members.len());
                shared(b.0)
                    .cmp(&shared(a.0))
                    .then(b.1.total_cmp(&a.1))
                    .then(names[a.0].cmp(names[b.0]))
            });
            // A tag and a word of the text can be the same word (`#sam` and "Sam"): once.
            let mut theme: Vec<String> = Vec::new();
            for (t, _) in &ranked {
                let word = names[*t].trim_start_matches('#');
                if theme.len() < 3 && !theme.iter().any(|w| w == word) {
                    theme.push(word.to_owned());
                }
            }
            Pattern {
                events: members.iter().map(|&d| events[d].id.clone()).collect(),
                theme,
            }
        })
        .collect()
}

/// "Recurring: a, b, c".
pub fn title(theme: &[String]) -> String {
    format!("Recurring: {}", theme.join(", "))
}

/// The share of `b` found in `a` (0–1): how much an old pattern's events remain in a new one.
pub fn overlap<T: PartialEq>(a: &[T], b: &[T]) -> f64 {
    if b.is_empty() {
        return 0.0;
    }
    b.iter().filter(|x| a.contains(x)).count() as f64 / b.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(id: u32, text: &str, tags: &[&str]) -> PatternInput<u32> {
        PatternInput {
            id,
            text: text.into(),
            tags: tags.iter().map(|t| t.to_string()).collect(),
        }
    }

    #[test]
    fn a_tag_and_a_word_alike_appear_once_in_the_theme() {
        let events: Vec<_> = (0..4)
            .map(|i| ev(i, "Sam, again", &["sam", "night"]))
            .collect();
        let p = detect(&events);
        assert_eq!(p.len(), 1);
        let mut theme = p[0].theme.clone();
        theme.sort();
        theme.dedup();
        assert_eq!(theme.len(), p[0].theme.len(), "{:?}", p[0].theme);
        assert!(p[0].theme.contains(&"sam".to_owned()));
    }

    #[test]
    fn finds_recurring_themes_and_leaves_noise() {
        let events = vec![
            ev(
                1,
                "Stayed late at the office before the deadline",
                &["overwork"],
            ),
            ev(
                2,
                "Another late night before the release deadline",
                &["overwork"],
            ),
            ev(
                3,
                "Worked the whole weekend to hit the deadline",
                &["overwork"],
            ),
            ev(4, "Deadline crunch, skipped dinner", &["overwork"]),
            ev(5, "Sunday call with mum about her garden", &["family"]),
            ev(6, "Called mum on Sunday, she sounded well", &["family"]),
            ev(7, "Long Sunday phone call with mum", &["family"]),
            ev(8, "Bought a new bicycle", &[]),
            ev(9, "Saw a rainbow over the lake", &[]),
            ev(10, "Tax return filed", &[]),
            ev(11, "Dentist appointment went fine", &[]),
            ev(12, "Painted the fence", &[]),
        ];
        let mut p = detect(&events);
        p.sort_by_key(|g| g.events[0]);
        assert_eq!(p.len(), 2, "{p:?}");
        assert_eq!(p[0].events, vec![1, 2, 3, 4]);
        assert_eq!(p[0].theme[0], "overwork");
        assert!(
            p[0].theme.iter().any(|t| t == "deadline"),
            "{:?}",
            p[0].theme
        );
        assert_eq!(p[1].events, vec![5, 6, 7]);
        assert_eq!(p[1].theme[0], "family");
        assert_eq!(
            title(&p[0].theme),
            format!("Recurring: {}", p[0].theme.join(", "))
        );
    }

    #[test]
    fn too_few_events_make_no_pattern() {
        assert!(detect(&[ev(1, "late deadline", &[]), ev(2, "late deadline", &[])]).is_empty());
        assert!(detect::<u32>(&[]).is_empty());
    }

    #[test]
    fn overlap_measures_kept_members() {
        assert_eq!(overlap(&[1, 2, 3, 4], &[1, 2, 9]), 2.0 / 3.0);
        assert_eq!(overlap::<u32>(&[1], &[]), 0.0);
    }
}
