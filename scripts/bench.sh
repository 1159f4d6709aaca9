#!/usr/bin/env bash
# Runs the benchmarks against a real PostgreSQL (found or started like the tests) and prints
# their numbers. Environment: BENCH_TENANTS (default 1000), BENCH_REGISTRATIONS (default 50).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/ensure-postgres.sh
source scripts/ensure-postgres.sh
cargo bench --locked -p wisdomos --bench foundation "$@"
