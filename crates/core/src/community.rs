//! Community detection on a weighted undirected graph by modularity optimisation: the Louvain
//! method (Blondel, Guillaume, Lambiotte & Lefebvre, "Fast unfolding of communities in large
//! networks", J. Stat. Mech. 2008, P10008), for the operator console's community segments
//! (issue 14; relationships weighted by their confidence).
//!
//! Modularity (Newman & Girvan 2004): `Q = Σ_c [ in_c / 2m − (tot_c / 2m)² ]`, where `in_c` is
//! the sum of the adjacency entries inside community `c` (each edge counted from both ends),
//! `tot_c` the sum of its nodes' degrees and `2m` the sum of all degrees. Each level moves
//! nodes one at a time to the neighbouring community with the largest gain
//! `k_i,in(c) − tot_c · k_i / 2m` until no move helps, then folds each community into one node
//! and repeats until a level moves nothing. Nodes are visited in index order and ties go to the
//! lowest community, so the same graph always gives the same partition (segments should not
//! reshuffle between recomputations for no reason).

use std::collections::BTreeMap;

/// A weighted undirected graph on nodes `0..n` as a symmetric adjacency list (self-loops
/// allowed).
#[derive(Debug, Clone)]
pub struct Graph {
    adj: Vec<BTreeMap<usize, f64>>,
}

impl Graph {
    /// A graph of `n` nodes and no edges.
    pub fn new(n: usize) -> Self {
        Graph {
            adj: vec![BTreeMap::new(); n],
        }
    }

    /// Number of nodes.
    pub fn len(&self) -> usize {
        self.adj.len()
    }

    /// Whether the graph has no node.
    pub fn is_empty(&self) -> bool {
        self.adj.is_empty()
    }

    /// Adds weight `w` (> 0, else ignored) to the edge `a`–`b`; parallel edges add up. Out of
    /// range nodes are ignored.
    pub fn add_edge(&mut self, a: usize, b: usize, w: f64) {
        if a >= self.len() || b >= self.len() || w <= 0.0 || !w.is_finite() {
            return;
        }
        if a == b {
            *self.adj[a].entry(a).or_default() += 2.0 * w;
        } else {
            *self.adj[a].entry(b).or_default() += w;
            *self.adj[b].entry(a).or_default() += w;
        }
    }

    /// The neighbours of `i` with the edge weights, in node order (`i` itself for a self-loop).
    pub fn neighbours(&self, i: usize) -> impl Iterator<Item = (usize, f64)> + '_ {
        self.adj
            .get(i)
            .into_iter()
            .flat_map(|m| m.iter().map(|(&j, &w)| (j, w)))
    }

    fn degree(&self, i: usize) -> f64 {
        self.adj[i].values().sum()
    }
}

/// A partition: each node's community (numbered `0..k` by first appearance) and its modularity.
#[derive(Debug, Clone, PartialEq)]
pub struct Partition {
    pub membership: Vec<usize>,
    pub modularity: f64,
}

/// Modularity of `membership` (one community index per node) on `g`; 0 for a graph without
/// edges.
pub fn modularity(g: &Graph, membership: &[usize]) -> f64 {
    let m2: f64 = (0..g.len()).map(|i| g.degree(i)).sum();
    if m2 == 0.0 {
        return 0.0;
    }
    let k = membership.iter().max().map_or(0, |m| m + 1);
    let (mut inside, mut tot) = (vec![0.0; k], vec![0.0; k]);
    for (i, row) in g.adj.iter().enumerate() {
        tot[membership[i]] += g.degree(i);
        for (&j, &w) in row {
            if membership[j] == membership[i] {
                inside[membership[i]] += w;
            }
        }
    }
    (0..k).map(|c| inside[c] / m2 - (tot[c] / m2).powi(2)).sum()
}

/// One level's local moves: each node's community, and whether any node moved.
fn local_moves(g: &Graph, m2: f64) -> (Vec<usize>, bool) {
    let n = g.len();
    let mut community: Vec<usize> = (0..n).collect();
    let degrees: Vec<f64> = (0..n).map(|i| g.degree(i)).collect();
    let mut tot = degrees.clone();
    let mut moved_any = false;
    // Bounded so that floating-point ties can never loop for ever.
    for _pass in 0..100 {
        let mut moved = false;
        for i in 0..n {
            let (ci, ki) = (community[i], degrees[i]);
            tot[ci] -= ki;
            let mut links: BTreeMap<usize, f64> = BTreeMap::new();
            for (&j, &w) in &g.adj[i] {
                if j != i {
                    *links.entry(community[j]).or_default() += w;
                }
            }
            let gain = |c: usize, w: f64| w - tot[c] * ki / m2;
            let mut best = (ci, gain(ci, links.get(&ci).copied().unwrap_or(0.0)));
            for (&c, &w) in &links {
                let g = gain(c, w);
                if g > best.1 + 1e-12 || ((g - best.1).abs() <= 1e-12 && c < best.0) {
                    best = (c, g);
                }
            }
            community[i] = best.0;
            tot[best.0] += ki;
            if best.0 != ci {
                moved = true;
                moved_any = true;
            }
        }
        if !moved {
            break;
        }
    }
    (renumber(&community), moved_any)
}

