#!/usr/bin/env bash
# Builds the test-only Windows helpers of tests/installers/wine/ with mingw-w64 into OUT:
#   bcryptprimitives.dll  ProcessPrng stub for Rust 1.95 programs under Wine 8 (processprng.c)
#   p12import.exe         PFX import into CurrentUser\My or LocalMachine\My
#   certsign.exe          SHA-256 / PKCS#1 v1.5 signature with a "My" store certificate's key
#   credprobe.exe         Credential Manager write / read / delete
#   scardprobe.exe        SCardEstablishContext / SCardListReaders
#   regprobe.exe          the machine policy (HKLM\Software\Policies\CertiSante) via RegGetValueW
#   storeprobe.exe        adding to a "My" store, read-only or not, and checking it persisted
#   regacl.exe            a deny DACL on a registry key (to make the above fail on purpose)
# None of them is ever shipped. Usage: build-helpers.sh OUT
set -euo pipefail
out=${1:?usage: build-helpers.sh OUT}
src=$(cd "$(dirname "$0")" && pwd)
cc=${MINGW_CC:-x86_64-w64-mingw32-gcc}
command -v "$cc" >/dev/null || { echo "build-helpers: $cc is missing (apt-get install gcc-mingw-w64-x86-64)" >&2; exit 1; }
mkdir -p "$out"
flags=(-O2 -s -Wall)

"$cc" "${flags[@]}" -shared -o "$out/bcryptprimitives.dll" "$src/processprng.c" -ladvapi32
# name, libraries; every helper but scardprobe has a wmain (wide arguments).
build() {
  local name=$1; shift
  local unicode=(-municode)
  [ "$name" = scardprobe ] && unicode=()
  "$cc" "${flags[@]}" "${unicode[@]}" -o "$out/$name.exe" "$src/$name.c" "$@"
}
build p12import -lcrypt32
build certsign -lcrypt32 -ladvapi32 -lncrypt -lbcrypt
build credprobe -ladvapi32
build scardprobe -lwinscard
build regprobe -ladvapi32
build storeprobe -lcrypt32
build regacl -ladvapi32
echo "build-helpers: $(cd "$out" && ls bcryptprimitives.dll ./*.exe | tr '\n' ' ')"
