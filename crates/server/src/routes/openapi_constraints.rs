//! The input rules the handlers enforce, written into the published OpenAPI document so that a
//! client (or a fuzzer) can tell a valid request from an invalid one: lengths, ranges,
//! patterns and enums of request fields, and the fields a create requires where one request
//! type serves create and update. The numbers come from the domain's constants.

use serde_json::{json, Value};
use wisdomos_core::event::rules;
use wisdomos_core::tenant::{NAME_MAX_CHARS, SLUG_MAX, SLUG_MIN};

/// Control characters (Unicode `Cc`), as an ECMA-262 class body.
const CC: &str = r"\u0000-\u001F\u007F-\u009F";

/// A single-line text of 1–`max` visible characters (`validation::bounded_text`: trimmed, no
/// control character inside). The length is that of the trimmed text, so it is in the pattern
/// rather than a `maxLength` of the raw string.
fn single_line(max: usize) -> Value {
    let inner = max.saturating_sub(2);
    json!({
        "minLength": 1,
        "pattern": format!(
            r"^[ \t\n\r]*[^\s{CC}](?:[^{CC}]{{0,{inner}}}[^\s{CC}])?[ \t\n\r]*$"
        ),
    })
}

/// At most 20 tags of 1–50 visible characters (`event::rules`).
fn tags() -> Value {
    let mut item = single_line(rules::TAG_MAX);
    item["type"] = json!("string");
    json!({ "maxItems": rules::TAGS_MAX, "items": item })
}

/// A password: 8–1024 characters besides leading and trailing spaces
/// (`account::Password::new`; a common password is refused too, which no schema can say).
fn password() -> Value {
    let visible = r"[^\s\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]";
    let any = r"[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]";
    json!({
        "minLength": 8,
        "maxLength": 1024,
        "pattern": format!(r"^[ \t\n\r]*{visible}{any}{{6,}}{visible}[ \t\n\r]*$"),
    })
}

/// An e-mail address as `account::Email::parse` accepts it (surrounding spaces are trimmed).
fn email() -> Value {
    let atext = format!(
        "[A-Za-z0-9{}]+",
        regex_escape(wisdomos_core::account::ATEXT_SYMBOLS)
    );
    let label = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
    json!({
        "maxLength": 254,
        "pattern": format!(r"^[ \t\n\r]*{atext}(?:\.{atext})*@{label}(?:\.{label})+[ \t\n\r]*$"),
    })
}

/// `s` with every character escaped for use inside an ECMA-262 character class.
fn regex_escape(s: &str) -> String {
    s.chars().map(|c| format!("\\{c}")).collect()
}

/// A workspace slug (`tenant::Slug::parse`).
fn slug() -> Value {
    json!({
        "minLength": SLUG_MIN,
        "maxLength": SLUG_MAX,
        "pattern": "^[a-z0-9]+(?:-[a-z0-9]+)*$",
    })
}

/// An IANA time zone name (`tenant::timezone`).
fn timezone() -> Value {
    let names: Vec<&str> = chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name()).collect();
    json!({ "enum": names })
}

/// A metric formula's outer shape (docs/metrics.md); what the fields may say is checked by the
/// formula compiler.
fn formula() -> Value {
    json!({ "type": "object", "required": ["entity", "where", "result"] })
}

fn range(min: i64, max: i64) -> Value {
    json!({ "minimum": min, "maximum": max })
}

