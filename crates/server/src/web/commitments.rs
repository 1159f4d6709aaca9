//! Commitments: the list and tracker (status changes along the allowed transitions, weekly
//! review), and a form to make one.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;
use uuid::Uuid;
use wisdomos_app::commitments::{self as app, CommitmentChanges, NewCommitment};
use wisdomos_app::AppError;
use wisdomos_core::event::CommitmentStatus;
use wisdomos_db::commitments;
use wisdomos_db::life_areas::{self, LifeAreaFilter};

use super::error::{render_form, WebError};
use super::flash;
use super::session::{CsrfForm, Nav, NoFields, Web};
use super::view::{self, Choice, FieldErrors};
use crate::extract::{Read, Write};
use crate::AppState;

/// A status a commitment may move to, as a button.
pub struct Move {
    pub to: &'static str,
    pub label: String,
}

/// A commitment in the tracker.
pub struct CommitmentCard {
    pub id: Uuid,
    pub statement: String,
    pub intention: String,
    pub measurable: String,
    pub status: String,
    pub status_words: String,
    pub area: String,
    pub review: String,
    pub moves: Vec<Move>,
}

/// Fields of the new-commitment form.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct CommitmentForm {
    #[serde(default)]
    pub statement: String,
    pub intention: String,
    pub measurable: String,
    pub life_area_id: String,
}

impl CommitmentForm {
    /// The new commitment; `insight_id` when the commitment applies an insight.
    pub fn request(&self, insight_id: Option<Uuid>) -> NewCommitment {
        NewCommitment {
            area: view::filled(&self.life_area_id),
            event_id: None,
            insight_id,
            statement: self.statement.clone(),
            intention: Some(self.intention.clone()),
            measurable: view::filled(&self.measurable),
        }
    }
}

#[derive(Template)]
#[template(path = "commitments.html")]
struct CommitmentsPage {
    nav: Option<Nav>,
    can_write: bool,
    active: Vec<CommitmentCard>,
    others: Vec<CommitmentCard>,
    areas: Vec<Choice>,
    form: CommitmentForm,
    errors: FieldErrors,
}

