//! Application state shared by every handler through axum's `State`.

use std::sync::Arc;

use wisdomos_db::Database;

use crate::auth::password::PasswordHasher;
use crate::auth::token::TokenKeys;
use crate::{Clock, ServerConfig};

/// Everything a handler may need; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub db: Database,
    pub config: Arc<ServerConfig>,
    pub clock: Arc<dyn Clock>,
    pub hasher: PasswordHasher,
    pub tokens: Arc<TokenKeys>,
    /// Runs a tenant's due jobs for `POST /jobs/process`.
    pub worker: wisdomos_jobs::Worker,
    /// Prometheus metrics served at `/metrics`.
    pub telemetry: Arc<crate::telemetry::Telemetry>,
    /// Imports running per tenant ([`ServerConfig::imports_per_tenant`]).
    pub import_slots: Arc<crate::slots::TenantSlots>,
}

impl AppState {
    /// Builds the state; computes the dummy password hash used to make unknown-user logins
    /// cost as much as real ones.
    pub async fn new(
        db: Database,
        config: ServerConfig,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, crate::ApiError> {
        let hasher = PasswordHasher::new(config.hash_concurrency).await?;
        let tokens = Arc::new(TokenKeys::new(&config));
        let worker = wisdomos_jobs::Worker::new(
            db.clone(),
            wisdomos_jobs::Registry::standard_with(config.knowledge.engine.clone()),
            wisdomos_jobs::WorkerConfig::default(),
        );
        Ok(Self {
            db,
            import_slots: crate::slots::TenantSlots::new(config.imports_per_tenant),
            config: Arc::new(config),
            clock,
            hasher,
            tokens,
            worker,
            telemetry: Arc::new(crate::telemetry::Telemetry::new()),
        })
    }
}
