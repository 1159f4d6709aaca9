//! First run: a self-assessment of the 30 areas (a slider each, grouped by cluster, skippable),
//! which sets each area's baseline; the same page re-assesses later.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use wisdomos_core::life_area::LifeAreaCluster;
use wisdomos_db::{life_areas, TenantTx};

use super::error::{render, WebError};
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
}

/// `GET /onboarding`.
pub async fn page(State(st): State<AppState>, web: Web<Read>) -> Result<Response, WebError> {
    let mut tx = TenantTx::begin(&st.db, &web.ctx.scope).await?;
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
                    value: a.baseline.round() as i64,
                })
                .collect(),
        })
        .filter(|g| !g.sliders.is_empty())
        .collect();
    render(&Page {
        nav: Some(web.nav),
        groups,
        again,
    })
}

/// `POST /onboarding`: every slider's value (area slug → 0–100) as one assessment; then the
/// Display, with a confirmation.
pub async fn save(
    State(st): State<AppState>,
    web: Web<Write>,
    CsrfForm(form): CsrfForm<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    let ratings: BTreeMap<String, i64> = form
        .into_iter()
        .filter(|(k, _)| k != "_csrf")
        .map(|(k, v)| (k, v.trim().parse::<i64>().unwrap_or(-1)))
        .collect();
    let mut tx = TenantTx::begin(&st.db, &web.ctx.scope).await?;
    wisdomos_app::assessments::assess(&mut tx, web.ctx.user_id, &ratings, st.clock.now()).await?;
    tx.commit().await?;
    Ok(Redirect::to("/?done=assessed").into_response())
}
