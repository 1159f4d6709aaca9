//! Events: the form (with an area proposed as you type), the saved page with the new score and
//! suggested insights, edit and delete (the timeline is in `timeline`).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono_tz::Tz;
use serde::Deserialize;
use wisdomos_core::event::{EventCategory, EventTone, EventType};
use wisdomos_core::{FieldError, ValidationErrors};
use wisdomos_db::life_areas;
use wisdomos_db::life_areas::LifeArea;

use wisdomos_app::event_fields::EventChanges;
use wisdomos_app::events as app;
use wisdomos_app::AppError;
use wisdomos_db::insights::Insight;

use super::error::{render, render_form, WebError};
use super::flash;
use super::session::{CsrfForm, Nav, NoFields, Web};
use super::view::{self, AreaCard, Choice, FieldErrors};
use crate::extract::{Read, Write};
use crate::AppState;

/// The fields of the event form, as typed.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct EventForm {
    #[serde(default)]
    pub life_area_id: String,
    #[serde(rename = "type")]
    pub event_type: String,
    pub category: String,
    pub tone: String,
    pub title: String,
    pub description: String,
    pub narrative: String,
    /// `datetime-local` in the workspace's zone; empty means now.
    pub occurred_at: String,
    pub emotional_charge: String,
    /// Comma-separated.
    pub tags: String,
}

impl EventForm {
    /// The API request, or the fields that cannot even be read. `editing` keeps an emptied
    /// narrative as "clear it".
    fn request(&self, tz: Tz, editing: bool) -> Result<EventChanges, ValidationErrors> {
        let mut errs = ValidationErrors::default();
        fn pick<T: Copy>(
            errs: &mut ValidationErrors,
            field: &str,
            raw: &str,
            parse: fn(&str) -> Option<T>,
        ) -> Option<T> {
            if raw.trim().is_empty() {
                return None;
            }
            let v = parse(raw.trim());
            if v.is_none() {
                errs.0.push(FieldError::new(
                    field,
                    "invalid",
                    format!("choose a {field} from the list"),
                ));
            }
            v
        }
        let event_type = pick(&mut errs, "type", &self.event_type, EventType::parse);
        let category = pick(&mut errs, "category", &self.category, EventCategory::parse);
        let tone = pick(&mut errs, "tone", &self.tone, EventTone::parse);
        let occurred_at = match view::filled(&self.occurred_at) {
            None => None,
            Some(s) => {
                let t = view::parse_local(&s, tz);
                if t.is_none() {
                    errs.0.push(FieldError::new(
                        "occurredAt",
                        "invalid",
                        "When: enter a date and time, such as 2026-12-06 14:30.",
                    ));
                }
                t
            }
        };
        let emotional_charge = match self.emotional_charge.trim() {
            "" => None,
            s => match s.parse::<i64>() {
                Ok(c) => Some(c),
                Err(_) => {
                    errs.0.push(FieldError::new(
                        "emotionalCharge",
                        "invalid",
                        "Charge: enter a whole number from −5 to +5.",
                    ));
                    None
                }
            },
        };
        errs.finish()?;
        Ok(EventChanges {
            area: view::filled(&self.life_area_id),
            event_type,
            category,
            tone,
            title: Some(self.title.clone()),
            description: Some(self.description.clone()),
            narrative: if editing {
                Some(self.narrative.clone())
            } else {
                view::filled(&self.narrative)
            },
            occurred_at,
            emotional_charge,
            tags: Some(view::split_tags(&self.tags)),
        })
    }
}

#[derive(Template)]
#[template(path = "event_form.html")]
struct FormPage {
    nav: Option<Nav>,
    /// `None` for a new event.
    editing: Option<uuid::Uuid>,
    form: EventForm,
    errors: FieldErrors,
    areas: Vec<Choice>,
    types: Vec<Choice>,
    categories: Vec<Choice>,
    tones: Vec<Choice>,
    charge: i64,
}

pub(super) async fn areas(
    st: &AppState,
    web: &Web<impl crate::extract::Need>,
) -> Result<Vec<LifeArea>, WebError> {
    let mut tx = web.begin(st).await?;
    let a = life_areas::active(&mut tx).await?;
    tx.commit().await?;
    Ok(a)
}

