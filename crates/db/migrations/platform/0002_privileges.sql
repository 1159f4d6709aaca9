-- What the app role (requests) and tenant roles may do on platform tables. The app role owns
-- nothing; it gets exactly the privileges request handling needs.

GRANT USAGE ON SCHEMA platform TO wisdomos_app, wisdomos_tenant;
GRANT SELECT, INSERT, UPDATE ON users TO wisdomos_app;
GRANT SELECT, UPDATE ON tenants TO wisdomos_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON memberships TO wisdomos_app;
GRANT SELECT, INSERT, UPDATE ON sessions TO wisdomos_app;
GRANT SELECT, INSERT, DELETE ON login_failures TO wisdomos_app;
-- The audit log is append-only for requests: no UPDATE, DELETE or TRUNCATE.
GRANT SELECT, INSERT ON audit_events TO wisdomos_app;
GRANT SELECT ON audit_events TO wisdomos_tenant;

-- Inside a tenant transaction the tenant role reads only its own tenant's audit rows.
ALTER TABLE audit_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_events FORCE ROW LEVEL SECURITY;
CREATE POLICY platform_roles ON audit_events TO wisdomos_app, wisdomos_owner USING (true) WITH CHECK (true);
CREATE POLICY tenant_read ON audit_events FOR SELECT TO wisdomos_tenant
    USING (tenant_id = (SELECT nullif(current_setting('app.tenant_id', true), '')::uuid));
