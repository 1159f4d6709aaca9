//! The server-rendered web UI (DESIGN.md §4): askama templates, htmx for partial updates, assets
//! embedded in the binary, signed in with an HttpOnly cookie and CSRF-checked forms.
//!
//! Pages are a front end over the use cases of `wisdomos-app` (and `auth::signin`), the same ones
//! the JSON API calls: reads go through the tenant transaction, writes parse the form into
//! domain types and call the use case, so the rules, validation, audit and score recomputation
//! are the same whichever way a person comes in. Pages never call the API's handlers.

pub mod account;
pub mod areas;
pub mod assistant;
pub mod assistant_settings;
pub mod assistant_usage;
pub mod auth;
pub mod autobiography;
pub mod bars;
pub mod boundaries;
pub mod browser_errors;
pub mod chart;
pub mod commitments;
pub mod console;
pub mod console_log;
pub mod console_participant;
pub mod error;
pub mod events;
pub mod flash;
pub mod heatmap;
pub mod home;
pub mod import;
pub mod insights;
pub mod knowledge;
pub mod labels;
pub mod layout;
pub mod onboarding;
pub mod quick;
pub mod session;
pub mod settings;
pub mod sharing;
pub mod timeline;
pub mod view;
pub mod violations;
pub mod year;

use axum::http::{header, HeaderValue};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::Router;
use tower_http::set_header::SetResponseHeaderLayer;

pub use error::WebError;

use crate::AppState;

/// The content security policy of every page: nothing from other origins, no inline script.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// Sign-in and sign-up (rate-limited per IP with the API's auth routes by the caller).
pub fn auth_router() -> Router<AppState> {
    Router::new()
        .route("/signin", get(auth::signin_page).post(auth::signin))
        .route("/signup", get(auth::signup_page).post(auth::signup))
}

