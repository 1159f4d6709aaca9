//! `ApiJson`: a strict JSON body extractor whose errors name the field.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::header;
use serde::de::DeserializeOwned;

use crate::ApiError;

/// Like `axum::Json`, but its rejections are [`ApiError`]s: 415 without a JSON content type,
/// 413 past the body limit, 400 `malformed_json` for syntax errors and 422 `missing_field`,
/// `unknown_field` or `invalid_type` naming the field (request types use
/// `deny_unknown_fields`).
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|m| {
                let m = m.trim();
                m.eq_ignore_ascii_case("application/json")
                    || (m.starts_with("application/") && m.ends_with("+json"))
            });
        if !is_json {
            return Err(ApiError::UnsupportedMediaType);
        }
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|_| ApiError::PayloadTooLarge)?;
        parse(&bytes).map(ApiJson)
    }
}

/// Parses a JSON document into `T`, mapping serde's errors to [`ApiError`]s. The document must
/// be an object (serde would otherwise read a struct from an array too), and no string in it may
/// hold a control character other than tab and line breaks (422 `invalid_character` naming the
/// field).
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') {
        return Err(ApiError::BadField {
            code: "invalid_type",
            field: String::new(),
            message: "the body must be a JSON object".into(),
        });
    }
    // JSON forbids raw C0 controls in strings, so the rest arrive escaped (`\u00..`) or raw as
    // DEL (0x7F) or a C1 control (UTF-8 C2 80..C2 9F); only then is the document walked.
    let suspicious = bytes.contains(&0x7f)
        || bytes
            .windows(2)
            .any(|w| w[0] == 0xc2 && (0x80..=0x9f).contains(&w[1]))
        || bytes.windows(4).any(|w| w == b"\\u00");
    if suspicious {
        if let Ok(doc) = serde_json::from_slice::<serde_json::Value>(bytes) {
            if let Some(field) = forbidden_in(&doc, "") {
                return Err(invalid_character(field));
            }
        }
    }
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    match serde_path_to_error::deserialize(de) {
        Ok(v) => Ok(v),
        // JSON Schema counts `1.0` as an integer; serde does not. Read integral numbers as
        // integers and try once more (only on this failure path).
        Err(e)
            if e.inner()
                .to_string()
                .starts_with("invalid type: floating point") =>
        {
            let mut doc: serde_json::Value = serde_json::from_slice(bytes)
                .map_err(|e| ApiError::MalformedJson(e.to_string()))?;
            integral_numbers(&mut doc);
            serde_path_to_error::deserialize(doc).map_err(field_error)
        }
        Err(e) => Err(field_error(e)),
    }
}

/// Numbers with no fractional part (and exactly representable) as integers, throughout `v`.
fn integral_numbers(v: &mut serde_json::Value) {
    use serde_json::Value;
    match v {
        Value::Number(n) => {
            if let Some(f) = n
                .as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() < 9.007e15)
            {
                if n.is_f64() {
                    *v = Value::from(f as i64);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(integral_numbers),
        Value::Object(m) => m.values_mut().for_each(integral_numbers),
        _ => {}
    }
}

/// serde's error as an [`ApiError`] naming the field.
fn field_error(e: serde_path_to_error::Error<serde_json::Error>) -> ApiError {
    let path = e.path().to_string();
    let inner = e.into_inner();
    if !matches!(inner.classify(), serde_json::error::Category::Data) {
        return ApiError::MalformedJson(inner.to_string());
    }
    let msg = inner.to_string();
    let named = |prefix: &str| {
        msg.strip_prefix(prefix)
            .and_then(|rest| rest.split('`').next())
            .map(|name| join(&path, name))
    };
    let (code, field) = if let Some(f) = named("missing field `") {
        ("missing_field", f)
    } else if let Some(f) = named("unknown field `") {
        ("unknown_field", f)
    } else {
        (
            "invalid_type",
            if path == "." {
                String::new()
            } else {
                path.clone()
            },
        )
    };
    let message = match code {
        "missing_field" => format!("{field} is required"),
        "unknown_field" => format!("{field} is not a known field"),
        _ => format!(
            "{}: {}",
            if field.is_empty() { "body" } else { &field },
            strip_position(&msg)
        ),
    };
    ApiError::BadField {
        code,
        field,
        message,
    }
}

/// 422 `invalid_character` naming `field`.
pub fn invalid_character(field: String) -> ApiError {
    let message = format!(
        "{} must not contain control characters",
        if field.is_empty() { "body" } else { &field }
    );
    ApiError::BadField {
        code: "invalid_character",
        field,
        message,
    }
}

/// The path (`a.b[2]`) of the first string or key in `v` holding a forbidden character.
fn forbidden_in(v: &serde_json::Value, path: &str) -> Option<String> {
    use wisdomos_core::validation::is_forbidden_char;
    let bad = |s: &str| s.chars().any(is_forbidden_char);
    match v {
        serde_json::Value::String(s) if bad(s) => Some(path.to_owned()),
        serde_json::Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, x)| forbidden_in(x, &format!("{path}[{i}]"))),
        serde_json::Value::Object(m) => m.iter().find_map(|(k, x)| {
            let here = if path.is_empty() {
                k.clone()
            } else {
                format!("{path}.{k}")
            };
            if bad(k) {
                Some(here)
            } else {
                forbidden_in(x, &here)
            }
        }),
        _ => None,
    }
}

