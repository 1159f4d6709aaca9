//! all-MiniLM-L6-v2 on ONNX Runtime: WordPiece tokens (at most 256, the model's
//! `max_seq_length`), the transformer's last hidden state mean-pooled over the real tokens and
//! L2-normalised, as sentence-transformers does (Reimers & Gurevych, "Sentence-BERT", 2019).

use std::path::Path;
use std::sync::{Mutex, OnceLock};

use ort::ep;
use ort::session::builder::GraphOptimizationLevel;
use ort::session::Session;
use ort::value::Tensor;
use tokenizers::{Tokenizer, TruncationParams};

use crate::{Embedder, EngineError, DIMS};

/// Tokens per text the model reads; longer texts are cut.
pub const MAX_TOKENS: usize = 256;
/// Tokens one inference call holds at most (texts × longest), which bounds its memory: the
/// largest activation is 6 layers of 12 heads × tokens² per text, so a batch is cut by tokens,
/// not by texts.
pub const BATCH_TOKENS: usize = 4096;

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
    /// (1–16). Errors: [`EngineError::Load`] for a missing or unreadable file or library.
    pub fn load(dir: &Path, sessions: usize) -> Result<Self, EngineError> {
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
        let sessions = (0..sessions.clamp(1, 16))
            .map(|_| {
                session(env, &dir.join("model.onnx"))
                    .map(Mutex::new)
                    .map_err(|e| load("model.onnx", &e))
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

    /// Embeds texts already tokenized, all in one inference call.
    fn run(&self, batch: &[&Vec<u32>]) -> Result<Vec<Vec<f32>>, EngineError> {
        let rows = batch.len();
        let width = batch.iter().map(|t| t.len()).max().unwrap_or(0).max(1);
        let mut ids = vec![0i64; rows * width];
        let mut mask = vec![0i64; rows * width];
        for (r, toks) in batch.iter().enumerate() {
            for (c, t) in toks.iter().enumerate() {
                ids[r * width + c] = i64::from(*t);
                mask[r * width + c] = 1;
            }
        }
        let shape = [rows as i64, width as i64];
        let fail = |e: ort::Error| EngineError::Inference(e.to_string());
        let inputs = ort::inputs![
            "input_ids" => Tensor::from_array((shape, ids)).map_err(fail)?,
            "attention_mask" => Tensor::from_array((shape, mask.clone())).map_err(fail)?,
            "token_type_ids" => Tensor::from_array((shape, vec![0i64; rows * width])).map_err(fail)?,
        ];
        let mut session = self.free_session()?;
        let outputs = session.run(inputs).map_err(fail)?;
        let (out_shape, hidden) = outputs["last_hidden_state"]
            .try_extract_tensor::<f32>()
            .map_err(fail)?;
        if out_shape.len() != 3 || out_shape[2] as usize != DIMS {
            return Err(EngineError::Inference(format!(
                "the model answered shape {out_shape:?}, expected [{rows}, {width}, {DIMS}]"
            )));
        }
        Ok((0..rows)
            .map(|r| {
                mean_pool(
                    &hidden[r * width * DIMS..(r + 1) * width * DIMS],
                    &mask[r * width..(r + 1) * width],
                )
            })
            .collect())
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

/// One session on one thread, its memory given back after each run: without turning off the
/// memory pattern and the CPU arena, the arena keeps the largest batch's memory for good.
fn session(env: &ort::environment::Environment, model: &Path) -> ort::Result<Session> {
    Session::builder(env)?
        .with_optimization_level(GraphOptimizationLevel::Level3)?
        .with_intra_threads(1)?
        .with_inter_threads(1)?
        .with_memory_pattern(false)?
        .with_execution_providers([ep::CPU::default().with_arena_allocator(false).build()])?
        .commit_from_file(model)
}

/// The mean of the rows of `hidden` (`tokens × DIMS`) whose `mask` is 1, L2-normalised (the
/// sum, normalised, is the same vector).
fn mean_pool(hidden: &[f32], mask: &[i64]) -> Vec<f32> {
    let mut v = vec![0f32; DIMS];
    for (row, m) in hidden.chunks_exact(DIMS).zip(mask) {
        if *m == 1 {
            v.iter_mut().zip(row).for_each(|(a, b)| *a += b);
        }
    }
    crate::vector::normalise(&mut v);
    v
}

impl Embedder for MiniLm {
    fn model(&self) -> &str {
        crate::model::MODEL_NAME
    }

    fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EngineError> {
        let tokens = texts
            .iter()
            .map(|t| self.tokens(t))
            .collect::<Result<Vec<_>, _>>()?;
        // Texts of like length go together, so little of a batch is padding.
        let mut order: Vec<usize> = (0..texts.len()).collect();
        order.sort_by_key(|&i| tokens[i].len());
        let mut out = vec![Vec::new(); texts.len()];
        let mut start = 0;
        while start < order.len() {
            let mut end = start + 1;
            while end < order.len() && (end - start + 1) * tokens[order[end]].len() <= BATCH_TOKENS
            {
                end += 1;
            }
            let batch: Vec<&Vec<u32>> = order[start..end].iter().map(|&i| &tokens[i]).collect();
            for (&i, v) in order[start..end].iter().zip(self.run(&batch)?) {
                out[i] = v;
            }
            start = end;
        }
        Ok(out)
    }
}