/// (component schema, property, constraints) for every request field with rules.
fn rules_table() -> Vec<(&'static str, &'static str, Value)> {
    let person = 100;
    let widget_types: Vec<&str> = wisdomos_core::widgets::WIDGET_TYPES
        .iter()
        .map(|(n, _)| *n)
        .collect();
    vec![
        ("RegisterRequest", "email", email()),
        ("RegisterRequest", "password", password()),
        ("RegisterRequest", "firstName", single_line(person)),
        ("RegisterRequest", "lastName", single_line(person)),
        (
            "RegisterRequest",
            "workspaceName",
            single_line(NAME_MAX_CHARS),
        ),
        ("RegisterRequest", "slug", slug()),
        ("RegisterRequest", "timezone", timezone()),
        ("LoginRequest", "email", email()),
        (
            "LoginRequest",
            "password",
            json!({ "minLength": 1, "maxLength": 1024 }),
        ),
        ("AddMemberRequest", "email", email()),
        ("CreateTenantRequest", "name", single_line(NAME_MAX_CHARS)),
        ("CreateTenantRequest", "slug", slug()),
        ("CreateTenantRequest", "timezone", timezone()),
        ("UpdateTenantRequest", "name", single_line(NAME_MAX_CHARS)),
        ("UpdateTenantRequest", "timezone", timezone()),
        ("CreateBoundary", "statement", single_line(2000)),
        ("UpdateBoundary", "statement", single_line(2000)),
        ("CreateCommitment", "statement", single_line(2000)),
        ("UpdateCommitment", "statement", single_line(2000)),
        ("EventRequest", "title", single_line(rules::TITLE_MAX)),
        (
            "EventRequest",
            "description",
            json!({ "maxLength": rules::TEXT_MAX }),
        ),
        (
            "EventRequest",
            "narrative",
            json!({ "maxLength": rules::NARRATIVE_MAX }),
        ),
        (
            "EventRequest",
            "emotionalCharge",
            range(
                wisdomos_core::event::CHARGE_MIN.into(),
                wisdomos_core::event::CHARGE_MAX.into(),
            ),
        ),
        ("EventRequest", "tags", tags()),
        (
            "AddDocument",
            "title",
            single_line(wisdomos_app::knowledge::TITLE_MAX),
        ),
        (
            "AddDocument",
            "content",
            json!({ "pattern": r"\S", "maxLength": wisdomos_app::knowledge::DOCUMENT_MAX_BYTES / 4 }),
        ),
        ("AddDocument", "category", single_line(100)),
        ("AddDocument", "tags", tags()),
        ("AddDocument", "elementalTags", tags()),
        ("AddDocument", "phaseTags", tags()),
        (
            "AddDocument",
            "mediaType",
            json!({ "enum": wisdomos_engine::extract::TEXT_TYPES }),
        ),
        (
            "SearchRequest",
            "query",
            json!({ "minLength": 1, "pattern": format!(r"[^\s{CC}]"), "maxLength": 1000 }),
        ),
        (
            "SearchRequest",
            "limit",
            json!({ "minimum": 1, "maximum": wisdomos_app::knowledge_search::LIMIT_MAX }),
        ),
        (
            "SearchRequest",
            "matchThreshold",
            json!({ "minimum": -1, "maximum": 1 }),
        ),
        (
            "SearchRequest",
            "mode",
            json!({ "enum": ["hybrid", "semantic", "lexical"] }),
        ),
        ("InsightRequest", "tags", tags()),
        ("CreateLifeArea", "slug", slug()),
        ("InsightRequest", "title", single_line(rules::TITLE_MAX)),
        ("InsightRequest", "frequency", range(1, 100_000)),
        ("CreateLifeArea", "name", single_line(100)),
        ("UpdateLifeArea", "name", single_line(100)),
        (
            "UpdateLifeArea",
            "description",
            json!({ "maxLength": 1000 }),
        ),
        ("UpdateLifeArea", "sortOrder", range(0, 10_000)),
        ("CreateLifeArea", "sortOrder", range(0, 10_000)),
        ("UpdateEra", "name", single_line(100)),
        ("EntryRequest", "title", single_line(rules::TITLE_MAX)),
        ("EntryRequest", "month", range(1, 12)),
        ("CreateDefinition", "name", single_line(100)),
        ("UpdateDefinition", "name", single_line(100)),
        (
            "CreateDefinition",
            "code",
            json!({ "pattern": "^[a-z][a-z0-9_]{1,63}$" }),
        ),
        (
            "CreateWidget",
            "widgetType",
            json!({ "enum": widget_types }),
        ),
        ("MoveWidget", "position", json!({ "minimum": 0 })),
        ("UpdateWidget", "position", json!({ "minimum": 0 })),
        ("SuggestRequest", "text", json!({ "maxLength": 10_000 })),
        (
            "AssessmentRequest",
            "ratings",
            json!({
                "minProperties": 1,
                "additionalProperties": {
                    "type": "integer",
                    "minimum": wisdomos_core::assessment::RATING_MIN,
                    "maximum": wisdomos_core::assessment::RATING_MAX,
                },
            }),
        ),
        ("ChangePasswordRequest", "newPassword", password()),
        (
            "ChangePasswordRequest",
            "currentPassword",
            json!({ "minLength": 1, "maxLength": 1024 }),
        ),
        (
            "DeleteAccountRequest",
            "password",
            json!({ "minLength": 1, "maxLength": 1024 }),
        ),
        ("CreateDefinition", "formula", formula()),
        ("UpdateDefinition", "formula", {
            let mut f = formula();
            f["type"] = json!(["object", "null"]);
            f
        }),
    ]
}

/// Operations whose body type also serves an update: their create copy requires these fields.
const CREATE_REQUIRES: &[(&str, &str, &str, &[&str])] = &[
    (
        "/api/v1/events",
        "EventRequest",
        "EventCreate",
        &[
            "lifeAreaId",
            "type",
            "category",
            "tone",
            "title",
            "emotionalCharge",
        ],
    ),
    (
        "/api/v1/insights",
        "InsightRequest",
        "InsightCreate",
        &["type", "title"],
    ),
    (
        "/api/v1/autobiography/entries",
        "EntryRequest",
        "EntryCreate",
        &["eraId", "year", "title"],
    ),
];

/// Operations whose body may be left out entirely (every field has a default).
const OPTIONAL_BODIES: &[(&str, &str)] = &[("/api/v1/boundaries/{id}/violations", "post")];

/// Writes the rules into `doc` (the published document as JSON).
pub fn apply(doc: &mut Value) {
    for (path, method) in OPTIONAL_BODIES {
        let body = &mut doc["paths"][*path][*method]["requestBody"];
        if body.is_object() {
            body["required"] = json!(false);
        }
    }
    for (schema, property, rule) in rules_table() {
        let slot = &mut doc["components"]["schemas"][schema]["properties"][property];
        if let (Some(target), Some(rule)) = (slot.as_object_mut(), rule.as_object()) {
            for (k, v) in rule {
                target.insert(k.clone(), v.clone());
            }
        }
    }
    for (path, from, to, required) in CREATE_REQUIRES {
        let mut copy = doc["components"]["schemas"][*from].clone();
        if copy.is_null() {
            continue;
        }
        copy["required"] = json!(required);
        for field in *required {
            // A required field is not nullable on create.
            if let Some(Value::Array(types)) = copy["properties"][*field].get_mut("type") {
                types.retain(|t| t != "null");
            }
            if let Some(Value::Array(one_of)) = copy["properties"][*field].get_mut("oneOf") {
                one_of.retain(|s| s["type"] != "null");
            }
        }
        doc["components"]["schemas"][*to] = copy;
        let body = &mut doc["paths"][*path]["post"]["requestBody"]["content"]["application/json"]
            ["schema"]["$ref"];
        if body.is_string() {
            *body = json!(format!("#/components/schemas/{to}"));
        }
    }
}
