//! Boundaries: the list with a form to set one, and each boundary's violation history with a
//! form to log a violation.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use uuid::Uuid;
use wisdomos_db::life_areas::{self, LifeAreaFilter};
use wisdomos_db::{boundaries, TenantTx};

use super::error::{render_form, WebError};
use super::session::{CsrfForm, Nav, Web};
use super::view::{self, Choice, FieldErrors};
use crate::extract::{Read, Write};
use crate::json::ApiJson;
use crate::routes::boundaries::{self as api, CreateBoundary};
use crate::{ApiError, AppState};

/// A boundary as a row.
pub struct BoundaryCard {
    pub id: Uuid,
    pub statement: String,
    pub reason: String,
    pub consequence: String,
    pub status: String,
    pub area: String,
    pub area_slug: String,
    pub violations: i32,
    pub last: String,
}

/// Fields of the new-boundary form.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct BoundaryForm {
    #[serde(default)]
    pub life_area_id: String,
    pub statement: String,
    pub reason: String,
    pub consequence: String,
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
    let mut tx = TenantTx::begin(&st.db, &web.ctx.scope).await?;
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

/// `POST /boundaries`.
pub async fn create(
    State(st): State<AppState>,
    web: Web<Write>,
    CsrfForm(form): CsrfForm<BoundaryForm>,
) -> Result<Response, WebError> {
    let req = CreateBoundary {
        life_area_id: form.life_area_id.clone(),
        statement: form.statement.clone(),
        reason: view::filled(&form.reason),
        consequence: view::filled(&form.consequence),
    };
    match api::create(State(st.clone()), web.ctx.to::<Write>()?, ApiJson(req)).await {
        Ok(_) => Ok(Redirect::to("/boundaries").into_response()),
        Err(ApiError::Validation(errs)) => {
            let read = web.to::<Read>()?;
            show(&st, read, form, FieldErrors::from(&errs)).await
        }
        Err(e) => Err(e.into()),
    }
}

/// A violation in the history.
pub struct ViolationRow {
    pub when: String,
    pub note: String,
}

#[derive(Template)]
#[template(path = "boundary.html")]
struct BoundaryPage {
    nav: Option<Nav>,
    can_write: bool,
    b: BoundaryCard,
    violations: Vec<ViolationRow>,
    now_local: String,
    note: String,
    errors: FieldErrors,
}

/// `GET /boundaries/{id}`: the boundary and its 50 latest violations.
pub async fn detail(
    State(st): State<AppState>,
    web: Web<Read>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    show_detail(&st, web, id, String::new(), FieldErrors::default()).await
}

/// The boundary page, with the violation form's `errors` and typed `note` when it was refused.
async fn show_detail(
    st: &AppState,
    web: Web<Read>,
    id: String,
    note: String,
    errors: FieldErrors,
) -> Result<Response, WebError> {
    let tz = view::zone(&web.ctx.tenant.timezone);
    let id = crate::routes::events::parse_id(&id)?;
    let mut tx = TenantTx::begin(&st.db, &web.ctx.scope).await?;
    let b = boundaries::get(&mut tx, id).await?;
    let violations = boundaries::violations(&mut tx, id, 50).await?;
    let area = life_areas::get(&mut tx, &b.life_area_id.to_string()).await?;
    tx.commit().await?;
    let failed = errors.any();
    let page = BoundaryPage {
        can_write: web.ctx.allows::<Write>(),
        nav: Some(web.nav),
        b: card(&b, std::slice::from_ref(&area), tz),
        violations: violations
            .iter()
            .map(|v| ViolationRow {
                when: view::date_time(v.occurred_at, tz),
                note: v.note.clone().unwrap_or_default(),
            })
            .collect(),
        now_local: view::local_input(st.clock.now(), tz),
        note,
        errors,
    };
    render_form(&page, failed)
}

/// Fields of the violation form; `back` is where to return (a path of this site).
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ViolationForm {
    pub occurred_at: String,
    pub note: String,
    pub back: Option<String>,
}

/// `POST /boundaries/{id}/violations`: logs one violation; the area's score drops. A refused
/// form comes back on the boundary's page with the errors beside the fields.
pub async fn violation(
    State(st): State<AppState>,
    web: Web<Write>,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<ViolationForm>,
) -> Result<Response, WebError> {
    let tz = view::zone(&web.ctx.tenant.timezone);
    let note = form.note.trim().to_owned();
    let occurred_at = match form.occurred_at.trim() {
        "" => None,
        s => match view::parse_local(s, tz) {
            Some(t) => Some(t),
            None => {
                let errs = FieldErrors(vec![(
                    "occurredAt".into(),
                    "occurredAt must be a date and time".into(),
                )]);
                return show_detail(&st, web.to::<Read>()?, id, note, errs).await;
            }
        },
    };
    let body = serde_json::json!({ "occurredAt": occurred_at, "note": (!note.is_empty()).then_some(&note) })
        .to_string();
    let back = view::local_path(form.back.as_deref(), &format!("/boundaries/{id}"));
    match api::add_violation(
        State(st.clone()),
        web.ctx.to::<Write>()?,
        Path(id.clone()),
        body.into(),
    )
    .await
    {
        Ok(_) => Ok(Redirect::to(&back).into_response()),
        Err(ApiError::Validation(errs)) => {
            show_detail(&st, web.to::<Read>()?, id, note, FieldErrors::from(&errs)).await
        }
        Err(e) => Err(e.into()),
    }
}