/// Every other page and the embedded assets.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/signout", post(auth::signout))
        .route("/switch", post(auth::switch))
        .route("/", get(home::page))
        .route("/quick", post(quick::log))
        .route("/onboarding", get(onboarding::page).post(onboarding::save))
        .route("/areas/{slug}", get(areas::page))
        .route("/areas/{slug}/refresh", post(areas::refresh))
        .route("/events", get(timeline::timeline).post(events::create))
        .route("/events/new", get(events::new_form))
        .route("/events/suggest-area", post(events::suggest_area))
        .route("/events/{id}", post(events::update))
        .route("/events/{id}/edit", get(events::edit_form))
        .route("/events/{id}/saved", get(events::saved))
        .route("/events/{id}/delete", post(events::delete))
        .route("/insights", get(insights::page).post(insights::create))
        .route("/insights/detect", post(insights::detect))
        .route("/insights/{id}", post(insights::update))
        .route("/insights/{id}/edit", get(insights::edit_form))
        .route("/insights/{id}/delete", post(insights::delete))
        .route(
            "/insights/{id}/apply",
            get(insights::apply_form).post(insights::apply),
        )
        .route(
            "/commitments",
            get(commitments::page).post(commitments::create),
        )
        .route("/commitments/{id}", post(commitments::update))
        .route("/commitments/{id}/edit", get(commitments::edit_form))
        .route("/commitments/{id}/delete", post(commitments::delete))
        .route("/commitments/{id}/status", post(commitments::set_status))
        .route("/commitments/{id}/review", post(commitments::review))
        .route(
            "/boundaries",
            get(boundaries::page).post(boundaries::create),
        )
        .route(
            "/boundaries/{id}",
            get(boundaries::detail).post(boundaries::update),
        )
        .route("/boundaries/{id}/delete", post(boundaries::delete))
        .route("/boundaries/{id}/violations", post(violations::log))
        .route(
            "/boundaries/{id}/violations/{vid}",
            post(violations::correct),
        )
        .route(
            "/boundaries/{id}/violations/{vid}/delete",
            post(violations::remove),
        )
        .route("/autobiography", get(autobiography::page))
        .route("/autobiography/entries", post(autobiography::create))
        .route(
            "/autobiography/entries/{id}/edit",
            get(autobiography::edit_form),
        )
        .route("/autobiography/entries/{id}", post(autobiography::update))
        .route(
            "/autobiography/entries/{id}/delete",
            post(autobiography::delete),
        )
        .route("/settings", get(settings::page))
        .route("/settings/sharing", get(sharing::page))
        .route("/settings/sharing/{id}/{what}", post(sharing::decide))
        .route("/account", get(account::page))
        .route("/account/export", get(account::export))
        .route("/account/password", post(account::change_password))
        .route("/account/delete", post(account::delete))
        .route("/settings/workspace", post(settings::workspace))
        .route("/settings/members", post(settings::add_member))
        .route("/settings/members/{user_id}", post(settings::change_member))
        .route("/settings/widgets/{id}/move", post(layout::move_widget))
        .route("/settings/widgets", post(layout::add_widget))
        .route("/settings/widgets/{id}", post(layout::change_widget))
        .route("/settings/jobs/process", post(settings::process_jobs))
        .route("/knowledge/{id}/delete", post(knowledge::delete))
        .route("/assistant", get(assistant::page).post(assistant::ask))
        .route("/assistant/stream", post(assistant::stream))
        .route(
            "/assistant/messages/{id}/feedback",
            post(assistant::feedback),
        )
        .route(
            "/assistant/settings",
            get(assistant_settings::page).post(assistant_settings::save),
        )
        .route("/assistant/keys", post(assistant_settings::create_key))
        .route(
            "/assistant/keys/{id}/revoke",
            post(assistant_settings::revoke_key),
        )
        .route("/assistant/usage", get(assistant_usage::page))
        .merge(
            // Several documents of up to 20 MiB each in one form when the page's script is off.
            Router::new()
                .route("/knowledge", get(knowledge::page).post(knowledge::upload))
                .layer(axum::extract::DefaultBodyLimit::max(64 * 1024 * 1024)),
        )
        .merge(
            // The file travels twice: uploaded, then base64 in the confirming form.
            Router::new()
                .route("/import", get(import::page).post(import::upload))
                .route("/import/confirm", post(import::confirm))
                .layer(axum::extract::DefaultBodyLimit::max(
                    crate::importing::IMPORT_BODY_LIMIT * 2,
                )),
        )
        .merge(console::routes())
        .merge(assets())
}

/// Every page with the error frame (`error::frame_errors`) and the security headers.
pub fn pages(state: AppState, r: Router<AppState>) -> Router<AppState> {
    page_headers(
        r.layer(axum::middleware::from_fn_with_state(
            state,
            error::frame_errors,
        ))
        .layer(axum::middleware::from_fn(flash::forget)),
    )
}

/// Security headers for every page.
fn page_headers<S: Clone + Send + Sync + 'static>(r: Router<S>) -> Router<S> {
    r.layer(SetResponseHeaderLayer::if_not_present(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    ))
    .layer(SetResponseHeaderLayer::if_not_present(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    ))
    .layer(SetResponseHeaderLayer::if_not_present(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    ))
}

pub(crate) fn asset(body: &'static str, content_type: &'static str) -> impl IntoResponse + Clone {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
}

fn assets() -> Router<AppState> {
    let css = asset(
        include_str!("../../assets/app.css"),
        "text/css; charset=utf-8",
    );
    let htmx = asset(
        include_str!("../../assets/htmx.min.js"),
        "text/javascript; charset=utf-8",
    );
    let js = asset(
        include_str!("../../assets/app.js"),
        "text/javascript; charset=utf-8",
    );
    let icon = asset(include_str!("../../assets/favicon.svg"), "image/svg+xml");
    Router::new()
        .route("/assets/app.css", get(move || async move { css }))
        .route("/assets/htmx.min.js", get(move || async move { htmx }))
        .route("/assets/app.js", get(move || async move { js }))
        .route("/assets/favicon.svg", get(move || async move { icon }))
}
