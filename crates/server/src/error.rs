//! The API error type, mapped once to HTTP. Codes are stable and listed in docs/errors.md.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use wisdomos_app::AppError;
use wisdomos_core::{FieldError, ValidationErrors};
use wisdomos_db::DbError;

/// Every way a request can fail. The body is always
/// `{"error": {"code": "<stable_snake_case>", "message": "...", "details": ...}}`.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400 `malformed_json`: the body is not JSON.
    #[error("the request body is not valid JSON: {0}")]
    MalformedJson(String),
    /// 422: one body field is missing, unknown or of the wrong type; `code` is
    /// `missing_field`, `unknown_field` or `invalid_type`.
    #[error("{message}")]
    BadField {
        code: &'static str,
        field: String,
        message: String,
    },
    /// 422 `validation_failed`: fields break the rules; details list each.
    #[error("validation failed: {0}")]
    Validation(ValidationErrors),
    /// 400 `bad_request`: the request could not be read (e.g. a path parameter of the wrong
    /// type).
    #[error("the request could not be read; check the path and its parameters")]
    BadRequest,
    /// 405 `method_not_allowed` with `Allow`.
    #[error("this method is not allowed here")]
    MethodNotAllowed,
    /// 400 `invalid_path`: the path holds a control character (e.g. `%00`).
    #[error("the path must not contain control characters")]
    InvalidPath,
    /// 400 `invalid_query`: the query string could not be read.
    #[error("invalid query: {0}")]
    InvalidQuery(String),
    /// 415 `unsupported_media_type`.
    #[error("the body must be application/json")]
    UnsupportedMediaType,
    /// 413 `payload_too_large`.
    #[error("the request body is too large")]
    PayloadTooLarge,
    /// 401 `unauthorized`: missing, malformed, expired or revoked credentials.
    #[error("authentication required")]
    Unauthorized,
    /// 401 `invalid_credentials`: the same answer for an unknown e-mail and a wrong password.
    #[error("invalid e-mail or password")]
    InvalidCredentials,
    /// 401 `invalid_refresh_token`.
    #[error("the refresh token is invalid, expired or already used")]
    InvalidRefreshToken,
    /// 403 `forbidden`: the role does not allow this.
    #[error("your role does not allow this")]
    Forbidden,
    /// 403 `tenant_suspended`.
    #[error("this workspace is suspended")]
    TenantSuspended,
    /// 404 `not_found`: missing, or belonging to another tenant (indistinguishable).
    #[error("not found")]
    NotFound,
    /// 409 with the conflict's code (`email_taken`, `slug_taken`, `already_member`, `last_owner`, …).
    #[error("conflict: {0}")]
    Conflict(&'static str),
    /// 409 with its own code, message and details (e.g. `intervention_conflict`).
    #[error("{message}")]
    ConflictWith {
        code: &'static str,
        message: String,
        details: serde_json::Value,
    },
    /// 429 `account_locked` with `Retry-After` seconds.
    #[error("too many failed sign-ins; try again later")]
    Locked { retry_after_secs: i64 },
    /// 429 `rate_limited` with `Retry-After` seconds.
    #[error("too many requests; slow down")]
    RateLimited { retry_after_secs: u64 },
    /// 429 `usage_limit_exceeded` with `Retry-After` seconds to the next month: the plan's
    /// monthly conversations are used up.
    #[error("this workspace has used all the conversations its plan allows this month")]
    UsageLimit { retry_after_secs: u64 },
    /// 502 `assistant_unavailable`: the language model failed after its retries; logged.
    #[error("the assistant's language model is not answering; try again shortly")]
    Upstream(String),
    /// 422 with its own code, message and details (e.g. `invalid_file`, `import_rows_rejected`).
    #[error("{message}")]
    Unprocessable {
        code: &'static str,
        message: String,
        details: serde_json::Value,
    },
    /// 503 `service_unavailable` with `Retry-After`: the database could not be reached in time
    /// (pool exhausted, PostgreSQL down or restarting); logged. See [`DbError::Unavailable`]
    /// for what was written.
    #[error("the service is briefly unavailable; try again in a moment")]
    Unavailable(String),
    /// 500 `internal`: logged with its cause, never shown.
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiError {
    /// HTTP status and stable code.
    pub fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            ApiError::MalformedJson(_) => (StatusCode::BAD_REQUEST, "malformed_json"),
            ApiError::BadField { code, .. } => (StatusCode::UNPROCESSABLE_ENTITY, code),
            ApiError::Validation(_) => (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"),
            ApiError::BadRequest => (StatusCode::BAD_REQUEST, "bad_request"),
            ApiError::MethodNotAllowed => (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
            ApiError::InvalidPath => (StatusCode::BAD_REQUEST, "invalid_path"),
            ApiError::InvalidQuery(_) => (StatusCode::BAD_REQUEST, "invalid_query"),
            ApiError::UnsupportedMediaType => {
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
            }
            ApiError::PayloadTooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
            ApiError::Unauthorized => (StatusCode::UNAUTHORIZED, "unauthorized"),
            ApiError::InvalidCredentials => (StatusCode::UNAUTHORIZED, "invalid_credentials"),
            ApiError::InvalidRefreshToken => (StatusCode::UNAUTHORIZED, "invalid_refresh_token"),
            ApiError::Forbidden => (StatusCode::FORBIDDEN, "forbidden"),
            ApiError::TenantSuspended => (StatusCode::FORBIDDEN, "tenant_suspended"),
            ApiError::NotFound => (StatusCode::NOT_FOUND, "not_found"),
            ApiError::Conflict(code) => (StatusCode::CONFLICT, code),
            ApiError::ConflictWith { code, .. } => (StatusCode::CONFLICT, code),
            ApiError::Locked { .. } => (StatusCode::TOO_MANY_REQUESTS, "account_locked"),
            ApiError::RateLimited { .. } => (StatusCode::TOO_MANY_REQUESTS, "rate_limited"),
            ApiError::UsageLimit { .. } => (StatusCode::TOO_MANY_REQUESTS, "usage_limit_exceeded"),
            ApiError::Upstream(_) => (StatusCode::BAD_GATEWAY, "assistant_unavailable"),
            ApiError::Unprocessable { code, .. } => (StatusCode::UNPROCESSABLE_ENTITY, code),
            ApiError::Unavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, "service_unavailable"),
            ApiError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }

    /// The message a client is shown: never an internal cause (those are logged here).
    pub fn public_message(&self) -> String {
        match self {
            ApiError::Internal(cause) => {
                tracing::error!(error = %cause, "internal error");
                "something went wrong on our side; it has been logged".to_owned()
            }
            ApiError::Unavailable(cause) => {
                tracing::warn!(error = %cause, "database unavailable");
                self.to_string()
            }
            ApiError::Upstream(cause) => {
                tracing::warn!(error = %cause, "language model failed");
                self.to_string()
            }
            ApiError::Validation(errs) => match errs.0.as_slice() {
                [one] => one.message.clone(),
                _ => format!("{} fields are invalid", errs.0.len()),
            },
            ApiError::Conflict(code) => conflict_message(code).to_owned(),
            other => other.to_string(),
        }
    }

    /// A single-field validation error.
    pub fn field(e: FieldError) -> Self {
        ApiError::Validation(e.into())
    }
}

impl From<ValidationErrors> for ApiError {
    fn from(e: ValidationErrors) -> Self {
        ApiError::Validation(e)
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Validation(errs) => ApiError::Validation(errs),
            AppError::WrongPassword(field) => ApiError::field(FieldError::new(
                field,
                "wrong_password",
                "this is not your current password",
            )),
            AppError::Db(e) => e.into(),
            AppError::Conflict(code) => ApiError::Conflict(code),
            AppError::ConflictWith {
                code,
                message,
                details,
            } => ApiError::ConflictWith {
                code,
                message,
                details,
            },
            AppError::Unprocessable {
                code,
                message,
                details,
            } => ApiError::Unprocessable {
                code,
                message,
                details,
            },
            AppError::UsageLimit { retry_after_secs } => ApiError::UsageLimit { retry_after_secs },
            AppError::Upstream(cause) => ApiError::Upstream(cause),
            AppError::Internal(cause) => ApiError::Internal(cause),
        }
    }
}

