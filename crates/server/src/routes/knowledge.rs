//! `/knowledge/documents`: the workspace's private knowledge base (seed 002). ADMIN and above
//! manage documents; every role reads them. Search is [`super::knowledge_search`].

use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::{header, StatusCode};
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use wisdomos_app::knowledge::{self as app, NewKnowledge};
use wisdomos_core::FieldError;
use wisdomos_db::knowledge::{self as repo, Document, DocumentFilter};
use wisdomos_db::TenantTx;
use wisdomos_engine::extract::{media_type_of, MEDIA_TYPES, TEXT_TYPES};

use crate::extract::parse_id;
use crate::extract::{ManageKnowledge, Read, TenantCtx};
use crate::json::{ApiJson, ApiQuery};
use crate::pagination::{PageQuery, Paginated};
use crate::scoped::Scoped;
use crate::{ApiError, AppState};

/// A document as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DocumentDto {
    pub id: Uuid,
    pub title: String,
    pub source_filename: Option<String>,
    pub media_type: String,
    pub category: Option<String>,
    pub tags: Vec<String>,
    pub elemental_tags: Vec<String>,
    pub phase_tags: Vec<String>,
    /// Bytes as received.
    pub byte_size: i64,
    /// `processing`, `ready` or `failed`.
    pub status: String,
    /// Why it failed, for `failed`.
    pub error: Option<String>,
    /// Passages it was cut into.
    pub chunks: i64,
    pub created_by_id: Uuid,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Document> for DocumentDto {
    fn from(d: Document) -> Self {
        Self {
            id: d.id,
            title: d.title,
            source_filename: d.source_filename,
            media_type: d.media_type,
            category: d.category,
            tags: d.tags,
            elemental_tags: d.elemental_tags,
            phase_tags: d.phase_tags,
            byte_size: d.byte_size,
            status: d.status,
            error: d.error,
            chunks: d.chunks,
            created_by_id: d.created_by_id,
            created_at: d.created_at,
            updated_at: d.updated_at,
        }
    }
}

/// Body of `POST /knowledge/documents`: seed 002's `addKnowledge`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AddDocument {
    /// 1–300 characters.
    pub title: String,
    /// The text (Markdown headings are kept as structure), up to 20 MiB.
    pub content: String,
    pub category: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub elemental_tags: Vec<String>,
    #[serde(default)]
    pub phase_tags: Vec<String>,
    /// `text/plain` (default), `text/markdown` or `text/html` (files: upload them as
    /// multipart).
    pub media_type: Option<String>,
}

/// Form of a multipart upload to `POST /knowledge/documents`.
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct UploadForm {
    /// The file: `.txt`, `.md`, `.html`, `.pdf` or `.docx` (by its type, else its name), up to
    /// 20 MiB.
    #[schema(format = Binary, content_media_type = "application/octet-stream")]
    pub file: String,
    /// Default: the file's name without its extension.
    pub title: Option<String>,
    pub category: Option<String>,
    /// Comma-separated.
    pub tags: Option<String>,
    pub elemental_tags: Option<String>,
    pub phase_tags: Option<String>,
}

/// Adds a document, as JSON (seed 002's `addKnowledge`: a text) or as a multipart upload of a
/// file; it is `processing` until the ingestion job has cut it into passages, embedded and
/// indexed them, then `ready` (or `failed`, with why). A file that is not what its type says
/// (a zip renamed `.docx`, a PDF without a PDF header) is refused at once. The same bytes
/// again answer 200 with the stored document instead of 202.
#[utoipa::path(post, path = "/knowledge/documents", tag = "knowledge", security(("bearer" = [])),
    request_body(content((AddDocument = "application/json"), (UploadForm = "multipart/form-data"))),
    responses((status = 202, body = DocumentDto), (status = 200, body = DocumentDto, description = "already there"),
        (status = 403, description = "forbidden"), (status = 422, description = "validation_failed")))]
pub async fn add(
    State(st): State<AppState>,
    ctx: TenantCtx<ManageKnowledge>,
    req: Request,
) -> Result<(StatusCode, Json<DocumentDto>), ApiError> {
    let multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    let k = if multipart {
        let form = Multipart::from_request(req, &st)
            .await
            .map_err(|e| ApiError::field(FieldError::new("file", "invalid_form", e.body_text())))?;
        upload(form).await?
    } else {
        let ApiJson(req) = ApiJson::<AddDocument>::from_request(req, &st).await?;
        if let Some(m) = req
            .media_type
            .as_deref()
            .filter(|m| !TEXT_TYPES.contains(m))
        {
            return Err(ApiError::field(FieldError::new(
                "mediaType",
                "unsupported_media_type",
                format!(
                    "mediaType must be one of {}; upload {m} files as multipart/form-data",
                    TEXT_TYPES.join(", ")
                ),
            )));
        }
        NewKnowledge {
            title: req.title,
            content: req.content.into_bytes(),
            category: req.category,
            tags: req.tags,
            elemental_tags: req.elemental_tags,
            phase_tags: req.phase_tags,
            source_filename: None,
            media_type: req.media_type.unwrap_or_else(|| "text/plain".into()),
        }
    };
    let limit = wisdomos_db::plans::get(st.db.app(), ctx.tenant.id)
        .await?
        .knowledge_bytes;
    let mut tx = TenantTx::begin(&st.db, &ctx.scope).await?;
    let audit = ctx.audit_event("knowledge.document_added", serde_json::Value::Null);
    let added = app::add(&mut tx, ctx.user_id, &k, limit, audit, st.clock.now()).await?;
    tx.commit().await?;
    let status = if added.duplicate {
        StatusCode::OK
    } else {
        StatusCode::ACCEPTED
    };
    Ok((status, Json(added.document.into())))
}

