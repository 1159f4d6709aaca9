-- The job queue across tenants belongs to the worker role (workers, the scheduler, queue
-- statistics). The app role, which every request uses, keeps no access to platform.jobs outside
-- a tenant transaction: there a tenant role sees only its own jobs (0007).
GRANT SELECT, INSERT, UPDATE ON jobs TO wisdomos_worker;
GRANT SELECT, INSERT, UPDATE ON scheduler_state TO wisdomos_worker;
GRANT SELECT ON tenants TO wisdomos_worker;
GRANT USAGE ON SCHEMA platform TO wisdomos_worker;
REVOKE ALL ON jobs, scheduler_state FROM wisdomos_app;
DROP POLICY platform_roles ON jobs;
CREATE POLICY platform_roles ON jobs TO wisdomos_worker, wisdomos_owner USING (true) WITH CHECK (true);
