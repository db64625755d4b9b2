#!/usr/bin/env bash
# The group inventory's benchmark (prints figures; not a test, nothing fails when slow):
# a private PostgreSQL 15 on loopback (tests/harness/postgres.sh, TLS verify-full, SCRAM),
# N simulated workstations × M certificates publishing concurrently beside a COPY of the
# same rows, unchanged publications, `group list` and the Groupe view's rows over every
# certificate; then the `certisante` CLI itself on a real registry (process start
# included); with BENCH_APP=1, the app and WebKit's memory with the Groupe view open and a
# filter's time (Xvfb, tauri-driver; see bench/README.md).
#
#   bash bench/group.sh
#   BENCH_PROFILE=dev BENCH_WORKSTATIONS=100 bash bench/group.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

BENCH_DIR=${BENCH_DIR:-/tmp/certisante-bench-group}
PROFILE=${BENCH_PROFILE:-release}
WORKSTATIONS=${BENCH_WORKSTATIONS:-500}
CERTIFICATES=${BENCH_CERTIFICATES:-40}
CONCURRENCY=${BENCH_CONCURRENCY:-50}
RUNS=${BENCH_RUNS:-20}
target=${CARGO_TARGET_DIR:-$root/target}
case $PROFILE in
  release) build=(--release); bin=$target/release ;;
  dev) build=(); bin=$target/debug ;;
  *) echo "BENCH_PROFILE: release or dev" >&2; exit 2 ;;
esac

echo "== building ($PROFILE)"
cargo build "${build[@]}" -p certisante-group -p certisante-cli -p certisante-testpki --bins >&2

mkdir -p "$BENCH_DIR"
pg=$BENCH_DIR/pg
stop() { bash tests/harness/postgres.sh stop "$pg" >/dev/null 2>&1 || true; }
trap stop EXIT
echo "== PostgreSQL"
bash tests/harness/postgres.sh start "$pg" >/dev/null
set -a
# shellcheck disable=SC1091
. "$pg/env"
set +a
"$PG_BIN/psql" -X -q -d "$PG_SOCKET_URL" -c "DROP DATABASE IF EXISTS bench WITH (FORCE)" -c "CREATE DATABASE bench"
admin="postgresql://$PG_SUPERUSER@/bench?host=$PG_SOCKET_DIR&port=$PG_PORT"
publisher="postgresql://{role}:{password}@127.0.0.1:$PG_PORT/bench?sslmode=verify-full&sslrootcert=$PG_CA"
[ -d "$BENCH_DIR/fixtures/certs" ] || "$bin/certisante-testpki" fixtures "$BENCH_DIR/fixtures" >/dev/null

echo "== machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}'), profile $PROFILE"
echo "== $WORKSTATIONS workstations × $CERTIFICATES certificates, $CONCURRENCY at a time (in process: real registries, real publication code, TLS + SCRAM per publication)"
"$bin/certisante-group-bench" --admin "$admin" --publisher-url "$publisher" --templates "$BENCH_DIR/fixtures/certs" \
  --workstations "$WORKSTATIONS" --certificates "$CERTIFICATES" --concurrency "$CONCURRENCY" --runs "$RUNS" --work "$BENCH_DIR/registries"

# A reference for the sessions: libpq's own (pgbench -C: a new session per transaction, TLS
# verify-full + SCRAM as the workstations, SELECT 1), as many and as concurrent.
if [ -x "$PG_BIN/pgbench" ]; then
  echo 'SELECT 1;' >"$BENCH_DIR/select1.sql"
  clients=$((CONCURRENCY < WORKSTATIONS ? CONCURRENCY : WORKSTATIONS))
  each=$(((WORKSTATIONS + clients - 1) / clients))
  start=$(date +%s%N)
  PGPASSWORD=bench-0 "$PG_BIN/pgbench" -n -C -f "$BENCH_DIR/select1.sql" -c "$clients" -j 2 -t "$each" \
    "host=127.0.0.1 port=$PG_PORT user=bench_ws_0 dbname=bench sslmode=verify-full sslrootcert=$PG_CA" >/dev/null
  printf '%-44s %10d ms\n' "reference: libpq, $((clients * each)) sessions (pgbench -C)" $((($(date +%s%N) - start) / 1000000))
fi

