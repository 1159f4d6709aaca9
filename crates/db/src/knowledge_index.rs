//! What a server's in-memory search index of a workspace is built from, read through the
//! workspace's [`TenantTx`] (so under its row-level security): the index's generation, the
//! ready documents, their chunks' stems and embeddings; and the passages a search found.

use uuid::Uuid;

use crate::knowledge::DocumentFilter;
use crate::{DbError, TenantTx};

/// The workspace's index version (`generation` moves on every document made ready or deleted,
/// `epoch` when the index must be rebuilt from scratch) and a query's English stems, in one
/// round trip.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct State {
    pub generation: i64,
    pub epoch: i64,
    pub stems: Vec<String>,
}

/// The index's state and the stems of `query` (PostgreSQL's `english` configuration, as the
/// chunks' stems were made).
pub async fn state(tx: &mut TenantTx, query: &str) -> Result<State, DbError> {
    Ok(sqlx::query_as(
        "SELECT coalesce((SELECT generation FROM knowledge_index_state), 0) AS generation,
                coalesce((SELECT epoch FROM knowledge_index_state), 0) AS epoch,
                tsvector_to_array(to_tsvector('english', $1)) AS stems",
    )
    .bind(query)
    .fetch_one(tx.conn())
    .await?)
}

/// The ids of the ready documents.
pub async fn ready_documents(tx: &mut TenantTx) -> Result<Vec<Uuid>, DbError> {
    Ok(
        sqlx::query_scalar("SELECT id FROM knowledge_documents WHERE status = 'ready'")
            .fetch_all(tx.conn())
            .await?,
    )
}

/// The ready documents `f` lets through (for a search with filters).
pub async fn matching_documents(
    tx: &mut TenantTx,
    f: &DocumentFilter,
) -> Result<Vec<Uuid>, DbError> {
    Ok(sqlx::query_scalar(
        "SELECT d.id FROM knowledge_documents d
         WHERE d.status = 'ready'
           AND ($1::text IS NULL OR d.category = $1)
           AND ($2::text IS NULL OR $2 = ANY(d.tags) OR $2 = ANY(d.elemental_tags) OR $2 = ANY(d.phase_tags))",
    )
    .bind(&f.category)
    .bind(&f.tag)
    .fetch_all(tx.conn())
    .await?)
}

/// A chunk as the index holds it: its stems with their counts, its length in stems (BM25's
/// document length) and its embedding if it has one.
#[derive(Debug, Clone)]
pub struct IndexedChunk {
    pub id: Uuid,
    pub document_id: Uuid,
    pub lexeme_count: i32,
    pub stems: Vec<(String, u32)>,
    pub embedding: Option<Vec<f32>>,
}

/// The chunks of `documents`, by document and position.
pub async fn chunks_of(
    tx: &mut TenantTx,
    documents: &[Uuid],
) -> Result<Vec<IndexedChunk>, DbError> {
    // The stems travel as the tsvector's text and are parsed here: unnesting each tsvector in
    // SQL cost about 0.5 ms a chunk.
    type Row = (Uuid, Uuid, i32, String, Option<Vec<f32>>);
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT c.id, c.document_id, c.lexeme_count, c.lexemes::text, c.embedding
         FROM knowledge_chunks c WHERE c.document_id = ANY($1)
         ORDER BY c.document_id, c.position",
    )
    .bind(documents)
    .fetch_all(tx.conn())
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(id, document_id, lexeme_count, lexemes, embedding)| IndexedChunk {
                id,
                document_id,
                lexeme_count,
                stems: parse_tsvector(&lexemes),
                embedding,
            },
        )
        .collect())
}

/// The lexemes of a tsvector's text form (`'flow':1,4 'wing':2`) with how often each occurs
/// (its positions; 1 when it has none). PostgreSQL writes a quote inside a lexeme as `''`
/// and a backslash as `\\`.
pub fn parse_tsvector(text: &str) -> Vec<(String, u32)> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\'' {
            continue;
        }
        let mut lexeme = String::new();
        while let Some(c) = chars.next() {
            match c {
                '\\' => lexeme.extend(chars.next()),
                '\'' if chars.peek() == Some(&'\'') => {
                    chars.next();
                    lexeme.push('\'');
                }
                '\'' => break,
                c => lexeme.push(c),
            }
        }
        let mut count = 0;
        if chars.peek() == Some(&':') {
            count = 1;
            while let Some(&c) = chars.peek() {
                if c == ' ' {
                    break;
                }
                if c == ',' {
                    count += 1;
                }
                chars.next();
            }
        }
        out.push((lexeme, count.max(1)));
    }
    out
}

