#!/usr/bin/env bash
# The Windows CLI, cross-compiled here (x86_64-pc-windows-gnu, mingw-w64), run under Wine:
#   1. `certisante.exe list --json DIR` prints the same JSON as the Linux `certisante`,
#      once the paths are normalised (Z:\...\certs\x.pem and /.../certs/x.pem both become
#      <certs>/x.pem; nothing else is changed);
#   2. a .p12 imported into the current user's "My" store by the product's own code
#      (`certisante.exe install-p12 --windows-store user`) is listed back by `certisante.exe scan` + `list --json`, read by the
#      core's Windows store code (crypt32), with its private key;
#   3. a wrong password imports nothing;
#   4. the whole lifecycle, the coded errors, the machine policy and the smart-card
#      service (tests/installers/wine-lifecycle.sh).
# Needs wine (Debian's wine + wine64), x86_64-w64-mingw32-gcc and the Rust target. The CLI
# is a debug build (the dependencies at opt-level 2, as in every dev build): it shares them
# with the Windows test binaries (wine-tests.sh) and needs no LTO.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
root=$(pwd)
. tests/installers/lib.sh
target="${CARGO_TARGET_DIR:-$root/target}"
triple=x86_64-pc-windows-gnu
. tests/installers/wine-lib.sh
wine_work

start=$(date +%s)
if cargo build -p certisante-cli --target "$triple"; then
  ok "certisante.exe cross-compiles ($triple) in $(($(date +%s) - start)) s"
else
  not_ok "certisante.exe cross-compiles ($triple)"
  finish
  exit 1
fi
exe="$target/$triple/debug/certisante.exe"
file "$exe"
echo "certisante.exe: $(stat -c %s "$exe") bytes; imports: $(x86_64-w64-mingw32-objdump -p "$exe" | sed -n 's/^\tDLL Name: //p' | sort -u | tr '\n' ' ')"

bin="$work/bin"
mkdir -p "$bin"
cp "$exe" "$bin/"
# Wine 8.0 lacks ProcessPrng (bcryptprimitives.dll), which Rust's standard library needs
# from its first line: a stub DLL beside the .exe stands in (tests only, never shipped).
# The other helpers sign with a store key, probe stores and deny registry keys.
check "the Wine helpers build (ProcessPrng stub, certsign, storeprobe, regacl…)" bash tests/installers/wine/build-helpers.sh "$bin"

"$target/debug/certisante-testpki" fixtures "$work/fixtures" >/dev/null
mkdir -p "$work/data-linux" "$work/data-windows"

wine_boot
wcli() { wine "$bin/certisante.exe" "$@"; }
check "certisante.exe --version runs under Wine and names $(bash scripts/version.sh)" \
  bash -c 'out=$(wine "$1" --version | tr -d "\r"); echo "$out"; [ "$out" = "certisante $2" ]' _ "$bin/certisante.exe" "$(bash scripts/version.sh)"

CERTISANTE_DATA_DIR="$work/data-linux" CERTISANTE_EXTRA_ANCHORS="$work/fixtures/anchors" \
  "$target/debug/certisante" list --json "$work/fixtures/certs" >"$work/linux.json"
CERTISANTE_DATA_DIR=$(winpath "$work/data-windows") CERTISANTE_EXTRA_ANCHORS=$(winpath "$work/fixtures/anchors") \
  wine "$bin/certisante.exe" list --json "$(winpath "$work/fixtures/certs")" >"$work/windows.json"
echo "list --json exit status under Wine: $?"

