//! Life events of a tenant, reached only through a [`TenantTx`].

use chrono::{DateTime, Utc};
use sqlx::{Postgres, QueryBuilder};
use uuid::Uuid;

use crate::life_areas::{LockedArea, LOCK_AREA};
use crate::{DbError, Keyset, Page, TenantTx};

/// A stored event (seed 001 `Event`). Enum fields hold the upper-case names of
/// `wisdomos_core::event`; `emotional_charge` is −5..+5; tags are lower-case.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Event {
    pub id: Uuid,
    pub life_area_id: Uuid,
    #[sqlx(rename = "type")]
    pub event_type: String,
    pub category: String,
    pub tone: String,
    pub title: String,
    pub description: String,
    pub narrative: Option<String>,
    pub occurred_at: DateTime<Utc>,
    pub emotional_charge: i16,
    pub tags: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Fields of a new or replaced event, validated by the caller.
#[derive(Debug, Clone)]
pub struct EventFields {
    pub life_area_id: Uuid,
    pub event_type: &'static str,
    pub category: &'static str,
    pub tone: &'static str,
    pub title: String,
    pub description: String,
    pub narrative: Option<String>,
    pub occurred_at: DateTime<Utc>,
    pub emotional_charge: i32,
    pub tags: Vec<String>,
}

const COLUMNS: &str =
    "id, life_area_id, type, category, tone, title, description, narrative, occurred_at, emotional_charge, tags, created_at, updated_at";

/// Inserts an event. Errors: [`DbError::NotFound`] when the life area does not exist.
pub async fn create(
    tx: &mut TenantTx,
    f: &EventFields,
    now: DateTime<Utc>,
) -> Result<Event, DbError> {
    let sql = format!(
        "INSERT INTO events (life_area_id, type, category, tone, title, description, narrative, occurred_at, emotional_charge, tags, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING {COLUMNS}"
    );
    let q = sqlx::query_as(&sql).bind(f.life_area_id);
    let r = bind_fields(q, f, now).fetch_one(tx.conn()).await;
    fk_as_not_found(r)
}

/// Locks life area `area` (id or slug) and inserts `f` into it, in one statement: what
/// [`crate::life_areas::lock`] and [`create`] do, in one round trip; `f.life_area_id` is
/// ignored. The lock holds until the transaction ends, so the area can be recomputed with
/// [`crate::life_areas::recompute_locked`]. `None` when the tenant has no such area.
pub async fn create_in_locked_area(
    tx: &mut TenantTx,
    area: &str,
    f: &EventFields,
    now: DateTime<Utc>,
) -> Result<Option<(LockedArea, Event)>, DbError> {
    let sql = format!(
        "WITH area AS ({LOCK_AREA})
         INSERT INTO events (life_area_id, type, category, tone, title, description, narrative, occurred_at, emotional_charge, tags, created_at, updated_at)
         SELECT area.id, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12 FROM area RETURNING {COLUMNS}"
    );
    let q = sqlx::query_as(&sql)
        .bind(Uuid::parse_str(area).ok())
        .bind(area);
    let event: Option<Event> = bind_fields(q, f, now).fetch_optional(tx.conn()).await?;
    Ok(event.map(|e| (LockedArea::new(e.life_area_id), e)))
}

/// Binds an event's fields but its area, then `now`, as the next ten parameters (type,
/// category, tone, title, description, narrative, occurred_at, emotional_charge, tags, now).
fn bind_fields<'q, O>(
    q: sqlx::query::QueryAs<'q, Postgres, O, sqlx::postgres::PgArguments>,
    f: &'q EventFields,
    now: DateTime<Utc>,
) -> sqlx::query::QueryAs<'q, Postgres, O, sqlx::postgres::PgArguments> {
    q.bind(f.event_type)
        .bind(f.category)
        .bind(f.tone)
        .bind(&f.title)
        .bind(&f.description)
        .bind(&f.narrative)
        .bind(f.occurred_at)
        .bind(f.emotional_charge as i16)
        .bind(&f.tags)
        .bind(now)
}

/// Inserts many events with one statement per batch of 1,000 (for imports).
pub async fn create_many(
    tx: &mut TenantTx,
    rows: &[EventFields],
    now: DateTime<Utc>,
) -> Result<u64, DbError> {
    let mut inserted = 0;
    for chunk in rows.chunks(1000) {
        let mut qb: QueryBuilder<Postgres> = QueryBuilder::new(
            "INSERT INTO events (life_area_id, type, category, tone, title, description, narrative, occurred_at, emotional_charge, tags, created_at, updated_at) ",
        );
        qb.push_values(chunk, |mut b, f| {
            b.push_bind(f.life_area_id)
                .push_bind(f.event_type)
                .push_bind(f.category)
                .push_bind(f.tone)
                .push_bind(&f.title)
                .push_bind(&f.description)
                .push_bind(&f.narrative)
                .push_bind(f.occurred_at)
                .push_bind(f.emotional_charge as i16)
                .push_bind(&f.tags)
                .push_bind(now)
                .push_bind(now);
        });
        inserted += fk_as_not_found(qb.build().execute(tx.conn()).await)?.rows_affected();
    }
    Ok(inserted)
}

