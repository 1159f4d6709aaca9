//! Generating the assistant's answer with the configured provider, from the same prompt
//! (`wisdomos_core::prompt`) for each:
//! - **extractive** (default, offline): the passages' most relevant sentences with numbered
//!   citations, framed in the workspace's tone (`wisdomos_core::extractive`);
//! - **OpenAI-compatible** chat completions (`wisdomos_engine::llm`), its citations checked
//!   against the passages given.
//!
//! Before any provider: a prohibited topic is declined, and a message for which the knowledge
//! base found nothing is answered with "nothing on that" rather than a guess.

use tokio::sync::mpsc;
use wisdomos_core::assistant::AssistantProfile;
use wisdomos_core::element::Element;
use wisdomos_core::extractive::{self, citations, Source};
use wisdomos_core::prohibited;
use wisdomos_core::prompt::{self, PromptInput, PromptPassage};
use wisdomos_db::conversations::Message;
use wisdomos_engine::llm::{ChatMessage, LlmClient};

use crate::knowledge_search::Found;
use crate::oracle::SourceRef;
use crate::AppError;

/// Characters of a passage shown as a source's snippet.
const SNIPPET_CHARS: usize = 300;

/// Which provider writes answers (`WISDOMOS_LLM_URL` set: OpenAI-compatible).
#[derive(Debug, Clone, Default)]
pub enum Provider {
    #[default]
    Extractive,
    OpenAi(LlmClient),
}

impl Provider {
    /// `extractive` or `openai`.
    pub fn name(&self) -> &'static str {
        match self {
            Provider::Extractive => "extractive",
            Provider::OpenAi(_) => "openai",
        }
    }
}

/// What an answer is generated from.
pub struct Request<'a> {
    pub workspace: &'a str,
    pub profile: &'a AssistantProfile,
    pub element: Element,
    pub phase: u8,
    pub input: &'a str,
    pub history: &'a [Message],
    pub found: &'a [Found],
    /// The prohibited topic the message is about, if any.
    pub declined: Option<&'a str>,
}

/// A generated answer.
#[derive(Debug, Clone)]
pub struct Generated {
    pub text: String,
    pub prompt_tokens: i32,
    pub completion_tokens: i32,
    pub flags: Vec<String>,
    pub sources: Vec<SourceRef>,
}

fn estimate_tokens(s: &str) -> i32 {
    s.len().div_ceil(4) as i32
}

/// Sends `text` to `deltas` a few words at a time (an answer written whole still streams).
async fn stream_whole(text: &str, deltas: Option<&mpsc::Sender<String>>) {
    let Some(tx) = deltas else { return };
    let words: Vec<&str> = text.split_inclusive(' ').collect();
    for piece in words.chunks(6) {
        if tx.send(piece.concat()).await.is_err() {
            return;
        }
    }
}

fn fixed(text: String, flag: &str) -> Generated {
    Generated {
        prompt_tokens: 0,
        completion_tokens: estimate_tokens(&text),
        text,
        flags: vec![flag.to_owned()],
        sources: Vec::new(),
    }
}

/// The answer to `r` by `provider`. Errors: [`AppError::Upstream`] when the language model
/// fails after its retries.
pub async fn generate(
    provider: &Provider,
    r: &Request<'_>,
    deltas: Option<mpsc::Sender<String>>,
) -> Result<Generated, AppError> {
    if let Some(topic) = r.declined {
        let g = fixed(prohibited::refusal(topic), "declined_prohibited");
        stream_whole(&g.text, deltas.as_ref()).await;
        return Ok(g);
    }
    if r.found.is_empty() {
        let g = fixed(extractive::nothing_found(r.workspace), "no_knowledge");
        stream_whole(&g.text, deltas.as_ref()).await;
        return Ok(g);
    }
    let best = r.found.iter().map(|f| f.score).fold(f64::MIN, f64::max);
    let sources: Vec<SourceRef> = r
        .found
        .iter()
        .enumerate()
        .map(|(i, f)| SourceRef {
            n: i + 1,
            document_id: f.passage.document_id,
            title: f.passage.title.clone(),
            chunk_id: f.passage.chunk_id,
            snippet: f.passage.text.chars().take(SNIPPET_CHARS).collect(),
            score: f.score,
        })
        .collect();
    match provider {
        Provider::Extractive => {
            let given: Vec<Source<'_>> = r
                .found
                .iter()
                .enumerate()
                .map(|(i, f)| Source {
                    n: i + 1,
                    text: &f.passage.text,
                    weight: if best > 0.0 {
                        (f.score / best) as f32
                    } else {
                        0.0
                    },
                    similarity: f.semantic_score.map(|c| c as f32),
                })
                .collect();
            let Some(text) = extractive::compose(r.input, &given, &r.profile.brand_voice.tone)
            else {
                let g = fixed(extractive::nothing_found(r.workspace), "no_knowledge");
                stream_whole(&g.text, deltas.as_ref()).await;
                return Ok(g);
            };
            stream_whole(&text, deltas.as_ref()).await;
            let cited = citations(&text);
            Ok(Generated {
                prompt_tokens: 0,
                completion_tokens: estimate_tokens(&text),
                text,
                flags: Vec::new(),
                sources: sources
                    .into_iter()
                    .filter(|s| cited.contains(&s.n))
                    .collect(),
            })
        }
        Provider::OpenAi(client) => {
            let passages: Vec<PromptPassage<'_>> = r
                .found
                .iter()
                .enumerate()
                .map(|(i, f)| PromptPassage {
                    n: i + 1,
                    title: &f.passage.title,
                    text: &f.passage.text,
                })
                .collect();
            let system = prompt::system(&PromptInput {
                workspace: r.workspace,
                profile: r.profile,
                element: r.element,
                phase: r.phase,
                passages: &passages,
            });
            let mut messages = vec![ChatMessage {
                role: "system",
                content: system,
            }];
            for m in r.history {
                messages.push(ChatMessage {
                    role: if m.role == "assistant" {
                        "assistant"
                    } else {
                        "user"
                    },
                    content: m.content.clone(),
                });
            }
            messages.push(ChatMessage {
                role: "user",
                content: r.input.to_owned(),
            });
            let c = client
                .complete(&messages, deltas.as_ref())
                .await
                .map_err(|e| AppError::Upstream(e.to_string()))?;
            let cited = citations(&c.text);
            let mut flags = Vec::new();
            if cited.is_empty() {
                flags.push("uncited".to_owned());
            }
            if cited.iter().any(|n| *n == 0 || *n > sources.len()) {
                flags.push("cites_unknown_source".to_owned());
            }
            Ok(Generated {
                prompt_tokens: c.prompt_tokens as i32,
                completion_tokens: c.completion_tokens as i32,
                text: c.text,
                flags,
                sources,
            })
        }
    }
}
