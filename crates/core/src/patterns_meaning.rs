//! Pattern recognition by meaning (seed 001 §III.2): events grouped by sentence embeddings and
//! tags rather than by shared words, so "Skipped the gym again" and "No workout this week" meet
//! while "Old coffee" and "Old course" do not.
//!
//! 1. Similarity of two events = cosine of their unit embeddings + [`TAG_WEIGHT`] × the Jaccard
//!    index of their tag sets + [`AREA_WEIGHT`] when both are in the same life area (tags and
//!    areas are the writer's own signals; MiniLM puts paraphrased journal lines at cosines of
//!    only 0.4–0.6).
//! 2. The threshold [`SIMILARITY`] was chosen on data (docs/patterns.md: the ISEAR situations and
//!    our demo journal).
//! 3. Average-linkage agglomerative clustering (UPGMA; Sokal and Michener 1958): groups merge
//!    while the mean similarity between their events is at least [`SIMILARITY`]. A group is
//!    close on average to each part it absorbed, so groups cannot chain through runs of near
//!    neighbours into one blob, as single-linkage and DBSCAN groups do on short texts. Groups
//!    of at least [`MIN_GROUP`] events are patterns.
//! 4. Themes come from the words of the group as in [`crate::patterns`] (TF-IDF, stop words out).

use crate::patterns::{patterns_of, weigh, Pattern, PatternInput, MIN_GROUP};

/// Mean similarity at which two groups of events merge.
pub const SIMILARITY: f64 = 0.5;
/// Added to the similarity of two events in the same life area.
pub const AREA_WEIGHT: f64 = 0.1;
/// Weight of the tag Jaccard index in the similarity.
pub const TAG_WEIGHT: f64 = 0.25;
/// Most events compared (the most recent): time and memory are quadratic (36 MB here).
pub const MAX_EVENTS: usize = 3_000;

fn dot(a: &[f32], b: &[f32]) -> f64 {
    a.iter().zip(b).map(|(x, y)| f64::from(x * y)).sum()
}

fn jaccard(a: &[String], b: &[String]) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let shared = a.iter().filter(|t| b.contains(t)).count();
    shared as f64 / (a.len() + b.len() - shared) as f64
}

/// Finds the patterns among `events`, whose unit embeddings are `vectors` (same order), with
/// the default similarity. Only the first [`MAX_EVENTS`] are considered.
pub fn detect<Id: Clone>(events: &[PatternInput<Id>], vectors: &[Vec<f32>]) -> Vec<Pattern<Id>> {
    detect_with(events, vectors, SIMILARITY)
}

/// [`detect`] at a given neighbour similarity.
pub fn detect_with<Id: Clone>(
    events: &[PatternInput<Id>],
    vectors: &[Vec<f32>],
    similarity: f64,
) -> Vec<Pattern<Id>> {
    let n = events.len().min(vectors.len()).min(MAX_EVENTS);
    if n < MIN_GROUP {
        return Vec::new();
    }
    let events = &events[..n];
    let tags: Vec<Vec<String>> = events
        .iter()
        .map(|e| e.tags.iter().map(|t| t.to_lowercase()).collect())
        .collect();
    // Similarities as a flat n × n matrix (n ≤ MAX_EVENTS: at most 36 MB).
    let mut sim = vec![0f32; n * n];
    for i in 0..n {
        for j in i + 1..n {
            let same_area = events[i].area.is_some() && events[i].area == events[j].area;
            let s = dot(&vectors[i], &vectors[j])
                + TAG_WEIGHT * jaccard(&tags[i], &tags[j])
                + if same_area { AREA_WEIGHT } else { 0.0 };
            sim[i * n + j] = s as f32;
            sim[j * n + i] = s as f32;
        }
    }
    let groups = average_linkage(n, &mut sim, similarity as f32);
    patterns_of(events, &weigh(events), groups, MIN_GROUP)
}

