-- The membership check of a tenant request made inside the tenant's own transaction, in the
-- same round trip as its BEGIN (issue 15). The tenant is read off the *session* user — the
-- tenant role the connection logged in as, which no statement can change — never off an
-- argument or a setting, so a tenant connection learns only whether a given user and session
-- family may act in its own tenant, with the member's role and its own tenant's row.
CREATE FUNCTION member_access(p_user uuid, p_family uuid)
    RETURNS TABLE (role text, id uuid, slug text, name text, schema_name text, owner_id uuid,
                   status text, timezone text, plan_tier text, schema_version integer,
                   created_at timestamptz, updated_at timestamptz)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, platform
    AS $$
    SELECT m.role, t.id, t.slug, t.name, t.schema_name, t.owner_id, t.status, t.timezone,
           t.plan_tier, t.schema_version, t.created_at, t.updated_at
    FROM platform.memberships m JOIN platform.tenants t ON t.id = m.tenant_id
    WHERE session_user ~ '^t_[0-9a-f]{32}$'
      AND m.tenant_id = substr(session_user, 3)::uuid
      AND m.user_id = p_user AND t.status <> 'DELETED'
      AND EXISTS (SELECT 1 FROM platform.sessions s
                  WHERE s.family_id = p_family AND s.user_id = p_user AND s.revoked_at IS NULL)
    $$;
REVOKE ALL ON FUNCTION member_access(uuid, uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION member_access(uuid, uuid) TO wisdomos_tenant;
