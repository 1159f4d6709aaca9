//! Cursor pagination: `?limit=1..100&cursor=<opaque>`, answered with `nextCursor`.

use base64::Engine;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use wisdomos_core::FieldError;

use crate::ApiError;

/// Default page size.
pub const DEFAULT_LIMIT: i64 = 50;
/// Largest page size.
pub const MAX_LIMIT: i64 = 100;

/// Query parameters of a paginated list.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Items per page, 1–100 (default 50).
    pub limit: Option<i64>,
    /// `nextCursor` of the previous page.
    pub cursor: Option<String>,
}

impl PageQuery {
    /// The validated limit and decoded keyset. Errors: 422 naming `limit` or `cursor`.
    pub fn parse(&self) -> Result<(i64, Option<wisdomos_db::Keyset>), ApiError> {
        let limit = self.limit.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(ApiError::field(FieldError::new(
                "limit",
                "out_of_range",
                format!("limit must be between 1 and {MAX_LIMIT}"),
            )));
        }
        let key = self.cursor.as_deref().map(decode).transpose()?;
        Ok((limit, key))
    }
}

#[derive(Serialize, Deserialize)]
struct Key {
    t: DateTime<Utc>,
    i: Uuid,
}

/// Encodes the keyset of the last item of a page.
pub fn encode(at: DateTime<Utc>, id: Uuid) -> String {
    let json = serde_json::to_vec(&Key { t: at, i: id }).unwrap_or_default();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json)
}

fn decode(s: &str) -> Result<(DateTime<Utc>, Uuid), ApiError> {
    let bad = || {
        ApiError::field(FieldError::new(
            "cursor",
            "invalid_cursor",
            "cursor is not one this API returned",
        ))
    };
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(s)
        .map_err(|_| bad())?;
    let k: Key = serde_json::from_slice(&bytes).map_err(|_| bad())?;
    Ok((k.t, k.i))
}

/// A page of items as returned by list endpoints.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Paginated<T> {
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

impl<T> Paginated<T> {
    /// Wraps a page, computing the cursor from the last item with `key`.
    pub fn from_page<R>(
        page: wisdomos_db::Page<R>,
        key: impl Fn(&R) -> (DateTime<Utc>, Uuid),
        map: impl Fn(R) -> T,
    ) -> Self {
        let next_cursor = if page.has_more {
            page.items.last().map(|r| {
                let (t, i) = key(r);
                encode(t, i)
            })
        } else {
            None
        };
        Self {
            items: page.items.into_iter().map(map).collect(),
            next_cursor,
        }
    }
}

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for PageQuery {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        let axum::extract::Query(q) =
            axum::extract::Query::<PageQuery>::from_request_parts(parts, state)
                .await
                .map_err(|e| ApiError::InvalidQuery(e.body_text()))?;
        Ok(q)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_bad_ones_are_refused() {
        let (t, i) = (Utc::now(), Uuid::new_v4());
        let q = PageQuery {
            limit: Some(5),
            cursor: Some(encode(t, i)),
        };
        assert_eq!(q.parse().unwrap(), (5, Some((t, i))));
        assert!(PageQuery {
            limit: Some(0),
            cursor: None
        }
        .parse()
        .is_err());
        assert!(PageQuery {
            limit: Some(101),
            cursor: None
        }
        .parse()
        .is_err());
        assert!(PageQuery {
            limit: None,
            cursor: Some("garbage!".into())
        }
        .parse()
        .is_err());
    }
}
