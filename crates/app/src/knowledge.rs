//! The knowledge base (seed 002's `TenantKnowledgeBase`): adding a document (kept as bytes
//! until the ingestion job has cut it into chunks and embedded them), deleting it. Search is
//! [`crate::knowledge_search`].

use std::sync::Arc;

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use uuid::Uuid;
use wisdomos_core::chunk::chunk;
use wisdomos_core::event::rules;
use wisdomos_core::validation::bounded_text;
use wisdomos_core::{FieldError, ValidationErrors};
use wisdomos_db::audit::NewAuditEvent;
use wisdomos_db::knowledge::{self, Document, NewChunk, NewDocument, Pending};
use wisdomos_db::TenantTx;
use wisdomos_engine::cache::IndexCache;
use wisdomos_engine::Engine;

use crate::AppError;

/// Longest title, in characters.
pub const TITLE_MAX: usize = 300;
/// Largest document, in bytes as received.
pub const DOCUMENT_MAX_BYTES: usize = 20 * 1024 * 1024;
/// The job that reads a document in.
pub const INGEST_JOB: &str = "knowledge.ingest";
/// The job that embeds passages read in while the server had no model.
pub const EMBED_JOB: &str = "knowledge.embed";
/// Passages embedded per transaction by [`embed_missing`].
const EMBED_BATCH: i64 = 256;

/// The semantic engine and the search indexes a process holds; cheap to clone.
#[derive(Clone)]
pub struct KnowledgeEngine {
    pub engine: Engine,
    pub indexes: Arc<IndexCache>,
    /// Embedded life-area prototypes for the classifier.
    pub prototypes: Arc<crate::classify::PrototypeCache>,
}

impl KnowledgeEngine {
    /// `engine` with an index cache of `cache_bytes`.
    pub fn new(engine: Engine, cache_bytes: usize) -> Self {
        Self {
            engine,
            indexes: Arc::new(IndexCache::new(cache_bytes)),
            prototypes: Arc::default(),
        }
    }
}

impl Default for KnowledgeEngine {
    /// No model; a 512 MiB index cache.
    fn default() -> Self {
        Self::new(Engine::none(), 512 * 1024 * 1024)
    }
}

impl std::fmt::Debug for KnowledgeEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KnowledgeEngine")
            .field("model", &self.engine.model())
            .finish_non_exhaustive()
    }
}

/// A document to add: seed 002's `addKnowledge({title, content, category, tags})`, or an
/// uploaded file.
#[derive(Debug, Clone, Default)]
pub struct NewKnowledge {
    pub title: String,
    /// The bytes as received (a text's UTF-8, a file's contents).
    pub content: Vec<u8>,
    pub category: Option<String>,
    pub tags: Vec<String>,
    pub elemental_tags: Vec<String>,
    pub phase_tags: Vec<String>,
    pub source_filename: Option<String>,
    /// One of [`wisdomos_engine::extract::MEDIA_TYPES`].
    pub media_type: String,
}

/// A document added, or found already there (`duplicate`: the same bytes were added before).
#[derive(Debug, Clone)]
pub struct Added {
    pub document: Document,
    pub duplicate: bool,
}

/// `n` bytes for people: "10 GiB", "512 MiB", "900 KiB".
fn human_bytes(n: i64) -> String {
    const KIB: i64 = 1024;
    match n {
        n if n >= KIB * KIB * KIB && n % (KIB * KIB * KIB) == 0 => {
            format!("{} GiB", n / (KIB * KIB * KIB))
        }
        n if n >= KIB * KIB => format!("{:.1} MiB", n as f64 / (KIB * KIB) as f64),
        n => format!("{} KiB", (n + KIB - 1) / KIB),
    }
}

