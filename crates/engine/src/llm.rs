//! A client of OpenAI-compatible chat completions (`POST {base}/chat/completions`, as served by
//! OpenAI, Ollama, vLLM and llama.cpp's server): whole answers or server-sent-event streams,
//! with a timeout, bounded retries and token counts from the response's `usage`.
//!
//! Retries (at most [`LlmConfig::retries`], backing off 250 ms × 2ⁿ) happen only for a failure
//! before any text arrived: a connection error, a timeout, 429 or a 5xx. The key travels only
//! in the `Authorization` header and is never logged.

use std::time::Duration;

use futures::StreamExt;
use serde_json::{json, Value};
use tokio::sync::mpsc;

/// Where and how to reach the service.
#[derive(Clone)]
pub struct LlmConfig {
    /// Base URL up to `/v1`, e.g. `http://127.0.0.1:11434/v1`.
    pub url: String,
    pub api_key: Option<String>,
    pub model: String,
    /// Longest wait for the answer (whole) or between two pieces of a stream.
    pub timeout: Duration,
    /// Retries after the first attempt.
    pub retries: u32,
}

impl std::fmt::Debug for LlmConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LlmConfig")
            .field("url", &self.url)
            .field("api_key", &self.api_key.as_ref().map(|_| "…"))
            .field("model", &self.model)
            .field("timeout", &self.timeout)
            .field("retries", &self.retries)
            .finish()
    }
}

/// One message of the conversation sent (`role`: `system`, `user` or `assistant`).
#[derive(Debug, Clone)]
pub struct ChatMessage {
    pub role: &'static str,
    pub content: String,
}

/// The answer and its token counts (the service's own, or estimated at four characters a token
/// when it sends none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    pub text: String,
    pub prompt_tokens: u32,
    pub completion_tokens: u32,
}

/// Why a completion failed.
#[derive(Debug, thiserror::Error)]
pub enum LlmError {
    #[error("the language model did not answer in time")]
    Timeout,
    #[error("the language model could not be reached: {0}")]
    Connect(String),
    #[error("the language model answered {0}")]
    Status(u16),
    #[error("the language model's answer could not be read: {0}")]
    Protocol(String),
}

impl LlmError {
    fn retryable(&self) -> bool {
        match self {
            LlmError::Timeout | LlmError::Connect(_) => true,
            LlmError::Status(s) => *s == 429 || *s >= 500,
            LlmError::Protocol(_) => false,
        }
    }
}

/// The client; cheap to clone.
#[derive(Debug, Clone)]
pub struct LlmClient {
    http: reqwest::Client,
    cfg: LlmConfig,
}

fn estimate(chars: usize) -> u32 {
    chars.div_ceil(4) as u32
}

impl LlmClient {
    /// A client for `cfg`. Errors: the HTTP client cannot be built.
    pub fn new(cfg: LlmConfig) -> Result<Self, LlmError> {
        let http = reqwest::Client::builder()
            .connect_timeout(cfg.timeout)
            .build()
            .map_err(|e| LlmError::Connect(e.to_string()))?;
        Ok(Self { http, cfg })
    }

    /// The model name sent.
    pub fn model(&self) -> &str {
        &self.cfg.model
    }

