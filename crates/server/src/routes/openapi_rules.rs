//! Rules every operation of the OpenAPI document shares, applied once to the generated document
//! rather than repeated on ~70 handlers: the error statuses each operation can answer with the
//! error schema (docs/errors.md), the control characters every string refuses
//! (`wisdomos_core::validation::is_forbidden_char`), and the page-size range of `limit`.

use serde_json::{json, Map, Value};

use crate::pagination::MAX_LIMIT;

/// ECMA-262 pattern of a string without the characters the server refuses: Unicode `Cc` but
/// tab, line feed and carriage return.
pub const NO_CONTROL_CHARACTERS: &str =
    r"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*$";

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// Applies the shared rules to `doc` (an OpenAPI 3.1 document as JSON).
pub fn apply(doc: &mut Value) {
    doc["components"]["schemas"]["Error"] = error_schema();
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut() {
            for method in METHODS {
                if let Some(op) = item.get_mut(method) {
                    add_error_responses(op, method);
                    for p in op
                        .get_mut("parameters")
                        .and_then(Value::as_array_mut)
                        .into_iter()
                        .flatten()
                    {
                        if p["name"] == "limit" {
                            p["schema"]["minimum"] = json!(1);
                            p["schema"]["maximum"] = json!(MAX_LIMIT);
                        }
                        if let Some(s) = p.get_mut("schema") {
                            refuse_controls(s);
                        }
                    }
                    if let Some(body) = op.get_mut("requestBody") {
                        refuse_controls(body);
                    }
                }
            }
        }
    }
    if let Some(schemas) = doc["components"]["schemas"].as_object_mut() {
        for (name, s) in schemas.iter_mut() {
            if name != "Error" {
                refuse_controls(s);
            }
        }
    }
}

/// `{"error": {"code", "message", "details"}}`.
fn error_schema() -> Value {
    json!({
        "type": "object",
        "description": "Every error. `code` is stable (docs/errors.md); `details` names the fields at fault.",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {
                    "code": { "type": "string" },
                    "message": { "type": "string" },
                    "details": { "type": ["object", "null"] }
                }
            }
        }
    })
}

/// Adds every error status the operation can answer, each with the error schema: 400 (path,
/// query), 404, 422, 429 (rate limits), 503 (database unavailable); 401 and 403 for operations
/// that need a token; 409, 413 and 415 for those that take a body or change state.
fn add_error_responses(op: &mut Value, method: &str) {
    let secured = op
        .get("security")
        .and_then(Value::as_array)
        .is_some_and(|s| !s.is_empty());
    let has_body = op.get("requestBody").is_some();
    let mut statuses = vec![
        (
            "400",
            "the path or query cannot be read (`bad_request`, `invalid_path`, `invalid_query`)",
        ),
        (
            "404",
            "`not_found`: no such resource, or another workspace's",
        ),
        ("422", "the input breaks a rule; `details` names the field"),
        (
            "429",
            "`rate_limited` or `account_locked`, with `Retry-After`",
        ),
        (
            "503",
            "`service_unavailable`: the database is briefly unreachable; retry after `Retry-After`",
        ),
    ];
    if secured {
        statuses.push(("401", "`unauthorized`: no valid access token"));
        statuses.push(("403", "`forbidden` or `tenant_suspended`"));
    }
    if method != "get" {
        statuses.push((
            "409",
            "the change conflicts with the current state (docs/errors.md)",
        ));
    }
    if has_body {
        statuses.push(("413", "`payload_too_large`"));
        statuses.push(("415", "`unsupported_media_type`"));
    }
    let responses = &mut op["responses"];
    for (status, description) in statuses {
        if responses.get(status).is_none() {
            responses[status] = json!({ "description": description });
        }
    }
    if let Some(all) = responses.as_object_mut() {
        for (status, r) in all.iter_mut() {
            if status.starts_with('4') || status.starts_with('5') {
                r["content"] = json!({
                    "application/json": { "schema": { "$ref": "#/components/schemas/Error" } }
                });
            }
        }
    }
}

/// Gives every free-text string schema under `v` the [`NO_CONTROL_CHARACTERS`] pattern (strings
/// with a format, an enum or a pattern of their own are already narrower).
fn refuse_controls(v: &mut Value) {
    match v {
        Value::Object(m) => {
            if is_free_string(m) {
                m.insert("pattern".into(), json!(NO_CONTROL_CHARACTERS));
            }
            for child in m.values_mut() {
                refuse_controls(child);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(refuse_controls),
        _ => {}
    }
}

fn is_free_string(m: &Map<String, Value>) -> bool {
    let string = match m.get("type") {
        Some(Value::String(t)) => t == "string",
        Some(Value::Array(ts)) => ts.iter().any(|t| t == "string"),
        _ => false,
    };
    string
        && !["format", "enum", "pattern", "const"]
            .iter()
            .any(|k| m.contains_key(*k))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_refuse_controls_and_operations_list_their_errors() {
        let mut doc = json!({
            "paths": { "/x": { "post": {
                "security": [{ "bearer": [] }],
                "requestBody": { "content": { "application/json": { "schema": {
                    "type": "object",
                    "properties": {
                        "a": { "type": "string" },
                        "b": { "type": ["string", "null"] },
                        "c": { "type": "string", "format": "uuid" },
                        "d": { "type": "string", "enum": ["x"] }
                    }
                } } } },
                "parameters": [{ "name": "limit", "in": "query", "schema": { "type": "integer" } }],
                "responses": { "201": { "description": "ok" }, "409": { "description": "slug_taken" } }
            } } },
            "components": { "schemas": {} }
        });
        apply(&mut doc);
        let op = &doc["paths"]["/x"]["post"];
        let props = &op["requestBody"]["content"]["application/json"]["schema"]["properties"];
        assert_eq!(props["a"]["pattern"], NO_CONTROL_CHARACTERS);
        assert_eq!(props["b"]["pattern"], NO_CONTROL_CHARACTERS);
        assert!(props["c"].get("pattern").is_none());
        assert!(props["d"].get("pattern").is_none());
        for s in [
            "400", "401", "403", "404", "409", "413", "415", "422", "429", "503",
        ] {
            assert_eq!(
                op["responses"][s]["content"]["application/json"]["schema"]["$ref"],
                "#/components/schemas/Error",
                "{s}"
            );
        }
        assert_eq!(op["responses"]["409"]["description"], "slug_taken");
        assert!(op["responses"]["201"].get("content").is_none());
        assert_eq!(op["parameters"][0]["schema"]["maximum"], MAX_LIMIT);
    }

    #[test]
    fn the_pattern_refuses_what_the_server_refuses() {
        // The character class lists exactly `is_forbidden_char`'s characters.
        let listed = |c: char| {
            let n = c as u32;
            (n <= 0x08)
                || n == 0x0b
                || n == 0x0c
                || (0x0e..=0x1f).contains(&n)
                || (0x7f..=0x9f).contains(&n)
        };
        for n in 0..0x3000u32 {
            if let Some(c) = char::from_u32(n) {
                assert_eq!(
                    listed(c),
                    wisdomos_core::validation::is_forbidden_char(c),
                    "U+{n:04X}"
                );
            }
        }
    }
}
