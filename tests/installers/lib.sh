# shellcheck shell=bash
# Shared by the installer and release checks (sourced). Each check prints one line,
# "ok - WHAT" or "not ok - WHAT", which scripts/test.sh counts; `finish` fails the script
# when one check failed.
failures=0
ok() { echo "ok - $*"; }
not_ok() { echo "not ok - $*"; failures=$((failures + 1)); }
# check "WHAT" COMMAND...: runs COMMAND, its output kept in the log.
check() {
  local what=$1
  shift
  if "$@"; then ok "$what"; else not_ok "$what"; fi
}
finish() {
  if [ "$failures" -gt 0 ]; then
    echo "$failures check(s) failed"
    return 1
  fi
}
