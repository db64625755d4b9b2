#!/usr/bin/env bash
# The Debian package, end to end: builds it (scripts/build-deb.sh, release profile),
# checks its size and control fields, installs it into this machine with dpkg -i (the app,
# the certisante CLI, the systemd user unit and timer of the scheduled watch), opens
# the installed app under Xvfb through WebDriver (tauri-driver + WebKitWebDriver) on a
# private home and data folder until its dashboard lists certificates, then removes it
# with dpkg -r and checks that nothing of it is left.
# Needs root (or sudo without a password), dpkg, xvfb-run, WebKitWebDriver, tauri-driver.
# CERTISANTE_DEB=FILE tests an already built package instead of building one.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
root=$(pwd)
. tests/installers/lib.sh
target="${CARGO_TARGET_DIR:-$root/target}"
tools="${CERTISANTE_TOOLS_DIR:-$HOME/.cache/certisante/tools}"
version=$(bash scripts/version.sh)
package=certisante
sudo_cmd=""
[ "$(id -u)" -eq 0 ] || sudo_cmd="sudo -n"

deb="${CERTISANTE_DEB:-}"
if [ -z "$deb" ]; then
  start=$(date +%s)
  if bash scripts/build-deb.sh; then
    ok "the .deb builds (npx tauri build --bundles deb, release profile) in $(($(date +%s) - start)) s"
  else
    not_ok "the .deb builds"
    finish
    exit 1
  fi
  deb="$target/release/bundle/deb/${package}_${version}_amd64.deb"
fi
[ -f "$deb" ] || { not_ok "the package exists at $deb"; finish; exit 1; }

size=$(stat -c %s "$deb")
echo "package: $deb"
echo "size: $size bytes ($(awk -v s="$size" 'BEGIN { printf "%.2f", s / 1048576 }') MiB)"
# Two binaries since issue 17 (the app, and the CLI that the scheduled watch runs), each
# carrying the whole API statically (about 18 MiB compressed together): the budget follows.
check "the .deb is under 20 MiB" test "$size" -lt $((20 * 1048576))

dpkg-deb --info "$deb"
field() { dpkg-deb --field "$deb" "$1"; }
check "Package: $package, Version: $version, Architecture: amd64" \
  test "$(field Package) $(field Version) $(field Architecture)" = "$package $version amd64"
depends=$(field Depends)
# libayatana-appindicator3-1 (the tray) is added by the bundler itself, as the webkit/gtk ones.
for dep in libwebkit2gtk-4.1-0 libgtk-3-0 pcscd libpcsclite1 libayatana-appindicator3-1; do
  check "Depends names $dep" grep -qE "(^|, )$dep(,|$| )" <<<"$depends"
done
check "no dependency named twice" test "$(tr ',' '\n' <<<"$depends" | sed 's/^ *//; s/ .*//' | sort | uniq -d)" = ""