/// Waits for, then holds until the transaction ends, the workspace's import lock (a
/// transaction-scoped advisory lock keyed on the tenant id), so imports of one workspace check
/// for duplicates and write one after another.
pub async fn lock_for_import(tx: &mut TenantTx) -> Result<(), DbError> {
    sqlx::query(
        "SELECT pg_advisory_xact_lock(hashtextextended('import:' || current_setting('app.tenant_id'), 0))",
    )
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// What identifies an event for an import: `(occurred_at, title, description)`.
pub type EventKey = (DateTime<Utc>, String, String);

/// Which of `keys` the workspace already has as events (compared exactly), in batches of
/// 5,000 keys per statement.
pub async fn existing_keys(tx: &mut TenantTx, keys: &[EventKey]) -> Result<Vec<EventKey>, DbError> {
    let mut found = Vec::new();
    for chunk in keys.chunks(5000) {
        let (mut at, mut title, mut description) = (Vec::new(), Vec::new(), Vec::new());
        for (a, t, d) in chunk {
            at.push(*a);
            title.push(t.as_str());
            description.push(d.as_str());
        }
        let rows: Vec<EventKey> = sqlx::query_as(
            "SELECT DISTINCT e.occurred_at, e.title, e.description
             FROM unnest($1::timestamptz[], $2::text[], $3::text[]) AS k(at, title, description)
             JOIN events e ON e.occurred_at = k.at AND e.title = k.title AND e.description = k.description",
        )
        .bind(&at)
        .bind(&title)
        .bind(&description)
        .fetch_all(tx.conn())
        .await?;
        found.extend(rows);
    }
    Ok(found)
}

/// One event. Errors: [`DbError::NotFound`].
pub async fn get(tx: &mut TenantTx, id: Uuid) -> Result<Event, DbError> {
    Ok(
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM events WHERE id = $1"))
            .bind(id)
            .fetch_one(tx.conn())
            .await?,
    )
}

/// Replaces an event's fields; returns the event before and after.
/// Errors: [`DbError::NotFound`] for the event or the new life area.
pub async fn update(
    tx: &mut TenantTx,
    id: Uuid,
    f: &EventFields,
    now: DateTime<Utc>,
) -> Result<(Event, Event), DbError> {
    let before: Event = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM events WHERE id = $1 FOR UPDATE"
    ))
    .bind(id)
    .fetch_one(tx.conn())
    .await?;
    let r = sqlx::query_as(&format!(
        "UPDATE events SET life_area_id = $2, type = $3, category = $4, tone = $5, title = $6, description = $7, narrative = $8,
                occurred_at = $9, emotional_charge = $10, tags = $11, updated_at = $12
         WHERE id = $1 RETURNING {COLUMNS}"
    ))
    .bind(id)
    .bind(f.life_area_id)
    .bind(f.event_type)
    .bind(f.category)
    .bind(f.tone)
    .bind(&f.title)
    .bind(&f.description)
    .bind(&f.narrative)
    .bind(f.occurred_at)
    .bind(f.emotional_charge as i16)
    .bind(&f.tags)
    .bind(now)
    .fetch_one(tx.conn())
    .await;
    Ok((before, fk_as_not_found(r)?))
}

/// Deletes an event and returns it. Errors: [`DbError::NotFound`].
pub async fn delete(tx: &mut TenantTx, id: Uuid) -> Result<Event, DbError> {
    Ok(sqlx::query_as(&format!(
        "DELETE FROM events WHERE id = $1 RETURNING {COLUMNS}"
    ))
    .bind(id)
    .fetch_one(tx.conn())
    .await?)
}

/// Filters of the event list; all optional and combined with AND.
#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    pub life_area_id: Option<Uuid>,
    pub event_type: Option<&'static str>,
    pub category: Option<&'static str>,
    pub tone: Option<&'static str>,
    /// Lower-case tag the event must carry.
    pub tag: Option<String>,
    /// `occurred_at >= from`.
    pub from: Option<DateTime<Utc>>,
    /// `occurred_at < to`.
    pub to: Option<DateTime<Utc>>,
    /// Full-text query over title, description and narrative (web-search syntax, English).
    pub q: Option<String>,
}

