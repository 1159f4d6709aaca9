//! The semantic engine: text to sentence embeddings with a local model, bounded so that
//! inference never runs on the async threads and never more at once than there are sessions.
//! Without a model, [`Engine::embedder`] is `None` and callers rank by words alone.

pub mod cache;
pub mod extract;
pub mod graph;
pub mod index;
pub mod llm;
pub mod minilm;
pub mod model;
pub mod onnx;
#[doc(hidden)]
pub mod testing;
pub mod vector;

use std::path::Path;
use std::sync::Arc;

use tokio::sync::Semaphore;

/// Values in an embedding.
pub const DIMS: usize = 384;
/// Texts per inference call at most: about 0.1–0.2 s of one core for passages, so a query
/// never waits longer than that behind a document being read in.
pub const PIECE: usize = 8;

/// What can go wrong in the engine.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// The model's files or the runtime library could not be loaded.
    #[error("model not loaded: {0}")]
    Load(String),
    /// Fetching the model failed.
    #[error("model fetch failed: {0}")]
    Fetch(String),
    /// An inference failed.
    #[error("embedding failed: {0}")]
    Inference(String),
    /// The engine has no model.
    #[error("no model is loaded")]
    NoModel,
}

/// Turns texts into L2-normalised embeddings of [`DIMS`] values. Blocking: call it from
/// [`Engine::embed`], which runs it off the async threads.
pub trait Embedder: Send + Sync {
    /// The model's name, for status pages and logs.
    fn model(&self) -> &str;
    /// One embedding per text, in order.
    fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EngineError>;
}

/// The engine as the server and jobs hold it: cheap to clone.
#[derive(Clone, Default)]
pub struct Engine {
    inner: Option<Arc<Loaded>>,
}

struct Loaded {
    embedder: Arc<dyn Embedder>,
    permits: Arc<Semaphore>,
}

impl Engine {
    /// An engine without a model: lexical search only.
    pub fn none() -> Self {
        Self::default()
    }

    /// An engine over `embedder`, at most `concurrency` (≥ 1) inferences at once.
    pub fn new(embedder: Arc<dyn Embedder>, concurrency: usize) -> Self {
        Self {
            inner: Some(Arc::new(Loaded {
                embedder,
                permits: Arc::new(Semaphore::new(concurrency.max(1))),
            })),
        }
    }

    /// Loads MiniLM from `dir` with `sessions` sessions, or says why not.
    pub fn load_minilm(dir: &Path, sessions: usize) -> Result<Self, EngineError> {
        let m = minilm::MiniLm::load(dir, sessions)?;
        let n = m.sessions();
        Ok(Self::new(Arc::new(m), n))
    }

    /// The model's name, or `None` without one.
    pub fn model(&self) -> Option<&str> {
        self.inner.as_ref().map(|l| l.embedder.model())
    }

    /// Whether a model is loaded.
    pub fn has_model(&self) -> bool {
        self.inner.is_some()
    }

    /// Embeds `texts` on the blocking pool, [`PIECE`] texts per inference call, each call
    /// holding one permit (one session) while it runs: a long list spreads over every session
    /// free, and a short request waiting meanwhile (a search's query) gets the next permit
    /// (the semaphore is first come, first served) instead of waiting for the whole list. The
    /// order is kept. Errors: [`EngineError::NoModel`], or the embedder's.
    pub async fn embed(&self, texts: Vec<String>) -> Result<Vec<Vec<f32>>, EngineError> {
        let loaded = self.inner.clone().ok_or(EngineError::NoModel)?;
        let mut calls = Vec::with_capacity(texts.len().div_ceil(PIECE));
        let mut rest = texts;
        while !rest.is_empty() {
            let tail = rest.split_off(PIECE.min(rest.len()));
            let piece = std::mem::replace(&mut rest, tail);
            let permit = loaded
                .permits
                .clone()
                .acquire_owned()
                .await
                .map_err(|_| EngineError::Inference("engine closed".into()))?;
            let embedder = loaded.embedder.clone();
            calls.push(tokio::task::spawn_blocking(move || {
                let refs: Vec<&str> = piece.iter().map(String::as_str).collect();
                let out = embedder.embed(&refs);
                drop(permit);
                out
            }));
        }
        let mut out = Vec::new();
        for call in calls {
            out.extend(
                call.await
                    .map_err(|e| EngineError::Inference(format!("inference task: {e}")))??,
            );
        }
        Ok(out)
    }

    /// One text's embedding.
    pub async fn embed_one(&self, text: &str) -> Result<Vec<f32>, EngineError> {
        self.embed(vec![text.to_owned()])
            .await?
            .pop()
            .ok_or_else(|| EngineError::Inference("no embedding returned".into()))
    }
}