same_json() {
  python3 - "$work/linux.json" "$work/windows.json" "$work/fixtures/certs" <<'PY'
import json, sys
linux_file, windows_file, certs = sys.argv[1:]
unix_prefix = certs + "/"
windows_prefix = "Z:" + certs.replace("/", "\\") + "\\"

def normalise(value, prefix, sep):
    if isinstance(value, dict):
        return {k: normalise(v, prefix, sep) for k, v in value.items()}
    if isinstance(value, list):
        return [normalise(v, prefix, sep) for v in value]
    if isinstance(value, str) and prefix in value:
        head, _, tail = value.partition(prefix)
        return head + "<certs>/" + tail.replace(sep, "/")
    return value

linux = normalise(json.load(open(linux_file, encoding="utf-8")), unix_prefix, "/")
raw = open(windows_file, "rb").read()
windows = normalise(json.loads(raw.decode("utf-8")), windows_prefix, "\\")
carriage_returns = raw.count(b"\r")
print(f"linux: {len(linux['certificates'])} certificates, {len(linux['errors'])} errors; "
      f"windows: {len(windows['certificates'])} certificates, {len(windows['errors'])} errors; "
      f"{len(raw)} bytes on stdout under Wine, {carriage_returns} carriage returns")
if linux == windows:
    sys.exit(0)
for key in ("certificates", "errors"):
    for i, (a, b) in enumerate(zip(linux[key], windows[key])):
        if a != b:
            for field in sorted(set(a) | set(b)):
                if a.get(field) != b.get(field):
                    print(f"{key}[{i}].{field}: linux {a.get(field)!r} / windows {b.get(field)!r}")
sys.exit(1)
PY
}
check "list --json: the same JSON on Windows (Wine) as on Linux, paths normalised" same_json

# The Windows "My" store: import an RSA .p12 as the IGC-Santé portal delivers it (3DES key
# bag, SHA-1 MAC), then list it back through the CLI's registry scan of the OS stores.
leaf_sha256=$(python3 -c 'import hashlib, sys; print(hashlib.sha256(open(sys.argv[1], "rb").read()).hexdigest())' "$work/fixtures/certs/dmp.cer")
# The product's own code (install::install_windows: PFXImportCertStore, then the leaf with
# its key into "My") through `certisante.exe install-p12 --windows-store user`.
printf 'wrong-password\n' > "$work/wrong.pass"
printf 'test-password\n' > "$work/right.pass"
p12_win=$(winpath "$work/fixtures/certs/dmp-portal.p12")
check "a wrong password imports nothing into \"My\" (install.p12_bad_password)" \
  bash -c 'out=$(wine "$1" install-p12 "$2" --password-file "$3" --windows-store user 2>&1); echo "$out"; [[ "$out" == *p12_bad_password* ]]' \
  _ "$bin/certisante.exe" "$p12_win" "$(winpath "$work/wrong.pass")"
check "certisante.exe install-p12 --windows-store user: the portal .p12 goes into CurrentUser\\My" \
  wine "$bin/certisante.exe" install-p12 "$p12_win" --password-file "$(winpath "$work/right.pass")" --windows-store user

CERTISANTE_DATA_DIR=$(winpath "$work/data-windows")
CERTISANTE_EXTRA_ANCHORS=$(winpath "$work/fixtures/anchors")
export CERTISANTE_DATA_DIR CERTISANTE_EXTRA_ANCHORS
wine "$bin/certisante.exe" scan --json | tr -d '\r'
echo
wine "$bin/certisante.exe" list --json >"$work/store.json"
store_lists_it() {
  python3 - "$work/store.json" "$leaf_sha256" <<'PY'
import json, sys
report = json.load(open(sys.argv[1], encoding="utf-8"))
sha256 = sys.argv[2]
for error in report["errors"]:
    print("error:", error)
found = [c for c in report["certificates"] if c["sha256"].lower().replace(":", "") == sha256]
if not found:
    print("not listed; certificates:", [(c["cn"], c["sha256"]) for c in report["certificates"]])
    sys.exit(1)
cert = found[0]
print(json.dumps({k: cert.get(k) for k in ("cn", "environment", "offer", "usage", "status", "has_private_key", "places")}, ensure_ascii=False, indent=1))
places = json.dumps(cert.get("places"))
ok = "CurrentUser\\\\My" in places and cert["has_private_key"] and cert["cn"] == "DMP" and cert["environment"] == "TEST"
sys.exit(0 if ok else 1)
PY
}
check "certisante.exe scan + list: the store's certificate is listed back (windows:CurrentUser\\My, DMP, TEST, private key)" store_lists_it

. tests/installers/wine-lifecycle.sh
finish