# Every shared library the binary links against comes from a declared dependency or
# from one of theirs (so the package installs everything it needs on a bare system).
owner_of() {
  local path=$1 candidate real
  real=$(readlink -f "$path")
  for candidate in "$path" "$real" "${path#/usr}" "/usr$path" "${real#/usr}" "/usr${real#/usr}"; do
    dpkg -S "$candidate" 2>/dev/null | head -1 | cut -d: -f1 | grep . && return 0
  done
  return 1
}
libraries_covered() {
  local extract closure lib path owner missing=0
  extract=$(mktemp -d)
  dpkg-deb -x "$deb" "$extract"
  # shellcheck disable=SC2046 # one word per dependency
  closure=$(apt-cache depends --recurse --installed --no-recommends --no-suggests --no-conflicts \
    --no-breaks --no-replaces --no-enhances $(tr ',' '\n' <<<"$depends" | sed 's/^ *//; s/ .*//') 2>/dev/null |
    sed -n 's/^\([a-z0-9][^ :<>]*\).*/\1/p' | sort -u)
  for lib in $(for bin in certisante-app certisante; do readelf -d "$extract/usr/bin/$bin"; done | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p' | sort -u); do
    path=$(ldconfig -p | awk -v l="$lib" '$1 == l && /x86-64/ { print $NF; exit }')
    owner=$(owner_of "$path")
    if [ -n "$owner" ] && grep -qx "$owner" <<<"$closure"; then
      echo "  $lib: $owner"
    else
      echo "  $lib: ${owner:-no package} is NOT among the dependencies"
      missing=1
    fi
  done
  rm -rf "$extract"
  return $missing
}
check "every library the binaries (app and CLI) need comes with the dependencies" libraries_covered

# dpkg, waiting (up to 10 minutes) while another apt-get or dpkg of the machine holds its lock.
dpkg_waiting() {
  local out status
  for _ in $(seq 120); do
    out=$($sudo_cmd dpkg "$@" 2>&1)
    status=$?
    grep -q "dpkg frontend lock\|dpkg status database is locked\|lock-frontend" <<<"$out" || break
    sleep 5
  done
  echo "$out"
  return $status
}
remove_package() { dpkg_waiting -r "$package" >/dev/null 2>&1 || true; }
if dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok"; then
  echo "removing a $package left installed by an earlier run"
  remove_package
fi
work=$(mktemp -d)
cleanup() {
  [ -n "${driver_pid:-}" ] && kill "$driver_pid" 2>/dev/null
  remove_package
  rm -rf "$work"
}
trap cleanup EXIT

check "dpkg -i installs it" dpkg_waiting -i "$deb"
dpkg -L "$package" | grep -v '^/\.$' | sed 's/^/  /'
check "/usr/bin/certisante-app is installed and executable" test -x /usr/bin/certisante-app
check "the certisante command line is installed too (/usr/bin/certisante --version)" \
  bash -c '/usr/bin/certisante --version | grep -qx "certisante $1"' _ "$version"
units=(/usr/lib/systemd/user/certisante-watch.service /usr/lib/systemd/user/certisante-watch.timer)
check "the systemd user unit and timer of the scheduled watch are installed" test -f "${units[0]}" -a -f "${units[1]}"
check "the unit runs one watching pass (ExecStart=/usr/bin/certisante watch), its timer hourly" \
  bash -c 'grep -qx "ExecStart=/usr/bin/certisante watch" "$1" && grep -qx "OnCalendar=hourly" "$2"' _ "${units[@]}"
if command -v systemd-analyze >/dev/null; then
  check "systemd-analyze verify accepts the unit and the timer" systemd-analyze --man=false verify "${units[@]}"
fi
check "the timer is disabled by default (no user has it in timers.target.wants)" \
  bash -c '! ls /etc/systemd/user/timers.target.wants/certisante-watch.timer /usr/lib/systemd/user/timers.target.wants/certisante-watch.timer 2>/dev/null | grep -q .'
desktop=/usr/share/applications/certisante.desktop
check "the desktop entry names CertiSanté and starts certisante-app" \
  bash -c 'grep -qx "Name=CertiSanté" "$1" && grep -qx "Exec=certisante-app" "$1" && grep -qx "Icon=certisante-app" "$1"' _ "$desktop"
if command -v desktop-file-validate >/dev/null; then
  check "the desktop entry is valid (desktop-file-validate)" desktop-file-validate "$desktop"
fi
check "icons in the hicolor theme (32x32, 128x128 and larger)" \
  bash -c 'for s in 32x32 128x128 256x256@2 512x512; do test -f /usr/share/icons/hicolor/$s/apps/certisante-app.png || { echo "missing $s"; exit 1; }; done'

# Start the installed binary as a user would, on a private home and data folder that
# watch a generated folder of certificates (the CLI of the same build writes the watch).
"$target/debug/certisante-testpki" fixtures "$work/fixtures" >/dev/null
mkdir -p "$work/home" "$work/data"
export HOME="$work/home" XDG_DATA_HOME="$work/home/.local/share" XDG_CONFIG_HOME="$work/home/.config"
export CERTISANTE_DATA_DIR="$work/data" CERTISANTE_EXTRA_ANCHORS="$work/fixtures/anchors"
"$target/debug/certisante" watch add "$work/fixtures/certs" >/dev/null
export DEB_APP=/usr/bin/certisante-app E2E_ARTIFACTS="$root/tests/e2e/artifacts"
# Ports of their own, so that a parallel end-to-end run on 4444 is not disturbed.
export E2E_WEBDRIVER=http://127.0.0.1:4454
mkdir -p "$E2E_ARTIFACTS"
launch() {
  xvfb-run -a -s "-screen 0 1280x800x24" bash -c '
    "$0" --port 4454 --native-port 4455 --native-driver /usr/bin/WebKitWebDriver > "$E2E_ARTIFACTS/deb-tauri-driver.log" 2>&1 &
    driver=$!
    for _ in $(seq 50); do curl -s http://127.0.0.1:4454/status >/dev/null && break; sleep 0.2; done
    node --test tests/installers/deb-launch.test.mjs
    status=$?
    kill $driver 2>/dev/null; wait $driver 2>/dev/null
    exit $status
  ' "$tools/bin/tauri-driver"
}
check "the installed app opens on its dashboard under Xvfb (screenshot tests/e2e/artifacts/deb-dashboard.png)" launch

check "dpkg -r removes it" dpkg_waiting -r "$package"
check "dpkg knows nothing of it any more (no config files left)" \
  bash -c '! dpkg-query -W -f="\${Status}\n" "$1" 2>/dev/null | grep -qv "not-installed"' _ "$package"
check "dpkg -L lists nothing" bash -c '! dpkg -L "$1" >/dev/null 2>&1' _ "$package"
check "its files are gone (binaries, desktop entry, icons, units, /usr/lib/certisante)" bash -c '
  ! test -e /usr/bin/certisante-app && ! test -e /usr/bin/certisante && ! test -e /usr/share/applications/certisante.desktop &&
  ! test -e /usr/lib/systemd/user/certisante-watch.service && ! test -e /usr/lib/systemd/user/certisante-watch.timer &&
  ! test -e /usr/lib/certisante && ! ls /usr/share/icons/hicolor/*/apps/certisante-app.png 2>/dev/null | grep -q .'
finish
