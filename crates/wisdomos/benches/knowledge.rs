#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Knowledge-base benchmark on the Cranfield collection (`../shared/data/cranfield`: 1,400
//! aerodynamics abstracts, 225 queries, relevance judgements joined to the queries by position)
//! through the real API on a throw-away database:
//!
//! 1. ingestion: every abstract posted as a document and read in by a worker (chunked and
//!    embedded with MiniLM on `BENCH_EMBED_SESSIONS` sessions, default 2; the int8 graph the
//!    server runs, or the float one with `BENCH_PRECISION=float`): chunks/s;
//! 2. quality: nDCG@10 (binary relevance, log2 discount; Järvelin & Kekäläinen 2002) of
//!    `POST /knowledge/search` for the 225 queries in each mode (lexical, semantic, hybrid), a
//!    document ranked by its best passage; p50 and p99 of those searches, full round trip;
//! 3. the match threshold: the best passage's cosine for Cranfield's queries against 225
//!    off-topic sentences (ISEAR), and what each threshold keeps and turns away;
//! 4. scale: the collection copied in SQL to each of `BENCH_KNOWLEDGE_SCALE` chunks (default
//!    `10000,100000`), then search latency per mode, the assistant's (`POST /oracle`,
//!    extractive) and the process's memory.
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
    let queries: Vec<String> = elements(&queries_xml, "top", "title")
        .iter()
        .map(|q| {
            q.split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .chars()
                .take(1000)
                .collect()
        })
        .collect();
    let mut relevant: HashMap<usize, HashSet<String>> = HashMap::new();
    for line in qrels.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.len() == 4 && f[3] != "0" {
            let q: usize = f[0].parse().unwrap();
            relevant.entry(q).or_default().insert(f[2].to_owned());
        }
    }
    let judged: Vec<(String, HashSet<String>)> = queries
        .iter()
        .enumerate()
        .filter_map(|(i, q)| relevant.get(&(i + 1)).map(|r| (q.clone(), r.clone())))
        .collect();
    println!(
        "cranfield: {} documents, {} queries, {} judged",
        docnos.len(),
        queries.len(),
        judged.len()
    );

    let model = wisdomos_engine::testing::model_dir();
    let sessions = env_u64("BENCH_EMBED_SESSIONS", 2) as usize;
    // BENCH_PRECISION=float runs the float graph, the reference the int8 one is measured by.
    let precision = match std::env::var("BENCH_PRECISION").as_deref() {
        Ok("float") => wisdomos_engine::graph::Precision::Float,
        _ => wisdomos_engine::graph::Precision::DynamicInt8,
    };
    println!("model: all-MiniLM-L6-v2, {precision:?} graph");
    let minilm = wisdomos_engine::minilm::MiniLm::load_with(&model, sessions, precision).unwrap();
    let engine = wisdomos_engine::Engine::new(std::sync::Arc::new(minilm), sessions);
    let tdb = TestDatabase::create().await;
    let ke = wisdomos_app::knowledge::KnowledgeEngine::new(engine.clone(), 2 << 30);
    let base = common::serve_with(&tdb.db, |c| c.knowledge = ke).await;
    let (stop_tx, working) = common::start_worker(&tdb.db, engine);
    let http = reqwest::Client::new();
    let reg: Value = http
        .post(format!("{base}/api/v1/auth/register"))
        .json(&json!({ "email": "bench@example.org", "password": "correct horse battery staple", "workspaceName": "Bench" }))
        .send().await.unwrap().json().await.unwrap();
    let token = reg["tokens"]["accessToken"].as_str().unwrap().to_owned();
    let tenant = reg["tenant"]["id"].as_str().unwrap().to_owned();

    // 1. Ingestion: every abstract posted, then read in by the worker (extract, chunk, embed,
    // store); timed from the first post to the last document ready.
    let started = Instant::now();
    let mut empty = 0;
    let mut posted = 0;
    for ((no, title), text) in docnos.iter().zip(&titles).zip(&texts) {
        let content = if text.is_empty() { *title } else { *text };
        if content.trim().is_empty() {
            empty += 1;
            continue;
        }
        let title: String = format!("{no} {}", title.replace('\n', " "))
            .chars()
            .take(300)
            .collect();
        let r = http
            .post(format!("{base}/api/v1/knowledge/documents"))
            .bearer_auth(&token)
            .json(&json!({ "title": title.trim(), "content": format!("{content}\n") }))
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "{}", r.status());
        posted += 1;
    }
    let schema: String =
        sqlx::query_scalar("SELECT schema_name FROM platform.tenants WHERE id = $1::uuid")
            .bind(&tenant)
            .fetch_one(tdb.db.owner())
            .await
            .unwrap();
    let scalar = |sql: String| {
        let db = tdb.db.clone();
        let tenant = tenant.clone();
        async move {
            let mut tx = db.owner().begin().await.unwrap();
            sqlx::query("SELECT set_config('app.tenant_id', $1, true)")
                .bind(&tenant)
                .execute(&mut *tx)
                .await
                .unwrap();
            let n: i64 = sqlx::query_scalar(&sql).fetch_one(&mut *tx).await.unwrap();
            tx.commit().await.unwrap();
            n
        }
    };
    while scalar(format!(
        "SELECT count(*) FROM {schema}.knowledge_documents WHERE status = 'processing'"
    ))
    .await
        > 0
    {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let took = started.elapsed().as_secs_f64();
    let chunks = scalar(format!(
        "SELECT count(*) FROM {schema}.knowledge_chunks WHERE embedding IS NOT NULL"
    ))
    .await;
    println!(
        "ingestion ({sessions} embedding sessions): {posted} documents ({empty} without text left out), {chunks} chunks embedded in {took:.1} s: {:.0} chunks/s",
        chunks as f64 / took
    );

    // 2. Quality and latency by mode, on the collection as it is.
    let run = |mode: &'static str, threshold: f64, limit: usize| {
        let (http, base, token, judged) =
            (http.clone(), base.clone(), token.clone(), judged.clone());
        async move {
            let mut times = Vec::new();
            let mut total = 0.0;
            let mut top = Vec::new();
            for (q, rel) in &judged {
                let t = Instant::now();
                let v: Value = http
                    .post(format!("{base}/api/v1/knowledge/search"))
                    .bearer_auth(&token)
                    .json(&json!({ "query": q, "limit": limit, "mode": mode, "matchThreshold": threshold }))
                    .send().await.unwrap().json().await.unwrap();
                times.push(t.elapsed());
                assert_eq!(v["mode"], mode, "{v}");
                let results = v["results"].as_array().unwrap_or_else(|| panic!("{v}"));
                top.push(results.first().and_then(|r| r["semanticScore"].as_f64()));
                let mut seen = HashSet::new();
                let ranked: Vec<String> = results
                    .iter()
                    .filter_map(|r| r["title"].as_str()?.split(' ').next().map(str::to_owned))
                    .filter(|d| seen.insert(d.clone()))
                    .collect();
                total += ndcg10(&ranked, rel);
            }
            times.sort();
            (total / judged.len() as f64, times, top)
        }
    };
    // The first search builds the index from the database.
    let t = Instant::now();
    run("lexical", -1.0, 1).await;
    println!(
        "first search after ingestion (index built from PostgreSQL, 225 searches): {:.0} ms",
        t.elapsed().as_secs_f64() * 1000.0
    );
    let mut on_topic = Vec::new();
    for mode in ["lexical", "semantic", "hybrid"] {
        let (ndcg, times, top) = run(mode, -1.0, 50).await;
        if mode == "semantic" {
            on_topic = top.into_iter().flatten().collect();
        }
        println!(
            "{mode:>8}: nDCG@10 {ndcg:.3}; search p50 {:.1} ms, p99 {:.1} ms (HTTP round trip, query embedding included)",
            ms(&times, 0.5),
            ms(&times, 0.99)
        );
    }
    println!("reference (the issue, measured elsewhere): BM25 0.372, MiniLM 0.395, RRF of both 0.430-0.434");

    // 3. The match threshold: the best passage's cosine for Cranfield's own queries against
    // everyday sentences from ISEAR (off-topic for aerodynamics).
    calibrate(&http, &base, &token, on_topic).await;

    // 4. Scale: the collection copied in SQL (new document and chunk ids, same texts and
    // embeddings) until the workspace holds each target, then the same searches.
    let targets: Vec<i64> = std::env::var("BENCH_KNOWLEDGE_SCALE")
        .unwrap_or_else(|_| "10000,100000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let mut held = chunks;
    for target in targets {
        let mut tx = tdb.db.owner().begin().await.unwrap();
        sqlx::query("SELECT set_config('app.tenant_id', $1, true)")
            .bind(&tenant)
            .execute(&mut *tx)
            .await
            .unwrap();
        let mut copy = held / chunks;
        while held < target {
            sqlx::raw_sql(&format!(
                "CREATE TEMP TABLE m ON COMMIT DROP AS SELECT id AS old, gen_random_uuid() AS new FROM {schema}.knowledge_documents WHERE title NOT LIKE '%(copy %';
                 INSERT INTO {schema}.knowledge_documents (id, title, media_type, byte_size, content_sha256, status, created_by_id, created_at, updated_at)
                   SELECT m.new, d.title || ' (copy {copy})', d.media_type, d.byte_size, sha256(d.content_sha256 || '{copy}'::bytea), 'ready', d.created_by_id, d.created_at, d.updated_at
                   FROM m JOIN {schema}.knowledge_documents d ON d.id = m.old;
                 INSERT INTO {schema}.knowledge_chunks (document_id, position, heading, text, token_count, lexemes, lexeme_count, embedding)
                   SELECT m.new, c.position, c.heading, c.text, c.token_count, c.lexemes, c.lexeme_count, c.embedding
                   FROM m JOIN {schema}.knowledge_chunks c ON c.document_id = m.old;
                 DROP TABLE m;"
            ))
            .execute(&mut *tx)
            .await
            .unwrap();
            held += chunks;
            copy += 1;
        }
        sqlx::query(&format!(
            "UPDATE {schema}.knowledge_index_state SET generation = generation + 1"
        ))
        .execute(&mut *tx)
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let t = Instant::now();
        run("lexical", -1.0, 1).await;
        println!(
            "--- {held} chunks --- index brought up to date: {:.1} s",
            t.elapsed().as_secs_f64()
        );
        for mode in ["lexical", "semantic", "hybrid"] {
            let (_, times, _) = run(mode, -1.0, 10).await;
            println!(
                "{mode:>8}: search p50 {:.1} ms, p99 {:.1} ms (limit 10)",
                ms(&times, 0.5),
                ms(&times, 0.99)
            );
        }
        // The assistant over the same workspace: extractive answers to Cranfield's queries,
        // each a new conversation (the plan's limit lifted for the bench).
        sqlx::query(
            "UPDATE platform.tenants SET conversations_per_month = NULL WHERE id = $1::uuid",
        )
        .bind(&tenant)
        .execute(tdb.db.owner())
        .await
        .unwrap();
        let mut times = Vec::new();
        for (q, _) in &judged {
            let t = Instant::now();
            let r = http
                .post(format!("{base}/api/v1/oracle"))
                .bearer_auth(&token)
                .json(&json!({ "input": q }))
                .send()
                .await
                .unwrap();
            assert!(r.status().is_success(), "{}", r.status());
            r.bytes().await.unwrap();
            times.push(t.elapsed());
        }
        times.sort();
        println!(
            "  oracle: p50 {:.1} ms, p99 {:.1} ms (extractive, new conversation each, {} questions)",
            ms(&times, 0.5),
            ms(&times, 0.99),
            times.len()
        );
        if std::env::var("BENCH_EXPLAIN").is_ok() {
            let mut tx = tdb.db.owner().begin().await.unwrap();
            sqlx::query("SELECT set_config('app.tenant_id', $1, true)")
                .bind(&tenant)
                .execute(&mut *tx)
                .await
                .unwrap();
            let ids: Vec<(uuid::Uuid, uuid::Uuid)> = sqlx::query_as(&format!(
                "SELECT id, document_id FROM {schema}.knowledge_chunks ORDER BY random() LIMIT 10"
            ))
            .fetch_all(&mut *tx)
            .await
            .unwrap();
            let array = |v: Vec<uuid::Uuid>| {
                let s: Vec<String> = v.iter().map(|u| u.to_string()).collect();
                format!("'{{{}}}'::uuid[]", s.join(","))
            };
            let (chunks, docs) = (
                array(ids.iter().map(|i| i.0).collect()),
                array(ids.iter().map(|i| i.1).collect()),
            );
            // The passages read back as the server runs them: prepared, so with a generic plan
            // once PostgreSQL has cached one, and with a plan made for the values.
            sqlx::raw_sql(&format!(
                "PREPARE c(uuid[]) AS SELECT id, document_id, position, heading, text FROM {schema}.knowledge_chunks WHERE id = ANY($1);
                 PREPARE d(uuid[]) AS SELECT id, title FROM {schema}.knowledge_documents WHERE id = ANY($1) AND status = 'ready';
                 PREPARE e(uuid[]) AS SELECT id, title, status FROM {schema}.knowledge_documents WHERE id = ANY($1);"
            ))
            .execute(&mut *tx)
            .await
            .unwrap();
            for mode in ["force_generic_plan", "force_custom_plan"] {
                println!("  plan_cache_mode = {mode}");
                for (name, arg) in [("c", &chunks), ("d", &docs), ("e", &docs)] {
                    let sql = format!("SET LOCAL plan_cache_mode = {mode}; EXPLAIN (ANALYZE, BUFFERS) EXECUTE {name}({arg})");
                    let rows = sqlx::raw_sql(&sql).fetch_all(&mut *tx).await.unwrap();
                    use sqlx::Row;
                    for r in rows {
                        println!("  {}", r.get::<String, _>(0));
                    }
                }
            }
        }
        let (rss, peak) = common::rss_mb();
        println!("process memory (server, model, index, bench client): RSS {rss:.0} MB, peak {peak:.0} MB");
    }
    let _ = stop_tx.send(true);
    let _ = working.await;
}

