//! Reading journal files into event rows (docs/import.md): our own CSV and JSON, Daylio CSV
//! exports, Day One JSON exports, and the ISEAR research CSV. Pure: bytes in, rows out; the
//! caller validates rows with the event rules, resolves areas and writes.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::event::{EventCategory, EventTone, EventType};

/// Formats the importer reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Our CSV: a header with `occurredAt` and `title` (or `description`), optional `lifeArea`,
    /// `type`, `category`, `tone`, `description`, `narrative`, `emotionalCharge`, `tags`.
    Csv,
    /// Our JSON: an array of event objects, or `{"events": [...]}`.
    Json,
    /// A Daylio CSV export (`full_date`, `time`, `mood`, `activities`, `note_title`, `note`).
    Daylio,
    /// A Day One JSON export (`{"entries": [{"creationDate", "text", "tags"}]}`).
    Dayone,
    /// The ISEAR study's CSV (`id`, `emotion`, `intensity`, `when`, `text`).
    Isear,
}

impl Format {
    /// Every format.
    pub const ALL: [Format; 5] = [
        Format::Csv,
        Format::Json,
        Format::Daylio,
        Format::Dayone,
        Format::Isear,
    ];

    /// The format named `s` (as [`Format::as_str`] writes it, any case).
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        Self::ALL
            .into_iter()
            .find(|f| f.as_str().eq_ignore_ascii_case(s))
    }

    /// Name as accepted by `format=`.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Daylio => "daylio",
            Format::Dayone => "dayone",
            Format::Isear => "isear",
        }
    }
}

/// Why a whole file was refused (nothing is imported).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    #[error("the file is not UTF-8 text (export it as UTF-8)")]
    Encoding,
    #[error("the file is empty")]
    Empty,
    #[error("the file's format could not be recognised: expected our CSV or JSON, a Daylio CSV, a Day One JSON or an ISEAR CSV")]
    Unrecognised,
    #[error("the CSV header lacks the column(s) {0}")]
    MissingColumns(String),
    #[error("the CSV cannot be read: {0}")]
    BadCsv(String),
    #[error("the JSON cannot be read: {0}")]
    BadJson(String),
    #[error("the file holds more than {0} rows")]
    TooManyRows(usize),
}

/// Most rows one file may hold.
pub const MAX_ROWS: usize = 100_000;

/// One event read from a file, before validation. `row` is 1-based (the data row or entry).
#[derive(Debug, Clone, PartialEq)]
pub struct RawRow {
    pub row: usize,
    /// Slug or id, when the file names one.
    pub life_area: Option<String>,
    pub event_type: Option<EventType>,
    pub category: Option<EventCategory>,
    pub tone: Option<EventTone>,
    pub title: String,
    pub description: String,
    pub narrative: Option<String>,
    pub occurred_at: DateTime<Utc>,
    pub emotional_charge: i64,
    pub tags: Vec<String>,
}

/// A row the file itself makes unreadable (bad date, unknown enum, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RowError {
    pub row: usize,
    /// The column or field at fault, as named in the file.
    pub field: String,
    pub reason: String,
}

impl RowError {
    /// The error with every control character in `field` and `reason` (which may quote the
    /// file: a key, a value) written as a Rust-style escape such as `\u{85}`, so a report is
    /// always printable text.
    pub fn printable(self) -> Self {
        fn clean(s: String) -> String {
            if !s.chars().any(char::is_control) {
                return s;
            }
            s.chars()
                .map(|c| {
                    if c.is_control() {
                        c.escape_unicode().to_string()
                    } else {
                        c.to_string()
                    }
                })
                .collect()
        }
        Self {
            row: self.row,
            field: clean(self.field),
            reason: clean(self.reason),
        }
    }
}

/// What the caller knows when reading: the current time and the tenant's time zone (dates
/// without an offset are local to it).
#[derive(Debug, Clone, Copy)]
pub struct ReadContext {
    pub now: DateTime<Utc>,
    pub tz: Tz,
}

