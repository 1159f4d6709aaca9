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
    /// The event's life area (any stable key), when known; used by detection by meaning.
    pub area: Option<String>,
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

/// Events as L2-normed TF-IDF vectors over the terms that can link them (step 2 above).
pub(crate) struct Weighted {
    /// Per event, (term id, weight) sorted by term id.
    pub vectors: Vec<Vec<(usize, f64)>>,
    /// Term id → the term (`#tag` for tags).
    pub names: Vec<String>,
    /// Term id → how it is shown: a tag without `#`, a stem as its most frequent word.
    pub shown: Vec<String>,
}

pub(crate) fn weigh<Id: Clone>(events: &[PatternInput<Id>]) -> Weighted {
    let n = events.len();
    let bags: Vec<HashMap<String, f64>> = events.iter().map(bag).collect();
    // Which words each stem stands for, so a theme reads "loved", not "lov".
    let mut surface: HashMap<String, BTreeMap<String, usize>> = HashMap::new();
    for e in events {
        for t in terms(&e.text) {
            *surface.entry(stem(&t)).or_default().entry(t).or_default() += 1;
        }
    }
    let mut df: HashMap<&str, usize> = HashMap::new();
    for b in &bags {
        for t in b.keys() {
            *df.entry(t.as_str()).or_default() += 1;
        }
    }
    // Small journals keep every stem: a theme in 4 of 12 events is exactly what we look for.
    let max_df = ((n as f64) * MAX_DOC_SHARE).max(20.0) as usize;
    let mut vocab: HashMap<&str, usize> = HashMap::new();
    let mut idf: Vec<f64> = Vec::new();
    let mut names: Vec<String> = Vec::new();
    for (t, d) in &df {
        if *d >= 2 && *d <= max_df {
            vocab.insert(t, idf.len());
            let w = ((n as f64) / (*d as f64)).ln();
            // A tag is a deliberate signal from the writer: frequent tags stay strong links.
            idf.push(if t.starts_with('#') { w.max(1.0) } else { w });
            names.push((*t).to_owned());
        }
    }
    let vectors = bags
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
    let shown = names
        .iter()
        .map(|t| match t.strip_prefix('#') {
            Some(tag) => tag.to_owned(),
            None => surface
                .get(t)
                .and_then(|words| {
                    words
                        .iter()
                        .max_by(|a, b| a.1.cmp(b.1).then(b.0.len().cmp(&a.0.len())))
                        .map(|(w, _)| w.clone())
                })
                .unwrap_or_else(|| t.clone()),
        })
        .collect();
    Weighted {
        vectors,
        names,
        shown,
    }
}

/// Up to three theme words of a group (step 4 above): tags held by at least half the group
/// first, then terms held by at least two members, then the rest, each by summed weight.
pub(crate) fn theme(w: &Weighted, members: &[usize]) -> Vec<String> {
    let mut weight: BTreeMap<usize, f64> = BTreeMap::new();
    let mut held: HashMap<usize, usize> = HashMap::new();
    for &d in members {
        for &(t, x) in &w.vectors[d] {
            *weight.entry(t).or_default() += x;
            *held.entry(t).or_default() += 1;
        }
    }
    let rank = |t: usize| {
        let h = held.get(&t).copied().unwrap_or(0);
        if w.names[t].starts_with('#') && h * 2 >= members.len() {
            0
        } else if h >= 2 {
            1
        } else {
            2
        }
    };
    let mut ranked: Vec<(usize, f64)> = weight.into_iter().collect();
    ranked.sort_by(|a, b| {
        rank(a.0)
            .cmp(&rank(b.0))
            .then(b.1.total_cmp(&a.1))
            .then(w.names[a.0].cmp(&w.names[b.0]))
    });
    // A tag and a word of the text can be the same word (`#sam` and "Sam"): once.
    let mut theme: Vec<String> = Vec::new();
    for (t, _) in &ranked {
        let word = w.shown[*t].as_str();
        // "love" and "loved", "run" and "running": one of them.
        let alike = |x: &String| word.starts_with(x.as_str()) || x.starts_with(word);
        if theme.len() < 3 && !theme.iter().any(alike) {
            theme.push(word.to_owned());
        }
    }
    theme
}

/// Groups of at least `min_group` events as patterns, their themes from `w`.
pub(crate) fn patterns_of<Id: Clone>(
    events: &[PatternInput<Id>],
    w: &Weighted,
    groups: Vec<Vec<usize>>,
    min_group: usize,
) -> Vec<Pattern<Id>> {
    groups
        .into_iter()
        .filter(|m| m.len() >= min_group.max(MIN_GROUP))
        .map(|mut members| {
            members.sort_unstable();
            Pattern {
                theme: theme(w, &members),
                events: members.iter().map(|&d| events[d].id.clone()).collect(),
            }
        })
        .collect()
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
    let w = weigh(events);
    let vectors = &w.vectors;
    let mut postings: Vec<Vec<(usize, f64)>> = vec![Vec::new(); w.names.len()];
    for (d, v) in vectors.iter().enumerate() {
        for &(t, x) in v {
            postings[t].push((d, x));
        }
    }
    // Neighbours by accumulated dot products over shared stems.
    let mut neighbours: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut acc: Vec<f64> = vec![0.0; n];
    let mut touched: Vec<usize> = Vec::new();
    for d in 0..n {
        for &(t, x) in &vectors[d] {
            for &(o, xo) in &postings[t] {
                if o != d {
                    if acc[o] == 0.0 {
                        touched.push(o);
                    }
                    acc[o] += x * xo;
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
    patterns_of(events, &w, groups, min_group)
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
            area: None,
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
