#!/usr/bin/env bash
# The Windows facilities CertiSanté relies on, as Wine 8 provides them, driven by the
# test-only C helpers of tests/installers/wine/ (no Rust build needed):
#   1. a software certificate's key in LocalMachine\My and CurrentUser\My signs SHA-256
#      (certsign), checked by OpenSSL on Linux;
#   2. Credential Manager round-trips a 2,048-byte generic credential, and can be made
#      unavailable (ERROR_NO_SUCH_LOGON_SESSION) by a deny DACL on its registry key;
#   3. PC/SC: what SCardEstablishContext answers when no smart-card service is reachable;
#   4. the machine policy (HKLM\Software\Policies\CertiSante) written by `wine reg add`
#      is read back by RegGetValueW with its types;
#   5. a "My" store that refuses writes: CERT_STORE_READONLY_FLAG, and deny DACLs;
#   6. packaging/windows/policy.wxs's components in a test MSI (wixl + msibuild, see
#      wine/policy-msi.py) installed by Wine's msiexec with CERTISANTE_* properties.
# What Wine does differently from Windows is printed as "# Wine 8: ..." lines (not
# counted). docs/windows.md explains every finding. A fresh WINEPREFIX under a temp dir.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
. tests/installers/lib.sh
. tests/installers/wine-lib.sh
wine_work
note() { echo "# Wine 8: $*"; }

if ! bash tests/installers/wine/build-helpers.sh "$work/bin"; then
  not_ok "the Windows test helpers build with mingw-w64"
  finish
  exit 1
fi
ok "the Windows test helpers build with mingw-w64"
bin="$work/bin"
wine_boot

# An RSA-2048 key and a self-signed end-entity certificate, as a legacy .p12 (3DES key
# and certificate bags, SHA-1 MAC), which Wine's PFXImportCertStore reads.
make_p12() { # NAME PASSWORD
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/$1.key" -out "$work/$1.pem" -days 30 \
    -subj "/CN=CertiSante $1 test/O=CertiSante tests" \
    -addext basicConstraints=critical,CA:FALSE -addext keyUsage=critical,digitalSignature 2>/dev/null &&
  openssl pkcs12 -export -inkey "$work/$1.key" -in "$work/$1.pem" -out "$work/$1.p12" -passout "pass:$2" \
    -certpbe PBE-SHA1-3DES -keypbe PBE-SHA1-3DES -macalg sha1 &&
  openssl x509 -in "$work/$1.pem" -pubkey -noout >"$work/$1.pub" &&
  openssl x509 -in "$work/$1.pem" -outform der -out "$work/$1.der"
}
thumbprint() { openssl x509 -in "$work/$1.pem" -noout -fingerprint -sha1 | sed 's/.*=//; s/://g' | tr 'A-F' 'a-f'; }
head -c 65536 /dev/urandom >"$work/data.bin"
cp "$work/data.bin" "$work/tampered.bin" && printf 'x' >>"$work/tampered.bin"

# 1. Signing with a store key. LocalMachine first: Wine 8 keeps one key container per key
# set (named after the user), and a machine certificate's key link lacks
# CRYPT_MACHINE_KEYSET, so with a user key present it would silently pick the user's.
make_p12 machine machine-password
machine=$(thumbprint machine)
check "p12import: the .p12 goes into LocalMachine\\My (thumbprint $machine)" \
  bash -c 'out=$(wine "$1" machine "$2" machine-password | tr -d "\r"); echo "$out"; [ "$out" = "$3" ]' \
  _ "$bin/p12import.exe" "$(winpath "$work/machine.p12")" "$machine"
check "LocalMachine\\My lists the certificate from a new process" wine "$bin/storeprobe.exe" has machine "$machine"
wine "$bin/certsign.exe" machine "$machine" "$(winpath "$work/data.bin")" "$(winpath "$work/machine.sig")" >"$work/machine.out" 2>&1
rc=$?
out=$(tr -d '\r' <"$work/machine.out")
note "certsign in LocalMachine\\My exits $rc: $out"
if [ "$rc" = 0 ] && openssl dgst -sha256 -verify "$work/machine.pub" -signature "$work/machine.sig" "$work/data.bin" >/dev/null 2>&1; then
  ok "certsign: LocalMachine\\My key signs SHA-256, OpenSSL verifies"
else
  note "the machine key cannot be used through its certificate (its CERT_KEY_PROV_INFO has dwFlags 0, not CRYPT_MACHINE_KEYSET); on Windows it can"
fi

make_p12 user user-password
user=$(thumbprint user)
check "p12import: the .p12 goes into CurrentUser\\My (thumbprint $user)" \
  bash -c 'out=$(wine "$1" user "$2" user-password | tr -d "\r"); echo "$out"; [ "$out" = "$3" ]' \
  _ "$bin/p12import.exe" "$(winpath "$work/user.p12")" "$user"
