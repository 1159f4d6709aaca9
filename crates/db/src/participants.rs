//! An organisation's participants (seed 003 `participants`), through its [`TenantTx`].

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::{DbError, TenantTx};

/// A stored participant.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Participant {
    pub id: Uuid,
    pub email: Option<String>,
    pub display_name: String,
    pub role: String,
    pub origin: String,
    pub lifecycle_stage: String,
    pub last_activity_at: Option<DateTime<Utc>>,
    pub is_system: bool,
    pub user_id: Option<Uuid>,
    pub engagement_state: String,
    pub archived_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const COLUMNS: &str =
    "id, email, display_name, role, origin, lifecycle_stage, last_activity_at, is_system, \
     user_id, engagement_state, archived_at, created_at, updated_at";

/// The fields of a participant as written.
#[derive(Debug, Clone)]
pub struct Fields<'a> {
    pub email: Option<&'a str>,
    pub display_name: &'a str,
    pub role: &'a str,
    pub origin: &'a str,
    pub lifecycle_stage: &'a str,
    pub last_activity_at: Option<DateTime<Utc>>,
    pub is_system: bool,
    pub engagement_state: &'a str,
}

/// Inserts a participant. Errors: [`DbError::Conflict`]`("participant_email_taken")` when another
/// participant of the organisation has the e-mail.
pub async fn create(
    tx: &mut TenantTx,
    f: &Fields<'_>,
    now: DateTime<Utc>,
) -> Result<Participant, DbError> {
    sqlx::query_as(&format!(
        "INSERT INTO participants (id, email, display_name, role, origin, lifecycle_stage, last_activity_at,
             is_system, engagement_state, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING {COLUMNS}"
    ))
    .bind(Uuid::new_v4())
    .bind(f.email)
    .bind(f.display_name)
    .bind(f.role)
    .bind(f.origin)
    .bind(f.lifecycle_stage)
    .bind(f.last_activity_at)
    .bind(f.is_system)
    .bind(f.engagement_state)
    .bind(now)
    .fetch_one(tx.conn())
    .await
    .map_err(email_conflict)
}

/// Inserts many participants in one statement (an import); `fields` as for [`create`]. Returns
/// their ids in order. Errors: `participant_email_taken` when an e-mail is already used.
pub async fn create_many(
    tx: &mut TenantTx,
    fields: &[Fields<'_>],
    now: DateTime<Utc>,
) -> Result<Vec<Uuid>, DbError> {
    let ids: Vec<Uuid> = fields.iter().map(|_| Uuid::new_v4()).collect();
    let col = |f: fn(&Fields<'_>) -> Option<String>| fields.iter().map(f).collect::<Vec<_>>();
    sqlx::query(
        "INSERT INTO participants (id, email, display_name, role, origin, lifecycle_stage, last_activity_at,
             is_system, engagement_state, created_at, updated_at)
         SELECT * , $10, $10 FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
             $7::timestamptz[], $8::boolean[], $9::text[])",
    )
    .bind(&ids)
    .bind(col(|f| f.email.map(str::to_owned)))
    .bind(col(|f| Some(f.display_name.to_owned())))
    .bind(col(|f| Some(f.role.to_owned())))
    .bind(col(|f| Some(f.origin.to_owned())))
    .bind(col(|f| Some(f.lifecycle_stage.to_owned())))
    .bind(fields.iter().map(|f| f.last_activity_at).collect::<Vec<_>>())
    .bind(fields.iter().map(|f| f.is_system).collect::<Vec<_>>())
    .bind(col(|f| Some(f.engagement_state.to_owned())))
    .bind(now)
    .execute(tx.conn())
    .await
    .map_err(email_conflict)?;
    Ok(ids)
}

/// Ids of the participants with e-mails `emails` (lower-cased), as `(email, id)`.
pub async fn ids_by_email(
    tx: &mut TenantTx,
    emails: &[String],
) -> Result<Vec<(String, Uuid)>, DbError> {
    Ok(
        sqlx::query_as("SELECT lower(email), id FROM participants WHERE lower(email) = ANY($1)")
            .bind(emails)
            .fetch_all(tx.conn())
            .await?,
    )
}

fn email_conflict(e: sqlx::Error) -> DbError {
    if e.as_database_error().and_then(|d| d.constraint()) == Some("participants_email_key") {
        DbError::Conflict("participant_email_taken")
    } else {
        e.into()
    }
}

/// One participant. Errors: [`DbError::NotFound`].
pub async fn get(tx: &mut TenantTx, id: Uuid) -> Result<Participant, DbError> {
    Ok(
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM participants WHERE id = $1"))
            .bind(id)
            .fetch_one(tx.conn())
            .await?,
    )
}

/// Participants `ids` (those that exist), locked until the transaction ends, in id order (a
/// fixed order, so two transactions locking overlapping sets cannot deadlock).
pub async fn lock(tx: &mut TenantTx, ids: &[Uuid]) -> Result<Vec<Participant>, DbError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM participants WHERE id = ANY($1) ORDER BY id FOR UPDATE"
    ))
    .bind(ids)
    .fetch_all(tx.conn())
    .await?)
}

/// Stores engagement states `(id, state)` in one statement.
pub async fn set_states(
    tx: &mut TenantTx,
    states: &[(Uuid, String)],
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    if states.is_empty() {
        return Ok(());
    }
    let (ids, names): (Vec<Uuid>, Vec<String>) = states.iter().cloned().unzip();
    sqlx::query(
        "UPDATE participants p SET engagement_state = s.state, updated_at = $3
         FROM unnest($1::uuid[], $2::text[]) AS s(id, state) WHERE p.id = s.id",
    )
    .bind(&ids)
    .bind(&names)
    .bind(now)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// The display names of participants `ids` (those that exist).
pub async fn names(tx: &mut TenantTx, ids: &[Uuid]) -> Result<Vec<(Uuid, String)>, DbError> {
    Ok(
        sqlx::query_as("SELECT id, display_name FROM participants WHERE id = ANY($1)")
            .bind(ids)
            .fetch_all(tx.conn())
            .await?,
    )
}

/// Every participant, archived ones included, by name.
pub async fn all(tx: &mut TenantTx) -> Result<Vec<Participant>, DbError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM participants ORDER BY display_name, id"
    ))
    .fetch_all(tx.conn())
    .await?)
}

/// Saves every field of `p` (as changed by the caller). Errors: [`DbError::NotFound`];
/// `participant_email_taken`.
pub async fn save(
    tx: &mut TenantTx,
    p: &Participant,
    now: DateTime<Utc>,
) -> Result<Participant, DbError> {
    sqlx::query_as(&format!(
        "UPDATE participants SET email = $2, display_name = $3, role = $4, origin = $5, lifecycle_stage = $6,
             last_activity_at = $7, engagement_state = $8, archived_at = $9, updated_at = $10
         WHERE id = $1 RETURNING {COLUMNS}"
    ))
    .bind(p.id)
    .bind(&p.email)
    .bind(&p.display_name)
    .bind(&p.role)
    .bind(&p.origin)
    .bind(&p.lifecycle_stage)
    .bind(p.last_activity_at)
    .bind(&p.engagement_state)
    .bind(p.archived_at)
    .bind(now)
    .fetch_one(tx.conn())
    .await
    .map_err(|e| match e {
        sqlx::Error::RowNotFound => DbError::NotFound,
        other => email_conflict(other),
    })
}
