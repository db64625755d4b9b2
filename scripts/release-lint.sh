#!/usr/bin/env bash
# Release checks that need no build: the release workflow (yamllint, GitHub's workflow
# schema), tauri.conf.json (the Tauri CLI's own schema), the one version, the WiX upgrade
# code that must never change, the identifier, the icons and the licence.
# Tools: Debian's yamllint, check-jsonschema in $CERTISANTE_TOOLS_DIR/venv (scripts/setup.sh test).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
. tests/installers/lib.sh
tools="${CERTISANTE_TOOLS_DIR:-$HOME/.cache/certisante/tools}"
jsonschema="$tools/venv/bin/check-jsonschema"

# Fixed for the life of the product: Windows recognises an upgrade of an installed MSI by
# this code; a new code installs a second copy beside the first (docs/installers.md).
UPGRADE_CODE=77a479f6-35be-4917-aa41-a41b16aa1a31
# Names the data folders of the webview and the macOS bundle: changing it loses them.
IDENTIFIER=fr.certisante.desktop

conf() { python3 -c 'import json, sys; c = json.load(open("tauri.conf.json")); print(eval(sys.argv[1], {"c": c}))' "$1"; }

check "release workflow passes yamllint (strict)" yamllint --strict -c .yamllint.yml .github/workflows/
if [ -x "$jsonschema" ]; then
  check "release workflow matches GitHub's workflow schema" "$jsonschema" --builtin-schema vendor.github-workflows .github/workflows/*.yml
  check "tauri.conf.json matches the Tauri CLI's config schema" \
    "$jsonschema" --regex-variant python --schemafile ui/node_modules/@tauri-apps/cli/config.schema.json tauri.conf.json
else
  not_ok "check-jsonschema missing ($jsonschema): run scripts/setup.sh test"
fi

version=$(bash scripts/version.sh)
echo "version (Cargo.toml [workspace.package]): $version"
check "tauri.conf.json has no version of its own (Tauri takes Cargo.toml's)" test "$(conf '"version" in c')" = False
check "ui/package.json has no version of its own" \
  python3 -c 'import json, sys; sys.exit("version" in json.load(open("ui/package.json")))'
for manifest in Cargo.toml crates/*/Cargo.toml; do
  check "$manifest inherits the workspace version" grep -qx 'version.workspace = true' "$manifest"
done
check "CHANGELOG.md has an Unreleased section and one for $version" \
  bash -c 'grep -qx "## \[Unreleased\]" CHANGELOG.md && grep -q "^## \[$1\]" CHANGELOG.md' _ "$version"

check "WiX upgrade code unchanged ($UPGRADE_CODE)" test "$(conf 'c["bundle"]["windows"]["wix"]["upgradeCode"]')" = "$UPGRADE_CODE"
check "identifier unchanged ($IDENTIFIER)" test "$(conf 'c["identifier"]')" = "$IDENTIFIER"
check "NSIS installs per machine" test "$(conf 'c["bundle"]["windows"]["nsis"]["installMode"]')" = perMachine
check "WebView2 comes with the installer (offline)" test "$(conf 'c["bundle"]["windows"]["webviewInstallMode"]["type"]')" = offlineInstaller

icons_ok() {
  local icon
  for icon in $(conf '" ".join(c["bundle"]["icon"])'); do
    [ -f "$icon" ] || { echo "missing $icon"; return 1; }
    case $icon in
      *.png) file "$icon" | grep -q 'RGBA' || { echo "$icon is not an RGBA PNG"; return 1; } ;;
    esac
  done
  conf '[i for i in c["bundle"]["icon"] if i.endswith(".icns")][0]' >/dev/null &&
    conf '[i for i in c["bundle"]["icon"] if i.endswith(".ico")][0]' >/dev/null
}
check "every listed icon exists (PNG RGBA, .icns, .ico)" icons_ok
ico_sizes() {
  python3 - "$@" <<'PY'
import struct, sys
data = open("icons/icon.ico", "rb").read()
count = struct.unpack("<HHH", data[:6])[2]
sizes = sorted({data[6 + 16 * i] or 256 for i in range(count)})
print("icon.ico sizes:", sizes)
sys.exit(not {16, 24, 32, 48, 256} <= set(sizes))
PY
}
check "icon.ico holds 16, 24, 32, 48 and 256 px" ico_sizes
check "LICENSE is the Apache License 2.0 declared by Cargo.toml" \
  bash -c 'grep -q "Apache License" LICENSE && grep -q "Version 2.0, January 2004" LICENSE && grep -qx "license = \"Apache-2.0\"" Cargo.toml'
finish
