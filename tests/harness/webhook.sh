#!/usr/bin/env bash
# A local webhook receiver (webhook.py) on 127.0.0.1 for the alert tests: records every
# request, answers by path (/ok, /fail-twice, /hang, /slow, /status/NNN; see webhook.py).
#
#   tests/harness/webhook.sh start    <dir> [--slow-seconds N]   start it (no-op if it runs)
#   tests/harness/webhook.sh stop     <dir>          stop it (idempotent); requests.jsonl is kept
#   tests/harness/webhook.sh status   <dir>          exit 0 if it runs
#   tests/harness/webhook.sh env      <dir>          print the env file
#   tests/harness/webhook.sh requests <dir> [path]   the recorded requests (JSON lines), those
#                                                    of one exact path if given
#   tests/harness/webhook.sh count    <dir> <path>   how many requests that exact path got
#
# <dir>/env (export NAME='value' lines, see common.sh):
#   WEBHOOK_URL=http://127.0.0.1:PORT (append /ok, /fail-twice/<name>...)  WEBHOOK_PORT
#   WEBHOOK_HTTPS_URL=https://127.0.0.1:PORT (same paths, over TLS)  WEBHOOK_HTTPS_PORT
#   WEBHOOK_CA     the test CA of the HTTPS listener's certificate (localhost, 127.0.0.1)
#   WEBHOOK_DOWN_URL=http://127.0.0.1:PORT  nothing listens there: connection refused
#   WEBHOOK_LOG    <dir>/requests.jsonl, one JSON line per request
#   WEBHOOK_SLOW_SECONDS  the /slow delay when no ?seconds=N is given
#   CERTISANTE_WEBHOOK_HARNESS=<dir>
set -euo pipefail
HARNESS=webhook.sh
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$HERE/common.sh"

usage() { echo "usage: $0 start <dir> [--slow-seconds N] | stop|status|env <dir> | requests <dir> [path] | count <dir> <path>" >&2; exit 2; }
[ $# -ge 2 ] || usage
cmd=$1
if [ "$cmd" = start ]; then mkdir -p "$2"; fi
[ -d "$2" ] || { [ "$cmd" = stop ] && { echo "$HARNESS: nothing under $2" >&2; exit 0; }; die "$2 does not exist: run \`$0 start $2\` first"; }
DIR=$(cd "$2" && pwd)
shift 2
case $DIR in *"'"*) die "a path with a quote is not supported: $DIR" ;; esac
PIDFILE=$DIR/webhook.pid

pid_of() { live_pid "$PIDFILE" python3 "$HERE/webhook.py"; }
port_of() { python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$DIR/ready.json" "$1"; }
listening() { [ -s "$DIR/ready.json" ] && port_open "$(port_of http)"; }

start() {
  local slow=3
  while [ $# -gt 0 ]; do
    case $1 in
      --slow-seconds)
        if [ $# -lt 2 ] || ! [[ $2 =~ ^[0-9]+(\.[0-9]+)?$ ]]; then die "--slow-seconds needs a number"; fi
        slow=$2; shift 2 ;;
      *) usage ;;
    esac
  done
  need python3 python3
  if pid_of >/dev/null && listening && [ -f "$DIR/env" ] && [ "$(env_value "$DIR/env" WEBHOOK_SLOW_SECONDS)" = "$slow" ]; then
    echo "$HARNESS: already running under $DIR" >&2
    cat "$DIR/env"
    return 0
  fi
  stop_pid "$PIDFILE" python3 5 "$HERE/webhook.py"
  make_tls "$DIR/tls"
  rm -f "$DIR/ready.json"
  # exec'd by nohup: $! is the Python process; output to a log, no pipe of the caller held.
  nohup python3 -u "$HERE/webhook.py" --dir "$DIR" --cert "$DIR/tls/server.pem" --key "$DIR/tls/server.key" \
    --slow-seconds "$slow" </dev/null >>"$DIR/webhook.log" 2>&1 &
  local pid=$! down
  echo "$pid" >"$PIDFILE"
  if ! { wait_until 15 eval 'listening || ! kill -0 '"$pid"' 2>/dev/null' && listening; }; then
    echo "$HARNESS: the webhook server did not start listening within 15 s; log $DIR/webhook.log:" >&2
    tail -n 20 "$DIR/webhook.log" >&2 || true
    stop_pid "$PIDFILE" python3 5 "$HERE/webhook.py"
    rm -f "$DIR/env"
    exit 1
  fi
  down=$(free_port)
  write_env "$DIR/env" WEBHOOK_URL "http://127.0.0.1:$(port_of http)" WEBHOOK_PORT "$(port_of http)" \
    WEBHOOK_HTTPS_URL "https://127.0.0.1:$(port_of https)" WEBHOOK_HTTPS_PORT "$(port_of https)" \
    WEBHOOK_CA "$DIR/tls/ca.pem" WEBHOOK_DOWN_URL "http://127.0.0.1:$down" WEBHOOK_LOG "$DIR/requests.jsonl" \
    WEBHOOK_SLOW_SECONDS "$slow" CERTISANTE_WEBHOOK_HARNESS "$DIR"
  echo "$HARNESS: webhook receiver running under $DIR (pid $pid; http $(port_of http), https $(port_of https), down $down)" >&2
  cat "$DIR/env"
}

# Prints the recorded requests, all or those of one exact path.
requests() {
  [ -f "$DIR/requests.jsonl" ] || return 0
  python3 -c '
import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    if len(sys.argv) < 3 or json.loads(line)["path"] == sys.argv[2]:
        sys.stdout.write(line)' "$DIR/requests.jsonl" "$@"
}

case $cmd in
  start) start "$@" ;;
  stop) stop_pid "$PIDFILE" python3 5 "$HERE/webhook.py"; rm -f "$DIR/env" "$DIR/ready.json"; echo "$HARNESS: stopped ($DIR)" >&2 ;;
  status) if pid=$(pid_of); then echo "running under $DIR (pid $pid)"; else echo "not running"; exit 1; fi ;;
  env) [ -f "$DIR/env" ] || die "not started under $DIR"; cat "$DIR/env" ;;
  requests) requests "$@" ;;
  count) [ $# -eq 1 ] || usage; requests "$1" | wc -l ;;
  *) usage ;;
esac
