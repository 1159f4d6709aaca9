//! Job-queue rules: statuses and the retry backoff.

use chrono::Duration;
use serde::{Deserialize, Serialize};

/// Lifecycle of a job (seed 004 `Job.status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum JobStatus {
    Pending,
    Processing,
    Completed,
    Failed,
    Cancelled,
}

impl JobStatus {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Pending => "pending",
            JobStatus::Processing => "processing",
            JobStatus::Completed => "completed",
            JobStatus::Failed => "failed",
            JobStatus::Cancelled => "cancelled",
        }
    }
}

/// Default attempts before a job fails for good.
pub const DEFAULT_MAX_ATTEMPTS: i32 = 3;
/// Base and cap of the exponential backoff.
pub const BACKOFF_BASE_SECS: f64 = 2.0;
/// See [`BACKOFF_BASE_SECS`].
pub const BACKOFF_CAP_SECS: f64 = 3600.0;

/// Delay before retrying after the `attempts`-th failed attempt (1-based): "full jitter"
/// exponential backoff (AWS Architecture Blog, "Exponential Backoff and Jitter", 2015) over
/// base × 2^(attempts−1), capped at an hour, with `jitter` in [0, 1) supplied by the caller
/// and the delay never under half the exponential step.
pub fn backoff(attempts: i32, jitter: f64) -> Duration {
    let step = (BACKOFF_BASE_SECS * 2f64.powi((attempts - 1).clamp(0, 30))).min(BACKOFF_CAP_SECS);
    let secs = step * (0.5 + 0.5 * jitter.clamp(0.0, 1.0));
    Duration::milliseconds((secs * 1000.0) as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_caps() {
        assert_eq!(backoff(1, 0.0), Duration::seconds(1));
        assert_eq!(backoff(1, 1.0), Duration::seconds(2));
        assert_eq!(backoff(3, 1.0), Duration::seconds(8));
        assert!(backoff(40, 1.0) <= Duration::seconds(3600));
        assert!(backoff(2, 0.5) > backoff(1, 0.5));
    }
}
