//! Users (platform schema).

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::{DbError, Page};

/// A stored user. `password_hash` is a PHC string (argon2id).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct User {
    pub id: Uuid,
    pub email: String,
    pub password_hash: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub last_login_at: Option<DateTime<Utc>>,
}

/// Fields of a new user; `email` is already normalised.
#[derive(Debug, Clone)]
pub struct NewUser<'a> {
    pub email: &'a str,
    pub password_hash: &'a str,
    pub first_name: Option<&'a str>,
    pub last_name: Option<&'a str>,
}

const COLUMNS: &str =
    "id, email, password_hash, first_name, last_name, created_at, updated_at, last_login_at";

/// Inserts a user. Errors: [`DbError::Conflict`]`("email_taken")`.
pub async fn create(
    db: &mut PgConnection,
    new: &NewUser<'_>,
    now: DateTime<Utc>,
) -> Result<User, DbError> {
    Ok(sqlx::query_as(&format!(
        "INSERT INTO platform.users (id, email, password_hash, first_name, last_name, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING {COLUMNS}"
    ))
    .bind(Uuid::new_v4())
    .bind(new.email)
    .bind(new.password_hash)
    .bind(new.first_name)
    .bind(new.last_name)
    .bind(now)
    .fetch_one(db)
    .await?)
}

/// The user with this normalised e-mail, if any.
pub async fn find_by_email(pool: &PgPool, email: &str) -> Result<Option<User>, DbError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM platform.users WHERE email = $1"
    ))
    .bind(email)
    .fetch_optional(pool)
    .await?)
}

/// The user with this id. Errors: [`DbError::NotFound`].
pub async fn get(pool: &PgPool, id: Uuid) -> Result<User, DbError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM platform.users WHERE id = $1"
    ))
    .bind(id)
    .fetch_one(pool)
    .await?)
}

/// Records a successful sign-in.
pub async fn touch_login(
    conn: &mut PgConnection,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    sqlx::query("UPDATE platform.users SET last_login_at = $2 WHERE id = $1")
        .bind(id)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

/// Users ordered by creation, for operators (deleted accounts left out); keyset-paginated after
/// `(created_at, id)`.
pub async fn list(
    pool: &PgPool,
    after: Option<crate::Keyset>,
    limit: i64,
) -> Result<Page<User>, DbError> {
    let (at, id) = after.map_or((None, None), |(a, i)| (Some(a), Some(i)));
    let rows = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM platform.users
         WHERE deleted_at IS NULL AND ($1::timestamptz IS NULL OR (created_at, id) > ($1, $2))
         ORDER BY created_at, id LIMIT $3"
    ))
    .bind(at)
    .bind(id)
    .bind(limit + 1)
    .fetch_all(pool)
    .await?;
    Ok(Page::from_overfetch(rows, limit))
}

/// Inserts a user on its own (operators' `user create`). Errors as [`create`].
pub async fn create_standalone(
    pool: &PgPool,
    new: &NewUser<'_>,
    now: DateTime<Utc>,
) -> Result<User, DbError> {
    let mut conn = pool.acquire().await?;
    create(&mut conn, new, now).await
}
