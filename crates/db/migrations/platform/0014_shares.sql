-- Coach and client (issue 14): an organisation invites one of its participants, by e-mail, to
-- share their personal workspace's Phoenix Fulfillment summary; the person grants it from one
-- of their own workspaces and can revoke it. Platform-wide, since the two sides are different
-- tenants: each side's tenant role sees only the rows naming it (checked against the role,
-- platform.role_tenant_id); requests that act for the person (listing the invitations sent
-- to their e-mail, granting, revoking) go through the app role with the checks in the code.
CREATE TABLE shares (
    id                uuid PRIMARY KEY,
    org_tenant_id     uuid NOT NULL REFERENCES tenants (id),
    participant_id    uuid NOT NULL,
    email             text NOT NULL CHECK (email = lower(email)),
    invited_by_id     uuid REFERENCES users (id),
    invited_at        timestamptz NOT NULL,
    sharer_user_id    uuid REFERENCES users (id),
    sharer_tenant_id  uuid REFERENCES tenants (id),
    granted_at        timestamptz,
    revoked_at        timestamptz,
    CONSTRAINT shares_grant_check CHECK ((granted_at IS NULL) = (sharer_tenant_id IS NULL)
                                         AND (granted_at IS NULL) = (sharer_user_id IS NULL))
);
-- One open (invited or granted) share per participant of an organisation.
CREATE UNIQUE INDEX shares_open_key ON shares (org_tenant_id, participant_id) WHERE revoked_at IS NULL;
CREATE INDEX shares_email_idx ON shares (email) WHERE revoked_at IS NULL;
CREATE INDEX shares_sharer_idx ON shares (sharer_user_id);
GRANT SELECT, INSERT, UPDATE ON shares TO wisdomos_app, wisdomos_tenant;
ALTER TABLE shares ENABLE ROW LEVEL SECURITY;
ALTER TABLE shares FORCE ROW LEVEL SECURITY;
CREATE POLICY platform_roles ON shares TO wisdomos_app, wisdomos_owner USING (true) WITH CHECK (true);
CREATE POLICY tenant_sides ON shares TO wisdomos_tenant
    USING (org_tenant_id = (SELECT platform.role_tenant_id()) OR sharer_tenant_id = (SELECT platform.role_tenant_id()))
    WITH CHECK (org_tenant_id = (SELECT platform.role_tenant_id()) OR sharer_tenant_id = (SELECT platform.role_tenant_id()));
