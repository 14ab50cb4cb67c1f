# Shared by .ci/test and .ci/demo (sourced, not run): install what is missing, build, and
# print each step with its time. Safe to run again: each install step checks first.
# shellcheck shell=bash

CFP_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$CFP_ROOT"

# One target dir outside the clone, so CI on a developer's machine reuses their builds
# and a fresh machine still works.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/cfp-target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
export DEBIAN_FRONTEND=noninteractive

CFP_APP_BINARY_DEFAULT="$CARGO_TARGET_DIR/debug/client-finance-portal"
TAURI_DRIVER_VERSION=2.1.0
# Vite 8 needs at least this Node.js.
NODE_MIN_MAJOR=20
NODE_MIN_MINOR=19

# Build the app and run its tests: Tauri's WebKitGTK stack, X and D-Bus for the window,
# WebKitWebDriver for end-to-end tests, and the tools that check PDFs and screenshots.
DEBIAN_PACKAGES=(
  build-essential file pkg-config libwebkit2gtk-4.1-dev libssl-dev libxdo-dev
  libayatana-appindicator3-dev librsvg2-dev
  xvfb xauth webkit2gtk-driver dbus gnome-keyring poppler-utils qpdf imagemagick curl sqlite3
  # Keys through the X server: the native Save dialog (tests/e2e/harness/save-dialog.mjs) and the
  # release kiosk window, which allows no WebDriver (tests/e2e/harness/xdotool.mjs).
  xdotool
  # Printing through the real CUPS (.ci/print-test): the scheduler, lp, and a PDF printer.
  cups cups-client printer-driver-cups-pdf
  # The council service's console in a real browser; a venv for the OpenAPI validator.
  chromium chromium-driver python3-venv
  # Checking the installers (.ci/package-test): Debian's package checker, the menu entry validator.
  lintian desktop-file-utils
  # The keyring read back in the end-to-end tests (secret-tool).
  libsecret-tools
)

CFP_STARTED_AT=$SECONDS

# Every step runs in this shell with `set -e` in force, so the first command that fails inside a
# step function (a `git`, an `npm ci`, a build) stops the script. (Running it as `if ! "$@"` would
# turn `set -e` off inside the whole function.) Not a subshell: steps may set variables that later
# steps read. Command substitutions inherit `set -e` too; the ERR trap names the failed step.
set -Eeuo pipefail
shopt -s inherit_errexit
CFP_STEP_TITLE=""
CFP_STEP_STARTED=0
cfp_step_failed() {
  local status=$?
  # Once, from the step's own shell (not from each subshell the failure passes through).
  if [ -n "$CFP_STEP_TITLE" ] && [ "$BASH_SUBSHELL" -eq 0 ]; then
    printf '\n!!!! FAILED: %s (exit %s, after %ss)\n' "$CFP_STEP_TITLE" "$status" "$((SECONDS - CFP_STEP_STARTED))" >&2
    CFP_STEP_TITLE=""
  fi
}
trap cfp_step_failed ERR

# Print a clear header for a step, run it, and print how long it took. The script stops at the
# first failure inside it, naming the step (.ci/lib-selftest proves this).
step() {
  local title="$1"
  shift
  printf '\n==== %s ====\n' "$title"
  CFP_STEP_TITLE="$title"
  CFP_STEP_STARTED=$SECONDS
  "$@"
  CFP_STEP_TITLE=""
  printf -- '\n---- done: %s (%ss; %ss in all)\n' "$title" "$((SECONDS - CFP_STEP_STARTED))" "$((SECONDS - CFP_STARTED_AT))"
}

# Run a command as root: directly when we are root, through sudo otherwise.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  else
    sudo "$@"
  fi
}

