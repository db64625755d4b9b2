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

# The test portal (a TEST-like CA signing requests in the real profiles) for the orders
# test. The app finds its CAs beside the fixtures' own: both hierarchies carry the real
# TEST CAs' names, and the chain verifier tries every CA of the issuer's name, keeping the
# one whose key verifies the signature.
"$target/debug/certisante-testpki" portal init "$work/portal" >/dev/null
cp "$work/portal/anchors/test/"* "$work/fixtures/anchors/test/"

# Which tests run: all of them, or those E2E_ONLY names (a file, or a folder of them).
selected=${E2E_ONLY:-tests/e2e/}
runs() { case "$selected" in */|*"$1"*) return 0 ;; *) return 1 ;; esac; }

# The card: the harness pcscd (vpcd readers) and the SoftHSM2 token standing for the
# card's middleware, both started by scripts/test.sh (tests/harness/); only the card test
# needs them.
if runs card.test; then
  [ -n "${CERTISANTE_PCSCD_DIR:-}" ] && [ -f "$CERTISANTE_PCSCD_DIR/env" ] || { echo "e2e: the harness pcscd is not running (tests/harness/pcscd.sh start)"; exit 1; }
  [ -n "${CERTISANTE_TOKEN_HARNESS:-}" ] && [ -f "$CERTISANTE_TOKEN_HARNESS/softhsm.env" ] || { echo "e2e: the token harness did not run (tests/harness/tokens.sh)"; exit 1; }
  set -a
  . "$CERTISANTE_PCSCD_DIR/env"
  SOFTHSM2_CONF=$(sed -n 's/^SOFTHSM2_CONF=//p' "$CERTISANTE_TOKEN_HARNESS/softhsm.env")
  CERTISANTE_PKCS11_MODULE=$(sed -n 's/^SOFTHSM_MODULE=//p' "$CERTISANTE_TOKEN_HARNESS/softhsm.env")
  set +a
fi
# The group test: the test command's PostgreSQL (tests/harness/postgres.sh), its env for psql.
if runs group.test; then
  [ -n "${CERTISANTE_POSTGRES_HARNESS:-}" ] && [ -f "$CERTISANTE_POSTGRES_HARNESS/env" ] || { echo "e2e: the harness PostgreSQL is not running (tests/harness/postgres.sh start DIR; export CERTISANTE_POSTGRES_HARNESS=DIR)"; exit 1; }
  set -a
  . "$CERTISANTE_POSTGRES_HARNESS/env"
  set +a
fi
# The alert settings test: the test command's SMTP server and webhook receiver
# (tests/harness/smtp.sh, webhook.sh), read from their env files by the test.
if runs alert-settings.test; then
  for harness in CERTISANTE_SMTP_HARNESS CERTISANTE_WEBHOOK_HARNESS; do
    [ -n "${!harness:-}" ] && [ -f "${!harness}/env" ] || { echo "e2e: $harness is not set to a running harness (tests/harness/smtp.sh, webhook.sh start DIR)"; exit 1; }
  done
fi
# The orders, guide, renewal, group and alert settings tests keep keys in the OS keystore: the harness's
# gnome-keyring on its private D-Bus (scripts/test.sh exports its address; never a desktop
# session's keyring).
if runs orders.test || runs guide.test || runs renewal.test || runs group.test || runs alert-settings.test; then
  [ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ] || { echo "e2e: no D-Bus session with a keyring (tests/harness/keyring.sh start DIR && . DIR/env)"; exit 1; }
fi

export E2E_APP="$target/debug/certisante-app" E2E_CLI="$target/debug/certisante" E2E_FIXTURES="$work/fixtures" E2E_VCARD="$target/debug/certisante-vcard"
export E2E_TESTPKI="$target/debug/certisante-testpki" E2E_PORTAL="$work/portal" E2E_WORK="$work"
export E2E_ARTIFACTS="$root/tests/e2e/artifacts"
export E2E_SELECTED="$selected"
# tauri-driver's port (the tests reach it there) and, next to it, WebKitWebDriver's: a
# port of one's own lets a developer's run go on beside CI's (4444 and 4445).
export E2E_DRIVER_PORT="${E2E_DRIVER_PORT:-4444}"
export E2E_NATIVE_PORT="${E2E_NATIVE_PORT:-$((E2E_DRIVER_PORT + 1))}"
mkdir -p "$E2E_ARTIFACTS"
xvfb-run -a -s "-screen 0 1280x800x24" bash -c '
  "$0" --port "$E2E_DRIVER_PORT" --native-port "$E2E_NATIVE_PORT" --native-driver /usr/bin/WebKitWebDriver > "$E2E_ARTIFACTS/tauri-driver.log" 2>&1 &
  driver=$!
  for _ in $(seq 50); do curl -s "http://127.0.0.1:$E2E_DRIVER_PORT/status" >/dev/null && break; sleep 0.2; done
  node --test --test-concurrency=1 $E2E_SELECTED
  status=$?
  kill $driver 2>/dev/null; wait $driver 2>/dev/null
  exit $status
' "$tools/bin/tauri-driver"