fn form_page(
    nav: Nav,
    editing: Option<uuid::Uuid>,
    form: EventForm,
    errors: FieldErrors,
    areas: &[LifeArea],
) -> FormPage {
    let types: Vec<&str> = EventType::ALL.iter().map(|v| v.as_str()).collect();
    let cats: Vec<&str> = EventCategory::ALL.iter().map(|v| v.as_str()).collect();
    let tones: Vec<&str> = EventTone::ALL.iter().map(|v| v.as_str()).collect();
    FormPage {
        nav: Some(nav),
        editing,
        areas: view::area_choices(areas, &form.life_area_id),
        types: view::choices(&types, &form.event_type),
        categories: view::choices(&cats, &form.category),
        tones: view::choices(&tones, &form.tone),
        charge: form.emotional_charge.trim().parse().unwrap_or(0),
        form,
        errors,
    }
}

/// Query of `GET /events/new`: an area to preselect.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewQuery {
    pub life_area: Option<String>,
}

/// `GET /events/new`.
pub async fn new_form(
    State(st): State<AppState>,
    web: Web<Write>,
    Query(q): Query<NewQuery>,
) -> Result<Response, WebError> {
    let tz = view::zone(&web.ctx.tenant.timezone);
    let areas = areas(&st, &web).await?;
    let form = EventForm {
        life_area_id: q.life_area.unwrap_or_default(),
        event_type: "PROGRESS".into(),
        category: "PERSONAL".into(),
        tone: "NEUTRAL".into(),
        occurred_at: view::local_input(st.clock.now(), tz),
        emotional_charge: "0".into(),
        ..Default::default()
    };
    render(&form_page(
        web.nav,
        None,
        form,
        FieldErrors::default(),
        &areas,
    ))
}

#[derive(Template)]
#[template(path = "event_saved.html")]
struct SavedPage {
    nav: Option<Nav>,
    event_id: uuid::Uuid,
    title: String,
    area: AreaCard,
    previous: Option<f64>,
    updated: f64,
    suggested: Vec<Insight>,
}

/// Shows the form again with the errors beside the fields (422).
async fn refused(
    st: &AppState,
    web: Web<Write>,
    editing: Option<uuid::Uuid>,
    form: EventForm,
    e: AppError,
) -> Result<Response, WebError> {
    let errors = match e {
        AppError::Validation(errs) => FieldErrors::from(&errs),
        other => return Err(other.into()),
    };
    let areas = areas(st, &web).await?;
    let page = form_page(web.nav, editing, form, errors, &areas);
    render_form(&page, true)
}

/// `POST /events`: logs the event, then (Post/Redirect/Get, so a reload adds nothing) shows
/// the area's new score and related insights on `/events/{id}/saved`.
pub async fn create(
    State(st): State<AppState>,
    web: Web<Write>,
    CsrfForm(form): CsrfForm<EventForm>,
) -> Result<Response, WebError> {
    let tz = view::zone(&web.ctx.tenant.timezone);
    let req = match form.request(tz, false) {
        Ok(r) => r,
        Err(errs) => return refused(&st, web, None, form, AppError::Validation(errs)).await,
    };
    let mut tx = web.begin(&st).await?;
    match app::log(&mut tx, &req, st.clock.now()).await {
        Ok(logged) => {
            tx.commit().await?;
            let to = format!(
                "/events/{}/saved?was={:.1}",
                logged.event.id, logged.previous_score
            );
            Ok(Redirect::to(&to).into_response())
        }
        Err(e) => refused(&st, web, None, form, e).await,
    }
}

/// What the saved page was told: the area's score before the event.
#[derive(Debug, Default, Deserialize)]
pub struct SavedQuery {
    pub was: Option<f64>,
}

/// `GET /events/{id}/saved`: the event's area with its score now (and before, when known) and
/// up to 3 insights related to the event.
pub async fn saved(
    State(st): State<AppState>,
    web: Web<Read>,
    Path(id): Path<String>,
    Query(q): Query<SavedQuery>,
) -> Result<Response, WebError> {
    let id = view::parse_id(&id)?;
    let mut tx = web.begin(&st).await?;
    let event = wisdomos_db::events::get(&mut tx, id).await?;
    let area = life_areas::get(&mut tx, &event.life_area_id.to_string()).await?;
    let suggested = app::suggest_insights(&mut tx, &event).await?;
    tx.commit().await?;
    render(&SavedPage {
        nav: Some(web.nav),
        event_id: event.id,
        title: event.title,
        updated: area.current_score,
        area: AreaCard::from(&area),
        previous: q.was.filter(|w| (0.0..=100.0).contains(w)),
        suggested,
    })
}

