//! The person's own account: take the workspace's data away, change the password, delete the
//! account. Each calls the same use case as the API (`wisdomos_app::{export, account}`).

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use serde::Deserialize;
use wisdomos_app::account::Actor;
use wisdomos_app::AppError;
use wisdomos_core::account::Password;
use wisdomos_db::DbError;

use super::error::{render, render_form, WebError};
use super::session::{removal, CsrfForm, Nav, Web, SESSION_COOKIE};
use crate::extract::Read;
use crate::AppState;

#[derive(Template)]
#[template(path = "account.html")]
struct Page {
    nav: Option<Nav>,
    notice: String,
    password_error: String,
    delete_error: String,
}

/// What a redirect here reports.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AccountQuery {
    pub done: Option<String>,
}

fn page_of(nav: Nav, notice: &str, password_error: &str, delete_error: &str) -> Page {
    Page {
        nav: Some(nav),
        notice: notice.to_owned(),
        password_error: password_error.to_owned(),
        delete_error: delete_error.to_owned(),
    }
}

/// `GET /account`.
pub async fn page(web: Web<Read>, Query(q): Query<AccountQuery>) -> Result<Response, WebError> {
    let notice = match q.done.as_deref() {
        Some("password") => "Your password is changed. Your other devices are signed out.",
        _ => "",
    };
    render(&page_of(web.nav, notice, "", ""))
}

/// Which export.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ExportQuery {
    pub format: Option<String>,
}

/// `GET /account/export?format=json|csv`: the download.
pub async fn export(
    State(st): State<AppState>,
    web: Web<Read>,
    Query(q): Query<ExportQuery>,
) -> Result<Response, WebError> {
    let mut tx = web.begin(&st).await?;
    let csv = q.format.as_deref() == Some("csv");
    let d = wisdomos_app::export::download(&mut tx, &web.ctx.tenant, csv, st.clock.now()).await?;
    tx.commit().await?;
    Ok(crate::download::attachment(d))
}

/// Fields of the password form.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct PasswordForm {
    pub current_password: String,
    pub new_password: String,
}

/// `POST /account/password`.
pub async fn change_password(
    State(st): State<AppState>,
    web: Web<Read>,
    CsrfForm(form): CsrfForm<PasswordForm>,
) -> Result<Response, WebError> {
    let actor = Actor {
        user_id: web.ctx.user_id,
        session_family: Some(web.user.owner.family_id),
    };
    let refused = |msg: &str| render_form(&page_of(web.nav.clone(), "", msg, ""), true);
    let new = match Password::new("New password", &form.new_password) {
        Ok(p) => p,
        Err(e) => return refused(&format!("{}.", e.message)),
    };
    match wisdomos_app::account::change_password(
        &st.db,
        &st.hasher,
        actor,
        Some(&form.current_password),
        &new,
        st.clock.now(),
    )
    .await
    {
        Ok(_) => Ok(Redirect::to("/account?done=password").into_response()),
        Err(AppError::WrongPassword(_)) => {
            refused("Current password: this is not your current password.")
        }
        Err(e) => Err(e.into()),
    }
}

/// Fields of the delete form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DeleteForm {
    pub password: String,
}

/// `POST /account/delete`: after the password confirms it, the account is gone and the browser
/// signed out.
pub async fn delete(
    State(st): State<AppState>,
    jar: CookieJar,
    web: Web<Read>,
    CsrfForm(form): CsrfForm<DeleteForm>,
) -> Result<Response, WebError> {
    let actor = Actor {
        user_id: web.ctx.user_id,
        session_family: Some(web.user.owner.family_id),
    };
    let refused = |msg: &str| render_form(&page_of(web.nav.clone(), "", "", msg), true);
    match wisdomos_app::account::delete(&st.db, &st.hasher, actor, Some(&form.password), st.clock.now()).await {
        Ok(_) => Ok((
            jar.add(removal(SESSION_COOKIE)),
            Redirect::to("/signin?done=deleted"),
        )
            .into_response()),
        Err(AppError::WrongPassword(_)) => refused("Password: this is not your current password."),
        Err(AppError::Db(DbError::Refused("last_owner"))) => refused(
            "You are the last owner of a workspace other people use. Make another member an owner in Settings, or delete that workspace, first.",
        ),
        Err(e) => Err(e.into()),
    }
}
