//! Reading the operator console's CSV imports (issue 14): a participants file and a
//! relationship edge list. Pure: every row is checked and either read or rejected with the
//! column and the reason, so the caller can write all rows or none.
//!
//! Participants: a header row naming (in any order, case and `_`/space aside) `displayName`
//! (or `name`; required), `email`, `role`, `origin`, `lifecycleStage` (or `stage`),
//! `lastActivityAt` (RFC 3339, or a date `YYYY-MM-DD` read as midnight UTC).
//! Relationships: `from` and `to` (or `source`/`target`; a participant's id or e-mail;
//! required), `type` (default `peer`), `confidenceScore` (or `confidence`, `weight`; 0–1,
//! default 1); every imported relationship has `source` = `import`.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};

use crate::import::RowError;
use crate::participant::{confidence, LifecycleStage, ParticipantRole, RelationshipType};

/// At most this many rows in one file.
pub const MAX_ROWS: usize = 100_000;

/// A participant row as read.
#[derive(Debug, Clone, PartialEq)]
pub struct ParticipantRow {
    /// 1-based line of the file (the header is line 1).
    pub row: usize,
    pub display_name: String,
    /// Lower-cased.
    pub email: Option<String>,
    pub role: ParticipantRole,
    pub origin: String,
    pub stage: LifecycleStage,
    pub last_activity_at: Option<DateTime<Utc>>,
}

/// An edge row as read; `from`/`to` are still the file's references (id or e-mail).
#[derive(Debug, Clone, PartialEq)]
pub struct EdgeRow {
    pub row: usize,
    pub from: String,
    pub to: String,
    pub kind: RelationshipType,
    pub confidence: f64,
}

/// A file that cannot be read as CSV with the needed header; the message says why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct FileError(pub String);

fn key(h: &str) -> String {
    h.trim()
        .trim_start_matches('\u{feff}')
        .to_lowercase()
        .replace(['_', ' ', '-'], "")
}

/// A data row: normalised column name → value (empty cells left out).
type Row = HashMap<String, String>;

/// The rows of `bytes` as maps of normalised column name → value, with their line numbers;
/// the header must name one of each group of `needed` columns.
fn rows(bytes: &[u8], needed: &[&[&str]]) -> Result<Vec<(usize, Row)>, FileError> {
    let text =
        std::str::from_utf8(bytes).map_err(|_| FileError("the file is not UTF-8 text".into()))?;
    let mut r = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = r
        .headers()
        .map_err(|e| FileError(format!("the header row cannot be read: {e}")))?
        .iter()
        .map(key)
        .collect();
    if let Some(missing) = needed
        .iter()
        .find(|any| !any.iter().any(|n| headers.iter().any(|h| h == n)))
    {
        return Err(FileError(format!(
            "the header row has no {} column (the first row must name the columns)",
            missing[0]
        )));
    }
    let mut out = Vec::new();
    for (i, rec) in r.records().enumerate() {
        let rec = rec.map_err(|e| FileError(format!("line {} cannot be read: {e}", i + 2)))?;
        if out.len() == MAX_ROWS {
            return Err(FileError(format!(
                "more than {MAX_ROWS} rows; split the file"
            )));
        }
        let map = headers
            .iter()
            .zip(rec.iter())
            .filter(|(_, v)| !v.trim().is_empty())
            .map(|(h, v)| (h.clone(), v.trim().to_owned()))
            .collect();
        out.push((i + 2, map));
    }
    Ok(out)
}

fn get<'a>(m: &'a HashMap<String, String>, names: &[&str]) -> Option<&'a str> {
    names.iter().find_map(|n| m.get(*n).map(String::as_str))
}

fn time(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .ok()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .map(|t| t.and_utc())
        })
}

/// Reads a participants file. Rows are rejected for: no name or one over 120 characters, a
/// malformed or repeated e-mail, an unknown role or stage, an unreadable or future
/// `lastActivityAt`. Errors: [`FileError`] when the file is not CSV or lacks a name column.
pub fn participants(
    bytes: &[u8],
    now: DateTime<Utc>,
) -> Result<(Vec<ParticipantRow>, Vec<RowError>), FileError> {
    let all = rows(bytes, &[&["displayname", "name"]])?;
    let mut ok = Vec::new();
    let mut bad = Vec::new();
    let mut emails = HashMap::new();
    for (row, m) in all {
        let reject = |field: &str, reason: String| RowError {
            row,
            field: field.into(),
            reason,
        };
        let Some(name) = get(&m, &["displayname", "name"]) else {
            bad.push(reject("displayName", "displayName is required".into()));
            continue;
        };
        if name.chars().count() > 120 {
            bad.push(reject(
                "displayName",
                "displayName is longer than 120 characters".into(),
            ));
            continue;
        }
        let email = match get(&m, &["email"]).map(|e| crate::account::Email::parse("email", e)) {
            None => None,
            Some(Ok(e)) => Some(e.as_str().to_owned()),
            Some(Err(e)) => {
                bad.push(reject("email", e.message));
                continue;
            }
        };
        if let Some(e) = &email {
            if let Some(first) = emails.insert(e.clone(), row) {
                bad.push(reject("email", format!("{e} is also on line {first}")));
                continue;
            }
        }
        let role = match ParticipantRole::parse("role", get(&m, &["role"]).unwrap_or("member")) {
            Ok(r) => r,
            Err(e) => {
                bad.push(reject("role", e.message));
                continue;
            }
        };
        let stage = match LifecycleStage::parse(
            "lifecycleStage",
            get(&m, &["lifecyclestage", "stage"]).unwrap_or("active"),
        ) {
            Ok(s) => s,
            Err(e) => {
                bad.push(reject("lifecycleStage", e.message));
                continue;
            }
        };
        let last = match get(&m, &["lastactivityat", "lastactivity"]) {
            None => None,
            Some(s) => match time(s) {
                Some(t) if t <= now => Some(t),
                Some(_) => {
                    bad.push(reject(
                        "lastActivityAt",
                        "lastActivityAt is in the future".into(),
                    ));
                    continue;
                }
                None => {
                    bad.push(reject(
                        "lastActivityAt",
                        format!("{s} is not a date or RFC 3339 time"),
                    ));
                    continue;
                }
            },
        };
        let origin: String = get(&m, &["origin"])
            .unwrap_or("import")
            .chars()
            .take(40)
            .collect();
        ok.push(ParticipantRow {
            row,
            display_name: name.into(),
            email,
            role,
            origin,
            stage,
            last_activity_at: last,
        });
    }
    Ok((ok, bad))
}

