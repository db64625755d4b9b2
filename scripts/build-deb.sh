#!/usr/bin/env bash
# Builds the Debian package of the app with the Tauri bundler (release profile):
#   $CARGO_TARGET_DIR/release/bundle/deb/certisante_<version>_amd64.deb   (default target/)
# It holds the app, the `certisante` command line (/usr/bin/certisante, scripts/deb-cli.sh)
# and the systemd user unit and timer of the scheduled watch (disabled:
# tauri.linux.conf.json). `--debug` builds a debug package (target/debug/bundle/deb/)
# for a quick check of the packaging itself.
# Only the .deb: an AppImage cannot be bundled offline (its tools are downloaded).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh app
profile=release
for arg in "$@"; do [ "$arg" = --debug ] && profile=debug; done
config=$(mktemp --suffix .json)
trap 'rm -f "$config"' EXIT
bash scripts/deb-cli.sh "$config" "$profile"
CI=true npx --prefix ui tauri build --bundles deb --config "$config" "$@"
target="${CARGO_TARGET_DIR:-target}"
deb="$target/$profile/bundle/deb/certisante_$(bash scripts/version.sh)_amd64.deb"
echo "built $deb ($(stat -c %s "$deb") bytes)"
