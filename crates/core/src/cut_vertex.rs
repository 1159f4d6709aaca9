//! Cut vertices (articulation points) of an undirected graph and the pieces their removal
//! leaves, for the console's "bridge participant" recommendation (issue 14).
//!
//! Method: one depth-first search with discovery times and low-links (Hopcroft & Tarjan,
//! "Efficient algorithms for graph manipulation", CACM 16(6), 1973), written with an explicit
//! stack so a long chain of 10,000 participants cannot overflow the call stack. A DFS child `c`
//! of `v` with `low[c] ≥ disc[v]` is cut off by removing `v`; its subtree (a contiguous range of
//! preorder numbers) is one piece, and whatever else of `v`'s component remains is another.

use crate::community::Graph;

/// A cut vertex and what removing it splits its component into.
#[derive(Debug, Clone, PartialEq)]
pub struct CutVertex {
    pub node: usize,
    /// Each piece as `(size, neighbour of node inside it with the heaviest edge)`, largest
    /// first (ties: lower neighbour index first).
    pub pieces: Vec<(usize, usize)>,
    /// Nodes in the component, `node` included.
    pub component: usize,
}

/// Every cut vertex of `g`, by node index. O(V + E).
pub fn cut_vertices(g: &Graph) -> Vec<CutVertex> {
    let n = g.len();
    let adj: Vec<Vec<(usize, f64)>> = (0..n)
        .map(|i| g.neighbours(i).filter(|&(j, _)| j != i).collect())
        .collect();
    let mut disc = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut size = vec![1usize; n];
    let mut parent = vec![usize::MAX; n];
    let mut time = 0;
    let mut order = Vec::with_capacity(n);
    let mut out = Vec::new();
    for root in 0..n {
        if disc[root] != usize::MAX {
            continue;
        }
        let start = time;
        // (node, next neighbour position)
        let mut stack = vec![(root, 0usize)];
        disc[root] = time;
        low[root] = time;
        time += 1;
        order.push(root);
        while let Some(&mut (v, ref mut pos)) = stack.last_mut() {
            if let Some(&(u, _)) = adj[v].get(*pos) {
                *pos += 1;
                if disc[u] == usize::MAX {
                    parent[u] = v;
                    disc[u] = time;
                    low[u] = time;
                    time += 1;
                    order.push(u);
                    stack.push((u, 0));
                } else if u != parent[v] {
                    low[v] = low[v].min(disc[u]);
                }
            } else {
                stack.pop();
                if let Some(&(p, _)) = stack.last() {
                    low[p] = low[p].min(low[v]);
                    size[p] += size[v];
                }
            }
        }
        let tree = Tree {
            adj: &adj,
            disc: &disc,
            low: &low,
            size: &size,
            parent: &parent,
        };
        collect_cuts(&tree, root, &order[start..time], &mut out);
    }
    out.sort_by_key(|c| c.node);
    out
}

/// The depth-first search's numbering.
struct Tree<'a> {
    adj: &'a [Vec<(usize, f64)>],
    disc: &'a [usize],
    low: &'a [usize],
    size: &'a [usize],
    parent: &'a [usize],
}

/// The cut vertices of the component DFS-rooted at `root` with `members` in preorder.
fn collect_cuts(t: &Tree<'_>, root: usize, members: &[usize], out: &mut Vec<CutVertex>) {
    let Tree {
        adj,
        disc,
        low,
        size,
        parent,
    } = *t;
    let component = members.len();
    for &v in members {
        let cut_children: Vec<usize> = adj[v]
            .iter()
            .map(|&(u, _)| u)
            .filter(|&u| parent[u] == v && low[u] >= disc[v])
            .collect();
        let is_cut = if v == root {
            cut_children.len() >= 2
        } else {
            !cut_children.is_empty()
        };
        if !is_cut {
            continue;
        }
        let in_subtree = |c: usize, u: usize| disc[u] >= disc[c] && disc[u] < disc[c] + size[c];
        let heaviest = |inside: &dyn Fn(usize) -> bool| {
            adj[v]
                .iter()
                .filter(|&&(u, _)| inside(u))
                .fold(None::<(usize, f64)>, |best, &(u, w)| match best {
                    Some((_, bw)) if bw >= w => best,
                    _ => Some((u, w)),
                })
                .map(|(u, _)| u)
        };
        let mut pieces: Vec<(usize, usize)> = cut_children
            .iter()
            .filter_map(|&c| heaviest(&|u| in_subtree(c, u)).map(|u| (size[c], u)))
            .collect();
        let cut_off: usize = cut_children.iter().map(|&c| size[c]).sum();
        let rest = component - 1 - cut_off;
        if rest > 0 {
            let outside = |u: usize| !cut_children.iter().any(|&c| in_subtree(c, u));
            if let Some(u) = heaviest(&outside) {
                pieces.push((rest, u));
            }
        }
        pieces.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        out.push(CutVertex {
            node: v,
            pieces,
            component,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(n: usize, edges: &[(usize, usize)]) -> Graph {
        let mut g = Graph::new(n);
        for &(a, b) in edges {
            g.add_edge(a, b, 1.0);
        }
        g
    }

    #[test]
    fn a_bridge_between_two_triangles_is_found_with_both_pieces() {
        // 0-1-2 triangle, 4-5-6 triangle, 3 joins 2 and 4.
        let g = graph(
            7,
            &[
                (0, 1),
                (1, 2),
                (0, 2),
                (2, 3),
                (3, 4),
                (4, 5),
                (5, 6),
                (4, 6),
            ],
        );
        let cuts = cut_vertices(&g);
        let nodes: Vec<usize> = cuts.iter().map(|c| c.node).collect();
        assert_eq!(nodes, vec![2, 3, 4]);
        let three = &cuts[1];
        assert_eq!(three.component, 7);
        assert_eq!(three.pieces, vec![(3, 2), (3, 4)]);
    }

    #[test]
    fn a_cycle_has_no_cut_vertex_and_a_star_has_its_centre() {
        assert!(cut_vertices(&graph(4, &[(0, 1), (1, 2), (2, 3), (3, 0)])).is_empty());
        let star = cut_vertices(&graph(4, &[(0, 1), (0, 2), (0, 3)]));
        assert_eq!(star.len(), 1);
        assert_eq!(star[0].node, 0);
        assert_eq!(star[0].pieces, vec![(1, 1), (1, 2), (1, 3)]);
    }

    #[test]
    fn a_long_chain_does_not_overflow_the_stack() {
        let n = 100_000;
        let edges: Vec<(usize, usize)> = (0..n - 1).map(|i| (i, i + 1)).collect();
        let cuts = cut_vertices(&graph(n, &edges));
        assert_eq!(cuts.len(), n - 2);
        let mid = &cuts[n / 2 - 1];
        assert_eq!(mid.node, n / 2);
        assert_eq!(mid.pieces.iter().map(|p| p.0).sum::<usize>(), n - 1);
    }

    #[test]
    fn separate_components_are_sized_apart() {
        let g = graph(6, &[(0, 1), (1, 2), (3, 4), (4, 5)]);
        let cuts = cut_vertices(&g);
        assert_eq!(cuts.len(), 2);
        assert!(cuts.iter().all(|c| c.component == 3));
    }
}
