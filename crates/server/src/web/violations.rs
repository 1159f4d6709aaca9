//! The violation forms of a boundary's page: log one, correct its time or note, remove one
//! logged by mistake. Each answers with a confirmation saying how the area's score moved.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::Deserialize;
use uuid::Uuid;
use wisdomos_app::areas::ScoreChange;
use wisdomos_app::boundaries::{self as app, ViolationInput};
use wisdomos_app::AppError;
use wisdomos_db::boundaries::Violation;

use super::boundaries::{show_detail, BoundaryForm};
use super::error::WebError;
use super::flash;
use super::session::{CsrfForm, NoFields, Web};
use super::view::{self, FieldErrors};
use crate::extract::{Read, Write};
use crate::AppState;

/// A violation in the history, with the values of its correction form.
pub struct ViolationRow {
    pub id: Uuid,
    pub when: String,
    pub when_local: String,
    pub note: String,
}

impl ViolationRow {
    /// `v` as shown in `tz`.
    pub fn new(v: &Violation, tz: Tz) -> Self {
        Self {
            id: v.id,
            when: view::date_time(v.occurred_at, tz),
            when_local: view::local_input(v.occurred_at, tz),
            note: v.note.clone().unwrap_or_default(),
        }
    }
}

/// What the forms of a boundary's page hold when one was refused: the typed values and the
/// errors beside the fields.
#[derive(Default)]
pub struct DetailForms {
    /// The log form's note and errors.
    pub note: String,
    pub errors: FieldErrors,
    /// The edit form as typed, when it was refused.
    pub edit: Option<BoundaryForm>,
    pub edit_errors: FieldErrors,
    /// The violation whose correction was refused, and why.
    pub fix: Option<Uuid>,
    pub fix_errors: FieldErrors,
}

impl DetailForms {
    /// The edit form refused with `errors`.
    pub fn edit(form: BoundaryForm, errors: FieldErrors) -> Self {
        Self {
            edit: Some(form),
            edit_errors: errors,
            ..Self::default()
        }
    }

    /// Whether a form was refused (the page answers 422).
    pub fn failed(&self) -> bool {
        self.errors.any() || self.edit_errors.any() || self.fix_errors.any()
    }

    /// Whether `id` is the violation whose correction was refused.
    pub fn fixing(&self, id: &Uuid) -> bool {
        self.fix.as_ref() == Some(id)
    }
}

/// `, score 70.0 → 80.0` for a confirmation, empty when the score did not move.
pub fn score_words(s: &ScoreChange) -> String {
    if (s.previous_score - s.updated_score).abs() < 0.05 {
        String::new()
    } else {
        format!(
            "; the area's score went from {:.1} to {:.1}",
            s.previous_score, s.updated_score
        )
    }
}

/// Fields of the violation forms; `back` is where to return (a path of this site).
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ViolationForm {
    pub occurred_at: String,
    pub note: String,
    pub back: Option<String>,
}

/// The form's time in `tz`: blank → `None` (now, or unchanged), unreadable → the field error.
fn when(form: &ViolationForm, tz: Tz) -> Result<Option<DateTime<Utc>>, FieldErrors> {
    match form.occurred_at.trim() {
        "" => Ok(None),
        s => view::parse_local(s, tz).map(Some).ok_or_else(|| {
            FieldErrors(vec![(
                "occurredAt".into(),
                "When: enter a date and time, such as 2026-12-06 14:30.".into(),
            )])
        }),
    }
}

/// `POST /boundaries/{id}/violations`: logs one violation; the area's score drops. A refused
/// form comes back on the boundary's page with the errors beside the fields.
pub async fn log(
    State(st): State<AppState>,
    headers: HeaderMap,
    web: Web<Write>,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<ViolationForm>,
) -> Result<Response, WebError> {
    let tz = view::zone(&web.ctx.tenant.timezone);
    let bid = view::parse_id(&id)?;
    let note = form.note.trim().to_owned();
    let refused = |errors| DetailForms {
        note: note.clone(),
        errors,
        ..DetailForms::default()
    };
    let at = match when(&form, tz) {
        Ok(t) => t,
        Err(e) => return show_detail(&st, web.to::<Read>()?, &id, refused(e)).await,
    };
    let input = ViolationInput {
        occurred_at: at,
        note: view::filled(&note),
    };
    let mut tx = web.begin(&st).await?;
    match app::log_violation(&mut tx, bid, &input, st.clock.now()).await {
        Ok(o) => {
            tx.commit().await?;
            let back = view::local_path(form.back.as_deref(), &format!("/boundaries/{id}"));
            let msg = format!("Violation logged{}.", score_words(&o.score));
            Ok(flash::redirect(&headers, &back, &msg))
        }
        Err(AppError::Validation(errs)) => {
            let forms = refused(FieldErrors::from(&errs));
            show_detail(&st, web.to::<Read>()?, &id, forms).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /boundaries/{id}/violations/{vid}`: corrects a violation's time or note.
pub async fn correct(
    State(st): State<AppState>,
    headers: HeaderMap,
    web: Web<Write>,
    Path((id, vid)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<ViolationForm>,
) -> Result<Response, WebError> {
    let tz = view::zone(&web.ctx.tenant.timezone);
    let (bid, v) = (view::parse_id(&id)?, view::parse_id(&vid)?);
    let refused = |fix_errors| DetailForms {
        fix: Some(v),
        fix_errors,
        ..DetailForms::default()
    };
    let at = match when(&form, tz) {
        Ok(t) => t,
        Err(e) => return show_detail(&st, web.to::<Read>()?, &id, refused(e)).await,
    };
    let input = ViolationInput {
        occurred_at: at,
        note: Some(form.note.trim().to_owned()),
    };
    let mut tx = web.begin(&st).await?;
    match app::correct_violation(&mut tx, bid, v, &input, st.clock.now()).await {
        Ok(o) => {
            tx.commit().await?;
            let msg = format!("Violation corrected{}.", score_words(&o.score));
            Ok(flash::redirect(
                &headers,
                &format!("/boundaries/{id}"),
                &msg,
            ))
        }
        Err(AppError::Validation(errs)) => {
            let forms = refused(FieldErrors::from(&errs));
            show_detail(&st, web.to::<Read>()?, &id, forms).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /boundaries/{id}/violations/{vid}/delete`: removes a violation logged by mistake; the
/// score recovers.
pub async fn remove(
    State(st): State<AppState>,
    headers: HeaderMap,
    web: Web<Write>,
    Path((id, vid)): Path<(String, String)>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response, WebError> {
    let (bid, v) = (view::parse_id(&id)?, view::parse_id(&vid)?);
    let mut tx = web.begin(&st).await?;
    let o = app::delete_violation(&mut tx, bid, v, st.clock.now()).await?;
    tx.commit().await?;
    let msg = format!("Violation removed{}.", score_words(&o.score));
    Ok(flash::redirect(
        &headers,
        &format!("/boundaries/{id}"),
        &msg,
    ))
}
