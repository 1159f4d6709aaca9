#!/usr/bin/env bash
# Installs into bench/graphile/node_modules the newest graphile-worker whose `engines` accept
# this machine's Node (npm's --engine-strict refuses the others), and prints its version.
set -euo pipefail
cd "$(dirname "$0")"
if [ -f node_modules/graphile-worker/package.json ]; then
  node -p "require('./node_modules/graphile-worker/package.json').version"
  exit 0
fi
command -v npm >/dev/null || { echo "the queue bench needs Node and npm (apt-get install nodejs npm)" >&2; exit 1; }
[ -f package.json ] || echo '{"private": true, "type": "module"}' > package.json
for v in $(npm view graphile-worker versions --json | node -e '
  const vs = JSON.parse(require("fs").readFileSync(0, "utf8")).filter(v => !v.includes("-"));
  console.log(vs.reverse().join("\n"));'); do
  if npm install --silent --no-audit --no-fund --engine-strict --no-save "graphile-worker@$v" pg >/dev/null 2>&1; then
    echo "$v"
    exit 0
  fi
done
echo "no graphile-worker version installs on Node $(node --version)" >&2
exit 1
