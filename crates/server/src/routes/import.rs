//! `POST /import/events` and `POST /life-areas/suggest`.

use axum::body::Bytes;
use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use wisdomos_core::classify::DEFAULT_THRESHOLD;
use wisdomos_core::import::Format;

use crate::extract::{Read, TenantCtx, Write};
use crate::json::{ApiJson, ApiQuery};
use crate::scoped::Scoped;
use crate::{ApiError, AppState};
use wisdomos_app::import::{ImportOptions, ImportReport};

pub use crate::importing::IMPORT_BODY_LIMIT;

/// Options of `POST /import/events`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// `csv`, `json`, `daylio`, `dayone` or `isear`; detected from the content when absent.
    pub format: Option<Format>,
    /// Validate and report without writing.
    pub dry_run: Option<bool>,
    /// Refuse the whole file (422 `import_rows_rejected`) when any row is rejected.
    pub strict: Option<bool>,
    /// Id or slug of the area for rows the classifier is unsure about (default `personal-growth`).
    pub default_area: Option<String>,
    /// Confidence under which the classifier's suggestion is not used, 0–1 (default 0.35).
    pub threshold: Option<f64>,
}

/// Imports a journal file (the request body, up to 32 MiB) into the token's tenant: our CSV or
/// JSON, a Daylio CSV export, a Day One JSON export or an ISEAR CSV (docs/import.md). Every
/// accepted row is written in one transaction, or none; rejected rows are reported with the
/// reason; scores are recomputed once at the end.
#[utoipa::path(post, path = "/import/events", tag = "events", security(("bearer" = [])), params(ImportQuery),
    request_body(content = String, description = "The file", content_type = "text/csv"),
    responses((status = 200, body = ImportReport), (status = 422, description = "invalid_file or import_rows_rejected")))]
pub async fn import_events(
    State(st): State<AppState>,
    ctx: TenantCtx<Write>,
    ApiQuery(q): ApiQuery<ImportQuery>,
    body: Bytes,
) -> Result<Json<ImportReport>, ApiError> {
    let opts = ImportOptions {
        format: q.format,
        dry_run: q.dry_run.unwrap_or(false),
        strict: q.strict.unwrap_or(false),
        default_area: q.default_area,
        threshold: q.threshold.unwrap_or(DEFAULT_THRESHOLD),
        audit: None,
    };
    let report = crate::importing::run(&st, &ctx, &body, opts).await?;
    Ok(Json(report))
}

/// Body of `POST /life-areas/suggest`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SuggestRequest {
    /// What happened, 1–10,000 characters.
    pub text: String,
}

/// One suggested area.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AreaSuggestion {
    pub life_area_id: Uuid,
    pub slug: String,
    pub name: String,
    /// 0–1 (docs/import.md explains the model).
    pub confidence: f64,
}

/// `POST /life-areas/suggest` answer: up to 3 areas, best first.
#[derive(Debug, Serialize, ToSchema)]
pub struct SuggestResponse {
    pub suggestions: Vec<AreaSuggestion>,
}

/// Suggests life areas for a text with the importer's classifier, so the event form can
/// propose one as the user types.
#[utoipa::path(post, path = "/life-areas/suggest", tag = "life-areas", security(("bearer" = [])), request_body = SuggestRequest,
    responses((status = 200, body = SuggestResponse)))]
pub async fn suggest(
    State(st): State<AppState>,
    scoped: Scoped<Read>,
    ApiJson(req): ApiJson<SuggestRequest>,
) -> Result<Json<SuggestResponse>, ApiError> {
    let (_ctx, mut tx) = scoped.open(&st).await?;
    let found =
        wisdomos_app::classify::suggest_areas(&mut tx, &st.config.knowledge, &req.text, 3).await?;
    tx.commit().await?;
    let suggestions = found
        .into_iter()
        .map(|(a, confidence)| AreaSuggestion {
            life_area_id: a.id,
            slug: a.slug,
            name: a.name,
            confidence,
        })
        .collect();
    Ok(Json(SuggestResponse { suggestions }))
}