/// Adds `k` as a `processing` document and queues its ingestion in the same transaction: the
/// same bytes again answer the stored document. Errors: validation of `title` (1–300
/// characters), `content` (1 byte to 20 MiB), `category`, the tag lists, `mediaType`;
/// `unreadable_file` (naming `file` for an upload, else `content`) when the bytes are not what
/// the media type says (not UTF-8 text, no PDF header, a zip without a Word document);
/// `knowledge_full` (naming `content`) past `limit_bytes`, the plan's knowledge storage
/// (`None`: unlimited). A new document records `audit` (retargeted to it, as
/// `knowledge.document_added`) in the same transaction.
pub async fn add(
    tx: &mut TenantTx,
    created_by: Uuid,
    k: &NewKnowledge,
    limit_bytes: Option<i64>,
    audit: NewAuditEvent,
    now: DateTime<Utc>,
) -> Result<Added, AppError> {
    let mut errs = ValidationErrors::default();
    let title = errs.check(bounded_text("title", &k.title, 1, TITLE_MAX));
    if k.content.iter().all(u8::is_ascii_whitespace) {
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
    if !wisdomos_engine::extract::MEDIA_TYPES.contains(&k.media_type.as_str()) {
        errs.0.push(FieldError::new(
            "mediaType",
            "unsupported_media_type",
            format!(
                "mediaType must be one of {}",
                wisdomos_engine::extract::MEDIA_TYPES.join(", ")
            ),
        ));
    }
    let category = errs.optional(
        k.category
            .as_deref()
            .map(|c| bounded_text("category", c, 1, 100)),
    );
    let t = errs.check(rules::tags("tags", &k.tags));
    let et = errs.check(rules::tags("elementalTags", &k.elemental_tags));
    let pt = errs.check(rules::tags("phaseTags", &k.phase_tags));
    errs.finish()?;
    // A wrong or renamed file is refused now rather than failing in the job.
    wisdomos_engine::extract::sniff(&k.media_type, &k.content).map_err(|e| {
        let field = if k.source_filename.is_some() {
            "file"
        } else {
            "content"
        };
        FieldError::new(field, "unreadable_file", e.to_string())
    })?;
    let (Some(title), Some(t), Some(et), Some(pt)) = (title, t, et, pt) else {
        return Err(AppError::Internal(
            "validation passed without values".into(),
        ));
    };
    let sha = Sha256::digest(&k.content);
    if let Some(document) = knowledge::by_content(tx, &sha).await? {
        return Ok(Added {
            document,
            duplicate: true,
        });
    }
    let size = k.content.len() as i64;
    if let Some(limit) = limit_bytes {
        if knowledge::total_bytes(tx).await? + size > limit {
            return Err(FieldError::new(
                "content",
                "knowledge_full",
                format!(
                    "this document would take the knowledge base past its plan's {}; delete documents or change the plan",
                    human_bytes(limit)
                ),
            )
            .into());
        }
    }
    let document = knowledge::create(
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
            source: Some(&k.content),
        },
        "processing",
        now,
    )
    .await?;
    let job = wisdomos_db::jobs::NewJob::new(
        INGEST_JOB,
        serde_json::json!({ "documentId": document.id }),
        now,
    );
    wisdomos_db::jobs::enqueue(tx, &job, now).await?;
    let metadata = serde_json::json!({
        "mediaType": document.media_type, "bytes": document.byte_size,
    });
    record(
        tx,
        audit,
        "knowledge.document_added",
        &document,
        metadata,
        now,
    )
    .await?;
    Ok(Added {
        document,
        duplicate: false,
    })
}

/// A document read and cut, ready to store: its chunks and (with a model) their embeddings.
pub struct Prepared {
    pub chunks: Vec<wisdomos_core::chunk::Chunk>,
    pub embeddings: Option<Vec<Vec<f32>>>,
}

/// The bytes of document `id` if it still waits for ingestion (a repeat of the job finds
/// nothing to do).
pub async fn pending(tx: &mut TenantTx, id: Uuid) -> Result<Option<Pending>, AppError> {
    Ok(knowledge::pending_source(tx, id).await?)
}

/// Extracts the text of a pending document (by its media type), chunks it and embeds the
/// chunks ([`embedding_text`]) when the engine has a model; runs outside any transaction,
/// since it can take seconds. Errors: `Ok(Err(message))` for a file that cannot be read (the document
/// fails with that message); `Err` for an engine failure (the job retries).
pub async fn prepare(engine: &Engine, p: Pending) -> Result<Result<Prepared, String>, AppError> {
    let Pending {
        title,
        media_type,
        source,
    } = p;
    let text =
        tokio::task::spawn_blocking(move || wisdomos_engine::extract::text(&media_type, &source))
            .await
            .map_err(|e| AppError::Internal(format!("extraction task: {e}")))?;
    let text = match text {
        Ok(t) => t,
        Err(e) => return Ok(Err(e.to_string())),
    };
    let chunks = chunk(&text);
    if chunks.is_empty() {
        return Ok(Err(
            "the file holds no text (a scanned PDF needs OCR, which WisdomOS does not do)".into(),
        ));
    }
    let embeddings = if engine.has_model() {
        let texts = chunks.iter().map(|c| embedding_text(&title, c)).collect();
        Some(
            engine
                .embed(texts)
                .await
                .map_err(|e| AppError::Internal(e.to_string()))?,
        )
    } else {
        None
    };
    Ok(Ok(Prepared { chunks, embeddings }))
}

