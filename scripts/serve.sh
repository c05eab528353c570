#!/usr/bin/env bash
# Builds Interlog (optimised) and serves it at http://127.0.0.1:3000 on the
# embedded SQLite database, creating it with demo data the first time.
# Installs whatever build tools are missing first.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

ensure_build_tools
build_release

cd "$ROOT"
export LEPTOS_OUTPUT_NAME=interlog LEPTOS_SITE_ROOT=target/site LEPTOS_SITE_PKG_DIR=pkg
export LEPTOS_SITE_ADDR="${LEPTOS_SITE_ADDR:-127.0.0.1:3000}" LEPTOS_ENV=PROD
# The binary adds demo data only when asked; this script is for trying it out.
export INTERLOG_DEMO_DATA="${INTERLOG_DEMO_DATA:-true}"
log "serving at http://$LEPTOS_SITE_ADDR (database: ${DATABASE_URL:-sqlite:data/interlog.db})"
exec target/release/interlog serve "$@"
