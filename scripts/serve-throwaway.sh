# Sourced by scripts/e2e.sh and scripts/schemathesis.sh: builds the binary and serves it on a
# throw-away database of the test server, on a free port. Sets `bin`, `data_dir`, `base` and
# `server`; the EXIT trap stops the server and drops the database. Extra environment for
# `serve` may be exported before sourcing.
cargo build --locked -q -p wisdomos
bin="${CARGO_TARGET_DIR:-target}/debug/wisdomos"
db="wisdomos_test_run_$$"
psql "$WISDOMOS_TEST_DATABASE_URL" -qc "CREATE DATABASE $db" >/dev/null
data_dir=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export DATABASE_URL="${WISDOMOS_TEST_DATABASE_URL%/*}/$db" WISDOMOS_DATA_DIR="$data_dir"
export WISDOMOS_DB_ROLE_PASSWORD="wisdomos-test-only"
# The semantic model from the per-user cache the tests use (fetched there once), not into each
# throw-away data directory.
export WISDOMOS_MODEL_DIR="${WISDOMOS_MODEL_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/wisdomos/models/minilm}"
"$bin" serve --listen "127.0.0.1:$port" >"$data_dir/server.log" 2>&1 &
server=$!
cleanup() {
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  psql "$WISDOMOS_TEST_DATABASE_URL" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$data_dir"
}
trap cleanup EXIT
base="http://127.0.0.1:$port"
for _ in $(seq 1 60); do
  curl -fs "$base/readyz" >/dev/null 2>&1 && break
  sleep 0.5
done
