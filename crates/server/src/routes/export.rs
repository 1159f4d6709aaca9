//! `GET /export`: the workspace's data to take away (docs/export.md).

use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::extract::Read;
use crate::json::ApiQuery;
use crate::scoped::Scoped;
use crate::{ApiError, AppState};

/// What to export.
#[derive(Debug, Clone, Copy, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    /// Everything, as one JSON document.
    #[default]
    Json,
    /// The events only, as CSV in the importer's format.
    Csv,
}

/// Query of `GET /export`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// `json` (default): every entity of the workspace; `csv`: the events, readable by
    /// `POST /import/events`.
    pub format: Option<ExportFormat>,
}

/// Download the workspace: `{format: "wisdomos-export", version: 1, exportedAt, workspace, <table>:
/// [rows]}` with a key per kind of entity (`lifeAreas`, `events`, `insights`, `commitments`,
/// `boundaries`, `boundaryViolations`, `autobiographyEras`, `autobiographyEntries`,
/// `metricSnapshots`, `assessments`, `assessmentRatings`, `dashboardWidgets`,
/// `metricDefinitions`), or with `format=csv` the events as CSV.
#[utoipa::path(get, path = "/export", tag = "tenants", security(("bearer" = [])), params(ExportQuery),
    responses((status = 200, description = "the export, as an attachment: application/json, or text/csv with format=csv", content_type = "application/json"), (status = 401, description = "unauthorized")))]
pub async fn export(
    State(st): State<AppState>,
    scoped: Scoped<Read>,
    ApiQuery(q): ApiQuery<ExportQuery>,
) -> Result<Response, ApiError> {
    let (ctx, mut tx) = scoped.open(&st).await?;
    let csv = matches!(q.format, Some(ExportFormat::Csv));
    let d = wisdomos_app::export::download(&mut tx, &ctx.tenant, csv, st.clock.now()).await?;
    tx.commit().await?;
    Ok(crate::download::attachment(d))
}
