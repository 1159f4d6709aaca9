//! Recurring work in each tenant's own time (seed 001 §III.3): when occurrences fall.
//!
//! - daily snapshot at 23:59 local time; the same occurrence is also the weekly one on Sundays
//!   and the monthly one on the last day of a month;
//! - a score refresh every 6 hours (00, 06, 12, 18 UTC), so decay shows without new events;
//! - nightly pattern detection at 02:00 UTC;
//! - the operator console's segments (then recommendations) at 03:00 UTC.
//!
//! Each occurrence has a stable key, used as the job's dedup key: whichever server enqueues it
//! first wins, and a catch-up after downtime enqueues each missed occurrence once.

use chrono::{
    DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Timelike, Utc, Weekday,
};
use chrono_tz::Tz;

/// Local time of the daily snapshot.
pub const SNAPSHOT_TIME: (u32, u32) = (23, 59);
/// Longest catch-up after downtime.
pub const MAX_CATCH_UP_DAYS: i64 = 90;

/// Which snapshot an occurrence is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Daily,
    Weekly,
    Monthly,
}

impl Period {
    /// Name used in payloads and keys.
    pub fn as_str(self) -> &'static str {
        match self {
            Period::Daily => "daily",
            Period::Weekly => "weekly",
            Period::Monthly => "monthly",
        }
    }
}

/// One thing to do at one instant for one tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Occurrence {
    /// Snapshot of `date` (local), due at `at`; `periods` always holds Daily, plus Weekly on
    /// Sundays and Monthly on a month's last day.
    Snapshot {
        date: NaiveDate,
        at: DateTime<Utc>,
        periods: Vec<Period>,
    },
    /// Score refresh due at `at`.
    ScoreRefresh { at: DateTime<Utc> },
    /// Pattern detection due at `at`.
    Patterns { at: DateTime<Utc> },
    /// The operator console's nightly segment recomputation (then recommendations), due at `at`.
    Console { at: DateTime<Utc> },
}

impl Occurrence {
    /// The instant it is due.
    pub fn at(&self) -> DateTime<Utc> {
        match self {
            Occurrence::Snapshot { at, .. }
            | Occurrence::ScoreRefresh { at }
            | Occurrence::Patterns { at }
            | Occurrence::Console { at } => *at,
        }
    }

    /// Stable key of the occurrence (unique per tenant), e.g. `snapshot:2026-03-08`.
    pub fn key(&self) -> String {
        match self {
            Occurrence::Snapshot { date, .. } => format!("snapshot:{date}"),
            Occurrence::ScoreRefresh { at } => {
                format!("scores.refresh:{}", at.format("%Y-%m-%dT%H"))
            }
            Occurrence::Patterns { at } => format!("insights.detect:{}", at.format("%Y-%m-%d")),
            Occurrence::Console { at } => format!("console.segments:{}", at.format("%Y-%m-%d")),
        }
    }
}

/// The UTC instant of local `date` at `time` in `tz` (the earlier one when the clock repeats;
/// when the local time does not exist, the first instant after the gap).
pub fn local_instant(tz: Tz, date: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
    let naive = date.and_time(time);
    match tz.from_local_datetime(&naive).earliest() {
        Some(t) => t.with_timezone(&Utc),
        None => {
            // In a gap: walk forward a minute at a time (gaps are at most a few hours).
            let mut n = naive;
            loop {
                n += Duration::minutes(1);
                if let Some(t) = tz.from_local_datetime(&n).earliest() {
                    return t.with_timezone(&Utc);
                }
            }
        }
    }
}

