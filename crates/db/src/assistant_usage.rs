//! The workspace's assistant usage per calendar month (tenant table `assistant_usage`), through
//! its [`TenantTx`]; the by-day view is read from the conversations themselves.

use chrono::NaiveDate;

use crate::{DbError, TenantTx};

/// One month's usage.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct MonthUsage {
    pub conversations: i32,
    pub messages: i32,
    pub tokens_used: i64,
}

/// Counts one more conversation in the month starting `period` unless that month already holds
/// `limit` (`None`: unlimited); whether it was counted. Concurrent callers queue on the month's
/// row, so exactly `limit` are counted however many arrive at once.
pub async fn reserve_conversation(
    tx: &mut TenantTx,
    period: NaiveDate,
    limit: Option<i64>,
) -> Result<bool, DbError> {
    if limit.is_some_and(|l| l <= 0) {
        return Ok(false);
    }
    let counted: Option<i32> = sqlx::query_scalar(
        "INSERT INTO assistant_usage (period_start, conversations) VALUES ($1, 1)
         ON CONFLICT (tenant_id, period_start) DO UPDATE SET conversations = assistant_usage.conversations + 1
         WHERE $2::bigint IS NULL OR assistant_usage.conversations < $2
         RETURNING conversations",
    )
    .bind(period)
    .bind(limit)
    .fetch_optional(tx.conn())
    .await?;
    Ok(counted.is_some())
}

/// Gives back one conversation counted in the month starting `period` (its first answer
/// failed).
pub async fn release_conversation(tx: &mut TenantTx, period: NaiveDate) -> Result<(), DbError> {
    sqlx::query(
        "UPDATE assistant_usage SET conversations = conversations - 1
         WHERE period_start = $1 AND conversations > 0",
    )
    .bind(period)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Adds `messages` and `tokens` to the month starting `period`.
pub async fn add(
    tx: &mut TenantTx,
    period: NaiveDate,
    messages: i32,
    tokens: i64,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO assistant_usage (period_start, messages, tokens_used) VALUES ($1, $2, $3)
         ON CONFLICT (tenant_id, period_start) DO UPDATE SET messages = assistant_usage.messages + $2,
             tokens_used = assistant_usage.tokens_used + $3",
    )
    .bind(period)
    .bind(messages)
    .bind(tokens)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// The usage of the month starting `period` (zeros when nothing happened).
pub async fn month(tx: &mut TenantTx, period: NaiveDate) -> Result<MonthUsage, DbError> {
    Ok(sqlx::query_as(
        "SELECT conversations, messages, tokens_used FROM assistant_usage WHERE period_start = $1",
    )
    .bind(period)
    .fetch_optional(tx.conn())
    .await?
    .unwrap_or_default())
}

/// Conversations started and messages written per local day (time zone `tz`) from `from` to
/// `to` inclusive, days without any left out.
pub async fn by_day(
    tx: &mut TenantTx,
    tz: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(NaiveDate, i64, i64)>, DbError> {
    Ok(sqlx::query_as(
        "WITH m AS (
             SELECT (created_at AT TIME ZONE $1)::date AS day, position FROM conversation_messages
             WHERE created_at >= ($2::date::timestamp AT TIME ZONE $1)
               AND created_at < (($3::date + 1)::timestamp AT TIME ZONE $1))
         SELECT day, count(*) FILTER (WHERE position = 0), count(*) FROM m GROUP BY day ORDER BY day",
    )
    .bind(tz)
    .bind(from)
    .bind(to)
    .fetch_all(tx.conn())
    .await?)
}