/// What is embedded of a chunk: the document's title and the chunk's heading (context the
/// text alone may lack), then its text.
pub fn embedding_text(title: &str, c: &wisdomos_core::chunk::Chunk) -> String {
    match &c.heading {
        Some(h) if h != title => format!("{title}\n{h}\n{}", c.text),
        _ => format!("{title}\n{}", c.text),
    }
}

/// Stores what [`prepare`] made for document `id` and marks it ready (or failed with the
/// message), if it is still waiting.
pub async fn store(
    tx: &mut TenantTx,
    id: Uuid,
    prepared: Result<Prepared, String>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    if pending(tx, id).await?.is_none() {
        return Ok(());
    }
    match prepared {
        Err(message) => Ok(knowledge::fail(tx, id, &message, now).await?),
        Ok(p) => {
            let rows: Vec<NewChunk> = p
                .chunks
                .iter()
                .enumerate()
                .map(|(i, c)| NewChunk {
                    position: c.position as i32,
                    heading: c.heading.as_deref(),
                    text: &c.text,
                    token_count: c.tokens as i32,
                    embedding: p
                        .embeddings
                        .as_ref()
                        .and_then(|e| e.get(i))
                        .map(Vec::as_slice),
                })
                .collect();
            Ok(knowledge::store_chunks(tx, id, &rows, now).await?)
        }
    }
}

/// Deletes document `id` with its chunks, recording `audit` (as `knowledge.document_deleted`)
/// in the same transaction; returns it. Errors: not found.
pub async fn delete(
    tx: &mut TenantTx,
    id: Uuid,
    audit: NewAuditEvent,
    now: DateTime<Utc>,
) -> Result<Document, AppError> {
    let document = knowledge::delete(tx, id).await?;
    let metadata = serde_json::json!({ "chunks": document.chunks });
    record(
        tx,
        audit,
        "knowledge.document_deleted",
        &document,
        metadata,
        now,
    )
    .await?;
    Ok(document)
}

/// `audit` as `event_type` on `document`. The title stays out: audit rows outlive documents,
/// and a title can be as private as the text.
async fn record(
    tx: &mut TenantTx,
    mut audit: NewAuditEvent,
    event_type: &'static str,
    document: &Document,
    metadata: serde_json::Value,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    audit.event_type = event_type;
    audit.target_type = Some("knowledge_document");
    audit.target_id = Some(document.id.to_string());
    audit.metadata = metadata;
    Ok(wisdomos_db::audit::record_in_tenant(tx, &audit, now).await?)
}

/// Embeds the workspace's passages that have no embedding (read in while the server had no
/// model), [`EMBED_BATCH`] at a time: each batch is read in one transaction, embedded outside
/// any, and stored in a second (which asks every server to rebuild its index). Returns how many
/// were embedded; 0 without a model. Idempotent.
pub async fn embed_missing(
    db: &wisdomos_db::Database,
    scope: &wisdomos_db::TenantScope,
    engine: &Engine,
) -> Result<usize, AppError> {
    if !engine.has_model() {
        return Ok(0);
    }
    let mut done = 0;
    loop {
        let mut tx = TenantTx::begin(db, scope).await?;
        let batch = wisdomos_db::knowledge_index::unembedded(&mut tx, EMBED_BATCH).await?;
        tx.commit().await?;
        if batch.is_empty() {
            return Ok(done);
        }
        let (ids, texts): (Vec<Uuid>, Vec<String>) = batch.into_iter().unzip();
        let vectors = engine
            .embed(texts)
            .await
            .map_err(|e| AppError::Internal(format!("embedding passages: {e}")))?;
        let flat: Vec<f32> = vectors.into_iter().flatten().collect();
        let mut tx = TenantTx::begin(db, scope).await?;
        wisdomos_db::knowledge_index::set_embeddings(&mut tx, &ids, &flat).await?;
        tx.commit().await?;
        done += ids.len();
        if (ids.len() as i64) < EMBED_BATCH {
            return Ok(done);
        }
    }
}