/// Events newest first by `occurred_at` (then id), after the keyset of the previous page.
pub async fn list(
    tx: &mut TenantTx,
    f: &EventFilter,
    before: Option<Keyset>,
    limit: i64,
) -> Result<Page<Event>, DbError> {
    let mut qb: QueryBuilder<Postgres> =
        QueryBuilder::new(format!("SELECT {COLUMNS} FROM events WHERE true"));
    if let Some(v) = f.life_area_id {
        qb.push(" AND life_area_id = ").push_bind(v);
    }
    if let Some(v) = f.event_type {
        qb.push(" AND type = ").push_bind(v);
    }
    if let Some(v) = f.category {
        qb.push(" AND category = ").push_bind(v);
    }
    if let Some(v) = f.tone {
        qb.push(" AND tone = ").push_bind(v);
    }
    if let Some(v) = &f.tag {
        qb.push(" AND tags @> ARRAY[")
            .push_bind(v.clone())
            .push("]::text[]");
    }
    if let Some(v) = f.from {
        qb.push(" AND occurred_at >= ").push_bind(v);
    }
    if let Some(v) = f.to {
        qb.push(" AND occurred_at < ").push_bind(v);
    }
    if let Some(v) = &f.q {
        qb.push(" AND search @@ websearch_to_tsquery('english', ")
            .push_bind(v.clone())
            .push(")");
    }
    if let Some((at, id)) = before {
        qb.push(" AND (occurred_at, id) < (")
            .push_bind(at)
            .push(", ")
            .push_bind(id)
            .push(")");
    }
    qb.push(" ORDER BY occurred_at DESC, id DESC LIMIT ")
        .push_bind(limit + 1);
    let rows = qb.build_query_as().fetch_all(tx.conn()).await?;
    Ok(Page::from_overfetch(rows, limit))
}

/// The `n` latest events.
pub async fn recent(tx: &mut TenantTx, n: i64) -> Result<Vec<Event>, DbError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM events ORDER BY occurred_at DESC, id DESC LIMIT $1"
    ))
    .bind(n)
    .fetch_all(tx.conn())
    .await?)
}

/// Which of `ids` exist as events of this tenant.
pub async fn existing(tx: &mut TenantTx, ids: &[Uuid]) -> Result<Vec<Uuid>, DbError> {
    Ok(
        sqlx::query_scalar("SELECT id FROM events WHERE id = ANY($1)")
            .bind(ids)
            .fetch_all(tx.conn())
            .await?,
    )
}

/// A foreign-key violation (23503) means a referenced row of this tenant does not exist.
pub(crate) fn fk_as_not_found<T>(r: Result<T, sqlx::Error>) -> Result<T, DbError> {
    r.map_err(
        |e| match e.as_database_error().and_then(|d| d.code()).as_deref() {
            Some("23503") => DbError::NotFound,
            _ => e.into(),
        },
    )
}

/// What pattern detection reads of an event.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PatternEvent {
    pub id: Uuid,
    /// Title, description and narrative.
    pub text: String,
    pub tags: Vec<String>,
    pub event_type: String,
    pub tone: String,
    pub occurred_at: DateTime<Utc>,
    /// The life area's name.
    pub area: String,
}

/// Events at or after `since`, newest first, at most `limit`, with what pattern detection needs.
pub async fn pattern_events(
    tx: &mut TenantTx,
    since: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<PatternEvent>, DbError> {
    Ok(sqlx::query_as(
        "SELECT e.id, e.title || ' ' || e.description || ' ' || coalesce(e.narrative, '') AS text,
                e.tags, e.type AS event_type, e.tone, e.occurred_at, a.name AS area
         FROM events e JOIN life_areas a ON a.tenant_id = e.tenant_id AND a.id = e.life_area_id
         WHERE e.occurred_at >= $1 ORDER BY e.occurred_at DESC LIMIT $2",
    )
    .bind(since)
    .bind(limit)
    .fetch_all(tx.conn())
    .await?)
}

/// One local day's mood: the mean emotional charge (−5..+5) of its events and how many.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct DayMood {
    pub date: chrono::NaiveDate,
    pub mean_charge: f64,
    pub events: i64,
}

/// The mood of each day in the time zone `tz` (an IANA name) that has events at or after
/// `from`, oldest first.
pub async fn daily_mood(
    tx: &mut TenantTx,
    tz: &str,
    from: DateTime<Utc>,
) -> Result<Vec<DayMood>, DbError> {
    Ok(sqlx::query_as(
        "SELECT (occurred_at AT TIME ZONE $1)::date AS date,
                avg(emotional_charge)::float8 AS mean_charge, count(*) AS events
         FROM events WHERE occurred_at >= $2 GROUP BY 1 ORDER BY 1",
    )
    .bind(tz)
    .bind(from)
    .fetch_all(tx.conn())
    .await?)
}

/// `(local date, emotional charge, title)` of an area's events at or after `from`, oldest
/// first: the markers on its trend chart.
pub async fn markers(
    tx: &mut TenantTx,
    life_area_id: Uuid,
    tz: &str,
    from: DateTime<Utc>,
) -> Result<Vec<(chrono::NaiveDate, i16, String)>, DbError> {
    Ok(sqlx::query_as(
        "SELECT (occurred_at AT TIME ZONE $2)::date, emotional_charge, title FROM events
         WHERE life_area_id = $1 AND occurred_at >= $3 ORDER BY occurred_at LIMIT 2000",
    )
    .bind(life_area_id)
    .bind(tz)
    .bind(from)
    .fetch_all(tx.conn())
    .await?)
}
