//! `POST /knowledge/search`: passages of the workspace's knowledge base ranked by meaning and
//! words (seed 002's `kb.search(query, {limit, matchThreshold})`). Every role searches.

use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use wisdomos_app::knowledge_search::{self as app, SearchQuery};
use wisdomos_db::knowledge::DocumentFilter;

use crate::extract::Read;
use crate::json::ApiJson;
use crate::scoped::Scoped;
use crate::{ApiError, AppState};

/// Filters of a search.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SearchFilters {
    /// Only documents of this category.
    pub category: Option<String>,
    /// Only documents carrying this tag (in any of the three tag lists).
    pub tag: Option<String>,
}

/// Body of `POST /knowledge/search`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SearchRequest {
    /// 1–1,000 characters.
    pub query: String,
    /// 1–50, default 10.
    pub limit: Option<i64>,
    /// The least cosine similarity (−1 to 1) a passage needs to be returned in `semantic` and
    /// `hybrid` mode; default 0.25 (calibrated, docs/knowledge.md).
    pub match_threshold: Option<f64>,
    /// `hybrid` (default: words and meaning fused by reciprocal-rank fusion), `semantic` or
    /// `lexical` (BM25).
    pub mode: Option<String>,
    #[serde(default)]
    pub filters: SearchFilters,
}

/// One passage found.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SearchResult {
    pub document_id: Uuid,
    pub title: String,
    pub chunk_id: Uuid,
    /// The passage's order in its document, from 0.
    pub position: i32,
    pub heading: Option<String>,
    /// The passage (up to 240 estimated tokens).
    pub snippet: String,
    /// What results are ordered by, higher is better: the fused score (hybrid, Σ 1/(60 + rank)),
    /// the cosine (semantic) or BM25 (lexical).
    pub score: f64,
    /// 1-based rank by words (BM25), when it ranks there.
    pub lexical_rank: Option<usize>,
    /// Cosine similarity with the query (−1 to 1), when the server has a model.
    pub semantic_score: Option<f64>,
}

/// Answer of `POST /knowledge/search`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SearchAnswer {
    /// How the results were ranked: `hybrid`, `semantic` or `lexical`.
    pub mode: &'static str,
    /// Why `mode` is not the one asked for: `no_model` (the server has no model, so only words
    /// count) or `not_embedded` (no document has embeddings yet).
    pub fallback: Option<&'static str>,
    pub results: Vec<SearchResult>,
}

/// Finds the passages that best match a query.
#[utoipa::path(post, path = "/knowledge/search", tag = "knowledge", security(("bearer" = [])), request_body = SearchRequest,
    responses((status = 200, body = SearchAnswer), (status = 422, description = "validation_failed")))]
pub async fn search(
    State(st): State<AppState>,
    scoped: Scoped<Read>,
    ApiJson(req): ApiJson<SearchRequest>,
) -> Result<Json<SearchAnswer>, ApiError> {
    let q = SearchQuery {
        query: req.query,
        limit: req.limit,
        match_threshold: req.match_threshold,
        mode: req.mode,
        filters: DocumentFilter {
            category: req.filters.category,
            tag: req.filters.tag,
            ..Default::default()
        },
    };
    let (_ctx, mut tx) = scoped.open(&st).await?;
    let answer = app::search(&mut tx, &st.config.knowledge, &q, st.clock.now()).await?;
    tx.commit().await?;
    Ok(Json(SearchAnswer {
        mode: answer.mode.as_str(),
        fallback: answer.fallback,
        results: answer
            .results
            .into_iter()
            .map(|f| SearchResult {
                document_id: f.passage.document_id,
                title: f.passage.title,
                chunk_id: f.passage.chunk_id,
                position: f.passage.position,
                heading: f.passage.heading,
                snippet: f.passage.text,
                score: f.score,
                lexical_rank: f.lexical_rank,
                semantic_score: f.semantic_score,
            })
            .collect(),
    }))
}
