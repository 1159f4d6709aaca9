//! The assistant (seed 002's oracle): `POST /api/v1/oracle` for members, and for a client's own
//! site with a workspace API key `POST /api/tenant/{slug}/oracle` or, on the workspace's
//! custom domain, `POST /api/oracle`. JSON answers, or server-sent events with `stream: true`.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use wisdomos_app::oracle::{Ask, Reply};
use wisdomos_db::conversations::Party;

use crate::asking::{self, Target};
use crate::extract::{ApiKeyCtx, TenantCtx, Write};
use crate::json::ApiJson;
use crate::{ApiError, AppState};

/// Body of `POST /oracle` (members).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct OracleRequest {
    /// 1–4,000 characters.
    pub input: String,
    /// Continue this conversation (yours); a new one when absent (counted against the plan).
    pub conversation_id: Option<Uuid>,
    /// 0–1: how deep the conversation is, when the client knows better than the turn count.
    pub conversation_depth: Option<f64>,
    /// The client's session reference, kept with a new conversation (1–200 characters).
    pub session_id: Option<String>,
    /// Answer as server-sent events: `delta` events `{"text"}` as the answer is written, then
    /// one `done` event with the whole answer (or an `error` event).
    #[serde(default)]
    pub stream: bool,
}

/// Body of `POST /api/tenant/{slug}/oracle` and `POST /api/oracle` (API key).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct KeyOracleRequest {
    pub input: String,
    /// The client's reference for its end user (1–200 characters); conversations are theirs.
    /// Never an identity WisdomOS trusts.
    pub user_id: String,
    pub conversation_id: Option<Uuid>,
    pub conversation_depth: Option<f64>,
    pub session_id: Option<String>,
    #[serde(default)]
    pub stream: bool,
}

/// A knowledge passage the answer drew on.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct KnowledgeSource {
    /// The number the answer cites it by (`[n]`).
    pub n: usize,
    pub document_id: Uuid,
    pub title: String,
    pub chunk_id: Uuid,
    /// The passage's first 300 characters.
    pub snippet: String,
    /// The search's fused score (higher is better).
    pub score: f64,
}

/// Token counts and the month's conversations against the plan.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OracleUsage {
    pub prompt_tokens: i32,
    pub completion_tokens: i32,
    pub conversations_this_month: i32,
    /// `null`: unlimited.
    pub conversations_per_month: Option<i64>,
}

/// The assistant's answer (seed 002: response, element, phase, knowledgeSources).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OracleResponse {
    pub response: String,
    /// `fire`, `water`, `earth`, `air` or `aether`.
    pub element: String,
    /// 0–1.
    pub element_confidence: f32,
    /// 1 opening, 2 deepening, 3 integrating.
    pub phase: u8,
    /// 0–1.
    pub depth: f32,
    pub knowledge_sources: Vec<KnowledgeSource>,
    pub conversation_id: Uuid,
    /// The answer's id, for feedback.
    pub message_id: Uuid,
    pub usage: OracleUsage,
    /// `extractive` or `openai`.
    pub provider: &'static str,
    /// `declined_prohibited`, `no_knowledge`, `uncited`, `cites_unknown_source`.
    pub flags: Vec<String>,
}

fn response(r: Reply, limit: Option<i64>) -> OracleResponse {
    OracleResponse {
        response: r.response,
        element: r.element.element.as_str().to_owned(),
        element_confidence: (r.element.confidence * 1000.0).round() / 1000.0,
        phase: r.phase,
        depth: (r.depth * 100.0).round() / 100.0,
        knowledge_sources: r
            .sources
            .into_iter()
            .map(|s| KnowledgeSource {
                n: s.n,
                document_id: s.document_id,
                title: s.title,
                chunk_id: s.chunk_id,
                snippet: s.snippet,
                score: s.score,
            })
            .collect(),
        conversation_id: r.conversation_id,
        message_id: r.message_id,
        usage: OracleUsage {
            prompt_tokens: r.prompt_tokens,
            completion_tokens: r.completion_tokens,
            conversations_this_month: r.conversations_this_month,
            conversations_per_month: limit,
        },
        provider: r.provider,
        flags: r.flags,
    }
}

/// Runs the oracle, as JSON or as a stream of server-sent events.
async fn answer(
    st: AppState,
    t: Target,
    party: Party,
    ask: Ask,
    stream: bool,
) -> Result<Response, ApiError> {
    if stream {
        return Ok(asking::streamed(st, t, party, ask, |r, limit| {
            serde_json::to_value(response(r, limit)).unwrap_or_default()
        }));
    }
    let r = asking::once(&st, &t, &party, &ask).await?;
    Ok(Json(response(r, t.limit)).into_response())
}

/// Asks the workspace's assistant (MEMBER and above).
#[utoipa::path(post, path = "/oracle", tag = "assistant", security(("bearer" = [])), request_body = OracleRequest,
    responses((status = 200, body = OracleResponse, description = "The answer (or `text/event-stream` with `stream: true`)"),
        (status = 404, description = "not_found (a conversation that is not yours)"),
        (status = 422, description = "validation_failed"), (status = 429, description = "usage_limit_exceeded"),
        (status = 502, description = "assistant_unavailable")))]
pub async fn ask(
    State(st): State<AppState>,
    ctx: TenantCtx<Write>,
    ApiJson(req): ApiJson<OracleRequest>,
) -> Result<Response, ApiError> {
    let t = Target::of(&st, &ctx.tenant, ctx.scope.clone()).await?;
    let ask = Ask {
        input: req.input,
        conversation_id: req.conversation_id,
        conversation_depth: req.conversation_depth,
        session_id: req.session_id,
    };
    answer(st, t, Party::Member(ctx.user_id), ask, req.stream).await
}

