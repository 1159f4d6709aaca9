//! The score trend chart: a server-rendered SVG line over time with a 0–100 score axis, dated
//! x-axis ticks and the five status bands shaded behind the line.

use std::fmt::Write;

use chrono::NaiveDate;

/// Width and height of the drawing in SVG user units; the SVG scales to its container.
const W: f64 = 640.0;
const H: f64 = 240.0;
/// Margins for the axis labels.
const LEFT: f64 = 40.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 32.0;

/// An event shown on a trend: a mark at the foot of the chart on its date, coloured by the sign
/// of its emotional charge (−5..+5), named by its title on hover.
#[derive(Debug, Clone)]
pub struct Marker {
    pub date: NaiveDate,
    pub charge: i16,
    pub title: String,
}

/// An SVG trend of `points` (date, score 0–100), sorted by date, with `markers` (sorted by
/// date) along the foot; the dates shown run from the earliest to the latest of both. One point
/// is drawn as a dot; no point gives `None` (the page says there are no snapshots yet). The
/// band edges 20/40/70/90 are those of `AreaStatus::for_score`.
pub fn trend(points: &[(NaiveDate, f64)], label: &str, markers: &[Marker]) -> Option<String> {
    let mut first = points.first()?.0;
    let mut last = points.last()?.0;
    if let (Some(m0), Some(m1)) = (markers.first(), markers.last()) {
        first = first.min(m0.date);
        last = last.max(m1.date);
    }
    let span = (last - first).num_days().max(1) as f64;
    let plot_w = W - LEFT - RIGHT;
    let plot_h = H - TOP - BOTTOM;
    let x = |d: NaiveDate| LEFT + plot_w * ((d - first).num_days() as f64 / span);
    let y = |s: f64| TOP + plot_h * (1.0 - s.clamp(0.0, 100.0) / 100.0);
    let mut svg = String::new();
    let id = title_id("trend", label);
    let _ = write!(
        svg,
        r#"<svg class="trend" viewBox="0 0 {W} {H}" role="img" aria-labelledby="{id}"><title id="{id}">{}</title>"#,
        escape(label)
    );
    for (lo, hi, class) in [
        (0.0, 20.0, "s-crisis"),
        (20.0, 40.0, "s-struggling"),
        (40.0, 70.0, "s-balanced"),
        (70.0, 90.0, "s-thriving"),
        (90.0, 100.0, "s-flourishing"),
    ] {
        let _ = write!(
            svg,
            r#"<rect class="band {class}" x="{LEFT}" y="{:.1}" width="{plot_w}" height="{:.1}"/>"#,
            y(hi),
            y(lo) - y(hi)
        );
    }
    for tick in [0, 20, 40, 60, 80, 100] {
        let ty = y(f64::from(tick));
        let _ = write!(
            svg,
            r#"<line class="grid" x1="{LEFT}" x2="{:.1}" y1="{ty:.1}" y2="{ty:.1}"/><text class="axis" x="{:.1}" y="{:.1}" text-anchor="end">{tick}</text>"#,
            W - RIGHT,
            LEFT - 6.0,
            ty + 4.0
        );
    }
    let mut ticks = vec![first, last];
    if span >= 14.0 {
        ticks.insert(1, first + chrono::Duration::days((span / 2.0) as i64));
    }
    ticks.dedup();
    for (i, d) in ticks.iter().enumerate() {
        let anchor = match i {
            0 => "start",
            _ if i == ticks.len() - 1 => "end",
            _ => "middle",
        };
        let _ = write!(
            svg,
            r#"<text class="axis" x="{:.1}" y="{:.1}" text-anchor="{anchor}">{}</text>"#,
            x(*d),
            H - 10.0,
            d.format("%-d %b %Y")
        );
    }
    let _ = write!(
        svg,
        r#"<line class="axis-line" x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{:.1}"/><line class="axis-line" x1="{LEFT}" x2="{:.1}" y1="{:.1}" y2="{:.1}"/>"#,
        TOP + plot_h,
        W - RIGHT,
        TOP + plot_h,
        TOP + plot_h
    );
    let line: Vec<String> = points
        .iter()
        .map(|(d, s)| format!("{:.1},{:.1}", x(*d), y(*s)))
        .collect();
    if points.len() > 1 {
        let _ = write!(
            svg,
            r#"<polyline class="line" points="{}"/>"#,
            line.join(" ")
        );
    }
    for (d, s) in points {
        let _ = write!(
            svg,
            r#"<circle class="dot" cx="{:.1}" cy="{:.1}" r="3"><title>{}: {s:.1}</title></circle>"#,
            x(*d),
            y(*s),
            d.format("%-d %b %Y")
        );
    }
    for m in markers {
        let (class, sign) = match m.charge {
            c if c > 0 => ("marker up", "+"),
            c if c < 0 => ("marker down", ""),
            _ => ("marker flat", ""),
        };
        let _ = write!(
            svg,
            r#"<rect class="{class}" x="{:.1}" y="{:.1}" width="3" height="8"><title>{}: {} ({sign}{})</title></rect>"#,
            x(m.date) - 1.5,
            TOP + plot_h - 9.0,
            m.date.format("%-d %b %Y"),
            escape(&m.title),
            m.charge
        );
    }
    svg.push_str("</svg>");
    Some(svg)
}

/// An element id for a chart's title, distinct for distinct labels on one page.
pub fn title_id(kind: &str, label: &str) -> String {
    let slug: String = label
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .take(48)
        .collect();
    format!("{kind}-{slug}")
}

/// `s` safe inside SVG text and attributes.
pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn no_points_no_chart() {
        assert!(trend(&[], "x", &[]).is_none());
    }

    #[test]
    fn axes_dates_and_line() {
        let svg = trend(
            &[
                (d("2026-01-01"), 50.0),
                (d("2026-01-31"), 100.0),
                (d("2026-03-02"), 0.0),
            ],
            "Health <trend>",
            &[],
        )
        .unwrap();
        assert!(svg.contains("Health &lt;trend&gt;"));
        for label in ["1 Jan 2026", "31 Jan 2026", "2 Mar 2026", ">100<", ">0<"] {
            assert!(svg.contains(label), "{label} missing");
        }
        // 100 sits at the top margin, 0 at the bottom of the plot, the middle date mid-width.
        assert!(
            svg.contains(r#"points="40.0,110.0 334.0,12.0 628.0,208.0""#),
            "{svg}"
        );
    }

    #[test]
    fn one_point_is_a_dot() {
        let svg = trend(&[(d("2026-01-01"), 42.0)], "x", &[]).unwrap();
        assert!(!svg.contains("polyline"));
        assert!(svg.contains("<circle"));
    }

    #[test]
    fn events_are_marked_and_widen_the_dates() {
        let m = |date: &str, charge, title: &str| Marker {
            date: d(date),
            charge,
            title: title.into(),
        };
        let svg = trend(
            &[(d("2026-01-01"), 50.0), (d("2026-01-31"), 60.0)],
            "x",
            &[m("2026-01-01", 3, "Ran <5k>"), m("2026-03-02", -2, "Fell")],
        )
        .unwrap();
        assert!(svg.contains(r#"class="marker up" x="38.5""#), "{svg}");
        assert!(svg.contains(r#"class="marker down" x="626.5""#), "{svg}");
        assert!(svg.contains("1 Jan 2026: Ran &lt;5k&gt; (+3)"));
        assert!(
            svg.contains("2 Mar 2026"),
            "the axis runs to the last event"
        );
    }
}
