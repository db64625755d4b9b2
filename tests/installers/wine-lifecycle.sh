# shellcheck shell=bash
# The whole certificate lifecycle with the Windows CLI under Wine, sourced by wine.sh once
# certisante.exe, the test helpers and a fresh WINEPREFIX (persistent wineserver) exist.
# Needs from wine.sh: $bin (certisante.exe, bcryptprimitives.dll stub, the helpers),
# $work, $target (the Linux certisante-testpki), winpath, wcli (runs certisante.exe).
#   1. order new: the key goes into Credential Manager (keyring's Windows backend);
#      the CSR is signed on the Linux side by the test portal; import; export --p12
#      (OpenSSL opens it); install into CurrentUser\My, then certsign.exe signs through
#      CryptoAPI with the installed key and OpenSSL verifies; listed among the places and
#      audited;
#   2. renew (a new key in Credential Manager), install into LocalMachine\My, revoke (the
#      key leaves Credential Manager), audit verify;
#   3. SIGKILL in the middle of an order, order resume, the order completes;
#   4. coded errors that leave nothing behind: a wrong .p12 password, a store that refuses
#      the install, Credential Manager unavailable;
#   5. the machine policy written by `wine reg add` (what a GPO writes): the CLI obeys it
#      and a user change is refused with policy.forced; a broken value keeps read-only;
#   6. no smart-card service: card readers and doctor say what to do, in French.
# Lines "# Wine 8: ..." are what Wine does differently from Windows (not counted).

lc="$work/lifecycle"
mkdir -p "$lc"
portal="$lc/portal"
"$target/debug/certisante-testpki" portal init "$portal" >/dev/null
export CERTISANTE_DATA_DIR
CERTISANTE_DATA_DIR=$(winpath "$lc/data")
CERTISANTE_EXTRA_ANCHORS=$(winpath "$portal/anchors")
note() { echo "# Wine 8: $*"; }
state_of() { wcli order show "$1" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["state"])'; }
order_count() { wcli order list --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }
cred_key() { printf 'HKCU\\Software\\Wine\\Credential Manager\\Generic: private-key/%s.fr.certisante.app' "$1"; }
in_credential_manager() { wine reg query "$(cred_key "$1")" >/dev/null 2>&1; }
sign() { # CSR CERT
  "$target/debug/certisante-testpki" portal sign "$portal" --csr "$1" --offer ORG --usage AUTH_CLI --chain --out "$2" >/dev/null
}
order_new() { # CN CSR [extra env...]: prints the order id
  wcli order new --env test --offer ORG --usage AUTH_CLI --org "CLINIQUE DES LILAS" --structure-id 11B0073160 --state 75 \
    --cn "$1" --csr-out "$(winpath "$2")" | tr -d '\r'
}
sha1_of() { openssl x509 -in "$1" -noout -fingerprint -sha1 | sed 's/.*=//; s/://g' | tr 'A-F' 'a-f'; }
sha256_of() { openssl x509 -in "$1" -outform der | sha256sum | cut -d' ' -f1; }
# The places `list --json` gives the certificate of this SHA-256, one "path managed" a line.
places_of() {
  wcli list --json | python3 -c '
import json, sys
report = json.load(sys.stdin)
for c in report["certificates"]:
    if c["sha256"].replace(":", "").lower() == sys.argv[1]:
        for p in c["places"]:
            print(p["path"], p.get("managed"))' "$1"
}
# The checks run in child shells (bash -c): they see these.
export portal target bin
export -f wcli winpath state_of order_count cred_key in_credential_manager sign places_of
printf 'Mot-de-passe 2026\n' >"$lc/p12pass"
head -c 4096 /dev/urandom >"$lc/data.bin"

# ---- 1. order → Credential Manager → portal → import → .p12 → CurrentUser\My → signature
start=$(date +%s)
id=$(order_new INSI-MANU "$lc/r1.csr")
echo "order: $id"
check "order new: an order id and a CSR OpenSSL verifies" \
  bash -c '[[ "$1" == cmd-* ]] && openssl req -verify -noout -in "$2"' _ "$id" "$lc/r1.csr"
check "order new: the key is in Credential Manager (keyring's Windows backend: $(cred_key "$id" | sed 's/.*Generic: //'))" in_credential_manager "$id"
wine reg query "$(cred_key "$id")" | tr -d '\r' | grep -E '^ +(Persist|Type|UserName) '
check "the key is kept on this computer only (CRED_PERSIST_LOCAL_MACHINE = 2, not roaming)" \
  bash -c 'wine reg query "$1" /v Persist | tr -d "\r" | grep -q "0x2"' _ "$(cred_key "$id")"
