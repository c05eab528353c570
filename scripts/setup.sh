# Installs whatever this machine is missing to build Interlog. Sourced by the
# other scripts; every step is skipped when its tool is already there.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CARGO_LEPTOS_VERSION="0.3.10"
GECKODRIVER_VERSION="0.37.1"
GECKODRIVER="${CARGO_HOME:-$HOME/.cargo}/bin/geckodriver"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

ensure_rust() {
  if ! command -v cargo >/dev/null 2>&1; then
    echo "cargo is missing: install Rust with rustup first (https://rustup.rs)" >&2
    exit 1
  fi
  # rust-toolchain.toml pins the toolchain and the wasm target; this makes
  # rustup fetch them now rather than half-way through a build.
  (cd "$ROOT" && rustup show active-toolchain >/dev/null)
  if ! (cd "$ROOT" && rustup target list --installed | grep -q '^wasm32-unknown-unknown$'); then
    log "adding the wasm32-unknown-unknown target"
    (cd "$ROOT" && rustup target add wasm32-unknown-unknown)
  fi
}

ensure_cargo_leptos() {
  if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
    log "installing cargo-leptos $CARGO_LEPTOS_VERSION (about 15 minutes, once per machine)"
    cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked
  fi
}

ensure_wasm_bindgen() {
  # cargo-leptos needs the wasm-bindgen CLI at exactly the locked version.
  local want
  want="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock")"
  if ! wasm-bindgen --version 2>/dev/null | grep -q " $want\$"; then
    log "installing wasm-bindgen-cli $want"
    cargo install wasm-bindgen-cli --version "$want" --force
  fi
}

ensure_node_packages() {
  if ! command -v npm >/dev/null 2>&1; then
    log "installing Node.js and npm"
    apt_install nodejs npm
  fi
  # Playwright, binaryen's wasm-opt for release builds (Debian's is too old),
  # and selenium-webdriver for the Firefox smoke suite.
  if [ ! -x "$ROOT/end2end/node_modules/.bin/wasm-opt" ] || [ ! -x "$ROOT/end2end/node_modules/.bin/playwright" ] \
     || [ ! -f "$ROOT/end2end/node_modules/selenium-webdriver/package.json" ] \
     || [ "$ROOT/end2end/package-lock.json" -nt "$ROOT/end2end/node_modules/.package-lock.json" ]; then
    log "installing npm packages in end2end/"
    (cd "$ROOT/end2end" && npm ci --no-audit --no-fund)
  fi
  export PATH="$ROOT/end2end/node_modules/.bin:$PATH"
}

APT_UPDATED=0
apt_install() {
  local SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
  if [ "$APT_UPDATED" = 0 ]; then
    $SUDO apt-get update -qq
    APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@"
}

ensure_chromium() {
  if [ ! -x /usr/bin/chromium ]; then
    log "installing Debian's chromium for the end-to-end tests"
    apt_install chromium
  fi
}

# The Firefox smoke suite (end2end/firefox/) drives Debian's firefox-esr
# through geckodriver: Playwright cannot drive Debian's Firefox, and
# geckodriver has no Debian package, so it is built from crates.io.
ensure_firefox() {
  if [ ! -x /usr/bin/firefox-esr ]; then
    log "installing Debian's firefox-esr for the Firefox smoke tests"
    apt_install firefox-esr
  fi
  if [ ! -x "$GECKODRIVER" ]; then
    log "installing geckodriver $GECKODRIVER_VERSION (a few minutes, once per machine)"
    cargo install geckodriver --version "$GECKODRIVER_VERSION" --locked
  fi
}

ensure_build_tools() {
  ensure_rust
  ensure_cargo_leptos
  ensure_wasm_bindgen
  ensure_node_packages
}

build_release() {
  log "building Interlog (release: server and WASM)"
  # --split: pages most staff never open (settings) load their code on demand.
  # --precompress: the WASM, its loader and the styles also get .br and .gz
  # files at the best level, which the server sends as they are.
  (cd "$ROOT" && cargo leptos build --release --split --precompress)
}
