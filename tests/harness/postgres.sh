#!/usr/bin/env bash
# A private PostgreSQL 15 cluster for tests (Debian's postgresql package), reachable on a
# Unix socket and on 127.0.0.1 over TLS that clients can verify (sslmode=verify-full).
#
#   tests/harness/postgres.sh start   <dir>   create (or start again) the cluster, wait until it answers
#   tests/harness/postgres.sh stop    <dir>   stop it and delete its data (idempotent)
#   tests/harness/postgres.sh kill    <dir>   SIGKILL the postmaster: a server that dies (env kept)
#   tests/harness/postgres.sh restart <dir>   fast restart, or start again after `kill` (same port)
#   tests/harness/postgres.sh status  <dir>   exit 0 if the server runs
#   tests/harness/postgres.sh env     <dir>   print the env file
#   tests/harness/postgres.sh psql    <dir> [psql args]   psql as the superuser over the socket
#
# <dir>/env (export NAME='value' lines, see common.sh):
#   PG_HOST=127.0.0.1  PG_PORT  PG_SOCKET_DIR  PG_CA (the test CA, for sslrootcert)
#   PG_SUPERUSER  PG_SUPERUSER_PASSWORD  PG_DATABASE (postgres)
#   PG_SUPERUSER_URL  postgresql://...@127.0.0.1:PORT/postgres?sslmode=verify-full&sslrootcert=CA
#   PG_SOCKET_URL     postgresql://SUPERUSER@/postgres?host=SOCKET_DIR&port=PORT (trust, no password)
#   PG_BIN (psql, pg_dump...)  PG_LOG  CERTISANTE_POSTGRES_HARNESS=<dir>
#
# Authentication (pg_hba.conf): the superuser is trusted on the socket only; every other
# socket login and every TCP login needs a scram-sha-256 password; TCP without TLS is
# rejected, so a client that would fall back to clear text fails visibly.
#
# Why the cluster lives outside <dir>: the server refuses to run as root, so it runs as
# the `postgres` system user (or `certisante-pg`, created if missing; the calling user
# when not root), and a <dir> made by root with mktemp (mode 700) is closed to that user.
# The data, socket and server log live in a folder that user owns under /tmp, named in
# <dir>/cluster; `stop` deletes it. The test CA and certificates stay in <dir>/tls.
# Test-only settings: fsync and full_page_writes off, for speed. A killed server still
# keeps every committed transaction (its writes reached the kernel: synchronous_commit
# stays on); only a crash of the machine could lose data. Never point this at real data.
set -euo pipefail
HARNESS=postgres.sh
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "$0")/common.sh"

usage() { echo "usage: $0 start|stop|kill|restart|status|env|psql <dir> [psql args]" >&2; exit 2; }
[ $# -ge 2 ] || usage
cmd=$1
if [ "$cmd" = start ]; then mkdir -p "$2"; fi
[ -d "$2" ] || { [ "$cmd" = stop ] && { echo "$HARNESS: nothing under $2" >&2; exit 0; }; die "$2 does not exist: run \`$0 start $2\` first"; }
DIR=$(cd "$2" && pwd)
shift 2
case $DIR in *"'"*) die "a path with a quote is not supported: $DIR" ;; esac

SUPERUSER=${CERTISANTE_PG_SUPERUSER:-postgres}
# Debian 12 ships 15; another major version works too if it is the only one installed.
PG_BIN=${CERTISANTE_PG_BIN:-/usr/lib/postgresql/15/bin}
if [ ! -x "$PG_BIN/initdb" ] && [ -z "${CERTISANTE_PG_BIN:-}" ]; then
  newest=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)
  [ -n "$newest" ] && PG_BIN=$newest
fi

# The unprivileged user the server runs as, and `as` to run a command as that user.
if [ "$(id -u)" -ne 0 ]; then
  RUN_USER=$(id -un)
  as() { "$@"; }
else
  RUN_USER=${CERTISANTE_PG_USER:-postgres}
  as() { runuser -u "$RUN_USER" -- "$@"; }
fi

CLUSTER=$(cat "$DIR/cluster" 2>/dev/null || true)
DATA=${CLUSTER:+$CLUSTER/data}
SOCKDIR=${CLUSTER:+$CLUSTER/socket}
# An existing cluster keeps the user that created it.
if [ "$(id -u)" -eq 0 ] && [ -n "$CLUSTER" ] && [ -d "$CLUSTER" ]; then RUN_USER=$(stat -c %U "$CLUSTER"); fi

