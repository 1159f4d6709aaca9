//! The calendar heat map of daily mood: one square per day of the last year (weeks as columns,
//! Monday at the top, as in a wall calendar), coloured by the mean emotional charge of that
//! day's events from deep red (−5) through grey (no events or 0) to deep green (+5). Each square
//! names its day, mean and count; the colour is never the only signal.

use std::collections::HashMap;
use std::fmt::Write;

use chrono::{Datelike, Duration, NaiveDate};
use wisdomos_db::events::DayMood;

use super::chart::{escape, title_id};

const CELL: i64 = 12;
const GAP: i64 = 2;
const LEFT: i64 = 28;
const TOP: i64 = 16;

/// The class of a day's colour: `m0` for no events, `n1`..`n3` below zero and `p1`..`p3`
/// above it (|mean| up to 1.5, up to 3, beyond), `z` for exactly neutral days.
pub fn band(mean: Option<f64>) -> &'static str {
    match mean {
        None => "m0",
        Some(m) if m.abs() < 0.05 => "z",
        Some(m) if m > 0.0 => match m {
            m if m <= 1.5 => "p1",
            m if m <= 3.0 => "p2",
            _ => "p3",
        },
        Some(m) => match -m {
            m if m <= 1.5 => "n1",
            m if m <= 3.0 => "n2",
            _ => "n3",
        },
    }
}

/// The SVG for the 53 weeks ending with `today`'s week, from `days` (any order; days outside
/// are ignored).
pub fn calendar(days: &[DayMood], today: NaiveDate, label: &str) -> String {
    let by_day: HashMap<NaiveDate, &DayMood> = days.iter().map(|d| (d.date, d)).collect();
    let monday = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
    let start = monday - Duration::weeks(52);
    let weeks = 53;
    let w = LEFT + weeks * (CELL + GAP);
    let h = TOP + 7 * (CELL + GAP);
    let id = title_id("mood", label);
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="heatmap" viewBox="0 0 {w} {h}" role="img" aria-labelledby="{id}"><title id="{id}">{}</title>"#,
        escape(label)
    );
    for (row, name) in [(0, "Mon"), (2, "Wed"), (4, "Fri")] {
        let _ = write!(
            svg,
            r#"<text class="axis" x="0" y="{}">{name}</text>"#,
            TOP + row * (CELL + GAP) + CELL - 2
        );
    }
    let mut last_month = 0;
    for week in 0..weeks {
        let x = LEFT + week * (CELL + GAP);
        let first = start + Duration::weeks(week);
        if first.month() != last_month && first.day() <= 7 {
            let _ = write!(
                svg,
                r#"<text class="axis" x="{x}" y="{}">{}</text>"#,
                TOP - 4,
                first.format("%b")
            );
            last_month = first.month();
        }
        for dow in 0..7 {
            let day = first + Duration::days(dow);
            if day > today {
                break;
            }
            let mood = by_day.get(&day);
            let mean = mood.map(|m| m.mean_charge);
            let said = match mood {
                Some(m) => format!(
                    "{}: mean charge {:+.1} over {} event{}",
                    day.format("%a %-d %b %Y"),
                    m.mean_charge,
                    m.events,
                    if m.events == 1 { "" } else { "s" }
                ),
                None => format!("{}: no events", day.format("%a %-d %b %Y")),
            };
            let _ = write!(
                svg,
                r#"<rect class="day {}" x="{x}" y="{}" width="{CELL}" height="{CELL}" rx="2" data-date="{day}"><title>{said}</title></rect>"#,
                band(mean),
                TOP + dow * (CELL + GAP)
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn bands_follow_the_mean_charge() {
        assert_eq!(band(None), "m0");
        assert_eq!(band(Some(0.0)), "z");
        assert_eq!(band(Some(1.0)), "p1");
        assert_eq!(band(Some(2.5)), "p2");
        assert_eq!(band(Some(5.0)), "p3");
        assert_eq!(band(Some(-1.5)), "n1");
        assert_eq!(band(Some(-3.0)), "n2");
        assert_eq!(band(Some(-4.2)), "n3");
    }

    #[test]
    fn a_year_of_days_ending_today() {
        let today = d("2026-12-06"); // a Sunday
        let days = [
            DayMood {
                date: d("2026-12-01"),
                mean_charge: 4.0,
                events: 2,
            },
            DayMood {
                date: d("2026-12-02"),
                mean_charge: -2.0,
                events: 1,
            },
            DayMood {
                date: d("2024-01-01"),
                mean_charge: 5.0,
                events: 1,
            },
        ];
        let svg = calendar(&days, today, "Mood <year>");
        // 52 full weeks before this one, plus this week's 7 days up to Sunday.
        assert_eq!(svg.matches("<rect class=\"day").count(), 53 * 7);
        assert!(svg.contains(r#"class="day p3" x="756" y="30" width="12" height="12" rx="2" data-date="2026-12-01""#), "{svg}");
        assert!(svg.contains("Wed 2 Dec 2026: mean charge -2.0 over 1 event<"));
        assert!(svg.contains("Tue 1 Dec 2026: mean charge +4.0 over 2 events"));
        assert!(svg.contains("Mood &lt;year&gt;"));
        assert!(!svg.contains("2024-01-01"), "older days are left out");
        let wed = calendar(&[], d("2026-12-02"), "x");
        assert_eq!(wed.matches("<rect class=\"day").count(), 52 * 7 + 3);
    }
}
