//! `wisdomos serve`.

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use clap::Args;
use wisdomos_db::{migrate, Database};
use wisdomos_server::{AppState, ServerConfig, SystemClock};

use crate::config::{env_or, Secrets};
use crate::database::{watch_embedded, SharedEmbedded};

/// Options of `serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "WISDOMOS_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Serve the API only; run workers elsewhere with `wisdomos jobs work`.
    #[arg(long)]
    pub no_jobs: bool,
}

/// Serves until Ctrl-C or SIGTERM, then drains requests in flight.
pub async fn run(
    args: ServeArgs,
    data_dir: &std::path::Path,
    db: &Database,
    embedded: Option<SharedEmbedded>,
    secrets: &Secrets,
) -> anyhow::Result<()> {
    // Platform migrations ran when the database was opened. Tenants still behind are migrated
    // in the background so start-up does not wait on thousands of schemas; a request to a
    // tenant that is still behind migrates that tenant first.
    let owner = db.owner().clone();
    tokio::spawn(async move {
        match migrate::migrate_all_tenants(&owner, migrate::TENANT, 4, &|_, _| {}).await {
            Ok(r) if r.behind > 0 => tracing::info!(
                migrated = r.migrated,
                failed = r.failed.len(),
                "tenant schemas migrated"
            ),
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "background tenant migration failed"),
        }
    });
    // Keep a few ready-made tenant schemas so registration does no DDL.
    let spares = env_or("WISDOMOS_SPARE_SCHEMAS", 4i64)?;
    let keeper_db = db.clone();
    tokio::spawn(async move { keep_spares(keeper_db, spares).await });
    let mut config = ServerConfig::new(secrets.jwt_secret.as_bytes().to_vec());
    config.auth_rate_burst = env_or("WISDOMOS_AUTH_RATE_BURST", config.auth_rate_burst)?;
    config.auth_rate_period_ms =
        env_or("WISDOMOS_AUTH_RATE_PERIOD_MS", config.auth_rate_period_ms)?;
    if let Ok(list) = std::env::var("WISDOMOS_TRUSTED_PROXIES") {
        config.trusted_proxies = list
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse()
                    .with_context(|| format!("WISDOMOS_TRUSTED_PROXIES: {s} is not an IP address"))
            })
            .collect::<anyhow::Result<_>>()?;
    }
    config.metrics_token = std::env::var("WISDOMOS_METRICS_TOKEN")
        .ok()
        .filter(|t| !t.is_empty());
    let engine = super::models::load_engine(data_dir).await?;
    let cache_mb: usize = env_or("WISDOMOS_KNOWLEDGE_CACHE_MB", 512)?;
    config.knowledge =
        wisdomos_app::knowledge::KnowledgeEngine::new(engine, cache_mb * 1024 * 1024);
    config.assistant = assistant_provider()?;
    let config_engine = config.knowledge.engine.clone();
    let state = AppState::new(db.clone(), config, Arc::new(SystemClock))
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    let addr = listener.local_addr()?;
    tracing::info!(%addr, "listening");
    println!("wisdomos listening on http://{addr}");
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let watchdog = embedded.map(|pg| tokio::spawn(watch_embedded(pg, stop_rx.clone())));
    // The worker and the scheduler together: without the scheduler nothing enqueues the nightly
    // snapshots, the pattern detection or the score refresh (`jobs work` runs the same pair).
    let jobs = (!args.no_jobs).then(|| {
        let worker = wisdomos_jobs::Worker::new(
            db.clone(),
            wisdomos_jobs::Registry::standard_with(config_engine.clone()),
            wisdomos_jobs::WorkerConfig::default(),
        );
        let scheduler = wisdomos_jobs::Scheduler::new(db.clone());
        let (mut stop_w, mut stop_s) = (stop_rx.clone(), stop_rx.clone());
        tokio::spawn(async move {
            let working = worker.run(async move {
                let _ = stop_w.wait_for(|s| *s).await;
            });
            let scheduling = scheduler.run(async move {
                let _ = stop_s.wait_for(|s| *s).await;
            });
            tokio::join!(working, scheduling);
        })
    });
    let mut stop = stop_rx;
    let server = wisdomos_server::serve(listener, wisdomos_server::app(state), async move {
        let _ = stop.wait_for(|s| *s).await;
    });
    tokio::spawn(async move {
        shutdown_signal().await;
        let _ = stop_tx.send(true);
    });
    server.await?;
    if let Some(j) = jobs {
        let _ = j.await;
    }
    if let Some(w) = watchdog {
        let _ = w.await;
    }
    tracing::info!("shut down");
    Ok(())
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down");
}

/// Drops spare schemas of older versions, then keeps `target` spares ready.
async fn keep_spares(db: Database, target: i64) {
    use wisdomos_db::provision;
    if let Err(e) = provision::drop_stale_spares(&db).await {
        tracing::error!(error = %e, "dropping stale spare schemas failed");
    }
    loop {
        match provision::spare_count(&db).await {
            Ok(n) if n < target => {
                if let Err(e) = provision::create_spare(&db, chrono::Utc::now()).await {
                    tracing::error!(error = %e, "creating a spare schema failed");
                    tokio::time::sleep(std::time::Duration::from_secs(10)).await;
                }
                continue;
            }
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "counting spare schemas failed"),
        }
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    }
}

/// The assistant's provider: OpenAI-compatible chat completions when `WISDOMOS_LLM_URL` is set
/// (with `WISDOMOS_LLM_MODEL`, optional `WISDOMOS_LLM_API_KEY`, `WISDOMOS_LLM_TIMEOUT_SECS`
/// default 60, `WISDOMOS_LLM_RETRIES` default 2), else the offline extractive one.
fn assistant_provider() -> anyhow::Result<wisdomos_app::generation::Provider> {
    use wisdomos_app::generation::Provider;
    let Some(url) = std::env::var("WISDOMOS_LLM_URL")
        .ok()
        .filter(|u| !u.is_empty())
    else {
        return Ok(Provider::Extractive);
    };
    let model = std::env::var("WISDOMOS_LLM_MODEL")
        .ok()
        .filter(|m| !m.is_empty())
        .context("WISDOMOS_LLM_URL is set: set WISDOMOS_LLM_MODEL too")?;
    let cfg = wisdomos_engine::llm::LlmConfig {
        url,
        api_key: std::env::var("WISDOMOS_LLM_API_KEY")
            .ok()
            .filter(|k| !k.is_empty()),
        model,
        timeout: std::time::Duration::from_secs(env_or("WISDOMOS_LLM_TIMEOUT_SECS", 60u64)?),
        retries: env_or("WISDOMOS_LLM_RETRIES", 2u32)?,
    };
    tracing::info!(url = %cfg.url, model = %cfg.model, "assistant answers with an OpenAI-compatible model");
    Ok(Provider::OpenAi(
        wisdomos_engine::llm::LlmClient::new(cfg).map_err(|e| anyhow::anyhow!("{e}"))?,
    ))
}
