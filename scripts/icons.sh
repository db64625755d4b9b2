#!/usr/bin/env bash
# Regenerates every platform's icons in icons/ from the one source image icons/source.svg
# with the Tauri CLI (`tauri icon`, from ui/node_modules): the Linux PNGs, icon.ico
# (16, 24, 32, 48, 64, 256 px) for Windows, icon.icns for macOS and the Square*Logo.png /
# StoreLogo.png set of Windows packages. Android and iOS sets are not kept (desktop only).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x ui/node_modules/.bin/tauri ] || npm --prefix ui ci --no-audit --no-fund
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
npx --prefix ui tauri icon icons/source.svg -o "$out" >"$out/log" 2>&1 || { cat "$out/log" >&2; exit 1; }
rm -f "$out/log"
rm -rf "$out/android" "$out/ios"
find icons -maxdepth 1 -type f ! -name source.svg -delete
cp "$out"/* icons/
ls icons
