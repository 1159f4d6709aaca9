-- Search moves into a per-workspace index the server builds in memory from the chunks (their
-- stems with counts, their embeddings) and rebuilds at will, so PostgreSQL keeps only what it
-- is built from. The postings and counts kept for ranking in SQL go; what replaces them is a
-- generation number each change bumps, so a server can tell its copy is stale, and an epoch
-- that asks for a rebuild from scratch (bumped when chunks gain embeddings after the fact).

DROP TABLE knowledge_postings;
DROP TABLE knowledge_terms;
DROP TABLE knowledge_corpus;

CREATE TABLE knowledge_index_state (
    tenant_id   uuid NOT NULL DEFAULT (nullif(current_setting('app.tenant_id', true), '')::uuid),
    generation  bigint NOT NULL CHECK (generation >= 0),
    epoch       bigint NOT NULL CHECK (epoch >= 0),
    CONSTRAINT knowledge_index_state_pkey PRIMARY KEY (tenant_id)
);
ALTER TABLE knowledge_index_state ENABLE ROW LEVEL SECURITY;
ALTER TABLE knowledge_index_state FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON knowledge_index_state
    USING (tenant_id = (SELECT nullif(current_setting('app.tenant_id', true), '')::uuid))
    WITH CHECK (tenant_id = (SELECT nullif(current_setting('app.tenant_id', true), '')::uuid));

-- The bytes of an upload until the ingestion job has read them.
ALTER TABLE knowledge_documents ADD COLUMN source bytea;

-- Nothing searches the stems in SQL any more.
DROP INDEX knowledge_chunks_lexemes_idx;
CREATE INDEX knowledge_documents_status_idx ON knowledge_documents (tenant_id, status);