async fn show(
    st: &AppState,
    web: Web<Read>,
    form: CommitmentForm,
    errors: FieldErrors,
) -> Result<Response, WebError> {
    let now = st.clock.now();
    let tz = view::zone(&web.ctx.tenant.timezone);
    let mut tx = web.begin(st).await?;
    let all = commitments::list(&mut tx, None, None, None, 200).await?;
    let areas = life_areas::list(&mut tx, &LifeAreaFilter::default()).await?;
    tx.commit().await?;
    let cards: Vec<CommitmentCard> = all
        .items
        .iter()
        .map(|c| {
            let status = CommitmentStatus::parse(&c.status);
            let due = wisdomos_db::dashboard::review_due(c);
            CommitmentCard {
                id: c.id,
                statement: c.statement.clone(),
                intention: c.intention.clone(),
                measurable: c.measurable.clone().unwrap_or_default(),
                status: c.status.clone(),
                status_words: view::words(&c.status),
                area: c
                    .life_area_id
                    .and_then(|id| areas.iter().find(|a| a.id == id))
                    .map(|a| a.name.clone())
                    .unwrap_or_default(),
                review: if status != Some(CommitmentStatus::Active) {
                    String::new()
                } else if due <= now {
                    format!("Review overdue since {}", view::date(due, tz))
                } else {
                    format!("Next review {}", view::date(due, tz))
                },
                moves: status
                    .map(|s| {
                        CommitmentStatus::ALL
                            .iter()
                            .filter(|t| **t != s && s.can_become(**t))
                            .map(|t| Move {
                                to: t.as_str(),
                                label: match t {
                                    CommitmentStatus::Active => "Take up again".into(),
                                    CommitmentStatus::Completed => "Complete".into(),
                                    CommitmentStatus::Paused => "Pause".into(),
                                    CommitmentStatus::Abandoned => "Abandon".into(),
                                    CommitmentStatus::Integrated => "Mark integrated".into(),
                                },
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
            }
        })
        .collect();
    let (active, others) = cards.into_iter().partition(|c| c.status == "ACTIVE");
    let failed = errors.any();
    let page = CommitmentsPage {
        can_write: web.ctx.allows::<Write>(),
        nav: Some(web.nav),
        active,
        others,
        areas: view::area_choices(&areas, &form.life_area_id),
        form,
        errors,
    };
    render_form(&page, failed)
}

/// `GET /commitments`.
pub async fn page(State(st): State<AppState>, web: Web<Read>) -> Result<Response, WebError> {
    show(&st, web, CommitmentForm::default(), FieldErrors::default()).await
}

/// `POST /commitments`.
pub async fn create(
    State(st): State<AppState>,
    headers: HeaderMap,
    web: Web<Write>,
    CsrfForm(form): CsrfForm<CommitmentForm>,
) -> Result<Response, WebError> {
    let mut tx = web.begin(&st).await?;
    match app::create(&mut tx, &form.request(None), st.clock.now()).await {
        Ok(c) => {
            tx.commit().await?;
            let msg = format!("Commitment made: “{}”.", c.statement);
            Ok(flash::redirect(&headers, "/commitments", &msg))
        }
        Err(AppError::Validation(errs)) => {
            show(
                &st,
                web.to::<Read>()?,
                form,
                FieldErrors::from(&errs).labelled("statement", "Commitment"),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// Fields of a status change.
#[derive(Debug, Deserialize)]
pub struct StatusForm {
    pub status: String,
}

/// `POST /commitments/{id}/status`: along the allowed transitions (409 `invalid_transition`).
pub async fn set_status(
    State(st): State<AppState>,
    headers: HeaderMap,
    web: Web<Write>,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<StatusForm>,
) -> Result<Response, WebError> {
    let id = view::parse_id(&id)?;
    let status = CommitmentStatus::parse(form.status.trim()).ok_or_else(|| {
        AppError::from(wisdomos_core::FieldError::new(
            "status",
            "invalid",
            "status must be one of ACTIVE, COMPLETED, PAUSED, ABANDONED, INTEGRATED",
        ))
    })?;
    let changes = CommitmentChanges {
        status: Some(status),
        ..CommitmentChanges::default()
    };
    let mut tx = web.begin(&st).await?;
    let c = app::update(&mut tx, id, &changes, st.clock.now()).await?;
    tx.commit().await?;
    let msg = format!(
        "“{}” is now {}.",
        c.statement,
        view::words(&c.status).to_lowercase()
    );
    Ok(flash::redirect(&headers, "/commitments", &msg))
}

/// `POST /commitments/{id}/review`: reviewed now; the next review falls due in 7 days.
pub async fn review(
    State(st): State<AppState>,
    headers: HeaderMap,
    web: Web<Write>,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response, WebError> {
    let id = view::parse_id(&id)?;
    let mut tx = web.begin(&st).await?;
    let c = app::review(&mut tx, id, st.clock.now()).await?;
    tx.commit().await?;
    let msg = format!("Reviewed “{}”; the next review is in 7 days.", c.statement);
    Ok(flash::redirect(&headers, "/commitments", &msg))
}

#[derive(Template)]
#[template(path = "commitment_edit.html")]
struct EditPage {
    nav: Option<Nav>,
    id: Uuid,
    areas: Vec<Choice>,
    form: CommitmentForm,
    errors: FieldErrors,
}

async fn show_edit(
    st: &AppState,
    web: Web<Write>,
    id: Uuid,
    form: Option<CommitmentForm>,
    errors: FieldErrors,
) -> Result<Response, WebError> {
    let mut tx = web.begin(st).await?;
    let c = commitments::get(&mut tx, id, false).await?;
    let areas = life_areas::list(&mut tx, &LifeAreaFilter::default()).await?;
    tx.commit().await?;
    let form = form.unwrap_or_else(|| CommitmentForm {
        statement: c.statement.clone(),
        intention: c.intention.clone(),
        measurable: c.measurable.clone().unwrap_or_default(),
        life_area_id: c.life_area_id.map(|a| a.to_string()).unwrap_or_default(),
    });
    let failed = errors.any();
    let page = EditPage {
        nav: Some(web.nav),
        id,
        areas: view::area_choices(&areas, &form.life_area_id),
        form,
        errors,
    };
    render_form(&page, failed)
}

/// `GET /commitments/{id}/edit`: the commitment's text and area, and a confirmed delete.
pub async fn edit_form(
    State(st): State<AppState>,
    web: Web<Write>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = view::parse_id(&id)?;
    show_edit(&st, web, id, None, FieldErrors::default()).await
}

/// `POST /commitments/{id}`: saves the text and area (the area's score follows).
pub async fn update(
    State(st): State<AppState>,
    headers: HeaderMap,
    web: Web<Write>,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<CommitmentForm>,
) -> Result<Response, WebError> {
    let id = view::parse_id(&id)?;
    let changes = CommitmentChanges {
        statement: Some(form.statement.clone()),
        intention: Some(form.intention.clone()),
        measurable: Some(form.measurable.clone()),
        area: Some(form.life_area_id.clone()),
        status: None,
    };
    let mut tx = web.begin(&st).await?;
    match app::update(&mut tx, id, &changes, st.clock.now()).await {
        Ok(_) => {
            tx.commit().await?;
            Ok(flash::redirect(
                &headers,
                "/commitments",
                "Commitment saved.",
            ))
        }
        Err(AppError::Validation(errs)) => {
            show_edit(
                &st,
                web,
                id,
                Some(form),
                FieldErrors::from(&errs).labelled("statement", "Commitment"),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /commitments/{id}/delete`: deletes it (the edit page asks first); the area's score
/// is recomputed.
pub async fn delete(
    State(st): State<AppState>,
    headers: HeaderMap,
    web: Web<Write>,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response, WebError> {
    let id = view::parse_id(&id)?;
    let mut tx = web.begin(&st).await?;
    let c = app::delete(&mut tx, id, st.clock.now()).await?;
    tx.commit().await?;
    let msg = format!("Deleted the commitment “{}”.", c.statement);
    Ok(flash::redirect(&headers, "/commitments", &msg))
}
