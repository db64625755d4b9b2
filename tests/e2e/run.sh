#!/usr/bin/env bash
# End-to-end: the real app under Xvfb, driven through WebDriver (tauri-driver +
# WebKitWebDriver), on a generated folder of certificates in an isolated home.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
target="${CARGO_TARGET_DIR:-$root/target}"
tools="${CERTISANTE_TOOLS_DIR:-$HOME/.cache/certisante/tools}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$target/debug/certisante-testpki" fixtures "$work/fixtures" >/dev/null
mkdir -p "$work/home" "$work/data"
export HOME="$work/home" XDG_DATA_HOME="$work/home/.local/share" XDG_CONFIG_HOME="$work/home/.config"
export CERTISANTE_DATA_DIR="$work/data" CERTISANTE_EXTRA_ANCHORS="$work/fixtures/anchors"
"$target/debug/certisante" watch add "$work/fixtures/certs" >/dev/null

# The card: the harness pcscd (vpcd readers) and the SoftHSM2 token standing for the
# card's middleware, both started by scripts/test.sh (tests/harness/).
[ -n "${CERTISANTE_PCSCD_DIR:-}" ] && [ -f "$CERTISANTE_PCSCD_DIR/env" ] || { echo "e2e: the harness pcscd is not running (tests/harness/pcscd.sh start)"; exit 1; }
[ -n "${CERTISANTE_TOKEN_HARNESS:-}" ] && [ -f "$CERTISANTE_TOKEN_HARNESS/softhsm.env" ] || { echo "e2e: the token harness did not run (tests/harness/tokens.sh)"; exit 1; }
set -a
. "$CERTISANTE_PCSCD_DIR/env"
SOFTHSM2_CONF=$(sed -n 's/^SOFTHSM2_CONF=//p' "$CERTISANTE_TOKEN_HARNESS/softhsm.env")
CERTISANTE_PKCS11_MODULE=$(sed -n 's/^SOFTHSM_MODULE=//p' "$CERTISANTE_TOKEN_HARNESS/softhsm.env")
set +a

export E2E_APP="$target/debug/certisante-app" E2E_FIXTURES="$work/fixtures" E2E_VCARD="$target/debug/certisante-vcard"
export E2E_ARTIFACTS="$root/tests/e2e/artifacts"
mkdir -p "$E2E_ARTIFACTS"
xvfb-run -a -s "-screen 0 1280x800x24" bash -c '
  "$0" --port 4444 --native-driver /usr/bin/WebKitWebDriver > "$E2E_ARTIFACTS/tauri-driver.log" 2>&1 &
  driver=$!
  for _ in $(seq 50); do curl -s http://127.0.0.1:4444/status >/dev/null && break; sleep 0.2; done
  node --test --test-concurrency=1 ${E2E_ONLY:-tests/e2e/}
  status=$?
  kill $driver 2>/dev/null; wait $driver 2>/dev/null
  exit $status
' "$tools/bin/tauri-driver"
