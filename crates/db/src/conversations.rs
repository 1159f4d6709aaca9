//! Conversations with the workspace's assistant and their messages (tenant tables
//! `conversations`, `conversation_messages`), through the workspace's [`TenantTx`].

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::{DbError, TenantTx};

/// Who a conversation belongs to: a member, or an API key's end user (the client's own
/// reference, never an identity WisdomOS trusts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Party {
    Member(Uuid),
    EndUser { api_key_id: Uuid, reference: String },
}

/// A stored conversation.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Conversation {
    pub id: Uuid,
    pub user_id: Option<Uuid>,
    pub api_key_id: Option<Uuid>,
    pub end_user_ref: Option<String>,
    pub session_id: Option<String>,
    pub message_count: i32,
    pub tokens_used: i64,
    pub dominant_element: Option<String>,
    pub detected_phase: Option<i16>,
    pub depth_level: Option<f32>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const COLUMNS: &str =
    "id, user_id, api_key_id, end_user_ref, session_id, message_count, tokens_used, \
     dominant_element, detected_phase, depth_level, created_at, updated_at";

/// Conversation `id` if it belongs to `party`. Errors: [`DbError::NotFound`] (someone else's
/// conversation is not found either).
pub async fn get_for(tx: &mut TenantTx, id: Uuid, party: &Party) -> Result<Conversation, DbError> {
    fetch(tx, id, party, "FOR UPDATE").await
}

/// [`get_for`] without locking the conversation (to show it).
pub async fn find_for(tx: &mut TenantTx, id: Uuid, party: &Party) -> Result<Conversation, DbError> {
    fetch(tx, id, party, "").await
}

async fn fetch(
    tx: &mut TenantTx,
    id: Uuid,
    party: &Party,
    lock: &str,
) -> Result<Conversation, DbError> {
    let (user, key, reference) = party_columns(party);
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM conversations WHERE id = $1
           AND user_id IS NOT DISTINCT FROM $2 AND api_key_id IS NOT DISTINCT FROM $3
           AND end_user_ref IS NOT DISTINCT FROM $4 {lock}"
    ))
    .bind(id)
    .bind(user)
    .bind(key)
    .bind(reference)
    .fetch_one(tx.conn())
    .await?)
}

fn party_columns(p: &Party) -> (Option<Uuid>, Option<Uuid>, Option<&str>) {
    match p {
        Party::Member(u) => (Some(*u), None, None),
        Party::EndUser {
            api_key_id,
            reference,
        } => (None, Some(*api_key_id), Some(reference.as_str())),
    }
}

/// Starts a conversation of `party`.
pub async fn create(
    tx: &mut TenantTx,
    party: &Party,
    session_id: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Conversation, DbError> {
    let (user, key, reference) = party_columns(party);
    Ok(sqlx::query_as(&format!(
        "INSERT INTO conversations (id, user_id, api_key_id, end_user_ref, session_id, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING {COLUMNS}"
    ))
    .bind(Uuid::new_v4())
    .bind(user)
    .bind(key)
    .bind(reference)
    .bind(session_id)
    .bind(now)
    .fetch_one(tx.conn())
    .await?)
}

/// A message to store.
#[derive(Debug, Clone)]
pub struct NewMessage<'a> {
    /// `user` or `assistant`.
    pub role: &'static str,
    pub content: &'a str,
    pub element: Option<&'a str>,
    pub phase: Option<i16>,
    pub provider: Option<&'a str>,
    pub prompt_tokens: i32,
    pub completion_tokens: i32,
    /// `[{documentId, title, chunkId, snippet, score}]`.
    pub sources: serde_json::Value,
    pub flags: Vec<String>,
}

/// A stored message.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Message {
    pub id: Uuid,
    pub conversation_id: Uuid,
    pub position: i32,
    pub role: String,
    pub content: String,
    pub element: Option<String>,
    pub phase: Option<i16>,
    pub provider: Option<String>,
    pub prompt_tokens: i32,
    pub completion_tokens: i32,
    pub sources: serde_json::Value,
    pub flags: Vec<String>,
    pub feedback: Option<i16>,
    pub created_at: DateTime<Utc>,
}

const MESSAGE_COLUMNS: &str =
    "id, conversation_id, position, role, content, element, phase, provider, \
     prompt_tokens, completion_tokens, sources, flags, feedback, created_at";

