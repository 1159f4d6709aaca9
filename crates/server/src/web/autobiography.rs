//! The autobiography: a timeline by era with its entries, and the entry editor linking events
//! and life areas.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;
use uuid::Uuid;
use wisdomos_app::autobiography::{self as app, EntryChanges};
use wisdomos_app::AppError;
use wisdomos_db::events::EventFilter;
use wisdomos_db::life_areas::{self, LifeAreaFilter};
use wisdomos_db::{autobiography, events};

use super::error::{render_form, WebError};
use super::flash;
use super::session::{CsrfForm, Nav, NoFields, Web};
use super::view::{self, FieldErrors};
use crate::extract::{Read, Write};
use crate::AppState;

/// An entry in the timeline.
pub struct EntryView {
    pub id: Uuid,
    pub when: String,
    pub title: String,
    pub narrative: String,
    pub public: bool,
    pub links: Vec<String>,
}

/// An era with its entries.
pub struct EraView {
    pub id: Uuid,
    pub name: String,
    pub years: String,
    pub description: String,
    pub entries: Vec<EntryView>,
}

/// A checkbox of the editor.
pub struct Check {
    pub value: String,
    pub label: String,
    pub checked: bool,
}

/// Fields of the entry editor.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct EntryForm {
    #[serde(default)]
    pub era_id: String,
    pub year: String,
    pub month: String,
    pub title: String,
    pub narrative: String,
    pub event_ids: Vec<Uuid>,
    pub life_area_ids: Vec<Uuid>,
    pub is_public: Option<String>,
}

impl EntryForm {
    fn request(&self) -> Result<EntryChanges, wisdomos_core::ValidationErrors> {
        let mut errs = wisdomos_core::ValidationErrors::default();
        let era_id = Uuid::parse_str(self.era_id.trim()).ok();
        if era_id.is_none() {
            errs.0.push(wisdomos_core::FieldError::new(
                "eraId",
                "required",
                "choose an era",
            ));
        }
        let year = self.year.trim().parse::<i32>().ok();
        if year.is_none() {
            errs.0.push(wisdomos_core::FieldError::new(
                "year",
                "invalid",
                "year must be a whole number",
            ));
        }
        let month = match self.month.trim() {
            "" => Some(None),
            m => match m.parse::<i64>() {
                Ok(m) => Some(Some(m)),
                Err(_) => {
                    errs.0.push(wisdomos_core::FieldError::new(
                        "month",
                        "invalid",
                        "month must be 1–12",
                    ));
                    None
                }
            },
        };
        errs.finish()?;
        Ok(EntryChanges {
            era_id,
            year,
            month,
            title: Some(self.title.clone()),
            narrative: Some(self.narrative.clone()),
            event_ids: Some(self.event_ids.clone()),
            life_area_ids: Some(self.life_area_ids.clone()),
            is_public: Some(self.is_public.is_some()),
        })
    }
}

#[derive(Template)]
#[template(path = "autobiography.html")]
struct AutobiographyPage {
    nav: Option<Nav>,
    can_write: bool,
    eras: Vec<EraView>,
    editing: Option<Uuid>,
    form: EntryForm,
    errors: FieldErrors,
    era_choices: Vec<view::Choice>,
    event_checks: Vec<Check>,
    area_checks: Vec<Check>,
}

async fn show(
    st: &AppState,
    web: Web<Read>,
    editing: Option<Uuid>,
    form: EntryForm,
    errors: FieldErrors,
) -> Result<Response, WebError> {
    let tz = view::zone(&web.ctx.tenant.timezone);
    let mut tx = web.begin(st).await?;
    let eras = autobiography::eras(&mut tx).await?;
    let entries = autobiography::entries(&mut tx, None).await?;
    let areas = life_areas::list(&mut tx, &LifeAreaFilter::default()).await?;
    let recent = events::list(&mut tx, &EventFilter::default(), None, 60).await?;
    tx.commit().await?;
    let months = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let era_views = eras
        .iter()
        .map(|e| EraView {
            id: e.id,
            name: e.name.clone(),
            years: format!("{}–{}", e.start_year, e.end_year),
            description: e.description.clone().unwrap_or_default(),
            entries: entries
                .iter()
                .filter(|n| n.era_id == e.id)
                .map(|n| EntryView {
                    id: n.id,
                    when: match n.month.and_then(|m| months.get((m - 1).max(0) as usize)) {
                        Some(m) => format!("{m} {}", n.year),
                        None => n.year.to_string(),
                    },
                    title: n.title.clone(),
                    narrative: n.narrative.clone(),
                    public: n.is_public,
                    links: n
                        .life_area_ids
                        .iter()
                        .filter_map(|id| areas.iter().find(|a| a.id == *id).map(|a| a.name.clone()))
                        .chain(n.event_ids.iter().filter_map(|id| {
                            recent
                                .items
                                .iter()
                                .find(|e| e.id == *id)
                                .map(|e| e.title.clone())
                        }))
                        .collect(),
                })
                .collect(),
        })
        .collect();
    let failed = errors.any();
    let page = AutobiographyPage {
        can_write: web.ctx.allows::<Write>(),
        nav: Some(web.nav),
        eras: era_views,
        editing,
        era_choices: eras
            .iter()
            .map(|e| view::Choice {
                value: e.id.to_string(),
                label: format!("{} ({}–{})", e.name, e.start_year, e.end_year),
                selected: e.id.to_string() == form.era_id,
            })
            .collect(),
        event_checks: recent
            .items
            .iter()
            .map(|e| Check {
                value: e.id.to_string(),
                label: format!("{} ({})", e.title, view::date(e.occurred_at, tz)),
                checked: form.event_ids.contains(&e.id),
            })
            .collect(),
        area_checks: areas
            .iter()
            .map(|a| Check {
                value: a.id.to_string(),
                label: a.name.clone(),
                checked: form.life_area_ids.contains(&a.id),
            })
            .collect(),
        form,
        errors,
    };
    render_form(&page, failed)
}