/// The first query parameter (name) whose name or decoded value holds a forbidden character.
pub fn forbidden_in_query(query: &str) -> Option<String> {
    use wisdomos_core::validation::is_forbidden_char;
    serde_html_form::from_str::<Vec<(String, String)>>(query)
        .ok()?
        .into_iter()
        .find(|(k, v)| k.chars().chain(v.chars()).any(is_forbidden_char))
        .map(|(k, _)| k.chars().filter(|c| !is_forbidden_char(*c)).collect())
}

fn join(path: &str, name: &str) -> String {
    // For an unknown field the path already ends at the field; for a missing one it is the parent.
    if path == name || path.ends_with(&format!(".{name}")) {
        path.to_owned()
    } else if path == "." || path.is_empty() {
        name.to_owned()
    } else {
        format!("{path}.{name}")
    }
}

fn strip_position(msg: &str) -> &str {
    msg.split(" at line ").next().unwrap_or(msg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    #[allow(dead_code)]
    struct Body {
        email: String,
        first_name: Option<String>,
    }

    fn err(s: &str) -> (&'static str, String) {
        match parse::<Body>(s.as_bytes()).unwrap_err() {
            ApiError::BadField { code, field, .. } => (code, field),
            ApiError::MalformedJson(_) => ("malformed_json", String::new()),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn names_the_field() {
        assert_eq!(err("{}"), ("missing_field", "email".into()));
        assert_eq!(
            err(r#"{"email":"a","extra":1}"#),
            ("unknown_field", "extra".into())
        );
        assert_eq!(err(r#"{"email":5}"#), ("invalid_type", "email".into()));
        assert_eq!(
            err(r#"{"email":"a","firstName":[]}"#),
            ("invalid_type", "firstName".into())
        );
        assert_eq!(err(r#"{"email":"#).0, "malformed_json");
        assert_eq!(err("[1,2]").0, "invalid_type");
        assert_eq!(err(" [null,null]").0, "invalid_type");
        #[derive(Debug, serde::Deserialize)]
        struct Counted {
            n: i64,
            m: f64,
        }
        let c: Counted = parse(br#"{"n": 3.0, "m": 2.0}"#).unwrap();
        assert_eq!((c.n, c.m), (3, 2.0), "JSON Schema's integers include 3.0");
        assert!(matches!(
            parse::<Counted>(br#"{"n": 3.5, "m": 1}"#),
            Err(ApiError::BadField {
                code: "invalid_type",
                ..
            })
        ));
    }

    #[test]
    fn control_characters_are_refused_naming_the_field() {
        assert_eq!(
            err(r#"{"email":"a\u0000b"}"#),
            ("invalid_character", "email".into())
        );
        assert_eq!(
            err(r#"{"email":"a","firstName":"x\u001b"}"#),
            ("invalid_character", "firstName".into())
        );
        assert_eq!(
            err("{\"email\":\"a\u{7f}\"}"),
            ("invalid_character", "email".into()),
            "raw DEL is valid JSON"
        );
        assert_eq!(
            err("{\"email\":\"a\u{85}\"}"),
            ("invalid_character", "email".into()),
            "raw C1 is valid JSON"
        );
        assert!(parse::<Body>(br#"{"email":"line\nbreak\ttab\u000a"}"#).is_ok());
        assert!(parse::<Body>("{\"email\":\"caf\u{e9} \u{2028}\"}".as_bytes()).is_ok());
        assert_eq!(forbidden_in_query("q=%00&x=1"), Some("q".into()));
        assert_eq!(forbidden_in_query("q=a%0Ab&x=1"), None);
        assert_eq!(forbidden_in_query("a%01b=1"), Some("ab".into()));
    }
}

/// A strict query-string extractor: 400 `invalid_query` naming what could not be read.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> axum::extract::FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        let axum::extract::Query(q) = axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map_err(|e| ApiError::InvalidQuery(e.body_text()))?;
        Ok(ApiQuery(q))
    }
}

/// For `Option<Option<T>>` fields: absent → `None`, `null` → `Some(None)`, a value → `Some(Some(v))`.
/// Use with `#[serde(default, deserialize_with = "crate::json::double_option")]`.
pub fn double_option<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    serde::Deserialize::deserialize(d).map(Some)
}
