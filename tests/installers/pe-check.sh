#!/usr/bin/env bash
# tests/installers/pe-check.py against small executables built here with mingw-w64:
#   - with an .rc file (windres) holding icons/icon.ico, a VERSIONINFO of the project's
#     version and packaging/windows/certisante-app.manifest, GUI subsystem: every check
#     passes, and the version checks fail for another version;
#   - a console program without resources: each check fails;
#   - a manifest asking for administrator rights without DPI awareness: that check fails.
# pe-check's own lines are shown after "# " (its "not ok" lines are expected here).
# A cross-compiled certisante-app.exe, when one was built, is checked for information.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
root=$(pwd)
. tests/installers/lib.sh
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
version=$(bash scripts/version.sh)
IFS=. read -r major minor patch <<<"$version"
cc=x86_64-w64-mingw32-gcc
windres=x86_64-w64-mingw32-windres

cp icons/icon.ico packaging/windows/certisante-app.manifest "$work/"
sed 's/level="asInvoker"/level="requireAdministrator"/; /dpiAware/d' packaging/windows/certisante-app.manifest >"$work/admin.manifest"
printf '#include <windows.h>\nint WINAPI WinMain(HINSTANCE a, HINSTANCE b, LPSTR c, int d) { return 0; }\n' >"$work/app.c"
printf 'int main(void) { return 0; }\n' >"$work/bare.c"
rc_file() { # MANIFEST
  cat <<EOF
#include <winver.h>
1 ICON "icon.ico"
1 24 "$1"
1 VERSIONINFO
FILEVERSION $major,$minor,$patch,0
PRODUCTVERSION $major,$minor,$patch,0
FILEOS VOS_NT_WINDOWS32
FILETYPE VFT_APP
BEGIN
  BLOCK "StringFileInfo"
  BEGIN
    BLOCK "040c04b0"
    BEGIN
      VALUE "CompanyName", "CertiSanté"
      VALUE "FileDescription", "CertiSanté"
      VALUE "FileVersion", "$version"
      VALUE "ProductName", "CertiSanté"
      VALUE "ProductVersion", "$version"
    END
  END
  BLOCK "VarFileInfo"
  BEGIN
    VALUE "Translation", 0x040c, 1200
  END
END
EOF
}
build() (
  cd "$work" &&
  rc_file certisante-app.manifest >app.rc && rc_file admin.manifest >admin.rc &&
  $windres -c 65001 app.rc -O coff -o app.res.o && $windres -c 65001 admin.rc -O coff -o admin.res.o &&
  $cc -O2 -s -mwindows -o app.exe app.c app.res.o && $cc -O2 -s -mwindows -o admin.exe app.c admin.res.o &&
  $cc -O2 -s -o bare.exe bare.c
)
if ! check "test executables build with mingw-w64 (windres: icon, VERSIONINFO $version, manifest)" build; then
  finish
  exit 1
fi

# run EXE VERSION [ARGS]: pe-check's output (indented) in $out, its status in $status.
run() {
  out=$(python3 tests/installers/pe-check.py "$@")
  status=$?
  sed 's/^/#   /' <<<"$out"
}
line() { grep -F -- "$2" <<<"$out" | grep -q "^$1 - "; }

run "$work/app.exe" "$version"
check "pe-check passes the complete GUI executable (exit 0, 5 ok)" \
  bash -c '[ "$1" = 0 ] && [ "$(grep -c "^ok - " <<<"$2")" = 5 ] && ! grep -q "^not ok" <<<"$2"' _ "$status" "$out"

run "$work/app.exe" 9.8.7
check "pe-check fails the version checks for another version (9.8.7), and only them" \
  bash -c '[ "$1" = 1 ] && [ "$(grep "^not ok - " <<<"$2" | grep -c -i "version")" = 2 ] && [ "$(grep -c "^ok - " <<<"$2")" = 3 ]' _ "$status" "$out"

run "$work/bare.exe" "$version"
check "pe-check fails a console executable without resources: icon" line "not ok" "icon group"
check "... VERSIONINFO" line "not ok" "VERSIONINFO resource"
check "... manifest" line "not ok" "application manifest"
check "... GUI subsystem (found 3)" line "not ok" "found 3"
check "... and exits 1" test "$status" = 1
run "$work/bare.exe" "$version" --subsystem console
check "pe-check --subsystem console accepts its subsystem" line "ok" "subsystem 3 (CONSOLE): found 3"

run "$work/admin.exe" "$version"
check "pe-check fails a manifest asking for requireAdministrator without DPI awareness" \
  bash -c '[ "$1" = 1 ] && grep -q "^not ok - an application manifest requesting asInvoker.*level=requireAdministrator, no DPI element" <<<"$2"' _ "$status" "$out"

printf 'MZ not a PE' >"$work/junk.exe"
run "$work/junk.exe" "$version"
check "pe-check reports a file that is not a PE image (exit 1)" \
  bash -c '[ "$1" = 1 ] && grep -q "^not ok - .* is a readable PE image" <<<"$2"' _ "$status" "$out"

app="${CARGO_TARGET_DIR:-$root/target}/x86_64-pc-windows-gnu/release/certisante-app.exe"
if [ -f "$app" ]; then
  echo "# for information, the cross-compiled app ($app):"
  run "$app" "$version"
fi
finish