sign "$lc/r1.csr" "$lc/c1.pem"
check "import: the portal's certificate (signed on Linux) finds its order" \
  bash -c 'wcli import "$1" >/dev/null && [ "$(state_of "$2")" = certificate_imported ]' _ "$(winpath "$lc/c1.pem")" "$id"
check "export --p12: a .p12 from the key in Credential Manager, which OpenSSL opens" \
  bash -c 'wcli export "$1" --p12 "$2" --password-file "$3" >/dev/null &&
    openssl pkcs12 -in "$4" -passin "file:$5" -noout' _ "$id" "$(winpath "$lc/out.p12")" "$(winpath "$lc/p12pass")" "$lc/out.p12" "$lc/p12pass"
check "export --windows-store user: installed into CurrentUser\\My (state installed)" \
  bash -c 'wcli export "$1" --windows-store user && [ "$(state_of "$1")" = installed ]' _ "$id"
thumb1=$(sha1_of "$lc/c1.pem")
openssl x509 -in "$lc/c1.pem" -pubkey -noout >"$lc/c1.pub"
check "certsign: the key installed in CurrentUser\\My signs through CryptoAPI (thumbprint $thumb1)" \
  wine "$bin/certsign.exe" user "$thumb1" "$(winpath "$lc/data.bin")" "$(winpath "$lc/c1.sig")"
check "openssl dgst -verify: the signature made with the installed key verifies" \
  openssl dgst -sha256 -verify "$lc/c1.pub" -signature "$lc/c1.sig" "$lc/data.bin"
wcli scan >/dev/null
places_of "$(sha256_of "$lc/c1.pem")"
check "list --json: CurrentUser\\My is among the certificate's places (managed: CertiSanté wrote it)" \
  bash -c 'places_of "$1" | grep -qxF "windows:CurrentUser\My True"' _ "$(sha256_of "$lc/c1.pem")"
check "audit: the install into CurrentUser\\My is recorded" \
  bash -c 'wcli audit list --json | python3 -c "import json,sys; sys.exit(0 if any(e[\"action\"] == \"installed\" and \"CurrentUser\" in json.dumps(e[\"details\"]) for e in json.load(sys.stdin)) else 1)"'
# Watched: the certificate exported as PEM files into a folder the CLI watches is found
# there by the next scan, beside the store (the places the dashboard shows).
mkdir -p "$lc/watched"
check "export --pem into a folder, watch add, scan: the certificate is found there and in CurrentUser\\My" \
  bash -c 'wcli export "$1" --pem "$2" >/dev/null && wcli watch add "$2" >/dev/null && wcli watch list | tr -d "\r" | grep -qF "$2" &&
    wcli scan >/dev/null && p=$(places_of "$3") && echo "$p" && grep -qF "$2\\" <<<"$p" && grep -qxF "windows:CurrentUser\My True" <<<"$p"' \
  _ "$id" "$(winpath "$lc/watched")" "$(sha256_of "$lc/c1.pem")"
wcli doctor --offline --json >"$lc/doctor.json" 2>"$lc/doctor.err"
check "doctor after the install: its report comes through (JSON), the smart-card checks said (no service under Wine)" \
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print([(c["id"], c["outcome"]) for c in d["checks"]]); sys.exit(0 if d["checks"] and d["checks"][0]["id"] == "pcsc_service" else 1)' "$lc/doctor.json"
echo "lifecycle part 1 in $(($(date +%s) - start)) s"

# ---- 2. renew, LocalMachine\My, revoke, audit verify
start=$(date +%s)
renewal=$(wcli order renew "$id" --csr-out "$(winpath "$lc/r2.csr")" | tr -d '\r')
check "order renew: a new order with a new key in Credential Manager" \
  bash -c '[[ "$1" == cmd-* ]] && [ "$1" != "$2" ] && in_credential_manager "$1" &&
    [ "$(openssl req -in "$3" -noout -pubkey)" != "$(openssl req -in "$4" -noout -pubkey)" ]' _ "$renewal" "$id" "$lc/r1.csr" "$lc/r2.csr"
