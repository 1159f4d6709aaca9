#!/usr/bin/env bash
# Browser tests of the web UI: installs Debian's Chromium (and Node.js) and playwright-core when
# missing, serves the real binary on a throw-away database (with the demo workspace in it), and
# runs e2e/*.test.mjs in headless Chromium. Screenshots go to target/screenshots/ (git-ignored).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/ensure-postgres.sh
source scripts/ensure-postgres.sh
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "e2e: installing ${missing[*]} from Debian" >&2
  sudo_=""; [ "$(id -u)" -ne 0 ] && sudo_="sudo"
  $sudo_ apt-get update -qq >/dev/null || true
  DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y -qq "${missing[@]}" >/dev/null
fi
(cd e2e && npm ci --no-audit --no-fund --loglevel=error)
cargo build --locked -q -p wisdomos
bin="${CARGO_TARGET_DIR:-target}/debug/wisdomos"
db="wisdomos_test_e2e_$$"
base_url="${WISDOMOS_TEST_DATABASE_URL%/*}"
psql "$WISDOMOS_TEST_DATABASE_URL" -qc "CREATE DATABASE $db" >/dev/null
data_dir=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export DATABASE_URL="$base_url/$db" WISDOMOS_DATA_DIR="$data_dir" WISDOMOS_DB_ROLE_PASSWORD="wisdomos-test-only"
export WISDOMOS_AUTH_RATE_BURST=1000 WISDOMOS_SPARE_SCHEMAS=2 RUST_LOG=warn
"$bin" serve --listen "127.0.0.1:$port" >"$data_dir/server.log" 2>&1 &
server=$!
cleanup() {
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  psql "$WISDOMOS_TEST_DATABASE_URL" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$data_dir"
}
trap cleanup EXIT
for _ in $(seq 1 60); do
  curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  sleep 0.5
done
"$bin" demo >"$data_dir/demo.txt"
export WISDOMOS_BASE="http://127.0.0.1:$port"
export WISDOMOS_DEMO_PASSWORD
WISDOMOS_DEMO_PASSWORD=$(awk '/password:/ {print $2}' "$data_dir/demo.txt")
export WISDOMOS_SCREENSHOTS="$PWD/target/screenshots"
mkdir -p "$WISDOMOS_SCREENSHOTS"
status=0
(cd e2e && node --test --test-concurrency=1 .) || status=$?
if [ "$status" -ne 0 ]; then
  echo "--- server log ---" >&2
  tail -n 50 "$data_dir/server.log" >&2
fi
exit "$status"
