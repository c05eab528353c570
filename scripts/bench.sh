#!/usr/bin/env bash
# Benchmarks the log on a database of a million interactions and prints
# median and p95 latency per query and page.
#   scripts/bench.sh [sqlite|postgres] [interactions]   (defaults: sqlite 1000000)
# SQLite: the database is made once, in data/bench-N.db. PostgreSQL: a local
# server is started with its data kept in target/postgres/bench, and the
# database interlog_bench_N is made once there.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
source "$ROOT/scripts/postgres.sh"

ENGINE="${1:-sqlite}"
COUNT="${2:-1000000}"
ensure_build_tools
build_release
# The pages-a-second figures come from wrk.
command -v wrk >/dev/null 2>&1 || apt_install wrk

cd "$ROOT"
export LEPTOS_OUTPUT_NAME=interlog LEPTOS_SITE_ROOT=target/site LEPTOS_SITE_PKG_DIR=pkg LEPTOS_ENV=PROD
case "$ENGINE" in
  sqlite)
    DB="data/bench-$COUNT.db"
    export DATABASE_URL="sqlite:$DB"
    [ -f "$DB" ] && FRESH=0 || FRESH=1
    ;;
  postgres)
    start_postgres bench --keep
    export DATABASE_URL="$INTERLOG_TEST_POSTGRES_URL/interlog_bench_$COUNT"
    EXISTS="$("$PG_BIN/psql" "$INTERLOG_TEST_POSTGRES_URL/postgres" -tAc \
      "SELECT 1 FROM pg_database WHERE datname = 'interlog_bench_$COUNT'")"
    [ "$EXISTS" = 1 ] && FRESH=0 || FRESH=1
    ;;
  *) echo "usage: scripts/bench.sh [sqlite|postgres] [interactions]" >&2; exit 2 ;;
esac
if [ "$FRESH" = 1 ]; then
  log "generating $COUNT interactions on $ENGINE"
  target/release/interlog generate --interactions "$COUNT"
fi
log "release WASM size"
WASM="$(ls target/site/pkg/interlog.*wasm | grep -v '\.d\.' | head -1)"
printf 'raw %s bytes, gzip -9 %s bytes\n' "$(stat -c %s "$WASM")" "$(gzip -9 -c "$WASM" | wc -c)"
target/release/interlog --log-level warn bench

# Lighthouse (mobile, performance only): /log, /login and a profile on a fresh
# demo server, median of three runs each. Figures only: nothing fails on them.
source "$ROOT/scripts/lighthouse/run.sh"
lighthouse_bench
