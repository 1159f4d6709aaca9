//! The Knowledge page: search the workspace's knowledge base (by meaning and words), upload
//! documents (one or many files; with JavaScript each file is sent on its own with a progress
//! bar), see each document's state, delete one. The use cases of `wisdomos-app` do the work,
//! as for the API.

use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use axum::Json;
use axum_extra::extract::cookie::CookieJar;
use serde::Deserialize;
use uuid::Uuid;
use wisdomos_app::knowledge::{self as app, NewKnowledge};
use wisdomos_app::knowledge_search::{self as search, Answer, Mode, SearchQuery};
use wisdomos_app::AppError;
use wisdomos_core::role::Permission;
use wisdomos_db::knowledge::{self as repo, DocumentFilter};
use wisdomos_engine::extract::{media_type_of, MEDIA_TYPES};

use super::error::{render, WebError};
use super::flash;
use super::session::{check_csrf, CsrfForm, Nav, NoFields, Web, CSRF_FIELD};
use super::view;
use crate::extract::{ManageKnowledge, Read};
use crate::{ApiError, AppState};

/// A document row.
pub struct DocView {
    pub id: Uuid,
    pub title: String,
    pub kind: &'static str,
    pub size: String,
    pub status: String,
    pub error: String,
    pub chunks: i64,
    pub added: String,
}

/// A passage found.
pub struct Hit {
    pub title: String,
    pub heading: String,
    pub snippet: String,
    pub score: String,
    pub semantic: String,
    pub lexical_rank: String,
}

#[derive(Template)]
#[template(path = "knowledge.html")]
struct KnowledgePage {
    nav: Option<Nav>,
    can_manage: bool,
    semantic: bool,
    query: String,
    mode: String,
    searched: bool,
    note: String,
    hits: Vec<Hit>,
    error: String,
    documents: Vec<DocView>,
    processing: usize,
    accept: String,
}

/// Query of `GET /knowledge`.
#[derive(Debug, Default, Deserialize)]
pub struct SearchForm {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub mode: String,
}

fn kind(media_type: &str) -> &'static str {
    match media_type {
        "text/markdown" => "Markdown",
        "text/html" => "Web page",
        "application/pdf" => "PDF",
        wisdomos_engine::extract::DOCX => "Word",
        _ => "Text",
    }
}

fn size(bytes: i64) -> String {
    match bytes {
        b if b < 1024 => format!("{b} bytes"),
        b if b < 1024 * 1024 => format!("{:.0} kB", b as f64 / 1024.0),
        b => format!("{:.1} MB", b as f64 / 1024.0 / 1024.0),
    }
}

fn hits(answer: &Answer) -> Vec<Hit> {
    answer
        .results
        .iter()
        .map(|f| Hit {
            title: f.passage.title.clone(),
            heading: f.passage.heading.clone().unwrap_or_default(),
            snippet: f.passage.text.clone(),
            score: format!("{:.3}", f.score),
            semantic: f
                .semantic_score
                .map(|s| format!("{s:.2}"))
                .unwrap_or_default(),
            lexical_rank: f.lexical_rank.map(|r| r.to_string()).unwrap_or_default(),
        })
        .collect()
}

/// `GET /knowledge[?q=&mode=]`: the search box and its results, the upload form (ADMIN and
/// above) and the documents.
pub async fn page(
    State(st): State<AppState>,
    web: Web<Read>,
    Query(form): Query<SearchForm>,
) -> Result<Response, WebError> {
    let mut tx = web.begin(&st).await?;
    let query = form.q.trim().to_owned();
    let (mut note, mut error, mut found) = (String::new(), String::new(), Vec::new());
    if !query.is_empty() {
        let q = SearchQuery {
            query: query.clone(),
            mode: Some(form.mode.clone()).filter(|m| !m.is_empty()),
            ..Default::default()
        };
        match search::search(&mut tx, &st.config.knowledge, &q, st.clock.now()).await {
            Ok(answer) => {
                note = match (answer.fallback, answer.mode) {
                    (Some("no_model"), _) => "Search by meaning is off on this server (no model), so these passages match your words only.".into(),
                    (Some(_), _) => "No document has been read for meaning yet, so these passages match your words only.".into(),
                    (None, Mode::Hybrid) => "Ranked by meaning and words together.".into(),
                    (None, Mode::Semantic) => "Ranked by meaning.".into(),
                    (None, Mode::Lexical) => "Ranked by the words they share with your search.".into(),
                };
                found = hits(&answer);
            }
            Err(AppError::Validation(errs)) => {
                error = errs
                    .0
                    .iter()
                    .map(|f| super::labels::humane(&f.field, f.code, &f.message))
                    .collect::<Vec<_>>()
                    .join(" ");
            }
            Err(e) => return Err(ApiError::from(e).into()),
        }
    }
    let page = repo::list(&mut tx, &DocumentFilter::default(), None, 200).await?;
    tx.commit().await?;
    let documents: Vec<DocView> = page
        .items
        .into_iter()
        .map(|d| DocView {
            id: d.id,
            kind: kind(&d.media_type),
            size: size(d.byte_size),
            status: d.status,
            error: d.error.unwrap_or_default(),
            chunks: d.chunks,
            added: d.created_at.format("%-d %b %Y").to_string(),
            title: d.title,
        })
        .collect();
    render(&KnowledgePage {
        can_manage: web.ctx.role.can(Permission::ManageKnowledge),
        semantic: st.config.knowledge.engine.has_model(),
        searched: !query.is_empty() && error.is_empty(),
        query,
        mode: form.mode,
        note,
        hits: found,
        error,
        processing: documents
            .iter()
            .filter(|d| d.status == "processing")
            .count(),
        documents,
        accept: ".txt,.md,.markdown,.html,.htm,.pdf,.docx,".to_owned() + &MEDIA_TYPES.join(","),
        nav: Some(web.nav),
    })
}

