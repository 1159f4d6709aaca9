//! The Display's quick entry: an area (or the classifier's choice), a charge, one line — saved
//! in one action, then Post/Redirect/Get back to the Display, which says what was saved; a
//! reload shows the page again and posts nothing.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use wisdomos_app::events::QuickEntry;
use wisdomos_app::AppError;

use super::error::WebError;
use super::session::{CsrfForm, Web};
use super::view;
use crate::extract::Write;
use crate::AppState;

/// The quick entry's fields as typed.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct QuickForm {
    /// Slug, or empty to let the classifier choose.
    pub area: String,
    pub charge: String,
    pub text: String,
}

/// `POST /quick`.
pub async fn log(
    State(st): State<AppState>,
    web: Web<Write>,
    CsrfForm(form): CsrfForm<QuickForm>,
) -> Result<Response, WebError> {
    let Ok(charge) = form.charge.trim().parse::<i64>() else {
        return Ok(refused(&form, "charge"));
    };
    let entry = QuickEntry {
        area: view::filled(&form.area),
        charge,
        text: form.text.clone(),
    };
    let mut tx = web.begin(&st).await?;
    match wisdomos_app::events::quick_log(&mut tx, &st.config.knowledge, &entry, st.clock.now())
        .await
    {
        Ok((_, logged)) => {
            tx.commit().await?;
            Ok(Redirect::to(&format!(
                "/?logged={}&was={:.1}#quick",
                logged.event.id, logged.previous_score
            ))
            .into_response())
        }
        Err(AppError::Validation(errs)) => {
            let field = errs.0.first().map_or("text", |e| e.field.as_str());
            Ok(refused(&form, field))
        }
        Err(e) => Err(e.into()),
    }
}

/// Back to the Display with the refusal of `field` and what was typed, so nothing is lost.
fn refused(form: &QuickForm, field: &str) -> Response {
    let text: String = form.text.chars().take(400).collect();
    let query = serde_html_form::to_string([
        ("quick", field),
        ("text", text.as_str()),
        ("area", form.area.trim()),
        ("charge", form.charge.trim()),
    ])
    .unwrap_or_default();
    Redirect::to(&format!("/?{query}#quick")).into_response()
}
