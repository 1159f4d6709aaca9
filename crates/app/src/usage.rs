//! The workspace's usage this month against its plan (seed 002 `tenant_usage`): conversations,
//! messages and tokens of the calendar month in the workspace's time zone, knowledge storage,
//! and the month day by day.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use wisdomos_db::{assistant_usage, knowledge, TenantTx};

use crate::oracle::period;
use crate::AppError;

/// One day of the month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Day {
    pub date: NaiveDate,
    pub conversations: i64,
    pub messages: i64,
}

/// The month's usage.
#[derive(Debug, Clone)]
pub struct Report {
    /// First and last day of the month (local).
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub conversations: i32,
    pub messages: i32,
    pub tokens_used: i64,
    /// Bytes of the knowledge base's documents.
    pub knowledge_bytes: i64,
    /// Every day of the month so far, zeros included.
    pub days: Vec<Day>,
}

/// The usage of the month holding `now` in time zone `tz`.
pub async fn report(tx: &mut TenantTx, tz: Tz, now: DateTime<Utc>) -> Result<Report, AppError> {
    let (start, _) = period(now, tz);
    let end = start
        .checked_add_months(chrono::Months::new(1))
        .and_then(|d| d.pred_opt())
        .unwrap_or(start);
    let today = now.with_timezone(&tz).date_naive();
    let month = assistant_usage::month(tx, start).await?;
    let counted = assistant_usage::by_day(tx, tz.name(), start, today).await?;
    let days = start
        .iter_days()
        .take_while(|d| *d <= today)
        .map(|date| {
            let (c, m) = counted
                .iter()
                .find(|(d, _, _)| *d == date)
                .map_or((0, 0), |(_, c, m)| (*c, *m));
            Day {
                date,
                conversations: c,
                messages: m,
            }
        })
        .collect();
    Ok(Report {
        period_start: start,
        period_end: end,
        conversations: month.conversations,
        messages: month.messages,
        tokens_used: month.tokens_used,
        knowledge_bytes: knowledge::total_bytes(tx).await?,
        days,
    })
}
