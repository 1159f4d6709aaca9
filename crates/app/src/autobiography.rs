//! The autobiography (seed 001 `AutobiographyEntry`): eras of a life and the entries written
//! in them; entries are written, changed and deleted, eras renamed or moved.

use chrono::{DateTime, Utc};
use uuid::Uuid;
use wisdomos_core::event::rules;
use wisdomos_core::validation::bounded_text;
use wisdomos_core::{FieldError, ValidationErrors};
use wisdomos_db::autobiography::{self, Entry, Era};
use wisdomos_db::{events, life_areas, DbError, TenantTx};

use crate::AppError;

/// An entry's fields as given: `era_id`, `year` and `title` to write one, any to change one
/// (`None` keeps a field; `month: Some(None)` clears the month).
#[derive(Debug, Clone, Default)]
pub struct EntryChanges {
    pub era_id: Option<Uuid>,
    /// Within the era's years.
    pub year: Option<i32>,
    /// 1–12.
    pub month: Option<Option<i64>>,
    /// 1–200 characters.
    pub title: Option<String>,
    /// Up to `rules::NARRATIVE_MAX` characters.
    pub narrative: Option<String>,
    /// Events of this workspace (at most 1,000).
    pub event_ids: Option<Vec<Uuid>>,
    /// Life areas of this workspace.
    pub life_area_ids: Option<Vec<Uuid>>,
    pub is_public: Option<bool>,
}

/// Changes to an era; `None` keeps a field, an empty description clears it.
#[derive(Debug, Clone, Default)]
pub struct EraChanges {
    /// 1–100 characters.
    pub name: Option<String>,
    /// 1–9999, start ≤ end, and the era's entries must stay inside.
    pub start_year: Option<i32>,
    pub end_year: Option<i32>,
    /// Up to 2,000 characters.
    pub description: Option<String>,
}

/// Writes an entry. Errors: validation naming each field (`eraId`, `year` within the era,
/// `title`, `month`, `narrative`, `eventIds`, `lifeAreaIds`).
pub async fn create_entry(
    tx: &mut TenantTx,
    req: EntryChanges,
    now: DateTime<Utc>,
) -> Result<Entry, AppError> {
    let e = apply(tx, req, None, now).await?;
    Ok(autobiography::save_entry(tx, &e, now).await?)
}

/// Changes entry `id`. Errors: not found; validation as [`create_entry`].
pub async fn update_entry(
    tx: &mut TenantTx,
    id: Uuid,
    req: EntryChanges,
    now: DateTime<Utc>,
) -> Result<Entry, AppError> {
    let base = autobiography::entry(tx, id).await?;
    let e = apply(tx, req, Some(base), now).await?;
    Ok(autobiography::save_entry(tx, &e, now).await?)
}

/// Deletes entry `id` and returns it. Errors: not found.
pub async fn delete_entry(tx: &mut TenantTx, id: Uuid) -> Result<Entry, AppError> {
    let e = autobiography::entry(tx, id).await?;
    autobiography::delete_entry(tx, id).await?;
    Ok(e)
}

/// Renames era `id` or moves its years. Errors: not found; validation of `name`,
/// `description`, `startYear` (`invalid_range`, `entries_outside`).
pub async fn update_era(
    tx: &mut TenantTx,
    id: Uuid,
    c: &EraChanges,
    now: DateTime<Utc>,
) -> Result<Era, AppError> {
    let mut era = autobiography::era(tx, id).await?;
    let mut errs = ValidationErrors::default();
    if let Some(n) = errs.optional(c.name.as_deref().map(|n| bounded_text("name", n, 1, 100))) {
        era.name = n;
    }
    if let Some(d) = errs.optional(
        c.description
            .as_deref()
            .map(|d| rules::text("description", d, 2000)),
    ) {
        era.description = (!d.is_empty()).then_some(d);
    }
    era.start_year = c.start_year.unwrap_or(era.start_year);
    era.end_year = c.end_year.unwrap_or(era.end_year);
    if !(1..=9999).contains(&era.start_year)
        || !(1..=9999).contains(&era.end_year)
        || era.start_year > era.end_year
    {
        errs.0.push(FieldError::new(
            "startYear",
            "invalid_range",
            "years must be 1-9999 with startYear <= endYear",
        ));
    }
    let outside = autobiography::entries(tx, Some(id))
        .await?
        .iter()
        .any(|e| e.year < era.start_year || e.year > era.end_year);
    if outside {
        errs.0.push(FieldError::new(
            "startYear",
            "entries_outside",
            "the era's entries must stay within its years",
        ));
    }
    errs.finish()?;
    Ok(autobiography::save_era(tx, &era, now).await?)
}

