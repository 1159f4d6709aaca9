-- member_access (0016) as PL/pgSQL: a SQL function that cannot be inlined (SECURITY DEFINER) is
-- parsed and planned again on every call, while PL/pgSQL keeps its query's plan for the
-- session — and a tenant connection makes this call at the start of every transaction.
-- Same signature, same answer, same privileges.
CREATE OR REPLACE FUNCTION member_access(p_user uuid, p_family uuid)
    RETURNS TABLE (role text, id uuid, slug text, name text, schema_name text, owner_id uuid,
                   status text, timezone text, plan_tier text, schema_version integer,
                   created_at timestamptz, updated_at timestamptz)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, platform
    AS $$
    #variable_conflict use_column
    BEGIN
        RETURN QUERY
        SELECT m.role, t.id, t.slug, t.name, t.schema_name, t.owner_id, t.status, t.timezone,
               t.plan_tier, t.schema_version, t.created_at, t.updated_at
        FROM platform.memberships m JOIN platform.tenants t ON t.id = m.tenant_id
        WHERE session_user ~ '^t_[0-9a-f]{32}$'
          AND m.tenant_id = substr(session_user, 3)::uuid
          AND m.user_id = p_user AND t.status <> 'DELETED'
          AND EXISTS (SELECT 1 FROM platform.sessions s
                      WHERE s.family_id = p_family AND s.user_id = p_user
                        AND s.revoked_at IS NULL);
    END
    $$;
