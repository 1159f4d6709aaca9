//! Life areas of a tenant (tenant schema), reached only through a [`TenantTx`], and the
//! recomputation of their scores.

use chrono::{DateTime, Duration, Utc};
use sqlx::{Postgres, QueryBuilder};
use uuid::Uuid;
use wisdomos_core::score::{self, ScoreAggregates, ScoreBreakdown};

use crate::{DbError, TenantTx};

/// A stored life area (seed 001 `LifeArea`). `cluster` and `status` hold the upper-case enum
/// names of `wisdomos_core::life_area`; `current_score` is 0–100.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LifeArea {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
    pub cluster: String,
    pub sort_order: i32,
    pub is_active: bool,
    pub current_score: f64,
    pub status: String,
    /// The latest self-assessment, 0–100 (50 until rated): where the score starts from.
    pub baseline: f64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, slug, name, description, cluster, sort_order, is_active, current_score, status, baseline, created_at, updated_at";

/// Filters of the life-area list.
#[derive(Debug, Clone, Default)]
pub struct LifeAreaFilter {
    pub cluster: Option<&'static str>,
    pub status: Option<&'static str>,
    pub is_active: Option<bool>,
}

/// The tenant's active life areas, by `sort_order` then slug (what the dashboard, the event
/// form and the classifier work over).
pub async fn active(tx: &mut TenantTx) -> Result<Vec<LifeArea>, DbError> {
    list(
        tx,
        &LifeAreaFilter {
            is_active: Some(true),
            ..Default::default()
        },
    )
    .await
}

/// The tenant's life areas matching `f`, by `sort_order` then slug.
pub async fn list(tx: &mut TenantTx, f: &LifeAreaFilter) -> Result<Vec<LifeArea>, DbError> {
    let mut qb: QueryBuilder<Postgres> =
        QueryBuilder::new(format!("SELECT {COLUMNS} FROM life_areas WHERE true"));
    if let Some(c) = f.cluster {
        qb.push(" AND cluster = ").push_bind(c);
    }
    if let Some(s) = f.status {
        qb.push(" AND status = ").push_bind(s);
    }
    if let Some(a) = f.is_active {
        qb.push(" AND is_active = ").push_bind(a);
    }
    qb.push(" ORDER BY sort_order, slug");
    Ok(qb.build_query_as().fetch_all(tx.conn()).await?)
}

/// A life area by id (as text) or slug. Errors: [`DbError::NotFound`].
pub async fn get(tx: &mut TenantTx, id_or_slug: &str) -> Result<LifeArea, DbError> {
    let id = Uuid::parse_str(id_or_slug).ok();
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM life_areas WHERE id = $1 OR (slug = $2 AND $1 IS NULL)"
    ))
    .bind(id)
    .bind(id_or_slug)
    .fetch_one(tx.conn())
    .await?)
}

/// Changes to a life area; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct LifeAreaPatch {
    pub name: Option<String>,
    pub description: Option<String>,
    pub sort_order: Option<i32>,
    pub is_active: Option<bool>,
}

/// Applies a patch. Errors: [`DbError::NotFound`].
pub async fn update(
    tx: &mut TenantTx,
    id: Uuid,
    p: &LifeAreaPatch,
    now: DateTime<Utc>,
) -> Result<LifeArea, DbError> {
    Ok(sqlx::query_as(&format!(
        "UPDATE life_areas SET name = coalesce($2, name), description = coalesce($3, description),
                sort_order = coalesce($4, sort_order), is_active = coalesce($5, is_active), updated_at = $6
         WHERE id = $1 RETURNING {COLUMNS}"
    ))
    .bind(id)
    .bind(&p.name)
    .bind(&p.description)
    .bind(p.sort_order)
    .bind(p.is_active)
    .bind(now)
    .fetch_one(tx.conn())
    .await?)
}

/// A custom area. Errors: [`DbError::Conflict`]`("slug_taken")`.
pub async fn create(
    tx: &mut TenantTx,
    slug: &str,
    name: &str,
    description: Option<&str>,
    cluster: &str,
    sort_order: Option<i32>,
    now: DateTime<Utc>,
) -> Result<LifeArea, DbError> {
    Ok(sqlx::query_as(&format!(
        "INSERT INTO life_areas (slug, name, description, cluster, sort_order, created_at, updated_at)
         VALUES ($1, $2, $3, $4, coalesce($5, (SELECT coalesce(max(sort_order), 0) + 1 FROM life_areas)), $6, $6)
         RETURNING {COLUMNS}"
    ))
    .bind(slug)
    .bind(name)
    .bind(description)
    .bind(cluster)
    .bind(sort_order)
    .bind(now)
    .fetch_one(tx.conn())
    .await?)
}

