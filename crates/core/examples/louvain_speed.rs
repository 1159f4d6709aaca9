//! Louvain on a graph shaped like issue 14's benchmark org: `N` participants (default 10,000)
//! in planted groups of 50 with `E` relationships (default 50,000; 90% inside a group),
//! confidence weights 0.3–1.0 from a fixed sequence. Prints the median of 5 runs, the number of
//! communities and the modularity. Run:
//! `cargo run --release -p wisdomos-core --example louvain_speed [N E]`.

use std::time::Instant;

use wisdomos_core::community::{louvain, Graph};

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let (n, e) = (
        args.first().copied().unwrap_or(10_000),
        args.get(1).copied().unwrap_or(50_000),
    );
    let mut state: u64 = 7;
    let mut next = || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) as usize
    };
    let mut g = Graph::new(n);
    for _ in 0..e {
        let a = next() % n;
        let b = if next() % 10 < 9 {
            (a / 50) * 50 + next() % 50
        } else {
            next() % n
        };
        let w = 0.3 + (next() % 700) as f64 / 1000.0;
        g.add_edge(a, b.min(n - 1), w);
    }
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..5 {
        let t = Instant::now();
        last = Some(louvain(&g));
        times.push(t.elapsed());
    }
    times.sort();
    let p = last.unwrap_or_else(|| unreachable!());
    let k = p.membership.iter().max().map_or(0, |m| m + 1);
    println!(
        "{n} nodes, {e} edges: median {:.0} ms over 5 runs; {k} communities, modularity {:.3}",
        times[2].as_secs_f64() * 1000.0,
        p.modularity
    );
}
