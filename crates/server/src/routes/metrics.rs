//! `/metrics/definitions`: versioned metric definitions and their evaluation (docs/metrics.md).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use wisdomos_core::metrics;
use wisdomos_core::validation::bounded_text;
use wisdomos_core::{FieldError, ValidationErrors};
use wisdomos_db::metrics::{self as repo, Definition, Evaluation};

use crate::extract::{Read, UpdateTenant};
use crate::json::{ApiJson, ApiQuery};
use crate::scoped::Scoped;
use crate::{ApiError, AppState};

/// One version of a definition.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DefinitionDto {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub description: String,
    pub formula: serde_json::Value,
    pub version: i32,
    pub effective_at: DateTime<Utc>,
    pub deprecated_at: Option<DateTime<Utc>>,
    /// The nil id for definitions seeded by the system.
    pub created_by_id: Uuid,
    pub created_at: DateTime<Utc>,
}

impl From<Definition> for DefinitionDto {
    fn from(d: Definition) -> Self {
        Self {
            id: d.id,
            code: d.code,
            name: d.name,
            description: d.description,
            formula: d.formula,
            version: d.version,
            effective_at: d.effective_at,
            deprecated_at: d.deprecated_at,
            created_by_id: d.created_by_id,
            created_at: d.created_at,
        }
    }
}

/// The latest version of every definition.
#[utoipa::path(get, path = "/metrics/definitions", tag = "metrics", security(("bearer" = [])), responses((status = 200, body = Vec<DefinitionDto>)))]
pub async fn list(
    State(st): State<AppState>,
    scoped: Scoped<Read>,
) -> Result<Json<Vec<DefinitionDto>>, ApiError> {
    let (_ctx, mut tx) = scoped.open(&st).await?;
    let ds = repo::current(&mut tx).await?;
    tx.commit().await?;
    Ok(Json(ds.into_iter().map(Into::into).collect()))
}

/// Body of `POST /metrics/definitions`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateDefinition {
    /// 2–64 characters of a-z, 0-9 and _.
    pub code: String,
    pub name: String,
    pub description: Option<String>,
    /// The formula language of docs/metrics.md.
    pub formula: serde_json::Value,
}

/// Defines a metric (version 1; ADMIN and above). 409 `metric_exists` for a code in use.
#[utoipa::path(post, path = "/metrics/definitions", tag = "metrics", security(("bearer" = [])), request_body = CreateDefinition,
    responses((status = 201, body = DefinitionDto), (status = 422, description = "invalid_formula")))]
pub async fn create(
    State(st): State<AppState>,
    scoped: Scoped<UpdateTenant>,
    ApiJson(req): ApiJson<CreateDefinition>,
) -> Result<(StatusCode, Json<DefinitionDto>), ApiError> {
    let mut errs = ValidationErrors::default();
    let code = errs.check(metrics::code("code", &req.code));
    let name = errs.check(bounded_text("name", &req.name, 1, 120));
    let description = errs.check(wisdomos_core::event::rules::text(
        "description",
        req.description.as_deref().unwrap_or(""),
        2000,
    ));
    errs.check(metrics::parse(&req.formula));
    errs.finish()?;
    let (Some(code), Some(name), Some(description)) = (code, name, description) else {
        return Err(ApiError::Internal(
            "validation passed without values".into(),
        ));
    };
    let (ctx, mut tx) = scoped.open(&st).await?;
    let d = repo::insert(
        &mut tx,
        &code,
        &name,
        &description,
        &req.formula,
        1,
        ctx.user_id,
        st.clock.now(),
    )
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(d.into())))
}

/// Which version: `version`, or the one in effect `at`, or the latest.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct VersionQuery {
    pub version: Option<i32>,
    pub at: Option<DateTime<Utc>>,
}

/// A definition at a version (default the latest).
#[utoipa::path(get, path = "/metrics/definitions/{code}", tag = "metrics", security(("bearer" = [])), params(("code" = String, Path), VersionQuery),
    responses((status = 200, body = DefinitionDto), (status = 404, description = "not_found")))]
pub async fn get(
    State(st): State<AppState>,
    scoped: Scoped<Read>,
    Path(code): Path<String>,
    ApiQuery(q): ApiQuery<VersionQuery>,
) -> Result<Json<DefinitionDto>, ApiError> {
    let (_ctx, mut tx) = scoped.open(&st).await?;
    let d = repo::get(&mut tx, &code, q.version, q.at).await?;
    tx.commit().await?;
    Ok(Json(d.into()))
}

