//! Embedding throughput on Cranfield abstracts: `cargo run --release -p wisdomos-engine
//! --example embed_speed [texts] [batch]`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Instant;

fn main() {
    let xml = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/cranfield/cran.all.1400.xml"
    ))
    .unwrap();
    let texts: Vec<String> = xml
        .split("<text>")
        .skip(1)
        .filter_map(|t| t.split("</text>").next())
        .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|t| !t.is_empty())
        .collect();
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let n = args.first().copied().unwrap_or(200);
    let batch = args.get(1).copied().unwrap_or(16);
    let m =
        wisdomos_engine::minilm::MiniLm::load(&wisdomos_engine::testing::model_dir(), 1).unwrap();
    use wisdomos_engine::Embedder;
    let texts: Vec<&str> = texts.iter().take(n).map(String::as_str).collect();
    m.embed(&texts[..4]).unwrap();
    let t = Instant::now();
    for b in texts.chunks(batch) {
        m.embed(b).unwrap();
    }
    let s = t.elapsed().as_secs_f64();
    println!(
        "{n} texts in batches of {batch}: {:.1} texts/s on one session",
        n as f64 / s
    );
    let t = Instant::now();
    for q in texts.iter().take(50) {
        let short: String = q.split(' ').take(20).collect::<Vec<_>>().join(" ");
        m.embed(&[&short]).unwrap();
    }
    println!(
        "20-word query: {:.2} ms each",
        t.elapsed().as_secs_f64() * 1000.0 / 50.0
    );
}