/// What an upload did, for the page's script (`Accept: application/json`).
#[derive(Debug, Default, serde::Serialize)]
struct Outcome {
    added: Vec<String>,
    already: Vec<String>,
    refused: Vec<String>,
}

/// `POST /knowledge` (multipart: `_csrf`, `file` once or more, `category`, `tags`): each file
/// added in its own transaction (one refused file does not stop the others); back to the page
/// with what happened, or that as JSON for the page's script.
pub async fn upload(
    State(st): State<AppState>,
    headers: HeaderMap,
    jar: CookieJar,
    web: Web<ManageKnowledge>,
    mut form: Multipart,
) -> Result<Response, WebError> {
    let bad = |e: axum::extract::multipart::MultipartError| WebError::BadForm(e.body_text());
    let (mut csrf, mut category, mut tags, mut files) = (None, None, Vec::new(), Vec::new());
    while let Some(field) = form.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or_default().to_owned();
        let filename = field.file_name().map(str::to_owned);
        let data = field.bytes().await.map_err(bad)?;
        let text = || String::from_utf8_lossy(&data).trim().to_owned();
        match name.as_str() {
            CSRF_FIELD => csrf = Some(text()),
            "category" => category = Some(text()).filter(|c| !c.is_empty()),
            "tags" => {
                tags = text()
                    .split(',')
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .map(str::to_owned)
                    .collect()
            }
            "file" => {
                if let Some(f) = filename.filter(|f| !f.is_empty()) {
                    files.push((f, data.to_vec()));
                }
            }
            _ => {}
        }
    }
    check_csrf(&st, &jar, csrf.as_deref())?;
    let mut out = Outcome::default();
    if files.is_empty() {
        out.refused
            .push("Choose one or more files to upload.".into());
    }
    for (filename, bytes) in files {
        let short = filename
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or(&filename)
            .to_owned();
        let Some(media_type) = media_type_of(&short) else {
            out.refused.push(format!(
                "{short}: only .txt, .md, .html, .pdf and .docx files can be added."
            ));
            continue;
        };
        let k = NewKnowledge {
            title: short
                .rsplit_once('.')
                .map_or(short.as_str(), |(stem, _)| stem)
                .to_owned(),
            content: bytes,
            category: category.clone(),
            tags: tags.clone(),
            source_filename: Some(short.clone()),
            media_type: media_type.to_owned(),
            ..Default::default()
        };
        let limit = wisdomos_db::plans::get(st.db.app(), web.ctx.tenant.id)
            .await?
            .knowledge_bytes;
        let mut tx = web.begin(&st).await?;
        let audit = web
            .ctx
            .audit_event("knowledge.document_added", serde_json::Value::Null);
        match app::add(&mut tx, web.ctx.user_id, &k, limit, audit, st.clock.now()).await {
            Ok(added) => {
                tx.commit().await?;
                if added.duplicate {
                    out.already.push(short);
                } else {
                    out.added.push(short);
                }
            }
            Err(AppError::Validation(errs)) => out.refused.push(format!(
                "{short}: {}",
                errs.0
                    .iter()
                    .map(|f| f.message.clone())
                    .collect::<Vec<_>>()
                    .join("; ")
            )),
            Err(e) => return Err(ApiError::from(e).into()),
        }
    }
    let wants_json = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json"));
    if wants_json {
        return Ok(Json(out).into_response());
    }
    Ok(flash::redirect(&headers, "/knowledge", &message(&out)))
}

fn message(o: &Outcome) -> String {
    let mut parts = Vec::new();
    if !o.added.is_empty() {
        parts.push(format!(
            "Added {}; they are being read and will be searchable in a moment.",
            o.added.join(", ")
        ));
    }
    if !o.already.is_empty() {
        parts.push(format!("Already here: {}.", o.already.join(", ")));
    }
    parts.extend(o.refused.iter().map(|r| format!("Not added: {r}")));
    parts.join(" ")
}

/// `POST /knowledge/{id}/delete`.
pub async fn delete(
    State(st): State<AppState>,
    headers: HeaderMap,
    web: Web<ManageKnowledge>,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response, WebError> {
    let id = view::parse_id(&id)?;
    let mut tx = web.begin(&st).await?;
    let audit = web
        .ctx
        .audit_event("knowledge.document_deleted", serde_json::Value::Null);
    let d = app::delete(&mut tx, id, audit, st.clock.now()).await?;
    tx.commit().await?;
    let msg = format!("Deleted “{}” and its passages.", d.title);
    Ok(flash::redirect(&headers, "/knowledge", &msg))
}
