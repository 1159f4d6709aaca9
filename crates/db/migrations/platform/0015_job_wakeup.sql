-- Idle workers wake on a notification instead of waiting for their next poll (issue 15). The
-- trigger is per statement and its payload constant, and PostgreSQL delivers identical
-- notifications of one transaction once, after COMMIT: one wake-up per enqueueing transaction,
-- however many jobs it adds, and none for a transaction rolled back. The payload is empty: a
-- listener learns that some job was added, never whose.
CREATE FUNCTION jobs_notify() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog
    AS $$ BEGIN PERFORM pg_notify('wisdomos_jobs', ''); RETURN NULL; END $$;
CREATE TRIGGER jobs_notify AFTER INSERT ON jobs FOR EACH STATEMENT EXECUTE FUNCTION jobs_notify();