sign "$lc/r2.csr" "$lc/c2.pem"
wcli import "$(winpath "$lc/c2.pem")" >/dev/null
out=$(wcli export "$renewal" --windows-store machine 2>&1)
rc=$?
echo "$out"
check "export --windows-store machine: installed into LocalMachine\\My (Wine: every process is an administrator)" \
  bash -c '[ "$1" = 0 ] && [ "$(state_of "$2")" = installed ] && [ "$(state_of "$3")" = renewed ]' _ "$rc" "$renewal" "$id"
thumb2=$(sha1_of "$lc/c2.pem")
check "LocalMachine\\My holds the renewed certificate (from a new process)" wine "$bin/storeprobe.exe" has machine "$thumb2"
openssl x509 -in "$lc/c2.pem" -pubkey -noout >"$lc/c2.pub"
wine "$bin/certsign.exe" machine "$thumb2" "$(winpath "$lc/data.bin")" "$(winpath "$lc/c2.sig")" >"$lc/c2.out" 2>&1
rc=$?
check "certsign: the key installed in LocalMachine\\My signs through CryptoAPI (the machine key set)" \
  bash -c '[ "$1" = 0 ] && grep -q "machine key set" "$2"' _ "$rc" "$lc/c2.out"
tr -d '\r' <"$lc/c2.out"
check "openssl dgst -verify: the signature made with the LocalMachine\\My key verifies" \
  openssl dgst -sha256 -verify "$lc/c2.pub" -signature "$lc/c2.sig" "$lc/data.bin"
check "order revoke --confirm-final: revoked, and its key leaves Credential Manager" \
  bash -c 'wcli order revoke "$1" --reason superseded --confirm-final >/dev/null && [ "$(state_of "$1")" = revoked ] && ! in_credential_manager "$1"' _ "$id"
check "audit verify: the hash chain of every action holds" wcli audit verify
echo "lifecycle part 2 in $(($(date +%s) - start)) s"

# ---- 3. SIGKILL in the middle of an order, then order resume
start=$(date +%s)
count=$(order_count)
CERTISANTE_PAUSE_AT=key_stored wine "$bin/certisante.exe" order new --env test --offer ORG --usage AUTH_CLI --org "CLINIQUE DES LILAS" \
  --structure-id 11B0073160 --state 75 --cn DMP --csr-out "$(winpath "$lc/r3.csr")" >/dev/null 2>"$lc/paused.err" &
pid=$!
for _ in $(seq 1 600); do grep -q "paused at key_stored" "$lc/paused.err" 2>/dev/null && break; sleep 0.1; done
paused=no
grep -q "paused at key_stored" "$lc/paused.err" && paused=yes
# SIGKILL: the Windows process is this Unix process under Wine; nothing of ours runs.
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
check "order new paused at key_stored (the key written to Credential Manager, the order not yet) and killed with SIGKILL" \
  bash -c '[ "$1" = yes ] && ! kill -0 "$2" 2>/dev/null' _ "$paused" "$pid"
