#!/usr/bin/env bash
# Benchmarks the log on a database of a million interactions (made once, in
# data/bench.db) and prints median and p95 latency per query and page.
# Usage: scripts/bench.sh [interactions]   (default 1000000)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

COUNT="${1:-1000000}"
ensure_build_tools
build_release

cd "$ROOT"
export LEPTOS_OUTPUT_NAME=interlog LEPTOS_SITE_ROOT=target/site LEPTOS_SITE_PKG_DIR=pkg LEPTOS_ENV=PROD
DB="data/bench-$COUNT.db"
export DATABASE_URL="sqlite:$DB"
if [ ! -f "$DB" ]; then
  log "generating $COUNT interactions into $DB"
  target/release/interlog generate --interactions "$COUNT"
fi
log "release WASM size"
WASM="target/site/pkg/interlog.wasm"
printf 'raw %s bytes, gzip -9 %s bytes\n' "$(stat -c %s "$WASM")" "$(gzip -9 -c "$WASM" | wc -c)"
target/release/interlog --log-level warn bench
