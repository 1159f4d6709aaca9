//! Routes, one module per resource, collected into one router and one OpenAPI document.

pub mod admin;
pub mod api_keys;
pub mod assessments;
pub mod assistant;
pub mod audit;
pub mod auth;
pub mod autobiography;
pub mod boundaries;
pub mod commitments;
pub mod console_import;
pub mod dashboard;
pub mod docs;
pub mod dto;
pub mod events;
pub mod export;
pub mod graph;
pub mod health;
pub mod import;
pub mod insights;
pub mod interventions;
pub mod jobs;
pub mod knowledge;
pub mod knowledge_search;
pub mod life_areas;
pub mod me;
pub mod members;
pub mod metrics;
pub mod openapi_constraints;
pub mod openapi_rules;
pub mod oracle;
pub mod participants;
pub mod recommendations;
pub mod segments;
pub mod shares;
pub mod tenants;
pub mod usage;
pub mod widgets;

use std::sync::Arc;
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::Router;
use tower_governor::governor::GovernorConfigBuilder;
use tower_governor::GovernorLayer;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::{ApiError, AppState};

#[derive(OpenApi)]
#[openapi(
    info(title = "WisdomOS API", description = "Personal transformation and coaching platform. Errors are `{\"error\": {\"code\", \"message\", \"details\"}}`; codes are listed in docs/errors.md."),
    modifiers(&BearerAuth),
    components(schemas(wisdomos_core::jobs::JobStatus)),
    tags(
        (name = "auth", description = "Registration, sign-in and tokens"),
        (name = "tenants", description = "Workspaces, members and the audit log"),
        (name = "life-areas", description = "The 30 areas of the Phoenix Fulfillment Display, scores, snapshots and the dashboard"),
        (name = "events", description = "Life events"),
        (name = "insights", description = "Insights and patterns"),
        (name = "commitments", description = "Commitments and their reviews"),
        (name = "boundaries", description = "Boundaries and violations"),
        (name = "autobiography", description = "Eras and entries of the life story"),
        (name = "jobs", description = "Background jobs"),
        (name = "metrics", description = "Versioned metric definitions"),
        (name = "knowledge", description = "The workspace's private knowledge base: documents and search"),
        (name = "assistant", description = "The workspace's assistant: its profile, API keys, conversations and usage"),
        (name = "console", description = "The operator console (seed 003): participants and relationships of the organisation (the workspace)"),
        (name = "admin", description = "Platform operators: workspaces for clients and their plans (paths under /api)"),
    )
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

/// The routers a [`router`] serves and their OpenAPI document.
type Api = (
    Router<AppState>,
    Router<AppState>,
    Router<AppState>,
    utoipa::openapi::OpenApi,
);

