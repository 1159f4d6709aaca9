//! The workspaces' indexes a server holds, least recently used dropped first past a memory
//! budget. Only a cache: an index is rebuilt from PostgreSQL whenever it is missing or stale.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::RwLock;
use uuid::Uuid;

use crate::index::Index;

/// A tenant's index and when it was last asked for (the cache's clock).
type Entry = (Arc<RwLock<Index>>, u64);

/// Indexes by tenant id.
pub struct IndexCache {
    max_bytes: usize,
    clock: AtomicU64,
    entries: Mutex<HashMap<Uuid, Entry>>,
}

impl std::fmt::Debug for IndexCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IndexCache")
            .field("max_bytes", &self.max_bytes)
            .finish_non_exhaustive()
    }
}

impl IndexCache {
    /// A cache keeping about `max_bytes` of indexes (one index is kept whatever its size).
    pub fn new(max_bytes: usize) -> Self {
        Self {
            max_bytes,
            clock: AtomicU64::new(0),
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// The index of `tenant`, empty (generation 0) when not held.
    pub fn get(&self, tenant: Uuid) -> Arc<RwLock<Index>> {
        let tick = self.clock.fetch_add(1, Ordering::Relaxed);
        let mut entries = self
            .entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let e = entries
            .entry(tenant)
            .or_insert_with(|| (Arc::new(RwLock::new(Index::default())), tick));
        e.1 = tick;
        e.0.clone()
    }

    /// Drops the least recently used indexes other than `keep`'s until the rest fit the budget.
    /// An index being searched or built is measured as it was last seen (skipped if locked).
    pub fn trim(&self, keep: Uuid) {
        let mut entries = self
            .entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut sized: Vec<(Uuid, u64, usize)> = entries
            .iter()
            .map(|(t, (idx, used))| (*t, *used, idx.try_read().map_or(0, |i| i.bytes())))
            .collect();
        let mut total: usize = sized.iter().map(|s| s.2).sum();
        sized.sort_by_key(|s| s.1);
        for (tenant, _, bytes) in sized {
            if total <= self.max_bytes {
                break;
            }
            if tenant != keep {
                entries.remove(&tenant);
                total -= bytes;
            }
        }
    }

    /// Indexes held.
    pub fn len(&self) -> usize {
        self.entries.lock().map_or(0, |e| e.len())
    }

    /// Whether none is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::ChunkIn;

    #[tokio::test]
    async fn past_the_budget_the_least_recently_used_go_first() {
        let cache = IndexCache::new(40_000);
        let tenants: Vec<Uuid> = (0..3).map(|_| Uuid::new_v4()).collect();
        for t in &tenants {
            let idx = cache.get(*t);
            let mut i = idx.write().await;
            let d = Uuid::new_v4();
            i.add_document(
                d,
                (0..40)
                    .map(|_| ChunkIn {
                        id: Uuid::new_v4(),
                        document_id: d,
                        stems: vec![("a".into(), 1)],
                        len: 1,
                        embedding: None,
                    })
                    .collect(),
            );
        }
        cache.get(tenants[0]);
        cache.trim(tenants[2]);
        assert_eq!(
            cache.len(),
            2,
            "each holds about 17 kB (40 × 384 bytes of int8 vectors, slots, postings)"
        );
        assert_eq!(cache.get(tenants[0]).read().await.len(), 40);
        assert!(
            cache.get(tenants[1]).read().await.is_empty(),
            "tenant 1 was dropped"
        );
    }
}
