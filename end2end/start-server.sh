#!/usr/bin/env bash
# Starts the release build on a fresh demo database for the end-to-end tests.
set -euo pipefail
PORT="${1:-3107}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA="$ROOT/target/e2e-data"
rm -rf "$DATA"
mkdir -p "$DATA"
cd "$ROOT"
export LEPTOS_OUTPUT_NAME=interlog LEPTOS_SITE_ROOT=target/site LEPTOS_SITE_PKG_DIR=pkg LEPTOS_ENV=PROD
exec target/release/interlog --data-dir "$DATA" --log-level warn serve --listen "127.0.0.1:$PORT"
