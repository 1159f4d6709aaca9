//! Boundaries: the list with a form to set one, and each boundary's page with its violation
//! history, an edit form and a confirmed delete. Violation forms are in `violations`.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;
use uuid::Uuid;
use wisdomos_app::boundaries::{self as app, BoundaryChanges, NewBoundary};
use wisdomos_app::AppError;
use wisdomos_core::event::BoundaryStatus;
use wisdomos_db::boundaries;
use wisdomos_db::life_areas::{self, LifeAreaFilter};

use super::error::{render_form, WebError};
use super::session::{CsrfForm, Nav, NoFields, Web};
use super::view::{self, Choice, FieldErrors};
use super::{flash, violations};
use crate::extract::{Read, Write};
use crate::AppState;

/// A boundary as a row.
pub struct BoundaryCard {
    pub id: Uuid,
    pub statement: String,
    pub reason: String,
    pub consequence: String,
    /// Stored status (`ACTIVE`, …) and in words.
    pub status_value: String,
    pub status: String,
    pub area: String,
    pub area_slug: String,
    pub violations: i32,
    pub last: String,
}

/// Fields of the boundary forms (new and edit; `status` only when editing).
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct BoundaryForm {
    pub life_area_id: String,
    pub statement: String,
    pub reason: String,
    pub consequence: String,
    pub status: String,
}

#[derive(Template)]
#[template(path = "boundaries.html")]
struct BoundariesPage {
    nav: Option<Nav>,
    can_write: bool,
    items: Vec<BoundaryCard>,
    areas: Vec<Choice>,
    form: BoundaryForm,
    errors: FieldErrors,
}

fn card(
    b: &boundaries::Boundary,
    areas: &[wisdomos_db::life_areas::LifeArea],
    tz: chrono_tz::Tz,
) -> BoundaryCard {
    let area = areas.iter().find(|a| a.id == b.life_area_id);
    BoundaryCard {
        id: b.id,
        statement: b.statement.clone(),
        reason: b.reason.clone(),
        consequence: b.consequence.clone().unwrap_or_default(),
        status_value: b.status.clone(),
        status: view::words(&b.status),
        area: area.map(|a| a.name.clone()).unwrap_or_default(),
        area_slug: area.map(|a| a.slug.clone()).unwrap_or_default(),
        violations: b.violation_count,
        last: b
            .last_violated_at
            .map(|t| view::date_time(t, tz))
            .unwrap_or_else(|| "never".into()),
    }
}

async fn show(
    st: &AppState,
    web: Web<Read>,
    form: BoundaryForm,
    errors: FieldErrors,
) -> Result<Response, WebError> {
    let tz = view::zone(&web.ctx.tenant.timezone);
    let mut tx = web.begin(st).await?;
    let all = boundaries::list(&mut tx, None, None, 200).await?;
    let areas = life_areas::list(&mut tx, &LifeAreaFilter::default()).await?;
    tx.commit().await?;
    let failed = errors.any();
    let page = BoundariesPage {
        can_write: web.ctx.allows::<Write>(),
        nav: Some(web.nav),
        items: all.items.iter().map(|b| card(b, &areas, tz)).collect(),
        areas: view::area_choices(&areas, &form.life_area_id),
        form,
        errors,
    };
    render_form(&page, failed)
}

/// `GET /boundaries`.
pub async fn page(State(st): State<AppState>, web: Web<Read>) -> Result<Response, WebError> {
    show(&st, web, BoundaryForm::default(), FieldErrors::default()).await
}

