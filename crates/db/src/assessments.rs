//! Self-assessments of the life areas (tenant schema), through a [`TenantTx`]: each is kept with
//! its date; the newest rating of an area is its baseline (`life_areas.baseline`).

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::{life_areas, DbError, TenantTx};

/// One stored assessment and the areas it rated.
#[derive(Debug, Clone)]
pub struct Assessment {
    pub id: Uuid,
    pub assessed_at: DateTime<Utc>,
    pub created_by_id: Uuid,
    /// (area id, area slug, rating 0–100), in the areas' display order.
    pub ratings: Vec<(Uuid, String, i16)>,
}

/// Records an assessment of `ratings` (area id, 0–100; the caller validated both) and sets
/// those areas' baselines. Areas left out keep theirs. Scores are the caller's to recompute, in
/// the same transaction.
pub async fn record(
    tx: &mut TenantTx,
    created_by_id: Uuid,
    ratings: &[(Uuid, i16)],
    now: DateTime<Utc>,
) -> Result<Uuid, DbError> {
    let id: Uuid = sqlx::query_scalar(
        "INSERT INTO assessments (assessed_at, created_by_id) VALUES ($1, $2) RETURNING id",
    )
    .bind(now)
    .bind(created_by_id)
    .fetch_one(tx.conn())
    .await?;
    let (areas, values): (Vec<Uuid>, Vec<i16>) = ratings.iter().copied().unzip();
    sqlx::query(
        "INSERT INTO assessment_ratings (assessment_id, life_area_id, rating)
         SELECT $1, a, r FROM unnest($2::uuid[], $3::int2[]) AS t(a, r)",
    )
    .bind(id)
    .bind(&areas)
    .bind(&values)
    .execute(tx.conn())
    .await?;
    life_areas::set_baselines(tx, ratings, now).await?;
    Ok(id)
}

/// The workspace's assessments, newest first, at most `limit`.
pub async fn list(tx: &mut TenantTx, limit: i64) -> Result<Vec<Assessment>, DbError> {
    fetch(tx, None, limit).await
}

/// One assessment. Errors: [`DbError::NotFound`].
pub async fn get(tx: &mut TenantTx, id: Uuid) -> Result<Assessment, DbError> {
    fetch(tx, Some(id), 1).await?.pop().ok_or(DbError::NotFound)
}

async fn fetch(
    tx: &mut TenantTx,
    id: Option<Uuid>,
    limit: i64,
) -> Result<Vec<Assessment>, DbError> {
    let heads: Vec<(Uuid, DateTime<Utc>, Uuid)> = sqlx::query_as(
        "SELECT id, assessed_at, created_by_id FROM assessments WHERE $1::uuid IS NULL OR id = $1
         ORDER BY assessed_at DESC, id DESC LIMIT $2",
    )
    .bind(id)
    .bind(limit)
    .fetch_all(tx.conn())
    .await?;
    let ids: Vec<Uuid> = heads.iter().map(|h| h.0).collect();
    let rows: Vec<(Uuid, Uuid, String, i16)> = sqlx::query_as(
        "SELECT r.assessment_id, r.life_area_id, la.slug, r.rating
         FROM assessment_ratings r JOIN life_areas la ON la.tenant_id = r.tenant_id AND la.id = r.life_area_id
         WHERE r.assessment_id = ANY($1) ORDER BY la.sort_order, la.slug",
    )
    .bind(&ids)
    .fetch_all(tx.conn())
    .await?;
    Ok(heads
        .into_iter()
        .map(|(id, assessed_at, created_by_id)| Assessment {
            id,
            assessed_at,
            created_by_id,
            ratings: rows
                .iter()
                .filter(|r| r.0 == id)
                .map(|r| (r.1, r.2.clone(), r.3))
                .collect(),
        })
        .collect())
}

/// Whether the workspace has ever been assessed (the first-run page asks until it has).
pub async fn any(tx: &mut TenantTx) -> Result<bool, DbError> {
    Ok(
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM assessments)")
            .fetch_one(tx.conn())
            .await?,
    )
}

/// One area's ratings, newest first: `(assessed_at, rating 0–100)`, at most `limit`.
pub async fn area_history(
    tx: &mut TenantTx,
    life_area_id: Uuid,
    limit: i64,
) -> Result<Vec<(DateTime<Utc>, i16)>, DbError> {
    Ok(sqlx::query_as(
        "SELECT a.assessed_at, r.rating FROM assessment_ratings r
         JOIN assessments a ON a.tenant_id = r.tenant_id AND a.id = r.assessment_id
         WHERE r.life_area_id = $1 ORDER BY a.assessed_at DESC, a.id DESC LIMIT $2",
    )
    .bind(life_area_id)
    .bind(limit)
    .fetch_all(tx.conn())
    .await?)
}