check "certsign: the CurrentUser\\My key signs SHA-256 (reopened in PROV_RSA_AES)" \
  wine "$bin/certsign.exe" user "$user" "$(winpath "$work/data.bin")" "$(winpath "$work/user.sig")"
check "openssl dgst -sha256 -verify: the signature is valid (big-endian PKCS#1 v1.5)" \
  openssl dgst -sha256 -verify "$work/user.pub" -signature "$work/user.sig" "$work/data.bin"
check "openssl refuses the same signature on other data" \
  bash -c '! openssl dgst -sha256 -verify "$1" -signature "$2" "$3" >/dev/null 2>&1' _ "$work/user.pub" "$work/user.sig" "$work/tampered.bin"
check "certsign: an unknown thumbprint exits 4 and says so" \
  bash -c 'out=$(wine "$1" user 0000000000000000000000000000000000000000 "$2" "$3" 2>&1); rc=$?; echo "$out"; [ $rc = 4 ] && [[ "$out" == *CertFindCertificateInStore* ]]' \
  _ "$bin/certsign.exe" "$(winpath "$work/data.bin")" "$(winpath "$work/none.sig")"
if wine "$bin/storeprobe.exe" has user "$machine" >/dev/null; then
  note "CurrentUser\\My also shows LocalMachine\\My's certificates (Wine opens the machine store inside the user's); Windows does not"
fi

# 2. Credential Manager: a generic credential as the app's keystore writes it.
target='p12-password/wine-test.fr.certisante.app'
check "CredWriteW: a 2,048-byte generic credential" wine "$bin/credprobe.exe" write "$target" 2048
check "CredReadW: the same 2,048 bytes back" wine "$bin/credprobe.exe" read "$target" 2048
check "Wine stores it under HKCU\\Software\\Wine\\Credential Manager (encrypted)" \
  bash -c 'wine reg query "HKCU\\Software\\Wine\\Credential Manager\\Generic: $1" | tr -d "\r" | grep -E "^ +(Password|UserName) " | cut -c1-60' _ "$target"
if wine "$bin/credprobe.exe" write oversized 2561 >/dev/null; then
  note "CredWriteW accepts 2,561 bytes (Windows refuses more than CRED_MAX_CREDENTIAL_BLOB_SIZE, 2,560)"
fi
check "CredDeleteW, then CredReadW fails with ERROR_NOT_FOUND (1168)" \
  bash -c 'wine "$1" delete "$2" && out=$(wine "$1" read "$2"); echo "$out"; [[ "$out" == *"error 1168"* ]]' _ "$bin/credprobe.exe" "$target"
wine "$bin/credprobe.exe" write "$target" 2048 >/dev/null
wine "$bin/regacl.exe" deny-all HKCU 'Software\Wine\Credential Manager'
check "Credential Manager made unavailable (deny DACL): CredWriteW fails with ERROR_NO_SUCH_LOGON_SESSION (1312)" \
  bash -c 'out=$(wine "$1" write "$2" 2048); echo "$out"; [[ "$out" == *"CredWriteW failed: error 1312"* ]]' _ "$bin/credprobe.exe" "$target"
check "... and CredReadW too (1312)" \
  bash -c 'out=$(wine "$1" read "$2"); echo "$out"; [[ "$out" == *"CredReadW failed: error 1312"* ]]' _ "$bin/credprobe.exe" "$target"

# 3. PC/SC with no smart-card service: the socket name points nowhere, so a Wine that
# bridges to pcsc-lite would not find a pcscd either.
out=$(PCSCLITE_CSOCK_NAME="$work/no-pcscd.comm" wine "$bin/scardprobe.exe" | tr -d '\r')
echo "$out"
if [[ "$out" == *"context none"* ]]; then ok "SCardEstablishContext gives no context without a smart-card service"; else not_ok "SCardEstablishContext gives no context without a smart-card service"; fi
[[ "$out" == *SCARD_F_INTERNAL_ERROR* ]] &&
  note "SCardEstablishContext is a stub returning SCARD_F_INTERNAL_ERROR (0x80100001); Windows answers SCARD_E_NO_SERVICE (0x8010001D) when SCardSvr is stopped"

