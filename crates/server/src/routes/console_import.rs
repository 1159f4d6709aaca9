//! Seed 003's CSV imports under `/orgs/{orgId}/` (ADMIN and above): participants, and
//! relationships as an edge list. The body is the file; all rows are written or none, with
//! every rejected row reported (docs/console.md gives the columns).

use axum::body::Bytes;
use axum::extract::State;
use axum::Json;
use wisdomos_app::console_import::{self as app, ConsoleImportReport};

use crate::extract::ManageConsole;
use crate::scoped::Scoped;
use crate::{ApiError, AppState};

/// Imports participants from CSV (columns `displayName`, `email`, `role`, `origin`,
/// `lifecycleStage`, `lastActivityAt`).
#[utoipa::path(post, path = "/orgs/{orgId}/participants/import", tag = "console", security(("bearer" = [])),
    params(("orgId" = uuid::Uuid, Path)),
    request_body(content = String, description = "The CSV file", content_type = "text/csv"),
    responses((status = 200, body = ConsoleImportReport), (status = 422, description = "invalid_file or import_rows_rejected (details: the report)")))]
pub async fn participants(
    State(st): State<AppState>,
    scoped: Scoped<ManageConsole>,
    body: Bytes,
) -> Result<Json<ConsoleImportReport>, ApiError> {
    let (ctx, mut tx) = scoped.open(&st).await?;
    let ev = ctx.audit_event("participants.imported", serde_json::Value::Null);
    let report = app::participants(&mut tx, &body, ev, st.clock.now()).await?;
    tx.commit().await?;
    Ok(Json(report))
}

/// Imports relationships from an edge list (columns `from`/`source` and `to`/`target` as a
/// participant's id or e-mail, `type`, `confidenceScore`/`weight`).
#[utoipa::path(post, path = "/orgs/{orgId}/relationships/import", tag = "console", security(("bearer" = [])),
    params(("orgId" = uuid::Uuid, Path)),
    request_body(content = String, description = "The CSV edge list", content_type = "text/csv"),
    responses((status = 200, body = ConsoleImportReport), (status = 422, description = "invalid_file or import_rows_rejected (details: the report)")))]
pub async fn relationships(
    State(st): State<AppState>,
    scoped: Scoped<ManageConsole>,
    body: Bytes,
) -> Result<Json<ConsoleImportReport>, ApiError> {
    let (ctx, mut tx) = scoped.open(&st).await?;
    let ev = ctx.audit_event("relationships.imported", serde_json::Value::Null);
    let report = app::relationships(&mut tx, &body, ev, st.clock.now()).await?;
    tx.commit().await?;
    Ok(Json(report))
}