/// Reads an edge list. Rows are rejected for: a missing end, both ends the same, an unknown
/// type, a confidence outside 0–1. Errors: [`FileError`].
pub fn edges(bytes: &[u8]) -> Result<(Vec<EdgeRow>, Vec<RowError>), FileError> {
    let mut ok = Vec::new();
    let mut bad = Vec::new();
    let needed: [&[&str]; 2] = [
        &["from", "source", "fromparticipantid"],
        &["to", "target", "toparticipantid"],
    ];
    for (row, m) in rows(bytes, &needed)? {
        let reject = |field: &str, reason: String| RowError {
            row,
            field: field.into(),
            reason,
        };
        let (Some(from), Some(to)) = (
            get(&m, &["from", "source", "fromparticipantid"]),
            get(&m, &["to", "target", "toparticipantid"]),
        ) else {
            let field = if get(&m, &["from", "source", "fromparticipantid"]).is_none() {
                "from"
            } else {
                "to"
            };
            bad.push(reject(field, format!("{field} is required")));
            continue;
        };
        if from.eq_ignore_ascii_case(to) {
            bad.push(reject(
                "to",
                "a participant cannot be related to themself".into(),
            ));
            continue;
        }
        let kind = match RelationshipType::parse("type", get(&m, &["type"]).unwrap_or("peer")) {
            Ok(k) => k,
            Err(e) => {
                bad.push(reject("type", e.message));
                continue;
            }
        };
        let c = match get(&m, &["confidencescore", "confidence", "weight"]).map(str::parse::<f64>) {
            None => 1.0,
            Some(Ok(c)) => match confidence("confidenceScore", c) {
                Ok(c) => c,
                Err(e) => {
                    bad.push(reject("confidenceScore", e.message));
                    continue;
                }
            },
            Some(Err(_)) => {
                bad.push(reject(
                    "confidenceScore",
                    "confidenceScore must be a number from 0 to 1".into(),
                ));
                continue;
            }
        };
        ok.push(EdgeRow {
            row,
            from: from.to_lowercase(),
            to: to.to_lowercase(),
            kind,
            confidence: c,
        });
    }
    Ok((ok, bad))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        "2026-06-01T00:00:00Z".parse().unwrap()
    }

    #[test]
    fn participants_are_read_with_defaults_and_every_bad_row_named() {
        let csv = "Name,E-mail,Role,Stage,last_activity_at\n\
                   Ada,ADA@example.org,coach,,2026-05-30\n\
                   Bo,,,,\n\
                   ,x@example.org,,,\n\
                   Cy,ada@example.org,,,\n\
                   Di,di@example.org,upline,,\n\
                   Ed,,member,gold,\n\
                   Fi,,,,2027-01-01\n";
        let (ok, bad) = participants(csv.as_bytes(), now()).unwrap();
        assert_eq!(ok.len(), 2);
        assert_eq!(ok[0].email.as_deref(), Some("ada@example.org"));
        assert_eq!(ok[0].role, ParticipantRole::Coach);
        assert_eq!(
            ok[0].last_activity_at,
            Some("2026-05-30T00:00:00Z".parse().unwrap())
        );
        assert_eq!(
            (ok[1].role, ok[1].stage, ok[1].origin.as_str()),
            (ParticipantRole::Member, LifecycleStage::Active, "import")
        );
        let named: Vec<(usize, &str)> = bad.iter().map(|e| (e.row, e.field.as_str())).collect();
        assert_eq!(
            named,
            vec![
                (4, "displayName"),
                (5, "email"),
                (6, "role"),
                (7, "lifecycleStage"),
                (8, "lastActivityAt")
            ]
        );
        assert!(bad[1].reason.contains("line 2"), "{}", bad[1].reason);
    }

    #[test]
    fn edge_lists_take_common_headers() {
        let csv = "source,target,weight,type\na@x.org,B@x.org,0.5,mentor\na@x.org,a@x.org,,\na@x.org,,,\nc,d,2,\nc,d,,boss\n";
        let (ok, bad) = edges(csv.as_bytes()).unwrap();
        assert_eq!(
            ok,
            vec![EdgeRow {
                row: 2,
                from: "a@x.org".into(),
                to: "b@x.org".into(),
                kind: RelationshipType::Mentor,
                confidence: 0.5
            }]
        );
        let named: Vec<(usize, &str)> = bad.iter().map(|e| (e.row, e.field.as_str())).collect();
        assert_eq!(
            named,
            vec![(3, "to"), (4, "to"), (5, "confidenceScore"), (6, "type")]
        );
    }

    #[test]
    fn a_file_that_is_not_csv_text_is_refused_whole() {
        assert!(participants(&[0xff, 0xfe, 0x00], now()).is_err());
        let e = edges(b"a,b\n1,2\n").unwrap_err();
        assert!(e.0.contains("no from column"), "{e}");
    }
}