ensure_debian_packages() {
  local missing=() package
  for package in "${DEBIAN_PACKAGES[@]}"; do
    if [ "$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null)" != "install ok installed" ]; then
      missing+=("$package")
    fi
  done
  if [ "${#missing[@]}" -eq 0 ]; then
    echo "All ${#DEBIAN_PACKAGES[@]} Debian packages are installed."
    return 0
  fi
  echo "Installing: ${missing[*]}"
  as_root apt-get update
  as_root apt-get install -y --no-install-recommends "${missing[@]}"
}

ensure_rust_tools() {
  if ! command -v cargo >/dev/null; then
    echo "cargo is not installed. Install Rust with rustup (https://rustup.rs), then run this again." >&2
    return 1
  fi
  if ! cargo fmt --version >/dev/null 2>&1 || ! cargo clippy --version >/dev/null 2>&1; then
    rustup component add rustfmt clippy
  fi
  cargo --version
}

ensure_node() {
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "Node.js ${NODE_MIN_MAJOR}.${NODE_MIN_MINOR} or newer (with npm) is needed; it is not installed." >&2
    return 1
  fi
  local version major minor
  version="$(node --version)"
  IFS=. read -r major minor _ <<<"${version#v}"
  if [ "$major" -lt "$NODE_MIN_MAJOR" ] || { [ "$major" -eq "$NODE_MIN_MAJOR" ] && [ "$minor" -lt "$NODE_MIN_MINOR" ]; }; then
    echo "Node.js $version is too old: ${NODE_MIN_MAJOR}.${NODE_MIN_MINOR} or newer is needed." >&2
    return 1
  fi
  echo "Node.js $version, npm $(npm --version)"
}

ensure_tauri_driver() {
  local installed
  installed="$(cargo install --list)"
  if grep -qx "tauri-driver v${TAURI_DRIVER_VERSION}:" <<<"$installed"; then
    echo "tauri-driver ${TAURI_DRIVER_VERSION} is installed."
    return 0
  fi
  # cargo install builds in its own temporary dir, so the shared target dir is not locked meanwhile.
  env -u CARGO_TARGET_DIR cargo install tauri-driver --version "$TAURI_DRIVER_VERSION" --locked
}

# The shared target dir outlives clones and grows with every dependency bump; a full disk fails
# the build half-way with "No space left on device". Below this much free space, stale build
# state is removed first (incremental caches, examples), then the whole target dir: it is a cache.
MIN_FREE_GB=20
free_gb_at() { df -P -k "$1" | awk 'NR==2 { print int($4 / 1048576) }'; }
ensure_disk_space() {
  mkdir -p "$CARGO_TARGET_DIR"
  local free
  free="$(free_gb_at "$CARGO_TARGET_DIR")"
  echo "Free space for builds: ${free} GB (at least ${MIN_FREE_GB} GB wanted)."
  if [ "$free" -ge "$MIN_FREE_GB" ]; then return 0; fi
  echo "Removing incremental caches and built examples from $CARGO_TARGET_DIR."
  rm -rf "$CARGO_TARGET_DIR"/*/incremental "$CARGO_TARGET_DIR"/*/examples
  free="$(free_gb_at "$CARGO_TARGET_DIR")"
  if [ "$free" -ge "$MIN_FREE_GB" ]; then return 0; fi
  echo "Still ${free} GB: removing the whole build cache $CARGO_TARGET_DIR (everything will be rebuilt)."
  rm -rf "$CARGO_TARGET_DIR"
  mkdir -p "$CARGO_TARGET_DIR"
  free="$(free_gb_at "$CARGO_TARGET_DIR")"
  if [ "$free" -lt 8 ]; then
    echo "Only ${free} GB free for building: free some disk space and run this again." >&2
    return 1
  fi
}

install_everything() {
  step "Make room for the build (when the disk is nearly full)" ensure_disk_space
  step "Install Debian packages (when missing)" ensure_debian_packages
  step "Check Rust" ensure_rust_tools
  step "Check Node.js" ensure_node
}

ui_install() { npm --prefix ui ci --no-audit --no-fund; }
ui_build() { npm --prefix ui run build; }
e2e_install() { npm --prefix tests ci --no-audit --no-fund; }
app_build() { cargo build -p client-finance-portal --bin client-finance-portal; }

