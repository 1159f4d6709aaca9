//! Logging life events: the full form and the API (`record`), and the Display's one-line quick
//! entry (`quick_log`), each recomputing the area's score in the same transaction.

use chrono::{DateTime, Utc};
use wisdomos_core::classify::DEFAULT_THRESHOLD;
use wisdomos_core::event::rules;
use wisdomos_core::score::ScoreBreakdown;
use wisdomos_core::{import, text, FieldError, ValidationErrors};
use wisdomos_db::events::{self, Event, EventFields};
use wisdomos_db::insights::{self, Insight};
use wisdomos_db::life_areas::{self, LifeArea, LockedArea};
use wisdomos_db::{DbError, TenantTx};

use crate::import::DEFAULT_AREA;
use crate::AppError;

/// A logged event and what it did to its area.
#[derive(Debug, Clone)]
pub struct Logged {
    pub event: Event,
    /// The area's score before the event, 0–100.
    pub previous_score: f64,
    /// The area's score and factors after it.
    pub breakdown: ScoreBreakdown,
    /// Up to 3 existing insights related to the event ([`suggest_insights`]).
    pub suggested: Vec<Insight>,
}

/// Writes an event of `area` (already locked by the caller, so the recomputation needs no lock
/// of its own) and recomputes the area's score.
pub async fn record(
    tx: &mut TenantTx,
    area: LockedArea,
    f: &EventFields,
    now: DateTime<Utc>,
) -> Result<Logged, AppError> {
    let event = events::create(tx, f, now).await?;
    let (previous_score, breakdown) = life_areas::recompute_locked(tx, area, now).await?;
    let suggested = suggest_insights(tx, &event).await?;
    Ok(Logged {
        event,
        previous_score,
        breakdown,
        suggested,
    })
}

/// Up to 3 of the 200 latest insights that share tags or terms with `event`, most related first
/// (`wisdomos_core::text::relatedness`).
pub async fn suggest_insights(tx: &mut TenantTx, event: &Event) -> Result<Vec<Insight>, AppError> {
    let terms = text::terms(&format!(
        "{} {} {}",
        event.title,
        event.description,
        event.narrative.as_deref().unwrap_or("")
    ));
    let mut scored: Vec<(u32, Insight)> = insights::recent(tx, 200)
        .await?
        .into_iter()
        .map(|i| {
            let it = text::terms(&format!("{} {}", i.title, i.description));
            (text::relatedness(&event.tags, &terms, &i.tags, &it), i)
        })
        .filter(|(s, _)| *s > 0)
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.created_at.cmp(&a.1.created_at)));
    Ok(scored.into_iter().take(3).map(|(_, i)| i).collect())
}

/// The Display's quick entry: an area (or none, to let the classifier choose), a charge and one
/// line of text.
#[derive(Debug, Clone)]
pub struct QuickEntry {
    /// Slug or id; `None` lets the classifier propose one from the text (below its confidence
    /// threshold, the area `personal-growth`).
    pub area: Option<String>,
    /// −5..+5.
    pub charge: i64,
    /// 1–200 visible characters after trimming; the event's title.
    pub text: String,
}

/// Logs a quick entry now. The type and tone follow the charge (positive PROGRESS/POSITIVE,
/// negative SETBACK/NEGATIVE, zero LEARNING/NEUTRAL; UPSET and BREAKTHROUGH, which weigh heavily,
/// only from the full form), the category follows the area (docs/import.md, the same defaults
/// the importer uses). Returns the event's area with the outcome.
/// Errors: validation naming `text`, `charge` or `area`.
pub async fn quick_log(
    tx: &mut TenantTx,
    q: &QuickEntry,
    now: DateTime<Utc>,
) -> Result<(LifeArea, Logged), AppError> {
    let mut errs = ValidationErrors::default();
    let title = errs.check(rules::title("text", &q.text));
    let charge = errs.check(rules::charge("charge", q.charge));
    errs.finish()?;
    let (Some(title), Some(charge)) = (title, charge) else {
        return Err(AppError::Internal(
            "validation passed without values".into(),
        ));
    };
    let key = match &q.area {
        Some(a) => a.clone(),
        None => {
            let areas = life_areas::active(tx).await?;
            crate::classify::classifier(&areas)
                .classify(&title, DEFAULT_THRESHOLD)
                .map_or_else(|| DEFAULT_AREA.to_owned(), |s| s.slug)
        }
    };
    let locked = match life_areas::lock(tx, &key).await {
        Err(DbError::NotFound) => {
            return Err(FieldError::new(
                "area",
                "unknown_life_area",
                "choose a life area from the list",
            )
            .into())
        }
        other => other?,
    };
    let area = life_areas::get(tx, &locked.id().to_string()).await?;
    let c = i64::from(charge);
    let f = EventFields {
        life_area_id: area.id,
        event_type: import::type_for_charge(c).as_str(),
        category: import::category_for_area(&area.slug, &area.cluster).as_str(),
        tone: import::tone_for_charge(c).as_str(),
        title,
        description: String::new(),
        narrative: None,
        occurred_at: now,
        emotional_charge: charge,
        tags: Vec::new(),
    };
    let logged = record(tx, locked, &f, now).await?;
    Ok((area, logged))
}
