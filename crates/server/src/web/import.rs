//! Import: upload a Daylio, Day One, CSV or JSON file, see the dry-run report, confirm. The
//! importer of `wisdomos-app` does the work (all-or-nothing, one recomputation), as for the API.

use askama::Template;
use axum::extract::{Multipart, State};
use axum::response::Response;
use axum_extra::extract::cookie::CookieJar;
use base64::Engine;
use serde::Deserialize;
use wisdomos_core::import::Format;

use super::error::{render, render_form, WebError};
use super::session::{check_csrf, CsrfForm, Nav, Web, CSRF_FIELD};

use crate::extract::Write;
use crate::{ApiError, AppState};
use wisdomos_app::import::{ImportOptions, ImportReport};
use wisdomos_core::classify::DEFAULT_THRESHOLD;

#[derive(Template)]
#[template(path = "import.html")]
struct ImportPage {
    nav: Option<Nav>,
    error: String,
    /// The dry run's or the import's report.
    report: Option<ImportReport>,
    /// The file, base64, carried by the confirming form after a dry run.
    file_b64: String,
    format: String,
    by_area: Vec<(String, usize)>,
}

fn page_of(
    nav: Nav,
    report: Option<ImportReport>,
    file_b64: String,
    format: String,
    error: String,
) -> ImportPage {
    let by_area = report
        .as_ref()
        .map(|r| r.by_area.iter().map(|(k, v)| (k.clone(), *v)).collect())
        .unwrap_or_default();
    ImportPage {
        nav: Some(nav),
        error,
        report,
        file_b64,
        format,
        by_area,
    }
}

/// `GET /import`.
pub async fn page(web: Web<Write>) -> Result<Response, WebError> {
    render(&page_of(
        web.nav,
        None,
        String::new(),
        String::new(),
        String::new(),
    ))
}

async fn run(
    st: &AppState,
    web: &Web<Write>,
    bytes: Vec<u8>,
    format: &str,
    dry_run: bool,
) -> Result<Result<ImportReport, String>, WebError> {
    let opts = ImportOptions {
        format: Format::parse(format),
        dry_run,
        strict: false,
        default_area: None,
        threshold: DEFAULT_THRESHOLD,
        audit: None,
    };
    match crate::importing::run(st, &web.ctx.to::<Write>()?, &bytes, opts).await {
        Ok(r) => Ok(Ok(r)),
        Err(ApiError::Unprocessable { message, .. }) => Ok(Err(message)),
        Err(ApiError::Validation(errs)) => Ok(Err(errs
            .0
            .iter()
            .map(|f| super::labels::humane(&f.field, f.code, &f.message))
            .collect::<Vec<_>>()
            .join(" "))),
        Err(e) => Err(e.into()),
    }
}

/// `POST /import` (multipart: `_csrf`, `format`, `file`): a dry run, shown with a form to
/// confirm.
pub async fn upload(
    State(st): State<AppState>,
    jar: CookieJar,
    web: Web<Write>,
    mut multipart: Multipart,
) -> Result<Response, WebError> {
    let mut csrf = None;
    let mut format = String::new();
    let mut file: Option<Vec<u8>> = None;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| WebError::BadForm(e.body_text()))?
    {
        let name = field.name().unwrap_or("").to_owned();
        let data = field
            .bytes()
            .await
            .map_err(|e| WebError::BadForm(e.body_text()))?;
        match name.as_str() {
            CSRF_FIELD => csrf = Some(String::from_utf8_lossy(&data).into_owned()),
            "format" => format = String::from_utf8_lossy(&data).trim().to_owned(),
            "file" => file = Some(data.to_vec()),
            _ => {}
        }
    }
    check_csrf(&st, &jar, csrf.as_deref())?;
    let Some(bytes) = file.filter(|f| !f.is_empty()) else {
        let page = page_of(
            web.nav,
            None,
            String::new(),
            format,
            "Choose a file to import.".into(),
        );
        return render_form(&page, true);
    };
    let b64 = base64::engine::general_purpose::STANDARD.encode(&bytes);
    match run(&st, &web, bytes, &format, true).await? {
        Ok(report) => {
            let fmt = report.format.as_str().to_owned();
            render(&page_of(web.nav, Some(report), b64, fmt, String::new()))
        }
        Err(message) => {
            let page = page_of(web.nav, None, String::new(), format, message);
            render_form(&page, true)
        }
    }
}

/// Fields of the confirming form.
#[derive(Debug, Deserialize)]
pub struct ConfirmForm {
    pub file: String,
    #[serde(default)]
    pub format: String,
}

/// `POST /import/confirm`: imports the file the dry run checked.
pub async fn confirm(
    State(st): State<AppState>,
    web: Web<Write>,
    CsrfForm(form): CsrfForm<ConfirmForm>,
) -> Result<Response, WebError> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(form.file.trim())
        .map_err(|_| WebError::BadForm("file is not base64".into()))?;
    match run(&st, &web, bytes, &form.format, false).await? {
        Ok(report) => render(&page_of(
            web.nav,
            Some(report),
            String::new(),
            form.format,
            String::new(),
        )),
        Err(message) => {
            let page = page_of(web.nav, None, String::new(), form.format, message);
            render_form(&page, true)
        }
    }
}
