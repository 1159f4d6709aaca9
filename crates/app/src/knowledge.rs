//! The knowledge base (seed 002's `TenantKnowledgeBase`): adding a text as a document cut into
//! chunks (`wisdomos_core::chunk`), finding passages, deleting. Until the semantic engine is
//! in place, search ranks by words only (BM25, `wisdomos_db::knowledge::bm25`).

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use uuid::Uuid;
use wisdomos_core::chunk::chunk;
use wisdomos_core::event::rules;
use wisdomos_core::validation::bounded_text;
use wisdomos_core::{FieldError, ValidationErrors};
use wisdomos_db::knowledge::{self, Document, Hit, NewChunk, NewDocument};
use wisdomos_db::TenantTx;

use crate::AppError;

/// Longest title, in characters.
pub const TITLE_MAX: usize = 300;
/// Largest document, in bytes of its text.
pub const DOCUMENT_MAX_BYTES: usize = 20 * 1024 * 1024;
/// Largest knowledge base of one workspace, in bytes of its documents.
pub const WORKSPACE_MAX_BYTES: i64 = 1024 * 1024 * 1024;
/// Most results a search returns.
pub const SEARCH_LIMIT_MAX: i64 = 50;

/// A text to add, as seed 002's `addKnowledge({title, content, category, tags})`.
#[derive(Debug, Clone, Default)]
pub struct NewKnowledge {
    pub title: String,
    pub content: String,
    pub category: Option<String>,
    pub tags: Vec<String>,
    pub elemental_tags: Vec<String>,
    pub phase_tags: Vec<String>,
    pub source_filename: Option<String>,
    /// `text/plain` or `text/markdown` for a text; the file's type for an upload.
    pub media_type: String,
}

/// A document added, or found already there (`duplicate`: the same bytes were added before).
#[derive(Debug, Clone)]
pub struct Added {
    pub document: Document,
    pub duplicate: bool,
}

fn tags(field: &str, t: &[String]) -> Result<Vec<String>, FieldError> {
    rules::tags(field, t)
}

/// Adds `k` as a ready document: validated, hashed (the same content again answers the stored
/// document), chunked, indexed. Errors: validation of `title` (1–300 characters), `content`
/// (1 byte to 20 MiB, some text), `category`, the tag lists; `knowledge_full` (a 422 naming
/// `content`) past 1 GiB per workspace.
pub async fn add_text(
    tx: &mut TenantTx,
    created_by: Uuid,
    k: &NewKnowledge,
    now: DateTime<Utc>,
) -> Result<Added, AppError> {
    let mut errs = ValidationErrors::default();
    let title = errs.check(bounded_text("title", &k.title, 1, TITLE_MAX));
    if k.content.trim().is_empty() {
        errs.0.push(FieldError::new(
            "content",
            "required",
            "content is required",
        ));
    } else if k.content.len() > DOCUMENT_MAX_BYTES {
        errs.0.push(FieldError::new(
            "content",
            "too_long",
            format!(
                "content must be at most {} MiB",
                DOCUMENT_MAX_BYTES / 1024 / 1024
            ),
        ));
    }
    let category = errs.optional(
        k.category
            .as_deref()
            .map(|c| bounded_text("category", c, 1, 100)),
    );
    let t = errs.check(tags("tags", &k.tags));
    let et = errs.check(tags("elementalTags", &k.elemental_tags));
    let pt = errs.check(tags("phaseTags", &k.phase_tags));
    errs.finish()?;
    let (Some(title), Some(t), Some(et), Some(pt)) = (title, t, et, pt) else {
        return Err(AppError::Internal(
            "validation passed without values".into(),
        ));
    };
    let sha = Sha256::digest(k.content.as_bytes());
    if let Some(document) = knowledge::by_content(tx, &sha).await? {
        return Ok(Added {
            document,
            duplicate: true,
        });
    }
    let size = k.content.len() as i64;
    if knowledge::total_bytes(tx).await? + size > WORKSPACE_MAX_BYTES {
        return Err(FieldError::new(
            "content",
            "knowledge_full",
            "this workspace's knowledge base is full (1 GiB); delete documents to make room",
        )
        .into());
    }
    let d = knowledge::create(
        tx,
        &NewDocument {
            title: &title,
            source_filename: k.source_filename.as_deref(),
            media_type: &k.media_type,
            category: category.as_deref(),
            tags: &t,
            elemental_tags: &et,
            phase_tags: &pt,
            byte_size: size,
            content_sha256: &sha,
            created_by_id: created_by,
        },
        "processing",
        now,
    )
    .await?;
    let chunks = chunk(&k.content);
    let rows: Vec<NewChunk> = chunks
        .iter()
        .map(|c| NewChunk {
            position: c.position as i32,
            heading: c.heading.as_deref(),
            text: &c.text,
            token_count: c.tokens as i32,
        })
        .collect();
    knowledge::store_chunks(tx, d.id, &rows, now).await?;
    Ok(Added {
        document: knowledge::get(tx, d.id).await?,
        duplicate: false,
    })
}

/// The passages that best match `query` (1–1,000 characters once each run of white space, line
/// breaks included, is one space), at most `limit` (1–50, default 10), ranked by BM25.
/// Errors: validation of `query` and `limit`.
pub async fn search(
    tx: &mut TenantTx,
    query: &str,
    limit: Option<i64>,
) -> Result<Vec<Hit>, AppError> {
    let mut errs = ValidationErrors::default();
    let query = query.split_whitespace().collect::<Vec<_>>().join(" ");
    let q = errs.check(bounded_text("query", &query, 1, 1000));
    let limit = limit.unwrap_or(10);
    if !(1..=SEARCH_LIMIT_MAX).contains(&limit) {
        errs.0.push(FieldError::new(
            "limit",
            "out_of_range",
            format!("limit must be from 1 to {SEARCH_LIMIT_MAX}"),
        ));
    }
    errs.finish()?;
    let q = q.ok_or_else(|| AppError::Internal("validation passed without values".into()))?;
    Ok(knowledge::bm25(tx, &q, limit).await?)
}

/// Deletes document `id` with its chunks; returns it. Errors: not found.
pub async fn delete(tx: &mut TenantTx, id: Uuid) -> Result<Document, AppError> {
    Ok(knowledge::delete(tx, id).await?)
}