    /// The completion of `messages`; with `deltas`, streamed and each piece of text sent there
    /// as it arrives.
    pub async fn complete(
        &self,
        messages: &[ChatMessage],
        deltas: Option<&mpsc::Sender<String>>,
    ) -> Result<Completion, LlmError> {
        let mut attempt = 0;
        loop {
            let mut sent_any = false;
            let r = self.attempt(messages, deltas, &mut sent_any).await;
            match r {
                Err(e) if e.retryable() && !sent_any && attempt < self.cfg.retries => {
                    tokio::time::sleep(Duration::from_millis(250 << attempt)).await;
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    async fn attempt(
        &self,
        messages: &[ChatMessage],
        deltas: Option<&mpsc::Sender<String>>,
        sent_any: &mut bool,
    ) -> Result<Completion, LlmError> {
        let body = json!({
            "model": self.cfg.model,
            "messages": messages.iter().map(|m| json!({"role": m.role, "content": m.content})).collect::<Vec<_>>(),
            "stream": deltas.is_some(),
            "stream_options": if deltas.is_some() { json!({"include_usage": true}) } else { Value::Null },
        });
        let mut req = self
            .http
            .post(format!(
                "{}/chat/completions",
                self.cfg.url.trim_end_matches('/')
            ))
            .json(&body);
        if let Some(k) = &self.cfg.api_key {
            req = req.bearer_auth(k);
        }
        let send = tokio::time::timeout(self.cfg.timeout, req.send());
        let resp = send.await.map_err(|_| LlmError::Timeout)?.map_err(|e| {
            if e.is_timeout() {
                LlmError::Timeout
            } else {
                LlmError::Connect(e.without_url().to_string())
            }
        })?;
        if !resp.status().is_success() {
            return Err(LlmError::Status(resp.status().as_u16()));
        }
        let prompt_chars: usize = messages.iter().map(|m| m.content.len()).sum();
        match deltas {
            None => {
                let v: Value = tokio::time::timeout(self.cfg.timeout, resp.json())
                    .await
                    .map_err(|_| LlmError::Timeout)?
                    .map_err(|e| LlmError::Protocol(e.without_url().to_string()))?;
                let text = v["choices"][0]["message"]["content"]
                    .as_str()
                    .ok_or_else(|| LlmError::Protocol("no choices[0].message.content".into()))?
                    .to_owned();
                Ok(Completion {
                    prompt_tokens: usage(&v, "prompt_tokens").unwrap_or(estimate(prompt_chars)),
                    completion_tokens: usage(&v, "completion_tokens")
                        .unwrap_or(estimate(text.len())),
                    text,
                })
            }
            Some(tx) => self.read_stream(resp, tx, prompt_chars, sent_any).await,
        }
    }

    async fn read_stream(
        &self,
        resp: reqwest::Response,
        tx: &mpsc::Sender<String>,
        prompt_chars: usize,
        sent_any: &mut bool,
    ) -> Result<Completion, LlmError> {
        let mut stream = resp.bytes_stream();
        let (mut buf, mut text) = (Vec::<u8>::new(), String::new());
        let (mut prompt_tokens, mut completion_tokens) = (None, None);
        loop {
            let next = tokio::time::timeout(self.cfg.timeout, stream.next())
                .await
                .map_err(|_| LlmError::Timeout)?;
            let Some(chunk) = next else { break };
            buf.extend_from_slice(
                &chunk.map_err(|e| LlmError::Protocol(e.without_url().to_string()))?,
            );
            // Server-sent events: one `data:` line per event, events apart by a blank line.
            while let Some(end) = buf.iter().position(|b| *b == b'\n') {
                let line: Vec<u8> = buf.drain(..=end).collect();
                let line = String::from_utf8_lossy(&line);
                let Some(data) = line.trim().strip_prefix("data:") else {
                    continue;
                };
                let data = data.trim();
                if data == "[DONE]" {
                    return Ok(Completion {
                        prompt_tokens: prompt_tokens.unwrap_or(estimate(prompt_chars)),
                        completion_tokens: completion_tokens.unwrap_or(estimate(text.len())),
                        text,
                    });
                }
                let v: Value = serde_json::from_str(data)
                    .map_err(|e| LlmError::Protocol(format!("event is not JSON: {e}")))?;
                if let Some(piece) = v["choices"][0]["delta"]["content"].as_str() {
                    if !piece.is_empty() {
                        text.push_str(piece);
                        *sent_any = true;
                        // A listener that left does not stop the answer from being kept.
                        let _ = tx.send(piece.to_owned()).await;
                    }
                }
                prompt_tokens = usage(&v, "prompt_tokens").or(prompt_tokens);
                completion_tokens = usage(&v, "completion_tokens").or(completion_tokens);
            }
        }
        Err(LlmError::Protocol("the stream ended without [DONE]".into()))
    }
}

fn usage(v: &Value, field: &str) -> Option<u32> {
    v["usage"][field]
        .as_u64()
        .map(|n| n.min(u64::from(u32::MAX)) as u32)
}
