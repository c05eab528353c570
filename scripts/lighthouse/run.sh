#!/usr/bin/env bash
# Lighthouse mobile performance of /log, /login and a profile, on the release
# build serving a fresh demo database. scripts/bench.sh sources this file and
# calls lighthouse_bench; it also runs on its own once the release build exists:
#   scripts/lighthouse/run.sh [--runs N] [--pages /log,/login,/people/1] [--diagnose /log,/people/1]
# INTERLOG_LIGHTHOUSE_PORT picks the port (default: the first free from 3300).
set -euo pipefail

LIGHTHOUSE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
LIGHTHOUSE_ROOT="$(cd "$LIGHTHOUSE_DIR/../.." && pwd)"

# Installs the pinned Lighthouse (package-lock.json) when it is missing or the
# lock has changed since, and Debian's Chromium for it to drive.
ensure_lighthouse() {
  if [ ! -d "$LIGHTHOUSE_DIR/node_modules/lighthouse" ] \
     || [ "$LIGHTHOUSE_DIR/package-lock.json" -nt "$LIGHTHOUSE_DIR/node_modules/.package-lock.json" ]; then
    printf '\033[1m==> %s\033[0m\n' "installing Lighthouse in scripts/lighthouse/" >&2
    (cd "$LIGHTHOUSE_DIR" && npm ci --no-audit --no-fund)
  fi
  if [ ! -x /usr/bin/chromium ]; then
    if declare -F ensure_chromium >/dev/null; then
      ensure_chromium  # scripts/setup.sh
    else
      echo "Lighthouse needs Debian's chromium: apt-get install chromium" >&2
      return 1
    fi
  fi
}

# Starts `end2end/start-server.sh PORT lighthouse` (a fresh demo SQLite
# database), waits for /healthz, runs lighthouse.mjs against it with any
# arguments given, and stops the server however that ends.
lighthouse_bench() (
  set -euo pipefail
  ensure_lighthouse
  interlog="$LIGHTHOUSE_ROOT/target/release/interlog"
  if [ ! -x "$interlog" ]; then
    echo "no release build at $interlog (scripts/bench.sh builds it)" >&2
    return 1
  fi
  port="${INTERLOG_LIGHTHOUSE_PORT:-}"
  if [ -z "$port" ]; then
    for port in $(seq 3300 3399); do
      (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || break
    done
  fi
  out="$LIGHTHOUSE_ROOT/target/lighthouse"
  mkdir -p "$out"
  printf '\033[1m==> %s\033[0m\n' "Lighthouse, mobile: /log, /login, /people/1 on a demo server at 127.0.0.1:$port" >&2
  # A demo SQLite database of its own; not bench.sh's DATABASE_URL.
  env -u DATABASE_URL -u INTERLOG_E2E_ENGINE bash "$LIGHTHOUSE_ROOT/end2end/start-server.sh" "$port" lighthouse \
    >"$out/server.log" 2>&1 &
  server=$!
  trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  waited=0
  until curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null; do
    if ! kill -0 "$server" 2>/dev/null; then
      echo "the demo server stopped before it answered; its log:" >&2
      tail -20 "$out/server.log" >&2
      return 1
    fi
    if [ "$waited" -ge 120 ]; then
      echo "the demo server did not answer /healthz within 60 s" >&2
      return 1
    fi
    sleep 0.5
    waited=$((waited + 1))
  done
  CHROME_PATH=/usr/bin/chromium node "$LIGHTHOUSE_DIR/lighthouse.mjs" "http://127.0.0.1:$port" --out "$out" "$@"
)

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  # On its own: scripts/setup.sh brings ensure_chromium and apt_install.
  source "$LIGHTHOUSE_ROOT/scripts/setup.sh"
  lighthouse_bench "$@"
fi