/// Body of `PATCH /metrics/definitions/{code}`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateDefinition {
    pub name: Option<String>,
    pub description: Option<String>,
    pub formula: Option<serde_json::Value>,
}

/// Changes a definition by adding version n+1, effective now (ADMIN and above); earlier
/// versions never change. 409 `metric_deprecated` for a deprecated definition.
#[utoipa::path(patch, path = "/metrics/definitions/{code}", tag = "metrics", security(("bearer" = [])), params(("code" = String, Path)),
    request_body = UpdateDefinition, responses((status = 200, body = DefinitionDto)))]
pub async fn update(
    State(st): State<AppState>,
    scoped: Scoped<UpdateTenant>,
    Path(code): Path<String>,
    ApiJson(req): ApiJson<UpdateDefinition>,
) -> Result<Json<DefinitionDto>, ApiError> {
    let mut errs = ValidationErrors::default();
    let name = errs.optional(req.name.as_deref().map(|n| bounded_text("name", n, 1, 120)));
    let description = errs.optional(
        req.description
            .as_deref()
            .map(|d| wisdomos_core::event::rules::text("description", d, 2000)),
    );
    if let Some(f) = &req.formula {
        errs.check(metrics::parse(f));
    }
    errs.finish()?;
    let (ctx, mut tx) = scoped.open(&st).await?;
    let latest = repo::get(&mut tx, &code, None, None).await?;
    if latest.deprecated_at.is_some() {
        return Err(ApiError::Conflict("metric_deprecated"));
    }
    let d = repo::insert(
        &mut tx,
        &code,
        name.as_deref().unwrap_or(&latest.name),
        description.as_deref().unwrap_or(&latest.description),
        req.formula.as_ref().unwrap_or(&latest.formula),
        latest.version + 1,
        ctx.user_id,
        st.clock.now(),
    )
    .await?;
    tx.commit().await?;
    Ok(Json(d.into()))
}

/// Deprecates a definition (sets `deprecatedAt` on its latest version; ADMIN and above).
#[utoipa::path(delete, path = "/metrics/definitions/{code}", tag = "metrics", security(("bearer" = [])), params(("code" = String, Path)),
    responses((status = 200, body = DefinitionDto)))]
pub async fn deprecate(
    State(st): State<AppState>,
    scoped: Scoped<UpdateTenant>,
    Path(code): Path<String>,
) -> Result<Json<DefinitionDto>, ApiError> {
    let (_ctx, mut tx) = scoped.open(&st).await?;
    let d = repo::deprecate(&mut tx, &code, st.clock.now()).await?;
    tx.commit().await?;
    Ok(Json(d.into()))
}

/// A matching row of a `rows` metric.
#[derive(Debug, Serialize, ToSchema)]
pub struct MetricRow {
    pub id: Uuid,
    /// Slug, title or statement.
    pub label: String,
}

/// The value of a metric.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EvaluationDto {
    pub code: String,
    pub version: i32,
    pub evaluated_at: DateTime<Utc>,
    /// Matching rows (for `count` metrics, the count; for `rows`, how many rows are listed).
    pub count: i64,
    /// For `rows` metrics: up to 100 matching rows.
    pub rows: Option<Vec<MetricRow>>,
}

/// Evaluates a metric now, at its latest version or the `version` / `at` asked for.
#[utoipa::path(get, path = "/metrics/definitions/{code}/evaluate", tag = "metrics", security(("bearer" = [])), params(("code" = String, Path), VersionQuery),
    responses((status = 200, body = EvaluationDto)))]
pub async fn evaluate(
    State(st): State<AppState>,
    scoped: Scoped<Read>,
    Path(code): Path<String>,
    ApiQuery(q): ApiQuery<VersionQuery>,
) -> Result<Json<EvaluationDto>, ApiError> {
    let now = st.clock.now();
    let (_ctx, mut tx) = scoped.open(&st).await?;
    let d = repo::get(&mut tx, &code, q.version, q.at).await?;
    let formula = metrics::parse(&d.formula).map_err(|e: FieldError| {
        ApiError::Internal(format!("stored formula invalid: {}", e.message))
    })?;
    let result = repo::evaluate(&mut tx, &formula, now).await?;
    tx.commit().await?;
    let (count, rows) = match result {
        Evaluation::Count(n) => (n, None),
        Evaluation::Rows(r) => (
            r.len() as i64,
            Some(
                r.into_iter()
                    .map(|(id, label)| MetricRow { id, label })
                    .collect(),
            ),
        ),
    };
    Ok(Json(EvaluationDto {
        code: d.code,
        version: d.version,
        evaluated_at: now,
        count,
        rows,
    }))
}
