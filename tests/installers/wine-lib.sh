# shellcheck shell=bash
# Shared by the scripts that run Windows builds under Wine (sourced after lib.sh): a fresh
# prefix in a temporary folder, removed with its wineserver on exit; the ProcessPrng stub;
# Windows paths; the tests skipped by name.
#
#   wine_work                  $work (a temp folder) and WINEPREFIX inside it; cleanup on exit
#   wine_boot                  creates the prefix, starts a persistent wineserver
#   wine_stub_dll DIR          builds bcryptprimitives.dll (ProcessPrng) into DIR
#   winpath PATH               Z:\... for Wine
#   wine_skips NAME WHY ...    prints each skip with why; sets skip_args for libtest

wine_work() {
  work=$(mktemp -d)
  export WINEPREFIX="$work/prefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
  wineserver_started=""
  trap wine_cleanup EXIT
  # Ended by the test command's timeout: still clean up (the EXIT trap).
  trap 'exit 143' TERM INT
}

wine_cleanup() {
  # Ends this prefix's wineserver only (it is keyed to WINEPREFIX).
  [ -n "$wineserver_started" ] && wineserver -k 2>/dev/null
  rm -rf "$work"
}

wine_boot() {
  local start
  start=$(date +%s)
  wineboot -i >/dev/null 2>&1
  wineserver_started=1
  # A persistent server: faster runs, and the registry DACLs regacl.exe sets live in it.
  wineserver -p
  echo "Wine prefix created in $(($(date +%s) - start)) s ($(wine --version))"
}

# Wine 8.0 lacks ProcessPrng (bcryptprimitives.dll), which Rust's standard library needs
# from its first line: a stub DLL stands in (tests only, never shipped).
wine_stub_dll() {
  mkdir -p "$1"
  if ! x86_64-w64-mingw32-gcc -O2 -shared -o "$1/bcryptprimitives.dll" tests/installers/wine/processprng.c -ladvapi32; then
    not_ok "the ProcessPrng stub DLL builds"
    finish
    exit 1
  fi
}

winpath() { printf 'Z:%s' "${1//\//\\}"; }

wine_skips() {
  skip_args=(--exact)
  while [ $# -ge 2 ]; do
    echo "skipped under Wine: $1 ($2)"
    skip_args+=(--skip "$1")
    shift 2
  done
}
