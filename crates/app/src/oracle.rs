//! The workspace's assistant answering a message (seed 002 "How it works"): load the profile,
//! search the knowledge base, read the message's element and the conversation's phase, build
//! the prompt, generate, and keep the exchange with its sources and usage.
//!
//! Two transactions, so no transaction stays open while a remote model writes: the first counts
//! a new conversation against the plan (exactly at the limit under concurrency, see
//! `assistant_usage::reserve_conversation`), reads and searches; the second keeps the messages
//! and tokens. If generation fails, a conversation the request started is taken back and its
//! count released, so nothing is half-written.

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use tokio::sync::mpsc;
use uuid::Uuid;
use wisdomos_core::element::Element;
use wisdomos_core::element_detect::{self, Detection};
use wisdomos_core::validation::bounded_text;
use wisdomos_core::{phase, prohibited, FieldError, ValidationErrors};
use wisdomos_db::conversations::{self, Party};
use wisdomos_db::knowledge::DocumentFilter;
use wisdomos_db::{assistant_usage, Database, DbError, TenantScope, TenantTx};

use crate::generation::{self, Generated, Provider};
use crate::knowledge::KnowledgeEngine;
use crate::knowledge_search::{search_embedded, SearchQuery};
use crate::{assistant, reading, AppError};

/// Longest message, in characters.
pub const INPUT_MAX: usize = 4000;
/// Passages given to the provider, at most.
pub const PASSAGES: i64 = 5;
/// Earlier messages of the conversation given to a language model, at most.
const HISTORY: i64 = 6;

/// The workspace a message is for.
pub struct Workspace<'a> {
    pub db: &'a Database,
    pub scope: &'a TenantScope,
    pub name: &'a str,
    pub tz: Tz,
    /// Conversations a month, `None` unlimited.
    pub conversations_per_month: Option<i64>,
}

/// A message to the assistant as sent.
#[derive(Debug, Default)]
pub struct Ask {
    pub input: String,
    pub conversation_id: Option<Uuid>,
    /// 0–1, how deep the client judges the conversation to be.
    pub conversation_depth: Option<f64>,
    pub session_id: Option<String>,
}

/// A passage the answer drew on.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SourceRef {
    pub n: usize,
    pub document_id: Uuid,
    pub title: String,
    pub chunk_id: Uuid,
    pub snippet: String,
    pub score: f64,
}

/// The assistant's reply.
#[derive(Debug, Clone)]
pub struct Reply {
    pub response: String,
    pub element: Detection,
    pub phase: u8,
    pub depth: f32,
    pub sources: Vec<SourceRef>,
    pub conversation_id: Uuid,
    pub message_id: Uuid,
    pub prompt_tokens: i32,
    pub completion_tokens: i32,
    /// `declined_prohibited`, `no_knowledge`, `uncited`, `cites_unknown_source`.
    pub flags: Vec<String>,
    pub provider: &'static str,
    /// Conversations counted this month, and the limit.
    pub conversations_this_month: i32,
}

/// The first day of `now`'s month in `tz`, and the seconds until the next month starts there.
pub fn period(now: DateTime<Utc>, tz: Tz) -> (NaiveDate, u64) {
    let local = now.with_timezone(&tz).date_naive();
    let start = local.with_day(1).unwrap_or(local);
    let next = start
        .checked_add_months(chrono::Months::new(1))
        .unwrap_or(start);
    let next_start = tz
        .from_local_datetime(&next.and_time(chrono::NaiveTime::MIN))
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or(now);
    (start, (next_start - now).num_seconds().max(1) as u64)
}

fn validate(a: &Ask) -> Result<(String, Option<f32>), AppError> {
    let mut errs = ValidationErrors::default();
    let input = errs.check(bounded_text("input", &a.input, 1, INPUT_MAX));
    let depth = match a.conversation_depth {
        Some(d) if !(0.0..=1.0).contains(&d) || d.is_nan() => {
            errs.0.push(FieldError::new(
                "conversationDepth",
                "out_of_range",
                "conversationDepth must be from 0 to 1",
            ));
            None
        }
        d => d.map(|d| d as f32),
    };
    errs.optional(
        a.session_id
            .as_deref()
            .map(|s| bounded_text("sessionId", s, 1, 200)),
    );
    errs.finish()?;
    Ok((input.unwrap_or_default(), depth))
}

