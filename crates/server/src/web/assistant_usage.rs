//! Assistant usage (ADMIN and above): this month's conversations, messages, tokens and
//! knowledge storage against the plan, and conversations by day.

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use super::error::{render, WebError};
use super::session::{Nav, Web};
use crate::extract::ManageAssistant;
use crate::AppState;

/// One measure against its limit.
pub struct Meter {
    pub name: &'static str,
    pub used: String,
    pub limit: String,
    /// 0–100, or none when unlimited.
    pub percent: Option<u32>,
}

/// A day of the table under the chart.
pub struct DayRow {
    pub date: String,
    pub conversations: i64,
    pub messages: i64,
}

#[derive(Template)]
#[template(path = "assistant_usage.html")]
struct UsagePage {
    nav: Option<Nav>,
    plan: String,
    period: String,
    meters: Vec<Meter>,
    tokens: i64,
    chart: String,
    days: Vec<DayRow>,
}

fn bytes(n: i64) -> String {
    const GIB: f64 = 1024.0 * 1024.0 * 1024.0;
    match n as f64 {
        b if b >= GIB => format!("{:.1} GiB", b / GIB),
        b if b >= 1024.0 * 1024.0 => format!("{:.1} MiB", b / 1024.0 / 1024.0),
        b => format!("{:.0} KiB", (b / 1024.0).ceil()),
    }
}

fn meter(name: &'static str, used: i64, limit: Option<i64>, show: fn(i64) -> String) -> Meter {
    Meter {
        name,
        used: show(used),
        limit: limit.map_or_else(|| "unlimited".into(), show),
        percent: limit.map(|l| {
            if l <= 0 {
                100
            } else {
                ((used as f64 / l as f64) * 100.0).round().min(100.0) as u32
            }
        }),
    }
}

/// `GET /assistant/usage`.
pub async fn page(
    State(st): State<AppState>,
    web: Web<ManageAssistant>,
) -> Result<Response, WebError> {
    let plan = wisdomos_db::plans::get(st.db.app(), web.ctx.tenant.id)
        .await
        .map_err(crate::ApiError::from)?;
    let tz = super::view::zone(&web.ctx.tenant.timezone);
    let mut tx = web.begin(&st).await?;
    let r = wisdomos_app::usage::report(&mut tx, tz, st.clock.now()).await?;
    tx.commit().await?;
    let points: Vec<(chrono::NaiveDate, i64)> =
        r.days.iter().map(|d| (d.date, d.conversations)).collect();
    render(&UsagePage {
        plan: super::view::words(&plan.plan_tier),
        period: format!(
            "{} to {}",
            r.period_start.format("%-d %B"),
            r.period_end.format("%-d %B %Y")
        ),
        meters: vec![
            meter(
                "Conversations",
                i64::from(r.conversations),
                plan.conversations_per_month,
                |n| n.to_string(),
            ),
            meter(
                "Knowledge storage",
                r.knowledge_bytes,
                plan.knowledge_bytes,
                bytes,
            ),
        ],
        tokens: r.tokens_used,
        chart: super::bars::per_day(&points, "Conversations started per day this month")
            .unwrap_or_default(),
        days: r
            .days
            .iter()
            .rev()
            .filter(|d| d.messages > 0)
            .map(|d| DayRow {
                date: d.date.format("%a %-d %b").to_string(),
                conversations: d.conversations,
                messages: d.messages,
            })
            .collect(),
        nav: Some(web.nav),
    })
}
