-- Platform schema: users, tenants, memberships, sessions, audit events, login failures.
-- Runs as the owner role with search_path = platform.

CREATE TABLE users (
    id              uuid PRIMARY KEY,
    email           text NOT NULL,
    password_hash   text NOT NULL,
    first_name      text,
    last_name       text,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    last_login_at   timestamptz,
    CONSTRAINT users_email_key UNIQUE (email)
);

CREATE TABLE tenants (
    id              uuid PRIMARY KEY,
    slug            text NOT NULL,
    name            text NOT NULL,
    schema_name     text NOT NULL,
    owner_id        uuid NOT NULL REFERENCES users (id),
    status          text NOT NULL CHECK (status IN ('ACTIVE', 'SUSPENDED', 'DELETED')),
    timezone        text NOT NULL,
    plan_tier       text NOT NULL DEFAULT 'FREE',
    schema_version  integer NOT NULL DEFAULT 0,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    deleted_at      timestamptz,
    CONSTRAINT tenants_schema_name_key UNIQUE (schema_name)
);
-- A deleted tenant frees its slug.
CREATE UNIQUE INDEX tenants_slug_key ON tenants (slug) WHERE status <> 'DELETED';
CREATE INDEX tenants_owner_idx ON tenants (owner_id);
CREATE INDEX tenants_version_idx ON tenants (schema_version) WHERE status <> 'DELETED';

CREATE TABLE memberships (
    tenant_id   uuid NOT NULL REFERENCES tenants (id),
    user_id     uuid NOT NULL REFERENCES users (id),
    role        text NOT NULL CHECK (role IN ('OWNER', 'ADMIN', 'MEMBER', 'VIEWER')),
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    CONSTRAINT memberships_pkey PRIMARY KEY (tenant_id, user_id)
);
CREATE INDEX memberships_user_idx ON memberships (user_id);

-- Refresh tokens. Only a SHA-256 of the token is stored; a family is one sign-in and all the
-- tokens rotated from it.
CREATE TABLE sessions (
    id          uuid PRIMARY KEY,
    family_id   uuid NOT NULL,
    user_id     uuid NOT NULL REFERENCES users (id),
    tenant_id   uuid NOT NULL REFERENCES tenants (id),
    token_hash  bytea NOT NULL,
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    revoked_at  timestamptz,
    CONSTRAINT sessions_token_hash_key UNIQUE (token_hash)
);
CREATE INDEX sessions_family_idx ON sessions (family_id);
CREATE INDEX sessions_user_idx ON sessions (user_id);

-- Seed 003 §6 audit events. Append-only for the app role (INSERT and SELECT only).
CREATE TABLE audit_events (
    id              uuid PRIMARY KEY,
    tenant_id       uuid,
    actor_user_id   uuid,
    actor_role      text,
    event_type      text NOT NULL,
    target_type     text,
    target_id       text,
    metadata        jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at      timestamptz NOT NULL
);
CREATE INDEX audit_events_tenant_idx ON audit_events (tenant_id, created_at DESC, id DESC);

-- Failed sign-ins per normalised e-mail, for the lock-out window. Keyed by e-mail rather than
-- user so that unknown addresses lock out exactly like known ones.
CREATE TABLE login_failures (
    email       text NOT NULL,
    failed_at   timestamptz NOT NULL
);
CREATE INDEX login_failures_email_idx ON login_failures (email, failed_at);
