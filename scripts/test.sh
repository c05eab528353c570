#!/usr/bin/env bash
# Runs every test: the Rust tests (store, server functions, HTTP) and the
# Playwright journeys in Debian's Chromium against an optimised build.
# Installs whatever is missing first. Exits non-zero on any failure.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

ensure_build_tools
ensure_chromium

cd "$ROOT"
log "Rust tests"
cargo test -p app --features ssr
cargo test -p server

build_release

log "end-to-end tests (Playwright, Chromium)"
cd "$ROOT/end2end"
npx playwright test
