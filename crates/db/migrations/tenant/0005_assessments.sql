-- Self-assessments (the Phoenix Fulfillment method starts from one): a person rates each life
-- area 0-100; the latest rating of an area is its baseline, the score the engine starts from in
-- place of the constant 50. Every assessment is kept, with its date, as history.

ALTER TABLE life_areas
    ADD COLUMN baseline double precision NOT NULL DEFAULT 50.0 CHECK (baseline >= 0 AND baseline <= 100);

CREATE TABLE assessments (
    tenant_id      uuid NOT NULL DEFAULT (nullif(current_setting('app.tenant_id', true), '')::uuid),
    id             uuid NOT NULL DEFAULT gen_random_uuid(),
    assessed_at    timestamptz NOT NULL,
    -- A platform user, without a foreign key, so the history survives the user.
    created_by_id  uuid NOT NULL,
    CONSTRAINT assessments_pkey PRIMARY KEY (tenant_id, id)
);
CREATE INDEX assessments_time_idx ON assessments (tenant_id, assessed_at DESC, id DESC);

CREATE TABLE assessment_ratings (
    tenant_id      uuid NOT NULL DEFAULT (nullif(current_setting('app.tenant_id', true), '')::uuid),
    assessment_id  uuid NOT NULL,
    life_area_id   uuid NOT NULL,
    rating         smallint NOT NULL CHECK (rating >= 0 AND rating <= 100),
    CONSTRAINT assessment_ratings_pkey PRIMARY KEY (tenant_id, assessment_id, life_area_id),
    CONSTRAINT assessment_ratings_assessment_fkey FOREIGN KEY (tenant_id, assessment_id) REFERENCES assessments (tenant_id, id) ON DELETE CASCADE,
    CONSTRAINT assessment_ratings_life_area_fkey FOREIGN KEY (tenant_id, life_area_id) REFERENCES life_areas (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX assessment_ratings_area_idx ON assessment_ratings (tenant_id, life_area_id);

ALTER TABLE assessments ENABLE ROW LEVEL SECURITY;
ALTER TABLE assessments FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON assessments
    USING (tenant_id = (SELECT nullif(current_setting('app.tenant_id', true), '')::uuid))
    WITH CHECK (tenant_id = (SELECT nullif(current_setting('app.tenant_id', true), '')::uuid));

ALTER TABLE assessment_ratings ENABLE ROW LEVEL SECURITY;
ALTER TABLE assessment_ratings FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON assessment_ratings
    USING (tenant_id = (SELECT nullif(current_setting('app.tenant_id', true), '')::uuid))
    WITH CHECK (tenant_id = (SELECT nullif(current_setting('app.tenant_id', true), '')::uuid));
