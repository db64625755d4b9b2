#!/usr/bin/env bash
# A real Prometheus (Debian's prometheus, 2.42) scraping the CLI's metrics endpoint, for
# the exporter's tests and to try the shipped alert rules on a live server.
#
#   tests/harness/prometheus.sh start <dir> <host:port>... [--path /metrics] [--rules FILE]...
#       start it (or, if it runs, point it at these targets: config reloaded with SIGHUP)
#   tests/harness/prometheus.sh stop   <dir>   stop it (idempotent); <dir>/data is kept
#   tests/harness/prometheus.sh status <dir>   exit 0 if it runs
#   tests/harness/prometheus.sh env    <dir>   print the env file
#   tests/harness/prometheus.sh query  <dir> 'EXPR' [timeout-seconds] [--absent]
#       wait (bounded, default 30 s) until the instant query returns a series; print them
#       as JSON lines (see prometheus-query.py, which tests can also run directly)
#
# Scrape and rule evaluation every second; job name `certisante`, so `up{job="certisante"}`
# tells whether the target answered. Web and API on 127.0.0.1:<free port> only; storage
# in <dir>/data; the server log in <dir>/prometheus.log; --web.enable-lifecycle is on
# (POST /-/reload, /-/quit).
#
# <dir>/env (export NAME='value' lines, see common.sh):
#   PROMETHEUS_URL=http://127.0.0.1:PORT  PROMETHEUS_PORT  PROMETHEUS_JOB=certisante
#   PROMETHEUS_CONFIG  PROMETHEUS_QUERY (the query helper's path)  CERTISANTE_PROMETHEUS_HARNESS=<dir>
set -euo pipefail
HARNESS=prometheus.sh
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$HERE/common.sh"

JOB=certisante
usage() {
  echo "usage: $0 start <dir> <host:port>... [--path /metrics] [--rules FILE]... | stop|status|env <dir> | query <dir> EXPR [timeout] [--absent]" >&2
  exit 2
}
[ $# -ge 2 ] || usage
cmd=$1
if [ "$cmd" = start ]; then mkdir -p "$2"; fi
[ -d "$2" ] || { [ "$cmd" = stop ] && { echo "$HARNESS: nothing under $2" >&2; exit 0; }; die "$2 does not exist: run \`$0 start $2 <host:port>\` first"; }
DIR=$(cd "$2" && pwd)
shift 2
case $DIR in *"'"*) die "a path with a quote is not supported: $DIR" ;; esac
PIDFILE=$DIR/prometheus.pid
CONFIG=$DIR/prometheus.yml

ready() { curl -fsS --max-time 2 "http://127.0.0.1:$PORT/-/ready" >/dev/null 2>&1; }

