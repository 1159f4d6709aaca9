//! The Assistant page: chat with the workspace's assistant. Without JavaScript a question is a
//! form post and the page comes back with the answer; with it, the answer is streamed in as it
//! is written (`POST /assistant/stream`, server-sent events) and the page then shows the kept
//! conversation. Each answer shows its sources (open to read the passage), the element and
//! phase in words, and thumbs up or down.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use uuid::Uuid;
use wisdomos_app::oracle::Ask;
use wisdomos_core::element::Element;
use wisdomos_core::role::Permission;
use wisdomos_db::conversations::{self, Party};

use super::error::{render_form, WebError};
use super::flash;
use super::session::{CsrfForm, Nav, Web};
use crate::asking::{self, Target};
use crate::extract::{Read, Write};
use crate::{ApiError, AppState};

/// A source under an answer.
pub struct SourceView {
    pub n: i64,
    pub title: String,
    pub snippet: String,
}

/// A message of the conversation shown.
pub struct MessageView {
    pub id: Uuid,
    pub mine: bool,
    pub text: String,
    pub reading: String,
    pub sources: Vec<SourceView>,
    pub feedback: i16,
    pub note: String,
}

/// A conversation in the list.
pub struct ConversationLink {
    pub id: Uuid,
    pub when: String,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "assistant.html")]
struct AssistantPage {
    nav: Option<Nav>,
    can_ask: bool,
    can_manage: bool,
    conversation: String,
    conversations: Vec<ConversationLink>,
    messages: Vec<MessageView>,
    input: String,
    error: String,
}

/// Query of `GET /assistant`.
#[derive(Debug, Default, Deserialize)]
pub struct Which {
    /// The conversation shown.
    #[serde(default)]
    pub c: String,
}

/// The element and phase of an answer, in words.
pub fn reading(element: Option<&str>, phase: Option<i16>) -> String {
    let e = element.and_then(Element::parse);
    let p = match phase {
        Some(1) => "opening up the question",
        Some(2) => "going deeper",
        Some(3) => "bringing it together",
        _ => "",
    };
    match (e, p.is_empty()) {
        (Some(e), false) => format!("Read as {} ({}), {p}.", e.as_str(), e.meaning()),
        (Some(e), true) => format!("Read as {} ({}).", e.as_str(), e.meaning()),
        _ => String::new(),
    }
}

fn note(flags: &[String]) -> String {
    if flags.iter().any(|f| f == "declined_prohibited") {
        "This topic is one the assistant declines here.".into()
    } else if flags.iter().any(|f| f == "no_knowledge") {
        "Nothing in the knowledge base matched, so it did not guess.".into()
    } else if flags
        .iter()
        .any(|f| f == "cites_unknown_source" || f == "uncited")
    {
        "This answer does not cite its sources properly; check it against the documents.".into()
    } else {
        String::new()
    }
}

async fn show(
    st: &AppState,
    web: Web<Read>,
    which: &str,
    input: String,
    error: String,
) -> Result<Response, WebError> {
    let party = Party::Member(web.ctx.user_id);
    let mut tx = web.begin(st).await?;
    let list = conversations::list_for_member(&mut tx, web.ctx.user_id, 20).await?;
    let current = Uuid::parse_str(which).ok();
    let mut messages = Vec::new();
    if let Some(id) = current {
        conversations::find_for(&mut tx, id, &party)
            .await
            .map_err(ApiError::from)?;
        for m in conversations::recent_messages(&mut tx, id, 200).await? {
            let sources = m
                .sources
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|s| SourceView {
                            n: s["n"].as_i64().unwrap_or(0),
                            title: s["title"].as_str().unwrap_or_default().to_owned(),
                            snippet: s["snippet"].as_str().unwrap_or_default().to_owned(),
                        })
                        .collect()
                })
                .unwrap_or_default();
            let mine = m.role == "user";
            messages.push(MessageView {
                id: m.id,
                mine,
                reading: if mine {
                    String::new()
                } else {
                    reading(m.element.as_deref(), m.phase)
                },
                note: note(&m.flags),
                text: m.content,
                sources,
                feedback: m.feedback.unwrap_or(0),
            });
        }
    }
    tx.commit().await?;
    let tz = super::view::zone(&web.ctx.tenant.timezone);
    render_form(
        &AssistantPage {
            can_ask: web.ctx.role.can(Permission::WriteData),
            can_manage: web.ctx.role.can(Permission::ManageAssistant),
            conversation: current.map(|c| c.to_string()).unwrap_or_default(),
            conversations: list
                .iter()
                .map(|c| ConversationLink {
                    id: c.id,
                    when: c
                        .created_at
                        .with_timezone(&tz)
                        .format("%-d %b, %H:%M")
                        .to_string(),
                    current: Some(c.id) == current,
                })
                .collect(),
            messages,
            input,
            error: error.clone(),
            nav: Some(web.nav),
        },
        !error.is_empty(),
    )
}

