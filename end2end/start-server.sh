#!/usr/bin/env bash
# Starts the release build on a fresh demo database for the end-to-end tests:
# a SQLite file, or (INTERLOG_E2E_ENGINE=postgres) a new database on the
# server named by INTERLOG_TEST_POSTGRES_URL.
#   start-server.sh PORT [NAME [interlog flags…]]
# NAME keeps each server's data apart; the flags go to `interlog`, e.g.
# `--session-idle-seconds 3` for the session-expiry journey.
set -euo pipefail
PORT="${1:-3107}"
NAME="${2:-main}"
shift 2 || shift $#
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA="$ROOT/target/e2e-data/$NAME"
rm -rf "$DATA"
mkdir -p "$DATA"
cd "$ROOT"
if [ "${INTERLOG_E2E_ENGINE:-sqlite}" = postgres ]; then
  : "${INTERLOG_TEST_POSTGRES_URL:?start PostgreSQL first: scripts/e2e.sh postgres does}"
  export DATABASE_URL="$INTERLOG_TEST_POSTGRES_URL/interlog_e2e_${NAME//-/_}_$(date +%s%N)"
else
  unset DATABASE_URL
fi
export LEPTOS_OUTPUT_NAME=interlog LEPTOS_SITE_ROOT=target/site LEPTOS_SITE_PKG_DIR=pkg LEPTOS_ENV=PROD
export INTERLOG_DEMO_DATA=true
exec target/release/interlog --data-dir "$DATA" --log-level warn "$@" serve --listen "127.0.0.1:$PORT"