/// `GET /events/{id}/edit`.
pub async fn edit_form(
    State(st): State<AppState>,
    web: Web<Write>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let tz = view::zone(&web.ctx.tenant.timezone);
    let id = view::parse_id(&id)?;
    let mut tx = web.begin(&st).await?;
    let e = wisdomos_db::events::get(&mut tx, id).await?;
    tx.commit().await?;
    let areas = areas(&st, &web).await?;
    let form = EventForm {
        life_area_id: e.life_area_id.to_string(),
        event_type: e.event_type,
        category: e.category,
        tone: e.tone,
        title: e.title,
        description: e.description,
        narrative: e.narrative.unwrap_or_default(),
        occurred_at: view::local_input(e.occurred_at, tz),
        emotional_charge: e.emotional_charge.to_string(),
        tags: e.tags.join(", "),
    };
    render(&form_page(
        web.nav,
        Some(e.id),
        form,
        FieldErrors::default(),
        &areas,
    ))
}

/// `, score 50.0 → 65.0 in Work` for each area a change touched.
fn moves(changed: &app::Changed, areas: &[LifeArea]) -> String {
    changed
        .areas
        .iter()
        .filter(|c| (c.previous_score - c.updated_score).abs() >= 0.05)
        .map(|c| {
            let name = areas
                .iter()
                .find(|a| a.id == c.life_area_id)
                .map_or("its area", |a| a.name.as_str());
            format!(
                "; {name} went from {:.1} to {:.1}",
                c.previous_score, c.updated_score
            )
        })
        .collect()
}

/// `POST /events/{id}`: saves the changes; back to the area with a confirmation.
pub async fn update(
    State(st): State<AppState>,
    headers: axum::http::HeaderMap,
    web: Web<Write>,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<EventForm>,
) -> Result<Response, WebError> {
    let tz = view::zone(&web.ctx.tenant.timezone);
    let id = view::parse_id(&id)?;
    let req = match form.request(tz, true) {
        Ok(r) => r,
        Err(errs) => return refused(&st, web, Some(id), form, AppError::Validation(errs)).await,
    };
    let mut tx = web.begin(&st).await?;
    match app::update(&mut tx, id, &req, st.clock.now()).await {
        Ok(changed) => {
            let all = life_areas::list(&mut tx, &Default::default()).await?;
            tx.commit().await?;
            let slug = all
                .iter()
                .find(|a| a.id == changed.event.life_area_id)
                .map_or("", |a| a.slug.as_str());
            let msg = format!("Event saved{}.", moves(&changed, &all));
            Ok(flash::redirect(&headers, &format!("/areas/{slug}"), &msg))
        }
        Err(e) => refused(&st, web, Some(id), form, e).await,
    }
}

/// `POST /events/{id}/delete`: the form asks first; the area's score is recomputed.
pub async fn delete(
    State(st): State<AppState>,
    headers: axum::http::HeaderMap,
    web: Web<Write>,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response, WebError> {
    let id = view::parse_id(&id)?;
    let mut tx = web.begin(&st).await?;
    let changed = app::delete(&mut tx, id, st.clock.now()).await?;
    let all = life_areas::list(&mut tx, &Default::default()).await?;
    tx.commit().await?;
    let msg = format!(
        "Deleted the event “{}”{}.",
        changed.event.title,
        moves(&changed, &all)
    );
    Ok(flash::redirect(&headers, "/events", &msg))
}

/// Body of the area suggestion request (the form's title and description).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SuggestForm {
    #[serde(default)]
    pub title: String,
    pub description: String,
}

#[derive(Template)]
#[template(path = "area_suggestions.html")]
struct Suggestions {
    items: Vec<(String, String, u32)>,
}

/// `POST /events/suggest-area` (htmx, as the user types): the classifier's best areas.
pub async fn suggest_area(
    State(st): State<AppState>,
    web: Web<Read>,
    CsrfForm(form): CsrfForm<SuggestForm>,
) -> Result<Response, WebError> {
    let text = format!("{} {}", form.title, form.description);
    let items = if text.trim().chars().count() < 3 {
        Vec::new()
    } else {
        let text: String = text
            .chars()
            .take(wisdomos_app::classify::TEXT_MAX)
            .collect();
        let mut tx = web.begin(&st).await?;
        let found =
            wisdomos_app::classify::suggest_areas(&mut tx, &st.config.knowledge, &text, 3).await?;
        tx.commit().await?;
        found
            .into_iter()
            .map(|(a, c)| (a.slug, a.name, (c * 100.0).round() as u32))
            .collect()
    };
    render(&Suggestions { items })
}
