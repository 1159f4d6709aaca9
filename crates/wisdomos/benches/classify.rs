#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The life-area classifier, before (keywords) and after (meaning, blended with keywords):
//!
//! - accuracy on the 200 hand-labelled ISEAR rows (`../shared/data/isear/life-area-labels.csv`),
//!   strict and counting the labeller's runner-up (`alt`), and how many `none` rows stay
//!   unassigned at the confidence threshold;
//! - accuracy on our everyday phrases (`testdata/everyday-areas.csv`, written by us);
//! - calibration: the softmax temperature fitted by log-likelihood on the odd labelled rows,
//!   and on the even rows the expected calibration error and, per threshold, how many rows are
//!   assigned and how many of those are right.
//!
//! `CLASSIFY_GRID=1` also prints accuracy for other keyword weights. Needs the model (fetched
//! into the per-user cache when missing). Run: `scripts/bench.sh classify`.

use std::path::{Path, PathBuf};

use wisdomos_core::classify::{AreaProfile, Classifier, DEFAULT_THRESHOLD};
use wisdomos_core::classify_semantic::{prototype_texts, Blend, SemanticClassifier};
use wisdomos_core::life_area::SEED_LIFE_AREAS;
use wisdomos_engine::Engine;

struct Row {
    text: String,
    label: String,
    alt: String,
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn rows(path: &Path, text: usize, label: usize, alt: usize) -> Vec<Row> {
    csv::Reader::from_path(path)
        .unwrap()
        .records()
        .map(|r| {
            let r = r.unwrap();
            Row {
                text: r[text].to_owned(),
                label: r[label].to_owned(),
                alt: r[alt].to_owned(),
            }
        })
        .collect()
}

/// (strict %, with alt %, `none` rows left unassigned / `none` rows) for a top answer per row.
fn score(rows: &[Row], answers: &[Option<(String, f64)>], threshold: f64) -> (f64, f64, String) {
    let (mut n, mut strict, mut lenient, mut none, mut none_ok) = (0, 0, 0, 0, 0);
    for (r, a) in rows.iter().zip(answers) {
        let slug = a.as_ref().map(|a| a.0.as_str());
        if r.label == "none" {
            none += 1;
            none_ok += usize::from(a.as_ref().is_none_or(|a| a.1 < threshold));
            continue;
        }
        n += 1;
        strict += usize::from(slug == Some(&r.label));
        lenient +=
            usize::from(slug == Some(&r.label) || (!r.alt.is_empty() && slug == Some(&r.alt)));
    }
    let pct = |a: usize| 100.0 * a as f64 / n.max(1) as f64;
    (pct(strict), pct(lenient), format!("{none_ok}/{none}"))
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let areas: Vec<AreaProfile> = SEED_LIFE_AREAS
        .iter()
        .map(|a| AreaProfile {
            slug: a.slug.into(),
            name: a.name.into(),
            description: a.description.into(),
        })
        .collect();
    let isear = rows(
        &root().join("../shared/data/isear/life-area-labels.csv"),
        5,
        2,
        4,
    );
    let everyday = rows(&root().join("testdata/everyday-areas.csv"), 0, 1, 2);
    let engine = Engine::load_minilm(&wisdomos_engine::testing::model_dir(), 2).unwrap();
    let texts: Vec<String> = areas.iter().flat_map(prototype_texts).collect();
    let started = std::time::Instant::now();
    let prototypes = engine.embed(texts.clone()).await.unwrap();
    println!(
        "{} prototype texts embedded in {:.2} s",
        texts.len(),
        started.elapsed().as_secs_f64()
    );
    let embed = |rows: &[Row]| engine.embed(rows.iter().map(|r| r.text.clone()).collect());
    let started = std::time::Instant::now();
    let isear_vec = embed(&isear).await.unwrap();
    println!(
        "{} ISEAR rows embedded in {:.2} s",
        isear.len(),
        started.elapsed().as_secs_f64()
    );
    let everyday_vec = embed(&everyday).await.unwrap();

    let keywords = Classifier::seeded();
    let kw = |rows: &[Row]| -> Vec<Option<(String, f64)>> {
        rows.iter()
            .map(|r| {
                keywords
                    .suggest(&r.text, 1)
                    .into_iter()
                    .next()
                    .map(|s| (s.slug, s.confidence))
            })
            .collect()
    };
    let semantic = |blend: Blend, rows: &[Row], vecs: &[Vec<f32>]| -> Vec<Option<(String, f64)>> {
        let c = SemanticClassifier::new(&areas, prototypes.clone(), blend).unwrap();
        rows.iter()
            .zip(vecs)
            .map(|(r, v)| {
                c.suggest(&r.text, v, 1)
                    .into_iter()
                    .next()
                    .map(|s| (s.slug, s.confidence))
            })
            .collect()
    };
    let report = |name: &str, i: &[Option<(String, f64)>], e: &[Option<(String, f64)>], t: f64| {
        let (s, l, none) = score(&isear, i, t);
        let (es, el, _) = score(&everyday, e, t);
        println!("| {name} | {s:.1}% | {l:.1}% | {none} | {es:.1}% | {el:.1}% |");
    };
    println!("\n| classifier | ISEAR strict | ISEAR with alt | ISEAR `none` unassigned | everyday strict | everyday with alt |");
    println!("| --- | --- | --- | --- | --- | --- |");
    report(
        "keywords (before)",
        &kw(&isear),
        &kw(&everyday),
        DEFAULT_THRESHOLD,
    );
    let blend = Blend::default();
    let grid: Vec<f64> = if std::env::var_os("CLASSIFY_GRID").is_some() {
        vec![0.0, 0.05, 0.1, 0.2, 0.3, 0.5]
    } else {
        vec![blend.keyword_weight]
    };
    for w in grid {
        let b = Blend {
            keyword_weight: w,
            ..blend
        };
        report(
            &format!("meaning + {w} × keywords"),
            &semantic(b, &isear, &isear_vec),
            &semantic(b, &everyday, &everyday_vec),
            DEFAULT_THRESHOLD,
        );
    }
    if std::env::var_os("CLASSIFY_SHOW").is_some() {
        for (r, a) in everyday
            .iter()
            .zip(semantic(blend, &everyday, &everyday_vec))
        {
            let got = a.map(|a| format!("{} {:.2}", a.0, a.1)).unwrap_or_default();
            let ok = got.starts_with(&r.label) || (!r.alt.is_empty() && got.starts_with(&r.alt));
            println!(
                "{} {:<60} want {:<24} got {got}",
                if ok { " " } else { "✗" },
                r.text,
                r.label
            );
        }
    }
    calibration(&areas, &prototypes, &isear, &isear_vec, blend);
}

/// Fits the temperature on the odd labelled rows, then reports calibration on the even ones.
fn calibration(
    areas: &[AreaProfile],
    prototypes: &[Vec<f32>],
    rows: &[Row],
    vecs: &[Vec<f32>],
    blend: Blend,
) {
    let labelled: Vec<usize> = (0..rows.len())
        .filter(|i| rows[*i].label != "none")
        .collect();
    let nll = |t: f64, part: usize| -> f64 {
        let c = SemanticClassifier::new(
            areas,
            prototypes.to_vec(),
            Blend {
                temperature: t,
                ..blend
            },
        )
        .unwrap();
        labelled
            .iter()
            .filter(|i| *i % 2 == part)
            .map(|&i| {
                let all = c.suggest(&rows[i].text, &vecs[i], 100);
                let p = all
                    .iter()
                    .find(|s| s.slug == rows[i].label)
                    .map_or(1e-4, |s| s.confidence.max(1e-4));
                -p.ln()
            })
            .sum()
    };
    let temps: Vec<f64> = (1..=30).map(|i| f64::from(i) * 0.005).collect();
    let best = temps
        .iter()
        .copied()
        .min_by(|a, b| nll(*a, 1).total_cmp(&nll(*b, 1)))
        .unwrap();
    println!(
        "\ntemperature fitted on the odd rows: {best:.3} (in use: {:.3})",
        blend.temperature
    );
    let c = SemanticClassifier::new(areas, prototypes.to_vec(), blend).unwrap();
    let even: Vec<usize> = (0..rows.len()).filter(|i| i % 2 == 0).collect();
    let answers: Vec<(usize, Option<(String, f64)>)> = even
        .iter()
        .map(|&i| {
            (
                i,
                c.suggest(&rows[i].text, &vecs[i], 1)
                    .into_iter()
                    .next()
                    .map(|s| (s.slug, s.confidence)),
            )
        })
        .collect();
    let right = |i: usize, slug: &str| rows[i].label == slug;
    // Expected calibration error over 10 equal-width bins (Naeini et al., AAAI 2015).
    let mut bins = vec![(0usize, 0.0f64, 0usize); 10];
    for (i, a) in &answers {
        if let Some((slug, p)) = a {
            let b = ((p * 10.0) as usize).min(9);
            bins[b].0 += 1;
            bins[b].1 += p;
            bins[b].2 += usize::from(right(*i, slug));
        }
    }
    let total: usize = bins.iter().map(|b| b.0).sum();
    let ece: f64 = bins
        .iter()
        .filter(|b| b.0 > 0)
        .map(|b| (b.0 as f64 / total as f64) * (b.1 / b.0 as f64 - b.2 as f64 / b.0 as f64).abs())
        .sum();
    println!("even rows: expected calibration error {ece:.3} (strict labels)");
    println!("| threshold | rows assigned | of them right (strict) | right counting alt | `none` rows assigned |");
    println!("| --- | --- | --- | --- | --- |");
    for t in [0.2, 0.3, 0.35, 0.4, 0.5, 0.6] {
        let (mut n, mut ok, mut ok_alt, mut none) = (0, 0, 0, 0);
        for (i, a) in &answers {
            if let Some((slug, p)) = a.as_ref().filter(|a| a.1 >= t) {
                let _ = p;
                if rows[*i].label == "none" {
                    none += 1;
                    continue;
                }
                n += 1;
                ok += usize::from(right(*i, slug));
                ok_alt += usize::from(right(*i, slug) || rows[*i].alt == *slug);
            }
        }
        let of = even.iter().filter(|i| rows[**i].label != "none").count();
        let pct = |a: usize, b: usize| 100.0 * a as f64 / b.max(1) as f64;
        println!(
            "| {t:.2} | {n}/{of} | {:.0}% | {:.0}% | {none} |",
            pct(ok, n),
            pct(ok_alt, n)
        );
    }
}
