#!/usr/bin/env bash
# PKCS#11 tokens standing for a CPS card, for crates/devices/tests/token.rs.
#
#   tests/harness/tokens.sh softhsm      <dir>   SoftHSM2 tokens in a private SOFTHSM2_CONF under <dir>
#   tests/harness/tokens.sh opencryptoki <dir>   opencryptoki's soft token (slot 3, system-wide, re-initialised)
#   tests/harness/tokens.sh all          <dir>   both
#
# Each sub-command writes <dir>/<name>.env (KEY=VALUE lines, also printed) that the tests
# read; run the tests with CERTISANTE_TOKEN_HARNESS=<dir>. Re-running a sub-command wipes
# and rebuilds its tokens, so every run starts from the same state.
#
# The certificates imitate a CPS card's (the real layout is unconfirmed; see
# crates/devices/assets/cps-cards.json): issued by a harness CA (never an IGC-Santé name),
#   C=FR, O=CENTRE HOSPITALIER DE TEST, OU=110B0073160 (structure: "1" + FINESS),
#   title=<card type>, SN=<surname>, GN=<given name>, CN=<national id>/<GIVEN NAME SURNAME>
# (or the national id in serialNumber and CN=<name>). Tokens:
#   SoftHSM CPS-TEST   RSA 2048 authentication key + certificate (CKA_ID cc20) and signature
#                      key + certificate (cc10)
#   SoftHSM CPE-TEST   EC P-256 authentication key + certificate (cc20), a CPE holder
#   opencryptoki CPS-OCK (slot 3) as CPS-TEST, RSA only; it locks after 3 wrong PINs
# Key pairs are generated on the token, sensitive (SoftHSM's are also never extractable, as
# on a card; opencryptoki's soft token marks its generated keys extractable, its default);
# the certificates are public objects, readable without the PIN. User PIN 1234 everywhere.
set -euo pipefail

USER_PIN=1234
SOFTHSM_SO_PIN=12345678
OCK_SO_PIN=87654321
OCK_SLOT=3
SOFTHSM_MODULE=${SOFTHSM_MODULE:-/usr/lib/softhsm/libsofthsm2.so}
OCK_MODULE=${OCK_MODULE:-/usr/lib/x86_64-linux-gnu/pkcs11/libopencryptoki.so}
SPY_MODULE=${SPY_MODULE:-/usr/lib/x86_64-linux-gnu/pkcs11/pkcs11-spy.so}
# CKA_IDs: two bytes so that the tests check "ends in", not "equals".
AUTH_ID=cc20
SIGN_ID=cc10

die() { echo "tokens.sh: $*" >&2; exit 1; }
need() { command -v "$1" >/dev/null || die "$1 is missing (Debian package: $2)"; }

# The harness CA, shared by every token. Regenerated only when absent.
make_ca() {
  local pki=$1/pki
  [ -f "$pki/ca.pem" ] && return 0
  rm -rf "$pki"; mkdir -p "$pki"
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$pki/ca.key" -out "$pki/ca.pem" -days 3650 \
    -subj "/C=FR/O=CERTISANTE TEST HARNESS/CN=TEST HARNESS CA CPS" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
}

CPS_SUBJECT="/C=FR/O=CENTRE HOSPITALIER DE TEST/OU=110B0073160/title=CPS/SN=DUPONT/GN=JEAN/CN=899700218896\/JEAN DUPONT"
CPE_SUBJECT="/C=FR/O=CENTRE HOSPITALIER DE TEST/OU=110B0073160/title=CPE/serialNumber=310B0073160\/CPET00001/SN=MARTIN/GN=MARIE/CN=MARIE MARTIN"

# Generates the key pair ON the token, then has the harness CA certify its public key and
# writes the certificate beside it (and in $dir/pki, $dir being the caller's).
# args: module slot-args(string) name id label keyspec subject keyUsage extKeyUsage
issue_on_token() {
  local module=$1 slot=$2 name=$3 id=$4 label=$5 keyspec=$6 subject=$7 ku=$8 eku=$9
  local pki=$dir/pki out
  # shellcheck disable=SC2086
  local t=(pkcs11-tool --module "$module" $slot --login --pin "$USER_PIN")
  "${t[@]}" --keypairgen --key-type "$keyspec" --id "$id" --label "$label" --usage-sign >/dev/null 2>&1 \
    || die "key generation $keyspec failed on $name"
  out=$pki/$name-$id
  "${t[@]}" --read-object --type pubkey --id "$id" -o "$out.pub.der" >/dev/null 2>&1 || die "cannot read the public key $id on $name"
  printf 'keyUsage=critical,%s\nextendedKeyUsage=%s\nbasicConstraints=CA:FALSE\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n' \
    "$ku" "$eku" > "$out.ext"
  openssl x509 -new -subj "$subject" -force_pubkey "$out.pub.der" -keyform DER \
    -CA "$pki/ca.pem" -CAkey "$pki/ca.key" -CAcreateserial -days 1095 -sha256 -extfile "$out.ext" \
    -outform DER -out "$out.der" 2>/dev/null || die "cannot certify key $id of $name"
  "${t[@]}" --write-object "$out.der" --type cert --id "$id" --label "$label" >/dev/null
}

# A private copy of OpenSC's pkcs11-spy per real module: the tests load it instead of the
# module to count C_Login calls and see which PIN each one carried.
make_spy() {
  local dir=$1 name=$2
  mkdir -p "$dir/spy"
  rm -f "$dir/spy/$name"-*.log
  cp "$SPY_MODULE" "$dir/spy/$name-spy.so"
  echo "$dir/spy/$name-spy.so"
}