/// The document a multipart form describes. Errors: 422 naming `file` when it is missing, of
/// an unknown type or not what its type says.
async fn upload(mut form: Multipart) -> Result<NewKnowledge, ApiError> {
    let bad = |e: axum::extract::multipart::MultipartError| {
        ApiError::field(FieldError::new("file", "invalid_form", e.body_text()))
    };
    let list = |s: &str| -> Vec<String> {
        s.split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let mut k = NewKnowledge::default();
    let mut file: Option<(Option<String>, Option<String>, Vec<u8>)> = None;
    while let Some(field) = form.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or_default().to_owned();
        let filename = field.file_name().map(str::to_owned);
        let content_type = field.content_type().map(str::to_owned);
        let data = field.bytes().await.map_err(bad)?;
        let text = || String::from_utf8_lossy(&data).trim().to_owned();
        match name.as_str() {
            "file" => file = Some((filename, content_type, data.to_vec())),
            "title" => k.title = text(),
            "category" => k.category = Some(text()).filter(|c| !c.is_empty()),
            "tags" => k.tags.extend(list(&text())),
            "elementalTags" => k.elemental_tags.extend(list(&text())),
            "phaseTags" => k.phase_tags.extend(list(&text())),
            _ => {}
        }
    }
    let Some((filename, content_type, bytes)) = file else {
        return Err(ApiError::field(FieldError::new(
            "file",
            "required",
            "file is required",
        )));
    };
    let by_type = content_type.as_deref().and_then(|t| {
        let t = t.split(';').next().unwrap_or(t).trim();
        MEDIA_TYPES.iter().find(|m| **m == t).copied()
    });
    let media_type = by_type
        .or_else(|| filename.as_deref().and_then(media_type_of))
        .ok_or_else(|| {
            ApiError::field(FieldError::new(
                "file",
                "unsupported_media_type",
                "file must be a .txt, .md, .html, .pdf or .docx file",
            ))
        })?;
    if k.title.is_empty() {
        let name = filename.as_deref().unwrap_or("Untitled");
        k.title = name
            .rsplit_once('.')
            .map_or(name, |(stem, _)| stem)
            .to_owned();
    }
    k.source_filename = filename;
    k.media_type = media_type.to_owned();
    k.content = bytes;
    Ok(k)
}

/// Filters of `GET /knowledge/documents`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct DocumentQuery {
    pub category: Option<String>,
    /// In any of the three tag lists.
    pub tag: Option<String>,
    /// `processing`, `ready` or `failed`.
    pub status: Option<String>,
    /// Part of the title, any case.
    pub q: Option<String>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// Documents, newest first.
#[utoipa::path(get, path = "/knowledge/documents", tag = "knowledge", security(("bearer" = [])), params(DocumentQuery),
    responses((status = 200, body = Paginated<DocumentDto>)))]
pub async fn list(
    State(st): State<AppState>,
    scoped: Scoped<Read>,
    ApiQuery(q): ApiQuery<DocumentQuery>,
) -> Result<Json<Paginated<DocumentDto>>, ApiError> {
    let (limit, before) = PageQuery {
        limit: q.limit,
        cursor: q.cursor,
    }
    .parse()?;
    let f = DocumentFilter {
        category: q.category,
        tag: q.tag,
        status: q.status,
        q: q.q,
    };
    let (_ctx, mut tx) = scoped.open(&st).await?;
    let page = repo::list(&mut tx, &f, before, limit).await?;
    tx.commit().await?;
    Ok(Json(Paginated::from_page(
        page,
        |d| (d.created_at, d.id),
        Into::into,
    )))
}

/// One document.
#[utoipa::path(get, path = "/knowledge/documents/{id}", tag = "knowledge", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = DocumentDto), (status = 404, description = "not_found")))]
pub async fn get(
    State(st): State<AppState>,
    scoped: Scoped<Read>,
    Path(id): Path<String>,
) -> Result<Json<DocumentDto>, ApiError> {
    let id = parse_id(&id)?;
    let (_ctx, mut tx) = scoped.open(&st).await?;
    let d = repo::get(&mut tx, id).await?;
    tx.commit().await?;
    Ok(Json(d.into()))
}

/// Deletes a document with its passages.
#[utoipa::path(delete, path = "/knowledge/documents/{id}", tag = "knowledge", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 204, description = "Deleted"), (status = 404, description = "not_found")))]
pub async fn delete(
    State(st): State<AppState>,
    scoped: Scoped<ManageKnowledge>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id = parse_id(&id)?;
    let (ctx, mut tx) = scoped.open(&st).await?;
    let audit = ctx.audit_event("knowledge.document_deleted", serde_json::Value::Null);
    app::delete(&mut tx, id, audit, st.clock.now()).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