/// A passage found, with its document's title.
#[derive(Debug, Clone)]
pub struct Passage {
    pub chunk_id: Uuid,
    pub document_id: Uuid,
    pub title: String,
    pub position: i32,
    pub heading: Option<String>,
    pub text: String,
    /// The document's elemental tags (seed 002 `elemental_tags`).
    pub elemental_tags: Vec<String>,
}

/// The passages `ids` of ready documents, in no order (a chunk deleted since is left out).
pub async fn passages(tx: &mut TenantTx, ids: &[Uuid]) -> Result<Vec<Passage>, DbError> {
    // Two single-table reads by primary key, the documents' status checked here: a join, or
    // `AND status = 'ready'` in SQL, was planned as a scan of every ready document by the
    // status index (13 ms at 64,000 documents, 110 ms for the join).
    type Row = (Uuid, Uuid, i32, Option<String>, String);
    let chunks: Vec<Row> = sqlx::query_as(
        "SELECT id, document_id, position, heading, text FROM knowledge_chunks WHERE id = ANY($1)",
    )
    .bind(ids)
    .fetch_all(tx.conn())
    .await?;
    let documents: Vec<Uuid> = chunks.iter().map(|c| c.1).collect();
    let rows: Vec<(Uuid, String, String, Vec<String>)> = sqlx::query_as(
        "SELECT id, title, status, elemental_tags FROM knowledge_documents WHERE id = ANY($1)",
    )
    .bind(&documents)
    .fetch_all(tx.conn())
    .await?;
    let titles: std::collections::HashMap<Uuid, (String, Vec<String>)> = rows
        .into_iter()
        .filter(|(_, _, status, _)| status == "ready")
        .map(|(id, title, _, tags)| (id, (title, tags)))
        .collect();
    Ok(chunks
        .into_iter()
        .filter_map(|(chunk_id, document_id, position, heading, text)| {
            let (title, tags) = titles.get(&document_id)?;
            Some(Passage {
                title: title.clone(),
                elemental_tags: tags.clone(),
                chunk_id,
                document_id,
                position,
                heading,
                text,
            })
        })
        .collect())
}

/// Up to `limit` chunks of ready documents without an embedding (made while no model was
/// loaded), for the backfill job.
pub async fn unembedded(tx: &mut TenantTx, limit: i64) -> Result<Vec<(Uuid, String)>, DbError> {
    Ok(sqlx::query_as(
        "SELECT c.id, d.title || E'\n' || coalesce(c.heading || E'\n', '') || c.text FROM knowledge_chunks c
         JOIN knowledge_documents d ON d.id = c.document_id
         WHERE c.embedding IS NULL AND d.status = 'ready' ORDER BY c.id LIMIT $1",
    )
    .bind(limit)
    .fetch_all(tx.conn())
    .await?)
}

/// Sets the embeddings of chunks `ids` (`flat` holds them one after another) and asks every
/// server to rebuild its index of the workspace.
pub async fn set_embeddings(tx: &mut TenantTx, ids: &[Uuid], flat: &[f32]) -> Result<(), DbError> {
    sqlx::query(
        "UPDATE knowledge_chunks c SET embedding = ($2::real[])[(r.n - 1) * $3 + 1 : r.n * $3]
         FROM unnest($1::uuid[]) WITH ORDINALITY AS r(id, n) WHERE c.id = r.id",
    )
    .bind(ids)
    .bind(flat)
    .bind(crate::EMBEDDING_DIMS as i32)
    .execute(tx.conn())
    .await?;
    crate::knowledge::bump(tx, true).await
}

#[cfg(test)]
mod tests {
    use super::parse_tsvector;

    #[test]
    fn tsvector_text_is_read_with_counts_quotes_and_backslashes() {
        assert_eq!(
            parse_tsvector("'flow':1,4,7A 'it''s':2 'wing' 'a\\\\b':3"),
            vec![
                ("flow".to_owned(), 3),
                ("it's".to_owned(), 1),
                ("wing".to_owned(), 1),
                ("a\\b".to_owned(), 1)
            ]
        );
        assert!(parse_tsvector("").is_empty());
    }
}
