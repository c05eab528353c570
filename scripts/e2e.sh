#!/usr/bin/env bash
# Runs the Playwright journeys in Debian's Chromium against an optimised
# build, on SQLite (the default) or PostgreSQL:
#   scripts/e2e.sh              # SQLite
#   scripts/e2e.sh postgres     # PostgreSQL (a throwaway server is started
#                               # unless INTERLOG_TEST_POSTGRES_URL names one)
# Extra arguments go to Playwright, e.g. scripts/e2e.sh sqlite -g rename
# Installs whatever is missing first. Exits non-zero on any failure.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
source "$ROOT/scripts/postgres.sh"

ENGINE="${1:-sqlite}"
shift || true
case "$ENGINE" in
  sqlite | postgres) ;;
  *) echo "usage: scripts/e2e.sh [sqlite|postgres] [playwright arguments]" >&2; exit 2 ;;
esac

ensure_build_tools
ensure_chromium
# scripts/test.sh builds once for both engines and says so.
if [ "${INTERLOG_E2E_BUILT:-}" != 1 ]; then
  build_release
fi

if [ "$ENGINE" = postgres ] && [ -z "${INTERLOG_TEST_POSTGRES_URL:-}" ]; then
  start_postgres e2e
fi

log "end-to-end tests on $ENGINE (Playwright, Chromium)"
cd "$ROOT/end2end"
INTERLOG_E2E_ENGINE="$ENGINE" npx playwright test "$@"
