#!/usr/bin/env bash
# Builds the `certisante` command line for the .deb and writes a Tauri configuration that
# puts it at /usr/bin/certisante (merged by `tauri build --config FILE`): the bundler
# builds only the app's own binary, and the path of the CLI depends on the Cargo target
# folder, so it cannot be written in tauri.linux.conf.json.
#
#   scripts/deb-cli.sh CONFIG_OUT [release|debug]     (default release)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:?usage: $0 CONFIG_OUT [release|debug]}
profile=${2:-release}
target=$(realpath -m "${CARGO_TARGET_DIR:-target}")
case $profile in
  release) cargo build -p certisante-cli --release ;;
  debug) cargo build -p certisante-cli ;;
  *) echo "$0: profile release or debug, not $profile" >&2; exit 2 ;;
esac
cli="$target/$profile/certisante"
[ -x "$cli" ] || { echo "$0: $cli was not built" >&2; exit 1; }
printf '{"bundle":{"linux":{"deb":{"files":{"/usr/bin/certisante":"%s"}}}}}\n' "$cli" >"$out"
echo "$out: /usr/bin/certisante from $cli"