/// The auth routes and the other routes under `/api/v1`, seed 002's routes under `/api`, and
/// their OpenAPI document.
pub fn api() -> Api {
    let auth = OpenApiRouter::new()
        .routes(routes!(auth::register))
        .routes(routes!(auth::login))
        .routes(routes!(auth::refresh))
        .routes(routes!(auth::logout))
        .routes(routes!(auth::switch_tenant));
    let rest = OpenApiRouter::new()
        .routes(routes!(me::me, me::delete_account))
        .routes(routes!(me::change_password))
        .routes(routes!(export::export))
        .routes(routes!(assessments::list, assessments::create))
        .routes(routes!(tenants::list, tenants::create))
        .routes(routes!(tenants::get, tenants::update, tenants::delete))
        .routes(routes!(tenants::suspend))
        .routes(routes!(tenants::resume))
        .routes(routes!(members::list, members::add))
        .routes(routes!(members::change_role, members::remove))
        .routes(routes!(audit::list))
        .routes(routes!(audit::org_list))
        .routes(routes!(audit::org_get))
        .routes(routes!(life_areas::list, life_areas::create))
        .routes(routes!(life_areas::get, life_areas::update))
        .routes(routes!(life_areas::refresh_one))
        .routes(routes!(life_areas::refresh_all))
        .routes(routes!(life_areas::snapshots))
        .routes(routes!(life_areas::record_snapshots))
        .routes(routes!(events::list, events::create))
        .routes(routes!(events::get, events::update, events::delete))
        .routes(routes!(insights::list, insights::create))
        .routes(routes!(insights::detect))
        .routes(routes!(insights::get, insights::update, insights::delete))
        .routes(routes!(commitments::list, commitments::create))
        .routes(routes!(
            commitments::get,
            commitments::update,
            commitments::delete
        ))
        .routes(routes!(commitments::review))
        .routes(routes!(boundaries::list, boundaries::create))
        .routes(routes!(
            boundaries::get,
            boundaries::update,
            boundaries::delete
        ))
        .routes(routes!(boundaries::add_violation))
        .routes(routes!(
            boundaries::correct_violation,
            boundaries::delete_violation
        ))
        .routes(routes!(autobiography::eras))
        .routes(routes!(autobiography::update_era))
        .routes(routes!(autobiography::entries, autobiography::create_entry))
        .routes(routes!(
            autobiography::get_entry,
            autobiography::update_entry,
            autobiography::delete_entry
        ))
        .routes(routes!(dashboard::get))
        .routes(routes!(metrics::list, metrics::create))
        .routes(routes!(metrics::get, metrics::update, metrics::deprecate))
        .routes(routes!(metrics::evaluate))
        .routes(routes!(widgets::list, widgets::create))
        .routes(routes!(widgets::update, widgets::delete))
        .routes(routes!(widgets::move_widget))
        .routes(routes!(knowledge::get, knowledge::delete))
        .routes(routes!(knowledge_search::search))
        .routes(routes!(import::suggest))
        .routes(routes!(jobs::list))
        .routes(routes!(jobs::get))
        .routes(routes!(jobs::cancel))
        .routes(routes!(jobs::process))
        .routes(routes!(assistant::get, assistant::put))
        .routes(routes!(api_keys::list, api_keys::create))
        .routes(routes!(api_keys::revoke))
        .routes(routes!(usage::get))
        .routes(routes!(oracle::ask))
        .routes(routes!(oracle::feedback))
        .routes(routes!(participants::create))
        .routes(routes!(participants::get, participants::update))
        .routes(routes!(participants::relate))
        .routes(routes!(participants::unrelate))
        .routes(routes!(segments::list))
        .routes(routes!(graph::get))
        .routes(routes!(interventions::create, interventions::list))
        .routes(routes!(interventions::reverse))
        .routes(routes!(interventions::archive))
        .routes(routes!(recommendations::list))
        .routes(routes!(recommendations::accept))
        .routes(routes!(recommendations::dismiss))
        .routes(routes!(recommendations::apply))
        .routes(routes!(shares::invite))
        .routes(routes!(shares::mine))
        .routes(routes!(shares::grant))
        .routes(routes!(shares::revoke));
    // Files and documents travel whole in one request.
    let import_routes = OpenApiRouter::new()
        .routes(routes!(import::import_events))
        .routes(routes!(console_import::participants))
        .routes(routes!(console_import::relationships))
        .routes(routes!(knowledge::list, knowledge::add))
        .layer(DefaultBodyLimit::max(import::IMPORT_BODY_LIMIT));
    let rest = rest.merge(import_routes);
    let (auth_router, auth_doc) = auth.split_for_parts();
    let (rest_router, rest_doc) = rest.split_for_parts();
    let mut doc = ApiDoc::openapi();
    doc.merge(auth_doc);
    doc.merge(rest_doc);
    let paths = prefix_paths(std::mem::take(&mut doc.paths), "/api/v1");
    doc.paths = paths;
    // Seed 002's own paths, under /api rather than /api/v1.
    let (platform_router, mut platform_doc) = OpenApiRouter::new()
        .routes(routes!(admin::list, admin::create))
        .routes(routes!(admin::get, admin::update))
        .routes(routes!(oracle::ask_by_slug))
        .routes(routes!(oracle::feedback_by_key))
        .routes(routes!(oracle::ask_by_domain))
        .split_for_parts();
    platform_doc.paths = prefix_paths(std::mem::take(&mut platform_doc.paths), "/api");
    doc.merge(platform_doc);
    (auth_router, rest_router, platform_router, doc)
}

