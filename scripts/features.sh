#!/usr/bin/env bash
# Lists the third-party crates whose features differ between the builds the test command
# makes (each a selection of packages, for Linux and for Windows, with or without the
# dev-dependencies): each such difference compiles the crate, and everything above it,
# once more. Add what it lists to crates/workspace-hack/Cargo.toml (target side only).
# Reads `cargo tree` (no compilation); prints nothing below the header when all agree.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
linux=x86_64-unknown-linux-gnu
windows=x86_64-pc-windows-gnu

# name TARGET EDGES cargo-tree-args...: "crate@version<TAB>features" of the target side
# (what proc-macros depend on is built for the host: left out).
selection() {
  local name=$1 target=$2 edges=$3
  shift 3
  cargo tree --target "$target" -e "$edges" --prefix depth -f '{p}|{f}' "$@" 2>/dev/null | awk -F'|' '
    { match($0, /^[0-9]+/); depth = substr($0, 1, RLENGTH) + 0; line = substr($0, RLENGTH + 1) }
    skip_below != "" && depth > skip_below { next }
    { skip_below = "" }
    line ~ /\(proc-macro\)/ { skip_below = depth; next }
    { split(line, f, "|"); split(f[1], p, " "); if (p[3] !~ /^\(\//) print p[1] "@" p[2] "\t" f[2] }
  ' | sed 's/ (\*)$//' | sort -u >"$work/$name"
}

selection linux-build $linux normal --workspace
selection linux-test $linux normal,dev --workspace
selection linux-card-tls $linux normal,dev -p certisante-devices --features card-tls
selection linux-release-app $linux normal -p certisante-app --features tauri/custom-protocol
selection linux-release-cli $linux normal -p certisante-cli
selection windows-cli $windows normal -p certisante-cli
selection windows-lib-tests $windows normal,dev -p certisante-devices -p certisante-store -p certisante-api
selection windows-app-tests $windows normal,dev -p certisante-app

echo "crate@version: features in one selection and not in another (selection)"
for os in linux windows; do
  cat "$work"/$os-* | cut -f1 | sort | uniq | while read -r crate; do
    sets=$(grep -h "^$crate	" "$work"/$os-* | cut -f2 | sort -u)
    [ "$(wc -l <<<"$sets")" -gt 1 ] || continue
    # tauri's `test` feature (the IPC tests' mock runtime) and `custom-protocol` (the
    # release) belong to those builds: only tauri, its plugins and the app compile twice.
    [[ $crate == tauri@* ]] && continue
    echo "$os $crate:"
    for file in "$work"/$os-*; do
      grep -h "^$crate	" "$file" | cut -f2 | sed "s|^|  $(basename "$file"): |"
    done
  done
done
