//! Sign-up, sign-in, sign-out and the workspace switcher. The API's register and login do the
//! work (same rules, lock-out and audit); the page keeps the session's refresh token in the
//! session cookie.

use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use serde::Deserialize;
use uuid::Uuid;

use super::error::{render, WebError};
use super::session::{
    cookie, csrf_basis, csrf_token, over_tls, removal, CsrfForm, NoFields, WebUser, PRE_COOKIE,
    SESSION_COOKIE,
};
use super::view::{self, FieldErrors};
use crate::auth::signin::{self as api, Registration};
use crate::auth::token::new_refresh_token;
use crate::{ApiError, AppState};

/// The sign-in form.
#[derive(Template)]
#[template(path = "signin.html")]
struct SignInPage {
    nav: Option<super::session::Nav>,
    csrf: String,
    email: String,
    error: String,
    errors: FieldErrors,
}

/// The sign-up form.
#[derive(Template)]
#[template(path = "signup.html")]
struct SignUpPage {
    nav: Option<super::session::Nav>,
    csrf: String,
    form: SignUpForm,
    error: String,
    errors: FieldErrors,
}

/// Fields of the sign-up form.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SignUpForm {
    #[serde(default)]
    pub email: String,
    pub password: String,
    pub first_name: String,
    pub workspace_name: String,
    pub timezone: String,
}

/// Fields of the sign-in form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SignInForm {
    #[serde(default)]
    pub email: String,
    pub password: String,
}

/// The CSRF token for an anonymous form, setting the pre-session cookie when missing.
fn anonymous_csrf(st: &AppState, jar: CookieJar, headers: &HeaderMap) -> (CookieJar, String) {
    match csrf_basis(&jar) {
        Some(basis) => {
            let token = csrf_token(&st.config.jwt_secret, &basis);
            (jar, token)
        }
        None => {
            let basis = new_refresh_token();
            let token = csrf_token(&st.config.jwt_secret, &basis);
            (
                jar.add(cookie(PRE_COOKIE, basis, over_tls(headers), 2 * 60 * 60)),
                token,
            )
        }
    }
}

/// `GET /signin`.
pub async fn signin_page(
    State(st): State<AppState>,
    jar: CookieJar,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let (jar, csrf) = anonymous_csrf(&st, jar, &headers);
    let page = SignInPage {
        nav: None,
        csrf,
        email: String::new(),
        error: String::new(),
        errors: FieldErrors::default(),
    };
    Ok((jar, render(&page)?).into_response())
}

/// `GET /signup`.
pub async fn signup_page(
    State(st): State<AppState>,
    jar: CookieJar,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let (jar, csrf) = anonymous_csrf(&st, jar, &headers);
    let page = SignUpPage {
        nav: None,
        csrf,
        form: SignUpForm {
            timezone: "UTC".into(),
            ..Default::default()
        },
        error: String::new(),
        errors: FieldErrors::default(),
    };
    Ok((jar, render(&page)?).into_response())
}

/// Starts the browser's session with `refresh_token` and goes to `to`.
fn signed_in(
    jar: CookieJar,
    headers: &HeaderMap,
    st: &AppState,
    refresh_token: String,
    to: &str,
) -> Response {
    let max_age = st.config.refresh_ttl.num_seconds();
    let jar = jar
        .add(cookie(
            SESSION_COOKIE,
            refresh_token,
            over_tls(headers),
            max_age,
        ))
        .add(removal(PRE_COOKIE));
    (jar, Redirect::to(to)).into_response()
}

/// A failed form's message and field errors.
fn failure(e: ApiError) -> Result<(String, FieldErrors), WebError> {
    Ok(match e {
        ApiError::Validation(errs) => (String::new(), FieldErrors::from(&errs)),
        e @ (ApiError::InvalidCredentials
        | ApiError::Locked { .. }
        | ApiError::RateLimited { .. }
        | ApiError::Conflict(_)) => {
            let msg = match &e {
                ApiError::Locked { retry_after_secs } => format!(
                    "Too many failed sign-ins. Try again in {} minutes.",
                    (retry_after_secs + 59) / 60
                ),
                ApiError::Conflict("email_taken") => {
                    "An account with this e-mail already exists; sign in instead.".to_owned()
                }
                ApiError::Conflict("slug_taken") => {
                    "A workspace with this name exists; choose another name.".to_owned()
                }
                other => other.to_string(),
            };
            (msg, FieldErrors::default())
        }
        other => return Err(other.into()),
    })
}

/// `POST /signin`: the API's login; a failure shows the form again with the reason.
pub async fn signin(
    State(st): State<AppState>,
    jar: CookieJar,
    headers: HeaderMap,
    CsrfForm(form): CsrfForm<SignInForm>,
) -> Result<Response, WebError> {
    match api::login(&st, &form.email, &form.password, None).await {
        Ok(auth) => Ok(signed_in(
            jar,
            &headers,
            &st,
            auth.tokens.refresh_token,
            "/",
        )),
        Err(e) => {
            let status = e.status_and_code().0;
            let (error, errors) = failure(e)?;
            let (jar, csrf) = anonymous_csrf(&st, jar, &headers);
            let page = SignInPage {
                nav: None,
                csrf,
                email: form.email,
                error,
                errors,
            };
            Ok((status, jar, render(&page)?).into_response())
        }
    }
}

/// `POST /signup`: the API's register (user, provisioned workspace, OWNER membership).
pub async fn signup(
    State(st): State<AppState>,
    jar: CookieJar,
    headers: HeaderMap,
    CsrfForm(form): CsrfForm<SignUpForm>,
) -> Result<Response, WebError> {
    let req = Registration {
        email: form.email.clone(),
        password: form.password.clone(),
        first_name: view::filled(&form.first_name),
        last_name: None,
        workspace_name: form.workspace_name.clone(),
        timezone: view::filled(&form.timezone),
        slug: None,
    };
    match api::register(&st, &req).await {
        Ok(auth) => Ok(signed_in(
            jar,
            &headers,
            &st,
            auth.tokens.refresh_token,
            "/onboarding",
        )),
        Err(e) => {
            let status = e.status_and_code().0;
            let (error, errors) = failure(e)?;
            let (jar, csrf) = anonymous_csrf(&st, jar, &headers);
            let page = SignUpPage {
                nav: None,
                csrf,
                form: SignUpForm {
                    password: String::new(),
                    ..form
                },
                error,
                errors,
            };
            Ok((status, jar, render(&page)?).into_response())
        }
    }
}

/// `POST /signout`: ends the session family (every token of this sign-in) and forgets the cookie.
pub async fn signout(
    State(st): State<AppState>,
    jar: CookieJar,
    user: WebUser,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response, WebError> {
    api::end_session(&st, user.owner, st.clock.now()).await?;
    Ok((jar.add(removal(SESSION_COOKIE)), Redirect::to("/signin")).into_response())
}

/// Fields of the workspace switcher.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SwitchForm {
    pub tenant_id: Uuid,
}

/// `POST /switch`: a new session in another workspace of the user's (the API's switch); the old
/// one ends.
pub async fn switch(
    State(st): State<AppState>,
    jar: CookieJar,
    headers: HeaderMap,
    user: WebUser,
    CsrfForm(form): CsrfForm<SwitchForm>,
) -> Result<Response, WebError> {
    let (_, tokens) = api::switch_session(&st, user.owner, form.tenant_id, st.clock.now()).await?;
    Ok(signed_in(jar, &headers, &st, tokens.refresh_token, "/"))
}
