//! A server-rendered SVG bar chart of a count per day (the assistant's usage by day), with a
//! zero-based axis and the day of the month under each bar.

use std::fmt::Write;

use chrono::{Datelike, NaiveDate};

use super::chart::{escape, title_id};

const W: f64 = 640.0;
const H: f64 = 200.0;
const LEFT: f64 = 36.0;
const RIGHT: f64 = 8.0;
const TOP: f64 = 10.0;
const BOTTOM: f64 = 26.0;

/// An SVG bar per day of `days` (date, count ≥ 0), in order; `None` when there are no days.
/// The axis runs from 0 to the largest count (at least 1).
pub fn per_day(days: &[(NaiveDate, i64)], label: &str) -> Option<String> {
    if days.is_empty() {
        return None;
    }
    let max = days.iter().map(|d| d.1).max().unwrap_or(0).max(1) as f64;
    let plot_w = W - LEFT - RIGHT;
    let plot_h = H - TOP - BOTTOM;
    let slot = plot_w / days.len() as f64;
    let id = title_id("bars", label);
    let mut svg = format!(
        r#"<svg class="trend bars" viewBox="0 0 {W} {H}" role="img" aria-labelledby="{id}"><title id="{id}">{}</title>"#,
        escape(label)
    );
    let mut ticks = vec![0.0, (max / 2.0).round(), max];
    ticks.dedup();
    for tick in ticks {
        let y = TOP + plot_h * (1.0 - tick / max);
        let _ = write!(
            svg,
            r#"<line class="grid" x1="{LEFT}" x2="{}" y1="{y:.1}" y2="{y:.1}"/><text class="axis" x="{}" y="{:.1}" text-anchor="end">{}</text>"#,
            W - RIGHT,
            LEFT - 6.0,
            y + 4.0,
            tick.round() as i64
        );
    }
    let every = (days.len() / 10).max(1);
    for (i, (date, n)) in days.iter().enumerate() {
        let h = plot_h * (*n as f64 / max);
        let x = LEFT + slot * i as f64 + slot * 0.15;
        let _ = write!(
            svg,
            r#"<rect class="bar" x="{x:.1}" y="{:.1}" width="{:.1}" height="{h:.1}"><title>{}: {n}</title></rect>"#,
            TOP + plot_h - h,
            slot * 0.7,
            date.format("%-d %b")
        );
        if i % every == 0 {
            let _ = write!(
                svg,
                r#"<text class="axis" x="{:.1}" y="{}" text-anchor="middle">{}</text>"#,
                x + slot * 0.35,
                H - 8.0,
                date.day()
            );
        }
    }
    svg.push_str("</svg>");
    Some(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bar_per_day_scaled_to_the_largest() {
        let d = |n| NaiveDate::from_ymd_opt(2026, 12, n).unwrap();
        let svg = per_day(&[(d(1), 0), (d(2), 4), (d(3), 2)], "Conversations").unwrap();
        assert_eq!(svg.matches("<rect class=\"bar\"").count(), 3);
        assert!(svg.contains("2 Dec: 4"));
        assert!(per_day(&[], "x").is_none());
        // One conversation in all: the axis reads 0 and 1, once each.
        let one = per_day(&[(d(1), 0), (d(2), 1)], "x").unwrap();
        assert_eq!(
            one.matches(r#"text-anchor="end">1</text>"#).count(),
            1,
            "{one}"
        );
        assert_eq!(
            one.matches(r#"text-anchor="end">0</text>"#).count(),
            1,
            "{one}"
        );
    }
}
