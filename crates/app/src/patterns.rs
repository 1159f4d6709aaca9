//! Pattern detection (seed 001 §III.2): recurring themes among the last 90 days of events
//! become PATTERN_RECOGNIZED insights. Run nightly by the scheduler and on demand.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use wisdomos_core::pattern_description::{describe, Member};
use wisdomos_core::patterns::{self, Pattern, PatternInput};
use wisdomos_core::patterns_meaning;
use wisdomos_db::events::PatternEvent;
use wisdomos_db::insights::{self, InsightFields};
use wisdomos_db::{Database, TenantScope, TenantTx};
use wisdomos_engine::Engine;

use crate::AppError;

/// What one run found: events read, patterns found, insights created and updated, and how
/// events were compared (`meaning` with the semantic engine, else `words`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PatternRun {
    pub events: usize,
    pub patterns: usize,
    pub created: usize,
    pub updated: usize,
    pub method: &'static str,
}

/// Days of events pattern detection looks at (seed 001 §III.2).
pub const PATTERN_WINDOW_DAYS: i64 = 90;
/// Share of an existing pattern's events a new group must keep to be the same pattern.
pub const SAME_PATTERN_OVERLAP: f64 = 0.5;
/// Most events read (the most recent).
const EVENTS_MAX: i64 = 50_000;

/// Detects patterns in the tenant's last 90 days of events and records each as a recurring
/// PATTERN_RECOGNIZED insight "Recurring: <theme>" with a description of its events (counts by
/// type, span, tone, weekdays, areas). Events are read in one transaction, compared by meaning
/// outside any (`wisdomos_core::patterns_meaning`, the newest 5,000, when `engine` has a model;
/// else by words, `wisdomos_core::patterns`), and the insights written in a second. A group
/// that keeps at least half of an existing pattern's events (or has its title) updates that
/// insight, so re-running adds no duplicates; patterns that dissolve are left as history.
/// Idempotent. `tz` is the workspace's time zone (for weekdays).
pub async fn detect(
    db: &Database,
    scope: &TenantScope,
    engine: &Engine,
    tz: Tz,
    now: DateTime<Utc>,
) -> Result<PatternRun, AppError> {
    let since = now - chrono::Duration::days(PATTERN_WINDOW_DAYS);
    let mut tx = TenantTx::begin(db, scope).await?;
    let rows = wisdomos_db::events::pattern_events(&mut tx, since, EVENTS_MAX).await?;
    tx.commit().await?;
    let inputs: Vec<PatternInput<usize>> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| PatternInput {
            id: i,
            text: r.text.clone(),
            tags: r.tags.clone(),
            area: Some(r.area.clone()),
        })
        .collect();
    let newest: Vec<String> = rows
        .iter()
        .take(patterns_meaning::MAX_EVENTS)
        .map(|r| r.text.clone())
        .collect();
    let (found, method) = match crate::classify::embed_texts(engine, &newest).await {
        Some(vectors) => (patterns_meaning::detect(&inputs, &vectors), "meaning"),
        None => (patterns::detect(&inputs), "words"),
    };
    let mut tx = TenantTx::begin(db, scope).await?;
    let (created, updated) = record(&mut tx, &rows, &found, tz, now).await?;
    tx.commit().await?;
    Ok(PatternRun {
        events: rows.len(),
        patterns: found.len(),
        created,
        updated,
        method,
    })
}

/// Writes each found group as a new or updated pattern insight; returns (created, updated).
async fn record(
    tx: &mut TenantTx,
    rows: &[PatternEvent],
    found: &[Pattern<usize>],
    tz: Tz,
    now: DateTime<Utc>,
) -> Result<(usize, usize), AppError> {
    let mut existing = insights::patterns(tx).await?;
    let (mut created, mut updated) = (0, 0);
    for found in found {
        let members: Vec<Member> = found
            .events
            .iter()
            .map(|&i| Member {
                event_type: rows[i].event_type.clone(),
                tone: rows[i].tone.clone(),
                occurred_at: rows[i].occurred_at,
                area: rows[i].area.clone(),
            })
            .collect();
        let p = &Pattern {
            events: found.events.iter().map(|&i| rows[i].id).collect(),
            theme: found.theme.clone(),
        };
        let title = patterns::title(&p.theme);
        let description = describe(&p.theme, &members, now, tz);
        let same = existing
            .iter_mut()
            .filter(|i| {
                i.title == title
                    || patterns::overlap(&p.events, &i.related_events) >= SAME_PATTERN_OVERLAP
            })
            .max_by(|a, b| {
                patterns::overlap(&p.events, &a.related_events)
                    .total_cmp(&patterns::overlap(&p.events, &b.related_events))
            });
        match same {
            Some(i) => {
                i.title = title;
                i.description = description;
                i.frequency = p.events.len() as i32;
                i.related_events = p.events.clone();
                i.tags = p.theme.clone();
                insights::save(tx, i, now).await?;
                updated += 1;
            }
            None => {
                let f = InsightFields {
                    event_id: None,
                    insight_type: wisdomos_core::event::InsightType::PatternRecognized.as_str(),
                    title,
                    description,
                    is_recurring: true,
                    frequency: p.events.len() as i32,
                    related_events: p.events.clone(),
                    tags: p.theme.clone(),
                };
                existing.push(insights::create(tx, &f, now).await?);
                created += 1;
            }
        }
    }
    Ok((created, updated))
}
