-- Password checks per normalised e-mail, reserved before the hash is verified (issue 10): a
-- reservation is taken under a per-e-mail advisory lock only while fewer than the limit are in
-- the window, so concurrent sign-ins cannot all pass the check before any failure is written.
-- A reservation that is never resolved (a crash mid-check) counts as a failure: fail closed.
DROP TABLE login_failures;
CREATE TABLE login_attempts (
    id            uuid PRIMARY KEY,
    email         text NOT NULL,
    attempted_at  timestamptz NOT NULL,
    -- A successful check kept because failures were in the window (see login_attempts.rs).
    succeeded     boolean NOT NULL DEFAULT false
);
CREATE INDEX login_attempts_email_idx ON login_attempts (email, attempted_at);
GRANT SELECT, INSERT, UPDATE, DELETE ON login_attempts TO wisdomos_app;
