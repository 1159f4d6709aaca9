//! Index search time on synthetic chunks: `cargo run --release -p wisdomos-engine --example
//! index_speed [chunks]`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Instant;
use uuid::Uuid;
use wisdomos_engine::index::{ChunkIn, Index};

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000);
    let mut idx = Index::default();
    let mut seed = 1u64;
    let mut rnd = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let t = Instant::now();
    for d in 0..n / 2 {
        let doc = Uuid::from_u128(d as u128 + 1);
        let chunks = (0..2)
            .map(|_| {
                let stems: Vec<(String, u32)> = (0..60)
                    .map(|_| (format!("s{}", (rnd() % 5000) * (rnd() % 3 + 1) % 5000), 1))
                    .collect();
                let mut e: Vec<f32> = (0..384)
                    .map(|_| (rnd() % 1000) as f32 / 1000.0 - 0.5)
                    .collect();
                wisdomos_engine::vector::normalise(&mut e);
                ChunkIn {
                    id: Uuid::new_v4(),
                    document_id: doc,
                    len: 60,
                    stems,
                    embedding: Some(e),
                }
            })
            .collect();
        idx.add_document(doc, chunks);
    }
    println!(
        "built {} chunks in {:.1} s, {} MB",
        idx.len(),
        t.elapsed().as_secs_f64(),
        idx.bytes() / 1_000_000
    );
    let q: Vec<String> = (0..12).map(|i| format!("s{}", i * 7)).collect();
    let mut qv: Vec<f32> = (0..384).map(|i| (i % 7) as f32 - 3.0).collect();
    wisdomos_engine::vector::normalise(&mut qv);
    for _ in 0..3 {
        let t = Instant::now();
        let r = idx.lexical(&q, None, 100);
        let l = t.elapsed();
        let t = Instant::now();
        let s = idx.semantic(&qv, None, 100);
        println!(
            "lexical {:.1} ms ({} hits), semantic {:.1} ms ({} hits)",
            l.as_secs_f64() * 1e3,
            r.len(),
            t.elapsed().as_secs_f64() * 1e3,
            s.len()
        );
    }
}
