#!/usr/bin/env bash
# Property-based API tests: schemathesis (from PyPI, installed when missing) against the real
# binary on a throw-away database, every check, SCHEMATHESIS_EXAMPLES (default 200) examples per
# operation. The settings in scripts/schemathesis.toml say which refusals of schema-valid data no
# schema can express. Extra arguments go to `schemathesis run` (e.g. --seed N).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/ensure-postgres.sh
source scripts/ensure-postgres.sh
version="4.32.5"
if ! schemathesis --version 2>/dev/null | grep -q "$version"; then
  echo "schemathesis: installing $version from PyPI" >&2
  python3 -m pip install -q "schemathesis==$version" >&2
fi
export WISDOMOS_AUTH_RATE_BURST=1000000 WISDOMOS_LOG=warn
# shellcheck source=scripts/serve-throwaway.sh
source scripts/serve-throwaway.sh
token=$(curl -fs "$base/api/v1/auth/register" -H 'content-type: application/json' \
  -d '{"email":"schemathesis@example.org","password":"correct horse battery staple","workspaceName":"Schemathesis"}' |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["tokens"]["accessToken"])')
# Logout and switch-tenant end the session the token belongs to, which would turn every later
# request into a 401; they are covered by tests/auth.rs.
schemathesis --config-file scripts/schemathesis.toml run "$base/api/v1/openapi.json" --url "$base" \
  -H "Authorization: Bearer $token" --checks all --max-examples "${SCHEMATHESIS_EXAMPLES:-200}" \
  --exclude-path /api/v1/auth/logout --exclude-path /api/v1/auth/switch-tenant -w 2 "$@"
