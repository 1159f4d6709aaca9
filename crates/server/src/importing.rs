//! One import, as both front ends run it: a per-tenant slot (an import holds a connection for
//! its whole transaction), the audit event, then `wisdomos_app::import::run`.

use chrono_tz::Tz;
use wisdomos_app::import::{self, ImportOptions, ImportReport};

use crate::extract::{TenantCtx, Write};
use crate::{ApiError, AppState};

/// Largest import file, in bytes.
pub const IMPORT_BODY_LIMIT: usize = 32 * 1024 * 1024;

/// Imports `body` into the caller's tenant with `opts` (its `audit` is set here: an
/// `events.imported` event by the caller). Errors: 429 `rate_limited` while the tenant already
/// runs its imports; the use case's validation and `invalid_file` / `import_rows_rejected`.
pub async fn run(
    st: &AppState,
    ctx: &TenantCtx<Write>,
    body: &[u8],
    mut opts: ImportOptions,
) -> Result<ImportReport, ApiError> {
    let tz: Tz = ctx
        .tenant
        .timezone
        .parse()
        .map_err(|_| ApiError::Internal("stored time zone unreadable".into()))?;
    opts.audit = Some(ctx.audit_event("events.imported", serde_json::Value::Null));
    let _slot = st
        .import_slots
        .try_take(ctx.scope.tenant_id())
        .ok_or(ApiError::RateLimited {
            retry_after_secs: 1,
        })?;
    let now = st.clock.now();
    let ws = import::Workspace {
        db: &st.db,
        scope: &ctx.scope,
        tz,
    };
    Ok(import::run(ws, body, &opts, &st.config.knowledge, now, &|_, _| {}).await?)
}
