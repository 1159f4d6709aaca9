//! A workspace's search index in memory, built from its chunks as PostgreSQL keeps them and
//! kept in step by document: an inverted index for Okapi BM25 and the chunks' embeddings for
//! exact cosine ranking, fused by reciprocal-rank fusion.
//!
//! Chunks are numbered in slots as their documents arrive; a deleted document's slots are left
//! dead (skipped, out of every statistic) until dead slots pass a quarter of all, when the
//! caller rebuilds. Lexical ranking is BM25 (Robertson & Zaragoza, "The Probabilistic
//! Relevance Framework: BM25 and Beyond", 2009) with k1 = 1.2, b = 0.75 and
//! idf = ln(1 + (N − df + 0.5) / (df + 0.5)); fusion is RRF (Cormack, Clarke & Büttcher,
//! "Reciprocal Rank Fusion outperforms Condorcet and individual rank learning methods", SIGIR
//! 2009) with k = 60.

use std::collections::{HashMap, HashSet};

use uuid::Uuid;

use crate::vector::{dot_i8, dot_i8_fn, quantise};
use crate::DIMS;

const K1: f32 = 1.2;
const B: f32 = 0.75;
/// RRF's constant.
pub const RRF_K: f32 = 60.0;

/// A chunk to index: its id, document, stems with their counts, length in stems, embedding.
#[derive(Debug, Clone)]
pub struct ChunkIn {
    pub id: Uuid,
    pub document_id: Uuid,
    pub stems: Vec<(String, u32)>,
    pub len: u32,
    pub embedding: Option<Vec<f32>>,
}

struct Slot {
    id: Uuid,
    document: u32,
    len: u32,
    live: bool,
    embedded: bool,
}

struct DocEntry {
    number: u32,
    slots: std::ops::Range<u32>,
    /// Each stem of the document and how many of its chunks hold it (to take out of df).
    stems: Vec<(u32, u32)>,
}

/// One workspace's index. `generation` and `epoch` say which state of the database it holds.
#[derive(Default)]
pub struct Index {
    pub generation: i64,
    pub epoch: i64,
    stems: HashMap<String, u32>,
    postings: Vec<Vec<(u32, u32)>>,
    df: Vec<u32>,
    slots: Vec<Slot>,
    /// Embeddings quantised to int8 ([`quantise`]), DIMS per slot, and each one's scale.
    vectors: Vec<i8>,
    scales: Vec<f32>,
    docs: HashMap<Uuid, DocEntry>,
    /// Documents by number, removed ones included (their slots are dead).
    document_ids: Vec<Uuid>,
    slot_of: HashMap<Uuid, u32>,
    live: u32,
    live_len: u64,
}

/// A ranked chunk: its slot's id and document, and its score in the ranking that found it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ranked {
    pub chunk_id: Uuid,
    pub document_id: Uuid,
    pub score: f32,
}

impl Index {
    /// Live chunks.
    pub fn len(&self) -> usize {
        self.live as usize
    }

    /// Whether it holds no live chunk.
    pub fn is_empty(&self) -> bool {
        self.live == 0
    }

    /// Whether it should be rebuilt: dead slots are over a quarter of all.
    pub fn wants_rebuild(&self) -> bool {
        self.slots.len() > 64 && (self.slots.len() - self.live as usize) * 4 > self.slots.len()
    }

    /// Approximate bytes held.
    pub fn bytes(&self) -> usize {
        self.vectors.len()
            + self.scales.len() * 4
            + self
                .postings
                .iter()
                .map(|p| p.len() * 8 + 24)
                .sum::<usize>()
            + self.stems.keys().map(|k| k.len() + 40).sum::<usize>()
            + self.slots.len() * 32
    }

    /// The documents it holds.
    pub fn documents(&self) -> HashSet<Uuid> {
        self.docs.keys().copied().collect()
    }

