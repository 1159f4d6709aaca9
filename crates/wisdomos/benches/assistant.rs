#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The assistant (issue 13):
//!
//! 1. element detection on our labelled messages (`testdata/element-labels.csv`, 75 messages,
//!    15 per element, written apart from the element descriptions): accuracy by cue words
//!    alone (no model) and by meaning with cue words, and per element;
//! 2. seed 002's performance test: `BENCH_CONVERSATIONS` (default 100) conversations at once
//!    across `BENCH_WORKSPACES` (default 10) workspaces, each of three messages, extractive
//!    provider, over a knowledge base of Cranfield abstracts per workspace: p50, p99, errors.
//!
//! Needs the model (fetched into the per-user cache when missing). Run:
//! `scripts/bench.sh assistant`.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::{env_u64, ms};
use serde_json::{json, Value};
use wisdomos_core::classify_semantic::best_two_mean;
use wisdomos_core::element::Element;
use wisdomos_core::element_detect::{descriptions, detect};
use wisdomos_db::testing::TestDatabase;

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

async fn elements(engine: &wisdomos_engine::Engine) {
    let rows: Vec<(String, Element)> =
        csv::Reader::from_path(root().join("testdata/element-labels.csv"))
            .unwrap()
            .records()
            .map(|r| {
                let r = r.unwrap();
                (r[0].to_owned(), Element::parse(&r[1]).unwrap())
            })
            .collect();
    let protos: Vec<Vec<Vec<f32>>> = {
        let mut out = Vec::new();
        for e in Element::ALL {
            let texts: Vec<String> = descriptions(e).iter().map(|d| (*d).to_owned()).collect();
            out.push(engine.embed(texts).await.unwrap());
        }
        out
    };
    let vectors = engine
        .embed(rows.iter().map(|r| r.0.clone()).collect())
        .await
        .unwrap();
    let (mut cues, mut meaning) = (0, 0);
    let mut per: Vec<(usize, usize)> = vec![(0, 0); 5];
    for ((text, label), v) in rows.iter().zip(&vectors) {
        let fallback = Element::Aether;
        cues += usize::from(detect(text, None, &[], fallback).element == *label);
        let mut sim = [0.0f32; 5];
        for (i, p) in protos.iter().enumerate() {
            sim[i] = best_two_mean(p, v) as f32;
        }
        let hit = detect(text, Some(sim), &[], fallback).element == *label;
        meaning += usize::from(hit);
        let i = Element::ALL.iter().position(|e| e == label).unwrap();
        per[i].0 += usize::from(hit);
        per[i].1 += 1;
    }
    let pct = |n: usize| 100.0 * n as f64 / rows.len() as f64;
    println!(
        "element detection on {} labelled messages (chance 20%):",
        rows.len()
    );
    println!("  cue words alone (no model): {:.1}%", pct(cues));
    println!("  meaning + cue words:        {:.1}%", pct(meaning));
    let by: Vec<String> = Element::ALL
        .iter()
        .zip(&per)
        .map(|(e, (h, n))| format!("{} {h}/{n}", e.as_str()))
        .collect();
    println!("  per element: {}", by.join(", "));
}

