-- Platform tables that hold tenant rows are reachable by a tenant role only for its own tenant,
-- checked against the role itself, never against a setting a statement could change (issue 10).
-- A tenant role is named t_<32 hex of the tenant id> (wisdomos_core::tenant::schema_name), so
-- the tenant a role acts for is read off current_user.
CREATE FUNCTION platform.role_tenant_id() RETURNS uuid
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT CASE WHEN current_user ~ '^t_[0-9a-f]{32}$' THEN substr(current_user, 3)::uuid END $$;

-- Audit log: append-only for everyone a request can be; a tenant reads and appends its own.
-- No SELECT for the app role: outside a tenant transaction nothing of any tenant's log is
-- readable through it. The owner reads for operators (CLI) and appends when provisioning.
DROP POLICY platform_roles ON audit_events;
DROP POLICY tenant_read ON audit_events;
REVOKE SELECT ON audit_events FROM wisdomos_app;
GRANT INSERT ON audit_events TO wisdomos_tenant;
CREATE POLICY app_append ON audit_events FOR INSERT TO wisdomos_app WITH CHECK (true);
CREATE POLICY owner_append ON audit_events FOR INSERT TO wisdomos_owner WITH CHECK (true);
CREATE POLICY owner_read ON audit_events FOR SELECT TO wisdomos_owner USING (true);
CREATE POLICY tenant_read ON audit_events FOR SELECT TO wisdomos_tenant
    USING (tenant_id = (SELECT platform.role_tenant_id()));
CREATE POLICY tenant_append ON audit_events FOR INSERT TO wisdomos_tenant
    WITH CHECK (tenant_id = (SELECT platform.role_tenant_id()));

-- Jobs: a tenant role sees, enqueues and cancels only its own tenant's jobs.
DROP POLICY tenant_rows ON jobs;
CREATE POLICY tenant_rows ON jobs TO wisdomos_tenant
    USING (tenant_id = (SELECT platform.role_tenant_id()))
    WITH CHECK (tenant_id = (SELECT platform.role_tenant_id()));