/// Reads, in one statement, the area's current score and the sums and counts its score depends
/// on at `now` ([`ScoreAggregates`]): the decay weights 0.5^(age in days / 14) are summed here in
/// SQL, exactly as `ScoreInputs::aggregate` does in the domain crate (a test checks they agree).
/// The age comes from `date_part` in double precision: `extract` answers `numeric` since
/// PostgreSQL 14, and numeric arithmetic on every event of the window made this read 1.7× slower.
async fn load_aggregates(
    tx: &mut TenantTx,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<(f64, ScoreAggregates), DbError> {
    #[derive(sqlx::FromRow)]
    struct Row {
        current_score: f64,
        baseline: f64,
        weighted_charge: f64,
        weight: f64,
        event_count: i64,
        upset_count: i64,
        breakthrough_count: i64,
        violation_count: i64,
        completed: i64,
        total: i64,
    }
    let since = now - Duration::days(score::WINDOW_DAYS);
    let sql = format!(
        "SELECT la.current_score, la.baseline, ev.weighted_charge, ev.weight, ev.event_count, ev.upset_count, ev.breakthrough_count,
                (SELECT count(*) FROM boundary_violations v
                   JOIN boundaries b ON b.tenant_id = v.tenant_id AND b.id = v.boundary_id
                  WHERE b.life_area_id = la.id AND v.occurred_at > $2 AND v.occurred_at <= $3) AS violation_count,
                (SELECT count(*) FROM commitments c WHERE c.life_area_id = la.id AND c.status IN ('COMPLETED', 'INTEGRATED')) AS completed,
                (SELECT count(*) FROM commitments c WHERE c.life_area_id = la.id) AS total
         FROM life_areas la,
              LATERAL (SELECT coalesce(sum(w * greatest(-5, least(5, e.emotional_charge)) / 5.0), 0)::float8 AS weighted_charge,
                              coalesce(sum(w), 0)::float8 AS weight,
                              count(*) AS event_count,
                              count(*) FILTER (WHERE e.type = 'UPSET') AS upset_count,
                              count(*) FILTER (WHERE e.type = 'BREAKTHROUGH') AS breakthrough_count
                         FROM events e,
                              LATERAL (SELECT power(0.5::float8, date_part('epoch', $3 - e.occurred_at) / 86400.0 / {half_life}) AS w) d
                        WHERE e.life_area_id = la.id AND e.occurred_at > $2 AND e.occurred_at <= $3) ev
         WHERE la.id = $1",
        half_life = score::HALF_LIFE_DAYS,
    );
    let r: Row = sqlx::query_as(&sql)
        .bind(id)
        .bind(since)
        .bind(now)
        .fetch_one(tx.conn())
        .await?;
    Ok((
        r.current_score,
        ScoreAggregates {
            baseline: r.baseline,
            weighted_charge: r.weighted_charge,
            weight: r.weight,
            event_count: r.event_count as u32,
            upset_count: r.upset_count as u32,
            breakthrough_count: r.breakthrough_count as u32,
            violation_count: r.violation_count as u32,
            commitments_completed: r.completed as u32,
            commitments_total: r.total as u32,
        },
    ))
}

/// The score of an area as of `now`, with its factors, without storing it.
/// Errors: [`DbError::NotFound`].
pub async fn breakdown(
    tx: &mut TenantTx,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<ScoreBreakdown, DbError> {
    Ok(score::compute_aggregates(
        &load_aggregates(tx, id, now).await?.1,
    ))
}

/// A life area whose row this transaction holds locked `FOR NO KEY UPDATE` until it ends, so
/// recomputations of the area serialise. Built only by [`lock`]: holding one is the proof
/// [`recompute_locked`] needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockedArea {
    id: Uuid,
}

impl LockedArea {
    /// Only code of this crate that has just locked row `id` makes one.
    pub(crate) fn new(id: Uuid) -> Self {
        Self { id }
    }

    /// The area's id.
    pub fn id(&self) -> Uuid {
        self.id
    }
}

/// The row lock of one area by id (`$1`, a uuid or NULL) or else slug (`$2`).
pub(crate) const LOCK_AREA: &str =
    "SELECT id FROM life_areas WHERE id = $1 OR (slug = $2 AND $1 IS NULL) FOR NO KEY UPDATE";

/// Finds a life area by id or slug and locks its row until the transaction ends.
///
/// The lock is a statement of its own, taken before the score's inputs are read, so that the
/// read gets a snapshot from after it was granted: a writer of the same area that committed
/// while we waited is counted. `FOR NO KEY UPDATE`, because the foreign-key checks of concurrent
/// event inserts hold `FOR KEY SHARE` on this row; `FOR UPDATE` would conflict with those and
/// deadlock two writers of one area. A caller that locks several areas in one transaction does
/// so in id order, so two of them cannot wait on each other. Errors: [`DbError::NotFound`].
pub async fn lock(tx: &mut TenantTx, id_or_slug: &str) -> Result<LockedArea, DbError> {
    let id = Uuid::parse_str(id_or_slug).ok();
    let id = sqlx::query_scalar(LOCK_AREA)
        .bind(id)
        .bind(id_or_slug)
        .fetch_optional(tx.conn())
        .await?
        .ok_or(DbError::NotFound)?;
    Ok(LockedArea { id })
}

/// Recomputes and stores one area's score; returns the previous score and the new breakdown.
/// Three round trips: the row lock ([`lock`]), the read of the inputs, and the update.
/// Errors: [`DbError::NotFound`].
pub async fn recompute(
    tx: &mut TenantTx,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<(f64, ScoreBreakdown), DbError> {
    let area = lock(tx, &id.to_string()).await?;
    recompute_locked(tx, area, now).await
}

/// [`recompute`] of an area this transaction has already locked: two round trips.
/// Errors: [`DbError::NotFound`].
pub async fn recompute_locked(
    tx: &mut TenantTx,
    area: LockedArea,
    now: DateTime<Utc>,
) -> Result<(f64, ScoreBreakdown), DbError> {
    let (previous, aggregates) = load_aggregates(tx, area.id, now).await?;
    let breakdown = score::compute_aggregates(&aggregates);
    sqlx::query(
        "UPDATE life_areas SET current_score = $2, status = $3, updated_at = $4 WHERE id = $1",
    )
    .bind(area.id)
    .bind(breakdown.score)
    .bind(breakdown.status.as_str())
    .bind(now)
    .execute(tx.conn())
    .await?;
    Ok((previous, breakdown))
}

/// Recomputes every area of the tenant (locking them in id order, as every multi-area
/// recomputation does); returns how many changed score.
pub async fn recompute_all(tx: &mut TenantTx, now: DateTime<Utc>) -> Result<usize, DbError> {
    let ids: Vec<Uuid> = sqlx::query_scalar("SELECT id FROM life_areas ORDER BY id")
        .fetch_all(tx.conn())
        .await?;
    let mut changed = 0;
    for id in ids {
        let (before, after) = recompute(tx, id, now).await?;
        if (before - after.score).abs() > f64::EPSILON {
            changed += 1;
        }
    }
    Ok(changed)
}

/// Sets the baselines of the given areas (0–100 each; the caller validated them). The scores
/// are not recomputed here: the caller does so in the same transaction.
pub async fn set_baselines(
    tx: &mut TenantTx,
    ratings: &[(Uuid, i16)],
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let (ids, values): (Vec<Uuid>, Vec<f64>) =
        ratings.iter().map(|(id, r)| (*id, f64::from(*r))).unzip();
    sqlx::query(
        "UPDATE life_areas la SET baseline = r.value, updated_at = $3
         FROM unnest($1::uuid[], $2::float8[]) AS r(id, value) WHERE la.id = r.id",
    )
    .bind(&ids)
    .bind(&values)
    .bind(now)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Which of `ids` exist as life areas of this tenant.
pub async fn existing(tx: &mut TenantTx, ids: &[Uuid]) -> Result<Vec<Uuid>, DbError> {
    Ok(
        sqlx::query_scalar("SELECT id FROM life_areas WHERE id = ANY($1)")
            .bind(ids)
            .fetch_all(tx.conn())
            .await?,
    )
}
