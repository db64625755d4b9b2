#!/usr/bin/env bash
# A private pcscd with vsmartcard-vpcd's virtual readers, for crates/devices/tests/it/card.rs
# and manual demos with certisante-vcard.
#
#   tests/harness/pcscd.sh start    start it (no-op if already running) and wait for the readers
#   tests/harness/pcscd.sh stop     stop it
#   tests/harness/pcscd.sh status   exit 0 if it runs
#   tests/harness/pcscd.sh env      print the environment clients need
#
# State lives in $CERTISANTE_PCSCD_DIR (default /tmp/certisante-pcscd-<uid>): the socket
# pcscd.comm, pcscd.pid, pcscd.log, a private reader.conf.d, and `env` (KEY=VALUE lines)
# that the tests read. `eval "$(tests/harness/pcscd.sh env)"` points pcsc_scan, scriptor
# or the app at this pcscd.
#
# Why socket activation: pcscd 1.9 ignores PCSCLITE_CSOCK_NAME (only libpcsclite clients
# read it) and always listens on /run/pcscd/pcscd.comm, but it accepts a listening socket
# passed the systemd way (LISTEN_FDS/LISTEN_PID). systemd-socket-activate (or python3)
# creates our socket and execs pcscd on the first client, keeping the PID. The vpcd
# readers listen on TCP $CERTISANTE_VPCD_PORT and the next port (default 35963, 35964);
# choose other ports if a system pcscd already loads vpcd.
# Not `-x` (auto-exit after 60 s idle). pcscd still writes /run/pcscd/pcscd.pid: a system
# pcscd's pid file is saved at start and put back at stop.
set -euo pipefail

DIR=${CERTISANTE_PCSCD_DIR:-${TMPDIR:-/tmp}/certisante-pcscd-$(id -u)}
PORT=${CERTISANTE_VPCD_PORT:-35963}
SOCK=$DIR/pcscd.comm
PIDFILE=$DIR/pcscd.pid
SYSTEM_PIDFILE=/run/pcscd/pcscd.pid
READERS=("Virtual PCD 00 00" "Virtual PCD 00 01")

die() { echo "pcscd.sh: $*" >&2; exit 1; }
need() { command -v "$1" >/dev/null || die "$1 is missing (Debian package: $2)"; }

running_pid() {
  [ -f "$PIDFILE" ] || return 1
  local pid comm
  pid=$(cat "$PIDFILE")
  kill -0 "$pid" 2>/dev/null || return 1
  # A zombie (exited, not yet reaped by whoever adopted it) is not running.
  [ "$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f1)" != Z ] || return 1
  # Never signal a recycled PID: it must still be our pcscd (or its activator).
  comm=$(cat "/proc/$pid/comm" 2>/dev/null || echo "")
  case "$comm" in pcscd | systemd-socket* | python3*) echo "$pid" ;; *) return 1 ;; esac
}

find_driver() {
  local lib
  lib=$(sed -n 's/^[[:space:]]*LIBPATH[[:space:]]*//p' /etc/reader.conf.d/vpcd 2>/dev/null | head -n1)
  for f in $lib /usr/lib/pcsc/drivers/serial/libifdvpcd.so /usr/local/lib/pcsc/drivers/serial/libifdvpcd.so; do
    [ -f "$f" ] && { echo "$f"; return 0; }
  done
  die "the vpcd driver (libifdvpcd.so) is missing (Debian package: vsmartcard-vpcd)"
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

readers_ready() {
  local out
  out=$(PCSCLITE_CSOCK_NAME=$SOCK timeout 5 pcsc_scan -r 2>/dev/null) || return 1
  for r in "${READERS[@]}"; do grep -qF "$r" <<<"$out" || return 1; done
}

write_env() {
  printf 'PCSCLITE_CSOCK_NAME=%s\nCERTISANTE_VPCD_PORT=%s\nCERTISANTE_PCSCD_PID=%s\n' "$SOCK" "$PORT" "$1" >"$DIR/env"
}

start() {
  need pcscd pcscd
  need pcsc_scan pcsc-tools
  if pid=$(running_pid) && readers_ready; then
    write_env "$pid"
    echo "pcscd.sh: already running (pid $pid, socket $SOCK)" >&2
    return 0
  fi
  stop_quietly
  local driver
  driver=$(find_driver)
  for p in "$PORT" $((PORT + 1)); do
    port_in_use "$p" && die "TCP port $p is taken (a system pcscd with vpcd?): stop it or set CERTISANTE_VPCD_PORT"
  done
  mkdir -p "$DIR/conf"
  rm -f "$DIR"/conf/* "$SOCK" "$DIR/env"
  printf 'FRIENDLYNAME "Virtual PCD"\nDEVICENAME   /dev/null:0x%04X\nLIBPATH      %s\nCHANNELID    0x%04X\n' \
    "$PORT" "$driver" "$PORT" >"$DIR/conf/vpcd"
  if [ -f "$SYSTEM_PIDFILE" ]; then cp "$SYSTEM_PIDFILE" "$DIR/system-pcscd.pid"; fi

  local cmd=(pcscd --foreground --config "$DIR/conf")
  if command -v systemd-socket-activate >/dev/null; then
    systemd-socket-activate --listen="$SOCK" "${cmd[@]}" </dev/null >"$DIR/pcscd.log" 2>&1 &
  elif command -v python3 >/dev/null; then
    python3 -c '
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1]); os.chmod(sys.argv[1], 0o666); s.listen(64)
os.dup2(s.fileno(), 3); os.set_inheritable(3, True)
os.environ.update(LISTEN_FDS="1", LISTEN_PID=str(os.getpid()))
os.execvp(sys.argv[2], sys.argv[2:])' "$SOCK" "${cmd[@]}" </dev/null >"$DIR/pcscd.log" 2>&1 &
  else
    die "systemd-socket-activate (Debian package: systemd) or python3 is needed to give pcscd a private socket"
  fi
  local pid=$!
  echo "$pid" >"$PIDFILE"
  # The first client (pcsc_scan) makes the activator exec pcscd, with the same PID.
  for _ in $(seq 100); do
    if readers_ready; then
      write_env "$pid"
      echo "pcscd.sh: pcscd running (pid $pid, socket $SOCK, vpcd ports $PORT and $((PORT + 1)))" >&2
      print_env
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "pcscd.sh: pcscd did not show the vpcd readers; log $DIR/pcscd.log:" >&2
  tail -n 20 "$DIR/pcscd.log" >&2 || true
  stop_quietly
  exit 1
}

stop_quietly() {
  local pid
  if pid=$(running_pid); then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do running_pid >/dev/null || break; sleep 0.1; done
    if running_pid >/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
  fi
  rm -f "$PIDFILE" "$SOCK" "$DIR/env"
  if [ -f "$DIR/system-pcscd.pid" ]; then
    if kill -0 "$(cat "$DIR/system-pcscd.pid")" 2>/dev/null; then cp "$DIR/system-pcscd.pid" "$SYSTEM_PIDFILE" 2>/dev/null || true; fi
    rm -f "$DIR/system-pcscd.pid"
  fi
}

print_env() { echo "export PCSCLITE_CSOCK_NAME=$SOCK CERTISANTE_VPCD_PORT=$PORT"; }

case "${1:-}" in
  start) start ;;
  stop) stop_quietly; echo "pcscd.sh: stopped" >&2 ;;
  status) if pid=$(running_pid); then echo "running (pid $pid, socket $SOCK)"; else echo "not running"; exit 1; fi ;;
  env) print_env ;;
  *) echo "usage: $0 start|stop|status|env" >&2; exit 2 ;;
esac