/// `GET /assistant[?c=]`: the conversations and the one chosen.
pub async fn page(
    State(st): State<AppState>,
    web: Web<Read>,
    Query(w): Query<Which>,
) -> Result<Response, WebError> {
    show(&st, web, &w.c, String::new(), String::new()).await
}

/// The chat form.
#[derive(Debug, Deserialize)]
pub struct AskForm {
    #[serde(default)]
    pub input: String,
    /// The conversation continued; empty for a new one.
    #[serde(default)]
    pub conversation: String,
}

fn ask_of(f: &AskForm) -> Ask {
    Ask {
        input: f.input.clone(),
        conversation_id: Uuid::parse_str(&f.conversation).ok(),
        ..Default::default()
    }
}

/// Why a question got no answer, in words (validation, the plan's limit, the model down).
fn refusal(e: ApiError) -> Result<String, WebError> {
    match e {
        ApiError::Validation(errs) => Ok(errs
            .0
            .iter()
            .map(|f| super::labels::humane(&f.field, f.code, &f.message))
            .collect::<Vec<_>>()
            .join(" ")),
        e @ (ApiError::UsageLimit { .. } | ApiError::Upstream(_)) => Ok(e.public_message()),
        other => Err(other.into()),
    }
}

/// `POST /assistant`: asks, then shows the conversation with the answer.
pub async fn ask(
    State(st): State<AppState>,
    web: Web<Write>,
    CsrfForm(f): CsrfForm<AskForm>,
) -> Result<Response, WebError> {
    let t = Target::of(&st, &web.ctx.tenant, web.ctx.scope.clone()).await?;
    let party = Party::Member(web.ctx.user_id);
    match asking::once(&st, &t, &party, &ask_of(&f)).await {
        // The answer itself is the confirmation: no flash message.
        Ok(r) => Ok(axum::response::Redirect::to(&format!(
            "/assistant?c={}#m-{}",
            r.conversation_id, r.message_id
        ))
        .into_response()),
        Err(e) => {
            let error = refusal(e)?;
            show(&st, web.to::<Read>()?, &f.conversation, f.input, error).await
        }
    }
}

/// `POST /assistant/stream`: the same question answered as server-sent events, for the page's
/// script; `done` names the conversation to show.
pub async fn stream(
    State(st): State<AppState>,
    web: Web<Write>,
    CsrfForm(f): CsrfForm<AskForm>,
) -> Result<Response, WebError> {
    let t = Target::of(&st, &web.ctx.tenant, web.ctx.scope.clone()).await?;
    let party = Party::Member(web.ctx.user_id);
    Ok(asking::streamed(
        st,
        t,
        party,
        ask_of(&f),
        |r, _| serde_json::json!({ "conversationId": r.conversation_id, "messageId": r.message_id }),
    ))
}

/// Feedback form.
#[derive(Debug, Deserialize)]
pub struct FeedbackForm {
    /// `up`, `down` or `clear`.
    pub value: String,
    #[serde(default)]
    pub conversation: String,
}

/// `POST /assistant/messages/{id}/feedback`: thumbs up or down on one of your answers.
pub async fn feedback(
    State(st): State<AppState>,
    headers: HeaderMap,
    web: Web<Write>,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<FeedbackForm>,
) -> Result<Response, WebError> {
    let id = crate::extract::parse_id(&id)?;
    let value = match f.value.as_str() {
        "up" => Some(1),
        "down" => Some(-1),
        _ => None,
    };
    let mut tx = web.begin(&st).await?;
    conversations::set_feedback(
        &mut tx,
        id,
        &Party::Member(web.ctx.user_id),
        value,
        st.clock.now(),
    )
    .await
    .map_err(ApiError::from)?;
    tx.commit().await?;
    let said = match value {
        Some(1) => "Thanks — marked as helpful.",
        Some(_) => "Thanks — marked as not helpful.",
        None => "Feedback cleared.",
    };
    Ok(flash::redirect(
        &headers,
        &format!("/assistant?c={}#m-{id}", f.conversation),
        said,
    ))
}
