//! The Display's year at a glance: the overall score day by day and the mood calendar.

use wisdomos_db::TenantTx;

use super::error::WebError;

/// The last year at a glance: the overall score day by day and the calendar of moods.
pub struct YearView {
    /// SVG, empty before the first nightly snapshot.
    pub overall_chart: String,
    /// SVG of the last 53 weeks.
    pub calendar: String,
    /// Days with events in the calendar.
    pub days_logged: usize,
}

/// The overall trend (`snapshots::overall`) and the mood calendar (`events::daily_mood`) of
/// the year up to `now` in `tz`.
pub async fn year_in_view(
    tx: &mut TenantTx,
    now: chrono::DateTime<chrono::Utc>,
    tz: chrono_tz::Tz,
) -> Result<YearView, WebError> {
    let today = now.with_timezone(&tz).date_naive();
    let from = today - chrono::Duration::days(371);
    let overall = wisdomos_db::snapshots::overall(tx, from).await?;
    let moods =
        wisdomos_db::events::daily_mood(tx, tz.name(), now - chrono::Duration::days(372)).await?;
    let label = "Overall score over the last year";
    Ok(YearView {
        overall_chart: super::chart::trend(&overall, label, &[]).unwrap_or_default(),
        calendar: super::heatmap::calendar(&moods, today, "Daily mood over the last year"),
        days_logged: moods
            .iter()
            .filter(|m| m.date > today - chrono::Duration::days(365))
            .count(),
    })
}
