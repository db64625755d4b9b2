#!/usr/bin/env bash
# Builds the Debian package of the app with the Tauri bundler (release profile):
#   $CARGO_TARGET_DIR/release/bundle/deb/certisante_<version>_amd64.deb   (default target/)
# Only the .deb: an AppImage cannot be bundled offline (its tools are downloaded).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh app
CI=true npx --prefix ui tauri build --bundles deb "$@"
target="${CARGO_TARGET_DIR:-target}"
deb="$target/release/bundle/deb/certisante_$(bash scripts/version.sh)_amd64.deb"
echo "built $deb ($(stat -c %s "$deb") bytes)"
