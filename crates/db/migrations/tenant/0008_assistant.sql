-- The workspace's assistant (issue 13, seed 002): its profile, conversations with their
-- messages and sources, and monthly usage.
CREATE TABLE assistant_profiles (
    tenant_id      uuid NOT NULL DEFAULT (nullif(current_setting('app.tenant_id', true), '')::uuid),
    profile        jsonb NOT NULL,
    updated_at     timestamptz NOT NULL,
    updated_by_id  uuid,
    CONSTRAINT assistant_profiles_pkey PRIMARY KEY (tenant_id)
);

-- A conversation is a member's (user_id) or an API client's end user (end_user_ref, the
-- client's own reference, never trusted as an identity).
CREATE TABLE conversations (
    tenant_id         uuid NOT NULL DEFAULT (nullif(current_setting('app.tenant_id', true), '')::uuid),
    id                uuid NOT NULL,
    user_id           uuid,
    api_key_id        uuid,
    end_user_ref      text,
    session_id        text,
    message_count     integer NOT NULL DEFAULT 0 CHECK (message_count >= 0),
    tokens_used       bigint NOT NULL DEFAULT 0 CHECK (tokens_used >= 0),
    dominant_element  text CHECK (dominant_element IN ('fire', 'water', 'earth', 'air', 'aether')),
    detected_phase    smallint CHECK (detected_phase BETWEEN 1 AND 3),
    depth_level       real CHECK (depth_level BETWEEN 0 AND 1),
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    CONSTRAINT conversations_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT conversations_owner_check CHECK (user_id IS NOT NULL OR api_key_id IS NOT NULL)
);
CREATE INDEX conversations_user_idx ON conversations (tenant_id, user_id, updated_at DESC);
CREATE INDEX conversations_time_idx ON conversations (tenant_id, created_at DESC);

CREATE TABLE conversation_messages (
    tenant_id          uuid NOT NULL DEFAULT (nullif(current_setting('app.tenant_id', true), '')::uuid),
    id                 uuid NOT NULL,
    conversation_id    uuid NOT NULL,
    position           integer NOT NULL CHECK (position >= 0),
    role               text NOT NULL CHECK (role IN ('user', 'assistant')),
    content            text NOT NULL,
    element            text CHECK (element IN ('fire', 'water', 'earth', 'air', 'aether')),
    phase              smallint CHECK (phase BETWEEN 1 AND 3),
    provider           text,
    prompt_tokens      integer NOT NULL DEFAULT 0 CHECK (prompt_tokens >= 0),
    completion_tokens  integer NOT NULL DEFAULT 0 CHECK (completion_tokens >= 0),
    -- [{documentId, title, chunkId, snippet, score}] as given to the provider.
    sources            jsonb NOT NULL DEFAULT '[]'::jsonb,
    -- e.g. 'declined_prohibited', 'no_knowledge', 'uncited', 'cites_unknown_source'.
    flags              text[] NOT NULL DEFAULT '{}',
    feedback           smallint CHECK (feedback IN (-1, 1)),
    feedback_at        timestamptz,
    created_at         timestamptz NOT NULL,
    CONSTRAINT conversation_messages_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT conversation_messages_position_key UNIQUE (tenant_id, conversation_id, position),
    CONSTRAINT conversation_messages_conversation_fkey FOREIGN KEY (tenant_id, conversation_id)
        REFERENCES conversations (tenant_id, id) ON DELETE CASCADE
);

-- Usage per calendar month in the workspace's time zone (period_start is the month's first day).
CREATE TABLE assistant_usage (
    tenant_id      uuid NOT NULL DEFAULT (nullif(current_setting('app.tenant_id', true), '')::uuid),
    period_start   date NOT NULL,
    conversations  integer NOT NULL DEFAULT 0 CHECK (conversations >= 0),
    messages       integer NOT NULL DEFAULT 0 CHECK (messages >= 0),
    tokens_used    bigint NOT NULL DEFAULT 0 CHECK (tokens_used >= 0),
    CONSTRAINT assistant_usage_pkey PRIMARY KEY (tenant_id, period_start)
);

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['assistant_profiles', 'conversations', 'conversation_messages', 'assistant_usage'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format($p$CREATE POLICY tenant_isolation ON %I
            USING (tenant_id = (SELECT nullif(current_setting('app.tenant_id', true), '')::uuid))
            WITH CHECK (tenant_id = (SELECT nullif(current_setting('app.tenant_id', true), '')::uuid))$p$, t);
    END LOOP;
END $$;
