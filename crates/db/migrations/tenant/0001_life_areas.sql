-- Life areas (seed 001 LifeArea). Runs as the owner role with search_path = the tenant schema.

CREATE TABLE life_areas (
    tenant_id       uuid NOT NULL DEFAULT (nullif(current_setting('app.tenant_id', true), '')::uuid),
    id              uuid NOT NULL DEFAULT gen_random_uuid(),
    slug            text NOT NULL,
    name            text NOT NULL,
    description     text,
    cluster         text NOT NULL CHECK (cluster IN ('SYSTEMIC_STRUCTURAL', 'RELATIONAL_HUMAN', 'INNER_PERSONAL',
                                                     'CREATIVE_EXPRESSIVE', 'EXPLORATORY_EXPANSIVE', 'INTEGRATIVE_LEGACY')),
    sort_order      integer NOT NULL DEFAULT 0,
    is_active       boolean NOT NULL DEFAULT true,
    current_score   double precision NOT NULL DEFAULT 50.0 CHECK (current_score >= 0 AND current_score <= 100),
    status          text NOT NULL DEFAULT 'BALANCED' CHECK (status IN ('CRISIS', 'STRUGGLING', 'BALANCED', 'THRIVING', 'FLOURISHING')),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT life_areas_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT life_areas_slug_key UNIQUE (tenant_id, slug)
);
CREATE INDEX life_areas_order_idx ON life_areas (tenant_id, sort_order);

ALTER TABLE life_areas ENABLE ROW LEVEL SECURITY;
ALTER TABLE life_areas FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON life_areas
    USING (tenant_id = (SELECT nullif(current_setting('app.tenant_id', true), '')::uuid))
    WITH CHECK (tenant_id = (SELECT nullif(current_setting('app.tenant_id', true), '')::uuid));
