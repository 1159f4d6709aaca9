//! The knowledge base of a tenant (seed 002): documents, their chunks, and the BM25 statistics
//! kept beside them (document frequency per stem, chunk and stem counts), through a
//! [`TenantTx`]. Stems are PostgreSQL's `english` text search configuration.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::{DbError, Keyset, Page, TenantTx};

/// A stored document; `status` is `processing`, `ready` or `failed`.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Document {
    pub id: Uuid,
    pub title: String,
    pub source_filename: Option<String>,
    pub media_type: String,
    pub category: Option<String>,
    pub tags: Vec<String>,
    pub elemental_tags: Vec<String>,
    pub phase_tags: Vec<String>,
    pub byte_size: i64,
    pub status: String,
    pub error: Option<String>,
    pub created_by_id: Uuid,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// How many chunks it has.
    pub chunks: i64,
}

/// A new document, validated by the caller.
#[derive(Debug, Clone)]
pub struct NewDocument<'a> {
    pub title: &'a str,
    pub source_filename: Option<&'a str>,
    pub media_type: &'a str,
    pub category: Option<&'a str>,
    pub tags: &'a [String],
    pub elemental_tags: &'a [String],
    pub phase_tags: &'a [String],
    pub byte_size: i64,
    pub content_sha256: &'a [u8],
    pub created_by_id: Uuid,
}

/// A chunk to store: its order, heading, text and estimated token count.
#[derive(Debug, Clone)]
pub struct NewChunk<'a> {
    pub position: i32,
    pub heading: Option<&'a str>,
    pub text: &'a str,
    pub token_count: i32,
}

const COLUMNS: &str = "d.id, d.title, d.source_filename, d.media_type, d.category, d.tags, d.elemental_tags, d.phase_tags,
    d.byte_size, d.status, d.error, d.created_by_id, d.created_at, d.updated_at,
    (SELECT count(*) FROM knowledge_chunks c WHERE c.document_id = d.id) AS chunks";

/// The document whose bytes hash to `sha256`, if one was stored.
pub async fn by_content(tx: &mut TenantTx, sha256: &[u8]) -> Result<Option<Document>, DbError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM knowledge_documents d WHERE d.content_sha256 = $1"
    ))
    .bind(sha256)
    .fetch_optional(tx.conn())
    .await?)
}

/// Inserts a document in `status` (`processing` or `ready`). Errors:
/// [`DbError::Conflict`]`("document_exists")` for bytes already stored.
pub async fn create(
    tx: &mut TenantTx,
    d: &NewDocument<'_>,
    status: &str,
    now: DateTime<Utc>,
) -> Result<Document, DbError> {
    let id: Uuid = sqlx::query_scalar(
        "INSERT INTO knowledge_documents (title, source_filename, media_type, category, tags, elemental_tags,
             phase_tags, byte_size, content_sha256, status, created_by_id, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id",
    )
    .bind(d.title)
    .bind(d.source_filename)
    .bind(d.media_type)
    .bind(d.category)
    .bind(d.tags)
    .bind(d.elemental_tags)
    .bind(d.phase_tags)
    .bind(d.byte_size)
    .bind(d.content_sha256)
    .bind(status)
    .bind(d.created_by_id)
    .bind(now)
    .fetch_one(tx.conn())
    .await
    .map_err(|e| match DbError::from(e) {
        DbError::Conflict(_) => DbError::Conflict("document_exists"),
        other => other,
    })?;
    get(tx, id).await
}

/// One document. Errors: [`DbError::NotFound`].
pub async fn get(tx: &mut TenantTx, id: Uuid) -> Result<Document, DbError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM knowledge_documents d WHERE d.id = $1"
    ))
    .bind(id)
    .fetch_one(tx.conn())
    .await?)
}

/// Filters of [`list`]; every part optional.
#[derive(Debug, Clone, Default)]
pub struct DocumentFilter {
    pub category: Option<String>,
    /// Documents carrying this tag (in `tags`, `elemental_tags` or `phase_tags`).
    pub tag: Option<String>,
    pub status: Option<String>,
    /// Case-insensitive substring of the title.
    pub q: Option<String>,
}

