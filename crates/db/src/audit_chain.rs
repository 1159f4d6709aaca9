//! Verifying the hash-chained audit log (platform migration 0013): every row's hash is
//! recomputed from the previous hash and the row's canonical content, every link and number
//! checked, and each chain's last row compared with its stored head — so an edited, deleted
//! or inserted row, or rows cut off the end, are found. Read with the owner's rights.

use sqlx::PgPool;
use uuid::Uuid;

use crate::DbError;

/// What verifying one chain found.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ChainReport {
    /// The tenant, or the nil uuid for the platform's own events.
    pub chain: Uuid,
    /// Rows read.
    pub rows: i64,
    /// Numbers (`seq`) of rows whose content no longer matches their hash (edited), first 20.
    pub edited: Vec<i64>,
    /// Numbers of rows whose link to the row before is broken (a row before was deleted,
    /// inserted or edited together with its hash), first 20.
    pub broken: Vec<i64>,
    /// The last number the chain's head records (0 when there is no head).
    pub head_seq: i64,
    /// The last number found.
    pub last_seq: i64,
    /// Whether the head's hash is the last row's.
    pub head_matches: bool,
    /// The head's hash, hex (record it elsewhere to anchor the chain).
    pub head_hash: String,
}

impl ChainReport {
    /// Whether the chain is intact.
    pub fn ok(&self) -> bool {
        self.edited.is_empty()
            && self.broken.is_empty()
            && self.head_seq == self.last_seq
            && self.head_matches
    }
}

/// Verifies every chain, or only `tenant`'s. One pass over the rows in SQL (sha256 per row).
pub async fn verify(owner: &PgPool, tenant: Option<Uuid>) -> Result<Vec<ChainReport>, DbError> {
    Ok(sqlx::query_as(
        r"WITH r AS (
            SELECT coalesce(e.tenant_id, '00000000-0000-0000-0000-000000000000'::uuid) AS chain,
                   e.seq, e.hash, e.prev_hash,
                   sha256(e.prev_hash || platform.audit_row_content(e)) AS computed,
                   lag(e.seq) OVER w AS before_seq, lag(e.hash) OVER w AS before_hash
            FROM platform.audit_events e
            WHERE $1::uuid IS NULL OR e.tenant_id = $1
            WINDOW w AS (PARTITION BY coalesce(e.tenant_id, '00000000-0000-0000-0000-000000000000'::uuid) ORDER BY e.seq)
          ), c AS (
            SELECT chain, count(*) AS rows, max(seq) AS last_seq,
                   (array_agg(hash ORDER BY seq DESC))[1] AS last_hash,
                   coalesce((array_agg(seq ORDER BY seq) FILTER (WHERE computed <> hash))[1:20], '{}') AS edited,
                   coalesce((array_agg(seq ORDER BY seq) FILTER (
                       WHERE seq <> coalesce(before_seq, 0) + 1 OR prev_hash <> coalesce(before_hash, '\x'::bytea)))[1:20], '{}') AS broken
            FROM r GROUP BY chain
          )
          SELECT coalesce(c.chain, h.chain) AS chain, coalesce(c.rows, 0) AS rows,
                 coalesce(c.edited, '{}') AS edited, coalesce(c.broken, '{}') AS broken,
                 coalesce(h.seq, 0) AS head_seq, coalesce(c.last_seq, 0) AS last_seq,
                 coalesce(h.hash = c.last_hash, h.hash IS NULL AND c.last_hash IS NULL) AS head_matches,
                 encode(coalesce(h.hash, '\x'::bytea), 'hex') AS head_hash
          FROM c FULL JOIN (SELECT * FROM platform.audit_chain_heads
                            WHERE $1::uuid IS NULL OR chain = $1) h ON h.chain = c.chain
          ORDER BY 1",
    )
    .bind(tenant)
    .fetch_all(owner)
    .await?)
}
