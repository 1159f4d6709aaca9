-- Tenant transactions log in as the tenant's role (tenant_pools.rs): the app role is a member
-- of no tenant role any more, so SQL run as the app role or as one tenant's role cannot
-- SET ROLE into a tenant (PostgreSQL allows SET ROLE only to roles of which the session user is
-- a member). Tenant roles get LOGIN and their password on first use.
DO $$
DECLARE r text;
BEGIN
  FOR r IN
    SELECT g.rolname FROM pg_auth_members m
      JOIN pg_roles g ON g.oid = m.roleid
      JOIN pg_roles u ON u.oid = m.member
     WHERE u.rolname = 'wisdomos_app' AND g.rolname ~ '^t_[0-9a-f]{32}$'
  LOOP
    EXECUTE format('REVOKE %I FROM wisdomos_app', r);
  END LOOP;
END $$;