impl From<DbError> for ApiError {
    fn from(e: DbError) -> Self {
        match e {
            DbError::NotFound => ApiError::NotFound,
            DbError::Conflict(code) => ApiError::Conflict(code),
            DbError::Refused("forbidden") => ApiError::Forbidden,
            DbError::Refused(code) => ApiError::Conflict(code),
            DbError::Unavailable(cause) => ApiError::Unavailable(cause),
            other => ApiError::Internal(other.to_string()),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        let details = match &self {
            ApiError::BadField { field, .. } => json!({ "field": field }),
            ApiError::Validation(errs) => json!({ "fields": errs.0 }),
            ApiError::Locked { retry_after_secs } => {
                json!({ "retryAfterSeconds": retry_after_secs })
            }
            ApiError::RateLimited { retry_after_secs }
            | ApiError::UsageLimit { retry_after_secs } => {
                json!({ "retryAfterSeconds": retry_after_secs })
            }
            ApiError::Unprocessable { details, .. } | ApiError::ConflictWith { details, .. } => {
                details.clone()
            }
            _ => serde_json::Value::Null,
        };
        let message = self.public_message();
        let body = json!({ "error": { "code": code, "message": message, "details": details } });
        let mut resp = (status, axum::Json(body)).into_response();
        let retry = match &self {
            ApiError::Locked { retry_after_secs } => Some(*retry_after_secs as u64),
            ApiError::RateLimited { retry_after_secs }
            | ApiError::UsageLimit { retry_after_secs } => Some(*retry_after_secs),
            ApiError::Unavailable(_) => Some(1),
            _ => None,
        };
        if let Some(secs) = retry {
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs.max(1)));
        }
        resp
    }
}

fn conflict_message(code: &str) -> &'static str {
    match code {
        "email_taken" => "an account with this e-mail already exists",
        "slug_taken" => "you already have a workspace with this slug",
        "already_member" => "this user is already a member",
        "last_owner" => "a workspace must keep at least one OWNER",
        "no_workspace" => "this account belongs to no workspace; ask to be added to one",
        "domain_taken" => "another workspace already answers on this domain",
        "participant_email_taken" => "another participant of this organisation has this e-mail",
        "relationship_exists" => "these participants already have a relationship of this type",
        "too_many_keys" => "this workspace holds the most API keys it may; revoke one first",
        _ => "the request conflicts with the current state",
    }
}
