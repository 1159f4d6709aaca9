-- The life domain (seed 001 §II): events, insights, commitments, boundaries and their
-- violations, metric snapshots, autobiography eras and entries. Runs as the owner role with
-- search_path = the tenant schema and app.tenant_id set. Every table: tenant_id first in every
-- key, foreign keys composite with tenant_id, row-level security enabled and forced.

CREATE TABLE events (
    tenant_id        uuid NOT NULL DEFAULT (nullif(current_setting('app.tenant_id', true), '')::uuid),
    id               uuid NOT NULL DEFAULT gen_random_uuid(),
    life_area_id     uuid NOT NULL,
    type             text NOT NULL CHECK (type IN ('BREAKTHROUGH', 'PROGRESS', 'SETBACK', 'UPSET', 'MILESTONE', 'PATTERN', 'LEARNING')),
    category         text NOT NULL CHECK (category IN ('PERSONAL', 'RELATIONAL', 'PROFESSIONAL', 'HEALTH', 'SPIRITUAL', 'FINANCIAL', 'CREATIVE', 'OTHER')),
    tone             text NOT NULL CHECK (tone IN ('POSITIVE', 'NEGATIVE', 'NEUTRAL', 'TRANSFORMATIONAL', 'COMPLEX')),
    title            text NOT NULL,
    description      text NOT NULL DEFAULT '',
    narrative        text,
    occurred_at      timestamptz NOT NULL,
    emotional_charge smallint NOT NULL CHECK (emotional_charge BETWEEN -5 AND 5),
    tags             text[] NOT NULL DEFAULT '{}',
    search           tsvector GENERATED ALWAYS AS (
                         setweight(to_tsvector('english', title), 'A')
                         || setweight(to_tsvector('english', description), 'B')
                         || setweight(to_tsvector('english', coalesce(narrative, '')), 'C')) STORED,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT events_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT events_life_area_fkey FOREIGN KEY (tenant_id, life_area_id) REFERENCES life_areas (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX events_time_idx ON events (tenant_id, occurred_at DESC, id DESC);
CREATE INDEX events_area_time_idx ON events (tenant_id, life_area_id, occurred_at DESC);
CREATE INDEX events_search_idx ON events USING gin (search);
CREATE INDEX events_tags_idx ON events USING gin (tags);

CREATE TABLE insights (
    tenant_id       uuid NOT NULL DEFAULT (nullif(current_setting('app.tenant_id', true), '')::uuid),
    id              uuid NOT NULL DEFAULT gen_random_uuid(),
    event_id        uuid,
    type            text NOT NULL CHECK (type IN ('TRUTH_REVEALED', 'LIMITING_BELIEF', 'STRENGTH_DISCOVERED', 'VALUE_CLARIFIED', 'PATTERN_RECOGNIZED', 'WISDOM_INTEGRATED')),
    title           text NOT NULL,
    description     text NOT NULL DEFAULT '',
    is_recurring    boolean NOT NULL DEFAULT false,
    frequency       integer NOT NULL DEFAULT 1 CHECK (frequency >= 1),
    related_events  uuid[] NOT NULL DEFAULT '{}',
    tags            text[] NOT NULL DEFAULT '{}',
    applied         boolean NOT NULL DEFAULT false,
    applied_at      timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT insights_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT insights_event_fkey FOREIGN KEY (tenant_id, event_id) REFERENCES events (tenant_id, id) ON DELETE SET NULL (event_id)
);
CREATE INDEX insights_time_idx ON insights (tenant_id, created_at DESC, id DESC);
CREATE INDEX insights_tags_idx ON insights USING gin (tags);

CREATE TABLE commitments (
    tenant_id       uuid NOT NULL DEFAULT (nullif(current_setting('app.tenant_id', true), '')::uuid),
    id              uuid NOT NULL DEFAULT gen_random_uuid(),
    life_area_id    uuid,
    event_id        uuid,
    insight_id      uuid,
    statement       text NOT NULL,
    intention       text NOT NULL DEFAULT '',
    measurable      text,
    status          text NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'COMPLETED', 'PAUSED', 'ABANDONED', 'INTEGRATED')),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    completed_at    timestamptz,
    reviewed_at     timestamptz,
    CONSTRAINT commitments_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT commitments_life_area_fkey FOREIGN KEY (tenant_id, life_area_id) REFERENCES life_areas (tenant_id, id) ON DELETE SET NULL (life_area_id),
    CONSTRAINT commitments_event_fkey FOREIGN KEY (tenant_id, event_id) REFERENCES events (tenant_id, id) ON DELETE SET NULL (event_id),
    CONSTRAINT commitments_insight_fkey FOREIGN KEY (tenant_id, insight_id) REFERENCES insights (tenant_id, id) ON DELETE SET NULL (insight_id)
);
CREATE INDEX commitments_area_idx ON commitments (tenant_id, life_area_id);
CREATE INDEX commitments_status_idx ON commitments (tenant_id, status, created_at);

