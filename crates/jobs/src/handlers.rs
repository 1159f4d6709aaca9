//! Job handlers by job type. Handlers must be idempotent: delivery is at least once, so a job
//! whose worker died may run again.

use std::collections::HashMap;
use std::sync::Arc;

use futures::future::BoxFuture;
use wisdomos_app::knowledge;
use wisdomos_db::jobs::Job;
use wisdomos_db::{life_areas, snapshots, tenants, Database, TenantTx};
use wisdomos_engine::Engine;

/// What a handler returns: a JSON result, or an error message kept on the job.
pub type HandlerResult = Result<serde_json::Value, String>;

type Handler = Arc<dyn Fn(Database, Job) -> BoxFuture<'static, HandlerResult> + Send + Sync>;

/// Handlers by job type.
#[derive(Clone, Default)]
pub struct Registry {
    handlers: HashMap<String, Handler>,
}

impl Registry {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers `f` for `job_type`, replacing any earlier one.
    pub fn register<F, Fut>(&mut self, job_type: &str, f: F) -> &mut Self
    where
        F: Fn(Database, Job) -> Fut + Send + Sync + 'static,
        Fut: std::future::Future<Output = HandlerResult> + Send + 'static,
    {
        self.handlers.insert(
            job_type.to_owned(),
            Arc::new(move |db, job| Box::pin(f(db, job))),
        );
        self
    }

    /// Runs the handler of `job.job_type`; an unknown type is an error kept on the job.
    pub async fn run(&self, db: Database, job: Job) -> HandlerResult {
        match self.handlers.get(&job.job_type) {
            Some(h) => h(db, job).await,
            None => Err(format!("no handler for job type `{}`", job.job_type)),
        }
    }

    /// The registry with WisdomOS's handlers and no model: `noop`, `scores.refresh`,
    /// `snapshots.record`, `insights.detect`, `knowledge.ingest` (documents are indexed by
    /// words only).
    pub fn standard() -> Self {
        Self::standard_with(Engine::none())
    }

    /// [`Registry::standard`] whose ingestion embeds chunks, and whose pattern detection
    /// compares events, with `engine`.
    pub fn standard_with(engine: Engine) -> Self {
        let mut r = Self::new();
        let ingest = engine.clone();
        r.register(wisdomos_app::knowledge::INGEST_JOB, move |db, job| {
            knowledge_ingest(db, job, ingest.clone())
        });
        let embed = engine.clone();
        r.register(wisdomos_app::knowledge::EMBED_JOB, move |db, job| {
            knowledge_embed(db, job, embed.clone())
        });
        r.register("noop", noop);
        r.register("scores.refresh", scores_refresh);
        r.register("snapshots.record", snapshots_record);
        r.register(wisdomos_app::segments::SEGMENTS_JOB, segments_recompute);
        r.register(
            wisdomos_app::recommendations::RECOMMENDATIONS_JOB,
            recommendations_generate,
        );
        r.register("insights.detect", move |db, job| {
            insights_detect(db, job, engine.clone())
        });
        r
    }
}

/// Does nothing, after `payload.sleepMs` milliseconds (for benchmarks and tests).
async fn noop(_db: Database, job: Job) -> HandlerResult {
    if let Some(ms) = job.payload.get("sleepMs").and_then(|v| v.as_u64()) {
        tokio::time::sleep(std::time::Duration::from_millis(ms.min(600_000))).await;
    }
    Ok(serde_json::json!({}))
}

async fn active_tenant(db: &Database, job: &Job) -> Result<tenants::Tenant, String> {
    let t = tenants::get(db.owner(), job.tenant_id)
        .await
        .map_err(|e| e.to_string())?;
    if t.status != wisdomos_core::tenant::TenantStatus::Active.as_str() {
        return Err(format!("tenant is {}", t.status));
    }
    Ok(t)
}

async fn tenant_tx(db: &Database, job: &Job) -> Result<(tenants::Tenant, TenantTx), String> {
    let t = active_tenant(db, job).await?;
    let tx = TenantTx::begin(db, &tenants::operator_scope(&t))
        .await
        .map_err(|e| e.to_string())?;
    Ok((t, tx))
}

/// Recomputes every area of the job's tenant (so decay shows without new events). Idempotent.
async fn scores_refresh(db: Database, job: Job) -> HandlerResult {
    let (_, mut tx) = tenant_tx(&db, &job).await?;
    let changed = life_areas::recompute_all(&mut tx, chrono::Utc::now())
        .await
        .map_err(|e| e.to_string())?;
    tx.commit().await.map_err(|e| e.to_string())?;
    Ok(serde_json::json!({ "changed": changed }))
}