/// Every occurrence for a tenant in `tz` due in the interval (from, to], oldest first.
/// `from` is clamped to at most [`MAX_CATCH_UP_DAYS`] before `to`.
pub fn occurrences(tz: Tz, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<Occurrence> {
    let from = from.max(to - Duration::days(MAX_CATCH_UP_DAYS));
    if from >= to {
        return Vec::new();
    }
    let mut out = Vec::new();
    let (h, m) = SNAPSHOT_TIME;
    let snapshot_time = NaiveTime::from_hms_opt(h, m, 0).unwrap_or(NaiveTime::MIN);
    let first = from.with_timezone(&tz).date_naive() - Duration::days(1);
    let last = to.with_timezone(&tz).date_naive() + Duration::days(1);
    let mut d = first;
    while d <= last {
        let at = local_instant(tz, d, snapshot_time);
        if at > from && at <= to {
            let mut periods = vec![Period::Daily];
            if d.weekday() == Weekday::Sun {
                periods.push(Period::Weekly);
            }
            if (d + Duration::days(1)).day() == 1 {
                periods.push(Period::Monthly);
            }
            out.push(Occurrence::Snapshot {
                date: d,
                at,
                periods,
            });
        }
        d += Duration::days(1);
    }
    // UTC-based ones: walk the whole hours in (from, to].
    let mut hour = from
        .with_minute(0)
        .and_then(|t| t.with_second(0))
        .and_then(|t| t.with_nanosecond(0))
        .unwrap_or(from);
    while hour <= to {
        if hour > from {
            if hour.hour().is_multiple_of(6) {
                out.push(Occurrence::ScoreRefresh { at: hour });
            }
            if hour.hour() == 2 {
                out.push(Occurrence::Patterns { at: hour });
            }
            if hour.hour() == 3 {
                out.push(Occurrence::Console { at: hour });
            }
        }
        hour += Duration::hours(1);
    }
    out.sort_by_key(Occurrence::at);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn snapshots(tz: &str, from: &str, to: &str) -> Vec<(String, String)> {
        occurrences(tz.parse().unwrap(), utc(from), utc(to))
            .into_iter()
            .filter_map(|o| match o {
                Occurrence::Snapshot { date, at, .. } => Some((date.to_string(), at.to_rfc3339())),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn daily_snapshot_at_local_2359() {
        // UTC: 23:59Z.
        assert_eq!(
            snapshots("UTC", "2026-06-10T23:58:00Z", "2026-06-11T00:00:00Z"),
            vec![("2026-06-10".into(), "2026-06-10T23:59:00+00:00".into())]
        );
        // Kathmandu, UTC+5:45: 23:59 local is 18:14Z the same date.
        assert_eq!(
            snapshots(
                "Asia/Kathmandu",
                "2026-06-10T18:00:00Z",
                "2026-06-10T18:30:00Z"
            ),
            vec![("2026-06-10".into(), "2026-06-10T18:14:00+00:00".into())]
        );
        // St John's, UTC−2:30 in summer: 23:59 local is 02:29Z the next UTC date.
        assert_eq!(
            snapshots(
                "America/St_Johns",
                "2026-06-11T02:00:00Z",
                "2026-06-11T03:00:00Z"
            ),
            vec![("2026-06-10".into(), "2026-06-11T02:29:00+00:00".into())]
        );
        // …and UTC−3:30 in winter.
        assert_eq!(
            snapshots(
                "America/St_Johns",
                "2026-01-11T03:00:00Z",
                "2026-01-11T04:00:00Z"
            ),
            vec![("2026-01-10".into(), "2026-01-11T03:29:00+00:00".into())]
        );
        // Not yet due one minute before.
        assert!(snapshots(
            "Asia/Kathmandu",
            "2026-06-10T18:00:00Z",
            "2026-06-10T18:13:59Z"
        )
        .is_empty());
    }

    #[test]
    fn across_a_daylight_saving_change_each_local_date_once() {
        // St John's springs forward on 2026-03-08 (−3:30 → −2:30).
        let got = snapshots(
            "America/St_Johns",
            "2026-03-06T12:00:00Z",
            "2026-03-10T12:00:00Z",
        );
        assert_eq!(
            got,
            vec![
                ("2026-03-06".into(), "2026-03-07T03:29:00+00:00".into()),
                ("2026-03-07".into(), "2026-03-08T03:29:00+00:00".into()),
                ("2026-03-08".into(), "2026-03-09T02:29:00+00:00".into()),
                ("2026-03-09".into(), "2026-03-10T02:29:00+00:00".into()),
            ]
        );
        // Europe/Berlin falls back on 2026-10-25: still one 23:59 per date.
        let got = snapshots(
            "Europe/Berlin",
            "2026-10-24T00:00:00Z",
            "2026-10-26T23:00:00Z",
        );
        assert_eq!(
            got.iter().map(|g| g.0.as_str()).collect::<Vec<_>>(),
            vec!["2026-10-24", "2026-10-25", "2026-10-26"]
        );
        assert_eq!(got[1].1, "2026-10-25T22:59:00+00:00");
    }

    #[test]
    fn weekly_on_sundays_monthly_on_last_days() {
        let occ = occurrences(
            "UTC".parse().unwrap(),
            utc("2026-05-30T00:00:00Z"),
            utc("2026-06-01T00:00:00Z"),
        );
        let periods: Vec<(String, Vec<Period>)> = occ
            .into_iter()
            .filter_map(|o| match o {
                Occurrence::Snapshot { date, periods, .. } => Some((date.to_string(), periods)),
                _ => None,
            })
            .collect();
        // 2026-05-31 is a Sunday and the last day of May.
        assert_eq!(
            periods,
            vec![
                ("2026-05-30".into(), vec![Period::Daily]),
                (
                    "2026-05-31".into(),
                    vec![Period::Daily, Period::Weekly, Period::Monthly]
                )
            ]
        );
    }

    #[test]
    fn utc_jobs_and_keys() {
        let occ = occurrences(
            "UTC".parse().unwrap(),
            utc("2026-06-10T01:30:00Z"),
            utc("2026-06-10T06:00:00Z"),
        );
        let keys: Vec<String> = occ.iter().map(Occurrence::key).collect();
        assert_eq!(
            keys,
            vec![
                "insights.detect:2026-06-10",
                "console.segments:2026-06-10",
                "scores.refresh:2026-06-10T06"
            ]
        );
        assert!(occurrences(
            "UTC".parse().unwrap(),
            utc("2026-06-10T06:00:00Z"),
            utc("2026-06-10T06:00:00Z")
        )
        .is_empty());
    }

    #[test]
    fn catch_up_is_bounded() {
        let occ = occurrences(
            "UTC".parse().unwrap(),
            utc("2020-01-01T00:00:00Z"),
            utc("2026-06-10T00:00:00Z"),
        );
        let snaps = occ
            .iter()
            .filter(|o| matches!(o, Occurrence::Snapshot { .. }))
            .count();
        assert_eq!(snaps as i64, MAX_CATCH_UP_DAYS);
    }
}
