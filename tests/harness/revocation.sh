#!/usr/bin/env bash
# The revocation servers of a lab written by `certisante-testpki revocation <dir>`
# (crates/testpki/src/revocation.rs), for crates/store/tests/it/revocation.rs, the CLI test
# and manual tries:
#
#   tests/harness/revocation.sh start <dir>    start them in the background, wait until they listen
#   tests/harness/revocation.sh stop  <dir>    stop them (by their pid files)
#   tests/harness/revocation.sh requests <dir> <path>   how many GETs of /<path> the HTTP server answered
#
# Ports come from <dir>/lab.env. On 127.0.0.1:
#   OCSP_PORT         openssl ocsp, answers signed by the delegated responder (ca/ocsp-signer.*)
#   OCSP_DIRECT_PORT  openssl ocsp, answers signed by the CA itself (ca/intermediate.*)
#   HTTP_PORT         python3 -m http.server serving <dir>/crl (its log counts the downloads)
#   HANG_PORT         a listener that accepts connections and never answers (timeouts)
#   DOWN_PORT         nothing: connections are refused
# `openssl ocsp -port` binds every interface (it has no bind address); the others bind
# 127.0.0.1 only. Logs and pid files: <dir>/run/.
set -euo pipefail

die() { echo "revocation.sh: $*" >&2; exit 1; }
command -v openssl >/dev/null || die "openssl is missing (Debian package: openssl)"
command -v python3 >/dev/null || die "python3 is missing (Debian package: python3)"

# args: dir name command...   (background, log and pid in <dir>/run)
launch() {
  local dir=$1 name=$2; shift 2
  nohup "$@" > "$dir/run/$name.log" 2>&1 < /dev/null &
  echo $! > "$dir/run/$name.pid"
}

# args: dir name pattern: waits until the log shows the pattern (the server is bound).
wait_for() {
  local dir=$1 name=$2 pattern=$3
  for _ in $(seq 100); do
    kill -0 "$(cat "$dir/run/$name.pid")" 2>/dev/null || { cat "$dir/run/$name.log" >&2; die "$name exited"; }
    grep -q "$pattern" "$dir/run/$name.log" && return 0
    sleep 0.05
  done
  cat "$dir/run/$name.log" >&2
  die "$name did not start"
}

cmd_start() {
  local dir=$1
  [ -f "$dir/lab.env" ] || die "no lab in $dir: run 'certisante-testpki revocation $dir' first"
  # shellcheck disable=SC1091
  . "$dir/lab.env"
  mkdir -p "$dir/run"
  local ca=$dir/ca
  launch "$dir" ocsp openssl ocsp -index "$ca/index.txt" -port "$OCSP_PORT" -CA "$ca/intermediate.pem" \
    -rsigner "$ca/ocsp-signer.pem" -rkey "$ca/ocsp-signer.key" -ndays 1 -ignore_err
  launch "$dir" ocsp-direct openssl ocsp -index "$ca/index.txt" -port "$OCSP_DIRECT_PORT" -CA "$ca/intermediate.pem" \
    -rsigner "$ca/intermediate.pem" -rkey "$ca/intermediate.key" -ndays 1 -ignore_err
  launch "$dir" http python3 -u -m http.server "$HTTP_PORT" --bind 127.0.0.1 --directory "$dir/crl"
  launch "$dir" hang python3 -u -c '
import socket, sys, time
server = socket.socket()
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("127.0.0.1", int(sys.argv[1])))
server.listen(64)
print("listening", flush=True)
held = []
while True:
    connection, _ = server.accept()
    held.append(connection)  # kept open, never answered
' "$HANG_PORT"
  wait_for "$dir" ocsp "waiting for OCSP client connections"
  wait_for "$dir" ocsp-direct "waiting for OCSP client connections"
  wait_for "$dir" http "Serving HTTP"
  wait_for "$dir" hang "listening"
  echo "revocation servers up: ocsp $OCSP_PORT, ocsp-direct $OCSP_DIRECT_PORT, http $HTTP_PORT, hang $HANG_PORT"
}

cmd_stop() {
  local dir=$1 pidfile
  for pidfile in "$dir"/run/*.pid; do
    [ -f "$pidfile" ] || continue
    kill "$(cat "$pidfile")" 2>/dev/null || true
    rm -f "$pidfile"
  done
}

cmd_requests() {
  local dir=$1 path=$2
  grep -c "\"GET /$path HTTP/1.1\" 200" "$dir/run/http.log" || true
}

[ $# -ge 2 ] || die "usage: $0 start|stop|requests <dir> [path]"
cmd=$1; dir=$(cd "$2" && pwd); shift 2
case $cmd in
  start) cmd_start "$dir" ;;
  stop) cmd_stop "$dir" ;;
  requests) [ $# -ge 1 ] || die "usage: $0 requests <dir> <path>"; cmd_requests "$dir" "$1" ;;
  *) die "unknown sub-command $cmd (start, stop, requests)" ;;
esac
