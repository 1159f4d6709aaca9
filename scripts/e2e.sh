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
export WISDOMOS_AUTH_RATE_BURST=1000 WISDOMOS_SPARE_SCHEMAS=2 RUST_LOG=warn
# shellcheck source=scripts/serve-throwaway.sh
source scripts/serve-throwaway.sh
"$bin" demo >"$data_dir/demo.txt"
"$bin" demo --org >"$data_dir/demo-org.txt"
export WISDOMOS_BASE="$base"
export WISDOMOS_DEMO_PASSWORD
WISDOMOS_DEMO_PASSWORD=$(awk '/password:/ {print $2}' "$data_dir/demo.txt")
export WISDOMOS_OPERATOR_PASSWORD
WISDOMOS_OPERATOR_PASSWORD=$(awk '/password:/ {print $2}' "$data_dir/demo-org.txt")
export WISDOMOS_SCREENSHOTS="$PWD/target/screenshots"
mkdir -p "$WISDOMOS_SCREENSHOTS"
status=0
(cd e2e && node --test --test-concurrency=1 .) || status=$?
if [ "$status" -ne 0 ]; then
  echo "--- server log ---" >&2
  tail -n 50 "$data_dir/server.log" >&2
fi
exit "$status"