# The configuration for the targets and rule files in TARGETS, RULES, METRICS_PATH.
write_config() {
  local file=$1 t r
  {
    echo "# Written by tests/harness/prometheus.sh"
    echo "global:"
    echo "  scrape_interval: 1s"
    echo "  scrape_timeout: 1s"
    echo "  evaluation_interval: 1s"
    if [ ${#RULES[@]} -gt 0 ]; then
      echo "rule_files:"
      for r in "${RULES[@]}"; do echo "  - '$r'"; done
    fi
    echo "scrape_configs:"
    echo "  - job_name: $JOB"
    echo "    metrics_path: '$METRICS_PATH'"
    echo "    static_configs:"
    echo "      - targets:"
    for t in "${TARGETS[@]}"; do echo "          - '$t'"; done
  } >"$file"
}

write_prom_env() {
  write_env "$DIR/env" PROMETHEUS_URL "http://127.0.0.1:$PORT" PROMETHEUS_PORT "$PORT" PROMETHEUS_JOB "$JOB" \
    PROMETHEUS_CONFIG "$CONFIG" PROMETHEUS_QUERY "$HERE/prometheus-query.py" CERTISANTE_PROMETHEUS_HARNESS "$DIR"
}

start() {
  need prometheus prometheus
  need promtool prometheus
  need curl curl
  need python3 python3
  TARGETS=() RULES=() METRICS_PATH=/metrics
  while [ $# -gt 0 ]; do
    case $1 in
      --rules) [ $# -ge 2 ] || usage; [ -f "$2" ] || die "rule file $2 not found"; RULES+=("$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"); shift 2 ;;
      --path) [ $# -ge 2 ] || usage; METRICS_PATH=$2; shift 2 ;;
      -*) usage ;;
      *) [[ $1 =~ ^[A-Za-z0-9.:_-]+:[0-9]+$ ]] || die "a target is host:port (e.g. 127.0.0.1:9464), not '$1'"; TARGETS+=("$1"); shift ;;
    esac
  done
  [ ${#TARGETS[@]} -gt 0 ] || die "no target: $0 start $DIR 127.0.0.1:9464"
  [[ $METRICS_PATH =~ ^/[A-Za-z0-9._/-]*$ ]] || die "--path must be a plain URL path, not '$METRICS_PATH'"
  write_config "$CONFIG.new"
  # promtool gives a clear message for a bad rule file; Prometheus would only log it.
  promtool check config "$CONFIG.new" >"$DIR/check-config.log" 2>&1 ||
    { cat "$DIR/check-config.log" >&2; rm -f "$CONFIG.new"; die "the configuration (or a rule file) is invalid"; }

  local pid
  if pid=$(live_pid "$PIDFILE" prometheus); then
    PORT=$(env_value "$DIR/env" PROMETHEUS_PORT)
    if [ -n "$PORT" ] && ready; then
      if cmp -s "$CONFIG.new" "$CONFIG"; then
        rm -f "$CONFIG.new"
      else
        # Same server, new targets or rules: SIGHUP reloads the file; wait until the
        # loaded configuration names every target.
        mv -f "$CONFIG.new" "$CONFIG"
        kill -HUP "$pid"
        loaded() {
          local c t
          c=$(curl -fsS --max-time 2 "http://127.0.0.1:$PORT/api/v1/status/config") || return 1
          for t in "${TARGETS[@]}"; do grep -qF -- "$t" <<<"$c" || return 1; done
        }
        wait_until 10 loaded || die "Prometheus did not load the new configuration; log $DIR/prometheus.log"
        echo "$HARNESS: configuration reloaded (targets ${TARGETS[*]})" >&2
      fi
      write_prom_env
      echo "$HARNESS: already running under $DIR (pid $pid, http://127.0.0.1:$PORT)" >&2
      cat "$DIR/env"
      return 0
    fi
    stop_pid "$PIDFILE" prometheus
  fi
  mv -f "$CONFIG.new" "$CONFIG"
  mkdir -p "$DIR/data"
  local try
  for try in 1 2 3; do
    PORT=$(free_port)
    : >"$DIR/prometheus.log"
    # exec: $! is Prometheus itself. nohup and the redirections: it outlives this script
    # and holds none of the caller's pipes open (a `| tee` would never end otherwise).
    nohup prometheus --config.file="$CONFIG" --storage.tsdb.path="$DIR/data" \
      --storage.tsdb.retention.time=1d --web.listen-address="127.0.0.1:$PORT" --web.enable-lifecycle \
      --web.external-url="http://127.0.0.1:$PORT/" </dev/null >>"$DIR/prometheus.log" 2>&1 &
    pid=$!
    echo "$pid" >"$PIDFILE"
    if wait_until 30 eval 'ready || ! kill -0 '"$pid"' 2>/dev/null' && ready; then
      write_prom_env
      echo "$HARNESS: Prometheus $(prometheus --version 2>&1 | sed -n '1s/.*version \([^ ]*\).*/\1/p') running under $DIR (pid $pid, http://127.0.0.1:$PORT, targets ${TARGETS[*]})" >&2
      cat "$DIR/env"
      return 0
    fi
    stop_pid "$PIDFILE" prometheus
    # The port was taken between free_port and the bind: try another one.
    grep -q "address already in use" "$DIR/prometheus.log" && [ "$try" -lt 3 ] && continue
    break
  done
  echo "$HARNESS: Prometheus did not become ready within 30 s; log $DIR/prometheus.log:" >&2
  tail -n 20 "$DIR/prometheus.log" >&2 || true
  rm -f "$DIR/env"
  exit 1
}

case $cmd in
  start) start "$@" ;;
  stop) stop_pid "$PIDFILE" prometheus 10; rm -f "$DIR/env"; echo "$HARNESS: stopped ($DIR)" >&2 ;;
  status) if pid=$(live_pid "$PIDFILE" prometheus); then echo "running under $DIR (pid $pid)"; else echo "not running"; exit 1; fi ;;
  env) [ -f "$DIR/env" ] || die "not started under $DIR"; cat "$DIR/env" ;;
  query)
    [ $# -ge 1 ] || usage
    [ -f "$DIR/env" ] || die "not started under $DIR"
    expr=$1; shift
    timeout=30 absent=()
    for a in "$@"; do case $a in --absent) absent=(--absent) ;; *) timeout=$a ;; esac; done
    exec python3 "$HERE/prometheus-query.py" --url "$(env_value "$DIR/env" PROMETHEUS_URL)" --timeout "$timeout" "${absent[@]}" "$expr" ;;
  *) usage ;;
esac
