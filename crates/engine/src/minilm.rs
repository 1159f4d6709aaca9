//! all-MiniLM-L6-v2 on ONNX Runtime: WordPiece tokens (at most 256, the model's
//! `max_seq_length`), the transformer's last hidden state mean-pooled over the real tokens and
//! L2-normalised, as sentence-transformers does (Reimers & Gurevych, "Sentence-BERT", 2019).
//! The graph is built from the published weights with int8 linear layers ([`crate::graph`]).

use std::path::Path;
use std::sync::{Mutex, OnceLock};

use ort::ep;
use ort::session::builder::GraphOptimizationLevel;
use ort::session::Session;
use ort::value::Tensor;
use tokenizers::{Tokenizer, TruncationParams};

use crate::graph::Precision;
use crate::{Embedder, EngineError, DIMS};

/// Tokens per text the model reads; longer texts are cut.
pub const MAX_TOKENS: usize = 256;

/// The ONNX Runtime environment is process-wide and may be made once.
static ENVIRONMENT: OnceLock<Result<ort::environment::Environment, String>> = OnceLock::new();

/// The MiniLM embedder: a tokenizer and a pool of sessions, one inference per session at a
/// time, each on one thread (so `sessions` inferences run side by side on as many cores).
pub struct MiniLm {
    tokenizer: Tokenizer,
    sessions: Vec<Mutex<Session>>,
}

impl MiniLm {
    /// Loads the model from `dir` (see [`crate::model::PARTS`]) with `sessions` sessions
    /// (1–16), its linear layers in int8. Errors: [`EngineError::Load`] for a missing or
    /// unreadable file or library.
    pub fn load(dir: &Path, sessions: usize) -> Result<Self, EngineError> {
        Self::load_with(dir, sessions, Precision::DynamicInt8)
    }

    /// [`MiniLm::load`] at a chosen precision ([`Precision::Float`] is the reference the int8
    /// graph is measured against).
    pub fn load_with(
        dir: &Path,
        sessions: usize,
        precision: Precision,
    ) -> Result<Self, EngineError> {
        let load = |what: &str, e: &dyn std::fmt::Display| {
            EngineError::Load(format!("{what} in {}: {e}", dir.display()))
        };
        let env = ENVIRONMENT
            .get_or_init(|| {
                ort::init_from(dir.join(crate::model::PARTS[2].file))
                    .map_err(|e| e.to_string())?
                    .with_name("wisdomos")
                    .build()
                    .map_err(|e| e.to_string())
            })
            .as_ref()
            .map_err(|e| load("ONNX Runtime", e))?;
        let mut tokenizer = Tokenizer::from_file(dir.join("tokenizer.json"))
            .map_err(|e| load("tokenizer.json", &e))?;
        tokenizer.with_padding(None);
        tokenizer
            .with_truncation(Some(TruncationParams {
                max_length: MAX_TOKENS,
                ..Default::default()
            }))
            .map_err(|e| load("tokenizer.json", &e))?;
        let weights = crate::model::PARTS[0].file;
        let graph = std::fs::read(dir.join(weights))
            .map_err(|e| load(weights, &e))
            .and_then(|w| crate::graph::build(&w, precision))?;
        // The sessions keep their own copy of the graph; these bytes go when loading ends.
        let sessions = (0..sessions.clamp(1, 16))
            .map(|_| {
                session(env, &graph)
                    .map(Mutex::new)
                    .map_err(|e| load("the MiniLM graph", &e))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            tokenizer,
            sessions,
        })
    }

    fn tokens(&self, text: &str) -> Result<Vec<u32>, EngineError> {
        let enc = self
            .tokenizer
            .encode(text, true)
            .map_err(|e| EngineError::Inference(format!("tokenizer: {e}")))?;
        Ok(enc.get_ids().to_vec())
    }

    /// Embeds one tokenized text. Texts go one at a time: the int8 graph quantises each
    /// activation tensor with one scale, so a batch would let one text's values (and padding)
    /// move another's embedding; alone, a text always gets the same vector, and nothing is
    /// spent on padding (one at a time measured faster than batches of 8 on this CPU).
    fn run(&self, tokens: &[u32]) -> Result<Vec<f32>, EngineError> {
        let width = tokens.len();
        // Word-piece ids are below the vocabulary's 30,522.
        let ids: Vec<i32> = tokens.iter().map(|t| *t as i32).collect();
        let shape = [1, width as i64];
        let fail = |e: ort::Error| EngineError::Inference(e.to_string());
        let inputs = ort::inputs![
            "input_ids" => Tensor::from_array((shape, ids)).map_err(fail)?,
        ];
        let mut session = self.free_session()?;
        let outputs = session.run(inputs).map_err(fail)?;
        let (out_shape, hidden) = outputs["last_hidden_state"]
            .try_extract_tensor::<f32>()
            .map_err(fail)?;
        if out_shape.len() != 3 || hidden.len() != width * DIMS {
            return Err(EngineError::Inference(format!(
                "the model answered shape {out_shape:?}, expected [1, {width}, {DIMS}]"
            )));
        }
        Ok(mean_pool(hidden))
    }

    /// A session nobody is using; callers are bounded to as many as there are sessions
    /// ([`crate::Engine`]), so one is free unless a caller went around that bound.
    fn free_session(&self) -> Result<std::sync::MutexGuard<'_, Session>, EngineError> {
        for s in &self.sessions {
            if let Ok(guard) = s.try_lock() {
                return Ok(guard);
            }
        }
        self.sessions[0]
            .lock()
            .map_err(|_| EngineError::Inference("a session panicked".into()))
    }

    /// How many sessions it has (the useful concurrency).
    pub fn sessions(&self) -> usize {
        self.sessions.len()
    }
}

/// One session on one thread. Basic optimisation only: the graph is already fused as it should
/// be ([`crate::graph`]), and the extended level would turn its Add + LayerNormalization into
/// the slower SkipLayerNormalization. The memory arena is kept: one text of at most 256 tokens
/// bounds what it grows to (a few MB).
fn session(env: &ort::environment::Environment, model: &[u8]) -> ort::Result<Session> {
    Session::builder(env)?
        .with_optimization_level(GraphOptimizationLevel::Level1)?
        .with_intra_threads(1)?
        .with_inter_threads(1)?
        .with_execution_providers([ep::CPU::default().with_arena_allocator(true).build()])?
        .commit_from_memory(model)
}

/// The mean of the rows of `hidden` (`tokens × DIMS`), L2-normalised (the sum, normalised, is
/// the same vector).
fn mean_pool(hidden: &[f32]) -> Vec<f32> {
    let mut v = vec![0f32; DIMS];
    for row in hidden.chunks_exact(DIMS) {
        v.iter_mut().zip(row).for_each(|(a, b)| *a += b);
    }
    crate::vector::normalise(&mut v);
    v
}

impl Embedder for MiniLm {
    fn model(&self) -> &str {
        crate::model::MODEL_NAME
    }

    fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EngineError> {
        texts.iter().map(|t| self.run(&self.tokens(t)?)).collect()
    }
}