/// The published document: the generated one with [`openapi_rules`] applied to its JSON form
/// (utoipa's types cannot read back every schema they write, so the rules work on JSON).
fn published(doc: &utoipa::openapi::OpenApi) -> serde_json::Value {
    let mut json = serde_json::to_value(doc).unwrap_or_default();
    openapi_constraints::apply(&mut json);
    openapi_rules::apply(&mut json);
    json
}

fn prefix_paths(paths: utoipa::openapi::Paths, prefix: &str) -> utoipa::openapi::Paths {
    let mut out = utoipa::openapi::Paths::new();
    for (p, item) in paths.paths {
        out.paths.insert(format!("{prefix}{p}"), item);
    }
    out.extensions = paths.extensions;
    out
}

/// The published OpenAPI document alone (for `wisdomos openapi`).
pub fn openapi() -> serde_json::Value {
    published(&api().3)
}

/// The whole router: API (with the per-IP limit on `/api/v1/auth/*` and the web sign-in and
/// sign-up), docs, health and the web UI.
pub fn router(state: AppState) -> Router {
    let (auth_router, rest_router, platform_router, doc) = api();
    let governor = GovernorConfigBuilder::default()
        .key_extractor(crate::client_ip::ClientIpKey::new(
            &state.config.trusted_proxies,
        ))
        .per_millisecond(state.config.auth_rate_period_ms.max(1))
        .burst_size(state.config.auth_rate_burst.max(1))
        .error_handler(|e| {
            let secs = match e {
                tower_governor::GovernorError::TooManyRequests { wait_time, .. } => wait_time,
                _ => 1,
            };
            axum::response::IntoResponse::into_response(ApiError::RateLimited {
                retry_after_secs: secs.max(1),
            })
        })
        .finish();
    let web_auth = crate::web::auth_router();
    let (auth_router, web_auth) = match governor {
        Some(cfg) => {
            let cfg = Arc::new(cfg);
            let limiter = cfg.limiter().clone();
            // Forget idle IPs now and then so the limiter's memory stays bounded.
            tokio::spawn(async move {
                let mut tick = tokio::time::interval(Duration::from_secs(60));
                loop {
                    tick.tick().await;
                    limiter.retain_recent();
                }
            });
            (
                auth_router.layer(GovernorLayer {
                    config: cfg.clone(),
                }),
                web_auth.layer(GovernorLayer { config: cfg }),
            )
        }
        None => (auth_router, web_auth),
    };
    let web = crate::web::pages(state.clone(), web_auth.merge(crate::web::router()));
    Router::new()
        .nest("/api/v1", auth_router.merge(rest_router))
        .nest("/api", platform_router)
        .merge(docs::router(Arc::new(published(&doc)), &doc))
        .merge(health::router())
        .merge(web)
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::telemetry::track,
        ))
        .fallback(
            |axum::extract::State(st): axum::extract::State<AppState>,
             method: axum::http::Method| async move {
                st.telemetry.count_unmatched(method.as_str());
                ApiError::NotFound
            },
        )
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::web::browser_errors::html_for_browsers,
        ))
        .layer(DefaultBodyLimit::max(state.config.body_limit))
        .with_state(state)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_document_carries_the_shared_rules() {
        let doc = super::openapi();
        assert!(doc["components"]["schemas"]["Error"].is_object());
        assert!(doc["components"]["schemas"]["JobStatus"].is_object());
        let post = &doc["paths"]["/api/v1/events"]["post"]["responses"];
        assert!(post["401"].is_object() && post["503"].is_object(), "{post}");
    }
}
