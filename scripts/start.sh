#!/usr/bin/env bash
# Starts CertiSanté on its embedded default: a local SQLite registry in the OS data
# folder (~/.local/share/certisante on Linux), nothing else to run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh app
npm --prefix ui run build
cargo build -p certisante-app -p certisante-cli
app="${CARGO_TARGET_DIR:-target}/debug/certisante-app"
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "start: no display found; starting on a virtual one (xvfb-run)" >&2
  command -v xvfb-run >/dev/null || bash scripts/setup.sh test
  exec xvfb-run -a -s "-screen 0 1280x800x24" "$app" "$@"
fi
exec "$app" "$@"