/// Guesses the format from the content: JSON with `entries` is Day One, other JSON is ours;
/// a CSV header with `full_date` and `mood` is Daylio, with `emotion` and `text` ISEAR, else ours.
pub fn detect(bytes: &[u8]) -> Result<Format, FileError> {
    let text = std::str::from_utf8(bytes).map_err(|_| FileError::Encoding)?;
    let t = text.trim_start_matches('\u{feff}').trim_start();
    if t.is_empty() {
        return Err(FileError::Empty);
    }
    if t.starts_with('{') || t.starts_with('[') {
        return Ok(
            if t.starts_with('{') && t.contains("\"entries\"") && t.contains("creationDate") {
                Format::Dayone
            } else {
                Format::Json
            },
        );
    }
    let header = t.lines().next().unwrap_or("").to_lowercase();
    let cols: Vec<&str> = header
        .split(',')
        .map(|c| c.trim().trim_matches('"'))
        .collect();
    if cols.contains(&"full_date") && cols.contains(&"mood") {
        Ok(Format::Daylio)
    } else if cols.contains(&"emotion") && cols.contains(&"text") {
        Ok(Format::Isear)
    } else if cols
        .iter()
        .any(|c| *c == "occurredat" || *c == "occurred_at" || *c == "title")
    {
        Ok(Format::Csv)
    } else {
        Err(FileError::Unrecognised)
    }
}

/// Reads every row of a file in `format`; a row that cannot be read becomes a [`RowError`].
pub fn read(
    bytes: &[u8],
    format: Format,
    cx: ReadContext,
) -> Result<Vec<Result<RawRow, RowError>>, FileError> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| FileError::Encoding)?
        .trim_start_matches('\u{feff}');
    if text.trim().is_empty() {
        return Err(FileError::Empty);
    }
    let rows = match format {
        Format::Csv => read_csv(text, cx)?,
        Format::Json => read_json(text, cx)?,
        Format::Daylio => read_daylio(text, cx)?,
        Format::Dayone => read_dayone(text, cx)?,
        Format::Isear => read_isear(text, cx)?,
    };
    if rows.len() > MAX_ROWS {
        return Err(FileError::TooManyRows(MAX_ROWS));
    }
    Ok(rows)
}

/// The title of a free text: its first line (without Markdown heading marks), cut at a word
/// boundary to at most 200 characters with an ellipsis.
pub fn title_from(text: &str) -> String {
    let first = text
        .lines()
        .map(|l| l.trim().trim_start_matches('#').trim())
        .find(|l| !l.is_empty())
        .unwrap_or("");
    if first.chars().count() <= 200 {
        return first.to_owned();
    }
    let cut: String = first.chars().take(199).collect();
    let at = cut.rfind(' ').filter(|i| *i > 100).unwrap_or(cut.len());
    format!("{}…", cut[..at].trim_end())
}

/// Default event type for a charge: positive PROGRESS, negative SETBACK, zero LEARNING. (UPSET
/// and BREAKTHROUGH weigh heavily in the score, so they are never guessed.)
pub fn type_for_charge(c: i64) -> EventType {
    match c {
        c if c > 0 => EventType::Progress,
        c if c < 0 => EventType::Setback,
        _ => EventType::Learning,
    }
}

/// Default tone for a charge.
pub fn tone_for_charge(c: i64) -> EventTone {
    match c {
        c if c > 0 => EventTone::Positive,
        c if c < 0 => EventTone::Negative,
        _ => EventTone::Neutral,
    }
}

/// Default category for an area: by its cluster, with the obvious special cases.
pub fn category_for_area(slug: &str, cluster: &str) -> EventCategory {
    match (slug, cluster) {
        ("work", _) | ("professional-network", _) => EventCategory::Professional,
        ("finance", _) => EventCategory::Financial,
        ("physical-health" | "mental-health", _) => EventCategory::Health,
        ("spirituality-meaning", _) => EventCategory::Spiritual,
        (_, "RELATIONAL_HUMAN") => EventCategory::Relational,
        (_, "CREATIVE_EXPRESSIVE") => EventCategory::Creative,
        _ => EventCategory::Personal,
    }
}

fn local(cx: ReadContext, dt: NaiveDateTime) -> DateTime<Utc> {
    cx.tz
        .from_local_datetime(&dt)
        .earliest()
        .map_or_else(|| Utc.from_utc_datetime(&dt), |d| d.with_timezone(&Utc))
}

