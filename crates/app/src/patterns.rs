//! Pattern detection (seed 001 §III.2): recurring themes among the last 90 days of events
//! become PATTERN_RECOGNIZED insights. Run nightly by the scheduler and on demand.

use chrono::{DateTime, Utc};
use wisdomos_core::patterns::{self, PatternInput};
use wisdomos_db::insights::{self, InsightFields};
use wisdomos_db::TenantTx;

use crate::AppError;

/// What one run found: events read, patterns found, insights created and updated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PatternRun {
    pub events: usize,
    pub patterns: usize,
    pub created: usize,
    pub updated: usize,
}

/// Days of events pattern detection looks at (seed 001 §III.2).
pub const PATTERN_WINDOW_DAYS: i64 = 90;
/// Share of an existing pattern's events a new group must keep to be the same pattern.
pub const SAME_PATTERN_OVERLAP: f64 = 0.5;

/// Detects patterns in the tenant's last 90 days of events and records each as a recurring
/// PATTERN_RECOGNIZED insight "Recurring: <theme>". A group that keeps at least half of an
/// existing pattern's events (or has its title) updates that insight, so re-running adds no
/// duplicates; patterns that dissolve are left as history. Idempotent.
pub async fn detect(tx: &mut TenantTx, now: DateTime<Utc>) -> Result<PatternRun, AppError> {
    let since = now - chrono::Duration::days(PATTERN_WINDOW_DAYS);
    let rows = wisdomos_db::events::texts_since(tx, since, 50_000).await?;
    let inputs: Vec<PatternInput<uuid::Uuid>> = rows
        .into_iter()
        .map(|(id, text, tags)| PatternInput { id, text, tags })
        .collect();
    let found = patterns::detect(&inputs);
    let mut existing = insights::patterns(tx).await?;
    let (mut created, mut updated) = (0, 0);
    for p in &found {
        let title = patterns::title(&p.theme);
        let description = format!(
            "{} events in the last {PATTERN_WINDOW_DAYS} days share this theme.",
            p.events.len()
        );
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
    Ok(PatternRun {
        events: inputs.len(),
        patterns: found.len(),
        created,
        updated,
    })
}
