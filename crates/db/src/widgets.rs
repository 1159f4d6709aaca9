//! Dashboard widgets of a tenant (seed 004 `DashboardWidget`), through a [`TenantTx`].

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::{DbError, TenantTx};

/// A stored widget; `user_id` `None` is a tenant default.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Widget {
    pub id: Uuid,
    pub user_id: Option<Uuid>,
    pub widget_type: String,
    pub position: i32,
    pub size: String,
    pub is_visible: bool,
    pub config: serde_json::Value,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const COLUMNS: &str =
    "id, user_id, widget_type, position, size, is_visible, config, created_at, updated_at";

/// The effective layout of `user_id`: their own widgets, plus the tenant defaults of the types
/// they have none of, by position (own first on ties).
pub async fn effective(tx: &mut TenantTx, user_id: Uuid) -> Result<Vec<Widget>, DbError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM dashboard_widgets w
         WHERE w.user_id = $1
            OR (w.user_id IS NULL AND NOT EXISTS (SELECT 1 FROM dashboard_widgets o WHERE o.user_id = $1 AND o.widget_type = w.widget_type))
         ORDER BY position, (user_id IS NULL), widget_type"
    ))
    .bind(user_id)
    .fetch_all(tx.conn())
    .await?)
}

/// One widget. Errors: [`DbError::NotFound`].
pub async fn get(tx: &mut TenantTx, id: Uuid) -> Result<Widget, DbError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM dashboard_widgets WHERE id = $1"
    ))
    .bind(id)
    .fetch_one(tx.conn())
    .await?)
}

/// Inserts a widget at the end of its owner's layout unless `position` is given.
/// Errors: [`DbError::Conflict`]`("widget_exists")` for a second widget of one type per owner.
pub async fn create(
    tx: &mut TenantTx,
    w: &Widget,
    position: Option<i32>,
    now: DateTime<Utc>,
) -> Result<Widget, DbError> {
    let r = sqlx::query_as(&format!(
        "INSERT INTO dashboard_widgets (user_id, widget_type, position, size, is_visible, config, created_at, updated_at)
         VALUES ($1, $2, coalesce($3, (SELECT coalesce(max(position) + 1, 0) FROM dashboard_widgets WHERE user_id IS NOT DISTINCT FROM $1)),
                 $4, $5, $6, $7, $7)
         RETURNING {COLUMNS}"
    ))
    .bind(w.user_id)
    .bind(&w.widget_type)
    .bind(position)
    .bind(&w.size)
    .bind(w.is_visible)
    .bind(&w.config)
    .bind(now)
    .fetch_one(tx.conn())
    .await;
    r.map_err(|e| match DbError::from(e) {
        DbError::Conflict(_) => DbError::Conflict("widget_exists"),
        other => other,
    })
}

/// Makes `user_id`'s effective layout their own: the tenant defaults they see are copied into
/// widgets of theirs, and the whole layout is numbered 0..n−1 in its current order, so that
/// arranging their dashboard changes nobody else's. Returns the layout.
pub async fn personalize(
    tx: &mut TenantTx,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> Result<Vec<Widget>, DbError> {
    let layout = effective(tx, user_id).await?;
    for (i, w) in layout.iter().enumerate() {
        let position = i as i32;
        if w.user_id.is_none() {
            let own = Widget {
                user_id: Some(user_id),
                ..w.clone()
            };
            create(tx, &own, Some(position), now).await?;
        } else if w.position != position {
            sqlx::query(
                "UPDATE dashboard_widgets SET position = $2, updated_at = $3 WHERE id = $1",
            )
            .bind(w.id)
            .bind(position)
            .bind(now)
            .execute(tx.conn())
            .await?;
        }
    }
    effective(tx, user_id).await
}

/// Stores size, visibility and config.
pub async fn save(tx: &mut TenantTx, w: &Widget, now: DateTime<Utc>) -> Result<Widget, DbError> {
    Ok(sqlx::query_as(&format!(
        "UPDATE dashboard_widgets SET size = $2, is_visible = $3, config = $4, updated_at = $5 WHERE id = $1 RETURNING {COLUMNS}"
    ))
    .bind(w.id)
    .bind(&w.size)
    .bind(w.is_visible)
    .bind(&w.config)
    .bind(now)
    .fetch_one(tx.conn())
    .await?)
}

/// Moves a widget to `position` within its owner's layout and renumbers that layout 0..n−1.
/// Returns the owner's widgets in their new order.
pub async fn move_to(
    tx: &mut TenantTx,
    id: Uuid,
    position: i32,
    now: DateTime<Utc>,
) -> Result<Vec<Widget>, DbError> {
    let w = get(tx, id).await?;
    let mut ids: Vec<Uuid> = sqlx::query_scalar(
        "SELECT id FROM dashboard_widgets WHERE user_id IS NOT DISTINCT FROM $1 AND id <> $2 ORDER BY position, widget_type FOR UPDATE",
    )
    .bind(w.user_id)
    .bind(id)
    .fetch_all(tx.conn())
    .await?;
    let at = (position.max(0) as usize).min(ids.len());
    ids.insert(at, id);
    let positions: Vec<i32> = (0..ids.len() as i32).collect();
    sqlx::query(
        "UPDATE dashboard_widgets d SET position = x.p, updated_at = $3 FROM UNNEST($1::uuid[], $2::int[]) AS x(i, p) WHERE d.id = x.i",
    )
    .bind(&ids)
    .bind(&positions)
    .bind(now)
    .execute(tx.conn())
    .await?;
    Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM dashboard_widgets WHERE user_id IS NOT DISTINCT FROM $1 ORDER BY position"))
        .bind(w.user_id)
        .fetch_all(tx.conn())
        .await?)
}

/// Deletes a widget and closes the gap in its owner's positions. Errors: [`DbError::NotFound`].
pub async fn delete(tx: &mut TenantTx, id: Uuid, now: DateTime<Utc>) -> Result<(), DbError> {
    let w: Widget = sqlx::query_as(&format!(
        "DELETE FROM dashboard_widgets WHERE id = $1 RETURNING {COLUMNS}"
    ))
    .bind(id)
    .fetch_one(tx.conn())
    .await?;
    sqlx::query(
        "UPDATE dashboard_widgets SET position = position - 1, updated_at = $3 WHERE user_id IS NOT DISTINCT FROM $1 AND position > $2",
    )
    .bind(w.user_id)
    .bind(w.position)
    .bind(now)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Deletes every widget of `user_id` (when they leave or are removed from the tenant).
pub async fn delete_for_user(tx: &mut TenantTx, user_id: Uuid) -> Result<u64, DbError> {
    Ok(
        sqlx::query("DELETE FROM dashboard_widgets WHERE user_id = $1")
            .bind(user_id)
            .execute(tx.conn())
            .await?
            .rows_affected(),
    )
}