/// RFC 3339, or a local `YYYY-MM-DD[ T]HH:MM[:SS]`, or a local date (noon).
fn parse_time(s: &str, cx: ReadContext) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d.with_timezone(&Utc));
    }
    for f in [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(dt) = NaiveDateTime::parse_from_str(s, f) {
            return Some(local(cx, dt));
        }
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(12, 0, 0))
        .map(|dt| local(cx, dt))
}

fn split_tags(s: &str) -> Vec<String> {
    s.split([';', '|'])
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

struct Table {
    header: Vec<String>,
    records: Vec<csv::StringRecord>,
}

fn table(text: &str) -> Result<Table, FileError> {
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header = rdr
        .headers()
        .map_err(|e| FileError::BadCsv(e.to_string()))?
        .iter()
        .map(|h| h.to_lowercase())
        .collect();
    let mut records = Vec::new();
    for r in rdr.records() {
        records.push(r.map_err(|e| FileError::BadCsv(e.to_string()))?);
        if records.len() > MAX_ROWS {
            return Err(FileError::TooManyRows(MAX_ROWS));
        }
    }
    Ok(Table { header, records })
}

impl Table {
    fn col(&self, names: &[&str]) -> Option<usize> {
        self.header.iter().position(|h| names.contains(&h.as_str()))
    }

    fn require(&self, names: &[(&str, &[&str])]) -> Result<Vec<usize>, FileError> {
        let mut missing = Vec::new();
        let mut out = Vec::new();
        for (label, alts) in names {
            match self.col(alts) {
                Some(i) => out.push(i),
                None => missing.push(*label),
            }
        }
        if missing.is_empty() {
            Ok(out)
        } else {
            Err(FileError::MissingColumns(missing.join(", ")))
        }
    }
}

fn get(rec: &csv::StringRecord, i: Option<usize>) -> &str {
    i.and_then(|i| rec.get(i)).unwrap_or("")
}

fn parse_enum<T>(
    rec_no: usize,
    field: &str,
    v: &str,
    parse: fn(&str) -> Option<T>,
) -> Result<Option<T>, RowError> {
    if v.is_empty() {
        return Ok(None);
    }
    parse(&v.to_uppercase()).map(Some).ok_or_else(|| RowError {
        row: rec_no,
        field: field.into(),
        reason: format!("unknown {field} `{v}`"),
    })
}

fn read_csv(text: &str, cx: ReadContext) -> Result<Vec<Result<RawRow, RowError>>, FileError> {
    let t = table(text)?;
    let [at] = t.require(&[("occurredAt", &["occurredat", "occurred_at"])])?[..] else {
        return Err(FileError::MissingColumns("occurredAt".into()));
    };
    let (title, desc) = (t.col(&["title"]), t.col(&["description"]));
    if title.is_none() && desc.is_none() {
        return Err(FileError::MissingColumns("title or description".into()));
    }
    let (area, ty, cat, tone) = (
        t.col(&["lifearea", "life_area", "lifeareaid"]),
        t.col(&["type"]),
        t.col(&["category"]),
        t.col(&["tone"]),
    );
    let (narr, charge, tags) = (
        t.col(&["narrative"]),
        t.col(&["emotionalcharge", "emotional_charge", "charge"]),
        t.col(&["tags"]),
    );
    Ok(t.records
        .iter()
        .enumerate()
        .map(|(i, rec)| {
            let row = i + 1;
            let occurred_at = parse_time(get(rec, Some(at)), cx).ok_or_else(|| RowError {
                row,
                field: "occurredAt".into(),
                reason: format!("`{}` is not a date or RFC 3339 time", get(rec, Some(at))),
            })?;
            let c = get(rec, charge);
            let emotional_charge = if c.is_empty() {
                0
            } else {
                c.parse::<i64>().map_err(|_| RowError {
                    row,
                    field: "emotionalCharge".into(),
                    reason: format!("`{c}` is not an integer"),
                })?
            };
            let description = get(rec, desc).to_owned();
            let title = match get(rec, title) {
                "" => title_from(&description),
                t => t.to_owned(),
            };
            Ok(RawRow {
                row,
                life_area: Some(get(rec, area).to_owned()).filter(|a| !a.is_empty()),
                event_type: parse_enum(row, "type", get(rec, ty), EventType::parse)?,
                category: parse_enum(row, "category", get(rec, cat), EventCategory::parse)?,
                tone: parse_enum(row, "tone", get(rec, tone), EventTone::parse)?,
                title,
                description,
                narrative: Some(get(rec, narr).to_owned()).filter(|n| !n.is_empty()),
                occurred_at,
                emotional_charge,
                tags: split_tags(get(rec, tags)),
            })
        })
        .collect())
}

/// An event object of our JSON format.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct JsonEvent {
    #[serde(alias = "lifeAreaId")]
    life_area: Option<String>,
    #[serde(rename = "type")]
    event_type: Option<EventType>,
    category: Option<EventCategory>,
    tone: Option<EventTone>,
    title: Option<String>,
    description: Option<String>,
    narrative: Option<String>,
    occurred_at: String,
    emotional_charge: Option<i64>,
    tags: Option<Vec<String>>,
}