/// Answers `a` for `party` in workspace `ws`; with `deltas`, the answer's text is also sent
/// there piece by piece as it is written. Errors: validation (`input` 1–4,000 characters,
/// `conversationDepth` 0–1, `sessionId`); not found (a conversation not the party's);
/// [`AppError::UsageLimit`] when a new conversation would pass the plan's monthly limit;
/// [`AppError::Upstream`] when the language model fails (nothing is kept then).
pub async fn ask(
    ws: &Workspace<'_>,
    party: &Party,
    a: &Ask,
    ke: &KnowledgeEngine,
    provider: &Provider,
    deltas: Option<mpsc::Sender<String>>,
    now: DateTime<Utc>,
) -> Result<Reply, AppError> {
    let (input, depth) = validate(a)?;
    // Model work happens outside every transaction, so none stays open while requests queue
    // for an inference session.
    let embedding = reading::embed(ke, &input).await?;
    let similarity = match &embedding {
        Some(v) => Some(reading::element_similarities(ke, v).await?),
        None => None,
    };
    let (month, retry_after_secs) = period(now, ws.tz);
    let mut tx = TenantTx::begin(ws.db, ws.scope).await?;
    let profile = assistant::profile(&mut tx).await?;
    tx.commit().await?;
    let topics = &profile.maia_personality.prohibited_topics;
    let topic_sims = match &embedding {
        Some(v) => Some(reading::topic_similarities(ke, v, topics).await?),
        None => None,
    };
    let declined = prohibited::matched(&input, topics, topic_sims.as_deref()).map(str::to_owned);

    let mut tx = TenantTx::begin(ws.db, ws.scope).await?;
    let (conversation, new) = match a.conversation_id {
        Some(id) => (conversations::get_for(&mut tx, id, party).await?, false),
        None => {
            if !assistant_usage::reserve_conversation(&mut tx, month, ws.conversations_per_month)
                .await?
            {
                return Err(AppError::UsageLimit { retry_after_secs });
            }
            let c = conversations::create(&mut tx, party, a.session_id.as_deref(), now).await?;
            (c, true)
        }
    };
    let history = conversations::recent_messages(&mut tx, conversation.id, HISTORY).await?;
    let found = match declined {
        Some(_) => Vec::new(),
        None => {
            let q = SearchQuery {
                query: input.chars().take(1000).collect(),
                limit: Some(PASSAGES),
                match_threshold: None,
                mode: None,
                filters: DocumentFilter::default(),
            };
            search_embedded(&mut tx, ke, &q, embedding.clone(), now)
                .await?
                .results
        }
    };
    let tags: Vec<Element> = found
        .iter()
        .flat_map(|f| {
            f.passage
                .elemental_tags
                .iter()
                .filter_map(|t| Element::parse(t))
        })
        .collect();
    let element = element_detect::detect(
        &input,
        similarity,
        &tags,
        profile.elemental_signature.primary,
    );
    let turn = (conversation.message_count / 2 + 1) as u32;
    let previous = conversation.detected_phase.map(|p| p as u8);
    let ph = phase::next(previous, turn, depth, &input);
    let month_count = assistant_usage::month(&mut tx, month).await?.conversations;
    tx.commit().await?;

    let request = generation::Request {
        workspace: ws.name,
        profile: &profile,
        element: element.element,
        phase: ph.phase,
        input: &input,
        history: &history,
        found: &found,
        declined: declined.as_deref(),
    };
    let generated = match generation::generate(provider, &request, deltas).await {
        Ok(g) => g,
        Err(e) => {
            if new {
                release(ws, party, conversation.id, month).await?;
            }
            return Err(e);
        }
    };
    let Generated {
        text,
        prompt_tokens,
        completion_tokens,
        flags,
        sources,
    } = generated;

    let mut tx = TenantTx::begin(ws.db, ws.scope).await?;
    let c = conversations::get_for(&mut tx, conversation.id, party).await?;
    let element_name = element.element.as_str();
    let phase_no = i16::from(ph.phase);
    let source_json = serde_json::to_value(&sources)
        .map_err(|e| AppError::Internal(format!("sources to JSON: {e}")))?;
    let stored = conversations::append(
        &mut tx,
        &c,
        &[
            conversations::NewMessage {
                role: "user",
                content: &input,
                element: Some(element_name),
                phase: Some(phase_no),
                provider: None,
                prompt_tokens: 0,
                completion_tokens: 0,
                sources: serde_json::json!([]),
                flags: Vec::new(),
            },
            conversations::NewMessage {
                role: "assistant",
                content: &text,
                element: Some(element_name),
                phase: Some(phase_no),
                provider: Some(provider.name()),
                prompt_tokens,
                completion_tokens,
                sources: source_json,
                flags: flags.clone(),
            },
        ],
        (Some(element_name), Some(phase_no), Some(ph.depth)),
        now,
    )
    .await?;
    let tokens = i64::from(prompt_tokens) + i64::from(completion_tokens);
    assistant_usage::add(&mut tx, month, 2, tokens).await?;
    let message_id = stored
        .last()
        .map(|m| m.id)
        .ok_or_else(|| AppError::Internal("no message stored".into()))?;
    tx.commit().await?;
    Ok(Reply {
        response: text,
        element,
        phase: ph.phase,
        depth: ph.depth,
        sources,
        conversation_id: c.id,
        message_id,
        prompt_tokens,
        completion_tokens,
        flags,
        provider: provider.name(),
        conversations_this_month: month_count,
    })
}

/// Takes back conversation `id` (started by this request, still empty) and its count.
async fn release(
    ws: &Workspace<'_>,
    party: &Party,
    id: Uuid,
    month: NaiveDate,
) -> Result<(), AppError> {
    let mut tx = TenantTx::begin(ws.db, ws.scope).await?;
    match conversations::delete_empty(&mut tx, id, party).await {
        Ok(()) => assistant_usage::release_conversation(&mut tx, month).await?,
        Err(DbError::NotFound) => {}
        Err(e) => return Err(e.into()),
    }
    tx.commit().await?;
    Ok(())
}
