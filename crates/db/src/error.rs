//! The database layer's error type.

/// What a repository call can fail with.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// The row does not exist, or is not visible to the caller (another tenant's rows look the
    /// same as missing ones).
    #[error("not found")]
    NotFound,
    /// A unique or exclusion constraint refused the write; the code names what collided, e.g.
    /// `email_taken`, `slug_taken`, `already_member`.
    #[error("conflict: {0}")]
    Conflict(&'static str),
    /// A rule checked in the database refused the change, e.g. `last_owner`.
    #[error("refused: {0}")]
    Refused(&'static str),
    /// No connection could be had in time (the pool is exhausted), or PostgreSQL does not answer
    /// or dropped the connection (down, restarting, refusing connections). Worth retrying
    /// shortly. Nothing was written, except when the connection was lost during COMMIT, whose
    /// outcome is then unknown (as with any lost connection).
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// The embedded cluster could not be found, initialised or started.
    #[error("{0}")]
    Embedded(String),
    /// Anything else from PostgreSQL or the driver; logged, never shown to clients.
    #[error(transparent)]
    Sqlx(sqlx::Error),
}

impl From<sqlx::Error> for DbError {
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::RowNotFound => return DbError::NotFound,
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
                return DbError::Unavailable(e.to_string())
            }
            _ => {}
        }
        if let Some(db) = e.as_database_error() {
            // admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections
            if matches!(
                db.code().as_deref(),
                Some("57P01" | "57P02" | "57P03" | "53300")
            ) {
                return DbError::Unavailable(e.to_string());
            }
            if db.code().as_deref() == Some("23505") {
                let code = match db.constraint() {
                    Some("users_email_key") => "email_taken",
                    Some("tenants_slug_key") => "slug_taken",
                    Some("memberships_pkey") => "already_member",
                    Some("life_areas_slug_key") => "slug_taken",
                    Some("tenants_domain_key") => "domain_taken",
                    _ => "duplicate",
                };
                return DbError::Conflict(code);
            }
        }
        DbError::Sqlx(e)
    }
}

impl DbError {
    /// The SQLSTATE of a database error, if this is one (e.g. `42501` insufficient privilege).
    pub fn sqlstate(&self) -> Option<String> {
        match self {
            DbError::Sqlx(e) => e
                .as_database_error()
                .and_then(|d| d.code().map(|c| c.into_owned())),
            _ => None,
        }
    }
}

/// `Ok(None)` for a row that does not exist, so a caller can say which input named it (a field
/// error rather than a 404). Other errors pass through.
pub fn found<T>(r: Result<T, DbError>) -> Result<Option<T>, DbError> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(DbError::NotFound) => Ok(None),
        Err(e) => Err(e),
    }
}