killed=$(wcli order list --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
check "after the kill: one order more, kept (nothing half-written)" bash -c '[ "$(order_count)" = $(($1 + 1)) ]' _ "$count"
wcli order resume
check "order resume: the order is finished from the key already in Credential Manager" \
  bash -c 's=$(state_of "$1"); echo "$s"; [ "$s" = key_generated ] || [ "$s" = csr_exported ]' _ "$killed"
check "its CSR signed by the portal imports (the key kept is the order's)" \
  bash -c 'wcli order csr "$1" --out "$2" --overwrite >/dev/null && sign "$3" "$4" && wcli import "$5" >/dev/null && [ "$(state_of "$1")" = certificate_imported ]' \
  _ "$killed" "$(winpath "$lc/r3-again.csr")" "$lc/r3-again.csr" "$lc/c3.pem" "$(winpath "$lc/c3.pem")"
echo "lifecycle part 3 in $(($(date +%s) - start)) s"

# ---- 4. Coded errors that leave nothing behind
start=$(date +%s)
printf 'portail-2026\n' >"$lc/portal.pass"
printf 'pas-le-bon\n' >"$lc/wrong.pass"
"$target/debug/certisante-testpki" portal p12 "$portal" --offer ORG --usage AUTH_CLI --org "EHPAD LES TILLEULS" --ou 11B0073160 \
  --state "Paris (75)" --cn ROC --password-file "$lc/portal.pass" --out "$lc/portal.p12" >/dev/null
count=$(order_count)
out=$(wcli import "$(winpath "$lc/portal.p12")" --password-file "$(winpath "$lc/wrong.pass")" 2>&1)
echo "$out"
check "a wrong .p12 password: certs.p12_bad_password, no order, the password never shown" \
  bash -c '[[ "$1" == *"(certs.p12_bad_password)"* ]] && [[ "$1" != *pas-le-bon* ]] && [ "$(order_count)" = "$2" ]' _ "$out" "$count"

# A store that refuses the install: a deny DACL on CurrentUser\My (what a locked-down
# profile gives). The order whose certificate was just imported is not installed.
thumb3=$(sha1_of "$lc/c3.pem")
wine "$bin/regacl.exe" deny-all HKCU 'Software\Microsoft\SystemCertificates\My'
out=$(wcli export "$killed" --windows-store user 2>&1)
rc=$?
echo "$out"
check "a store this account may not write: install.windows_store (exit 1), the order still certificate_imported" \
  bash -c '[ "$1" = 1 ] && [[ "$2" == *"(install.windows_store)"* ]] && [ "$(state_of "$3")" = certificate_imported ]' _ "$rc" "$out" "$killed"
check "... and nothing recorded as a place" bash -c '! places_of "$1" | grep -q "^windows:"' _ "$(sha256_of "$lc/c3.pem")"
# A store whose certificates cannot be written (only the commit fails under Wine): the
# install's key is deleted again and the certificate is not there.
wineserver -k && wineserver -p
wine "$bin/regacl.exe" deny-write HKCU 'Software\Microsoft\SystemCertificates\My\Certificates'
out=$(wcli export "$killed" --windows-store user 2>&1)
rc=$?
echo "$out"
check "a store that refuses the write at commit: install.windows_store, still certificate_imported" \
  bash -c '[ "$1" = 1 ] && [[ "$2" == *"(install.windows_store)"* ]] && [ "$(state_of "$3")" = certificate_imported ]' _ "$rc" "$out" "$killed"
wineserver -k && wineserver -p
check "... and the certificate is not in CurrentUser\\My afterwards" bash -c '! wine "$1" has user "$2"' _ "$bin/storeprobe.exe" "$thumb3"
check "the same install, the store writable again: installed" \
  bash -c 'wcli export "$1" --windows-store user >/dev/null && [ "$(state_of "$1")" = installed ] && wine "$2" has user "$3"' _ "$killed" "$bin/storeprobe.exe" "$thumb3"

# Credential Manager unavailable (deny DACL on its key: ERROR_NO_SUCH_LOGON_SESSION, what
# Windows answers without a user session). Windows' Credential Manager has no locked state.
count=$(order_count)
wine "$bin/regacl.exe" deny-all HKCU 'Software\Wine\Credential Manager'
out=$(wcli order new --env test --offer ORG --usage AUTH_CLI --org "CLINIQUE DES LILAS" --structure-id 11B0073160 --state 75 \
  --cn SAS --csr-out "$(winpath "$lc/r4.csr")" 2>&1)
rc=$?
echo "$out"
check "Credential Manager unavailable: keystore.unavailable (exit 3), said in French" \
  bash -c '[ "$1" = 3 ] && [[ "$2" == *"(keystore.unavailable)"* ]] && [[ "$2" == *"trousseau du système est injoignable"* ]]' _ "$rc" "$out"
wineserver -k && wineserver -p
check "... nothing was made: no order, no CSR" bash -c '[ "$(order_count)" = "$1" ] && [ ! -e "$2" ]' _ "$count" "$lc/r4.csr"
echo "lifecycle part 4 in $(($(date +%s) - start)) s"

# ---- 5. The machine policy, as a GPO writes it
start=$(date +%s)
key='HKLM\Software\Policies\CertiSante'
mkdir -p "$lc/policy-certs"
wine reg add "$key" /v AlertDays /t REG_SZ /d '90,30,7' /f >/dev/null
wine reg add "$key" /v Pkcs11Module /t REG_SZ /d 'C:\Windows\System32\cps3_pkcs11_w64.dll' /f >/dev/null
wine reg add "$key" /v WatchedPaths /t REG_MULTI_SZ /d "$(winpath "$lc/policy-certs")" /f >/dev/null
wine reg add "$key" /v GroupDatabaseUrl /t REG_SZ /d 'postgresql://inventaire@pg.hopital.local/certisante' /f >/dev/null
wcli settings show --json >"$lc/settings.json"
check "settings show: the forced settings and their values (alert days, module, watched folders, group registry)" \
  python3 - "$lc/settings.json" "$(winpath "$lc/policy-certs")" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1], encoding="utf-8"))
