#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Pattern recognition, before (words: TF-IDF and DBSCAN, `wisdomos_core::patterns`) and after
//! (meaning: MiniLM embeddings and star clustering, `wisdomos_core::patterns_meaning`):
//!
//! - the ISEAR situations (`../shared/data/isear/isear-events.csv`, text only; the emotion label
//!   is never shown to the detector): groups, events grouped, largest group and purity against
//!   the seven emotions (the share of each group's events carrying its most common emotion;
//!   chance is about 14%), on the first 3,000 situations (the most one run compares) and on ten journals of 400 situations each (the
//!   size of a busy quarter);
//! - our demo journal (`crates/wisdomos/demo/journal.json`, with its tags): the themes found.
//!
//! `PATTERN_GRID=0.5,0.55,0.6` prints the meaning-based numbers at other similarities.
//! Needs the model (fetched into the per-user cache when missing). Run:
//! `scripts/bench.sh patterns`.

use std::collections::HashMap;
use std::path::Path;
use std::time::Instant;

use wisdomos_core::patterns::{self, Pattern, PatternInput};
use wisdomos_core::patterns_meaning;
use wisdomos_engine::Engine;

/// (groups, grouped, largest, purity %) of `groups` against `labels`.
fn measure(groups: &[Pattern<usize>], labels: &[String]) -> (usize, usize, usize, f64) {
    let grouped: usize = groups.iter().map(|g| g.events.len()).sum();
    let largest = groups.iter().map(|g| g.events.len()).max().unwrap_or(0);
    let majority: usize = groups
        .iter()
        .map(|g| {
            let mut c: HashMap<&str, usize> = HashMap::new();
            for &e in &g.events {
                *c.entry(labels[e].as_str()).or_default() += 1;
            }
            c.values().copied().max().unwrap_or(0)
        })
        .sum();
    (
        groups.len(),
        grouped,
        largest,
        100.0 * majority as f64 / grouped.max(1) as f64,
    )
}

fn row(name: &str, m: (usize, usize, usize, f64), of: usize, secs: f64) {
    println!(
        "| {name} | {} | {} ({:.1}%) | {} | {:.1}% | {secs:.2} s |",
        m.0,
        m.1,
        100.0 * m.1 as f64 / of.max(1) as f64,
        m.2,
        m.3
    );
}

fn themes(groups: &[Pattern<usize>], n: usize) {
    let mut by_size: Vec<&Pattern<usize>> = groups.iter().collect();
    by_size.sort_by_key(|g| std::cmp::Reverse(g.events.len()));
    for g in by_size.iter().take(n) {
        println!(
            "    {:>4} events: {}",
            g.events.len(),
            patterns::title(&g.theme)
        );
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut rdr =
        csv::Reader::from_path(root.join("../../../shared/data/isear/isear-events.csv")).unwrap();
    let (mut labels, mut inputs) = (Vec::new(), Vec::new());
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.unwrap();
        labels.push(rec[5].to_owned());
        inputs.push(PatternInput {
            id: i,
            text: rec[8].to_owned(),
            tags: vec![],
            area: None,
        });
    }
    let engine = Engine::load_minilm(&wisdomos_engine::testing::model_dir(), 2).unwrap();
    let started = Instant::now();
    let vectors = engine
        .embed(inputs.iter().map(|e| e.text.clone()).collect())
        .await
        .unwrap();
    println!(
        "{} ISEAR situations embedded in {:.1} s",
        inputs.len(),
        started.elapsed().as_secs_f64()
    );

    let grid: Vec<f64> = std::env::var("PATTERN_GRID")
        .map(|g| g.split(',').map(|x| x.parse().unwrap()).collect())
        .unwrap_or_else(|_| vec![patterns_meaning::SIMILARITY]);
    println!("\n| detector | groups | events grouped | largest | purity (emotion) | time |");
    println!("| --- | --- | --- | --- | --- | --- |");
    let t = Instant::now();
    let first = &inputs[..inputs.len().min(patterns_meaning::MAX_EVENTS)];
    let words = patterns::detect(first);
    row(
        &format!("words (before), {} situations", first.len()),
        measure(&words, &labels),
        first.len(),
        t.elapsed().as_secs_f64(),
    );
    let mut meaning = Vec::new();
    for &sim in &grid {
        let t = Instant::now();
        let found = patterns_meaning::detect_with(first, &vectors, sim);
        if meaning.is_empty() || sim == patterns_meaning::SIMILARITY {
            meaning = found.clone();
        }
        row(
            &format!("meaning at {sim}, {} situations", first.len()),
            measure(&found, &labels),
            first.len(),
            t.elapsed().as_secs_f64(),
        );
    }
    // Ten journals of 400: situations i, i + 10, i + 20, … (respondents are spread over them).
    for &sim in &grid {
        let (mut before, mut after) = ((0, 0, 0, 0.0), (0, 0, 0, 0.0));
        let mut empty = (0, 0);
        for j in 0..10 {
            let idx: Vec<usize> = (j..inputs.len()).step_by(10).take(400).collect();
            let sub: Vec<PatternInput<usize>> = idx
                .iter()
                .map(|&i| PatternInput {
                    id: i,
                    ..inputs[i].clone()
                })
                .collect();
            let vecs: Vec<Vec<f32>> = idx.iter().map(|&i| vectors[i].clone()).collect();
            let w = measure(&patterns::detect(&sub), &labels);
            let m = measure(&patterns_meaning::detect_with(&sub, &vecs, sim), &labels);
            empty.0 += usize::from(w.0 == 0);
            empty.1 += usize::from(m.0 == 0);
            before = (
                before.0 + w.0,
                before.1 + w.1,
                before.2.max(w.2),
                before.3 + w.3 * w.1 as f64,
            );
            after = (
                after.0 + m.0,
                after.1 + m.1,
                after.2.max(m.2),
                after.3 + m.3 * m.1 as f64,
            );
        }
        let avg =
            |x: (usize, usize, usize, f64)| (x.0 / 10, x.1 / 10, x.2, x.3 / x.1.max(1) as f64);
        if sim == grid[0] {
            row(
                &format!("words (before), 10 × 400 (mean; {} found none)", empty.0),
                avg(before),
                400,
                0.0,
            );
        }
        row(
            &format!("meaning at {sim}, 10 × 400 (mean; {} found none)", empty.1),
            avg(after),
            400,
            0.0,
        );
    }
    println!(
        "\nlargest groups by meaning (at the default {} when in the grid):",
        patterns_meaning::SIMILARITY
    );
    themes(&meaning, 12);

    let journal: serde_json::Value =
        serde_json::from_str(include_str!("../demo/journal.json")).unwrap();
    let events: Vec<PatternInput<usize>> = journal["events"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .map(|(i, e)| PatternInput {
            id: i,
            text: format!(
                "{} {}",
                e["title"].as_str().unwrap_or(""),
                e["description"].as_str().unwrap_or("")
            ),
            tags: e["tags"]
                .as_array()
                .map(|t| {
                    t.iter()
                        .filter_map(|x| x.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default(),
            area: e["lifeArea"].as_str().map(str::to_owned),
        })
        .collect();
    let jv = engine
        .embed(events.iter().map(|e| e.text.clone()).collect())
        .await
        .unwrap();
    let w = patterns::detect(&events);
    let m = patterns_meaning::detect(&events, &jv);
    println!(
        "\ndemo journal ({} events over a year): words {} patterns, meaning {} patterns",
        events.len(),
        w.len(),
        m.len()
    );
    println!("  words:");
    themes(&w, 20);
    println!("  meaning:");
    themes(&m, 20);
}
