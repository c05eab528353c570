#!/usr/bin/env bash
# Runs the Firefox smoke suite (end2end/firefox/): Debian's firefox-esr,
# headless, driven through geckodriver (WebDriver), against an optimised
# build on a fresh SQLite demo database. The server is started here on a
# free port and stopped at the end, pass or fail.
#   scripts/firefox.sh                       # build, then run
#   INTERLOG_E2E_BUILT=1 scripts/firefox.sh  # the release build is already there
# Extra arguments go to `node --test`, e.g. --test-name-pattern=rename
# A failing journey leaves a screenshot and the page's HTML in
# target/firefox-smoke/, beside the server's and geckodriver's logs.
# Installs whatever is missing first. Exits non-zero on any failure.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

ensure_build_tools
ensure_firefox
# scripts/test.sh builds once for every suite and says so.
if [ "${INTERLOG_E2E_BUILT:-}" != 1 ]; then
  build_release
fi

free_port() {
  local port
  for port in $(shuf -i 20000-45000 -n 100); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  echo "no free port found for the Firefox smoke server" >&2
  return 1
}

ARTIFACTS="$ROOT/target/firefox-smoke"
rm -rf "$ARTIFACTS"
mkdir -p "$ARTIFACTS"
PORT="$(free_port)"
URL="http://127.0.0.1:$PORT"

cd "$ROOT"
# start-server.sh execs the server, so this pid is the server's own.
INTERLOG_E2E_ENGINE=sqlite bash end2end/start-server.sh "$PORT" firefox >"$ARTIFACTS/server.log" 2>&1 &
SERVER_PID=$!
SUITE_PID=""
stop_all() {
  # The suite runs in a process group of its own: whatever a suite killed
  # part-way leaves behind (geckodriver, Firefox) goes with it.
  if [ -n "$SUITE_PID" ]; then
    kill -- "-$SUITE_PID" 2>/dev/null || true
  fi
  if kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
}
trap stop_all EXIT

# The first start writes the demo data: wait for /healthz, at most 120 s.
ready=0
for _ in $(seq 1 240); do
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "the server for the Firefox smoke tests exited; its log:" >&2
    cat "$ARTIFACTS/server.log" >&2
    exit 1
  fi
  if node -e 'fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "$URL/healthz"; then
    ready=1
    break
  fi
  sleep 0.5
done
if [ "$ready" != 1 ]; then
  echo "the server for the Firefox smoke tests did not answer $URL/healthz within 120 s; its log:" >&2
  cat "$ARTIFACTS/server.log" >&2
  exit 1
fi

log "Firefox smoke tests on sqlite (firefox-esr $(/usr/bin/firefox-esr --version 2>/dev/null | awk '{print $NF}'), $("$GECKODRIVER" --version 2>/dev/null | awk 'NR == 1'))"
set -m # the next job gets a process group of its own
INTERLOG_FIREFOX_URL="$URL" INTERLOG_GECKODRIVER="$GECKODRIVER" INTERLOG_FIREFOX_BINARY=/usr/bin/firefox-esr \
  INTERLOG_FIREFOX_ARTIFACTS="$ARTIFACTS" \
  node --test --test-reporter=spec "$@" end2end/firefox/smoke.test.mjs &
SUITE_PID=$!
set +m
status=0
wait "$SUITE_PID" || status=$?
exit "$status"