/// Appends `messages` to conversation `c` (locked by [`get_for`] or just made) and sets its
/// counters and latest element, phase and depth.
pub async fn append(
    tx: &mut TenantTx,
    c: &Conversation,
    messages: &[NewMessage<'_>],
    state: (Option<&str>, Option<i16>, Option<f32>),
    now: DateTime<Utc>,
) -> Result<Vec<Message>, DbError> {
    let mut out = Vec::with_capacity(messages.len());
    for (i, m) in messages.iter().enumerate() {
        let row: Message = sqlx::query_as(&format!(
            "INSERT INTO conversation_messages (id, conversation_id, position, role, content, element, phase,
                 provider, prompt_tokens, completion_tokens, sources, flags, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING {MESSAGE_COLUMNS}"
        ))
        .bind(Uuid::new_v4())
        .bind(c.id)
        .bind(c.message_count + i as i32)
        .bind(m.role)
        .bind(m.content)
        .bind(m.element)
        .bind(m.phase)
        .bind(m.provider)
        .bind(m.prompt_tokens)
        .bind(m.completion_tokens)
        .bind(&m.sources)
        .bind(&m.flags)
        .bind(now)
        .fetch_one(tx.conn())
        .await?;
        out.push(row);
    }
    let tokens: i64 = messages
        .iter()
        .map(|m| i64::from(m.prompt_tokens) + i64::from(m.completion_tokens))
        .sum();
    sqlx::query(
        "UPDATE conversations SET message_count = message_count + $2, tokens_used = tokens_used + $3,
             dominant_element = coalesce($4, dominant_element), detected_phase = coalesce($5, detected_phase),
             depth_level = coalesce($6, depth_level), updated_at = $7
         WHERE id = $1",
    )
    .bind(c.id)
    .bind(messages.len() as i32)
    .bind(tokens)
    .bind(state.0)
    .bind(state.1)
    .bind(state.2)
    .bind(now)
    .execute(tx.conn())
    .await?;
    Ok(out)
}

/// The last `n` messages of conversation `id`, oldest first.
pub async fn recent_messages(tx: &mut TenantTx, id: Uuid, n: i64) -> Result<Vec<Message>, DbError> {
    let mut rows: Vec<Message> = sqlx::query_as(&format!(
        "SELECT {MESSAGE_COLUMNS} FROM conversation_messages WHERE conversation_id = $1
         ORDER BY position DESC LIMIT $2"
    ))
    .bind(id)
    .bind(n)
    .fetch_all(tx.conn())
    .await?;
    rows.reverse();
    Ok(rows)
}

/// Sets the feedback (+1 or −1, `None` clears it) on assistant message `id` of a conversation
/// of `party`. Errors: [`DbError::NotFound`].
pub async fn set_feedback(
    tx: &mut TenantTx,
    id: Uuid,
    party: &Party,
    feedback: Option<i16>,
    now: DateTime<Utc>,
) -> Result<Message, DbError> {
    let (user, key, reference) = party_columns(party);
    Ok(sqlx::query_as(
        "UPDATE conversation_messages m SET feedback = $2, feedback_at = $3
         FROM conversations c
         WHERE m.id = $1 AND m.role = 'assistant' AND c.id = m.conversation_id
           AND c.user_id IS NOT DISTINCT FROM $4 AND c.api_key_id IS NOT DISTINCT FROM $5
           AND c.end_user_ref IS NOT DISTINCT FROM $6
         RETURNING m.id, m.conversation_id, m.position, m.role, m.content, m.element, m.phase, m.provider,
             m.prompt_tokens, m.completion_tokens, m.sources, m.flags, m.feedback, m.created_at",
    )
    .bind(id)
    .bind(feedback)
    .bind(now)
    .bind(user)
    .bind(key)
    .bind(reference)
    .fetch_one(tx.conn())
    .await?)
}

/// The conversations of member `user_id`, most recent first, at most `limit`.
pub async fn list_for_member(
    tx: &mut TenantTx,
    user_id: Uuid,
    limit: i64,
) -> Result<Vec<Conversation>, DbError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM conversations WHERE user_id = $1 ORDER BY updated_at DESC, id DESC LIMIT $2"
    ))
    .bind(user_id)
    .bind(limit)
    .fetch_all(tx.conn())
    .await?)
}

/// Deletes conversation `id` of `party` if it holds no message yet (a conversation whose first
/// answer failed). Errors: [`DbError::NotFound`] when there is no such empty conversation.
pub async fn delete_empty(tx: &mut TenantTx, id: Uuid, party: &Party) -> Result<(), DbError> {
    let (user, key, reference) = party_columns(party);
    let done = sqlx::query(
        "DELETE FROM conversations WHERE id = $1 AND message_count = 0
           AND user_id IS NOT DISTINCT FROM $2 AND api_key_id IS NOT DISTINCT FROM $3
           AND end_user_ref IS NOT DISTINCT FROM $4",
    )
    .bind(id)
    .bind(user)
    .bind(key)
    .bind(reference)
    .execute(tx.conn())
    .await?;
    if done.rows_affected() == 0 {
        return Err(DbError::NotFound);
    }
    Ok(())
}