/// Communities renumbered `0..k` by first appearance.
fn renumber(c: &[usize]) -> Vec<usize> {
    let mut map: BTreeMap<usize, usize> = BTreeMap::new();
    let mut order: Vec<usize> = Vec::with_capacity(c.len());
    for &x in c {
        let next = map.len();
        order.push(*map.entry(x).or_insert(next));
    }
    order
}

/// Folds each community of `membership` into one node.
fn aggregate(g: &Graph, membership: &[usize]) -> Graph {
    let k = membership.iter().max().map_or(0, |m| m + 1);
    let mut out = Graph::new(k);
    for (i, row) in g.adj.iter().enumerate() {
        for (&j, &w) in row {
            *out.adj[membership[i]].entry(membership[j]).or_default() += w;
        }
    }
    out
}

/// The Louvain partition of `g` (see the module documentation). A graph without edges leaves
/// every node alone (modularity 0).
pub fn louvain(g: &Graph) -> Partition {
    let n = g.len();
    let m2: f64 = (0..n).map(|i| g.degree(i)).sum();
    let mut membership: Vec<usize> = (0..n).collect();
    if m2 == 0.0 {
        return Partition {
            membership,
            modularity: 0.0,
        };
    }
    let mut level = g.clone();
    loop {
        let (communities, moved) = local_moves(&level, m2);
        if !moved {
            break;
        }
        for c in membership.iter_mut() {
            *c = communities[*c];
        }
        level = aggregate(&level, &communities);
    }
    let membership = renumber(&membership);
    Partition {
        modularity: modularity(g, &membership),
        membership,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn two_triangles() -> Graph {
        let mut g = Graph::new(6);
        for (a, b) in [(0, 1), (0, 2), (1, 2), (3, 4), (3, 5), (4, 5), (2, 3)] {
            g.add_edge(a, b, 1.0);
        }
        g
    }

    #[test]
    fn two_triangles_joined_by_a_bridge_are_two_communities() {
        let p = louvain(&two_triangles());
        assert_eq!(p.membership, vec![0, 0, 0, 1, 1, 1]);
        // Q = 2 × (6/14 − (7/14)²) = 5/14.
        assert!((p.modularity - 5.0 / 14.0).abs() < 1e-9, "{}", p.modularity);
    }

    #[test]
    fn no_edges_leaves_every_node_alone() {
        let p = louvain(&Graph::new(3));
        assert_eq!((p.membership, p.modularity), (vec![0, 1, 2], 0.0));
        assert_eq!(louvain(&Graph::new(0)).membership, Vec::<usize>::new());
    }

    #[test]
    fn weights_decide_where_a_node_belongs() {
        // Node 2 has one strong tie to 0 and one weak tie to 3.
        let mut g = Graph::new(5);
        g.add_edge(0, 1, 1.0);
        g.add_edge(0, 2, 0.9);
        g.add_edge(1, 2, 0.9);
        g.add_edge(2, 3, 0.1);
        g.add_edge(3, 4, 1.0);
        let p = louvain(&g);
        assert_eq!(p.membership[2], p.membership[0]);
        assert_ne!(p.membership[2], p.membership[3]);
    }

    /// Four planted groups of 25 (edge probability 0.3 inside, 0.01 across), from a fixed
    /// linear congruential sequence: every group is recovered.
    #[test]
    fn planted_communities_are_recovered() {
        let (groups, size) = (4, 25);
        let mut g = Graph::new(groups * size);
        let mut state: u64 = 12345;
        let mut next = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) as f64 / (1u64 << 31) as f64
        };
        for a in 0..groups * size {
            for b in a + 1..groups * size {
                let p = if a / size == b / size { 0.3 } else { 0.01 };
                if next() < p {
                    g.add_edge(a, b, 1.0);
                }
            }
        }
        let p = louvain(&g);
        // A node the random draw left without any edge stays alone; every other is with its
        // group, and the groups are apart.
        let linked: Vec<usize> = (0..groups * size)
            .filter(|&i| !g.adj[i].is_empty())
            .collect();
        assert!(linked.len() >= groups * size - 3);
        for group in 0..groups {
            let members: Vec<usize> = linked
                .iter()
                .copied()
                .filter(|i| i / size == group)
                .collect();
            let first = p.membership[members[0]];
            assert!(
                members.iter().all(|&i| p.membership[i] == first),
                "group {group} split"
            );
        }
        let distinct: std::collections::BTreeSet<usize> =
            linked.iter().map(|&i| p.membership[i]).collect();
        assert_eq!(distinct.len(), groups);
        assert!(p.modularity > 0.6, "{}", p.modularity);
        assert_eq!(louvain(&g), p, "the same graph gives the same partition");
    }

    #[test]
    fn modularity_of_one_community_is_zero() {
        let g = two_triangles();
        assert!(modularity(&g, &[0; 6]).abs() < 1e-12);
    }
}