# The council service's stylesheet (govuk-frontend compiled with sass), served from its dist/.
COUNCIL_STYLES=crates/council-kit/styles
has_council_styles() { [ -f "$COUNCIL_STYLES/package.json" ]; }
council_styles_build() {
  npm --prefix "$COUNCIL_STYLES" ci --no-audit --no-fund
  npm --prefix "$COUNCIL_STYLES" run build
}

# The finance-team console in Chromium, keyboard only and audited by axe-core (tests/console).
# It reuses the e2e harness and its axe-core, so it runs after e2e_install.
console_browser_tests() {
  cargo build -p council-service --bin council-service
  npm --prefix tests/console test
}

# Known vulnerabilities in the dependency tree, checked offline: cargo-deny (pinned) against the
# RustSec snapshot in ../shared/advisory-db.bundle, with the accepted advisories in .ci/deny.toml.
CARGO_DENY_VERSION=0.20.2
ADVISORY_DB_BUNDLE="$CFP_ROOT/../shared/advisory-db.bundle"
# cargo-deny keeps each database in a folder named after its URL (the default RustSec URL gives this).
ADVISORY_DB_FOLDER=advisory-db-3157b0e258782691
ensure_cargo_deny() {
  if cargo deny --version 2>/dev/null | grep -qx "cargo-deny ${CARGO_DENY_VERSION}"; then
    echo "cargo-deny ${CARGO_DENY_VERSION} is installed."
    return 0
  fi
  env -u CARGO_TARGET_DIR cargo install cargo-deny --version "$CARGO_DENY_VERSION" --locked
}
advisories_are_clear() {
  if [ ! -f "$ADVISORY_DB_BUNDLE" ]; then
    echo "The advisory database snapshot is missing: $ADVISORY_DB_BUNDLE" >&2
    return 1
  fi
  # A fresh clone each run, so a newer snapshot in shared/ is always the one checked.
  export CFP_ADVISORY_DB_ROOT="$CARGO_TARGET_DIR/advisory-dbs"
  rm -rf "$CFP_ADVISORY_DB_ROOT"
  mkdir -p "$CFP_ADVISORY_DB_ROOT"
  git clone --quiet --branch main "$ADVISORY_DB_BUNDLE" "$CFP_ADVISORY_DB_ROOT/$ADVISORY_DB_FOLDER"
  echo "Advisory database snapshot of $(git -C "$CFP_ADVISORY_DB_ROOT/$ADVISORY_DB_FOLDER" log -1 --format=%cs)."
  # Metadata for every platform needs every platform's crates downloaded (from the registry).
  cargo fetch --quiet
  cargo deny --offline --config .ci/deny.toml check advisories bans
}

# The finance API's OpenAPI document, checked by an independent validator (Python's
# openapi-spec-validator, pinned, in a venv beside the build cache).
OPENAPI_SPEC_VALIDATOR_VERSION=0.9.0
openapi_document_is_valid() {
  local venv="$CARGO_TARGET_DIR/openapi-spec-validator-$OPENAPI_SPEC_VALIDATOR_VERSION" document
  if [ ! -x "$venv/bin/openapi-spec-validator" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "openapi-spec-validator==$OPENAPI_SPEC_VALIDATOR_VERSION"
  fi
  document="$CARGO_TARGET_DIR/council-finance-openapi.json"
  cargo run --quiet -p council-finance --example openapi >"$document"
  "$venv/bin/openapi-spec-validator" "$document"
}

# An independent OpenID Connect provider (npm oidc-provider) that the desktop sign-in is tested against.
oidc_fixture_install() { npm --prefix crates/council-client/tests/oidc-provider ci --no-audit --no-fund; }

print_total_time() {
  printf '\n==== %s in %ss ====\n' "$1" "$((SECONDS - CFP_STARTED_AT))"
}
