#!/usr/bin/env bash
# Installs what CertiSanté needs on a Debian/Ubuntu machine, only what is missing:
#   scripts/setup.sh app    system libraries, npm packages (to build and start the app)
#   scripts/setup.sh test   the same, plus the real components the tests drive
set -euo pipefail
cd "$(dirname "$0")/.."
purpose=${1:-app}

app_packages=(
  build-essential pkg-config curl file xdg-utils openssl
  libwebkit2gtk-4.1-dev libjavascriptcoregtk-4.1-dev libgtk-3-dev libsoup-3.0-dev
  libayatana-appindicator3-dev librsvg2-dev libssl-dev libxdo-dev libdbus-1-dev
  libpcsclite-dev pcscd libnss3-tools
)
test_packages=(xvfb xauth webkit2gtk-driver gcc-mingw-w64-x86-64 vsmartcard-vpcd pcsc-tools softhsm2 opensc opencryptoki
  gnome-keyring dbus libglib2.0-bin libsecret-tools wine wine64 yamllint desktop-file-utils python3 python3-venv
  postgresql prometheus libxml2-utils wixl msitools)

wanted=("${app_packages[@]}")
[ "$purpose" = test ] && wanted+=("${test_packages[@]}")

missing=()
for package in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get -o DPkg::Lock::Timeout=900 install -y -q --no-install-recommends "${missing[@]}"
fi

if ! command -v node >/dev/null || [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 20 ]; then
  echo "setup: Node.js 20 or later is needed (found: $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi
if ! command -v cargo >/dev/null; then
  echo "setup: Rust (cargo, rustc 1.90 or later) is needed: https://rustup.rs" >&2
  exit 1
fi

# npm packages, reinstalled when the lock file changed.
if [ ! -f ui/node_modules/.package-lock.json ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
  echo "setup: npm ci (ui/)"
  npm --prefix ui ci --no-audit --no-fund
fi

if [ "$purpose" = test ]; then
  # tauri-driver bridges WebDriver clients to WebKitWebDriver for the end-to-end tests.
  tools="${CERTISANTE_TOOLS_DIR:-$HOME/.cache/certisante/tools}"
  if [ ! -x "$tools/bin/tauri-driver" ]; then
    echo "setup: cargo install tauri-driver"
    cargo install tauri-driver --version '^2' --locked --root "$tools"
  fi
  # cargo-deny checks the dependency policy (deny.toml) in the test command.
  if [ ! -x "$tools/bin/cargo-deny" ]; then
    echo "setup: cargo install cargo-deny"
    cargo install cargo-deny --version '^0.20' --locked --root "$tools"
  fi
  # check-jsonschema validates the release workflow and tauri.conf.json against their
  # schemas (GitHub's, vendored in the package; the Tauri CLI's, in ui/node_modules).
  if [ ! -x "$tools/venv/bin/check-jsonschema" ]; then
    echo "setup: pip install check-jsonschema (into $tools/venv)"
    python3 -m venv "$tools/venv" && "$tools/venv/bin/pip" install -q 'check-jsonschema>=0.29,<1' ||
      echo "setup: check-jsonschema could not be installed; release-lint will say so"
  fi
  # A real iCalendar parser reads the exported .ics in crates/cli/tests/export.rs.
  if [ -x "$tools/venv/bin/python" ] && ! "$tools/venv/bin/python" -c 'import icalendar' 2>/dev/null; then
    echo "setup: pip install icalendar (into $tools/venv)"
    "$tools/venv/bin/pip" install -q 'icalendar>=6,<8' || echo "setup: icalendar could not be installed; the .ics test will say so"
  fi
  # aiosmtpd is the SMTP server of tests/harness/smtp.sh (STARTTLS, SMTPS, AUTH).
  if [ -x "$tools/venv/bin/python" ] && ! "$tools/venv/bin/python" -c 'import aiosmtpd' 2>/dev/null; then
    echo "setup: pip install aiosmtpd (into $tools/venv)"
    "$tools/venv/bin/pip" install -q 'aiosmtpd>=1.4,<2' || echo "setup: aiosmtpd could not be installed; tests/harness/smtp.sh will say so"
  fi
  if rustup target list --installed 2>/dev/null | grep -q x86_64-pc-windows-gnu; then :; else
    rustup target add x86_64-pc-windows-gnu || echo "setup: the Windows target could not be added; its check will be skipped"
  fi
fi