ensure_user() {
  [ "$(id -u)" -eq 0 ] || return 0
  id "$RUN_USER" >/dev/null 2>&1 && return 0
  if [ -z "${CERTISANTE_PG_USER:-}" ]; then
    RUN_USER=certisante-pg
    id "$RUN_USER" >/dev/null 2>&1 && return 0
  fi
  need useradd passwd
  useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$RUN_USER" ||
    die "could not create the system user $RUN_USER to run PostgreSQL (it refuses to run as root)"
  echo "$HARNESS: created the system user $RUN_USER" >&2
}

# The postmaster's pid, from the first line of postmaster.pid, if it is alive.
postmaster_pid() {
  [ -n "$DATA" ] && [ -f "$DATA/postmaster.pid" ] || return 1
  head -n1 "$DATA/postmaster.pid" >"$DIR/postmaster.pid.copy" 2>/dev/null || return 1
  live_pid "$DIR/postmaster.pid.copy" postgres
}

running() { postmaster_pid >/dev/null && as "$PG_BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; }

# Every process of this cluster (the postmaster and its children all work in $DATA):
# after a SIGKILL of the postmaster, its children exit on their own shortly after, and a
# new postmaster must not start while they still hold the old shared memory.
cluster_procs() {
  local p
  [ -n "$DATA" ] || return 0
  for p in /proc/[0-9]*; do
    [ "$(readlink "$p/cwd" 2>/dev/null)" = "$DATA" ] || continue
    [ "$(sed 's/.*) //' "$p/stat" 2>/dev/null | cut -d' ' -f1)" != Z ] || continue
    echo "${p#/proc/}"
  done
}
no_cluster_procs() { [ -z "$(cluster_procs)" ]; }

answers() { as "$PG_BIN/pg_isready" -q -h "$SOCKDIR" -p "$PORT" -t 2 && as "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" -t 2; }

write_pg_env() {
  local password ca=$DIR/tls/ca.pem
  password=$(cat "$DIR/superuser.password")
  write_env "$DIR/env" \
    PG_HOST 127.0.0.1 PG_PORT "$PORT" PG_SOCKET_DIR "$SOCKDIR" PG_CA "$ca" \
    PG_SUPERUSER "$SUPERUSER" PG_SUPERUSER_PASSWORD "$password" PG_DATABASE postgres \
    PG_SUPERUSER_URL "postgresql://$SUPERUSER:$password@127.0.0.1:$PORT/postgres?sslmode=verify-full&sslrootcert=$ca" \
    PG_SOCKET_URL "postgresql://$SUPERUSER@/postgres?host=$SOCKDIR&port=$PORT" \
    PG_BIN "$PG_BIN" PG_LOG "$CLUSTER/postgres.log" CERTISANTE_POSTGRES_HARNESS "$DIR"
}

# Creates the cluster folder, runs initdb, writes the configuration. Sets CLUSTER etc.
create_cluster() {
  ensure_user
  CLUSTER=$(mktemp -d /tmp/certisante-pg.XXXXXX) || die "mktemp failed under /tmp"
  DATA=$CLUSTER/data SOCKDIR=$CLUSTER/socket
  echo "$CLUSTER" >"$DIR/cluster"
  mkdir -p "$SOCKDIR"
  # 711 / 755: other users (root's tests, a test user) reach the socket, not the data.
  chmod 711 "$CLUSTER"
  chmod 755 "$SOCKDIR"
  make_tls "$DIR/tls"
  [ -f "$DIR/superuser.password" ] || (umask 077; openssl rand -hex 16 >"$DIR/superuser.password")
  (umask 077; cp "$DIR/superuser.password" "$CLUSTER/pwfile")
  chown -R "$RUN_USER:" "$CLUSTER" 2>/dev/null || [ "$(id -u)" -ne 0 ] || die "could not give $CLUSTER to $RUN_USER"

  local locale=(--no-locale)
  locale -a 2>/dev/null | grep -qix 'c\.utf-\?8' && locale=(--locale=C.UTF-8)
  as "$PG_BIN/initdb" -D "$DATA" -U "$SUPERUSER" --pwfile="$CLUSTER/pwfile" -E UTF8 "${locale[@]}" \
    --auth-local=trust --auth-host=scram-sha-256 >"$DIR/initdb.log" 2>&1 ||
    { tail -n 20 "$DIR/initdb.log" >&2; die "initdb failed (as $RUN_USER, in $DATA); log $DIR/initdb.log"; }
  rm -f "$CLUSTER/pwfile"
  install -m 600 -o "$(id -u "$RUN_USER")" "$DIR/tls/server.pem" "$DATA/server.crt"
  install -m 600 -o "$(id -u "$RUN_USER")" "$DIR/tls/server.key" "$DATA/server.key"

  as tee -a "$DATA/postgresql.conf" >/dev/null <<EOF

# --- tests/harness/postgres.sh (test cluster; never for real data) ---
listen_addresses = '127.0.0.1'
unix_socket_directories = '$SOCKDIR'
unix_socket_permissions = 0777
ssl = on
ssl_cert_file = 'server.crt'
ssl_key_file = 'server.key'
ssl_min_protocol_version = 'TLSv1.2'
password_encryption = 'scram-sha-256'
fsync = off
full_page_writes = off
shared_buffers = 32MB
log_connections = on
log_line_prefix = '%m [%p] %q%u@%d '
include_if_exists = 'harness-port.conf'
EOF
  as tee "$DATA/pg_hba.conf" >/dev/null <<EOF
# tests/harness/postgres.sh: first match wins.
# TYPE    DATABASE  USER          ADDRESS       METHOD
local     all       $SUPERUSER    trust
local     all       all           scram-sha-256
hostssl   all       all           127.0.0.1/32  scram-sha-256
hostnossl all       all           127.0.0.1/32  reject
EOF
}

# Starts the postmaster of the existing cluster on $PORT; false if it did not come up.
start_postmaster() {
  echo "port = $PORT" | as tee "$DATA/harness-port.conf" >/dev/null
  # -w -t 30: pg_ctl itself waits (bounded) until the server accepts connections.
  as "$PG_BIN/pg_ctl" -D "$DATA" -l "$CLUSTER/postgres.log" -w -t 30 start >"$DIR/pg_ctl.log" 2>&1 || return 1
  wait_until 10 answers
}

start() {
  [ -x "$PG_BIN/initdb" ] || die "PostgreSQL server binaries not found in $PG_BIN (Debian package: postgresql; scripts/setup.sh test installs it)"
  need openssl openssl
  need python3 python3
  if [ -n "$CLUSTER" ] && running; then
    PORT=$(sed -n 's/^port = //p' "$DATA/harness-port.conf" 2>/dev/null || true)
    if [ -n "$PORT" ] && answers; then
      write_pg_env
      echo "$HARNESS: already running under $DIR (port $PORT)" >&2
      cat "$DIR/env"
      return 0
    fi
    # Running but not answering: start from scratch below.
    stop_cluster
  fi
  local reuse=no
  if [ -n "$CLUSTER" ] && [ -f "$DATA/PG_VERSION" ]; then
    # After `kill` (or a crash): the same cluster and, if still free, the same port.
    reuse=yes
    wait_until 15 no_cluster_procs || die "processes of the killed cluster are still running: $(cluster_procs | tr '\n' ' ')"
    # A killed postmaster may stay a zombie (this machine's pid 1 does not reap orphans):
    # PostgreSQL would take it for a live one named in postmaster.pid and in the socket's
    # lock file, and refuse to start. Nothing of this cluster runs now: remove both.
    if ! postmaster_pid >/dev/null; then rm -f "$DATA/postmaster.pid" "$SOCKDIR"/.s.PGSQL.*; fi
    PORT=$(sed -n 's/^port = //p' "$DATA/harness-port.conf" 2>/dev/null || true)
  else
    stop_cluster
    create_cluster
    PORT=
  fi
  for _ in 1 2 3; do
    if [ -z "$PORT" ] || port_open "$PORT"; then PORT=$(free_port); fi
    if start_postmaster; then
      write_pg_env
      echo "$HARNESS: PostgreSQL $(cat "$DATA/PG_VERSION") running as $RUN_USER under $DIR (127.0.0.1:$PORT TLS, socket $SOCKDIR$([ $reuse = yes ] && echo ', existing data'))" >&2
      cat "$DIR/env"
      return 0
    fi
    # Another process took the port between free_port and the bind: try another one.
    grep -q "could not bind\|Address already in use" "$CLUSTER/postgres.log" 2>/dev/null || break
    as "$PG_BIN/pg_ctl" -D "$DATA" -m immediate stop >/dev/null 2>&1 || true
    PORT=
  done
  echo "$HARNESS: PostgreSQL did not start; pg_ctl said:" >&2
  tail -n 5 "$DIR/pg_ctl.log" >&2 || true
  echo "$HARNESS: server log $CLUSTER/postgres.log:" >&2
  tail -n 20 "$CLUSTER/postgres.log" >&2 || true
  # A new cluster is deleted again; an existing one (after `kill`) is kept for a look.
  if [ $reuse = no ]; then stop_cluster; else echo "$HARNESS: the cluster is kept; \`$0 stop $DIR\` deletes it" >&2; fi
  exit 1
}

# Stops the server if it runs (fast, then immediate, then SIGKILL) and deletes the cluster.
stop_cluster() {
  local pid
  if [ -n "$CLUSTER" ] && [ -d "$DATA" ]; then
    if postmaster_pid >/dev/null; then
      as "$PG_BIN/pg_ctl" -D "$DATA" -m fast -w -t 20 stop >/dev/null 2>&1 ||
        as "$PG_BIN/pg_ctl" -D "$DATA" -m immediate -w -t 10 stop >/dev/null 2>&1 || true
      if pid=$(postmaster_pid); then kill -KILL "$pid" 2>/dev/null || true; fi
    fi
    wait_until 15 no_cluster_procs || echo "$HARNESS: warning: cluster processes still running: $(cluster_procs | tr '\n' ' ')" >&2
  fi
  # Only ever delete a folder this script made (the name it gave it).
  case $CLUSTER in /tmp/certisante-pg.??????) rm -rf "$CLUSTER" ;; esac
  rm -f "$DIR/cluster" "$DIR/env" "$DIR/postmaster.pid.copy"
  CLUSTER="" DATA="" SOCKDIR=""
}