# The CLI as a scheduled task runs it: a real registry of 40 certificate files, one process
# per run (start, registry, listing, TLS, SCRAM, the query, the exit).
echo "== the certisante CLI (process start included), $RUNS runs each"
data=$BENCH_DIR/cli-data
rm -rf "$data" "$BENCH_DIR/cli-corpus"
"$bin/corpus" "$BENCH_DIR/cli-corpus" "$CERTIFICATES" >/dev/null
export CERTISANTE_DATA_DIR=$data CERTISANTE_EXTRA_ANCHORS=$BENCH_DIR/cli-corpus/anchors
"$bin/certisante" watch add "$BENCH_DIR/cli-corpus/certs" >/dev/null
"$bin/certisante" scan >/dev/null
"$PG_BIN/psql" -X -q -d "$admin" -c "DO \$\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'bench_cli') THEN CREATE ROLE bench_cli LOGIN PASSWORD 'bench-cli' IN ROLE certisante_publisher, certisante_reader; END IF; END \$\$"
cli_url="postgresql://bench_cli:bench-cli@127.0.0.1:$PG_PORT/bench?sslmode=verify-full&sslrootcert=$PG_CA"
timed() { # prints one run's wall time in ms; an exit code above TIMED_MAX_EXIT (0) is a failure
  local start end code=0
  start=$(date +%s%N)
  "$@" >/dev/null || code=$?
  end=$(date +%s%N)
  [ "$code" -le "${TIMED_MAX_EXIT:-0}" ] || { echo "bench: exit $code: $*" >&2; return 1; }
  echo $(((end - start) / 1000000))
}
stats() { sort -n | awk '{a[NR]=$1} END {p50=a[int((NR-1)*0.5+1.5)]; p99=a[int((NR-1)*0.99+1.5)]; printf "p50 %d ms, p99 %d ms (%d runs)\n", p50, p99, NR}'; }
printf '%-48s %s ms\n' "CLI group publish, first ($CERTIFICATES certificates)" "$(timed "$bin/certisante" group publish --database "$cli_url" --workstation CLI-BENCH)"
for _ in $(seq "$RUNS"); do timed "$bin/certisante" group publish --database "$cli_url" --workstation CLI-BENCH; done | { printf '%-48s ' "CLI group publish, unchanged"; stats; }
for _ in $(seq "$RUNS"); do timed "$bin/certisante" list --json; done | { printf '%-48s ' "CLI list --json (this registry, reference)"; stats; }
total=$("$PG_BIN/psql" -X -q -A -t -d "$admin" -c "SELECT count(DISTINCT sha256) FROM certisante.certificates")
for _ in $(seq "$RUNS"); do timed "$bin/certisante" group list --json --database "$cli_url"; done | { printf '%-48s ' "CLI group list --json ($total certificates)"; stats; }
# Nagios's exit codes (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN) are all answers: the bench's
# group holds expired certificates, so status says CRITICAL.
for _ in $(seq "$RUNS"); do TIMED_MAX_EXIT=3 timed "$bin/certisante" group status --database "$cli_url"; done | { printf '%-48s ' "CLI group status ($total certificates)"; stats; }
unset CERTISANTE_DATA_DIR CERTISANTE_EXTRA_ANCHORS

if [ "${BENCH_APP:-0}" = 1 ]; then
  echo "== the app with the Groupe view open ($total certificates): memory and a filter's time"
  tools="${CERTISANTE_TOOLS_DIR:-$HOME/.cache/certisante/tools}"
  # The app as users run it: the release build (BENCH_PROFILE=dev: the debug one).
  app_build=(cargo build "${build[@]}" --bins --features tauri/custom-protocol)
  [ -x "$bin/certisante-app" ] || { echo "build the app first: npm --prefix ui run build && ${app_build[*]}" >&2; exit 1; }
  export BENCH_APP_BIN="$bin/certisante-app" CERTISANTE_GROUP_DATABASE_URL="postgresql://bench_cli@127.0.0.1:$PG_PORT/bench?sslmode=verify-full&sslrootcert=$PG_CA"
  export PGPASSWORD=bench-cli CERTISANTE_DATA_DIR=$BENCH_DIR/app-data HOME=$BENCH_DIR/app-home
  mkdir -p "$CERTISANTE_DATA_DIR" "$HOME"
  port=${E2E_DRIVER_PORT:-4444}
  xvfb-run -a -s "-screen 0 1280x800x24" bash -c '
    "$0" --port "$1" --native-driver /usr/bin/WebKitWebDriver > "$2/tauri-driver.log" 2>&1 &
    driver=$!
    for _ in $(seq 50); do curl -s "http://127.0.0.1:$1/status" >/dev/null && break; sleep 0.2; done
    E2E_WEBDRIVER="http://127.0.0.1:$1" node bench/group-app.mjs
    status=$?
    kill $driver 2>/dev/null; wait $driver 2>/dev/null
    exit $status
  ' "$tools/bin/tauri-driver" "$port" "$BENCH_DIR"
fi
