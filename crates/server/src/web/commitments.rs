//! Commitments: the list and tracker (status changes along the allowed transitions, weekly
//! review), and a form to make one.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use uuid::Uuid;
use wisdomos_core::event::CommitmentStatus;
use wisdomos_db::life_areas::{self, LifeAreaFilter};
use wisdomos_db::{commitments, TenantTx};

use super::error::{render_form, WebError};
use super::session::{CsrfForm, Nav, NoFields, Web};
use super::view::{self, Choice, FieldErrors};
use crate::extract::{Read, Write};
use crate::json::ApiJson;
use crate::routes::commitments::{self as api, CreateCommitment, UpdateCommitment};
use crate::{ApiError, AppState};

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
    /// The API's create request; `insight_id` when the commitment applies an insight.
    pub fn request(&self, insight_id: Option<Uuid>) -> CreateCommitment {
        CreateCommitment {
            life_area_id: view::filled(&self.life_area_id),
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
    let mut tx = TenantTx::begin(&st.db, &web.ctx.scope).await?;
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
    web: Web<Write>,
    CsrfForm(form): CsrfForm<CommitmentForm>,
) -> Result<Response, WebError> {
    match api::create(
        State(st.clone()),
        web.ctx.to::<Write>()?,
        ApiJson(form.request(None)),
    )
    .await
    {
        Ok(_) => Ok(Redirect::to("/commitments").into_response()),
        Err(ApiError::Validation(errs)) => {
            let read = web.to::<Read>()?;
            show(&st, read, form, FieldErrors::from(&errs)).await
        }
        Err(e) => Err(e.into()),
    }
}

/// Fields of a status change.
#[derive(Debug, Deserialize)]
pub struct StatusForm {
    pub status: String,
}

/// `POST /commitments/{id}/status`: the API's transition rules (409 `invalid_transition`).
pub async fn set_status(
    State(st): State<AppState>,
    web: Web<Write>,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<StatusForm>,
) -> Result<Response, WebError> {
    let status = CommitmentStatus::parse(form.status.trim()).ok_or_else(|| {
        ApiError::field(wisdomos_core::FieldError::new(
            "status",
            "invalid",
            "status must be one of ACTIVE, COMPLETED, PAUSED, ABANDONED, INTEGRATED",
        ))
    })?;
    let req = UpdateCommitment {
        statement: None,
        intention: None,
        measurable: None,
        life_area_id: None,
        status: Some(status),
    };
    let _ = api::update(State(st), web.ctx, Path(id), ApiJson(req)).await?;
    Ok(Redirect::to("/commitments").into_response())
}

/// `POST /commitments/{id}/review`: reviewed now; the next review falls due in 7 days.
pub async fn review(
    State(st): State<AppState>,
    web: Web<Write>,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response, WebError> {
    let _ = api::review(State(st), web.ctx, Path(id)).await?;
    Ok(Redirect::to("/commitments").into_response())
}
