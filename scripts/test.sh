#!/usr/bin/env bash
# Runs every test of CertiSanté on real components, after installing what is missing.
# Ends with one line "N passed, N failed" counting the individual tests of every runner.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
export CARGO_TERM_COLOR=never NO_COLOR=1 FORCE_COLOR=0
# One build per run: incremental compilation would only cost time and gigabytes of disk.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
logs=$(mktemp -d)
failed_steps=()
skipped_steps=()
tools="${CERTISANTE_TOOLS_DIR:-$HOME/.cache/certisante/tools}"

step() {
  local name=$1 start=$SECONDS; shift
  echo "=== $name"
  if "$@" 2>&1 | tee "$logs/$name.log"; then
    echo "=== $name: ok ($((SECONDS - start)) s)"
  else
    echo "=== $name: FAILED ($((SECONDS - start)) s)"
    failed_steps+=("$name")
  fi
}

# A step whose tools are missing says so loudly, and is named again before the last line.
skip() {
  local name=$1; shift
  echo "=== $name: SKIPPED ($*)"
  echo "!!! $name did NOT run: $*"
  skipped_steps+=("$name")
}

bash scripts/setup.sh test || { echo "setup failed"; echo "0 passed, 1 failed"; exit 1; }

# Release checks without a build: workflow lint, Tauri config schema, one version, icons.
step release-lint bash scripts/release-lint.sh

# Gates: formatting, the dependency policy (deny.toml: one
# crypto backend, licences, sources; advisories need GitHub, which is out of reach here);
# clippy (warnings are errors) below, once the UI is built.
step fmt cargo fmt --all -- --check
step deny "$tools/bin/cargo-deny" check bans licenses sources

step ui-check npm --prefix ui run check
step ui-unit npm --prefix ui test
step ui-build npm --prefix ui run build
# After the UI build: the app's crate embeds ui/dist (tauri::generate_context! fails without it).
step clippy cargo clippy --workspace --all-targets -- -D warnings
step cargo-build cargo build --workspace --bins
# Real components the Rust tests drive: a private pcscd with vpcd's virtual readers
# (the card), SoftHSM2 and opencryptoki tokens (the card's PKCS#11 side), gnome-keyring
# on a private D-Bus session bus (the OS keystore), a private PostgreSQL 15 (the group
# inventory: TLS with a test CA, SCRAM; one database per test), an SMTP server (aiosmtpd:
# STARTTLS, SMTPS, AUTH) and a webhook receiver (HTTP and HTTPS) on 127.0.0.1 for the e-mail
# and webhook alerts. The Prometheus tests start their own server (tests/harness/prometheus.sh).
harness=$(mktemp -d)
export CERTISANTE_PCSCD_DIR="$harness/pcscd" CERTISANTE_TOKEN_HARNESS="$harness/tokens" CERTISANTE_KEYRING_HARNESS="$harness/keyring"
export CERTISANTE_POSTGRES_HARNESS="$harness/postgres" CERTISANTE_SMTP_HARNESS="$harness/smtp" CERTISANTE_WEBHOOK_HARNESS="$harness/webhook"
step harness bash -c 'bash tests/harness/pcscd.sh start && bash tests/harness/tokens.sh all "$CERTISANTE_TOKEN_HARNESS" \
  && bash tests/harness/keyring.sh start "$CERTISANTE_KEYRING_HARNESS" && bash tests/harness/postgres.sh start "$CERTISANTE_POSTGRES_HARNESS" >/dev/null \
  && bash tests/harness/smtp.sh start "$CERTISANTE_SMTP_HARNESS" && bash tests/harness/webhook.sh start "$CERTISANTE_WEBHOOK_HARNESS"'
# The step ran in a child shell: take the private bus's address from the file it wrote, so
# the tests and the e2e app use that keyring, never a desktop session's.
if [ -f "$CERTISANTE_KEYRING_HARNESS/env" ]; then . "$CERTISANTE_KEYRING_HARNESS/env"; fi
step cargo-test bash -c 'cargo test --workspace --no-fail-fast \
  && cargo test -p certisante-devices --features card-tls --no-fail-fast --lib --test net'
