//! The fields of an event as given to the API or a form, validated into what the database
//! stores; every error is collected and names its field.

use chrono::{DateTime, Utc};
use uuid::Uuid;
use wisdomos_core::event::{rules, EventCategory, EventTone, EventType};
use wisdomos_core::{FieldError, ValidationErrors};
use wisdomos_db::events::{Event, EventFields};

use crate::areas::unknown_life_area;
use crate::AppError;

/// An event's fields as given: all but `description`, `narrative`, `occurred_at` and `tags` to
/// log one, any to change one (`None` keeps a field).
#[derive(Debug, Clone, Default)]
pub struct EventChanges {
    /// Id or slug of the life area.
    pub area: Option<String>,
    pub event_type: Option<EventType>,
    pub category: Option<EventCategory>,
    pub tone: Option<EventTone>,
    /// 1–200 characters.
    pub title: Option<String>,
    /// Up to 10,000 characters.
    pub description: Option<String>,
    /// Up to 50,000 characters; an empty string clears it.
    pub narrative: Option<String>,
    /// At most 24 hours in the future; default now.
    pub occurred_at: Option<DateTime<Utc>>,
    /// Integer −5..+5.
    pub emotional_charge: Option<i64>,
    /// At most 20 tags of 1–50 characters, stored lower-case.
    pub tags: Option<Vec<String>>,
}

/// Validates a request over `base` (the stored event for PATCH); every error is collected.
/// `area` is the id of the life area `req.area` names, as the caller looked it up: `None`
/// when the request names none or names one the workspace lacks.
pub fn fields(
    req: &EventChanges,
    area: Option<Uuid>,
    base: Option<&Event>,
    now: DateTime<Utc>,
) -> Result<EventFields, AppError> {
    let mut errs = ValidationErrors::default();
    let missing = |f: &str| FieldError::new(f, "required", format!("{f} is required"));
    let area = match (&req.area, area, base) {
        (Some(_), Some(id), _) => Some(id),
        (Some(_), None, _) => errs.check(Err::<Uuid, _>(unknown_life_area("lifeAreaId"))),
        (None, _, Some(b)) => Some(b.life_area_id),
        (None, _, None) => errs.check(Err::<Uuid, _>(missing("lifeAreaId"))),
    };
    let pick = |v: Option<&'static str>,
                stored: Option<&str>,
                field: &str,
                parse: fn(&str) -> Option<&'static str>| match (v, stored) {
        (Some(v), _) => Ok(v),
        (None, Some(s)) => {
            parse(s).ok_or_else(|| FieldError::new(field, "invalid", "stored value unreadable"))
        }
        (None, None) => Err(missing(field)),
    };
    let event_type = errs.check(pick(
        req.event_type.map(EventType::as_str),
        base.map(|b| b.event_type.as_str()),
        "type",
        |s| EventType::parse(s).map(EventType::as_str),
    ));
    let category = errs.check(pick(
        req.category.map(EventCategory::as_str),
        base.map(|b| b.category.as_str()),
        "category",
        |s| EventCategory::parse(s).map(EventCategory::as_str),
    ));
    let tone = errs.check(pick(
        req.tone.map(EventTone::as_str),
        base.map(|b| b.tone.as_str()),
        "tone",
        |s| EventTone::parse(s).map(EventTone::as_str),
    ));
    let title = match (&req.title, base) {
        (Some(t), _) => errs.check(rules::title("title", t)),
        (None, Some(b)) => Some(b.title.clone()),
        (None, None) => errs.check(Err::<String, _>(missing("title"))),
    };
    let description = match (&req.description, base) {
        (Some(d), _) => errs.check(rules::text("description", d, rules::TEXT_MAX)),
        (None, Some(b)) => Some(b.description.clone()),
        (None, None) => Some(String::new()),
    };
    let narrative = match (&req.narrative, base) {
        (Some(n), _) => errs
            .check(rules::text("narrative", n, rules::NARRATIVE_MAX))
            .map(|n| (!n.is_empty()).then_some(n)),
        (None, Some(b)) => Some(b.narrative.clone()),
        (None, None) => Some(None),
    };
    let occurred_at = match (req.occurred_at, base) {
        (Some(t), _) => errs.check(rules::occurred_at("occurredAt", t, now)),
        (None, Some(b)) => Some(b.occurred_at),
        (None, None) => Some(now),
    };
    let charge = match (req.emotional_charge, base) {
        (Some(c), _) => errs.check(rules::charge("emotionalCharge", c)),
        (None, Some(b)) => Some(i32::from(b.emotional_charge)),
        (None, None) => errs.check(Err::<i32, _>(missing("emotionalCharge"))),
    };
    let tags = match (&req.tags, base) {
        (Some(t), _) => errs.check(rules::tags("tags", t)),
        (None, Some(b)) => Some(b.tags.clone()),
        (None, None) => Some(Vec::new()),
    };
    errs.finish()?;
    match (
        area,
        event_type,
        category,
        tone,
        title,
        description,
        narrative,
        occurred_at,
        charge,
        tags,
    ) {
        (
            Some(life_area_id),
            Some(event_type),
            Some(category),
            Some(tone),
            Some(title),
            Some(description),
            Some(narrative),
            Some(occurred_at),
            Some(emotional_charge),
            Some(tags),
        ) => Ok(EventFields {
            life_area_id,
            event_type,
            category,
            tone,
            title,
            description,
            narrative,
            occurred_at,
            emotional_charge,
            tags,
        }),
        _ => Err(AppError::Internal(
            "validation passed without values".into(),
        )),
    }
}
