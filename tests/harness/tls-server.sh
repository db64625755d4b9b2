#!/usr/bin/env bash
# TLS servers that require a client certificate (openssl s_server -Verify), for
# crates/devices/tests/net.rs and manual tries of card-authenticated HTTPS.
#
#   tests/harness/tls-server.sh pki   <dir>                                  test PKI (once; kept if present)
#   tests/harness/tls-server.sh serve <dir> <port> <version> [client-ca.pem]  run s_server in the foreground
#   tests/harness/tls-server.sh start <dir> <port> <version> [client-ca.pem]  same, in the background
#   tests/harness/tls-server.sh stop  <dir> <port>
#
# <version>: tls1_2, tls1_3 or any. The server answers every HTTPS request with s_server's
# -www status page ("New, TLSv1.3, ...", "Protocol  : TLSv1.3", the client certificate),
# and refuses a client without a certificate issued by <dir>/ca.pem or by the extra
# client-ca.pem (for example the token harness's CA, which issued the card's certificate).
# It keeps session resumption and tickets on: the client is the one that must refuse them.
#
# PKI in <dir> (RSA 2048, never an IGC-Santé name):
#   ca.pem ca.key              the test CA: issues the server's and the software client's certs
#   server.pem server.key      CN=localhost, SAN DNS:localhost IP:127.0.0.1, serverAuth
#   client.pem client.key client.pk8   RSA client certificate (clientAuth); key also as PKCS#8 DER
#   client-ec.pem client-ec.pk8        the same with an EC P-256 key
#   other-ca.pem               a CA that issued nothing here: trusting only it must fail
# `serve` execs openssl, so the process a test spawns is s_server itself (kill it to stop).
# `start` waits until s_server listens; its log is <dir>/s_server-<port>.log.
set -euo pipefail

die() { echo "tls-server.sh: $*" >&2; exit 1; }
command -v openssl >/dev/null || die "openssl is missing (Debian package: openssl)"

ossl() { openssl "$@" 2>/dev/null || die "openssl $1 failed"; }

# args: dir name subject extensions keyspec
issue() {
  local dir=$1 name=$2 subject=$3 ext=$4 keyspec=$5
  printf '%b' "$ext" > "$dir/$name.ext"
  ossl genpkey $keyspec -out "$dir/$name.key"
  ossl req -new -key "$dir/$name.key" -subj "$subject" -out "$dir/$name.csr"
  ossl x509 -req -in "$dir/$name.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial \
    -days 30 -sha256 -extfile "$dir/$name.ext" -out "$dir/$name.pem"
  ossl pkcs8 -topk8 -nocrypt -in "$dir/$name.key" -outform DER -out "$dir/$name.pk8"
  rm -f "$dir/$name.csr" "$dir/$name.ext"
}

cmd_pki() {
  local dir=$1
  [ -f "$dir/done" ] && return 0
  mkdir -p "$dir"
  local ca_ext=(-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign")
  ossl req -x509 -newkey rsa:2048 -nodes -keyout "$dir/ca.key" -out "$dir/ca.pem" -days 30 \
    -subj "/C=FR/O=CERTISANTE TEST HARNESS/CN=TEST HARNESS CA TLS" "${ca_ext[@]}"
  ossl req -x509 -newkey rsa:2048 -nodes -keyout "$dir/other-ca.key" -out "$dir/other-ca.pem" -days 30 \
    -subj "/C=FR/O=CERTISANTE TEST HARNESS/CN=TEST HARNESS OTHER CA" "${ca_ext[@]}"
  local leaf='basicConstraints=CA:FALSE\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n'
  issue "$dir" server "/C=FR/O=CERTISANTE TEST HARNESS/CN=localhost" \
    "${leaf}keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n" \
    "-algorithm RSA -pkeyopt rsa_keygen_bits:2048"
  issue "$dir" client "/C=FR/O=CERTISANTE TEST HARNESS/CN=SOFTWARE CARD RSA" \
    "${leaf}keyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n" \
    "-algorithm RSA -pkeyopt rsa_keygen_bits:2048"
  issue "$dir" client-ec "/C=FR/O=CERTISANTE TEST HARNESS/CN=SOFTWARE CARD EC" \
    "${leaf}keyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n" \
    "-algorithm EC -pkeyopt ec_paramgen_curve:P-256"
  touch "$dir/done"
}

# Sets SERVER_CMD to the s_server command line for: dir port version [client-ca]
server_args() {
  local dir=$1 port=$2 version=$3 extra=${4:-}
  [ -f "$dir/done" ] || die "no PKI in $dir: run '$0 pki $dir' first"
  [[ $port =~ ^[0-9]+$ ]] || die "bad port $port"
  local cas=$dir/client-cas-$port.pem
  cat "$dir/ca.pem" > "$cas"
  if [ -n "$extra" ]; then
    [ -f "$extra" ] || die "client CA $extra not found"
    cat "$extra" >> "$cas"
  fi
  # -Verify 1 -verify_return_error: a missing or untrusted client certificate ends the handshake.
  SERVER_CMD=(openssl s_server -accept "127.0.0.1:$port" -cert "$dir/server.pem" -key "$dir/server.key"
    -CAfile "$cas" -Verify 1 -verify_return_error -www)
  case $version in
    tls1_2) SERVER_CMD+=(-tls1_2) ;;
    tls1_3) SERVER_CMD+=(-tls1_3) ;;
    any) ;;
    *) die "unknown version $version (tls1_2, tls1_3, any)" ;;
  esac
}

cmd_serve() {
  server_args "$@"
  exec "${SERVER_CMD[@]}"
}

cmd_start() {
  local dir=$1 port=$2
  server_args "$@"
  nohup "${SERVER_CMD[@]}" > "$dir/s_server-$port.log" 2>&1 &
  echo $! > "$dir/s_server-$port.pid"
  for _ in $(seq 50); do
    if ! kill -0 "$(cat "$dir/s_server-$port.pid")" 2>/dev/null; then
      cat "$dir/s_server-$port.log" >&2; die "s_server on port $port exited"
    fi
    grep -q ACCEPT "$dir/s_server-$port.log" && { echo "s_server listening on 127.0.0.1:$port"; return 0; }
    sleep 0.1
  done
  die "s_server on port $port did not start"
}

cmd_stop() {
  local dir=$1 port=$2 pidfile=$1/s_server-$2.pid
  [ -f "$pidfile" ] || return 0
  kill "$(cat "$pidfile")" 2>/dev/null || true
  rm -f "$pidfile"
}

[ $# -ge 2 ] || die "usage: $0 pki|serve|start|stop <dir> [port version [client-ca.pem]]"
cmd=$1; shift
mkdir -p "$1"
dir=$(cd "$1" && pwd); shift
case $cmd in
  pki) cmd_pki "$dir" ;;
  serve) [ $# -ge 2 ] || die "usage: $0 serve <dir> <port> <version> [client-ca.pem]"; cmd_serve "$dir" "$@" ;;
  start) [ $# -ge 2 ] || die "usage: $0 start <dir> <port> <version> [client-ca.pem]"; cmd_start "$dir" "$@" ;;
  stop) [ $# -ge 1 ] || die "usage: $0 stop <dir> <port>"; cmd_stop "$dir" "$1" ;;
  *) die "unknown sub-command $cmd (pki, serve, start, stop)" ;;
esac
