#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Knowledge-base benchmark on the Cranfield collection (`../shared/data/cranfield`: 1,400
//! aerodynamics abstracts, 225 queries, relevance judgements joined to the queries by position)
//! through the real API on a throw-away database:
//!
//! 1. ingestion: every abstract as a document (`POST /knowledge/documents`), documents/s and
//!    chunks/s, sequential;
//! 2. quality: nDCG@10 (binary relevance, log2 discount; Järvelin & Kekäläinen 2002) of
//!    `POST /knowledge/search` for the 225 queries, a document ranked by its best passage;
//! 3. latency: p50 and p99 of those searches, full round trip.
//!
//! `BENCH_KNOWLEDGE_COPIES` (default 1) stores the collection that many times (each copy's
//! texts marked so they are new documents) to measure search over more chunks; nDCG@10 is then
//! of the first copy's documents among the results, deduplicated by document number.
//!
//! Run: `scripts/bench.sh knowledge`.

mod common;

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use common::{env_u64, ms};
use serde_json::{json, Value};
use wisdomos_db::testing::TestDatabase;

fn data_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/cranfield")
}

/// The text of each `<tag>…</tag>` in `xml`, in order, inside each `<record>` element.
fn elements<'a>(xml: &'a str, record: &str, tag: &str) -> Vec<&'a str> {
    let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
    xml.split(&format!("<{record}>"))
        .skip(1)
        .map(|r| match (r.find(&open), r.find(&close)) {
            (Some(a), Some(b)) if b > a => r[a + open.len()..b].trim(),
            _ => "",
        })
        .collect()
}

/// nDCG@10 of `ranked` document ids against the relevant set.
fn ndcg10(ranked: &[String], relevant: &HashSet<String>) -> f64 {
    let dcg: f64 = ranked
        .iter()
        .take(10)
        .enumerate()
        .filter(|(_, d)| relevant.contains(*d))
        .map(|(i, _)| 1.0 / ((i + 2) as f64).log2())
        .sum();
    let ideal: f64 = (0..relevant.len().min(10))
        .map(|i| 1.0 / ((i + 2) as f64).log2())
        .sum();
    if ideal == 0.0 {
        0.0
    } else {
        dcg / ideal
    }
}

#[tokio::main]
async fn main() {
    let dir = data_dir();
    let docs_xml = std::fs::read_to_string(dir.join("cran.all.1400.xml"))
        .expect("../shared/data/cranfield beside the project");
    let queries_xml = std::fs::read_to_string(dir.join("cran.qry.xml")).unwrap();
    let qrels = std::fs::read_to_string(dir.join("cranqrel.trec.txt")).unwrap();
    let docnos = elements(&docs_xml, "doc", "docno");
    let titles = elements(&docs_xml, "doc", "title");
    let texts = elements(&docs_xml, "doc", "text");
    let queries = elements(&queries_xml, "top", "title");
    let mut relevant: HashMap<usize, HashSet<String>> = HashMap::new();
    for line in qrels.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.len() == 4 && f[3] != "0" {
            let q: usize = f[0].parse().unwrap();
            relevant.entry(q).or_default().insert(f[2].to_owned());
        }
    }
    println!(
        "cranfield: {} documents, {} queries, {} judged",
        docnos.len(),
        queries.len(),
        relevant.len()
    );

    let tdb = TestDatabase::create().await;
    let base = common::serve(&tdb.db).await;
    let http = reqwest::Client::new();
    let reg: Value = http
        .post(format!("{base}/api/v1/auth/register"))
        .json(&json!({ "email": "bench@example.org", "password": "correct horse battery staple", "workspaceName": "Bench" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = reg["tokens"]["accessToken"].as_str().unwrap().to_owned();

    let copies = env_u64("BENCH_KNOWLEDGE_COPIES", 1).max(1);
    let started = Instant::now();
    let mut chunks = 0;
    let mut empty = 0;
    let all = (0..copies).flat_map(|c| docnos.iter().zip(&titles).zip(&texts).map(move |d| (c, d)));
    for (copy, ((no, title), text)) in all {
        let content = if text.is_empty() { *title } else { *text };
        if content.trim().is_empty() {
            empty += 1;
            continue;
        }
        let content = if copy == 0 {
            format!("{content}\n")
        } else {
            format!("{content}\n\ncopy {copy}\n")
        };
        let title = format!("{no} {}", title.replace('\n', " "));
        let title: String = title.chars().take(300).collect();
        let r = http
            .post(format!("{base}/api/v1/knowledge/documents"))
            .bearer_auth(&token)
            .json(&json!({ "title": title.trim(), "content": content }))
            .send()
            .await
            .unwrap();
        let status = r.status();
        let v: Value = r.json().await.unwrap();
        assert!(status.is_success(), "{status} {v}");
        chunks += v["chunks"].as_i64().unwrap_or(0);
    }
    let took = started.elapsed().as_secs_f64();
    let stored = docnos.len() * copies as usize - empty;
    println!(
        "ingestion: {stored} documents ({empty} without text left out), {chunks} chunks in {took:.1} s: {:.0} documents/s, {:.0} chunks/s",
        stored as f64 / took,
        chunks as f64 / took
    );

    let mut times: Vec<Duration> = Vec::new();
    let mut total = 0.0;
    let mut judged = 0;
    for (i, q) in queries.iter().enumerate() {
        let Some(rel) = relevant.get(&(i + 1)) else {
            continue;
        };
        let t = Instant::now();
        let v: Value = http
            .post(format!("{base}/api/v1/knowledge/search"))
            .bearer_auth(&token)
            .json(&json!({ "query": q.replace('\n', " ").chars().take(1000).collect::<String>(), "limit": 50 }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        times.push(t.elapsed());
        let mut seen = HashSet::new();
        let ranked: Vec<String> = v["results"]
            .as_array()
            .unwrap_or_else(|| panic!("query {}: {v}", i + 1))
            .iter()
            .filter_map(|r| r["title"].as_str()?.split(' ').next().map(str::to_owned))
            .filter(|d| seen.insert(d.clone()))
            .collect();
        total += ndcg10(&ranked, rel);
        judged += 1;
    }
    times.sort();
    println!(
        "lexical (BM25 in PostgreSQL): nDCG@10 {:.3} over {judged} queries; search p50 {:.1} ms, p99 {:.1} ms (HTTP round trip, {} chunks)",
        total / judged as f64,
        ms(&times, 0.5),
        ms(&times, 0.99),
        chunks
    );
    println!("reference (the issue, measured elsewhere): BM25 0.372, MiniLM 0.395, RRF of both 0.430-0.434");
}