cmd_softhsm() {
  local dir=$1
  need softhsm2-util softhsm2; need pkcs11-tool opensc; need openssl openssl
  [ -f "$SOFTHSM_MODULE" ] || die "SoftHSM2 module not found at $SOFTHSM_MODULE"
  make_ca "$dir"
  local root=$dir/softhsm
  rm -rf "$root"; mkdir -p "$root/tokens"
  printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n' \
    "$root/tokens" > "$root/softhsm2.conf"
  export SOFTHSM2_CONF=$root/softhsm2.conf
  softhsm2-util --init-token --free --label CPS-TEST --so-pin "$SOFTHSM_SO_PIN" --pin "$USER_PIN" >/dev/null
  softhsm2-util --init-token --free --label CPE-TEST --so-pin "$SOFTHSM_SO_PIN" --pin "$USER_PIN" >/dev/null
  issue_on_token "$SOFTHSM_MODULE" "--token-label CPS-TEST" CPS-TEST "$AUTH_ID" "CPS authentication" rsa:2048 \
    "$CPS_SUBJECT" digitalSignature clientAuth
  issue_on_token "$SOFTHSM_MODULE" "--token-label CPS-TEST" CPS-TEST "$SIGN_ID" "CPS signature" rsa:2048 \
    "$CPS_SUBJECT" nonRepudiation emailProtection
  # An EC card (CPE holder): exercises ECDSA signing and the serialNumber identifier rule.
  issue_on_token "$SOFTHSM_MODULE" "--token-label CPE-TEST" CPE-TEST "$AUTH_ID" "CPE authentication" EC:prime256v1 \
    "$CPE_SUBJECT" digitalSignature clientAuth
  local spy; spy=$(make_spy "$dir" softhsm)
  {
    echo "SOFTHSM_MODULE=$SOFTHSM_MODULE"
    echo "SOFTHSM_SPY=$spy"
    echo "SOFTHSM2_CONF=$SOFTHSM2_CONF"
    echo "SOFTHSM_TOKEN=CPS-TEST"
    echo "SOFTHSM_CPE_TOKEN=CPE-TEST"
    echo "USER_PIN=$USER_PIN"
    echo "AUTH_ID=$AUTH_ID"
    echo "SIGN_ID=$SIGN_ID"
    echo "PKI_DIR=$dir/pki"
  } > "$dir/softhsm.env"
  cat "$dir/softhsm.env"
}

cmd_opencryptoki() {
  local dir=$1
  need pkcsconf opencryptoki; need pkcs11-tool opensc; need openssl openssl
  [ -f "$OCK_MODULE" ] || die "opencryptoki module not found at $OCK_MODULE"
  make_ca "$dir"
  # No systemd here: create the lock and data directories, then start the slot daemon once.
  systemd-tmpfiles --create /usr/lib/tmpfiles.d/opencryptoki.conf >/dev/null 2>&1 || true
  if ! pgrep -x pkcsslotd >/dev/null; then
    /usr/sbin/pkcsslotd || die "pkcsslotd did not start"
    sleep 1
  fi
  # Re-initialising wipes the token and clears a locked user PIN: every run starts fresh.
  echo CPS-OCK | pkcsconf -I -c "$OCK_SLOT" -S "$OCK_SO_PIN" >/dev/null \
    || die "pkcsconf -I failed (was the SO PIN of slot $OCK_SLOT changed from $OCK_SO_PIN?)"
  pkcsconf -u -c "$OCK_SLOT" -S "$OCK_SO_PIN" -n "$USER_PIN" >/dev/null || die "pkcsconf -u failed"
  # This soft token has no EC key generation: RSA only.
  issue_on_token "$OCK_MODULE" "--slot $OCK_SLOT" CPS-OCK "$AUTH_ID" "CPS authentication" rsa:2048 \
    "$CPS_SUBJECT" digitalSignature clientAuth
  issue_on_token "$OCK_MODULE" "--slot $OCK_SLOT" CPS-OCK "$SIGN_ID" "CPS signature" rsa:2048 \
    "$CPS_SUBJECT" nonRepudiation emailProtection
  local spy; spy=$(make_spy "$dir" opencryptoki)
  {
    echo "OCK_MODULE=$OCK_MODULE"
    echo "OCK_SPY=$spy"
    echo "OCK_SLOT=$OCK_SLOT"
    echo "OCK_TOKEN=CPS-OCK"
    echo "OCK_SO_PIN=$OCK_SO_PIN"
    echo "USER_PIN=$USER_PIN"
    echo "AUTH_ID=$AUTH_ID"
    echo "SIGN_ID=$SIGN_ID"
    echo "PKI_DIR=$dir/pki"
  } > "$dir/opencryptoki.env"
  cat "$dir/opencryptoki.env"
}

[ $# -eq 2 ] || die "usage: $0 softhsm|opencryptoki|all <dir>"
mkdir -p "$2"
dir=$(cd "$2" && pwd)
case $1 in
  softhsm) cmd_softhsm "$dir" ;;
  opencryptoki) cmd_opencryptoki "$dir" ;;
  all) cmd_softhsm "$dir"; cmd_opencryptoki "$dir" ;;
  *) die "unknown sub-command $1 (softhsm, opencryptoki, all)" ;;
esac
