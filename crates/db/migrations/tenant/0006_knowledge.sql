-- The workspace's private knowledge base (seed 002): documents, their passages (chunks) with a
-- lexical index and, once the semantic engine has read them, an embedding; and the statistics
-- BM25 ranks with (how many chunks hold each term, how many chunks and terms there are), kept
-- per workspace under the same row-level security as everything else.

CREATE TABLE knowledge_documents (
    tenant_id        uuid NOT NULL DEFAULT (nullif(current_setting('app.tenant_id', true), '')::uuid),
    id               uuid NOT NULL DEFAULT gen_random_uuid(),
    title            text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 300),
    source_filename  text,
    media_type       text NOT NULL,
    category         text,
    tags             text[] NOT NULL DEFAULT '{}',
    elemental_tags   text[] NOT NULL DEFAULT '{}',
    phase_tags       text[] NOT NULL DEFAULT '{}',
    byte_size        bigint NOT NULL CHECK (byte_size >= 0),
    -- SHA-256 of the bytes as received: the same file twice is one document.
    content_sha256   bytea NOT NULL,
    status           text NOT NULL CHECK (status IN ('processing', 'ready', 'failed')),
    error            text,
    -- A platform user, without a foreign key, so the document survives the user.
    created_by_id    uuid NOT NULL,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    CONSTRAINT knowledge_documents_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT knowledge_documents_content_key UNIQUE (tenant_id, content_sha256)
);
CREATE INDEX knowledge_documents_time_idx ON knowledge_documents (tenant_id, created_at DESC, id DESC);

CREATE TABLE knowledge_chunks (
    tenant_id      uuid NOT NULL DEFAULT (nullif(current_setting('app.tenant_id', true), '')::uuid),
    id             uuid NOT NULL DEFAULT gen_random_uuid(),
    document_id    uuid NOT NULL,
    position       integer NOT NULL CHECK (position >= 0),
    heading        text,
    text           text NOT NULL,
    token_count    integer NOT NULL CHECK (token_count >= 0),
    -- English stems of heading and text, and how many stems the chunk holds (BM25's length).
    lexemes        tsvector NOT NULL,
    lexeme_count   integer NOT NULL CHECK (lexeme_count >= 0),
    -- L2-normalised, 384 values (all-MiniLM-L6-v2); NULL until the engine has read the chunk.
    embedding      real[] CHECK (embedding IS NULL OR array_length(embedding, 1) = 384),
    CONSTRAINT knowledge_chunks_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT knowledge_chunks_position_key UNIQUE (tenant_id, document_id, position),
    CONSTRAINT knowledge_chunks_document_fkey FOREIGN KEY (tenant_id, document_id) REFERENCES knowledge_documents (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX knowledge_chunks_lexemes_idx ON knowledge_chunks USING gin (lexemes);

-- The inverted index BM25 reads: for each stem, the chunks holding it, how often, and the
-- chunk's stem count (so ranking needs no other row until the best are known).
CREATE TABLE knowledge_postings (
    tenant_id  uuid NOT NULL DEFAULT (nullif(current_setting('app.tenant_id', true), '')::uuid),
    term       text NOT NULL,
    chunk_id   uuid NOT NULL,
    tf         integer NOT NULL CHECK (tf > 0),
    chunk_len  integer NOT NULL CHECK (chunk_len > 0),
    CONSTRAINT knowledge_postings_pkey PRIMARY KEY (tenant_id, term, chunk_id),
    CONSTRAINT knowledge_postings_chunk_fkey FOREIGN KEY (tenant_id, chunk_id) REFERENCES knowledge_chunks (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX knowledge_postings_chunk_idx ON knowledge_postings (tenant_id, chunk_id);

-- Document frequency: how many chunks hold each stem.
CREATE TABLE knowledge_terms (
    tenant_id  uuid NOT NULL DEFAULT (nullif(current_setting('app.tenant_id', true), '')::uuid),
    term       text NOT NULL,
    chunks     integer NOT NULL CHECK (chunks >= 0),
    CONSTRAINT knowledge_terms_pkey PRIMARY KEY (tenant_id, term)
);

-- One row per workspace: the chunk count and the total of their lexeme counts.
CREATE TABLE knowledge_corpus (
    tenant_id  uuid NOT NULL DEFAULT (nullif(current_setting('app.tenant_id', true), '')::uuid),
    chunks     bigint NOT NULL CHECK (chunks >= 0),
    lexemes    bigint NOT NULL CHECK (lexemes >= 0),
    CONSTRAINT knowledge_corpus_pkey PRIMARY KEY (tenant_id)
);

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['knowledge_documents', 'knowledge_chunks', 'knowledge_postings', 'knowledge_terms', 'knowledge_corpus'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format($p$CREATE POLICY tenant_isolation ON %I
            USING (tenant_id = (SELECT nullif(current_setting('app.tenant_id', true), '')::uuid))
            WITH CHECK (tenant_id = (SELECT nullif(current_setting('app.tenant_id', true), '')::uuid))$p$, t);
    END LOOP;
END $$;
