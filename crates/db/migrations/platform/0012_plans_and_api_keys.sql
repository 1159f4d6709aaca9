-- Plans (issue 13, seed 002 `tenants`): tier, limits (NULL = unlimited; a tier change without
-- limits resets them to the tier's), features, trial end and the custom domain the assistant
-- answers on. Platform operators set them; `users.platform_admin` marks those operators.
UPDATE tenants SET plan_tier = lower(plan_tier);
ALTER TABLE tenants
    ALTER COLUMN plan_tier SET DEFAULT 'free',
    ADD CONSTRAINT tenants_plan_tier_check CHECK (plan_tier IN ('free', 'starter', 'professional', 'enterprise')),
    ADD COLUMN conversations_per_month bigint DEFAULT 100 CHECK (conversations_per_month >= 0),
    ADD COLUMN knowledge_bytes bigint DEFAULT 1073741824 CHECK (knowledge_bytes >= 0),
    ADD COLUMN features text[] NOT NULL DEFAULT '{assistant}',
    ADD COLUMN trial_ends_at timestamptz,
    ADD COLUMN domain text CHECK (domain = lower(domain));
-- A domain names one live workspace.
CREATE UNIQUE INDEX tenants_domain_key ON tenants (domain) WHERE domain IS NOT NULL AND status <> 'DELETED';

ALTER TABLE users ADD COLUMN platform_admin boolean NOT NULL DEFAULT false;

-- A workspace's API keys for its assistant (`POST /api/tenant/{slug}/oracle`). Read before the
-- workspace is known, so platform-wide; only the SHA-256 of the key is kept (keys are 32 random
-- bytes, so a fast hash is enough), with its first characters to tell keys apart.
CREATE TABLE api_keys (
    id             uuid PRIMARY KEY,
    tenant_id      uuid NOT NULL REFERENCES tenants (id),
    name           text NOT NULL,
    prefix         text NOT NULL,
    key_hash       bytea NOT NULL,
    created_by_id  uuid REFERENCES users (id),
    created_at     timestamptz NOT NULL,
    last_used_at   timestamptz,
    revoked_at     timestamptz,
    CONSTRAINT api_keys_key_hash_key UNIQUE (key_hash)
);
CREATE INDEX api_keys_tenant_idx ON api_keys (tenant_id, created_at DESC);
-- Requests find a key by its hash before they know the workspace (the app role); a workspace
-- lists, creates and revokes its own keys inside its tenant transaction, checked against its
-- role (platform.role_tenant_id), never against a setting a statement could change.
GRANT SELECT, INSERT, UPDATE ON api_keys TO wisdomos_app, wisdomos_tenant;
ALTER TABLE api_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE api_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY platform_roles ON api_keys TO wisdomos_app, wisdomos_owner USING (true) WITH CHECK (true);
CREATE POLICY tenant_own ON api_keys TO wisdomos_tenant
    USING (tenant_id = (SELECT platform.role_tenant_id()))
    WITH CHECK (tenant_id = (SELECT platform.role_tenant_id()));
