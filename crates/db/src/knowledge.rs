//! The knowledge base of a tenant (seed 002): documents and their chunks, through a
//! [`TenantTx`]. Search itself runs on an index the server builds from the chunks
//! ([`crate::knowledge_index`]).

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
    /// The bytes for the ingestion job to read.
    pub source: Option<&'a [u8]>,
}

/// A chunk to store: its order, heading, text and estimated token count.
#[derive(Debug, Clone)]
pub struct NewChunk<'a> {
    pub position: i32,
    pub heading: Option<&'a str>,
    pub text: &'a str,
    pub token_count: i32,
    /// L2-normalised, [`crate::EMBEDDING_DIMS`] values; all chunks of a document have one or
    /// none do.
    pub embedding: Option<&'a [f32]>,
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
             phase_tags, byte_size, content_sha256, status, created_by_id, created_at, updated_at, source)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $13) RETURNING id",
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
    .bind(d.source)
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

/// Marks that the workspace's search index changed (`rebuild`: from scratch, else by
/// documents), so every server's copy of it is stale.
pub(crate) async fn bump(tx: &mut TenantTx, rebuild: bool) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO knowledge_index_state (generation, epoch) VALUES (1, $1::int)
         ON CONFLICT (tenant_id) DO UPDATE SET generation = knowledge_index_state.generation + 1,
             epoch = knowledge_index_state.epoch + $1::int",
    )
    .bind(i32::from(rebuild))
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// A document waiting for its ingestion job.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Pending {
    pub title: String,
    pub media_type: String,
    pub source: Vec<u8>,
}

/// The document an ingestion job is to read; `None` when it is gone or no longer
/// `processing` (the job ran already).
pub async fn pending_source(tx: &mut TenantTx, id: Uuid) -> Result<Option<Pending>, DbError> {
    Ok(sqlx::query_as(
        "SELECT title, media_type, source FROM knowledge_documents
         WHERE id = $1 AND status = 'processing' AND source IS NOT NULL FOR UPDATE",
    )
    .bind(id)
    .fetch_optional(tx.conn())
    .await?)
}

/// Stores a document's chunks (with their embeddings, [`crate::EMBEDDING_DIMS`] values each,
/// when there are) and their English stems for the lexical index (of the document's title,
/// the chunk's heading and its text, so each passage is found by what it is part of), marks the
/// document `ready`,
/// lets its source bytes go and bumps the index generation.
pub async fn store_chunks(
    tx: &mut TenantTx,
    document_id: Uuid,
    chunks: &[NewChunk<'_>],
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    // One statement for all of them: a long document has hundreds. Embeddings travel as one
    // flat array, sliced per row, since an array of arrays cannot be unnested by row.
    let positions: Vec<i32> = chunks.iter().map(|c| c.position).collect();
    let headings: Vec<Option<&str>> = chunks.iter().map(|c| c.heading).collect();
    let texts: Vec<&str> = chunks.iter().map(|c| c.text).collect();
    let tokens: Vec<i32> = chunks.iter().map(|c| c.token_count).collect();
    let embedded = !chunks.is_empty() && chunks.iter().all(|c| c.embedding.is_some());
    let flat: Vec<f32> = chunks
        .iter()
        .filter(|_| embedded)
        .flat_map(|c| c.embedding.unwrap_or_default().iter().copied())
        .collect();
    sqlx::query(
        "INSERT INTO knowledge_chunks (document_id, position, heading, text, token_count, lexemes, lexeme_count, embedding)
         SELECT $1, r.position, r.heading, r.text, r.tokens, v,
                coalesce((SELECT sum(array_length(positions, 1)) FROM unnest(v)), 0),
                CASE WHEN $7 THEN ($6::real[])[(r.n - 1) * $8 + 1 : r.n * $8] END
         FROM unnest($2::int[], $3::text[], $4::text[], $5::int[]) WITH ORDINALITY AS r(position, heading, text, tokens, n)
         CROSS JOIN (SELECT title FROM knowledge_documents WHERE id = $1) d
         CROSS JOIN LATERAL (SELECT to_tsvector('english', d.title || ' ' || coalesce(r.heading, '') || ' ' || r.text) AS v) s",
    )
    .bind(document_id)
    .bind(&positions)
    .bind(&headings)
    .bind(&texts)
    .bind(&tokens)
    .bind(&flat)
    .bind(embedded)
    .bind(crate::EMBEDDING_DIMS as i32)
    .execute(tx.conn())
    .await?;
    sqlx::query(
        "UPDATE knowledge_documents SET status = 'ready', error = NULL, source = NULL, updated_at = $2 WHERE id = $1",
    )
    .bind(document_id)
    .bind(now)
    .execute(tx.conn())
    .await?;
    bump(tx, false).await
}

/// Marks a document `failed` with `error` (shown to the user) and lets its bytes go.
pub async fn fail(
    tx: &mut TenantTx,
    id: Uuid,
    error: &str,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    sqlx::query(
        "UPDATE knowledge_documents SET status = 'failed', error = $2, source = NULL, updated_at = $3 WHERE id = $1",
    )
    .bind(id)
    .bind(error)
    .bind(now)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Deletes a document with its chunks; returns it. Errors: [`DbError::NotFound`].
pub async fn delete(tx: &mut TenantTx, id: Uuid) -> Result<Document, DbError> {
    let d = get(tx, id).await?;
    sqlx::query("DELETE FROM knowledge_documents WHERE id = $1")
        .bind(id)
        .execute(tx.conn())
        .await?;
    if d.status == "ready" {
        bump(tx, false).await?;
    }
    Ok(d)
}

/// The bytes of every document of the workspace together.
pub async fn total_bytes(tx: &mut TenantTx) -> Result<i64, DbError> {
    Ok(
        sqlx::query_scalar("SELECT coalesce(sum(byte_size), 0)::bigint FROM knowledge_documents")
            .fetch_one(tx.conn())
            .await?,
    )
}