/// Prints, for thresholds 0.15–0.40, how many off-topic queries find nothing and how many
/// Cranfield queries keep their best passage.
async fn calibrate(http: &reqwest::Client, base: &str, token: &str, on_topic: Vec<f64>) {
    let path = data_dir().join("../isear/life-area-labels.csv");
    let mut off_topic = Vec::new();
    for rec in csv::Reader::from_path(path).unwrap().records().take(225) {
        let text = rec.unwrap()[5].to_owned();
        let v: Value = http
            .post(format!("{base}/api/v1/knowledge/search"))
            .bearer_auth(token)
            .json(&json!({ "query": text, "limit": 1, "mode": "semantic", "matchThreshold": -1 }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if let Some(c) = v["results"][0]["semanticScore"].as_f64() {
            off_topic.push(c);
        }
    }
    let pct = |v: &mut Vec<f64>, p: f64| {
        v.sort_by(f64::total_cmp);
        v[((v.len() as f64 - 1.0) * p).round() as usize]
    };
    let (mut on, mut off) = (on_topic, off_topic);
    println!(
        "best passage's cosine: Cranfield queries p10 {:.2} / p50 {:.2}; ISEAR sentences p50 {:.2} / p90 {:.2} / max {:.2}",
        pct(&mut on, 0.1), pct(&mut on, 0.5), pct(&mut off, 0.5), pct(&mut off, 0.9), pct(&mut off, 1.0)
    );
    for t in [0.15, 0.20, 0.25, 0.30, 0.35, 0.40] {
        let kept = on.iter().filter(|c| **c >= t).count() as f64 / on.len() as f64;
        let rejected = off.iter().filter(|c| **c < t).count() as f64 / off.len() as f64;
        println!("threshold {t:.2}: on-topic queries answered {:.0}%, off-topic queries turned away {:.0}%", kept * 100.0, rejected * 100.0);
    }
}
