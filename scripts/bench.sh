#!/usr/bin/env bash
# Runs the benchmarks against a real PostgreSQL (found or started like the tests) and prints
# their numbers: `scripts/bench.sh [foundation|life|jobs|queue|scale|web|knowledge|classify|patterns|assistant|console]`. Environment: see the bench files.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/ensure-postgres.sh
source scripts/ensure-postgres.sh
bench="${1:-foundation}"
shift || true
cargo bench --locked -p wisdomos --bench "$bench" "$@"