/// `GET /autobiography`.
pub async fn page(State(st): State<AppState>, web: Web<Read>) -> Result<Response, WebError> {
    let year = st.clock.now().format("%Y").to_string();
    show(
        &st,
        web,
        None,
        EntryForm {
            year,
            ..Default::default()
        },
        FieldErrors::default(),
    )
    .await
}

/// `GET /autobiography/entries/{id}/edit`.
pub async fn edit_form(
    State(st): State<AppState>,
    web: Web<Write>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = view::parse_id(&id)?;
    let mut tx = web.begin(&st).await?;
    let e = autobiography::entry(&mut tx, id).await?;
    tx.commit().await?;
    let form = EntryForm {
        era_id: e.era_id.to_string(),
        year: e.year.to_string(),
        month: e.month.map(|m| m.to_string()).unwrap_or_default(),
        title: e.title,
        narrative: e.narrative,
        event_ids: e.event_ids,
        life_area_ids: e.life_area_ids,
        is_public: e.is_public.then(|| "on".to_owned()),
    };
    let read = web.to::<Read>()?;
    show(&st, read, Some(e.id), form, FieldErrors::default()).await
}

async fn refused(
    st: &AppState,
    web: Web<Write>,
    editing: Option<Uuid>,
    form: EntryForm,
    e: AppError,
) -> Result<Response, WebError> {
    match e {
        AppError::Validation(errs) => {
            let read = web.to::<Read>()?;
            show(st, read, editing, form, FieldErrors::from(&errs)).await
        }
        other => Err(other.into()),
    }
}

/// `POST /autobiography/entries`.
pub async fn create(
    State(st): State<AppState>,
    headers: HeaderMap,
    web: Web<Write>,
    CsrfForm(form): CsrfForm<EntryForm>,
) -> Result<Response, WebError> {
    let req = match form.request() {
        Ok(r) => r,
        Err(errs) => return refused(&st, web, None, form, AppError::Validation(errs)).await,
    };
    let mut tx = web.begin(&st).await?;
    match app::create_entry(&mut tx, req, st.clock.now()).await {
        Ok(e) => {
            tx.commit().await?;
            let msg = format!("Entry written: “{}”.", e.title);
            Ok(flash::redirect(&headers, "/autobiography", &msg))
        }
        Err(e) => refused(&st, web, None, form, e).await,
    }
}

/// `POST /autobiography/entries/{id}`.
pub async fn update(
    State(st): State<AppState>,
    headers: HeaderMap,
    web: Web<Write>,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<EntryForm>,
) -> Result<Response, WebError> {
    let id = view::parse_id(&id)?;
    let req = match form.request() {
        Ok(r) => r,
        Err(errs) => return refused(&st, web, Some(id), form, AppError::Validation(errs)).await,
    };
    let mut tx = web.begin(&st).await?;
    match app::update_entry(&mut tx, id, req, st.clock.now()).await {
        Ok(e) => {
            tx.commit().await?;
            let msg = format!("Entry saved: “{}”.", e.title);
            Ok(flash::redirect(&headers, "/autobiography", &msg))
        }
        Err(e) => refused(&st, web, Some(id), form, e).await,
    }
}

/// `POST /autobiography/entries/{id}/delete`: the editor asks first.
pub async fn delete(
    State(st): State<AppState>,
    headers: HeaderMap,
    web: Web<Write>,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response, WebError> {
    let id = view::parse_id(&id)?;
    let mut tx = web.begin(&st).await?;
    let e = app::delete_entry(&mut tx, id).await?;
    tx.commit().await?;
    let msg = format!("Deleted the entry “{}”.", e.title);
    Ok(flash::redirect(&headers, "/autobiography", &msg))
}