async fn by_key(st: AppState, key: ApiKeyCtx, req: KeyOracleRequest) -> Result<Response, ApiError> {
    let reference = wisdomos_core::validation::bounded_text("userId", &req.user_id, 1, 200)
        .map_err(ApiError::field)?;
    let t = Target::of(&st, &key.tenant, key.scope.clone()).await?;
    let ask = Ask {
        input: req.input,
        conversation_id: req.conversation_id,
        conversation_depth: req.conversation_depth,
        session_id: req.session_id,
    };
    let party = Party::EndUser {
        api_key_id: key.key_id,
        reference,
    };
    answer(st, t, party, ask, req.stream).await
}

/// Asks workspace `slug`'s assistant with one of its API keys (`Authorization: Bearer wos_…`).
#[utoipa::path(post, path = "/tenant/{slug}/oracle", tag = "assistant", security(("bearer" = [])), params(("slug" = String, Path)),
    request_body = KeyOracleRequest,
    responses((status = 200, body = OracleResponse), (status = 401, description = "unauthorized (no, unknown or revoked key)"),
        (status = 404, description = "not_found (the key is not this workspace's)"), (status = 429, description = "usage_limit_exceeded")))]
pub async fn ask_by_slug(
    State(st): State<AppState>,
    key: ApiKeyCtx,
    Path(slug): Path<String>,
    ApiJson(req): ApiJson<KeyOracleRequest>,
) -> Result<Response, ApiError> {
    if key.tenant.slug != slug {
        return Err(ApiError::NotFound);
    }
    by_key(st, key, req).await
}

/// Asks the assistant of the workspace whose custom domain is this request's `Host`, with one
/// of its API keys.
#[utoipa::path(post, path = "/oracle", tag = "assistant", security(("bearer" = [])), request_body = KeyOracleRequest,
    responses((status = 200, body = OracleResponse), (status = 401, description = "unauthorized"),
        (status = 404, description = "not_found (no workspace answers on this host, or not with this key)")))]
pub async fn ask_by_domain(
    State(st): State<AppState>,
    headers: axum::http::HeaderMap,
    key: ApiKeyCtx,
    ApiJson(req): ApiJson<KeyOracleRequest>,
) -> Result<Response, ApiError> {
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(|h| {
            h.rsplit_once(':')
                .map_or(h, |(name, _)| name)
                .to_lowercase()
        })
        .ok_or(ApiError::NotFound)?;
    match wisdomos_db::plans::by_domain(st.db.app(), &host).await? {
        Some(t) if t.id == key.tenant.id => by_key(st, key, req).await,
        _ => Err(ApiError::NotFound),
    }
}

/// Body of a feedback request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct FeedbackRequest {
    /// `up`, `down`, or `null` to take it back.
    pub value: Option<String>,
    /// With an API key: the end user the conversation belongs to.
    pub user_id: Option<String>,
}

fn feedback_value(v: Option<&str>) -> Result<Option<i16>, ApiError> {
    match v {
        None => Ok(None),
        Some("up") => Ok(Some(1)),
        Some("down") => Ok(Some(-1)),
        Some(_) => Err(ApiError::field(wisdomos_core::FieldError::new(
            "value",
            "invalid_value",
            "value must be up, down or null",
        ))),
    }
}

async fn set_feedback(
    st: &AppState,
    scope: &wisdomos_db::TenantScope,
    party: &Party,
    message: &str,
    value: Option<i16>,
) -> Result<axum::http::StatusCode, ApiError> {
    let id = crate::extract::parse_id(message)?;
    let mut tx = wisdomos_db::TenantTx::begin(&st.db, scope).await?;
    wisdomos_db::conversations::set_feedback(&mut tx, id, party, value, st.clock.now()).await?;
    tx.commit().await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

/// Thumbs up or down on one of your answers.
#[utoipa::path(post, path = "/oracle/messages/{messageId}/feedback", tag = "assistant", security(("bearer" = [])),
    params(("messageId" = Uuid, Path)), request_body = FeedbackRequest,
    responses((status = 204, description = "Kept"), (status = 404, description = "not_found"), (status = 422, description = "validation_failed")))]
pub async fn feedback(
    State(st): State<AppState>,
    ctx: TenantCtx<Write>,
    Path(message): Path<String>,
    ApiJson(req): ApiJson<FeedbackRequest>,
) -> Result<axum::http::StatusCode, ApiError> {
    let value = feedback_value(req.value.as_deref())?;
    set_feedback(
        &st,
        &ctx.scope,
        &Party::Member(ctx.user_id),
        &message,
        value,
    )
    .await
}

/// Thumbs up or down on an answer to one of your end users (API key).
#[utoipa::path(post, path = "/tenant/{slug}/oracle/messages/{messageId}/feedback", tag = "assistant", security(("bearer" = [])),
    params(("slug" = String, Path), ("messageId" = Uuid, Path)), request_body = FeedbackRequest,
    responses((status = 204, description = "Kept"), (status = 401, description = "unauthorized"), (status = 404, description = "not_found")))]
pub async fn feedback_by_key(
    State(st): State<AppState>,
    key: ApiKeyCtx,
    Path((slug, message)): Path<(String, String)>,
    ApiJson(req): ApiJson<FeedbackRequest>,
) -> Result<axum::http::StatusCode, ApiError> {
    if key.tenant.slug != slug {
        return Err(ApiError::NotFound);
    }
    let value = feedback_value(req.value.as_deref())?;
    let reference = req.user_id.unwrap_or_default();
    let party = Party::EndUser {
        api_key_id: key.key_id,
        reference,
    };
    set_feedback(&st, &key.scope, &party, &message, value).await
}
