#!/usr/bin/env bash
# Sourced by scripts/test.sh: makes sure a PostgreSQL server answers and exports
# WISDOMOS_TEST_DATABASE_URL (a role that may create databases and roles).
#
# Order: an explicit WISDOMOS_TEST_DATABASE_URL; the server on 127.0.0.1:5432; the machine's
# cluster started with pg_ctlcluster; finally a private throw-away cluster under
# target/test-pg (installing PostgreSQL from the distribution when it is missing).

pg_answers() { psql "$1" -tAc 'select 1' >/dev/null 2>&1; }

if [ -n "${WISDOMOS_TEST_DATABASE_URL:-}" ]; then
  return 0 2>/dev/null || exit 0
fi

default_url="postgres://postgres@127.0.0.1:5432/postgres"
if command -v psql >/dev/null && pg_answers "$default_url"; then
  export WISDOMOS_TEST_DATABASE_URL="$default_url"
  return 0 2>/dev/null || exit 0
fi

if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
  for v in $(ls /etc/postgresql); do
    pg_ctlcluster --skip-systemctl-redirect "$v" main start >/dev/null 2>&1 || true
  done
  for _ in $(seq 1 30); do
    pg_answers "$default_url" && { export WISDOMOS_TEST_DATABASE_URL="$default_url"; return 0 2>/dev/null || exit 0; }
    sleep 1
  done
fi

find_bindir() {
  if command -v pg_config >/dev/null && [ -x "$(pg_config --bindir)/initdb" ]; then pg_config --bindir; return; fi
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}
bindir=$(find_bindir)
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  echo "ensure-postgres: installing PostgreSQL" >&2
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql postgresql-client) >&2
  else
    echo "ensure-postgres: no PostgreSQL found; install it (Debian: apt-get install postgresql) or set WISDOMOS_TEST_DATABASE_URL" >&2
    exit 1
  fi
  bindir=$(find_bindir)
fi

dir="$(pwd)/target/test-pg"
port=55432
run_as=()
if [ "$(id -u)" = 0 ]; then run_as=(runuser -u postgres --); fi
mkdir -p "$dir"
if [ "$(id -u)" = 0 ]; then chown postgres "$dir"; chmod 700 "$dir"; fi
if [ ! -f "$dir/data/PG_VERSION" ]; then
  "${run_as[@]}" "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 >/dev/null
fi
if ! pg_answers "postgres://postgres@127.0.0.1:$port/postgres"; then
  "${run_as[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
    -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories='$dir' -c max_connections=300 -c fsync=off" start >/dev/null
fi
export WISDOMOS_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