/// Documents, newest first.
pub async fn list(
    tx: &mut TenantTx,
    f: &DocumentFilter,
    before: Option<Keyset>,
    limit: i64,
) -> Result<Page<Document>, DbError> {
    let (at, id) = before.map_or((None, None), |(a, i)| (Some(a), Some(i)));
    let rows = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM knowledge_documents d
         WHERE ($1::text IS NULL OR d.category = $1)
           AND ($2::text IS NULL OR $2 = ANY(d.tags) OR $2 = ANY(d.elemental_tags) OR $2 = ANY(d.phase_tags))
           AND ($3::text IS NULL OR d.status = $3)
           AND ($4::text IS NULL OR d.title ILIKE '%' || replace(replace(replace($4, '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%')
           AND ($5::timestamptz IS NULL OR (d.created_at, d.id) < ($5, $6))
         ORDER BY d.created_at DESC, d.id DESC LIMIT $7"
    ))
    .bind(&f.category)
    .bind(&f.tag)
    .bind(&f.status)
    .bind(&f.q)
    .bind(at)
    .bind(id)
    .bind(limit + 1)
    .fetch_all(tx.conn())
    .await?;
    Ok(Page::from_overfetch(rows, limit))
}

/// Stores a document's chunks, indexes their stems and counts them into the BM25 statistics,
/// then marks the document `ready`.
pub async fn store_chunks(
    tx: &mut TenantTx,
    document_id: Uuid,
    chunks: &[NewChunk<'_>],
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    // One statement for all of them: a long document has hundreds.
    let positions: Vec<i32> = chunks.iter().map(|c| c.position).collect();
    let headings: Vec<Option<&str>> = chunks.iter().map(|c| c.heading).collect();
    let texts: Vec<&str> = chunks.iter().map(|c| c.text).collect();
    let tokens: Vec<i32> = chunks.iter().map(|c| c.token_count).collect();
    sqlx::query(
        "INSERT INTO knowledge_chunks (document_id, position, heading, text, token_count, lexemes, lexeme_count)
         SELECT $1, r.position, r.heading, r.text, r.tokens, v,
                coalesce((SELECT sum(array_length(positions, 1)) FROM unnest(v)), 0)
         FROM unnest($2::int[], $3::text[], $4::text[], $5::int[]) AS r(position, heading, text, tokens)
         CROSS JOIN LATERAL (SELECT to_tsvector('english', coalesce(r.heading, '') || ' ' || r.text) AS v) s",
    )
    .bind(document_id)
    .bind(&positions)
    .bind(&headings)
    .bind(&texts)
    .bind(&tokens)
    .execute(tx.conn())
    .await?;
    sqlx::query(
        "INSERT INTO knowledge_postings (term, chunk_id, tf, chunk_len)
         SELECT u.lexeme, c.id, array_length(u.positions, 1), c.lexeme_count
         FROM knowledge_chunks c CROSS JOIN LATERAL unnest(c.lexemes) AS u(lexeme, positions, weights)
         WHERE c.document_id = $1 AND c.lexeme_count > 0",
    )
    .bind(document_id)
    .execute(tx.conn())
    .await?;
    count_in(tx, document_id, 1).await?;
    sqlx::query("UPDATE knowledge_documents SET status = 'ready', error = NULL, updated_at = $2 WHERE id = $1")
        .bind(document_id)
        .bind(now)
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// Adds (`sign` 1) or removes (`sign` −1) a document's chunks to or from the statistics.
async fn count_in(tx: &mut TenantTx, document_id: Uuid, sign: i32) -> Result<(), DbError> {
    let per_term = "SELECT t.term, count(*) AS n FROM knowledge_chunks c, unnest(tsvector_to_array(c.lexemes)) AS t(term)
                    WHERE c.document_id = $1 GROUP BY t.term";
    let totals = "SELECT count(*) AS n, coalesce(sum(lexeme_count), 0) AS l FROM knowledge_chunks WHERE document_id = $1";
    // Adding upserts; removing updates (an upsert's proposed row would break the CHECK).
    let (terms, corpus) = if sign > 0 {
        (
            format!(
                "INSERT INTO knowledge_terms (term, chunks) {per_term}
                 ON CONFLICT (tenant_id, term) DO UPDATE SET chunks = knowledge_terms.chunks + EXCLUDED.chunks"
            ),
            format!(
                "INSERT INTO knowledge_corpus (chunks, lexemes) {totals}
                 ON CONFLICT (tenant_id) DO UPDATE SET chunks = knowledge_corpus.chunks + EXCLUDED.chunks,
                     lexemes = knowledge_corpus.lexemes + EXCLUDED.lexemes"
            ),
        )
    } else {
        (
            format!(
                "UPDATE knowledge_terms k SET chunks = k.chunks - d.n FROM ({per_term}) d WHERE k.term = d.term"
            ),
            format!(
                "UPDATE knowledge_corpus k SET chunks = k.chunks - d.n, lexemes = k.lexemes - d.l FROM ({totals}) d"
            ),
        )
    };
    for sql in [terms, corpus] {
        sqlx::query(&sql)
            .bind(document_id)
            .execute(tx.conn())
            .await?;
    }
    sqlx::query("DELETE FROM knowledge_terms WHERE chunks <= 0")
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// Deletes a document with its chunks, taking them out of the statistics; returns it.
/// Errors: [`DbError::NotFound`].
pub async fn delete(tx: &mut TenantTx, id: Uuid) -> Result<Document, DbError> {
    let d = get(tx, id).await?;
    count_in(tx, id, -1).await?;
    sqlx::query("DELETE FROM knowledge_documents WHERE id = $1")
        .bind(id)
        .execute(tx.conn())
        .await?;
    Ok(d)
}

/// A chunk found by search, with its document's title.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Hit {
    pub chunk_id: Uuid,
    pub document_id: Uuid,
    pub title: String,
    pub position: i32,
    pub heading: Option<String>,
    pub text: String,
    /// The BM25 score, > 0.
    pub score: f64,
}

/// The `limit` chunks that rank highest for `query` by Okapi BM25 (Robertson & Zaragoza,
/// "The Probabilistic Relevance Framework: BM25 and Beyond", 2009) with k1 = 1.2, b = 0.75 and
/// idf = ln(1 + (N − df + 0.5) / (df + 0.5)), over the English stems of the query, read from
/// the postings (only chunks of `ready` documents have postings). A query without a stem that
/// any chunk holds finds nothing.
pub async fn bm25(tx: &mut TenantTx, query: &str, limit: i64) -> Result<Vec<Hit>, DbError> {
    Ok(sqlx::query_as(
        "WITH q AS (SELECT DISTINCT unnest(tsvector_to_array(to_tsvector('english', $1))) AS term),
              s AS (SELECT chunks::float8 AS n, lexemes::float8 / greatest(chunks, 1) AS avgdl FROM knowledge_corpus),
              w AS (SELECT t.term, ln(1 + (s.n - t.chunks + 0.5) / (t.chunks + 0.5)) AS idf
                    FROM knowledge_terms t JOIN q ON q.term = t.term CROSS JOIN s),
              ranked AS (
                SELECT p.chunk_id, sum(w.idf * (p.tf * 2.2) / (p.tf + 1.2 * (0.25 + 0.75 * p.chunk_len / greatest(s.avgdl, 1)))) AS score
                FROM w JOIN knowledge_postings p ON p.term = w.term CROSS JOIN s
                GROUP BY p.chunk_id ORDER BY score DESC, p.chunk_id LIMIT $2)
         SELECT c.id AS chunk_id, c.document_id, d.title, c.position, c.heading, c.text, r.score
         FROM ranked r
         JOIN knowledge_chunks c ON c.id = r.chunk_id
         JOIN knowledge_documents d ON d.id = c.document_id
         ORDER BY r.score DESC, c.id",
    )
    .bind(query)
    .bind(limit)
    .fetch_all(tx.conn())
    .await?)
}

/// The bytes of every document of the workspace together.
pub async fn total_bytes(tx: &mut TenantTx) -> Result<i64, DbError> {
    Ok(
        sqlx::query_scalar("SELECT coalesce(sum(byte_size), 0)::bigint FROM knowledge_documents")
            .fetch_one(tx.conn())
            .await?,
    )
}
