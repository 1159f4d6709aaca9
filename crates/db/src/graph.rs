//! One page of an organisation's relationship graph (the console's `GET /graph`), computed in
//! PostgreSQL so that a page costs what the page holds, not what the organisation holds:
//! the page's participants by id after a key, their degrees, and the edges between them.

use uuid::Uuid;

use crate::participants::Participant;
use crate::relationships::Relationship;
use crate::{DbError, TenantTx};

/// Which participants a page holds.
#[derive(Debug, Clone, Default)]
pub struct PageFilter<'a> {
    /// Only this lifecycle stage.
    pub stage: Option<&'a str>,
    /// Only the members of this segment (any kind; an unknown one matches nobody).
    pub segment: Option<Uuid>,
    /// Only relationships of this type count (degrees, edges).
    pub kind: Option<&'a str>,
    /// Participants with an id after this one.
    pub after: Option<Uuid>,
    /// At most this many.
    pub limit: i64,
}

/// A participant of the page with their degree (relationships of the filtered type, either
/// direction).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PageNode {
    #[sqlx(flatten)]
    pub participant: Participant,
    pub degree: i64,
}

/// The page's nodes in id order (archived participants left out), and how many participants
/// match the filter in all pages.
pub async fn page(tx: &mut TenantTx, f: &PageFilter<'_>) -> Result<(Vec<PageNode>, i64), DbError> {
    // A generic plan cannot see which optional filters are absent nor how long the id array
    // is: measured at 10,000 participants it nested-looped to 750–920 ms against 20–25 ms with
    // the values planned in (docs/benchmarks.md). For the rest of this request's transaction.
    sqlx::query("SET LOCAL plan_cache_mode = force_custom_plan")
        .execute(tx.conn())
        .await?;
    let total: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM participants WHERE archived_at IS NULL
           AND ($1::text IS NULL OR lifecycle_stage = $1) AND ($2::uuid IS NULL OR id IN (SELECT unnest(participant_ids) FROM segments WHERE id = $2))",
    )
    .bind(f.stage)
    .bind(f.segment)
    .fetch_one(tx.conn())
    .await?;
    // Degrees by two index lookups per node of the page (correlated counts), not by joining
    // every relationship of the organisation.
    let nodes = sqlx::query_as(
        "SELECT pg.id, pg.email, pg.display_name, pg.role, pg.origin, pg.lifecycle_stage, pg.last_activity_at,
                pg.is_system, pg.user_id, pg.engagement_state, pg.archived_at, pg.created_at, pg.updated_at,
                (SELECT count(*) FROM relationships r WHERE r.from_participant_id = pg.id AND ($5::text IS NULL OR r.type = $5))
              + (SELECT count(*) FROM relationships r WHERE r.to_participant_id = pg.id AND ($5::text IS NULL OR r.type = $5))
                AS degree
         FROM (SELECT * FROM participants WHERE archived_at IS NULL
                 AND ($1::text IS NULL OR lifecycle_stage = $1)
                 AND ($2::uuid IS NULL OR id IN (SELECT unnest(participant_ids) FROM segments WHERE id = $2))
                 AND ($3::uuid IS NULL OR id > $3)
               ORDER BY id LIMIT $4) pg
         ORDER BY pg.id",
    )
    .bind(f.stage)
    .bind(f.segment)
    .bind(f.after)
    .bind(f.limit)
    .bind(f.kind)
    .fetch_all(tx.conn())
    .await?;
    Ok((nodes, total))
}

/// The relationships (of type `kind`, if given) with both ends among `ids` (plan it with the
/// values, as [`page`] sets).
pub async fn edges_within(
    tx: &mut TenantTx,
    ids: &[Uuid],
    kind: Option<&str>,
) -> Result<Vec<Relationship>, DbError> {
    Ok(sqlx::query_as(
        "SELECT r.id, r.from_participant_id, r.to_participant_id, r.type, r.source, r.confidence_score, r.created_at
         FROM unnest($1::uuid[]) a(id) JOIN relationships r ON r.from_participant_id = a.id
         WHERE r.to_participant_id = ANY($1) AND ($2::text IS NULL OR r.type = $2)
         ORDER BY r.created_at, r.id",
    )
    .bind(ids)
    .bind(kind)
    .fetch_all(tx.conn())
    .await?)
}

/// The community segment of each of participants `ids` that has one, as
/// `(participant, segment)`.
pub async fn communities(tx: &mut TenantTx, ids: &[Uuid]) -> Result<Vec<(Uuid, Uuid)>, DbError> {
    Ok(sqlx::query_as(
        "SELECT m.p, s.id FROM segments s CROSS JOIN LATERAL unnest(s.participant_ids) AS m(p)
         WHERE s.kind = 'community' AND m.p = ANY($1)",
    )
    .bind(ids)
    .fetch_all(tx.conn())
    .await?)
}
