-- The operator console (issue 14, seed 003): participants and their relationships, computed
-- segments, recommendations and reversible interventions, and the workspace's engagement
-- thresholds. Seed 003's field lists and indexes; no earnings, recruiting or hierarchy fields.
CREATE TABLE participants (
    tenant_id         uuid NOT NULL DEFAULT (nullif(current_setting('app.tenant_id', true), '')::uuid),
    id                uuid NOT NULL,
    email             text,
    display_name      text NOT NULL,
    role              text NOT NULL CHECK (role IN ('member', 'coach', 'facilitator', 'staff', 'system')),
    origin            text NOT NULL DEFAULT 'manual',
    lifecycle_stage   text NOT NULL CHECK (lifecycle_stage IN ('invited', 'onboarding', 'active', 'paused', 'alumni')),
    last_activity_at  timestamptz,
    is_system         boolean NOT NULL DEFAULT false,
    -- A WisdomOS user this participant is, when known (their personal workspace stays
    -- unreachable unless they share it).
    user_id           uuid,
    engagement_state  text NOT NULL DEFAULT 'new'
        CHECK (engagement_state IN ('new', 'active', 'reactivated', 'cooling', 'dormant', 'isolated', 'archived')),
    archived_at       timestamptz,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    CONSTRAINT participants_pkey PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX participants_email_key ON participants (tenant_id, lower(email)) WHERE email IS NOT NULL;
CREATE INDEX participants_activity_idx ON participants (tenant_id, last_activity_at);
CREATE INDEX participants_role_idx ON participants (tenant_id, role);

CREATE TABLE relationships (
    tenant_id            uuid NOT NULL DEFAULT (nullif(current_setting('app.tenant_id', true), '')::uuid),
    id                   uuid NOT NULL,
    from_participant_id  uuid NOT NULL,
    to_participant_id    uuid NOT NULL,
    type                 text NOT NULL CHECK (type IN ('peer', 'mentor', 'coach', 'collaborator', 'introduced', 'family')),
    source               text NOT NULL DEFAULT 'manual',
    confidence_score     real NOT NULL DEFAULT 1 CHECK (confidence_score BETWEEN 0 AND 1),
    created_at           timestamptz NOT NULL,
    CONSTRAINT relationships_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT relationships_no_self_loop CHECK (from_participant_id <> to_participant_id),
    CONSTRAINT relationships_edge_key UNIQUE (tenant_id, from_participant_id, to_participant_id, type),
    CONSTRAINT relationships_from_fkey FOREIGN KEY (tenant_id, from_participant_id)
        REFERENCES participants (tenant_id, id) ON DELETE CASCADE,
    CONSTRAINT relationships_to_fkey FOREIGN KEY (tenant_id, to_participant_id)
        REFERENCES participants (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX relationships_from_idx ON relationships (tenant_id, from_participant_id);
CREATE INDEX relationships_to_idx ON relationships (tenant_id, to_participant_id);

CREATE TABLE interventions (
    tenant_id            uuid NOT NULL DEFAULT (nullif(current_setting('app.tenant_id', true), '')::uuid),
    id                   uuid NOT NULL,
    operator_user_id     uuid NOT NULL,
    operator_role        text NOT NULL,
    type                 text NOT NULL,
    scope                text NOT NULL,
    target_ids           uuid[] NOT NULL,
    reason               text NOT NULL,
    previous_state       jsonb NOT NULL,
    new_state            jsonb NOT NULL,
    created_at           timestamptz NOT NULL,
    reversed_at          timestamptz,
    reversed_by_user_id  uuid,
    reversal_reason      text,
    CONSTRAINT interventions_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT interventions_reversal_check CHECK ((reversed_at IS NULL) = (reversed_by_user_id IS NULL))
);
CREATE INDEX interventions_time_idx ON interventions (tenant_id, created_at);
CREATE INDEX interventions_operator_idx ON interventions (tenant_id, operator_user_id, created_at);

CREATE TABLE recommendations (
    tenant_id         uuid NOT NULL DEFAULT (nullif(current_setting('app.tenant_id', true), '')::uuid),
    id                uuid NOT NULL,
    target_type       text NOT NULL,
    target_id         uuid NOT NULL,
    suggested_action  text NOT NULL,
    reason            text NOT NULL,
    confidence        real NOT NULL CHECK (confidence BETWEEN 0 AND 1),
    status            text NOT NULL CHECK (status IN ('pending', 'accepted', 'dismissed', 'applied', 'expired')),
    -- What the recommendation is about (kind and targets), so the job never makes it twice.
    dedup_key         text NOT NULL,
    intervention_id   uuid,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    CONSTRAINT recommendations_pkey PRIMARY KEY (tenant_id, id)
);
CREATE INDEX recommendations_status_idx ON recommendations (tenant_id, status, created_at);
CREATE INDEX recommendations_target_idx ON recommendations (tenant_id, target_type, target_id);
CREATE UNIQUE INDEX recommendations_live_key ON recommendations (tenant_id, dedup_key)
    WHERE status IN ('pending', 'accepted');

-- Segments as last computed; ids carry over while membership mostly stays.
CREATE TABLE segments (
    tenant_id        uuid NOT NULL DEFAULT (nullif(current_setting('app.tenant_id', true), '')::uuid),
    id               uuid NOT NULL,
    kind             text NOT NULL CHECK (kind IN ('community', 'engagement', 'role')),
    name             text NOT NULL,
    participant_ids  uuid[] NOT NULL,
    computed_at      timestamptz NOT NULL,
    CONSTRAINT segments_pkey PRIMARY KEY (tenant_id, id)
);

CREATE TABLE console_settings (
    tenant_id           uuid NOT NULL DEFAULT (nullif(current_setting('app.tenant_id', true), '')::uuid),
    cooling_after_days  integer NOT NULL DEFAULT 14 CHECK (cooling_after_days > 0),
    dormant_after_days  integer NOT NULL DEFAULT 45,
    updated_at          timestamptz NOT NULL,
    CONSTRAINT console_settings_pkey PRIMARY KEY (tenant_id),
    CONSTRAINT console_settings_order CHECK (dormant_after_days > cooling_after_days)
);

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['participants', 'relationships', 'interventions', 'recommendations', 'segments', 'console_settings'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format($p$CREATE POLICY tenant_isolation ON %I
            USING (tenant_id = (SELECT nullif(current_setting('app.tenant_id', true), '')::uuid))
            WITH CHECK (tenant_id = (SELECT nullif(current_setting('app.tenant_id', true), '')::uuid))$p$, t);
    END LOOP;
END $$;