    /// Adds one document's chunks (all of them, in order). A document already held is left.
    pub fn add_document(&mut self, document_id: Uuid, chunks: Vec<ChunkIn>) {
        if self.docs.contains_key(&document_id) {
            return;
        }
        let number = self.document_ids.len() as u32;
        self.document_ids.push(document_id);
        let first = self.slots.len() as u32;
        let mut doc_stems: HashMap<u32, u32> = HashMap::new();
        for c in chunks {
            let slot = self.slots.len() as u32;
            for (stem, tf) in c.stems {
                let next = self.stems.len() as u32;
                let t = *self.stems.entry(stem).or_insert(next);
                if t as usize == self.postings.len() {
                    self.postings.push(Vec::new());
                    self.df.push(0);
                }
                self.postings[t as usize].push((slot, tf.max(1)));
                self.df[t as usize] += 1;
                *doc_stems.entry(t).or_default() += 1;
            }
            let embedded = c.embedding.as_ref().is_some_and(|e| e.len() == DIMS);
            match c.embedding.filter(|_| embedded) {
                Some(e) => {
                    let scale = quantise(&e, &mut self.vectors);
                    self.scales.push(scale);
                }
                None => {
                    self.vectors.extend(std::iter::repeat_n(0, DIMS));
                    self.scales.push(0.0);
                }
            }
            self.slot_of.insert(c.id, slot);
            self.slots.push(Slot {
                id: c.id,
                document: number,
                len: c.len,
                live: true,
                embedded,
            });
            self.live += 1;
            self.live_len += u64::from(c.len);
        }
        self.docs.insert(
            document_id,
            DocEntry {
                number,
                slots: first..self.slots.len() as u32,
                stems: doc_stems.into_iter().collect(),
            },
        );
    }

    /// Takes a document out (its slots die). Unknown documents are ignored.
    pub fn remove_document(&mut self, document_id: Uuid) {
        let Some(d) = self.docs.remove(&document_id) else {
            return;
        };
        for (t, n) in d.stems {
            self.df[t as usize] -= n;
        }
        for s in d.slots {
            let slot = &mut self.slots[s as usize];
            slot.live = false;
            self.slot_of.remove(&slot.id);
            self.live -= 1;
            self.live_len -= u64::from(slot.len);
        }
    }

    fn allowed(&self, only: Option<&HashSet<Uuid>>) -> Option<HashSet<u32>> {
        only.map(|ids| {
            ids.iter()
                .filter_map(|id| self.docs.get(id).map(|d| d.number))
                .collect()
        })
    }

    fn top(&self, mut scored: Vec<(u32, f32)>, depth: usize) -> Vec<Ranked> {
        if scored.len() > depth {
            scored.select_nth_unstable_by(depth, |a, b| b.1.total_cmp(&a.1));
            scored.truncate(depth);
        }
        scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        scored
            .into_iter()
            .map(|(slot, score)| {
                let s = &self.slots[slot as usize];
                Ranked {
                    chunk_id: s.id,
                    document_id: self.document_ids[s.document as usize],
                    score,
                }
            })
            .collect()
    }

    /// The `depth` best chunks by BM25 for the (distinct) `stems`, of the documents in `only`
    /// when given. Chunks sharing no stem with the query are not ranked.
    pub fn lexical(
        &self,
        stems: &[String],
        only: Option<&HashSet<Uuid>>,
        depth: usize,
    ) -> Vec<Ranked> {
        if self.live == 0 {
            return Vec::new();
        }
        let allowed = self.allowed(only);
        let n = self.live as f32;
        let avgdl = (self.live_len as f32 / n).max(1.0);
        let mut scores = vec![0f32; self.slots.len()];
        let mut touched = Vec::new();
        let distinct: HashSet<&String> = stems.iter().collect();
        for stem in distinct {
            let Some(&t) = self.stems.get(stem) else {
                continue;
            };
            let df = self.df[t as usize] as f32;
            if df == 0.0 {
                continue;
            }
            let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
            for &(slot, tf) in &self.postings[t as usize] {
                let s = &self.slots[slot as usize];
                if !s.live || allowed.as_ref().is_some_and(|a| !a.contains(&s.document)) {
                    continue;
                }
                let tf = tf as f32;
                let w = idf * tf * (K1 + 1.0) / (tf + K1 * (1.0 - B + B * s.len as f32 / avgdl));
                if scores[slot as usize] == 0.0 {
                    touched.push(slot);
                }
                scores[slot as usize] += w;
            }
        }
        let scored = touched
            .into_iter()
            .map(|s| (s, scores[s as usize]))
            .collect();
        self.top(scored, depth)
    }

