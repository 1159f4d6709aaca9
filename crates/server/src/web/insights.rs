//! The insights panel: recurring patterns and insights, a form to record one, pattern detection
//! on demand, and the integration flow that turns an insight into a commitment (seed 001
//! `InsightIntegrationFlow`).

use askama::Template;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;
use uuid::Uuid;
use wisdomos_app::insights::{self as app, InsightChanges};
use wisdomos_app::AppError;
use wisdomos_core::event::InsightType;
use wisdomos_db::life_areas;
use wisdomos_db::{events, found, insights};

use super::commitments::CommitmentForm;
use super::error::{render_form, WebError};
use super::flash;
use super::session::{CsrfForm, Nav, NoFields, Web};
use super::view::{self, Choice, FieldErrors};
use crate::extract::{Read, Write};
use crate::AppState;

/// An insight as a card.
pub struct InsightCard {
    pub id: Uuid,
    pub kind: String,
    pub title: String,
    pub description: String,
    pub recurring: bool,
    pub frequency: i32,
    pub tags: Vec<String>,
    pub applied: String,
    pub created: String,
}

#[derive(Template)]
#[template(path = "insights.html")]
struct InsightsPage {
    nav: Option<Nav>,
    can_write: bool,
    patterns: Vec<InsightCard>,
    others: Vec<InsightCard>,
    types: Vec<Choice>,
    form: InsightForm,
    errors: FieldErrors,
}

/// Fields of the new-insight form.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct InsightForm {
    #[serde(rename = "type")]
    pub insight_type: String,
    pub title: String,
    pub description: String,
    pub tags: String,
}

fn card(i: &insights::Insight, tz: chrono_tz::Tz) -> InsightCard {
    InsightCard {
        id: i.id,
        kind: view::words(&i.insight_type),
        title: i.title.clone(),
        description: i.description.clone(),
        recurring: i.is_recurring,
        frequency: i.frequency,
        tags: i.tags.clone(),
        applied: i.applied_at.map(|t| view::date(t, tz)).unwrap_or_default(),
        created: view::date(i.created_at, tz),
    }
}

async fn show(
    st: &AppState,
    web: Web<Read>,
    form: InsightForm,
    errors: FieldErrors,
) -> Result<Response, WebError> {
    let tz = view::zone(&web.ctx.tenant.timezone);
    let mut tx = web.begin(st).await?;
    let all = insights::list(&mut tx, None, None, 200).await?;
    tx.commit().await?;
    let (patterns, others): (Vec<_>, Vec<_>) = all.items.iter().partition(|i| i.is_recurring);
    let types: Vec<&str> = InsightType::ALL.iter().map(|t| t.as_str()).collect();
    let failed = errors.any();
    let page = InsightsPage {
        can_write: web.ctx.allows::<Write>(),
        nav: Some(web.nav),
        patterns: patterns.iter().map(|i| card(i, tz)).collect(),
        others: others.iter().map(|i| card(i, tz)).collect(),
        types: view::choices(&types, &form.insight_type),
        form,
        errors,
    };
    render_form(&page, failed)
}

/// `GET /insights`.
pub async fn page(State(st): State<AppState>, web: Web<Read>) -> Result<Response, WebError> {
    show(
        &st,
        web,
        InsightForm {
            insight_type: "TRUTH_REVEALED".into(),
            ..Default::default()
        },
        FieldErrors::default(),
    )
    .await
}

impl InsightForm {
    fn changes(&self) -> InsightChanges {
        InsightChanges {
            insight_type: InsightType::parse(self.insight_type.trim()),
            title: Some(self.title.clone()),
            description: Some(self.description.clone()),
            tags: Some(view::split_tags(&self.tags)),
            ..Default::default()
        }
    }
}

