#!/usr/bin/env bash
# The window's commands while a scan reads a large folder (issue 13): the shell's IPC on
# Tauri's mock runtime, 100,000 files (RESPONSIVE_FILES to change it) as hard links in a
# temporary folder. Prints the scan's duration and get_dashboard's answer times during it.
# A measurement run on demand, not a test: nothing fails when a figure is slow.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d ui/dist ] || npm --prefix ui run build >/dev/null
export RESPONSIVE_FILES="${RESPONSIVE_FILES:-100000}"
cargo test -q --test ipc -- --ignored --nocapture commands_answer_while_a_large_folder_is_scanned 2>&1 | grep -E "^responsive:|panicked|error" || {
    echo "responsive.sh: the measurement did not run" >&2
    exit 1
}