step e2e bash tests/e2e/run.sh
bash tests/harness/pcscd.sh stop >/dev/null 2>&1 || true
bash tests/harness/keyring.sh stop "$CERTISANTE_KEYRING_HARNESS" >/dev/null 2>&1 || true
bash tests/harness/postgres.sh stop "$CERTISANTE_POSTGRES_HARNESS" >/dev/null 2>&1 || true
bash tests/harness/smtp.sh stop "$CERTISANTE_SMTP_HARNESS" >/dev/null 2>&1 || true
bash tests/harness/webhook.sh stop "$CERTISANTE_WEBHOOK_HARNESS" >/dev/null 2>&1 || true
rm -rf "$harness"

# Supervision files shipped for Prometheus and Grafana: rules checked and unit-tested by
# promtool, then loaded by a real Prometheus scraping sample metrics.
step monitoring bash tests/monitoring/check.sh

# Windows: the CLI cross-compiled with mingw-w64 and run under Wine (same JSON as on
# Linux, the "My" store read back, then the whole lifecycle with the key in Credential
# Manager and used from CurrentUser\My, the coded errors, the machine policy written with
# `wine reg add`, the smart-card service); then the Rust tests of the crates holding
# Windows code, built for Windows and run under Wine. Without Wine, at least a cross check.
# Last, the app built for Windows: its PE resources (manifest asInvoker, icon, version) and
# the shell's IPC tests under Wine (wine-ipc). The Windows cross builds cost minutes:
# CERTISANTE_SKIP_WINDOWS=1 skips these three steps, CERTISANTE_SKIP_WINDOWS_APP=1 only the
# app's (the heaviest build); said loudly like any skip (never silently, never by default).
windows_target=no
rustup target list --installed 2>/dev/null | grep -q x86_64-pc-windows-gnu && command -v x86_64-w64-mingw32-gcc >/dev/null && windows_target=yes
if [ "${CERTISANTE_SKIP_WINDOWS:-}" = 1 ]; then
  skip wine "CERTISANTE_SKIP_WINDOWS=1 (the Windows CLI's lifecycle under Wine)"
  skip wine-tests "CERTISANTE_SKIP_WINDOWS=1 (the Windows builds' Rust tests under Wine)"
  skip wine-ipc "CERTISANTE_SKIP_WINDOWS=1 (the Windows app: PE resources, IPC tests under Wine)"
elif [ $windows_target = yes ] && command -v wine >/dev/null; then
  # Bounded: a hung Wine process (a dialog nobody answers) ends the step, not the run.
  step wine timeout -k 30 2400 bash tests/installers/wine.sh
  step wine-tests timeout -k 30 1800 bash tests/installers/wine-tests.sh
  if [ "${CERTISANTE_SKIP_WINDOWS_APP:-}" = 1 ]; then
    skip wine-ipc "CERTISANTE_SKIP_WINDOWS_APP=1 (the Windows app: PE resources, IPC tests under Wine)"
  else
    step wine-ipc timeout -k 30 1800 bash tests/installers/wine-ipc.sh
  fi
elif [ $windows_target = yes ]; then
  skip wine "wine is not installed (apt-get install wine wine64)"
  step windows-check cargo check -p certisante-api -p certisante-cli --target x86_64-pc-windows-gnu
else
  skip wine "the x86_64-pc-windows-gnu target or mingw-w64 is missing"
fi

# Windows without Rust: the facilities the app relies on, under Wine, through mingw-built
# C helpers (store keys, Credential Manager, PC/SC, policy registry, read-only stores);
# the PE resource checker; the policy templates and MSI fragment (XML, consistency).
if command -v x86_64-w64-mingw32-gcc >/dev/null && command -v wine >/dev/null; then
  step wine-platform bash tests/installers/wine-platform.sh