fn read_json(text: &str, cx: ReadContext) -> Result<Vec<Result<RawRow, RowError>>, FileError> {
    let v: serde_json::Value =
        serde_json::from_str(text).map_err(|e| FileError::BadJson(e.to_string()))?;
    let items = match v {
        serde_json::Value::Array(a) => a,
        serde_json::Value::Object(mut o) => match o.remove("events") {
            Some(serde_json::Value::Array(a)) => a,
            _ => {
                return Err(FileError::BadJson(
                    "expected an array of events or {\"events\": [...]}".into(),
                ))
            }
        },
        _ => {
            return Err(FileError::BadJson(
                "expected an array of events or {\"events\": [...]}".into(),
            ))
        }
    };
    Ok(items
        .into_iter()
        .enumerate()
        .map(|(i, item)| {
            let row = i + 1;
            let e: JsonEvent = serde_json::from_value(item).map_err(|e| RowError {
                row,
                field: "event".into(),
                reason: e.to_string(),
            })?;
            let occurred_at = parse_time(&e.occurred_at, cx).ok_or_else(|| RowError {
                row,
                field: "occurredAt".into(),
                reason: format!("`{}` is not a date or RFC 3339 time", e.occurred_at),
            })?;
            let description = e.description.unwrap_or_default();
            Ok(RawRow {
                row,
                life_area: e.life_area.filter(|a| !a.is_empty()),
                event_type: e.event_type,
                category: e.category,
                tone: e.tone,
                title: e
                    .title
                    .filter(|t| !t.trim().is_empty())
                    .unwrap_or_else(|| title_from(&description)),
                description,
                narrative: e.narrative.filter(|n| !n.is_empty()),
                occurred_at,
                emotional_charge: e.emotional_charge.unwrap_or(0),
                tags: e.tags.unwrap_or_default(),
            })
        })
        .collect())
}

/// Daylio's five default moods and the charge each means; custom moods count as neutral.
pub fn daylio_charge(mood: &str) -> i64 {
    match mood.trim().to_lowercase().as_str() {
        "rad" => 4,
        "good" => 2,
        "meh" => 0,
        "bad" => -2,
        "awful" => -4,
        _ => 0,
    }
}

fn parse_clock(s: &str) -> Option<NaiveTime> {
    let s = s.trim().to_lowercase();
    ["%H:%M", "%H:%M:%S", "%I:%M %p", "%I:%M%p", "%I:%M:%S %p"]
        .iter()
        .find_map(|f| NaiveTime::parse_from_str(&s, f).ok())
}

