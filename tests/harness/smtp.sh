#!/usr/bin/env bash
# A real SMTP server on 127.0.0.1 (smtp.py, aiosmtpd) for the mail-alert tests.
#
#   tests/harness/smtp.sh start  <dir>   start it (no-op if it runs), wait until it listens
#   tests/harness/smtp.sh stop   <dir>   stop it (idempotent); <dir>/mail is kept
#   tests/harness/smtp.sh down   <dir>   stop the server but keep <dir>/env: every port
#                                        refuses connections ("server down")
#   tests/harness/smtp.sh up     <dir>   start it again on the same ports after `down`
#   tests/harness/smtp.sh status <dir>   exit 0 if it runs
#   tests/harness/smtp.sh env    <dir>   print the env file
#   tests/harness/smtp.sh mails  <dir>   list the received messages (.eml paths, in order)
#
# <dir>/env (export NAME='value' lines, see common.sh):
#   SMTP_HOST=127.0.0.1
#   SMTP_STARTTLS_PORT  plain SMTP + STARTTLS, required before AUTH; AUTH required to send
#   SMTP_SMTPS_PORT     implicit TLS (SMTPS); AUTH required
#   SMTP_PLAIN_PORT     no TLS offered, AUTH in clear text: a TLS client must refuse it
#   SMTP_HANG_PORT      accepts and never greets (timeouts)
#   SMTP_DOWN_PORT      nothing listens: connection refused
#   SMTP_USER SMTP_PASSWORD   the one account (AUTH PLAIN or LOGIN); anything else: 535
#   SMTP_CA             the test CA that issued the server's certificate (localhost, 127.0.0.1)
#   SMTP_MAIL_DIR       every accepted message: NNNNN-<listener>.eml (raw) + .json (envelope)
#   CERTISANTE_SMTP_HARNESS=<dir>
# A recipient whose local part starts with "reject" is refused with 550.
#
# The server needs aiosmtpd, installed by scripts/setup.sh test into the tools venv
# (${CERTISANTE_TOOLS_DIR:-~/.cache/certisante/tools}/venv), not into the system Python.
set -euo pipefail
HARNESS=smtp.sh
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$HERE/common.sh"

SMTP_USER=${CERTISANTE_SMTP_USER:-alertes@certisante.test}
# A test account on a test server bound to 127.0.0.1: not a secret.
SMTP_PASSWORD=${CERTISANTE_SMTP_PASSWORD:-mot-de-passe-de-test}
TOOLS=${CERTISANTE_TOOLS_DIR:-$HOME/.cache/certisante/tools}
PYTHON=$TOOLS/venv/bin/python3

usage() { echo "usage: $0 start|stop|down|up|status|env|mails <dir>" >&2; exit 2; }
[ $# -ge 2 ] || usage
cmd=$1
if [ "$cmd" = start ]; then mkdir -p "$2"; fi
[ -d "$2" ] || { [ "$cmd" = stop ] && { echo "$HARNESS: nothing under $2" >&2; exit 0; }; die "$2 does not exist: run \`$0 start $2\` first"; }
DIR=$(cd "$2" && pwd)
case $DIR in *"'"*) die "a path with a quote is not supported: $DIR" ;; esac
PIDFILE=$DIR/smtp.pid

pid_of() { live_pid "$PIDFILE" python3 "$HERE/smtp.py"; }

