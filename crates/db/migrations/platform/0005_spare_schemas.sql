-- Ready-made tenant schemas (role, schema, tables at a version, seed rows) that provisioning
-- claims, so registration does no DDL. The id becomes the tenant's id.
CREATE TABLE spare_schemas (
    id              uuid PRIMARY KEY,
    schema_version  integer NOT NULL,
    created_at      timestamptz NOT NULL
);
CREATE INDEX spare_schemas_version_idx ON spare_schemas (schema_version, created_at);
