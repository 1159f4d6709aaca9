-- What applying a recommendation does (the intervention it makes, as the request that makes
-- it), and which rule made it (issue 14).
ALTER TABLE recommendations
    ADD COLUMN rule text NOT NULL DEFAULT 'manual',
    ADD COLUMN action jsonb NOT NULL DEFAULT '{}'::jsonb;
CREATE INDEX recommendations_key_idx ON recommendations (tenant_id, dedup_key, updated_at);
