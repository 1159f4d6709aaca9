//! Finding passages in a workspace's knowledge base (seed 002's `kb.search(query, {limit,
//! matchThreshold})`): lexical (BM25), semantic (cosine of MiniLM embeddings) or hybrid (the
//! two fused by reciprocal-rank fusion), over an index held in memory and brought up to date
//! from the database, through the workspace's transaction, before every search.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use uuid::Uuid;
use wisdomos_core::validation::bounded_text;
use wisdomos_core::{FieldError, ValidationErrors};
use wisdomos_db::knowledge::DocumentFilter;
use wisdomos_db::knowledge_index::{self as repo, Passage};
use wisdomos_db::TenantTx;
use wisdomos_engine::index::{rrf, ChunkIn, Index, Ranked};

use crate::knowledge::{KnowledgeEngine, EMBED_JOB};
use crate::AppError;

/// Most results a search returns.
pub const LIMIT_MAX: i64 = 50;
/// How deep each ranking goes before fusion.
pub const FUSION_DEPTH: usize = 100;
/// The cosine below which a passage is not a match, unless the request says otherwise:
/// calibrated on Cranfield against off-topic queries (docs/knowledge.md).
pub const DEFAULT_MATCH_THRESHOLD: f32 = 0.25;

/// How results are ranked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Hybrid,
    Semantic,
    Lexical,
}

impl Mode {
    /// The API's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Hybrid => "hybrid",
            Mode::Semantic => "semantic",
            Mode::Lexical => "lexical",
        }
    }
}

/// A search as asked.
#[derive(Debug, Clone, Default)]
pub struct SearchQuery {
    pub query: String,
    /// 1–50, default 10.
    pub limit: Option<i64>,
    /// Cosine in [−1, 1], default [`DEFAULT_MATCH_THRESHOLD`]; semantic and hybrid only.
    pub match_threshold: Option<f64>,
    /// `hybrid` (default), `semantic` or `lexical`.
    pub mode: Option<String>,
    /// Only documents of this category / carrying this tag.
    pub filters: DocumentFilter,
}

/// A passage found.
#[derive(Debug, Clone)]
pub struct Found {
    pub passage: Passage,
    /// What results are ordered by: the RRF score (hybrid), the cosine (semantic) or BM25
    /// (lexical); higher is better.
    pub score: f64,
    /// 1-based rank by words, if the lexical ranking holds it.
    pub lexical_rank: Option<usize>,
    /// Cosine with the query, with a model.
    pub semantic_score: Option<f64>,
}

/// The answer: the mode used, and why it is not the one asked for (`no_model`: the server
/// has no model, so only words count; `not_embedded`: no document has embeddings yet).
#[derive(Debug, Clone)]
pub struct Answer {
    pub mode: Mode,
    pub fallback: Option<&'static str>,
    pub results: Vec<Found>,
}

struct Valid {
    query: String,
    limit: usize,
    threshold: f32,
    mode: Mode,
}

fn validate(q: &SearchQuery) -> Result<Valid, AppError> {
    let mut errs = ValidationErrors::default();
    let folded = q.query.split_whitespace().collect::<Vec<_>>().join(" ");
    let query = errs.check(bounded_text("query", &folded, 1, 1000));
    let limit = q.limit.unwrap_or(10);
    if !(1..=LIMIT_MAX).contains(&limit) {
        errs.0.push(FieldError::new(
            "limit",
            "out_of_range",
            format!("limit must be from 1 to {LIMIT_MAX}"),
        ));
    }
    let threshold = q
        .match_threshold
        .unwrap_or(f64::from(DEFAULT_MATCH_THRESHOLD));
    if !(-1.0..=1.0).contains(&threshold) {
        errs.0.push(FieldError::new(
            "matchThreshold",
            "out_of_range",
            "matchThreshold must be from -1 to 1",
        ));
    }
    let mode = match q.mode.as_deref() {
        None | Some("hybrid") => Some(Mode::Hybrid),
        Some("semantic") => Some(Mode::Semantic),
        Some("lexical") => Some(Mode::Lexical),
        Some(_) => {
            errs.0.push(FieldError::new(
                "mode",
                "invalid_choice",
                "mode must be hybrid, semantic or lexical",
            ));
            None
        }
    };
    errs.finish()?;
    match (query, mode) {
        (Some(query), Some(mode)) => Ok(Valid {
            query,
            limit: limit as usize,
            threshold: threshold as f32,
            mode,
        }),
        _ => Err(AppError::Internal(
            "validation passed without values".into(),
        )),
    }
}