/// Records today's snapshot (or `payload.date`, `YYYY-MM-DD`) in the tenant's time zone, with
/// scores as of `payload.at` (the occurrence's instant, so a caught-up snapshot shows that
/// day's scores) or now. Idempotent: a repeat for the same date updates the same rows.
async fn snapshots_record(db: Database, job: Job) -> HandlerResult {
    let (t, mut tx) = tenant_tx(&db, &job).await?;
    let now = chrono::Utc::now();
    let tz: chrono_tz::Tz = t
        .timezone
        .parse()
        .map_err(|_| format!("time zone {} unreadable", t.timezone))?;
    let date = match job.payload.get("date").and_then(|d| d.as_str()) {
        Some(d) => chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .map_err(|e| format!("payload.date: {e}"))?,
        None => now.with_timezone(&tz).date_naive(),
    };
    let at = match job.payload.get("at").and_then(|a| a.as_str()) {
        Some(a) => a
            .parse::<chrono::DateTime<chrono::Utc>>()
            .map_err(|e| format!("payload.at: {e}"))?
            .min(now),
        None => now,
    };
    let rows = snapshots::record(&mut tx, date, at)
        .await
        .map_err(|e| e.to_string())?;
    tx.commit().await.map_err(|e| e.to_string())?;
    Ok(serde_json::json!({ "date": date.to_string(), "areas": rows.len() }))
}

/// Pattern detection for the job's tenant (`wisdomos_app::patterns::detect`). Idempotent.
async fn insights_detect(db: Database, job: Job, engine: Engine) -> HandlerResult {
    let t = active_tenant(&db, &job).await?;
    let tz: chrono_tz::Tz = t.timezone.parse().unwrap_or(chrono_tz::UTC);
    let scope = tenants::operator_scope(&t);
    let run = wisdomos_app::patterns::detect(&db, &scope, &engine, tz, chrono::Utc::now())
        .await
        .map_err(|e| e.to_string())?;
    Ok(serde_json::json!({
        "events": run.events, "patterns": run.patterns, "created": run.created,
        "updated": run.updated, "method": run.method
    }))
}

/// Recomputes the job's tenant's segments (operator console). Idempotent.
async fn segments_recompute(db: Database, job: Job) -> HandlerResult {
    let (_, mut tx) = tenant_tx(&db, &job).await?;
    let segments = wisdomos_app::segments::recompute(&mut tx, chrono::Utc::now())
        .await
        .map_err(|e| e.to_string())?;
    tx.commit().await.map_err(|e| e.to_string())?;
    Ok(serde_json::json!({ "segments": segments.len() }))
}

/// Regenerates the job's tenant's recommendations (operator console). Idempotent.
async fn recommendations_generate(db: Database, job: Job) -> HandlerResult {
    let (_, mut tx) = tenant_tx(&db, &job).await?;
    let g = wisdomos_app::recommendations::generate(&mut tx, chrono::Utc::now())
        .await
        .map_err(|e| e.to_string())?;
    tx.commit().await.map_err(|e| e.to_string())?;
    Ok(serde_json::json!({ "created": g.created, "kept": g.kept, "expired": g.expired }))
}

/// Embeds the passages of the job's tenant that have none (`wisdomos_app::knowledge::embed_missing`).
/// Idempotent; without a model it does nothing.
async fn knowledge_embed(db: Database, job: Job, engine: Engine) -> HandlerResult {
    let t = active_tenant(&db, &job).await?;
    let scope = tenants::operator_scope(&t);
    let embedded = wisdomos_app::knowledge::embed_missing(&db, &scope, &engine)
        .await
        .map_err(|e| e.to_string())?;
    Ok(serde_json::json!({ "embedded": embedded }))
}

/// Reads document `payload.documentId` in: extracts, chunks and embeds it outside any
/// transaction, then stores it (or marks it failed with why) if it still waits. Idempotent: a
/// document no longer `processing` is left alone.
async fn knowledge_ingest(db: Database, job: Job, engine: Engine) -> HandlerResult {
    let id = job
        .payload
        .get("documentId")
        .and_then(|v| v.as_str())
        .and_then(|s| s.parse::<uuid::Uuid>().ok())
        .ok_or("payload.documentId is not a UUID")?;
    let (_, mut tx) = tenant_tx(&db, &job).await?;
    let pending = knowledge::pending(&mut tx, id)
        .await
        .map_err(|e| e.to_string())?;
    tx.commit().await.map_err(|e| e.to_string())?;
    let Some(pending) = pending else {
        return Ok(serde_json::json!({ "skipped": true }));
    };
    let prepared = knowledge::prepare(&engine, pending)
        .await
        .map_err(|e| e.to_string())?;
    let outcome = match &prepared {
        Ok(p) => {
            serde_json::json!({ "chunks": p.chunks.len(), "embedded": p.embeddings.is_some() })
        }
        Err(e) => serde_json::json!({ "failed": e }),
    };
    let (_, mut tx) = tenant_tx(&db, &job).await?;
    knowledge::store(&mut tx, id, prepared, chrono::Utc::now())
        .await
        .map_err(|e| e.to_string())?;
    tx.commit().await.map_err(|e| e.to_string())?;
    Ok(outcome)
}
