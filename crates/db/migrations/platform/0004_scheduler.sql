-- How far the scheduler has enqueued recurring work; one row per schedule set.
CREATE TABLE scheduler_state (
    name           text PRIMARY KEY,
    checked_until  timestamptz NOT NULL
);
GRANT SELECT, INSERT, UPDATE ON scheduler_state TO wisdomos_app;