    /// The `depth` chunks whose embeddings are closest to `query` (L2-normalised, [`DIMS`]
    /// values) by cosine, of the documents in `only` when given. Every live embedded chunk is
    /// compared (exact search) on int8 vectors: cosines within about 1e-3 of the float ones.
    pub fn semantic(
        &self,
        query: &[f32],
        only: Option<&HashSet<Uuid>>,
        depth: usize,
    ) -> Vec<Ranked> {
        let allowed = self.allowed(only);
        let mut q = Vec::with_capacity(DIMS);
        let qs = quantise(query, &mut q);
        let dot_i8 = dot_i8_fn();
        let scored = self
            .slots
            .iter()
            .zip(self.vectors.chunks_exact(DIMS))
            .zip(&self.scales)
            .enumerate()
            .filter(|(_, ((s, _), _))| {
                s.live && s.embedded && allowed.as_ref().is_none_or(|a| a.contains(&s.document))
            })
            .map(|(i, ((_, v), scale))| (i as u32, dot_i8(&q, v) as f32 * qs * scale))
            .collect();
        self.top(scored, depth)
    }

    /// The cosine between `query` and live chunk `id`'s embedding, if it has one.
    pub fn cosine(&self, id: Uuid, query: &[f32]) -> Option<f32> {
        let slot = *self.slot_of.get(&id)? as usize;
        self.slots[slot].embedded.then(|| {
            let mut q = Vec::with_capacity(DIMS);
            let qs = quantise(query, &mut q);
            dot_i8(&q, &self.vectors[slot * DIMS..(slot + 1) * DIMS]) as f32
                * qs
                * self.scales[slot]
        })
    }

    /// Live chunks without an embedding (read in while the server had no model).
    pub fn unembedded(&self) -> usize {
        self.slots.iter().filter(|s| s.live && !s.embedded).count()
    }

    /// Whether any live chunk has an embedding.
    pub fn has_embeddings(&self) -> bool {
        self.slots.iter().any(|s| s.live && s.embedded)
    }
}

