-- The job queue (seed 004 Job). Platform jobs (schedules) carry the nil tenant id.
-- Workers (app role) claim across tenants; inside a tenant transaction the tenant role sees,
-- enqueues and cancels only its own tenant's jobs (row-level security).

CREATE TABLE jobs (
    id                uuid PRIMARY KEY,
    tenant_id         uuid NOT NULL,
    job_type          text NOT NULL,
    payload           jsonb NOT NULL DEFAULT '{}'::jsonb,
    status            text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'processing', 'completed', 'failed', 'cancelled')),
    priority          integer NOT NULL DEFAULT 0,
    run_at            timestamptz NOT NULL,
    attempts          integer NOT NULL DEFAULT 0,
    max_attempts      integer NOT NULL DEFAULT 3 CHECK (max_attempts BETWEEN 1 AND 100),
    dedup_key         text,
    result            jsonb,
    error             text,
    locked_by         text,
    lease_expires_at  timestamptz,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    finished_at       timestamptz
);
-- An occurrence enqueued twice runs once: the key stays taken after the job finishes.
CREATE UNIQUE INDEX jobs_dedup_key ON jobs (tenant_id, dedup_key) WHERE dedup_key IS NOT NULL;
CREATE INDEX jobs_due_idx ON jobs (tenant_id, priority DESC, run_at, id) WHERE status = 'pending';
CREATE INDEX jobs_lease_idx ON jobs (lease_expires_at) WHERE status = 'processing';
CREATE INDEX jobs_tenant_idx ON jobs (tenant_id, created_at DESC, id DESC);

GRANT SELECT, INSERT, UPDATE ON jobs TO wisdomos_app;
GRANT SELECT, INSERT ON jobs TO wisdomos_tenant;
GRANT UPDATE (status, error, updated_at, finished_at, lease_expires_at, locked_by) ON jobs TO wisdomos_tenant;

ALTER TABLE jobs ENABLE ROW LEVEL SECURITY;
ALTER TABLE jobs FORCE ROW LEVEL SECURITY;
CREATE POLICY platform_roles ON jobs TO wisdomos_app, wisdomos_owner USING (true) WITH CHECK (true);
CREATE POLICY tenant_rows ON jobs TO wisdomos_tenant
    USING (tenant_id = (SELECT nullif(current_setting('app.tenant_id', true), '')::uuid))
    WITH CHECK (tenant_id = (SELECT nullif(current_setting('app.tenant_id', true), '')::uuid));