/// Brings `idx` to the database's state: from scratch on a new epoch, else by the documents
/// made ready or deleted since.
async fn refresh(tx: &mut TenantTx, idx: &mut Index, st: &repo::State) -> Result<(), AppError> {
    if idx.epoch != st.epoch || idx.wants_rebuild() {
        *idx = Index::default();
    }
    let ready: HashSet<Uuid> = repo::ready_documents(tx).await?.into_iter().collect();
    let held = idx.documents();
    for gone in held.difference(&ready) {
        idx.remove_document(*gone);
    }
    let new: Vec<Uuid> = ready.difference(&held).copied().collect();
    for batch in new.chunks(500) {
        let mut by_doc: Vec<(Uuid, Vec<ChunkIn>)> = Vec::new();
        for c in repo::chunks_of(tx, batch).await? {
            let chunk = ChunkIn {
                id: c.id,
                document_id: c.document_id,
                len: c.lexeme_count.max(0) as u32,
                stems: c.stems,
                embedding: c.embedding,
            };
            match by_doc.last_mut() {
                Some((d, v)) if *d == c.document_id => v.push(chunk),
                _ => by_doc.push((c.document_id, vec![chunk])),
            }
        }
        for (d, chunks) in by_doc {
            idx.add_document(d, chunks);
        }
    }
    idx.generation = st.generation;
    idx.epoch = st.epoch;
    Ok(())
}

/// Searches the workspace's knowledge base. Without a model (or before any document has
/// embeddings) semantic and hybrid searches answer lexically and say so in
/// [`Answer::fallback`]. Errors: validation of `query` (1–1,000 characters once runs of white
/// space are one space), `limit`, `matchThreshold`, `mode`.
pub async fn search(
    tx: &mut TenantTx,
    ke: &KnowledgeEngine,
    q: &SearchQuery,
    now: DateTime<Utc>,
) -> Result<Answer, AppError> {
    search_embedded(tx, ke, q, None, now).await
}