else
  skip wine-platform "wine or mingw-w64 is missing (apt-get install wine wine64 gcc-mingw-w64-x86-64)"
fi
if command -v x86_64-w64-mingw32-windres >/dev/null; then
  step pe-check bash tests/installers/pe-check.sh
else
  skip pe-check "mingw-w64 is missing (apt-get install gcc-mingw-w64-x86-64)"
fi
if command -v xmllint >/dev/null; then
  step policy bash tests/installers/policy.sh
else
  skip policy "xmllint is missing (apt-get install libxml2-utils)"
fi

# The .deb: release build, dpkg -i into this machine, the installed app's dashboard
# under Xvfb, dpkg -r. Root (or sudo without a password) is needed to install it.
deb_missing=()
for tool in dpkg dpkg-deb xvfb-run curl node; do command -v $tool >/dev/null || deb_missing+=("$tool"); done
[ -x /usr/bin/WebKitWebDriver ] || deb_missing+=(WebKitWebDriver)
[ -x "$tools/bin/tauri-driver" ] || deb_missing+=(tauri-driver)
[ "$(id -u)" -eq 0 ] || sudo -n true 2>/dev/null || deb_missing+=("root or sudo without a password")
if [ ${#deb_missing[@]} -eq 0 ]; then
  step deb bash tests/installers/deb.sh
else
  skip deb "missing: ${deb_missing[*]}"
fi

# Count individual tests: cargo's "test result:" lines, vitest's "Tests  N passed", node's "# pass N".
passed=0; failed=0
while read -r p f; do passed=$((passed + p)); failed=$((failed + f)); done < <(
  grep -h "^test result:" "$logs"/cargo-test.log "$logs"/wine-tests.log "$logs"/wine-ipc.log 2>/dev/null | sed -E 's/.* ([0-9]+) passed; ([0-9]+) failed.*/\1 \2/'
  sed -E 's/\x1b\[[0-9;]*m//g' "$logs"/ui-unit.log 2>/dev/null | grep -E "^ +Tests +" | awk '{p=0;f=0; for(i=1;i<=NF;i++){if($(i+1) ~ /^passed/)p=$i; if($(i+1) ~ /^failed/)f=$i} print p, f}'
  grep -hE "^# (pass|fail) " "$logs"/e2e.log 2>/dev/null | awk '/# pass/{p=$3} /# fail/{f=$3} END{print p+0, f+0}'
  # The release and installer checks print one "ok - ..." or "not ok - ..." line each.
  for s in release-lint monitoring wine wine-ipc wine-platform pe-check policy deb; do
    [ -f "$logs/$s.log" ] && echo "$(grep -c '^ok - ' "$logs/$s.log") $(grep -c '^not ok - ' "$logs/$s.log")"
  done
)
# A step that failed without a failing test (a build, a check) still counts as a failure.
for s in "${failed_steps[@]}"; do
  case $s in
    cargo-test|wine-tests|ui-unit|e2e) grep -qE "([1-9][0-9]* failed|# fail [1-9])" "$logs/$s.log" || failed=$((failed + 1)) ;;
    release-lint|wine|wine-platform|pe-check|policy|deb) grep -q "^not ok - " "$logs/$s.log" || failed=$((failed + 1)) ;;
    wine-ipc) grep -qE "([1-9][0-9]* failed|^not ok - )" "$logs/$s.log" || failed=$((failed + 1)) ;;
    *) failed=$((failed + 1)) ;;
  esac
done
rm -rf "$logs"
[ ${#skipped_steps[@]} -gt 0 ] && echo "!!! SKIPPED steps (their tests did not run): ${skipped_steps[*]}"
[ ${#failed_steps[@]} -gt 0 ] && echo "failed steps: ${failed_steps[*]}"
echo "$passed passed, $failed failed"
[ ${#failed_steps[@]} -eq 0 ]