/// Reciprocal-rank fusion of rankings (Cormack, Clarke & Büttcher, SIGIR 2009): each chunk
/// scores Σ 1 / (k + rank) over the rankings that hold it (rank from 1), best first.
///
/// Equal fused scores are common (3rd in one ranking only, 3rd in the other only); they fall to
/// the chunk with the better best rank, then to the one whose best rank is in the earlier
/// ranking of `rankings` (callers put the ranking they trust more first), so the same query
/// over the same index always answers in the same order.
pub fn rrf(rankings: &[&[Ranked]]) -> Vec<(Ranked, f32)> {
    // (the chunk, its fused score, (its best rank, the ranking that gave it))
    let mut fused: HashMap<Uuid, (Ranked, f32, (usize, usize))> = HashMap::new();
    for (list, ranking) in rankings.iter().enumerate() {
        for (i, r) in ranking.iter().enumerate() {
            let e = fused
                .entry(r.chunk_id)
                .or_insert((*r, 0.0, (usize::MAX, usize::MAX)));
            e.1 += 1.0 / (RRF_K + i as f32 + 1.0);
            e.2 = e.2.min((i, list));
        }
    }
    let mut out: Vec<(Ranked, f32, (usize, usize))> = fused.into_values().collect();
    out.sort_by(|a, b| {
        b.1.total_cmp(&a.1)
            .then(a.2.cmp(&b.2))
            .then(a.0.chunk_id.cmp(&b.0.chunk_id))
    });
    out.into_iter().map(|(r, s, _)| (r, s)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunk(doc: Uuid, stems: &[(&str, u32)], e: Option<Vec<f32>>) -> ChunkIn {
        ChunkIn {
            id: Uuid::new_v4(),
            document_id: doc,
            len: stems.iter().map(|s| s.1).sum(),
            stems: stems.iter().map(|(s, n)| ((*s).to_owned(), *n)).collect(),
            embedding: e,
        }
    }

    fn axis(i: usize) -> Vec<f32> {
        let mut v = vec![0.0; DIMS];
        v[i] = 1.0;
        v
    }

    #[test]
    fn bm25_prefers_rare_stems_and_short_chunks_and_skips_removed_documents() {
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        let mut idx = Index::default();
        idx.add_document(
            a,
            vec![
                chunk(a, &[("wing", 1), ("flow", 3)], None),
                chunk(a, &[("flow", 1), ("the", 1)], None),
            ],
        );
        idx.add_document(
            b,
            vec![chunk(
                b,
                &[("flow", 1), ("the", 5), ("wing", 1), ("x", 10)],
                None,
            )],
        );
        let r = idx.lexical(&["wing".into(), "flow".into()], None, 10);
        assert_eq!(r.len(), 3);
        assert_eq!(r[0].document_id, a, "tf 3 of flow in a short chunk wins");
        assert!(r.windows(2).all(|w| w[0].score >= w[1].score));
        // The textbook value: N = 3, df(wing) = 2, a chunk of 17 stems where avgdl = 23 / 3.
        let only = idx.lexical(&["wing".into()], Some(&HashSet::from([b])), 10);
        let idf = (1.0f32 + (3.0 - 2.0 + 0.5) / 2.5).ln();
        let want = idf * 2.2 / (1.0 + 1.2 * (0.25 + 0.75 * 17.0 / (23.0 / 3.0)));
        assert!(
            (only[0].score - want).abs() < 1e-5,
            "{} vs {want}",
            only[0].score
        );
        idx.remove_document(a);
        assert_eq!(idx.len(), 1);
        let r = idx.lexical(&["flow".into()], None, 10);
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].document_id, b);
        assert!(idx.lexical(&["unknown".into()], None, 10).is_empty());
    }

    #[test]
    fn semantic_ranks_by_cosine_over_embedded_live_chunks_only() {
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        let mut idx = Index::default();
        let mut near = axis(0);
        near[1] = 0.5;
        crate::vector::normalise(&mut near);
        idx.add_document(
            a,
            vec![
                chunk(a, &[("x", 1)], Some(axis(1))),
                chunk(a, &[("y", 1)], None),
            ],
        );
        idx.add_document(b, vec![chunk(b, &[("z", 1)], Some(near))]);
        let r = idx.semantic(&axis(0), None, 5);
        assert_eq!(r.len(), 2, "the chunk without an embedding is not ranked");
        assert_eq!(r[0].document_id, b);
        assert!((r[0].score - 2.0 / 5f32.sqrt()).abs() < 1e-5);
        assert!(r[1].score.abs() < 1e-6);
        assert_eq!(
            idx.semantic(&axis(0), Some(&HashSet::from([a])), 5).len(),
            1
        );
        assert_eq!(idx.cosine(r[0].chunk_id, &axis(0)), Some(r[0].score));
        idx.remove_document(b);
        assert_eq!(idx.cosine(r[0].chunk_id, &axis(0)), None);
        assert_eq!(idx.semantic(&axis(0), None, 5).len(), 1);
    }

    #[test]
    fn rrf_rewards_agreement_between_rankings() {
        let d = Uuid::new_v4();
        let r = |n: u128| Ranked {
            chunk_id: Uuid::from_u128(n),
            document_id: d,
            score: 1.0,
        };
        let lexical = [r(1), r(2), r(3)];
        let semantic = [r(3), r(4), r(1)];
        let fused = rrf(&[&lexical, &semantic]);
        assert_eq!(
            fused[0].0.chunk_id,
            Uuid::from_u128(1),
            "1st and 3rd beats 3rd and 1st: the first ranking breaks the tie"
        );
        assert!((fused[0].1 - (1.0 / 61.0 + 1.0 / 63.0)).abs() < 1e-7);
        assert_eq!(fused.len(), 4);
        assert_eq!(fused[2].1, fused[3].1, "2nd in one ranking only");
        assert_eq!(
            (fused[2].0.chunk_id, fused[3].0.chunk_id),
            (Uuid::from_u128(2), Uuid::from_u128(4)),
            "the tie falls to the first ranking, whatever the ids"
        );
        let swapped = rrf(&[&semantic, &lexical]);
        assert_eq!(swapped[0].0.chunk_id, Uuid::from_u128(3));
        assert_eq!(swapped[2].0.chunk_id, Uuid::from_u128(4));
    }

    #[test]
    fn a_quarter_dead_asks_for_a_rebuild() {
        let mut idx = Index::default();
        let docs: Vec<Uuid> = (0..100).map(|_| Uuid::new_v4()).collect();
        for d in &docs {
            idx.add_document(*d, vec![chunk(*d, &[("a", 1)], None)]);
        }
        for d in &docs[..25] {
            idx.remove_document(*d);
        }
        assert!(!idx.wants_rebuild());
        idx.remove_document(docs[25]);
        assert!(idx.wants_rebuild());
    }
}