fn read_daylio(text: &str, cx: ReadContext) -> Result<Vec<Result<RawRow, RowError>>, FileError> {
    let t = table(text)?;
    let [date, mood] = t.require(&[("full_date", &["full_date"]), ("mood", &["mood"])])?[..] else {
        return Err(FileError::MissingColumns("full_date, mood".into()));
    };
    let (time, acts, note_title, note) = (
        t.col(&["time"]),
        t.col(&["activities"]),
        t.col(&["note_title"]),
        t.col(&["note"]),
    );
    Ok(t.records
        .iter()
        .enumerate()
        .map(|(i, rec)| {
            let row = i + 1;
            let d = NaiveDate::parse_from_str(get(rec, Some(date)), "%Y-%m-%d").map_err(|_| {
                RowError {
                    row,
                    field: "full_date".into(),
                    reason: format!("`{}` is not a YYYY-MM-DD date", get(rec, Some(date))),
                }
            })?;
            let clock = match get(rec, time) {
                "" => NaiveTime::from_hms_opt(12, 0, 0),
                s => Some(parse_clock(s).ok_or_else(|| RowError {
                    row,
                    field: "time".into(),
                    reason: format!("`{s}` is not a time of day"),
                })?),
            };
            let occurred_at = local(cx, d.and_time(clock.unwrap_or_default()));
            let m = get(rec, Some(mood));
            if m.is_empty() {
                return Err(RowError {
                    row,
                    field: "mood".into(),
                    reason: "mood is empty".into(),
                });
            }
            let charge = daylio_charge(m);
            let note = get(rec, note).replace("<br>", "\n");
            let title = match get(rec, note_title) {
                "" if !note.trim().is_empty() => title_from(&note),
                "" => format!("A {} day", m.to_lowercase()),
                t => t.to_owned(),
            };
            Ok(RawRow {
                row,
                life_area: None,
                event_type: Some(type_for_charge(charge)),
                category: None,
                tone: Some(tone_for_charge(charge)),
                title,
                description: note,
                narrative: None,
                occurred_at,
                emotional_charge: charge,
                tags: split_tags(get(rec, acts)),
            })
        })
        .collect())
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct DayOneExport {
    entries: Vec<DayOneEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct DayOneEntry {
    creation_date: Option<String>,
    text: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
}

fn read_dayone(text: &str, cx: ReadContext) -> Result<Vec<Result<RawRow, RowError>>, FileError> {
    let export: DayOneExport =
        serde_json::from_str(text).map_err(|e| FileError::BadJson(e.to_string()))?;
    Ok(export
        .entries
        .into_iter()
        .enumerate()
        .map(|(i, e)| {
            let row = i + 1;
            let raw = e.creation_date.unwrap_or_default();
            let occurred_at = parse_time(&raw, cx).ok_or_else(|| RowError {
                row,
                field: "creationDate".into(),
                reason: format!("`{raw}` is not an RFC 3339 time"),
            })?;
            let body = e.text.unwrap_or_default();
            if body.trim().is_empty() {
                return Err(RowError {
                    row,
                    field: "text".into(),
                    reason: "the entry has no text".into(),
                });
            }
            let title = title_from(&body);
            let rest: String = body
                .lines()
                .skip_while(|l| l.trim().is_empty())
                .skip(1)
                .collect::<Vec<_>>()
                .join("\n")
                .trim()
                .to_owned();
            Ok(RawRow {
                row,
                life_area: None,
                event_type: None,
                category: None,
                tone: None,
                title,
                description: rest,
                narrative: None,
                occurred_at,
                emotional_charge: 0,
                tags: e.tags,
            })
        })
        .collect())
}

/// ISEAR emotion → (sign, tone): joy is positive; shame and guilt are complex; the rest negative.
pub fn isear_tone(emotion: &str) -> Option<(i64, EventTone)> {
    match emotion.trim().to_lowercase().as_str() {
        "joy" => Some((1, EventTone::Positive)),
        "fear" | "anger" | "sadness" | "disgust" => Some((-1, EventTone::Negative)),
        "shame" | "guilt" => Some((-1, EventTone::Complex)),
        _ => None,
    }
}

fn read_isear(text: &str, cx: ReadContext) -> Result<Vec<Result<RawRow, RowError>>, FileError> {
    let t = table(text)?;
    let [emotion, body] = t.require(&[("emotion", &["emotion"]), ("text", &["text"])])?[..] else {
        return Err(FileError::MissingColumns("emotion, text".into()));
    };
    let (intensity, when) = (t.col(&["intensity"]), t.col(&["when"]));
    Ok(t.records
        .iter()
        .enumerate()
        .map(|(i, rec)| {
            let row = i + 1;
            let e = get(rec, Some(emotion));
            let (sign, tone) = isear_tone(e).ok_or_else(|| RowError {
                row,
                field: "emotion".into(),
                reason: format!("unknown emotion `{e}`"),
            })?;
            // Intensity 0–4 (4 strongest) → magnitude 1–5.
            let magnitude = get(rec, intensity).parse::<i64>().unwrap_or(2).clamp(0, 4) + 1;
            let ago = match get(rec, when) {
                "1" => Duration::days(1),
                "2" => Duration::weeks(1),
                "3" => Duration::days(30),
                "4" => Duration::days(365),
                _ => Duration::days(1),
            };
            let situation = get(rec, Some(body)).to_owned();
            if situation.is_empty() {
                return Err(RowError {
                    row,
                    field: "text".into(),
                    reason: "the situation has no text".into(),
                });
            }
            let charge = sign * magnitude;
            Ok(RawRow {
                row,
                life_area: None,
                event_type: Some(type_for_charge(charge)),
                category: None,
                tone: Some(tone),
                title: title_from(&situation),
                description: situation,
                narrative: None,
                // A second per row keeps rows from one answer distinct and in file order.
                occurred_at: cx.now - ago - Duration::seconds(row as i64),
                emotional_charge: charge,
                tags: vec![e.trim().to_lowercase()],
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {

    #[test]
    fn rejections_are_printable_text() {
        let e = RowError {
            row: 3,
            field: "a\u{85}b".into(),
            reason: "unknown field `x\u{7}y\u{9f}`, expected one of `title`".into(),
        }
        .printable();
        assert_eq!(e.field, "a\\u{85}b");
        assert_eq!(
            e.reason,
            "unknown field `x\\u{7}y\\u{9f}`, expected one of `title`"
        );
        assert!(!e.reason.chars().any(char::is_control));
        let plain = RowError {
            row: 1,
            field: "é".into(),
            reason: "ok — fine".into(),
        };
        assert_eq!(plain.clone().printable(), plain);
    }

    #[test]
    fn formats_by_name() {
        for f in Format::ALL {
            assert_eq!(Format::parse(f.as_str()), Some(f));
        }
        assert_eq!(Format::parse(" DayOne "), Some(Format::Dayone));
        assert_eq!(Format::parse("xml"), None);
    }

    use super::*;

    fn cx() -> ReadContext {
        ReadContext {
            now: Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap(),
            tz: "Europe/Berlin".parse().unwrap(),
        }
    }

    #[test]
    fn detects_formats() {
        assert_eq!(
            detect(b"full_date,date,weekday,time,mood,activities,note_title,note\n").unwrap(),
            Format::Daylio
        );
        assert_eq!(detect(b"id,subject,emotion,text\n").unwrap(), Format::Isear);
        assert_eq!(detect(b"occurredAt,title\n").unwrap(), Format::Csv);
        assert_eq!(
            detect(br#"{"metadata":{},"entries":[{"creationDate":"x"}]}"#).unwrap(),
            Format::Dayone
        );
        assert_eq!(detect(b"[]").unwrap(), Format::Json);
        assert_eq!(detect(b"a,b\n1,2").unwrap_err(), FileError::Unrecognised);
        assert_eq!(
            detect(&[0xff, 0xfe, 0x00]).unwrap_err(),
            FileError::Encoding
        );
        assert_eq!(detect(b"  ").unwrap_err(), FileError::Empty);
    }

    #[test]
    fn reads_our_csv() {
        let f = "occurredAt,title,lifeArea,type,emotionalCharge,tags\n2026-02-01T10:00:00Z,Ran 10k,physical-health,MILESTONE,4,running;Health\n2026-02-02,Quiet day,,,,\nnot a date,x,,,,\n2026-02-03,y,,EPIPHANY,,\n";
        let rows = read(f.as_bytes(), Format::Csv, cx()).unwrap();
        assert_eq!(rows.len(), 4);
        let r = rows[0].as_ref().unwrap();
        assert_eq!(
            (r.life_area.as_deref(), r.event_type, r.emotional_charge),
            (Some("physical-health"), Some(EventType::Milestone), 4)
        );
        assert_eq!(r.tags, vec!["running", "Health"]);
        // A bare date is noon in the tenant's zone (CET, UTC+1).
        assert_eq!(
            rows[1].as_ref().unwrap().occurred_at,
            Utc.with_ymd_and_hms(2026, 2, 2, 11, 0, 0).unwrap()
        );
        assert_eq!(rows[2].as_ref().unwrap_err().field, "occurredAt");
        assert_eq!(rows[3].as_ref().unwrap_err().field, "type");
        assert_eq!(
            read(b"title,foo\nx,y\n", Format::Csv, cx()).unwrap_err(),
            FileError::MissingColumns("occurredAt".into())
        );
    }

    #[test]
    fn reads_daylio() {
        let f = "full_date,date,weekday,time,mood,activities,note_title,note\n2026-01-05,January 5,Monday,8:30 pm,rad,friends | gaming,,Board games with Sam<br>Great night\n2026-01-06,January 6,Tuesday,07:15,awful,work,Deadline,\n";
        let rows = read(f.as_bytes(), Format::Daylio, cx()).unwrap();
        let a = rows[0].as_ref().unwrap();
        assert_eq!(
            (a.emotional_charge, a.tone, a.title.as_str()),
            (4, Some(EventTone::Positive), "Board games with Sam")
        );
        assert_eq!(a.tags, vec!["friends", "gaming"]);
        assert_eq!(a.description, "Board games with Sam\nGreat night");
        assert_eq!(
            a.occurred_at,
            Utc.with_ymd_and_hms(2026, 1, 5, 19, 30, 0).unwrap()
        );
        let b = rows[1].as_ref().unwrap();
        assert_eq!(
            (b.emotional_charge, b.event_type, b.title.as_str()),
            (-4, Some(EventType::Setback), "Deadline")
        );
    }

    #[test]
    fn reads_day_one() {
        let f = r##"{"metadata":{"version":"1.0"},"entries":[{"uuid":"A","creationDate":"2025-12-24T18:00:00Z","text":"# Christmas Eve\nDinner with the whole family.","tags":["family"]},{"uuid":"B","creationDate":"soon","text":"x"}]}"##;
        let rows = read(f.as_bytes(), Format::Dayone, cx()).unwrap();
        let a = rows[0].as_ref().unwrap();
        assert_eq!(
            (a.title.as_str(), a.description.as_str()),
            ("Christmas Eve", "Dinner with the whole family.")
        );
        assert_eq!(a.tags, vec!["family"]);
        assert_eq!(rows[1].as_ref().unwrap_err().field, "creationDate");
        assert!(matches!(
            read(b"{\"entries\": 5}", Format::Dayone, cx()).unwrap_err(),
            FileError::BadJson(_)
        ));
    }

    #[test]
    fn reads_isear() {
        let f = "id,subject,country,sex,age,emotion,intensity,when,text\n1,1,1,1,30,joy,4,2,\"When I passed my exam.\"\n2,1,1,1,30,guilt,0,4,I lied to my sister.\n3,1,1,1,30,boredom,1,1,x\n";
        let rows = read(f.as_bytes(), Format::Isear, cx()).unwrap();
        let a = rows[0].as_ref().unwrap();
        assert_eq!(
            (a.emotional_charge, a.tone, a.occurred_at),
            (
                5,
                Some(EventTone::Positive),
                cx().now - Duration::weeks(1) - Duration::seconds(1)
            )
        );
        let b = rows[1].as_ref().unwrap();
        assert_eq!((b.emotional_charge, b.tone), (-1, Some(EventTone::Complex)));
        assert_eq!(rows[2].as_ref().unwrap_err().field, "emotion");
    }

    #[test]
    fn titles_are_cut_at_words() {
        let long = "word ".repeat(100);
        let t = title_from(&long);
        assert!(t.chars().count() <= 200 && t.ends_with('…'));
        assert_eq!(title_from("\n\n## Heading\nbody"), "Heading");
    }
}
