//! The autobiography: eras and their entries (seed 001 `AutobiographyEntry`), through a
//! [`TenantTx`].

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::events::fk_as_not_found;
use crate::{DbError, TenantTx};

/// An era of the life story (seeded: 1975–2025, 2025–2050, 2050–2075, 2075–2100).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Era {
    pub id: Uuid,
    pub name: String,
    pub start_year: i32,
    pub end_year: i32,
    pub description: Option<String>,
    pub sort_order: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// An entry in an era.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Entry {
    pub id: Uuid,
    pub era_id: Uuid,
    pub year: i32,
    pub month: Option<i32>,
    pub title: String,
    pub narrative: String,
    pub event_ids: Vec<Uuid>,
    pub life_area_ids: Vec<Uuid>,
    pub is_public: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const ERA_COLUMNS: &str =
    "id, name, start_year, end_year, description, sort_order, created_at, updated_at";
const ENTRY_COLUMNS: &str = "id, era_id, year, month, title, narrative, event_ids, life_area_ids, is_public, created_at, updated_at";

/// Every era, in order.
pub async fn eras(tx: &mut TenantTx) -> Result<Vec<Era>, DbError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {ERA_COLUMNS} FROM autobiography_eras ORDER BY sort_order, start_year"
    ))
    .fetch_all(tx.conn())
    .await?)
}

/// One era. Errors: [`DbError::NotFound`].
pub async fn era(tx: &mut TenantTx, id: Uuid) -> Result<Era, DbError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {ERA_COLUMNS} FROM autobiography_eras WHERE id = $1"
    ))
    .bind(id)
    .fetch_one(tx.conn())
    .await?)
}

/// Stores an era's editable fields.
pub async fn save_era(tx: &mut TenantTx, e: &Era, now: DateTime<Utc>) -> Result<Era, DbError> {
    Ok(sqlx::query_as(&format!(
        "UPDATE autobiography_eras SET name = $2, start_year = $3, end_year = $4, description = $5, updated_at = $6
         WHERE id = $1 RETURNING {ERA_COLUMNS}"
    ))
    .bind(e.id)
    .bind(&e.name)
    .bind(e.start_year)
    .bind(e.end_year)
    .bind(&e.description)
    .bind(now)
    .fetch_one(tx.conn())
    .await?)
}

/// Entries, optionally of one era, in time order.
pub async fn entries(tx: &mut TenantTx, era_id: Option<Uuid>) -> Result<Vec<Entry>, DbError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {ENTRY_COLUMNS} FROM autobiography_entries WHERE ($1::uuid IS NULL OR era_id = $1)
         ORDER BY year, month NULLS FIRST, created_at"
    ))
    .bind(era_id)
    .fetch_all(tx.conn())
    .await?)
}

/// One entry. Errors: [`DbError::NotFound`].
pub async fn entry(tx: &mut TenantTx, id: Uuid) -> Result<Entry, DbError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {ENTRY_COLUMNS} FROM autobiography_entries WHERE id = $1"
    ))
    .bind(id)
    .fetch_one(tx.conn())
    .await?)
}

/// Inserts (`e.id` nil) or replaces an entry; references are checked by the caller.
pub async fn save_entry(
    tx: &mut TenantTx,
    e: &Entry,
    now: DateTime<Utc>,
) -> Result<Entry, DbError> {
    let sql = if e.id.is_nil() {
        format!(
            "INSERT INTO autobiography_entries (era_id, year, month, title, narrative, event_ids, life_area_ids, is_public, created_at, updated_at)
             VALUES ($2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING {ENTRY_COLUMNS}"
        )
    } else {
        format!(
            "UPDATE autobiography_entries SET era_id = $2, year = $3, month = $4, title = $5, narrative = $6, event_ids = $7,
                    life_area_ids = $8, is_public = $9, updated_at = $10
             WHERE id = $1 RETURNING {ENTRY_COLUMNS}"
        )
    };
    fk_as_not_found(
        sqlx::query_as(&sql)
            .bind(e.id)
            .bind(e.era_id)
            .bind(e.year)
            .bind(e.month)
            .bind(&e.title)
            .bind(&e.narrative)
            .bind(&e.event_ids)
            .bind(&e.life_area_ids)
            .bind(e.is_public)
            .bind(now)
            .fetch_one(tx.conn())
            .await,
    )
}

/// Deletes an entry. Errors: [`DbError::NotFound`].
pub async fn delete_entry(tx: &mut TenantTx, id: Uuid) -> Result<(), DbError> {
    let n = sqlx::query("DELETE FROM autobiography_entries WHERE id = $1")
        .bind(id)
        .execute(tx.conn())
        .await?
        .rows_affected();
    if n == 0 {
        Err(DbError::NotFound)
    } else {
        Ok(())
    }
}
