-- The audit log hash-chained per tenant (issue 14): each row carries its number in its chain,
-- the hash of the row before it and its own hash, SHA-256 over the previous hash and the row's
-- canonical content (platform.audit_row_content). The chain of a tenant is keyed by its id;
-- platform events (no tenant) form one chain keyed by the nil uuid. The head of each chain
-- (last number and hash) is kept apart, so deleting the last rows is detected too.
-- `wisdomos audit verify` recomputes every hash (docs/audit.md).
ALTER TABLE audit_events
    ADD COLUMN seq bigint,
    ADD COLUMN prev_hash bytea,
    ADD COLUMN hash bytea;

CREATE TABLE audit_chain_heads (
    chain  uuid PRIMARY KEY,
    seq    bigint NOT NULL,
    hash   bytea NOT NULL
);
-- Only the owner (the chaining trigger runs as it) reads or writes the heads.
ALTER TABLE audit_chain_heads ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_chain_heads FORCE ROW LEVEL SECURITY;
CREATE POLICY owner_only ON audit_chain_heads TO wisdomos_owner USING (true) WITH CHECK (true);

-- The bytes a row's hash covers: every column but the hashes, in a fixed order, unit-separated,
-- NULL written as \N; the time as microseconds since the epoch (independent of TimeZone).
CREATE FUNCTION audit_row_content(e audit_events) RETURNS bytea
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT convert_to(concat_ws(chr(31),
        e.seq::text, e.id::text, coalesce(e.tenant_id::text, '\N'), coalesce(e.actor_user_id::text, '\N'),
        coalesce(e.actor_role, '\N'), e.event_type, coalesce(e.target_type, '\N'), coalesce(e.target_id, '\N'),
        e.metadata::text, (extract(epoch FROM e.created_at) * 1000000)::bigint::text), 'UTF8') $$;

-- Existing rows, chained in the order they were written (the owner is otherwise held to the
-- log's append-only policies, so they are lifted for this one update).
ALTER TABLE audit_events NO FORCE ROW LEVEL SECURITY;
DO $$
DECLARE
    r audit_events;
    k uuid;
    cur uuid;
    prev bytea := '\x';
    n bigint := 0;
BEGIN
    FOR r IN SELECT * FROM audit_events
             ORDER BY coalesce(tenant_id, '00000000-0000-0000-0000-000000000000'), created_at, id LOOP
        k := coalesce(r.tenant_id, '00000000-0000-0000-0000-000000000000');
        IF cur IS DISTINCT FROM k THEN
            cur := k; prev := '\x'; n := 0;
        END IF;
        n := n + 1;
        r.seq := n;
        r.prev_hash := prev;
        r.hash := sha256(prev || audit_row_content(r));
        UPDATE audit_events SET seq = r.seq, prev_hash = r.prev_hash, hash = r.hash WHERE id = r.id;
        prev := r.hash;
    END LOOP;
END $$;
INSERT INTO audit_chain_heads (chain, seq, hash)
    SELECT DISTINCT ON (coalesce(tenant_id, '00000000-0000-0000-0000-000000000000'))
           coalesce(tenant_id, '00000000-0000-0000-0000-000000000000'), seq, hash
    FROM audit_events ORDER BY coalesce(tenant_id, '00000000-0000-0000-0000-000000000000'), seq DESC;

ALTER TABLE audit_events FORCE ROW LEVEL SECURITY;

ALTER TABLE audit_events
    ALTER COLUMN seq SET NOT NULL,
    ALTER COLUMN prev_hash SET NOT NULL,
    ALTER COLUMN hash SET NOT NULL;
CREATE UNIQUE INDEX audit_events_chain_key
    ON audit_events ((coalesce(tenant_id, '00000000-0000-0000-0000-000000000000')), seq);

-- Every insert is chained here, whoever inserts (a tenant role, the app, the owner): the head
-- row is locked until the inserting transaction ends, so a chain's rows are numbered in commit
-- order of their writers and never fork. Runs as the table's owner, since no request role may
-- touch the heads.
CREATE FUNCTION audit_chain() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = platform, pg_catalog
    AS $$
DECLARE
    k uuid := coalesce(NEW.tenant_id, '00000000-0000-0000-0000-000000000000');
    last_seq bigint;
    last_hash bytea;
BEGIN
    SELECT seq, hash INTO last_seq, last_hash FROM audit_chain_heads WHERE chain = k FOR UPDATE;
    IF NOT FOUND THEN
        INSERT INTO audit_chain_heads (chain, seq, hash) VALUES (k, 0, '\x') ON CONFLICT (chain) DO NOTHING;
        SELECT seq, hash INTO last_seq, last_hash FROM audit_chain_heads WHERE chain = k FOR UPDATE;
    END IF;
    NEW.seq := last_seq + 1;
    NEW.prev_hash := last_hash;
    NEW.hash := sha256(last_hash || audit_row_content(NEW));
    -- One write of the head per row: a transaction appending many rows leaves one row version
    -- per append behind it, so keep it to one.
    UPDATE audit_chain_heads SET seq = NEW.seq, hash = NEW.hash WHERE chain = k;
    RETURN NEW;
END $$;
CREATE TRIGGER audit_chain BEFORE INSERT ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_chain();