CREATE TABLE boundaries (
    tenant_id         uuid NOT NULL DEFAULT (nullif(current_setting('app.tenant_id', true), '')::uuid),
    id                uuid NOT NULL DEFAULT gen_random_uuid(),
    life_area_id      uuid NOT NULL,
    statement         text NOT NULL,
    reason            text NOT NULL DEFAULT '',
    consequence       text,
    status            text NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'SUSPENDED', 'DISSOLVED', 'INTEGRATED')),
    last_violated_at  timestamptz,
    violation_count   integer NOT NULL DEFAULT 0,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT boundaries_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT boundaries_life_area_fkey FOREIGN KEY (tenant_id, life_area_id) REFERENCES life_areas (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX boundaries_area_idx ON boundaries (tenant_id, life_area_id);

CREATE TABLE boundary_violations (
    tenant_id    uuid NOT NULL DEFAULT (nullif(current_setting('app.tenant_id', true), '')::uuid),
    id           uuid NOT NULL DEFAULT gen_random_uuid(),
    boundary_id  uuid NOT NULL,
    occurred_at  timestamptz NOT NULL,
    note         text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT boundary_violations_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT boundary_violations_boundary_fkey FOREIGN KEY (tenant_id, boundary_id) REFERENCES boundaries (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX boundary_violations_boundary_idx ON boundary_violations (tenant_id, boundary_id, occurred_at DESC);

CREATE TABLE metric_snapshots (
    tenant_id           uuid NOT NULL DEFAULT (nullif(current_setting('app.tenant_id', true), '')::uuid),
    id                  uuid NOT NULL DEFAULT gen_random_uuid(),
    life_area_id        uuid NOT NULL,
    date                date NOT NULL,
    score               double precision NOT NULL CHECK (score >= 0 AND score <= 100),
    status              text NOT NULL CHECK (status IN ('CRISIS', 'STRUGGLING', 'BALANCED', 'THRIVING', 'FLOURISHING')),
    event_count         integer NOT NULL DEFAULT 0,
    upset_count         integer NOT NULL DEFAULT 0,
    breakthrough_count  integer NOT NULL DEFAULT 0,
    notes               text,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT metric_snapshots_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT metric_snapshots_area_date_key UNIQUE (tenant_id, life_area_id, date),
    CONSTRAINT metric_snapshots_life_area_fkey FOREIGN KEY (tenant_id, life_area_id) REFERENCES life_areas (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE autobiography_eras (
    tenant_id    uuid NOT NULL DEFAULT (nullif(current_setting('app.tenant_id', true), '')::uuid),
    id           uuid NOT NULL DEFAULT gen_random_uuid(),
    name         text NOT NULL,
    start_year   integer NOT NULL,
    end_year     integer NOT NULL,
    description  text,
    sort_order   integer NOT NULL DEFAULT 0,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT autobiography_eras_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT autobiography_eras_years CHECK (start_year <= end_year)
);

CREATE TABLE autobiography_entries (
    tenant_id      uuid NOT NULL DEFAULT (nullif(current_setting('app.tenant_id', true), '')::uuid),
    id             uuid NOT NULL DEFAULT gen_random_uuid(),
    era_id         uuid NOT NULL,
    year           integer NOT NULL,
    month          integer CHECK (month BETWEEN 1 AND 12),
    title          text NOT NULL,
    narrative      text NOT NULL DEFAULT '',
    event_ids      uuid[] NOT NULL DEFAULT '{}',
    life_area_ids  uuid[] NOT NULL DEFAULT '{}',
    is_public      boolean NOT NULL DEFAULT false,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT autobiography_entries_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT autobiography_entries_era_fkey FOREIGN KEY (tenant_id, era_id) REFERENCES autobiography_eras (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX autobiography_entries_era_idx ON autobiography_entries (tenant_id, era_id, year, month);

-- The four eras of seed 001, for new and existing tenants alike.
INSERT INTO autobiography_eras (name, start_year, end_year, description, sort_order) VALUES
    ('Foundations', 1975, 2025, 'The story so far.', 1),
    ('Transformation', 2025, 2050, 'The years of deliberate change.', 2),
    ('Mastery', 2050, 2075, 'Living what was learned.', 3),
    ('Legacy', 2075, 2100, 'What is handed on.', 4);

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['events', 'insights', 'commitments', 'boundaries', 'boundary_violations',
                             'metric_snapshots', 'autobiography_eras', 'autobiography_entries'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format($p$CREATE POLICY tenant_isolation ON %I
            USING (tenant_id = (SELECT nullif(current_setting('app.tenant_id', true), '')::uuid))
            WITH CHECK (tenant_id = (SELECT nullif(current_setting('app.tenant_id', true), '')::uuid))$p$, t);
    END LOOP;
END $$;
