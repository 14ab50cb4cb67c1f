# Shared by .ci/package, .ci/sizes and .ci/package-test (sourced after lib.sh, not run).
# shellcheck shell=bash

# Release builds get their own target dir: they never wait on (or evict) the debug builds
# of `bash .ci/test`, and a council's build machine keeps them between runs.
export CARGO_TARGET_DIR="${CFP_PACKAGE_TARGET_DIR:-$HOME/.cache/cfp-release}"
CFP_RELEASE_DIR="$CARGO_TARGET_DIR/release"
CFP_RELEASE_BINARY="$CFP_RELEASE_DIR/client-finance-portal"
CFP_BUNDLE_DIR="$CFP_RELEASE_DIR/bundle"
CFP_PACKAGE_NAME=client-finance-portal
TAURI_CLI_DIR="$CFP_ROOT/.ci/package-cli"

# Budgets from issue 9, in bytes (1 MB = 1,000,000 bytes, the stricter reading).
CFP_BINARY_BUDGET=20000000
CFP_DEB_BUDGET=10000000

tauri_cli_install() { npm --prefix "$TAURI_CLI_DIR" ci --no-audit --no-fund; }
tauri_cli() { "$TAURI_CLI_DIR/node_modules/.bin/tauri" "$@"; }

# The .deb of the version in Cargo.toml (the bundler names it <product>_<version>_<arch>.deb).
# The first `version = "..."` line (the workspace's), read without a pipe that stops early.
cfp_version() { sed -n '/^version = "\(.*\)"$/{s//\1/p;q}' "$CFP_ROOT/Cargo.toml"; }
cfp_deb_path() { printf '%s/deb/Client Finance Portal_%s_%s.deb' "$CFP_BUNDLE_DIR" "$(cfp_version)" "$(dpkg --print-architecture)"; }

# A Tauri config to merge at bundling time: the Debian changelog, gzipped as Debian requires
# (the bundler's own `changelog` option would file it under the product name, not the package
# name). Prints the config file's path.
deb_extras_config() {
  local dir="$CARGO_TARGET_DIR/cfp-package"
  mkdir -p "$dir"
  gzip -9nc "$CFP_ROOT/.ci/package-deb/changelog" >"$dir/changelog.gz"
  printf '{"bundle":{"linux":{"deb":{"files":{"/usr/share/doc/%s/changelog.gz":"%s"}}}}}\n' \
    "$CFP_PACKAGE_NAME" "$dir/changelog.gz" >"$dir/deb-extras.json"
  echo "$dir/deb-extras.json"
}
