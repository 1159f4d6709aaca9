-- The engine now builds all-MiniLM-L6-v2's graph from the published float weights and runs its
-- linear layers in int8 (crates/engine/src/graph.rs). Vectors made by the int8 export used
-- before are close to the new ones (cosine about 0.99) but not the same model's, and a query
-- must meet passages embedded the way it is. They are cleared, and the epoch bumped so every
-- server rebuilds its copy of the index: the backfill job (`knowledge.embed`, queued by the
-- first search that finds passages without an embedding) embeds them again, and until it has,
-- those passages are found by words only.
UPDATE knowledge_chunks SET embedding = NULL WHERE embedding IS NOT NULL;
UPDATE knowledge_index_state SET epoch = epoch + 1;