# Waits until smtp.py wrote ready.json (it does once every listener is bound) and the
# STARTTLS port answers.
listening() {
  [ -s "$DIR/ready.json" ] || return 1
  port_open "$(port_of starttls)"
}
port_of() { python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$DIR/ready.json" "$1"; }

write_smtp_env() {
  local down=$1
  write_env "$DIR/env" SMTP_HOST 127.0.0.1 \
    SMTP_STARTTLS_PORT "$(port_of starttls)" SMTP_SMTPS_PORT "$(port_of smtps)" \
    SMTP_PLAIN_PORT "$(port_of plain)" SMTP_HANG_PORT "$(port_of hang)" SMTP_DOWN_PORT "$down" \
    SMTP_USER "$SMTP_USER" SMTP_PASSWORD "$SMTP_PASSWORD" SMTP_CA "$DIR/tls/ca.pem" \
    SMTP_MAIL_DIR "$DIR/mail" CERTISANTE_SMTP_HARNESS "$DIR"
}

# start_server [same]: with `same`, the ports of the last run (after `down`).
start_server() {
  need python3 python3
  [ -x "$PYTHON" ] || die "no tools venv at $TOOLS/venv: run scripts/setup.sh test (it installs aiosmtpd there)"
  "$PYTHON" -c 'import aiosmtpd' 2>/dev/null || die "aiosmtpd is not installed in $TOOLS/venv: run scripts/setup.sh test"
  make_tls "$DIR/tls"
  mkdir -p "$DIR/mail"
  local ports=() name
  if [ "${1:-}" = same ] && [ -s "$DIR/ready.json" ]; then
    for name in starttls smtps plain hang; do ports+=("--$name-port" "$(port_of "$name")"); done
  fi
  rm -f "$DIR/ready.json"
  # exec'd by nohup: $! is the Python process; output to a log, no pipe of the caller held.
  nohup "$PYTHON" -u "$HERE/smtp.py" --dir "$DIR" --cert "$DIR/tls/server.pem" --key "$DIR/tls/server.key" \
    --user "$SMTP_USER" --password "$SMTP_PASSWORD" "${ports[@]}" </dev/null >>"$DIR/smtp.log" 2>&1 &
  local pid=$!
  echo "$pid" >"$PIDFILE"
  if wait_until 15 eval 'listening || ! kill -0 '"$pid"' 2>/dev/null' && listening; then return 0; fi
  echo "$HARNESS: the SMTP server did not start listening within 15 s; log $DIR/smtp.log:" >&2
  tail -n 20 "$DIR/smtp.log" >&2 || true
  stop_pid "$PIDFILE" python3 5 "$HERE/smtp.py"
  return 1
}

start() {
  local down
  if pid_of >/dev/null && listening && [ -f "$DIR/env" ]; then
    echo "$HARNESS: already running under $DIR" >&2
    cat "$DIR/env"
    return 0
  fi
  stop_pid "$PIDFILE" python3 5 "$HERE/smtp.py"
  start_server || { rm -f "$DIR/env"; exit 1; }
  # The "down" port: free now, and nobody is meant to bind it.
  down=$(free_port)
  write_smtp_env "$down"
  echo "$HARNESS: SMTP test server running under $DIR (pid $(cat "$PIDFILE"); STARTTLS $(port_of starttls), SMTPS $(port_of smtps), plain $(port_of plain), hang $(port_of hang), down $down)" >&2
  cat "$DIR/env"
}

case $cmd in
  start) start ;;
  stop) stop_pid "$PIDFILE" python3 5 "$HERE/smtp.py"; rm -f "$DIR/env" "$DIR/ready.json"; echo "$HARNESS: stopped ($DIR)" >&2 ;;
  down)
    [ -f "$DIR/env" ] || die "not started under $DIR"
    stop_pid "$PIDFILE" python3 5 "$HERE/smtp.py"
    echo "$HARNESS: down: the server is stopped, its ports refuse connections; \`$0 up $DIR\` brings it back" >&2 ;;
  up)
    [ -f "$DIR/env" ] || die "not started under $DIR: use start"
    if pid_of >/dev/null && listening; then echo "$HARNESS: already up" >&2; exit 0; fi
    start_server same || die "could not listen again on the same ports (taken meanwhile?)"
    echo "$HARNESS: up again on the same ports" >&2 ;;
  status) if pid=$(pid_of); then echo "running under $DIR (pid $pid)"; else echo "not running"; exit 1; fi ;;
  env) [ -f "$DIR/env" ] || die "not started under $DIR"; cat "$DIR/env" ;;
  mails) find "$DIR/mail" -maxdepth 1 -name '*.eml' 2>/dev/null | sort ;;
  *) usage ;;
esac
