//! First run: a self-assessment of the 30 areas (a slider each, grouped by cluster, skippable),
//! which sets each area's baseline; the same page re-assesses later.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use wisdomos_app::AppError;
use wisdomos_core::life_area::LifeAreaCluster;
use wisdomos_db::life_areas;

use super::error::{render_form, WebError};
use super::session::{CsrfForm, Nav, Web};
use super::view;
use crate::extract::{Read, Write};
use crate::AppState;

/// One slider.
pub struct Slider {
    pub slug: String,
    pub name: String,
    pub description: String,
    pub value: i64,
    /// Why the value sent was refused, in words; empty when it was not.
    pub error: String,
}

/// One cluster of sliders.
pub struct Group {
    pub key: String,
    pub name: String,
    pub sliders: Vec<Slider>,
}

#[derive(Template)]
#[template(path = "onboarding.html")]
struct Page {
    nav: Option<Nav>,
    groups: Vec<Group>,
    /// Whether the workspace was assessed before (then this is a re-assessment).
    again: bool,
    /// Whether a value sent was refused.
    failed: bool,
}

/// `GET /onboarding`.
pub async fn page(State(st): State<AppState>, web: Web<Read>) -> Result<Response, WebError> {
    show(&st, web, &BTreeMap::new(), &BTreeMap::new()).await
}

/// The page with the values as sent (`typed`, by slug) and the refusals (`errors`, by slug).
async fn show(
    st: &AppState,
    web: Web<Read>,
    typed: &BTreeMap<String, String>,
    errors: &BTreeMap<String, String>,
) -> Result<Response, WebError> {
    let mut tx = web.begin(st).await?;
    let areas = life_areas::active(&mut tx).await?;
    let again = wisdomos_db::assessments::any(&mut tx).await?;
    tx.commit().await?;
    let groups = LifeAreaCluster::ALL
        .iter()
        .map(|c| Group {
            key: c.as_str().to_lowercase(),
            name: view::cluster_name(c.as_str()),
            sliders: areas
                .iter()
                .filter(|a| a.cluster == c.as_str())
                .map(|a| Slider {
                    slug: a.slug.clone(),
                    name: a.name.clone(),
                    description: a.description.clone().unwrap_or_default(),
                    value: typed
                        .get(&a.slug)
                        .and_then(|v| v.trim().parse::<i64>().ok())
                        .filter(|v| (0..=100).contains(v))
                        .unwrap_or(a.baseline.round() as i64),
                    error: errors
                        .get(&a.slug)
                        .map(|_| format!("{}: choose a value from 0 to 100.", a.name))
                        .unwrap_or_default(),
                })
                .collect(),
        })
        .filter(|g| !g.sliders.is_empty())
        .collect();
    render_form(
        &Page {
            nav: Some(web.nav),
            groups,
            again,
            failed: !errors.is_empty(),
        },
        !errors.is_empty(),
    )
}

/// `POST /onboarding`: every slider's value (area slug → 0–100) as one assessment; then the
/// Display, with a confirmation. A value that is not a whole number from 0 to 100 brings the
/// page back with the refusal beside its slider.
pub async fn save(
    State(st): State<AppState>,
    web: Web<Write>,
    CsrfForm(form): CsrfForm<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    let typed: BTreeMap<String, String> = form.into_iter().filter(|(k, _)| k != "_csrf").collect();
    let ratings: BTreeMap<String, i64> = typed
        .iter()
        .map(|(k, v)| (k.clone(), v.trim().parse::<i64>().unwrap_or(-1)))
        .collect();
    let mut tx = web.begin(&st).await?;
    match wisdomos_app::assessments::assess(&mut tx, web.ctx.user_id, &ratings, st.clock.now())
        .await
    {
        Ok(_) => {
            tx.commit().await?;
            Ok(Redirect::to("/?done=assessed").into_response())
        }
        Err(AppError::Validation(errs)) => {
            drop(tx);
            let errors = errs
                .0
                .iter()
                .map(|f| {
                    let slug = f.field.strip_prefix("ratings.").unwrap_or(&f.field);
                    (slug.to_owned(), f.message.clone())
                })
                .collect();
            show(&st, web.to::<Read>()?, &typed, &errors).await
        }
        Err(e) => Err(e.into()),
    }
}