#[tokio::main]
async fn main() {
    let model = wisdomos_engine::testing::model_dir();
    let engine = wisdomos_engine::Engine::load_minilm(&model, 2).unwrap();
    elements(&engine).await;

    let workspaces = env_u64("BENCH_WORKSPACES", 10) as usize;
    let conversations = env_u64("BENCH_CONVERSATIONS", 100) as usize;
    let docs_per = env_u64("BENCH_DOCS_PER_WORKSPACE", 40) as usize;
    let xml = std::fs::read_to_string(root().join("../shared/data/cranfield/cran.all.1400.xml"))
        .expect("../shared/data/cranfield beside the project");
    let texts: Vec<&str> = xml
        .split("<text>")
        .skip(1)
        .filter_map(|t| t.split("</text>").next())
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .collect();
    let questions: Vec<String> =
        std::fs::read_to_string(root().join("../shared/data/cranfield/cran.qry.xml"))
            .unwrap()
            .split("<title>")
            .skip(1)
            .filter_map(|t| t.split("</title>").next())
            .map(|q| q.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect();

    let tdb = TestDatabase::create().await;
    let ke = wisdomos_app::knowledge::KnowledgeEngine::new(engine.clone(), 1 << 30);
    let base = common::serve_with(&tdb.db, |c| c.knowledge = ke).await;
    let (stop_tx, working) = common::start_worker(&tdb.db, engine);
    let http = reqwest::Client::new();
    let mut tokens = Vec::new();
    for w in 0..workspaces {
        let reg: Value = http
            .post(format!("{base}/api/v1/auth/register"))
            .json(&json!({ "email": format!("w{w}@example.org"), "password": "correct horse battery staple", "workspaceName": format!("Practice {w}") }))
            .send().await.unwrap().json().await.unwrap();
        let token = reg["tokens"]["accessToken"].as_str().unwrap().to_owned();
        for (i, t) in texts.iter().skip(w * docs_per).take(docs_per).enumerate() {
            let r = http
                .post(format!("{base}/api/v1/knowledge/documents"))
                .bearer_auth(&token)
                .json(&json!({ "title": format!("Abstract {i}"), "content": t }))
                .send()
                .await
                .unwrap();
            assert!(r.status().is_success());
        }
        tokens.push(token);
    }
    while sqlx::query_scalar::<_, i64>(
        "SELECT count(*) FROM platform.jobs WHERE status IN ('pending', 'running')",
    )
    .fetch_one(tdb.db.owner())
    .await
    .unwrap()
        > 0
    {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    sqlx::query("UPDATE platform.tenants SET conversations_per_month = NULL")
        .execute(tdb.db.owner())
        .await
        .unwrap();

    let started = Instant::now();
    let runs = (0..conversations).map(|c| {
        let (http, base) = (http.clone(), base.clone());
        let token = tokens[c % workspaces].clone();
        let asks: Vec<String> = (0..3)
            .map(|t| questions[(c * 3 + t) % questions.len()].clone())
            .collect();
        async move {
            let mut out = Vec::new();
            let mut conversation: Option<String> = None;
            for q in asks {
                let t = Instant::now();
                let r = http
                    .post(format!("{base}/api/v1/oracle"))
                    .bearer_auth(&token)
                    .json(&json!({ "input": q, "conversationId": conversation }))
                    .send()
                    .await;
                let status = match r {
                    Ok(r) if r.status().is_success() => {
                        let v: Value = r.json().await.unwrap_or_default();
                        conversation = v["conversationId"].as_str().map(str::to_owned);
                        if conversation.is_some() {
                            200
                        } else {
                            0
                        }
                    }
                    Ok(r) => r.status().as_u16(),
                    Err(_) => 0,
                };
                out.push((t.elapsed(), status));
            }
            out
        }
    });
    let results: Vec<(Duration, u16)> = futures::future::join_all(runs)
        .await
        .into_iter()
        .flatten()
        .collect();
    let wall = started.elapsed();
    let errors = results.iter().filter(|r| r.1 != 200).count();
    let mut codes: Vec<u16> = results.iter().map(|r| r.1).filter(|c| *c != 200).collect();
    codes.sort_unstable();
    codes.dedup();
    let mut times: Vec<Duration> = results.iter().map(|r| r.0).collect();
    times.sort();
    println!(
        "{conversations} conversations at once across {workspaces} workspaces ({docs_per} abstracts each), 3 messages each: p50 {:.0} ms, p99 {:.0} ms, errors {errors} of {} (statuses {codes:?}), {:.0} answers/s",
        ms(&times, 0.5),
        ms(&times, 0.99),
        results.len(),
        results.len() as f64 / wall.as_secs_f64()
    );
    let _ = stop_tx.send(true);
    let _ = working.await;
}