/// Average-linkage agglomerative clustering (UPGMA) of `n` items with similarity matrix `sim`
/// (overwritten), merging while the two closest clusters' mean pairwise similarity is at least
/// `threshold`. Nearest-neighbour chain (Murtagh, "A survey of recent advances in hierarchical
/// clustering algorithms", The Computer Journal 26(4), 1983): O(n²) time. A cluster whose
/// nearest neighbour is under the threshold can never merge again (average linkage is
/// reducible), so it is retired at once.
fn average_linkage(n: usize, sim: &mut [f32], threshold: f32) -> Vec<Vec<usize>> {
    let mut members: Vec<Vec<usize>> = (0..n).map(|i| vec![i]).collect();
    let mut active: Vec<bool> = vec![true; n];
    let mut done: Vec<Vec<usize>> = Vec::new();
    let mut chain: Vec<usize> = Vec::new();
    let mut left = n;
    while left > 0 {
        if chain.is_empty() {
            match (0..n).find(|&i| active[i]) {
                Some(i) => chain.push(i),
                None => break,
            }
        }
        let a = chain[chain.len() - 1];
        // Nearest active neighbour of `a`, preferring the previous link of the chain on ties.
        let prev = chain.len().checked_sub(2).map(|k| chain[k]);
        let mut best: Option<(usize, f32)> = prev.map(|p| (p, sim[a * n + p]));
        for b in 0..n {
            if b != a && active[b] && best.is_none_or(|(_, s)| sim[a * n + b] > s) {
                best = Some((b, sim[a * n + b]));
            }
        }
        match best {
            Some((b, s)) if s >= threshold => {
                if Some(b) == prev {
                    chain.truncate(chain.len() - 2);
                    // Merge b into a (Lance–Williams update for average linkage).
                    let (na, nb) = (members[a].len() as f32, members[b].len() as f32);
                    for k in 0..n {
                        if active[k] && k != a && k != b {
                            let v = (na * sim[a * n + k] + nb * sim[b * n + k]) / (na + nb);
                            sim[a * n + k] = v;
                            sim[k * n + a] = v;
                        }
                    }
                    let moved = std::mem::take(&mut members[b]);
                    members[a].extend(moved);
                    active[b] = false;
                    left -= 1;
                } else {
                    chain.push(b);
                }
            }
            _ => {
                // Nothing close enough: `a` is final.
                chain.pop();
                active[a] = false;
                left -= 1;
                done.push(std::mem::take(&mut members[a]));
            }
        }
    }
    done
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(id: u32, tags: &[&str]) -> PatternInput<u32> {
        PatternInput {
            id,
            text: format!("event {id}"),
            tags: tags.iter().map(|t| t.to_string()).collect(),
            area: None,
        }
    }

    fn unit(angle: f32) -> Vec<f32> {
        vec![angle.cos(), angle.sin()]
    }

    #[test]
    fn close_events_group_and_far_ones_stay_alone() {
        let events: Vec<_> = (0..7).map(|i| ev(i, &[])).collect();
        // Three near 0 rad, three near 1.5 rad, one alone at 3 rad.
        let vectors: Vec<Vec<f32>> = [0.0, 0.1, 0.2, 1.5, 1.55, 1.6, 3.0]
            .iter()
            .map(|a| unit(*a))
            .collect();
        let mut p = detect(&events, &vectors);
        p.sort_by_key(|g| g.events[0]);
        assert_eq!(p.len(), 2, "{p:?}");
        assert_eq!(p[0].events, vec![0, 1, 2]);
        assert_eq!(p[1].events, vec![3, 4, 5]);
    }

    #[test]
    fn a_chain_of_near_neighbours_is_not_one_group() {
        // Each event is close to the next, but the ends are far apart: single linkage would
        // make one group of all ten.
        let events: Vec<_> = (0..10).map(|i| ev(i, &[])).collect();
        let vectors: Vec<Vec<f32>> = (0..10).map(|i| unit(i as f32 * 0.6)).collect();
        let p = detect(&events, &vectors);
        assert!(p.iter().all(|g| g.events.len() <= 3), "{p:?}");
    }

    #[test]
    fn shared_tags_pull_events_together() {
        let vectors: Vec<Vec<f32>> = [0.0, 0.5, 0.95].iter().map(|a| unit(*a)).collect();
        // Cosines 0.88, 0.90 and 0.58: on average too far apart at 0.8 …
        let plain = vec![ev(1, &[]), ev(2, &[]), ev(3, &[])];
        assert!(detect_with(&plain, &vectors, 0.8).is_empty());
        // … but a shared tag adds 0.25 to every pair.
        let tagged = vec![ev(1, &["run"]), ev(2, &["run"]), ev(3, &["run"])];
        assert_eq!(detect_with(&tagged, &vectors, 0.8).len(), 1);
    }
}
