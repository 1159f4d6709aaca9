//! Insights (seed 001 `Insight`): truths, beliefs, strengths, values, patterns and wisdom drawn
//! from events; recorded, changed (including marking them applied) and deleted.

use chrono::{DateTime, Utc};
use uuid::Uuid;
use wisdomos_core::event::{rules, InsightType};
use wisdomos_core::{FieldError, ValidationErrors};
use wisdomos_db::insights::{self, Insight, InsightFields};
use wisdomos_db::{events, DbError, TenantTx};

use crate::AppError;

/// An insight's fields as given: all of `insight_type` and `title` to record one, any to change
/// one (`None` keeps a field).
#[derive(Debug, Clone, Default)]
pub struct InsightChanges {
    pub event_id: Option<Uuid>,
    pub insight_type: Option<InsightType>,
    /// 1–200 characters.
    pub title: Option<String>,
    /// Up to `rules::TEXT_MAX` characters.
    pub description: Option<String>,
    pub is_recurring: Option<bool>,
    /// 1–100,000.
    pub frequency: Option<i64>,
    /// Ids of events of this workspace (at most 1,000).
    pub related_events: Option<Vec<Uuid>>,
    pub tags: Option<Vec<String>>,
    /// Marks the insight applied (sets `applied_at`) or not.
    pub applied: Option<bool>,
}

/// Records an insight. Errors: validation naming each field (`type` and `title` required,
/// `eventId`/`relatedEvents` of this workspace).
pub async fn create(
    tx: &mut TenantTx,
    req: InsightChanges,
    now: DateTime<Utc>,
) -> Result<Insight, AppError> {
    let i = apply_changes(tx, req, None, now).await?;
    let f = InsightFields {
        event_id: i.event_id,
        insight_type: InsightType::parse(&i.insight_type)
            .map(InsightType::as_str)
            .ok_or(AppError::Internal("type".into()))?,
        title: i.title,
        description: i.description,
        is_recurring: i.is_recurring,
        frequency: i.frequency,
        related_events: i.related_events,
        tags: i.tags,
    };
    let mut created = insights::create(tx, &f, now).await.map_err(unknown_event)?;
    if i.applied {
        created.applied = true;
        created.applied_at = i.applied_at;
        created = insights::save(tx, &created, now).await?;
    }
    Ok(created)
}

/// Changes insight `id`. Errors: not found; validation as [`create`].
pub async fn update(
    tx: &mut TenantTx,
    id: Uuid,
    req: InsightChanges,
    now: DateTime<Utc>,
) -> Result<Insight, AppError> {
    let base = insights::get(tx, id).await?;
    let i = apply_changes(tx, req, Some(base), now).await?;
    insights::save(tx, &i, now).await.map_err(unknown_event)
}

/// Deletes insight `id` and returns it. Errors: not found.
pub async fn delete(tx: &mut TenantTx, id: Uuid) -> Result<Insight, AppError> {
    Ok(insights::delete(tx, id).await?)
}

async fn apply_changes(
    tx: &mut TenantTx,
    req: InsightChanges,
    base: Option<Insight>,
    now: DateTime<Utc>,
) -> Result<Insight, AppError> {
    let mut errs = ValidationErrors::default();
    let required = |f: &str| FieldError::new(f, "required", format!("{f} is required"));
    let mut i = base.unwrap_or(Insight {
        id: Uuid::nil(),
        event_id: None,
        insight_type: String::new(),
        title: String::new(),
        description: String::new(),
        is_recurring: false,
        frequency: 1,
        related_events: Vec::new(),
        tags: Vec::new(),
        applied: false,
        applied_at: None,
        created_at: now,
        updated_at: now,
    });
    let creating = i.id.is_nil();
    match req.insight_type {
        Some(t) => i.insight_type = t.as_str().to_owned(),
        None if creating => errs.0.push(required("type")),
        None => {}
    }
    match &req.title {
        Some(t) => {
            if let Some(t) = errs.check(rules::title("title", t)) {
                i.title = t;
            }
        }
        None if creating => errs.0.push(required("title")),
        None => {}
    }
    if let Some(d) = errs.optional(
        req.description
            .as_deref()
            .map(|d| rules::text("description", d, rules::TEXT_MAX)),
    ) {
        i.description = d;
    }
    if let Some(r) = req.is_recurring {
        i.is_recurring = r;
    }
    if let Some(f) = req.frequency {
        if (1..=100_000).contains(&f) {
            i.frequency = f as i32;
        } else {
            errs.0.push(FieldError::new(
                "frequency",
                "out_of_range",
                "frequency must be from 1 to 100000",
            ));
        }
    }
    if let Some(t) = errs.optional(req.tags.as_deref().map(|t| rules::tags("tags", t))) {
        i.tags = t;
    }
    if let Some(ids) = req.related_events {
        if ids.len() > 1000 {
            errs.0.push(FieldError::new(
                "relatedEvents",
                "too_many",
                "relatedEvents may hold at most 1000 ids",
            ));
        } else {
            let found = events::existing(tx, &ids).await?;
            if ids.iter().any(|id| !found.contains(id)) {
                errs.0.push(FieldError::new(
                    "relatedEvents",
                    "unknown_event",
                    "relatedEvents names events that do not exist in this workspace",
                ));
            }
            i.related_events = ids;
        }
    }
    if req.event_id.is_some() {
        i.event_id = req.event_id;
    }
    if let Some(a) = req.applied {
        i.applied_at = if a { i.applied_at.or(Some(now)) } else { None };
        i.applied = a;
    }
    errs.finish()?;
    Ok(i)
}

fn unknown_event(e: DbError) -> AppError {
    match e {
        DbError::NotFound => FieldError::new(
            "eventId",
            "unknown_event",
            "eventId names no event of this workspace",
        )
        .into(),
        other => other.into(),
    }
}

/// Queues pattern detection for this workspace now (the nightly job's work, docs/patterns.md);
/// returns the job's id.
pub async fn queue_detection(tx: &mut TenantTx, now: DateTime<Utc>) -> Result<Uuid, AppError> {
    let job = wisdomos_db::jobs::NewJob::new("insights.detect", serde_json::json!({}), now);
    wisdomos_db::jobs::enqueue(tx, &job, now)
        .await?
        .ok_or_else(|| AppError::Internal("job not enqueued".into()))
}