/// `POST /insights`: records an insight by hand.
pub async fn create(
    State(st): State<AppState>,
    headers: HeaderMap,
    web: Web<Write>,
    CsrfForm(form): CsrfForm<InsightForm>,
) -> Result<Response, WebError> {
    let mut tx = web.begin(&st).await?;
    match app::create(&mut tx, form.changes(), st.clock.now()).await {
        Ok(i) => {
            tx.commit().await?;
            let msg = format!("Insight saved: “{}”.", i.title);
            Ok(flash::redirect(&headers, "/insights", &msg))
        }
        Err(AppError::Validation(errs)) => {
            show(
                &st,
                web.to::<Read>()?,
                form,
                FieldErrors::from(&errs).labelled("description", "What you saw"),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /insights/detect`: queues pattern detection now (the nightly job's work).
pub async fn detect(
    State(st): State<AppState>,
    headers: HeaderMap,
    web: Web<Write>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response, WebError> {
    let mut tx = web.begin(&st).await?;
    app::queue_detection(&mut tx, st.clock.now()).await?;
    tx.commit().await?;
    let msg =
        "Looking for patterns: new ones appear on the Insights page when the job below is done.";
    Ok(flash::redirect(&headers, "/settings#jobs", msg))
}

#[derive(Template)]
#[template(path = "insight_edit.html")]
struct EditPage {
    nav: Option<Nav>,
    id: Uuid,
    types: Vec<Choice>,
    form: InsightForm,
    errors: FieldErrors,
}

async fn show_edit(
    st: &AppState,
    web: Web<Write>,
    id: Uuid,
    form: Option<InsightForm>,
    errors: FieldErrors,
) -> Result<Response, WebError> {
    let mut tx = web.begin(st).await?;
    let i = insights::get(&mut tx, id).await?;
    tx.commit().await?;
    let form = form.unwrap_or_else(|| InsightForm {
        insight_type: i.insight_type.clone(),
        title: i.title.clone(),
        description: i.description.clone(),
        tags: i.tags.join(", "),
    });
    let types: Vec<&str> = InsightType::ALL.iter().map(|t| t.as_str()).collect();
    let failed = errors.any();
    let page = EditPage {
        nav: Some(web.nav),
        id,
        types: view::choices(&types, &form.insight_type),
        form,
        errors,
    };
    render_form(&page, failed)
}

/// `GET /insights/{id}/edit`: the insight's fields and a confirmed delete.
pub async fn edit_form(
    State(st): State<AppState>,
    web: Web<Write>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = view::parse_id(&id)?;
    show_edit(&st, web, id, None, FieldErrors::default()).await
}

/// `POST /insights/{id}`: saves the kind, title, description and tags.
pub async fn update(
    State(st): State<AppState>,
    headers: HeaderMap,
    web: Web<Write>,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<InsightForm>,
) -> Result<Response, WebError> {
    let id = view::parse_id(&id)?;
    let mut tx = web.begin(&st).await?;
    match app::update(&mut tx, id, form.changes(), st.clock.now()).await {
        Ok(i) => {
            tx.commit().await?;
            let to = format!("/insights#insight-{}", i.id);
            Ok(flash::redirect(&headers, &to, "Insight saved."))
        }
        Err(AppError::Validation(errs)) => {
            show_edit(
                &st,
                web,
                id,
                Some(form),
                FieldErrors::from(&errs).labelled("description", "What you saw"),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /insights/{id}/delete`: deletes it (the edit page asks first).
pub async fn delete(
    State(st): State<AppState>,
    headers: HeaderMap,
    web: Web<Write>,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response, WebError> {
    let id = view::parse_id(&id)?;
    let mut tx = web.begin(&st).await?;
    let i = app::delete(&mut tx, id).await?;
    tx.commit().await?;
    let msg = format!("Deleted the insight “{}”.", i.title);
    Ok(flash::redirect(&headers, "/insights", &msg))
}

#[derive(Template)]
#[template(path = "insight_apply.html")]
struct ApplyPage {
    nav: Option<Nav>,
    insight: InsightCard,
    areas: Vec<Choice>,
    form: CommitmentForm,
    errors: FieldErrors,
}

async fn apply_page(
    st: &AppState,
    web: Web<Write>,
    id: Uuid,
    form: Option<CommitmentForm>,
    errors: FieldErrors,
) -> Result<Response, WebError> {
    let tz = view::zone(&web.ctx.tenant.timezone);
    let mut tx = web.begin(st).await?;
    let i = insights::get(&mut tx, id).await?;
    let areas = life_areas::active(&mut tx).await?;
    let event_area = match i.event_id.or(i.related_events.first().copied()) {
        // The event may have been deleted since; then no area is proposed.
        Some(e) => found(events::get(&mut tx, e).await)?.map(|e| e.life_area_id.to_string()),
        None => None,
    };
    tx.commit().await?;
    let form = form.unwrap_or_else(|| CommitmentForm {
        statement: format!("I will act on this: {}", i.title),
        intention: i.description.clone(),
        measurable: String::new(),
        life_area_id: event_area.unwrap_or_default(),
    });
    let failed = errors.any();
    let page = ApplyPage {
        nav: Some(web.nav),
        insight: card(&i, tz),
        areas: view::area_choices(&areas, &form.life_area_id),
        form,
        errors,
    };
    render_form(&page, failed)
}

/// `GET /insights/{id}/apply`.
pub async fn apply_form(
    State(st): State<AppState>,
    web: Web<Write>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = view::parse_id(&id)?;
    apply_page(&st, web, id, None, FieldErrors::default()).await
}

/// `POST /insights/{id}/apply`: makes the commitment and marks the insight applied, in one
/// transaction.
pub async fn apply(
    State(st): State<AppState>,
    headers: HeaderMap,
    web: Web<Write>,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<CommitmentForm>,
) -> Result<Response, WebError> {
    let id = view::parse_id(&id)?;
    let mut tx = web.begin(&st).await?;
    let new = form.request(Some(id));
    match wisdomos_app::commitments::create(&mut tx, &new, st.clock.now()).await {
        Ok(c) => {
            tx.commit().await?;
            let msg = format!("Insight applied: you committed to “{}”.", c.statement);
            Ok(flash::redirect(&headers, "/commitments", &msg))
        }
        Err(AppError::Validation(errs)) => {
            apply_page(
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
