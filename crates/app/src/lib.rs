//! Use cases (the `app` layer of DESIGN.md §2): one function per thing a person or a job does,
//! taking the tenant transaction (or the database, for platform-wide work) and domain types and
//! returning domain results. The JSON API (`wisdomos-server::routes`), the web UI
//! (`wisdomos-server::web`) and the CLI call these, so neither front end imports the other and
//! no rule lives in a handler.

pub mod account;
pub mod api_keys;
pub mod areas;
pub mod assessments;
pub mod assistant;
pub mod autobiography;
pub mod boundaries;
pub mod classify;
pub mod commitments;
pub mod console_import;
pub mod dashboard;
pub mod event_fields;
pub mod events;
pub mod export;
pub mod generation;
pub mod graph;
pub mod import;
pub mod insights;
pub mod interventions;
pub mod knowledge;
pub mod knowledge_search;
pub mod members;
pub mod oracle;
pub mod participants;
pub mod password;
pub mod patterns;
pub mod platform;
pub mod reading;
pub mod recommendations;
pub mod relationships;
pub mod segments;
pub mod shares;
pub mod usage;
pub mod widgets;
pub mod workspace;

use wisdomos_core::{FieldError, ValidationErrors};
use wisdomos_db::DbError;

/// Why a use case failed. The server maps it to HTTP once (`ApiError: From<AppError>`).
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Input breaks the domain's rules; each field is named.
    #[error("validation failed: {0}")]
    Validation(ValidationErrors),
    /// The password given to confirm an account change (in the named field) is wrong.
    #[error("the password in {0} is wrong")]
    WrongPassword(&'static str),
    /// The request conflicts with the current state (e.g. `invalid_transition`); 409 with
    /// this code.
    #[error("conflict: {0}")]
    Conflict(&'static str),
    /// 409 with its own code, a message naming what conflicts, and details (e.g.
    /// `intervention_conflict` with the fields changed since).
    #[error("{message}")]
    ConflictWith {
        code: &'static str,
        message: String,
        details: serde_json::Value,
    },
    /// From the database: not found, conflicts, refusals, unavailability.
    #[error(transparent)]
    Db(#[from] DbError),
    /// 422 with its own code, message and details (e.g. `invalid_file`,
    /// `import_rows_rejected`).
    #[error("{message}")]
    Unprocessable {
        code: &'static str,
        message: String,
        details: serde_json::Value,
    },
    /// A new conversation would pass the plan's monthly limit; 429 with `Retry-After` (seconds
    /// to the next month in the workspace's time zone).
    #[error("the plan's monthly conversation limit is reached")]
    UsageLimit { retry_after_secs: u64 },
    /// The language model failed after its retries; 502, logged.
    #[error("the language model failed: {0}")]
    Upstream(String),
    /// A failure that is ours (hashing, a task that died); logged, never shown.
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<ValidationErrors> for AppError {
    fn from(e: ValidationErrors) -> Self {
        AppError::Validation(e)
    }
}

impl From<FieldError> for AppError {
    fn from(e: FieldError) -> Self {
        AppError::Validation(e.into())
    }
}