# 4. The machine policy, as a GPO (or `msiexec ... CERTISANTE_*=`) writes it.
key='HKLM\Software\Policies\CertiSante'
wine reg add "$key" /v ReadOnly /t REG_DWORD /d 1 /f >/dev/null
wine reg add "$key" /v AlertDays /t REG_SZ /d '90,60,30,7,0' /f >/dev/null
wine reg add "$key" /v Pkcs11Module /t REG_SZ /d 'C:\Windows\System32\cps3_pkcs11_w64.dll' /f >/dev/null
wine reg add "$key" /v GroupDatabaseUrl /t REG_SZ /d 'postgresql://inventaire@pg.hopital.local/certisante?sslmode=verify-full' /f >/dev/null
wine reg add "$key" /v WatchedPaths /t REG_MULTI_SZ /d 'C:\Certificats\0D:\Partage\Données sécurisées' /f >/dev/null
expected='ReadOnly REG_DWORD 1
AlertDays REG_SZ "90,60,30,7,0"
Pkcs11Module REG_SZ "C:\Windows\System32\cps3_pkcs11_w64.dll"
GroupDatabaseUrl REG_SZ "postgresql://inventaire@pg.hopital.local/certisante?sslmode=verify-full"
WatchedPaths REG_MULTI_SZ ["C:\Certificats", "D:\Partage\Données sécurisées"]'
check "wine reg add → RegGetValueW: REG_DWORD, REG_SZ and REG_MULTI_SZ policy values read back (accents included)" \
  bash -c 'out=$(wine "$1" | tr -d "\r"); echo "$out"; [ "$out" = "$2" ]' _ "$bin/regprobe.exe" "$expected"
# policy.wxs writes WatchedPaths with reg.exe (deferred custom action): its very command
# line, the MSI properties put in, splits "a;b" into the REG_MULTI_SZ.
wine reg delete "$key" /v WatchedPaths /f >/dev/null
mapfile -t watch_args < <(python3 - packaging/windows/policy.wxs <<'PY'
import html, re, sys
raw = open(sys.argv[1], encoding="utf-8").read()
line = html.unescape(re.search(r'<SetProperty Id="CertiSantePolicyWatchedPaths".*?Value="([^"]*)"', raw, re.S).group(1))
line = line.replace("[System64Folder]", "C:\\windows\\system32\\").replace("[CERTISANTE_WATCHEDPATHS]", "C:\\Certificats;D:\\Partage\\Données sécurisées")
for quoted, bare in re.findall(r'"([^"]*)"|(\S+)', line):
    print(quoted or bare)
PY
)
echo "policy.wxs's command: ${watch_args[*]}"
watched_paths_written() {
  wine "${watch_args[@]}" >/dev/null || return 1
  local out
  out=$(wine "$bin/regprobe.exe" | tr -d '\r' | grep '^WatchedPaths')
  echo "$out"
  [ "$out" = 'WatchedPaths REG_MULTI_SZ ["C:\Certificats", "D:\Partage\Données sécurisées"]' ]
}
check "policy.wxs's reg.exe command for CERTISANTE_WATCHEDPATHS=\"C:\\Certificats;D:\\Partage\\Données sécurisées\" writes the REG_MULTI_SZ" \
  watched_paths_written
wine reg add "$key" /v ReadOnly /t REG_SZ /d 1 /f >/dev/null
wine reg delete "$key" /v GroupDatabaseUrl /f >/dev/null
check "a value of another type gives ERROR_UNSUPPORTED_TYPE (1630), a missing one ERROR_FILE_NOT_FOUND" \
  bash -c 'out=$(wine "$1" | tr -d "\r"); echo "$out"; grep -qx "ReadOnly error 1630" <<<"$out" && grep -qx "GroupDatabaseUrl missing" <<<"$out"' _ "$bin/regprobe.exe"

# 5. A store that refuses the install's write.
make_p12 other other-password
other=$(thumbprint other)
check "CERT_STORE_READONLY_FLAG: adding fails with E_ACCESSDENIED (0x80070005)" \
  bash -c 'out=$(wine "$1" add user "$2" readonly | tr -d "\r"); echo "$out"; grep -q "^CertAddEncodedCertificateToStore: FAILED, GetLastError 0x80070005" <<<"$out"' \
  _ "$bin/storeprobe.exe" "$(winpath "$work/other.der")"
wine "$bin/regacl.exe" deny-write HKCU 'Software\Microsoft\SystemCertificates\My\Certificates'
check "writes denied on My\\Certificates: the add is accepted, CertControlStore(COMMIT) fails with ERROR_ACCESS_DENIED (5)" \
  bash -c 'out=$(wine "$1" add user "$2" | tr -d "\r"); echo "$out"; grep -q "^CertAddEncodedCertificateToStore: ok" <<<"$out" && grep -q "^CertControlStore(COMMIT): FAILED, GetLastError 0x00000005" <<<"$out"' \
  _ "$bin/storeprobe.exe" "$(winpath "$work/other.der")"
check "... and the certificate is not in the store afterwards" \
  bash -c '! wine "$1" has user "$2"' _ "$bin/storeprobe.exe" "$other"
