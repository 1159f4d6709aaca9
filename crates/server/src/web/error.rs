//! The web UI's error type: every failure becomes an HTML page (or a redirect to sign-in),
//! mapped once here; causes of 500s are logged, never shown.

use askama::Template;
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use wisdomos_db::DbError;

use super::session::{signed_in_frame, Nav};
use crate::{ApiError, AppState};

/// Every way a page can fail.
#[derive(Debug)]
pub enum WebError {
    /// No live session: 303 to `/signin`.
    SignIn,
    /// 403 `csrf_failed`: the form's CSRF token is missing or wrong.
    Csrf,
    /// 400 `bad_form`: the form could not be read (a field of the wrong shape).
    BadForm(String),
    /// Any API-level failure, shown with its status and stable code.
    Api(ApiError),
}

impl From<ApiError> for WebError {
    fn from(e: ApiError) -> Self {
        match e {
            ApiError::Unauthorized => WebError::SignIn,
            other => WebError::Api(other),
        }
    }
}

impl From<DbError> for WebError {
    fn from(e: DbError) -> Self {
        ApiError::from(e).into()
    }
}

impl From<wisdomos_app::AppError> for WebError {
    fn from(e: wisdomos_app::AppError) -> Self {
        ApiError::from(e).into()
    }
}

impl From<askama::Error> for WebError {
    fn from(e: askama::Error) -> Self {
        WebError::Api(ApiError::Internal(format!("template: {e}")))
    }
}

/// What an error page said, kept on the response so [`frame_errors`] can show it again inside
/// the signed-in user's page frame.
#[derive(Debug, Clone)]
pub struct ErrorShown {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
}

/// The page shown for an error.
#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    nav: Option<Nav>,
    status: u16,
    code: &'static str,
    message: String,
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let (status, code, message) = match self {
            WebError::SignIn => return Redirect::to("/signin").into_response(),
            WebError::Csrf => (
                StatusCode::FORBIDDEN,
                "csrf_failed",
                "This form has expired or did not come from this site. Reload the page and try again.".to_owned(),
            ),
            WebError::BadForm(m) => (
                StatusCode::BAD_REQUEST,
                "bad_form",
                format!("The form could not be read: {m}"),
            ),
            WebError::Api(e) => {
                let (status, code) = e.status_and_code();
                let message = match &e {
                    ApiError::Internal(cause) => {
                        tracing::error!(error = %cause, "internal error");
                        "Something went wrong on our side; it has been logged.".to_owned()
                    }
                    ApiError::NotFound => "There is nothing here.".to_owned(),
                    ApiError::Forbidden => "Your role in this workspace does not allow this.".to_owned(),
                    other => other.to_string(),
                };
                (status, code, message)
            }
        };
        let shown = ErrorShown {
            status,
            code,
            message,
        };
        let mut response = error_page(&shown, None);
        response.extensions_mut().insert(shown);
        response
    }
}

/// Middleware: an error page for a signed-in user gets the page frame (header, workspace
/// switcher, sign-out), so a person who meets a 403 or 404 is never stranded. The error itself
/// is rendered without the request (`IntoResponse`); the frame needs the session, which this
/// layer has.
pub async fn frame_errors(State(st): State<AppState>, req: Request, next: Next) -> Response {
    // Only the cookie is kept: most responses are not error pages.
    let cookie = req.headers().get(header::COOKIE).cloned();
    let path = req.uri().path().to_owned();
    let mut response = next.run(req).await;
    let Some(shown) = response.extensions_mut().remove::<ErrorShown>() else {
        return response;
    };
    framed(&st, cookie, &path, &shown).await.unwrap_or(response)
}

/// The error page inside the frame of the user the `cookie` signs in; `None` when it signs in
/// no one.
pub async fn framed(
    st: &AppState,
    cookie: Option<axum::http::HeaderValue>,
    path: &str,
    shown: &ErrorShown,
) -> Option<Response> {
    let headers = axum::http::HeaderMap::from_iter([(header::COOKIE, cookie?)]);
    let (_, nav, _) = signed_in_frame(st, &headers, path).await.ok()?;
    Some(error_page(shown, Some(nav)))
}

/// The error page for `shown`, in the frame of `nav` when given.
pub fn error_page(e: &ErrorShown, nav: Option<Nav>) -> Response {
    let page = ErrorPage {
        nav,
        status: e.status.as_u16(),
        code: e.code,
        message: e.message.clone(),
    };
    match page.render() {
        Ok(html) => (e.status, Html(html)).into_response(),
        Err(_) => (e.status, e.code).into_response(),
    }
}

/// Renders a template as a 200 page.
pub fn render<T: Template>(t: &T) -> Result<Response, WebError> {
    Ok(Html(t.render()?).into_response())
}

/// Renders a page that holds a form: 422 when the form was refused (`failed`), else 200.
pub fn render_form<T: Template>(t: &T, failed: bool) -> Result<Response, WebError> {
    let status = if failed {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((status, Html(t.render()?)).into_response())
}