kill_server() {
  local pid
  pid=$(postmaster_pid) || die "no running postmaster under $DIR"
  kill -KILL "$pid"
  wait_until 10 eval '! postmaster_pid >/dev/null' || die "the postmaster $pid survived SIGKILL"
  # Its children notice the postmaster's death and exit: wait, so that the port and the
  # socket are really closed when this returns.
  wait_until 15 no_cluster_procs || echo "$HARNESS: warning: children of the killed postmaster still running: $(cluster_procs | tr '\n' ' ')" >&2
  echo "$HARNESS: postmaster $pid killed (SIGKILL); \`$0 restart $DIR\` brings it back on port $(env_value "$DIR/env" PG_PORT)" >&2
}

restart() {
  [ -n "$CLUSTER" ] && [ -f "$DATA/PG_VERSION" ] || die "no cluster under $DIR: run \`$0 start $DIR\` first"
  if running; then
    PORT=$(sed -n 's/^port = //p' "$DATA/harness-port.conf")
    as "$PG_BIN/pg_ctl" -D "$DATA" -l "$CLUSTER/postgres.log" -m fast -w -t 30 restart >"$DIR/pg_ctl.log" 2>&1 ||
      { tail -n 20 "$CLUSTER/postgres.log" >&2; die "pg_ctl restart failed"; }
    wait_until 10 answers || die "the restarted server does not answer; log $CLUSTER/postgres.log"
    write_pg_env
    echo "$HARNESS: restarted (port $PORT)" >&2
  else
    start
  fi
}

case $cmd in
  start) start ;;
  stop) stop_cluster; echo "$HARNESS: stopped ($DIR)" >&2 ;;
  kill) kill_server ;;
  restart) restart ;;
  status)
    if [ -n "$CLUSTER" ] && running; then echo "running under $DIR (port $(env_value "$DIR/env" PG_PORT))"; else echo "not running"; exit 1; fi ;;
  env) [ -f "$DIR/env" ] || die "not started under $DIR"; cat "$DIR/env" ;;
  psql)
    [ -f "$DIR/env" ] || die "not started under $DIR"
    exec "$PG_BIN/psql" -X -v ON_ERROR_STOP=1 "$(env_value "$DIR/env" PG_SOCKET_URL)" "$@" ;;
  *) usage ;;
esac