/// [`search`] with the query's embedding already made (the assistant embeds a message once for
/// its element and its search).
pub async fn search_embedded(
    tx: &mut TenantTx,
    ke: &KnowledgeEngine,
    q: &SearchQuery,
    query_embedding: Option<Vec<f32>>,
    now: DateTime<Utc>,
) -> Result<Answer, AppError> {
    let v = validate(q)?;
    let st = repo::state(tx, &v.query).await?;
    let tenant = tx.tenant_id();
    let entry = ke.indexes.get(tenant);
    let stale =
        |i: &Index| i.generation != st.generation || i.epoch != st.epoch || i.generation == 0;
    // Searches share the index; only one that finds it stale takes it to bring it up to date,
    // and only then can the cache's size have changed.
    let mut idx = entry.read().await;
    if stale(&idx) {
        drop(idx);
        let mut guard = entry.write().await;
        if stale(&guard) {
            refresh(tx, &mut guard, &st).await?;
        }
        idx = guard.downgrade();
        ke.indexes.trim(tenant);
    }
    let only: Option<HashSet<Uuid>> = if q.filters.category.is_some() || q.filters.tag.is_some() {
        Some(
            repo::matching_documents(tx, &q.filters)
                .await?
                .into_iter()
                .collect(),
        )
    } else {
        None
    };
    let (mode, fallback) = match v.mode {
        Mode::Lexical => (Mode::Lexical, None),
        _ if !ke.engine.has_model() => (Mode::Lexical, Some("no_model")),
        _ if !idx.has_embeddings() && !idx.is_empty() => (Mode::Lexical, Some("not_embedded")),
        m => (m, None),
    };
    if ke.engine.has_model() && idx.unembedded() > 0 {
        // Passages read in before the model was here: embed them in the background, once per
        // state of the knowledge base.
        let job = wisdomos_db::jobs::NewJob {
            dedup_key: Some(format!("{EMBED_JOB}:{}:{}", st.generation, st.epoch)),
            ..wisdomos_db::jobs::NewJob::new(EMBED_JOB, serde_json::json!({}), now)
        };
        wisdomos_db::jobs::enqueue(tx, &job, now).await?;
    }
    // The query is embedded on the blocking pool while BM25 ranks on this thread.
    let embedding = match (mode, query_embedding) {
        (Mode::Lexical, _) => None,
        (_, Some(v)) => Some(tokio::spawn(async move {
            Ok::<_, wisdomos_engine::EngineError>(v)
        })),
        _ => {
            let (engine, query) = (ke.engine.clone(), v.query.clone());
            Some(tokio::spawn(async move { engine.embed_one(&query).await }))
        }
    };
    let depth = FUSION_DEPTH.max(v.limit);
    let lexical = match mode {
        Mode::Semantic => Vec::new(),
        _ => idx.lexical(&st.stems, only.as_ref(), depth),
    };
    let qv = match embedding {
        None => None,
        Some(task) => Some(
            task.await
                .map_err(|e| AppError::Internal(format!("query embedding task: {e}")))?
                .map_err(|e| AppError::Internal(e.to_string()))?,
        ),
    };
    let rank_of = |id: Uuid| lexical.iter().position(|r| r.chunk_id == id).map(|p| p + 1);
    let cosine = |id: Uuid| qv.as_ref().and_then(|q| idx.cosine(id, q));
    let ranked: Vec<(Ranked, f32)> = match (&qv, mode) {
        (Some(q), Mode::Semantic) => idx
            .semantic(q, only.as_ref(), depth)
            .into_iter()
            .map(|r| (r, r.score))
            .collect(),
        // Semantic first: the match threshold is a cosine, so meaning is already the signal
        // a result must pass; RRF's ties fall to the first ranking.
        (Some(q), _) => rrf(&[&idx.semantic(q, only.as_ref(), depth), &lexical]),
        (None, _) => lexical.iter().map(|r| (*r, r.score)).collect(),
    };
    // The threshold is a cosine: a passage without an embedding yet (read in without a model,
    // or cleared by a model change and not embedded again) can only have come from the words'
    // ranking, and is judged by it alone.
    let kept: Vec<(Ranked, f32)> = ranked
        .into_iter()
        .filter(|(r, _)| qv.is_none() || cosine(r.chunk_id).is_none_or(|c| c >= v.threshold))
        .take(v.limit)
        .collect();
    let meta: Vec<(Uuid, f32, Option<usize>, Option<f32>)> = kept
        .iter()
        .map(|(r, s)| (r.chunk_id, *s, rank_of(r.chunk_id), cosine(r.chunk_id)))
        .collect();
    drop(idx);
    let ids: Vec<Uuid> = meta.iter().map(|m| m.0).collect();
    let mut passages = repo::passages(tx, &ids).await?;
    let results = meta
        .into_iter()
        .filter_map(|(id, score, lexical_rank, semantic)| {
            let i = passages.iter().position(|p| p.chunk_id == id)?;
            Some(Found {
                passage: passages.swap_remove(i),
                score: f64::from(score),
                lexical_rank,
                semantic_score: semantic.map(f64::from),
            })
        })
        .collect();
    Ok(Answer {
        mode,
        fallback,
        results,
    })
}