policy, settings = doc["policy"], doc["settings"]
print(policy["source"], policy["forced"], settings["alert_days"], settings["pkcs11_module"])
ok = (policy["source"] == "HKLM\\Software\\Policies\\CertiSante" and policy["error"] is None
      and set(policy["forced"]) == {"watched_paths", "alert_days", "pkcs11_module", "group_database_url"}
      and settings["alert_days"] == [90, 30, 7] and settings["pkcs11_module"] == "C:\\Windows\\System32\\cps3_pkcs11_w64.dll"
      and policy["values"]["GroupDatabaseUrl"] == "postgresql://inventaire@pg.hopital.local/certisante")
sys.exit(0 if ok else 1)
PY
wcli settings show
out=$(wcli settings set alert-days 60 2>&1); rc=$?
echo "$out"
check "a user change of a forced setting is refused: policy.forced (exit 1)" \
  bash -c '[ "$1" = 1 ] && [[ "$2" == *"(policy.forced)"* ]] && [[ "$2" == *"stratégie de l’ordinateur"* ]]' _ "$rc" "$out"
check "watch list: exactly the policy's folder; watch add is refused with policy.forced" \
  bash -c 'wcli watch list | tr -d "\r" | grep -qF "policy-certs" && out=$(wcli watch add "$1" 2>&1); echo "$out"; [[ "$out" == *"(policy.forced)"* ]]' _ "$(winpath "$lc")"
check "doctor looks for the card module where the policy says" \
  bash -c 'wcli doctor --offline --json | tr -d "\r" | grep -qF "cps3_pkcs11_w64.dll"'
check "a preference the policy does not force is still the user's (language)" bash -c 'wcli settings set language fr >/dev/null'
wine reg add "$key" /v ReadOnly /t REG_DWORD /d 1 /f >/dev/null
out=$(order_new DMP "$lc/r5.csr" 2>&1); rc=$?
echo "$out"
check "ReadOnly = 1: order new is refused (app.read_only), nothing made" \
  bash -c '[ "$1" = 1 ] && [[ "$2" == *"(app.read_only)"* ]] && [ ! -e "$3" ]' _ "$rc" "$out" "$lc/r5.csr"
out=$(wcli settings set read-only false 2>&1); rc=$?
echo "$out"
check "ReadOnly = 1: turning read-only off is refused (policy.forced)" bash -c '[ "$1" = 1 ] && [[ "$2" == *"(policy.forced)"* ]]' _ "$rc" "$out"
wine reg add "$key" /v ReadOnly /t REG_SZ /d 1 /f >/dev/null
wcli settings show --json >"$lc/broken.json"
out=$(order_new DMP "$lc/r5.csr" 2>&1); rc=$?
echo "$out"
check "a value of the wrong type (ReadOnly as REG_SZ): policy.invalid, and the workstation is read-only" \
  bash -c '[ "$1" = 1 ] && [[ "$2" == *"(policy.invalid)"* ]] && python3 -c "import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d[\"policy\"][\"error\"][\"code\"] == \"policy.invalid\" and d[\"read_only\"][\"enabled\"] else 1)" "$3"' \
  _ "$rc" "$out" "$lc/broken.json"
wine reg delete "$key" /f >/dev/null
check "the policy removed: the user's settings apply again (alert days editable)" bash -c 'wcli settings set alert-days 60,7 >/dev/null'
echo "policy part in $(($(date +%s) - start)) s"

# ---- 6. No smart-card service (Wine's winscard is a stub: SCardEstablishContext fails)
out=$(PCSCLITE_CSOCK_NAME="$lc/no-pcscd" wcli card readers 2>&1); rc=$?
echo "$out"
check "card readers without the smart-card service: card.pcsc_unavailable (exit 3), what to do in French (« Carte à puce », SCardSvr)" \
  bash -c '[ "$1" = 3 ] && [[ "$2" == *"(card.pcsc_unavailable)"* ]] && [[ "$2" == *"« Carte à puce » (SCardSvr)"* ]]' _ "$rc" "$out"
out=$(PCSCLITE_CSOCK_NAME="$lc/no-pcscd" wcli doctor --offline 2>&1); rc=$?
echo "$out"
check "doctor without the smart-card service: exit 2, the service check says what to do in French" \
  bash -c '[ "$1" = 2 ] && [[ "$2" == *"pcsc_service"*"démarrez le service « Carte à puce » (SCardSvr)"* ]]' _ "$rc" "$out"
