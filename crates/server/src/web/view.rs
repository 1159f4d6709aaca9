//! Formatting shared by the pages: words for stored enums, status colours, dates in the
//! workspace's time zone, select options.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use uuid::Uuid;
use wisdomos_db::events::Event;
use wisdomos_db::life_areas::LifeArea;

/// `INNER_PERSONAL` → `Inner personal`: a stored enum value in words.
pub fn words(stored: &str) -> String {
    let lower = stored.replace('_', " ").to_lowercase();
    let mut chars = lower.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A cluster's display name: `INNER_PERSONAL` → `Inner & Personal`.
pub fn cluster_name(stored: &str) -> String {
    stored.split('_').map(words).collect::<Vec<_>>().join(" & ")
}

/// CSS class of a status band (the five colours of seed 001 §V `LifeAreaCard`).
pub fn status_class(status: &str) -> String {
    format!("s-{}", status.to_lowercase())
}

/// The workspace's zone, UTC when the stored name is unknown.
pub fn zone(name: &str) -> Tz {
    name.parse().unwrap_or(Tz::UTC)
}

/// `22 Nov 2026` in `tz`.
pub fn date(at: DateTime<Utc>, tz: Tz) -> String {
    at.with_timezone(&tz).format("%-d %b %Y").to_string()
}

/// `22 Nov 2026, 14:05` in `tz`.
pub fn date_time(at: DateTime<Utc>, tz: Tz) -> String {
    at.with_timezone(&tz).format("%-d %b %Y, %H:%M").to_string()
}

/// A calendar date: `22 Nov 2026`.
pub fn day(d: NaiveDate) -> String {
    d.format("%-d %b %Y").to_string()
}

/// The value of an `<input type="datetime-local">` for `at` in `tz`: `2026-11-22T14:05`.
pub fn local_input(at: DateTime<Utc>, tz: Tz) -> String {
    at.with_timezone(&tz).format("%Y-%m-%dT%H:%M").to_string()
}

/// One `<option>` of a select.
#[derive(Debug, Clone)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// Options for stored enum values, labelled in words, `selected` marked.
pub fn choices(values: &[&str], selected: &str) -> Vec<Choice> {
    values
        .iter()
        .map(|v| Choice {
            value: (*v).to_owned(),
            label: words(v),
            selected: *v == selected,
        })
        .collect()
}

/// Options for the workspace's areas (by slug), `selected` marked (slug or id).
pub fn area_choices(areas: &[LifeArea], selected: &str) -> Vec<Choice> {
    areas
        .iter()
        .map(|a| Choice {
            value: a.slug.clone(),
            label: a.name.clone(),
            selected: a.slug == selected || a.id.to_string() == selected,
        })
        .collect()
}

/// A life area as a card: name, score, status in words and colour.
#[derive(Debug, Clone)]
pub struct AreaCard {
    pub slug: String,
    pub name: String,
    /// 0–100, one decimal.
    pub score: f64,
    pub status: String,
    pub status_words: String,
    pub class: String,
}

impl From<&LifeArea> for AreaCard {
    fn from(a: &LifeArea) -> Self {
        Self {
            slug: a.slug.clone(),
            name: a.name.clone(),
            score: a.current_score,
            status: a.status.clone(),
            status_words: words(&a.status),
            class: status_class(&a.status),
        }
    }
}

/// An event as a row of a timeline.
#[derive(Debug, Clone)]
pub struct EventRow {
    pub id: Uuid,
    pub title: String,
    pub description: String,
    pub area_name: String,
    pub area_slug: String,
    pub when: String,
    pub kind: String,
    pub tone: String,
    /// Signed, e.g. `+3`.
    pub charge: String,
    pub tags: Vec<String>,
}

impl EventRow {
    /// The row of a stored event, naming its area from `areas`.
    pub fn new(e: &Event, areas: &[LifeArea], tz: Tz) -> Self {
        let area = areas.iter().find(|a| a.id == e.life_area_id);
        Self {
            id: e.id,
            title: e.title.clone(),
            description: e.description.clone(),
            area_name: area.map(|a| a.name.clone()).unwrap_or_default(),
            area_slug: area.map(|a| a.slug.clone()).unwrap_or_default(),
            when: date_time(e.occurred_at, tz),
            kind: words(&e.event_type),
            tone: words(&e.tone),
            charge: format!("{:+}", e.emotional_charge),
            tags: e.tags.clone(),
        }
    }
}

/// Longest `back` followed, in bytes.
const BACK_MAX: usize = 2048;

/// `back` when it is a path of this site, else `fallback` (no open redirects, never an invalid
/// `Location`). Browsers drop tabs and line breaks from URLs and read `\\` as `/`, so
/// `/<TAB>/evil.example` would leave the site: anything but visible ASCII (so no control
/// character, white space or raw non-ASCII, which a `Location` header cannot carry), a backslash
/// or a second leading `/` makes `back` fall back.
pub fn local_path(back: Option<&str>, fallback: &str) -> String {
    match back {
        Some(b)
            if b.len() <= BACK_MAX
                && b.starts_with('/')
                && !b.starts_with("//")
                && b.bytes().all(|c| c.is_ascii_graphic() && c != b'\\') =>
        {
            b.to_owned()
        }
        _ => fallback.to_owned(),
    }
}

/// Parses a `datetime-local` value (`2026-11-22T14:05`, seconds optional) as a time in `tz`.
/// In a gap (clocks jumping forward) the later instant is taken; in an overlap the earlier.
pub fn parse_local(s: &str, tz: Tz) -> Option<DateTime<Utc>> {
    use chrono::TimeZone;
    let naive = chrono::NaiveDateTime::parse_from_str(s.trim(), "%Y-%m-%dT%H:%M")
        .or_else(|_| chrono::NaiveDateTime::parse_from_str(s.trim(), "%Y-%m-%dT%H:%M:%S"))
        .ok()?;
    match tz.from_local_datetime(&naive) {
        chrono::LocalResult::Single(t) => Some(t.with_timezone(&Utc)),
        chrono::LocalResult::Ambiguous(a, _) => Some(a.with_timezone(&Utc)),
        chrono::LocalResult::None => tz
            .from_local_datetime(&(naive + chrono::Duration::hours(1)))
            .earliest()
            .map(|t| t.with_timezone(&Utc)),
    }
}

/// An id from the path; anything but a UUID is answered 404, like an unknown id.
pub fn parse_id(raw: &str) -> Result<Uuid, super::WebError> {
    Ok(crate::extract::parse_id(raw)?)
}

/// A text input as typed → `None` when blank, else the text trimmed (optional API fields).
pub fn filled(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

/// Comma-separated tags as typed → the list the API validates.
pub fn split_tags(s: &str) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A link with a line of detail, for short lists (reviews, patterns, commitments).
#[derive(Debug, Clone)]
pub struct Item {
    pub href: String,
    pub text: String,
    pub meta: String,
}

/// Field errors of a failed form by field name, to show beside the fields.
#[derive(Debug, Clone, Default)]
pub struct FieldErrors(pub Vec<(String, String)>);

impl FieldErrors {
    /// The message for `field`, empty when it has none.
    pub fn of(&self, field: &str) -> &str {
        self.0
            .iter()
            .find(|(f, _)| f == field || f.starts_with(&format!("{field}[")))
            .map_or("", |(_, m)| m.as_str())
    }

    /// Whether there is any error.
    pub fn any(&self) -> bool {
        !self.0.is_empty()
    }

    /// The same errors for a page whose form labels `field` as `shown` (e.g. the statement of
    /// a boundary is labelled "Boundary").
    pub fn labelled(mut self, field: &str, shown: &str) -> Self {
        let generic = super::labels::label(field);
        for (f, m) in &mut self.0 {
            if f.split(['[', '.']).next() == Some(field) {
                if let Some(rest) = m.strip_prefix(&generic) {
                    *m = format!("{shown}{rest}");
                }
            }
        }
        self
    }
}

impl From<&wisdomos_core::ValidationErrors> for FieldErrors {
    /// Each error in words a person reads beside the field: the field named by its label.
    fn from(e: &wisdomos_core::ValidationErrors) -> Self {
        FieldErrors(
            e.0.iter()
                .map(|f| {
                    (
                        f.field.clone(),
                        super::labels::humane(&f.field, f.code, &f.message),
                    )
                })
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_and_cluster_names() {
        assert_eq!(words("TRUTH_REVEALED"), "Truth revealed");
        assert_eq!(words(""), "");
        assert_eq!(cluster_name("INNER_PERSONAL"), "Inner & Personal");
        assert_eq!(status_class("THRIVING"), "s-thriving");
    }

    #[test]
    fn local_times_across_daylight_saving_changes() {
        let berlin = zone("Europe/Berlin");
        let utc = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        assert_eq!(
            parse_local("2026-07-01T12:00", berlin),
            Some(utc("2026-07-01T10:00:00Z"))
        );
        // 02:30 does not exist on 29 March: the hour after the gap.
        assert_eq!(
            parse_local("2026-03-29T02:30", berlin),
            Some(utc("2026-03-29T01:30:00Z"))
        );
        // 02:30 happens twice on 25 October: the first.
        assert_eq!(
            parse_local("2026-10-25T02:30", berlin),
            Some(utc("2026-10-25T00:30:00Z"))
        );
        assert_eq!(
            parse_local("2026-10-25T02:30:15", berlin),
            Some(utc("2026-10-25T00:30:15Z"))
        );
        assert_eq!(parse_local("yesterday", berlin), None);
    }

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(local_path(Some("/areas/work"), "/x"), "/areas/work");
        for bad in [
            "//evil.example/",
            "https://evil.example/",
            "/\\evil",
            "areas",
            "/\t/evil.example",
            "/\n/evil.example",
            "/a\r\nSet-Cookie: x=1",
            "/a\0b",
            "/ /evil.example",
            "/\u{2028}/evil.example",
            "/caf\u{e9}",
        ] {
            assert_eq!(local_path(Some(bad), "/x"), "/x", "{bad}");
        }
        assert_eq!(local_path(None, "/x"), "/x");
        assert_eq!(
            local_path(Some(&format!("/{}", "a".repeat(3000))), "/x"),
            "/x"
        );
    }

    #[test]
    fn dates_in_the_workspace_zone() {
        let at = DateTime::parse_from_rfc3339("2026-11-21T23:30:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(date(at, zone("Asia/Kathmandu")), "22 Nov 2026");
        assert_eq!(
            local_input(at, zone("America/St_Johns")),
            "2026-11-21T20:00"
        );
        assert_eq!(date(at, zone("Not/AZone")), "21 Nov 2026");
    }
}
