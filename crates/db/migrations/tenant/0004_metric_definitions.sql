-- Versioned metric definitions (seed 004 §1). A change is a new version; a version is never
-- edited. created_by_id names a platform user without a foreign key, so it survives the user.

CREATE TABLE metric_definitions (
    tenant_id      uuid NOT NULL DEFAULT (nullif(current_setting('app.tenant_id', true), '')::uuid),
    id             uuid NOT NULL DEFAULT gen_random_uuid(),
    code           text NOT NULL,
    name           text NOT NULL,
    description    text NOT NULL DEFAULT '',
    formula        jsonb NOT NULL,
    version        integer NOT NULL CHECK (version >= 1),
    effective_at   timestamptz NOT NULL,
    deprecated_at  timestamptz,
    created_by_id  uuid NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT metric_definitions_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT metric_definitions_code_version_key UNIQUE (tenant_id, code, version)
);
CREATE INDEX metric_definitions_effective_idx ON metric_definitions (tenant_id, code, effective_at);

ALTER TABLE metric_definitions ENABLE ROW LEVEL SECURITY;
ALTER TABLE metric_definitions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON metric_definitions
    USING (tenant_id = (SELECT nullif(current_setting('app.tenant_id', true), '')::uuid))
    WITH CHECK (tenant_id = (SELECT nullif(current_setting('app.tenant_id', true), '')::uuid));

-- Useful definitions to start from (created by the system: the nil user id).
INSERT INTO metric_definitions (code, name, description, formula, version, effective_at, created_by_id) VALUES
    ('areas_in_crisis', 'Areas in crisis', 'Active life areas whose score is below 20.',
     '{"entity": "life_areas", "where": {"and": [{"field": "status", "operator": "=", "value": "CRISIS"}, {"field": "isActive", "operator": "=", "value": true}]}, "result": "rows"}',
     1, now(), '00000000-0000-0000-0000-000000000000'),
    ('commitments_overdue_for_review', 'Commitments overdue for review', 'Active commitments not reviewed in the last 7 days.',
     '{"entity": "commitments", "where": {"and": [{"field": "status", "operator": "=", "value": "ACTIVE"}, {"field": "lastReviewedAt", "operator": "olderThan", "value": "7 days"}]}, "result": "rows"}',
     1, now(), '00000000-0000-0000-0000-000000000000'),
    ('upsets_last_30_days', 'Upsets in the last 30 days', 'Events of type UPSET in the last 30 days.',
     '{"entity": "events", "where": {"and": [{"field": "type", "operator": "=", "value": "UPSET"}, {"field": "occurredAt", "operator": "within", "value": "30 days"}]}, "result": "count"}',
     1, now(), '00000000-0000-0000-0000-000000000000');
