//! What a person reads about a pattern (seed 001 §III.2's example: "4 upsets in the past 30
//! days about overwork, mostly on weekdays"): counts by event type, the span, the theme, the
//! tone, the days of the week and the life areas.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Utc, Weekday};
use chrono_tz::Tz;

/// What the description needs of each event of a pattern.
#[derive(Debug, Clone)]
pub struct Member {
    /// Stored event type (`UPSET`, `SETBACK`, …).
    pub event_type: String,
    /// Stored tone (`POSITIVE`, `NEGATIVE`, …).
    pub tone: String,
    pub occurred_at: DateTime<Utc>,
    /// The life area's display name.
    pub area: String,
}

/// Share of a group at which one tone or weekday/weekend leaning is called "mostly".
const MOSTLY: f64 = 0.75;
/// Share of a group on Monday–Friday at which it is "mostly on weekdays".
const WEEKDAYS_MOSTLY: f64 = 0.8;

fn type_noun(t: &str, n: usize) -> String {
    let (one, many) = match t {
        "BREAKTHROUGH" => ("breakthrough", "breakthroughs"),
        "PROGRESS" => ("step forward", "steps forward"),
        "SETBACK" => ("setback", "setbacks"),
        "UPSET" => ("upset", "upsets"),
        "MILESTONE" => ("milestone", "milestones"),
        "PATTERN" => ("noted pattern", "noted patterns"),
        "LEARNING" => ("lesson", "lessons"),
        _ => ("event", "events"),
    };
    format!("{n} {}", if n == 1 { one } else { many })
}

/// "a, b and c".
fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// Counted values, most frequent first (ties by value).
fn counted<'a>(values: impl Iterator<Item = &'a str>) -> Vec<(&'a str, usize)> {
    let mut c: BTreeMap<&str, usize> = BTreeMap::new();
    for v in values {
        *c.entry(v).or_default() += 1;
    }
    let mut v: Vec<(&str, usize)> = c.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    v
}

/// One sentence about a pattern of `members` with `theme`, seen from `now` in time zone `tz`,
/// e.g. "4 upsets and 1 setback in the past 30 days about overwork and deadline: mostly
/// negative, mostly on weekdays, in Work & Purpose (4) and Time & Energy (1)." Empty members
/// give an empty string.
pub fn describe(theme: &[String], members: &[Member], now: DateTime<Utc>, tz: Tz) -> String {
    let Some(first) = members.iter().map(|m| m.occurred_at).min() else {
        return String::new();
    };
    let n = members.len() as f64;
    let types: Vec<String> = counted(members.iter().map(|m| m.event_type.as_str()))
        .into_iter()
        .map(|(t, c)| type_noun(t, c))
        .collect();
    let days = (now - first).num_days().max(0) + 1;
    let mut s = format!(
        "{} in the past {days} day{}",
        join_and(&types),
        if days == 1 { "" } else { "s" }
    );
    if !theme.is_empty() {
        s.push_str(&format!(" about {}", join_and(theme)));
    }
    let mut traits: Vec<String> = Vec::new();
    let tones = counted(members.iter().map(|m| m.tone.as_str()));
    if let Some((tone, c)) = tones.first() {
        let tone = tone.to_lowercase();
        if *c == members.len() {
            traits.push(format!("all {tone}"));
        } else if *c as f64 >= MOSTLY * n {
            traits.push(format!("mostly {tone}"));
        } else {
            let mix: Vec<String> = tones
                .iter()
                .map(|(t, c)| format!("{c} {}", t.to_lowercase()))
                .collect();
            traits.push(format!("mixed in tone ({})", mix.join(", ")));
        }
    }
    let weekend = members
        .iter()
        .filter(|m| {
            matches!(
                m.occurred_at.with_timezone(&tz).weekday(),
                Weekday::Sat | Weekday::Sun
            )
        })
        .count() as f64;
    if members.len() >= 3 {
        // Five days in seven are weekdays anyway: "mostly" asks for more than that share.
        if n - weekend >= WEEKDAYS_MOSTLY * n {
            traits.push("mostly on weekdays".into());
        } else if weekend >= MOSTLY * n {
            traits.push("mostly at weekends".into());
        }
    }
    let areas: Vec<String> = counted(members.iter().map(|m| m.area.as_str()))
        .into_iter()
        .take(3)
        .map(|(a, c)| format!("{a} ({c})"))
        .collect();
    traits.push(format!("in {}", join_and(&areas)));
    format!("{s}: {}.", traits.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(t: &str, tone: &str, at: &str, area: &str) -> Member {
        Member {
            event_type: t.into(),
            tone: tone.into(),
            occurred_at: at.parse().unwrap(),
            area: area.into(),
        }
    }

    #[test]
    fn counts_span_tone_weekdays_and_areas() {
        let now: DateTime<Utc> = "2026-03-31T12:00:00Z".parse().unwrap();
        // 2026-03-02 is a Monday.
        let members = vec![
            m(
                "UPSET",
                "NEGATIVE",
                "2026-03-02T09:00:00Z",
                "Work & Purpose",
            ),
            m(
                "UPSET",
                "NEGATIVE",
                "2026-03-10T09:00:00Z",
                "Work & Purpose",
            ),
            m(
                "UPSET",
                "NEGATIVE",
                "2026-03-18T09:00:00Z",
                "Work & Purpose",
            ),
            m(
                "SETBACK",
                "NEGATIVE",
                "2026-03-26T09:00:00Z",
                "Time & Energy",
            ),
        ];
        let d = describe(
            &["overwork".into()],
            &members,
            now,
            chrono_tz::Europe::Berlin,
        );
        assert_eq!(
            d,
            "3 upsets and 1 setback in the past 30 days about overwork: all negative, mostly on \
             weekdays, in Work & Purpose (3) and Time & Energy (1)."
        );
    }

    #[test]
    fn mixed_tones_and_weekends_are_said() {
        let now: DateTime<Utc> = "2026-03-09T12:00:00Z".parse().unwrap();
        // Saturdays and a Sunday.
        let members = vec![
            m(
                "PROGRESS",
                "POSITIVE",
                "2026-03-07T09:00:00Z",
                "Physical Health",
            ),
            m(
                "PROGRESS",
                "POSITIVE",
                "2026-03-08T09:00:00Z",
                "Physical Health",
            ),
            m(
                "SETBACK",
                "NEGATIVE",
                "2026-02-28T09:00:00Z",
                "Physical Health",
            ),
            m(
                "LEARNING",
                "NEUTRAL",
                "2026-03-01T09:00:00Z",
                "Physical Health",
            ),
        ];
        let d = describe(
            &["running".into(), "knee".into()],
            &members,
            now,
            chrono_tz::UTC,
        );
        assert!(d.starts_with("2 steps forward, 1 lesson and 1 setback in the past 10 days about running and knee"), "{d}");
        assert!(
            d.contains("mixed in tone (2 positive, 1 negative, 1 neutral)"),
            "{d}"
        );
        assert!(d.contains("mostly at weekends"), "{d}");
        assert!(d.ends_with("in Physical Health (4)."), "{d}");
    }
}
