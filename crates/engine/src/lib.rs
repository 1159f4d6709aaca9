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
    permits: Semaphore,
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
                permits: Semaphore::new(concurrency.max(1)),
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

    /// Embeds `texts` on the blocking pool once a permit is free; a list of several texts is
    /// spread over the sessions free at that moment (each text is embedded alone, so the parts
    /// are independent and the order is kept). Errors: [`EngineError::NoModel`], or the
    /// embedder's.
    pub async fn embed(&self, texts: Vec<String>) -> Result<Vec<Vec<f32>>, EngineError> {
        let loaded = self.inner.clone().ok_or(EngineError::NoModel)?;
        let closed = |_| EngineError::Inference("engine closed".into());
        let mut permits = vec![loaded.permits.acquire().await.map_err(closed)?];
        while permits.len() < texts.len() {
            match loaded.permits.try_acquire() {
                Ok(p) => permits.push(p),
                Err(_) => break,
            }
        }
        let per = texts.len().div_ceil(permits.len()).max(1);
        let mut parts = Vec::with_capacity(permits.len());
        let mut rest = texts;
        while !rest.is_empty() {
            let tail = rest.split_off(per.min(rest.len()));
            let part = std::mem::replace(&mut rest, tail);
            let embedder = loaded.embedder.clone();
            parts.push(tokio::task::spawn_blocking(move || {
                let refs: Vec<&str> = part.iter().map(String::as_str).collect();
                embedder.embed(&refs)
            }));
        }
        // Every part finishes before the permits go, even when one fails: a session is never
        // handed to another caller while still running.
        let mut done = Vec::with_capacity(parts.len());
        for part in parts {
            done.push(part.await);
        }
        drop(permits);
        let mut out = Vec::new();
        for part in done {
            out.extend(part.map_err(|e| EngineError::Inference(format!("inference task: {e}")))??);
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