check "... and without CertControlStore(COMMIT) (the product's install today) every call succeeds, nothing is persisted" \
  bash -c 'out=$(wine "$1" add user "$2" nocommit | tr -d "\r"); rc=$?; echo "$out"; [ $rc = 0 ] && ! wine "$1" has user "$3"' \
  _ "$bin/storeprobe.exe" "$(winpath "$work/other.der")" "$other"
note "a registry store is written on commit or close, and CertCloseStore does not report the failure (Windows writes a registry store through on the add)"
wine "$bin/regacl.exe" deny-all HKCU 'Software\Microsoft\SystemCertificates\My'
check "everything denied on CurrentUser\\My: CertOpenStore fails with ERROR_ACCESS_DENIED (5)" \
  bash -c 'out=$(wine "$1" add user "$2" | tr -d "\r"); echo "$out"; grep -q "^CertOpenStore(My): FAILED, GetLastError 0x00000005" <<<"$out"' \
  _ "$bin/storeprobe.exe" "$(winpath "$work/other.der")"
wine "$bin/regacl.exe" deny-all HKLM 'Software\Microsoft\SystemCertificates\My'
check "everything denied on LocalMachine\\My (a user without administrator rights): CertOpenStore fails with ERROR_ACCESS_DENIED (5)" \
  bash -c 'out=$(wine "$1" add machine "$2" | tr -d "\r"); echo "$out"; grep -q "^CertOpenStore(My): FAILED, GetLastError 0x00000005" <<<"$out"' \
  _ "$bin/storeprobe.exe" "$(winpath "$work/other.der")"

# 6. The MSI policy fragment's components, installed by Wine's msiexec (not Windows
# Installer: Wine's msi.dll reads the same tables).
if python3 tests/installers/wine/policy-msi.py packaging/windows/policy.wxs "$work/policy.msi"; then
  ok "a test MSI builds from policy.wxs's components (wixl, msibuild)"
  msi=$(winpath "$work/policy.msi")
  policy() { wine "$bin/regprobe.exe" | tr -d '\r' | grep -v '^WatchedPaths'; }
  none='ReadOnly missing
AlertDays missing
Pkcs11Module missing
GroupDatabaseUrl missing'
  wine reg delete "$key" /f >/dev/null 2>&1
  wine msiexec /i "$msi" /qn CERTISANTE_READONLY=yes
  rc=$?
  check "msiexec CERTISANTE_READONLY=yes is refused by the launch condition (1603) and writes nothing" \
    bash -c 'echo "exit $1 (1603 & 255 = 67)"; [ "$1" = 67 ] && [ "$2" = "$3" ]' _ "$rc" "$(policy)" "$none"
  wine msiexec /i "$msi" /qn
  check "msiexec /qn without CERTISANTE_* properties writes no policy value" bash -c '[ "$1" = "$2" ]' _ "$(policy)" "$none"
  wine msiexec /x "$msi" /qn
  wine msiexec /i "$msi" /qn ALLUSERS=1 CERTISANTE_READONLY=1 'CERTISANTE_ALERTDAYS=90,60,30,7,0' \
    'CERTISANTE_PKCS11MODULE=C:\Windows\System32\cps3_pkcs11_w64.dll' 'CERTISANTE_GROUPDATABASEURL=postgresql://inventaire@pg.hopital.local/certisante'
  written='ReadOnly REG_DWORD 1
AlertDays REG_SZ "90,60,30,7,0"
Pkcs11Module REG_SZ "C:\Windows\System32\cps3_pkcs11_w64.dll"
GroupDatabaseUrl REG_SZ "postgresql://inventaire@pg.hopital.local/certisante"'
  check "msiexec /qn ALLUSERS=1 CERTISANTE_READONLY=1 ... writes each value with its type" \
    bash -c 'out=$(wine "$1" | tr -d "\r" | grep -v "^WatchedPaths"); echo "$out"; [ "$out" = "$2" ]' _ "$bin/regprobe.exe" "$written"
  # Not counted: Wine's msi leaves these values in both cases even without the Permanent
  # and Transitive attributes (it never removes a component whose condition is false),
  # so this cannot prove what those attributes do on Windows.
  wine msiexec /i "$msi" /qn REINSTALL=ALL REINSTALLMODE=amus
  [ "$(policy)" = "$written" ] && note "a reinstall without the properties leaves the values (also without Transitive)"
  wine msiexec /x "$msi" /qn
  [ "$(policy)" = "$written" ] && note "an uninstall leaves the values (also without Permanent)"
  wine msiexec /i "$msi" /qn CERTISANTE_READONLY=0
  check "CERTISANTE_READONLY=0 on a later install writes 0 and leaves the rest" \
    bash -c '[ "$1" = "$2" ]' _ "$(policy)" "${written/REG_DWORD 1/REG_DWORD 0}"
else
  not_ok "a test MSI builds from policy.wxs's components (wixl, msibuild: apt-get install wixl msitools)"
fi
finish