/// `POST /boundaries`: sets a boundary and lands on its page.
pub async fn create(
    State(st): State<AppState>,
    headers: HeaderMap,
    web: Web<Write>,
    CsrfForm(form): CsrfForm<BoundaryForm>,
) -> Result<Response, WebError> {
    let new = NewBoundary {
        area: form.life_area_id.clone(),
        statement: form.statement.clone(),
        reason: view::filled(&form.reason),
        consequence: view::filled(&form.consequence),
    };
    let mut tx = web.begin(&st).await?;
    match app::create(&mut tx, &new, st.clock.now()).await {
        Ok(b) => {
            tx.commit().await?;
            Ok(flash::redirect(
                &headers,
                &format!("/boundaries/{}", b.id),
                &format!("Boundary set: “{}”.", b.statement),
            ))
        }
        Err(AppError::Validation(errs)) => {
            let errors = FieldErrors::from(&errs).labelled("statement", "Boundary");
            show(&st, web.to::<Read>()?, form, errors).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The boundary page and what its forms hold.
#[derive(Template)]
#[template(path = "boundary.html")]
struct BoundaryPage {
    nav: Option<Nav>,
    can_write: bool,
    b: BoundaryCard,
    statuses: Vec<Choice>,
    violations: Vec<violations::ViolationRow>,
    now_local: String,
    forms: violations::DetailForms,
}

/// `GET /boundaries/{id}`: the boundary and its 50 latest violations.
pub async fn detail(
    State(st): State<AppState>,
    web: Web<Read>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    show_detail(&st, web, &id, violations::DetailForms::default()).await
}

/// The boundary page, with the typed values and errors of the form that was refused.
pub(super) async fn show_detail(
    st: &AppState,
    web: Web<Read>,
    id: &str,
    forms: violations::DetailForms,
) -> Result<Response, WebError> {
    let tz = view::zone(&web.ctx.tenant.timezone);
    let id = view::parse_id(id)?;
    let mut tx = web.begin(st).await?;
    let b = boundaries::get(&mut tx, id).await?;
    let list = boundaries::violations(&mut tx, id, 50).await?;
    let area = life_areas::get(&mut tx, &b.life_area_id.to_string()).await?;
    tx.commit().await?;
    let failed = forms.failed();
    let b = card(&b, std::slice::from_ref(&area), tz);
    let page = BoundaryPage {
        can_write: web.ctx.allows::<Write>(),
        nav: Some(web.nav),
        statuses: view::choices(
            &BoundaryStatus::ALL
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>(),
            &b.status_value,
        ),
        b,
        violations: list
            .iter()
            .map(|v| violations::ViolationRow::new(v, tz))
            .collect(),
        now_local: view::local_input(st.clock.now(), tz),
        forms,
    };
    render_form(&page, failed)
}

/// `POST /boundaries/{id}`: changes the statement, reason, consequence or status.
pub async fn update(
    State(st): State<AppState>,
    headers: HeaderMap,
    web: Web<Write>,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<BoundaryForm>,
) -> Result<Response, WebError> {
    let bid = view::parse_id(&id)?;
    let status = BoundaryStatus::parse(&form.status);
    if status.is_none() && !form.status.is_empty() {
        let errors = FieldErrors(vec![(
            "status".into(),
            "Choose a status from the list.".into(),
        )]);
        let forms = violations::DetailForms::edit(form, errors);
        return show_detail(&st, web.to::<Read>()?, &id, forms).await;
    }
    let changes = BoundaryChanges {
        statement: Some(form.statement.clone()),
        reason: Some(form.reason.clone()),
        consequence: Some(form.consequence.clone()),
        status,
    };
    let mut tx = web.begin(&st).await?;
    match app::update(&mut tx, bid, &changes, st.clock.now()).await {
        Ok(b) => {
            tx.commit().await?;
            Ok(flash::redirect(
                &headers,
                &format!("/boundaries/{}", b.id),
                "Boundary saved.",
            ))
        }
        Err(AppError::Validation(errs)) => {
            let errors = FieldErrors::from(&errs).labelled("statement", "Boundary");
            let forms = violations::DetailForms::edit(form, errors);
            show_detail(&st, web.to::<Read>()?, &id, forms).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /boundaries/{id}/delete`: deletes the boundary and its violations (the page asks
/// first); the area's score is recomputed.
pub async fn delete(
    State(st): State<AppState>,
    headers: HeaderMap,
    web: Web<Write>,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response, WebError> {
    let id = view::parse_id(&id)?;
    let mut tx = web.begin(&st).await?;
    let (b, score) = app::delete(&mut tx, id, st.clock.now()).await?;
    tx.commit().await?;
    Ok(flash::redirect(
        &headers,
        "/boundaries",
        &format!(
            "Deleted the boundary “{}”{}.",
            b.statement,
            violations::score_words(&score)
        ),
    ))
}