async fn apply(
    tx: &mut TenantTx,
    req: EntryChanges,
    base: Option<Entry>,
    now: DateTime<Utc>,
) -> Result<Entry, AppError> {
    let creating = base.is_none();
    let mut e = base.unwrap_or(Entry {
        id: Uuid::nil(),
        era_id: Uuid::nil(),
        year: 0,
        month: None,
        title: String::new(),
        narrative: String::new(),
        event_ids: Vec::new(),
        life_area_ids: Vec::new(),
        is_public: false,
        created_at: now,
        updated_at: now,
    });
    let mut errs = ValidationErrors::default();
    let required = |f: &str| FieldError::new(f, "required", format!("{f} is required"));
    match req.era_id {
        Some(id) => e.era_id = id,
        None if creating => errs.0.push(required("eraId")),
        None => {}
    }
    match req.year {
        Some(y) => e.year = y,
        None if creating => errs.0.push(required("year")),
        None => {}
    }
    match req.month {
        Some(Some(m)) => e.month = errs.check(rules::month("month", m)),
        Some(None) => e.month = None,
        None => {}
    }
    match &req.title {
        Some(t) => {
            if let Some(t) = errs.check(rules::title("title", t)) {
                e.title = t;
            }
        }
        None if creating => errs.0.push(required("title")),
        None => {}
    }
    if let Some(n) = errs.optional(
        req.narrative
            .as_deref()
            .map(|n| rules::text("narrative", n, rules::NARRATIVE_MAX)),
    ) {
        e.narrative = n;
    }
    if let Some(p) = req.is_public {
        e.is_public = p;
    }
    if let Some(ids) = req.event_ids {
        let found = events::existing(tx, &ids).await?;
        if ids.len() > 1000 || ids.iter().any(|i| !found.contains(i)) {
            errs.0.push(FieldError::new(
                "eventIds",
                "unknown_event",
                "eventIds must name at most 1000 events of this workspace",
            ));
        }
        e.event_ids = ids;
    }
    if let Some(ids) = req.life_area_ids {
        let found = life_areas::existing(tx, &ids).await?;
        if ids.len() > 1000 || ids.iter().any(|i| !found.contains(i)) {
            errs.0.push(FieldError::new(
                "lifeAreaIds",
                "unknown_life_area",
                "lifeAreaIds must name life areas of this workspace",
            ));
        }
        e.life_area_ids = ids;
    }
    if !e.era_id.is_nil() {
        match autobiography::era(tx, e.era_id).await {
            Ok(era) if e.year != 0 && (e.year < era.start_year || e.year > era.end_year) => {
                errs.0.push(FieldError::new(
                    "year",
                    "outside_era",
                    format!(
                        "year must be within the era, {}-{}",
                        era.start_year, era.end_year
                    ),
                ))
            }
            Ok(_) => {}
            Err(DbError::NotFound) => errs.0.push(FieldError::new(
                "eraId",
                "unknown_era",
                "eraId names no era of this workspace",
            )),
            Err(other) => return Err(other.into()),
        }
    }
    errs.finish()?;
    Ok(e)
}
