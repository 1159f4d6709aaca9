//! Life events: logging one (the full form and the API, and the Display's one-line quick
//! entry), changing, deleting and finding them. Every write recomputes the area(s) it touches
//! in the same transaction.

use chrono::{DateTime, Utc};
use uuid::Uuid;
use wisdomos_core::classify::DEFAULT_THRESHOLD;
use wisdomos_core::event::rules;
use wisdomos_core::event::{EventCategory, EventTone, EventType};
use wisdomos_core::score::ScoreBreakdown;
use wisdomos_core::{import, text, FieldError, ValidationErrors};
use wisdomos_db::events::{self, Event, EventFields, EventFilter};
use wisdomos_db::insights::{self, Insight};
use wisdomos_db::life_areas::{self, LifeArea, LockedArea};
use wisdomos_db::{found, DbError, Keyset, Page, TenantTx};

use crate::areas::{self, unknown_life_area, ScoreChange};
use crate::event_fields::{fields, EventChanges};
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
    recorded(tx, area, event, now).await
}

/// What follows the insert of `event` into `area` (locked): the recomputation and the
/// suggestions.
async fn recorded(
    tx: &mut TenantTx,
    area: LockedArea,
    event: Event,
    now: DateTime<Utc>,
) -> Result<Logged, AppError> {
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
    ke: &crate::knowledge::KnowledgeEngine,
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
            crate::classify::classifier(ke, &areas)
                .await
                .suggest(&ke.engine, &title, 1)
                .await
                .into_iter()
                .find(|s| s.confidence >= DEFAULT_THRESHOLD)
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

/// Logs an event and recomputes its area's score. The area is locked as the event is inserted
/// (one statement), so the recomputation needs no lock of its own. Errors: validation naming
/// each field (`lifeAreaId`, `type`, `category`, `tone`, `title`, `emotionalCharge`, …).
pub async fn log(
    tx: &mut TenantTx,
    req: &EventChanges,
    now: DateTime<Utc>,
) -> Result<Logged, AppError> {
    // Validated as if the area existed: whether it does is learnt from the insert itself.
    let (Some(key), Ok(f)) = (
        req.area.as_deref(),
        fields(req, Some(Uuid::nil()), None, now),
    ) else {
        // Invalid: the area is looked up too, so that every field's error is named at once.
        let area = match req.area.as_deref() {
            Some(a) => found(life_areas::lock(tx, a).await)?.map(|a| a.id()),
            None => None,
        };
        fields(req, area, None, now)?;
        return Err(AppError::Internal("invalid event fields passed".into()));
    };
    match events::create_in_locked_area(tx, key, &f, now).await? {
        Some((area, event)) => recorded(tx, area, event, now).await,
        None => Err(unknown_life_area("lifeAreaId").into()),
    }
}

/// A changed or deleted event and the areas it touched.
#[derive(Debug, Clone)]
pub struct Changed {
    pub event: Event,
    /// Each area recomputed (the old and the new one when the event moved), in that order.
    pub areas: Vec<ScoreChange>,
}

/// Changes event `id`; the old and the new area are recomputed. Errors: not found;
/// validation as [`log`].
pub async fn update(
    tx: &mut TenantTx,
    id: Uuid,
    req: &EventChanges,
    now: DateTime<Utc>,
) -> Result<Changed, AppError> {
    let current = events::get(tx, id).await?;
    let area = match req.area.as_deref() {
        Some(a) => found(life_areas::get(tx, a).await)?.map(|a| a.id),
        None => None,
    };
    let f = fields(req, area, Some(&current), now)?;
    let (before, after) = events::update(tx, id, &f, now).await?;
    let areas = recompute_areas(tx, &[before.life_area_id, after.life_area_id], now).await?;
    Ok(Changed {
        event: after,
        areas,
    })
}

/// Deletes event `id` and recomputes its area. Errors: not found.
pub async fn delete(tx: &mut TenantTx, id: Uuid, now: DateTime<Utc>) -> Result<Changed, AppError> {
    let e = events::delete(tx, id).await?;
    let areas = recompute_areas(tx, &[e.life_area_id], now).await?;
    Ok(Changed { event: e, areas })
}

/// Recomputes each of `ids` once, locking them in id order (the lock order of every
/// multi-area recomputation, so concurrent ones cannot deadlock); answers in the order of `ids`.
async fn recompute_areas(
    tx: &mut TenantTx,
    ids: &[Uuid],
    now: DateTime<Utc>,
) -> Result<Vec<ScoreChange>, AppError> {
    let mut done: Vec<ScoreChange> = Vec::new();
    for id in ids
        .iter()
        .copied()
        .collect::<std::collections::BTreeSet<Uuid>>()
    {
        done.push(areas::recompute(tx, id, now).await?);
    }
    let mut out = Vec::new();
    for id in ids {
        if let Some(i) = done.iter().position(|c| c.life_area_id == *id) {
            out.push(done.swap_remove(i));
        }
    }
    Ok(out)
}

/// What to look for in the timeline; every part optional.
#[derive(Debug, Clone, Default)]
pub struct EventSearch {
    /// Id or slug of a life area.
    pub area: Option<String>,
    pub event_type: Option<EventType>,
    pub category: Option<EventCategory>,
    pub tone: Option<EventTone>,
    /// Case-insensitive.
    pub tag: Option<String>,
    /// `occurred_at ≥ from`.
    pub from: Option<DateTime<Utc>>,
    /// `occurred_at < to`.
    pub to: Option<DateTime<Utc>>,
    /// Full-text search (web-search syntax), at most 500 characters.
    pub q: Option<String>,
}

/// Events newest first by `occurred_at`, `limit` per page after `before`. Errors: validation
/// of `lifeArea` (`unknown_life_area`) and `q` (`too_long`).
pub async fn search(
    tx: &mut TenantTx,
    s: &EventSearch,
    before: Option<Keyset>,
    limit: i64,
) -> Result<Page<Event>, AppError> {
    if s.q.as_deref().is_some_and(|q| q.chars().count() > 500) {
        return Err(FieldError::new("q", "too_long", "q must have at most 500 characters").into());
    }
    let life_area_id = areas::resolve(tx, "lifeArea", s.area.as_deref()).await?;
    let filter = EventFilter {
        life_area_id,
        event_type: s.event_type.map(EventType::as_str),
        category: s.category.map(EventCategory::as_str),
        tone: s.tone.map(EventTone::as_str),
        tag: s.tag.as_deref().map(|t| t.trim().to_lowercase()),
        from: s.from,
        to: s.to,
        q: s.q.clone().filter(|q| !q.trim().is_empty()),
    };
    Ok(events::list(tx, &filter, before, limit).await?)
}
